//! What the store keeps per profile and region, measured and cleared as a whole.
//!
//! Saved data is whatever lives in a table with `profile` and `region` columns: the
//! tables are found from the schema, so a capability that adds one (test events, log
//! excerpts, metrics) is measured and cleared here without being listed. The exception
//! is what the user made rather than what the app learned: saved test events and their
//! drafts are neither counted nor cleared here (they are deleted one by one).

use std::sync::Arc;

use rusqlite::params;
use serde::Serialize;

use super::{run_blocking, store_error, Store, StoreNotice};
use crate::scope::Scope;
use crate::Error;

/// [`Store::local_data`] on the blocking pool (for async callers).
pub async fn measure(store: &Arc<Store>) -> Result<LocalDataSummary, Error> {
    run_blocking(store, |store| store.local_data()).await
}

/// [`Store::clear_local_data`] on the blocking pool, then what is left. Whatever could
/// write into the cleared scopes must have stopped first (the shell stops its streams).
pub async fn clear(store: &Arc<Store>, scope: Option<Scope>) -> Result<LocalDataSummary, Error> {
    run_blocking(store, move |store| {
        store.clear_local_data(scope.as_ref())?;
        store.local_data()
    })
    .await
}

/// What Settings → Local data shows for the whole store.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LocalDataSummary {
    /// The store file, or `None` for an in-memory store.
    pub path: Option<String>,
    /// The file and its write-ahead log on disk, in bytes (an f64: JavaScript has no
    /// 64-bit integers).
    pub file_bytes: f64,
    /// Every profile and region with saved data, by profile then region.
    pub scopes: Vec<ScopeData>,
    /// What happened to the previous store when this one was opened, if anything.
    pub notice: Option<StoreNotice>,
}

/// The saved data of one profile and region.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeData {
    pub scope: Scope,
    /// The bytes of its rows' values: what clearing it gives back.
    pub bytes: f64,
    /// Functions in its saved list.
    pub functions: u32,
    /// When its saved list was fetched; `None` when it has no list (details only).
    pub list_fetched_at: Option<String>,
}

impl Store {
    /// The size of everything saved, per profile and region.
    pub fn local_data(&self) -> Result<LocalDataSummary, Error> {
        let connection = self.connection();
        let mut bytes_by_scope: std::collections::BTreeMap<Scope, f64> = Default::default();
        for (table, columns) in scoped_tables(&connection).map_err(|e| store_error(&e))? {
            let row_bytes = columns
                .iter()
                .map(|column| format!("COALESCE(LENGTH(CAST(\"{column}\" AS BLOB)), 0)"))
                .collect::<Vec<_>>()
                .join(" + ");
            let mut statement = connection
                .prepare(&format!("SELECT profile, region, SUM({row_bytes}) FROM \"{table}\" GROUP BY profile, region"))
                .map_err(|e| store_error(&e))?;
            let rows = statement
                .query_map([], |row| {
                    Ok((Scope { profile: row.get(0)?, region: row.get(1)? }, row.get::<_, i64>(2)? as f64))
                })
                .map_err(|e| store_error(&e))?;
            for row in rows {
                let (scope, bytes) = row.map_err(|e| store_error(&e))?;
                *bytes_by_scope.entry(scope).or_default() += bytes;
            }
        }
        let mut scopes = Vec::with_capacity(bytes_by_scope.len());
        for (scope, bytes) in bytes_by_scope {
            let functions: u32 = connection
                .query_row(
                    "SELECT COUNT(*) FROM functions WHERE profile = ?1 AND region = ?2",
                    params![scope.profile, scope.region],
                    |row| row.get(0),
                )
                .map_err(|e| store_error(&e))?;
            let list_fetched_at: Option<String> = connection
                .query_row(
                    "SELECT MAX(fetched_at) FROM function_list_snapshots WHERE profile = ?1 AND region = ?2",
                    params![scope.profile, scope.region],
                    |row| row.get(0),
                )
                .map_err(|e| store_error(&e))?;
            scopes.push(ScopeData { scope, bytes, functions, list_fetched_at });
        }
        let file_bytes = match &self.path {
            Some(path) => ["", "-wal"]
                .iter()
                .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
                .map(|meta| meta.len() as f64)
                .sum(),
            None => 0.0,
        };
        Ok(LocalDataSummary {
            path: self.path.as_ref().map(|p| p.display().to_string()),
            file_bytes,
            scopes,
            notice: self.notice.clone(),
        })
    }

    /// Forgets everything saved for one profile and region (`Some`) or for all of them
    /// (`None`), in one transaction, then gives the space back to the disk. Profiles and
    /// settings stay.
    pub fn clear_local_data(&self, scope: Option<&Scope>) -> Result<(), Error> {
        let mut connection = self.connection();
        let tables = scoped_tables(&connection).map_err(|e| store_error(&e))?;
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        for (table, _) in &tables {
            let deleted = match scope {
                Some(scope) => tx.execute(
                    &format!("DELETE FROM \"{table}\" WHERE profile = ?1 AND region = ?2"),
                    params![scope.profile, scope.region],
                ),
                None => tx.execute(&format!("DELETE FROM \"{table}\""), []),
            };
            deleted.map_err(|e| store_error(&e))?;
        }
        tx.commit().map_err(|e| store_error(&e))?;
        connection.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);").map_err(|e| store_error(&e))
    }
}

/// Tables of the user's own work, never cleared with the saved data.
const USER_AUTHORED_TABLES: &[&str] = &["saved_events", "event_drafts", "config_drafts"];

/// The tables holding per-scope data (those with `profile` and `region` columns; the
/// profiles table itself has no `profile` column), each with its column names.
fn scoped_tables(connection: &rusqlite::Connection) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let mut tables = Vec::new();
    let mut statement =
        connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
    let names: Vec<String> = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
    for name in names.into_iter().filter(|name| !USER_AUTHORED_TABLES.contains(&name.as_str())) {
        let mut columns_of = connection.prepare("SELECT name FROM pragma_table_info(?1)")?;
        let columns: Vec<String> = columns_of.query_map([&name], |row| row.get(0))?.collect::<Result<_, _>>()?;
        if columns.iter().any(|c| c == "profile") && columns.iter().any(|c| c == "region") {
            tables.push((name, columns));
        }
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::functions::tests::summary;
    use crate::store::functions::StoredSection;
    use crate::timestamps;

    fn scope(profile: &str, region: &str) -> Scope {
        Scope { profile: profile.into(), region: region.into() }
    }

    fn save_list(store: &Store, scope: &Scope, names: &[&str]) {
        let functions: Vec<_> = names.iter().map(|n| summary(n)).collect();
        let sync = store.begin_sync(scope).unwrap();
        store.replace_function_list(scope, sync, &functions, 1).unwrap();
        let section =
            StoredSection { section: "configuration".into(), fetched_at: timestamps::now(), body: "{\"x\":1}".into() };
        store.save_detail_section(scope, names[0], &section, None, None).unwrap();
    }

    #[test]
    fn each_scope_is_measured_with_its_list_and_age() {
        let store = Store::in_memory().unwrap();
        let (work, play) = (scope("work", "eu-west-1"), scope("play", "us-east-1"));
        save_list(&store, &work, &["a", "b", "c"]);
        save_list(&store, &play, &["d"]);

        let summary = store.local_data().unwrap();

        let scopes: Vec<_> = summary.scopes.iter().map(|s| (s.scope.clone(), s.functions)).collect();
        assert_eq!(scopes, [(play.clone(), 1), (work.clone(), 3)]);
        let bytes = |s: &Scope| summary.scopes.iter().find(|d| &d.scope == s).unwrap().bytes;
        assert!(bytes(&work) > bytes(&play), "three functions weigh more than one");
        assert!(summary.scopes.iter().all(|s| s.list_fetched_at.is_some()));
        assert_eq!(summary.path, None);
    }

    #[test]
    fn clearing_one_scope_leaves_the_others_and_the_profiles() {
        let store = Store::in_memory().unwrap();
        let (work, play) = (scope("work", "eu-west-1"), scope("play", "us-east-1"));
        save_list(&store, &work, &["a", "b"]);
        save_list(&store, &play, &["d"]);
        store.set_setting("active_profile", Some("work")).unwrap();

        store.clear_local_data(Some(&work)).unwrap();

        assert_eq!(store.load_function_list(&work).unwrap(), None);
        assert_eq!(store.last_sync(&work).unwrap(), None);
        assert!(store.load_detail_sections(&work, "a").unwrap().is_empty());
        assert_eq!(store.load_function_list(&play).unwrap().unwrap().functions.len(), 1);
        assert_eq!(store.setting("active_profile").unwrap().as_deref(), Some("work"));
        let left: Vec<_> = store.local_data().unwrap().scopes.into_iter().map(|s| s.scope).collect();
        assert_eq!(left, [play]);
    }

    #[test]
    fn clearing_everything_empties_every_scoped_table_and_shrinks_the_file() {
        let (dir, path) = crate::store::tests::scratch_store("clear-all");
        let store = Store::open(&path).unwrap();
        let functions: Vec<_> = (0..2000).map(|i| summary(&format!("fn-{i:05}"))).collect();
        let sync = store.begin_sync(&scope("work", "eu-west-1")).unwrap();
        store.replace_function_list(&scope("work", "eu-west-1"), sync, &functions, 40).unwrap();
        save_list(&store, &scope("play", "us-east-1"), &["d"]);
        let before = store.local_data().unwrap().file_bytes;

        store.clear_local_data(None).unwrap();

        let after = store.local_data().unwrap();
        assert!(after.scopes.is_empty(), "{:?}", after.scopes);
        assert!(after.file_bytes < before / 2.0, "{} bytes before, {} after", before, after.file_bytes);
        drop(store);
        std::fs::remove_dir_all(dir).ok();
    }
}
