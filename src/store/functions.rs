//! The saved function list of each profile and region, each function's detail sections,
//! and the record of every list sync.
//!
//! A snapshot is replaced in one transaction by a complete sync, so a failed, cancelled
//! or killed sync leaves the previous one intact, and a function disappears only when a
//! complete sync no longer lists it.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::{store_error, Store};
use crate::functions::types::FunctionSummary;
use crate::scope::Scope;
use crate::{timestamps, Error, ErrorCode};

/// The saved list of one scope and when it was fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedFunctionList {
    pub functions: Vec<FunctionSummary>,
    pub fetched_at: String,
}

/// How a sync ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    Complete,
    Failed,
    Cancelled,
    /// Started and never finished: the process was killed or is still running.
    Unfinished,
}

/// One sync of a function list, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncRecord {
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: SyncOutcome,
    pub pages: u32,
    pub functions: u32,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
}

/// The row id of a sync in progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncId(i64);

/// One saved detail section of a function (its JSON body is the details module's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSection {
    pub section: String,
    pub fetched_at: String,
    pub body: String,
}

const SUMMARY_COLUMNS: &str = "function_name, function_arn, runtime, memory_size, timeout, last_modified, \
     description, handler, package_type, architectures, state, last_update_status";

/// What the saved list knows of a function's size: its memory (MB) and architectures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryAndArchitectures {
    pub memory_size: Option<i32>,
    pub architectures: Vec<String>,
}

impl Store {
    /// Records the start of a list sync.
    pub fn begin_sync(&self, scope: &Scope) -> Result<SyncId, Error> {
        let connection = self.connection();
        connection
            .execute(
                "INSERT INTO sync_runs (profile, region, started_at) VALUES (?1, ?2, ?3)",
                params![scope.profile, scope.region, timestamps::now()],
            )
            .map_err(|e| store_error(&e))?;
        Ok(SyncId(connection.last_insert_rowid()))
    }

    /// Records a sync that ended without a new snapshot: cancelled, or failed with `error`.
    pub fn end_sync_without_snapshot(
        &self,
        id: SyncId,
        pages: u32,
        functions: u32,
        error: &Error,
    ) -> Result<(), Error> {
        let (outcome, code, message) = match error {
            Error::Cancelled => ("cancelled", None, None),
            other => ("failed", Some(error_code_name(other.code())), Some(other.to_string())),
        };
        self.connection()
            .execute(
                "UPDATE sync_runs SET finished_at = ?2, outcome = ?3, pages = ?4, functions = ?5,
                     error_code = ?6, error_message = ?7 WHERE id = ?1",
                params![id.0, timestamps::now(), outcome, pages, functions, code, message],
            )
            .map_err(|e| store_error(&e))?;
        Ok(())
    }

    /// Replaces the scope's list with a complete sync's result, in one transaction, and
    /// forgets the saved details and tags of functions it no longer lists.
    pub fn replace_function_list(
        &self,
        scope: &Scope,
        id: SyncId,
        functions: &[FunctionSummary],
        pages: u32,
    ) -> Result<CachedFunctionList, Error> {
        let fetched_at = timestamps::now();
        let mut connection = self.connection();
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        write_snapshot(&tx, scope, functions, &fetched_at).map_err(|e| store_error(&e))?;
        tx.execute(
            "UPDATE sync_runs SET finished_at = ?2, outcome = 'complete', pages = ?3, functions = ?4 WHERE id = ?1",
            params![id.0, fetched_at, pages, functions.len() as u32],
        )
        .map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))?;
        drop(connection);
        // Tags saved with details belong in the list the UI receives.
        Ok(self.load_function_list(scope)?.unwrap_or(CachedFunctionList { functions: Vec::new(), fetched_at }))
    }

    /// The saved list of a scope (with the tags known from details), or `None` if no sync
    /// of it ever completed.
    pub fn load_function_list(&self, scope: &Scope) -> Result<Option<CachedFunctionList>, Error> {
        self.load_function_rows(scope, None)
    }

    /// The first `limit` functions of the saved list by name (what a window shows first).
    pub fn load_function_list_head(&self, scope: &Scope, limit: u32) -> Result<Option<CachedFunctionList>, Error> {
        self.load_function_rows(scope, Some(limit))
    }

    /// The ARN of a function in the saved list, if it is there.
    pub fn function_arn(&self, scope: &Scope, function_name: &str) -> Result<Option<String>, Error> {
        self.connection()
            .query_row(
                "SELECT function_arn FROM functions WHERE profile = ?1 AND region = ?2 AND function_name = ?3",
                params![scope.profile, scope.region, function_name],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// The memory size and architectures of a function in the saved list (what prices its
    /// invocations when its details are not saved), if it is there.
    pub fn function_memory_and_architectures(
        &self,
        scope: &Scope,
        function_name: &str,
    ) -> Result<Option<MemoryAndArchitectures>, Error> {
        self.connection()
            .query_row(
                "SELECT memory_size, architectures FROM functions
                 WHERE profile = ?1 AND region = ?2 AND function_name = ?3",
                params![scope.profile, scope.region, function_name],
                |row| {
                    let architectures: String = row.get(1)?;
                    let architectures = architectures.split(',').filter(|a| !a.is_empty()).map(str::to_string);
                    Ok(MemoryAndArchitectures { memory_size: row.get(0)?, architectures: architectures.collect() })
                },
            )
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// How many functions the saved list of a scope holds.
    pub fn count_functions(&self, scope: &Scope) -> Result<u32, Error> {
        self.connection()
            .query_row(
                "SELECT COUNT(*) FROM functions WHERE profile = ?1 AND region = ?2",
                params![scope.profile, scope.region],
                |row| row.get(0),
            )
            .map_err(|e| store_error(&e))
    }

    fn load_function_rows(&self, scope: &Scope, limit: Option<u32>) -> Result<Option<CachedFunctionList>, Error> {
        let connection = self.connection();
        let fetched_at: Option<String> = connection
            .query_row(
                "SELECT fetched_at FROM function_list_snapshots WHERE profile = ?1 AND region = ?2",
                params![scope.profile, scope.region],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| store_error(&e))?;
        let Some(fetched_at) = fetched_at else { return Ok(None) };

        let mut tags: HashMap<String, BTreeMap<String, String>> = HashMap::new();
        let mut statement = connection
            .prepare_cached("SELECT function_name, key, value FROM function_tags WHERE profile = ?1 AND region = ?2")
            .map_err(|e| store_error(&e))?;
        let mut rows = statement.query(params![scope.profile, scope.region]).map_err(|e| store_error(&e))?;
        while let Some(row) = rows.next().map_err(|e| store_error(&e))? {
            let name: String = row.get(0).map_err(|e| store_error(&e))?;
            tags.entry(name)
                .or_default()
                .insert(row.get(1).map_err(|e| store_error(&e))?, row.get(2).map_err(|e| store_error(&e))?);
        }
        // Functions whose details were fetched have a (possibly empty) tag set.
        let mut with_details = connection
            .prepare_cached(
                "SELECT function_name FROM function_detail_sections
                 WHERE profile = ?1 AND region = ?2 AND section = 'configuration'",
            )
            .map_err(|e| store_error(&e))?;
        for name in with_details
            .query_map(params![scope.profile, scope.region], |row| row.get::<_, String>(0))
            .map_err(|e| store_error(&e))?
        {
            tags.entry(name.map_err(|e| store_error(&e))?).or_default();
        }

        let mut statement = connection
            .prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM functions WHERE profile = ?1 AND region = ?2
                 ORDER BY function_name LIMIT ?3"
            ))
            .map_err(|e| store_error(&e))?;
        // LIMIT -1: every row.
        let limit = limit.map_or(-1, i64::from);
        let functions = statement
            .query_map(params![scope.profile, scope.region, limit], |row| {
                let mut summary = summary_from_row(row)?;
                summary.tags = tags.remove(&summary.function_name);
                Ok(summary)
            })
            .map_err(|e| store_error(&e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| store_error(&e))?;
        Ok(Some(CachedFunctionList { functions, fetched_at }))
    }

    /// The most recent sync of a scope, finished or not.
    pub fn last_sync(&self, scope: &Scope) -> Result<Option<SyncRecord>, Error> {
        self.connection()
            .query_row(
                "SELECT started_at, finished_at, outcome, pages, functions, error_code, error_message
                 FROM sync_runs WHERE profile = ?1 AND region = ?2 ORDER BY id DESC LIMIT 1",
                params![scope.profile, scope.region],
                |row| {
                    let outcome: Option<String> = row.get(2)?;
                    let error_code: Option<String> = row.get(5)?;
                    Ok(SyncRecord {
                        started_at: row.get(0)?,
                        finished_at: row.get(1)?,
                        outcome: match outcome.as_deref() {
                            Some("complete") => SyncOutcome::Complete,
                            Some("failed") => SyncOutcome::Failed,
                            Some("cancelled") => SyncOutcome::Cancelled,
                            _ => SyncOutcome::Unfinished,
                        },
                        pages: row.get(3)?,
                        functions: row.get(4)?,
                        error_code: error_code.and_then(|c| serde_json::from_value(c.into()).ok()),
                        error_message: row.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// Saves one detail section of a function (replacing the previous copy). With `tags`,
    /// the function's saved tags are replaced too; with `summary`, its list row is updated
    /// if the saved list has it (a function is added to the list only by a sync).
    pub fn save_detail_section(
        &self,
        scope: &Scope,
        function_name: &str,
        section: &StoredSection,
        tags: Option<&BTreeMap<String, String>>,
        summary: Option<&FunctionSummary>,
    ) -> Result<(), Error> {
        // Environment values are written sealed, or not at all (sealing.rs).
        let body = self.sealing.body_to_write(scope, function_name, section);
        let mut connection = self.connection();
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        let write = || -> rusqlite::Result<()> {
            tx.execute(
                "INSERT INTO function_detail_sections (profile, region, function_name, section, fetched_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (profile, region, function_name, section)
                 DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body",
                params![scope.profile, scope.region, function_name, section.section, section.fetched_at, body],
            )?;
            if let Some(tags) = tags {
                tx.execute(
                    "DELETE FROM function_tags WHERE profile = ?1 AND region = ?2 AND function_name = ?3",
                    params![scope.profile, scope.region, function_name],
                )?;
                let mut insert = tx.prepare_cached(
                    "INSERT INTO function_tags (profile, region, function_name, key, value) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?;
                for (key, value) in tags {
                    insert.execute(params![scope.profile, scope.region, function_name, key, value])?;
                }
            }
            if let Some(summary) = summary {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM functions WHERE profile = ?1 AND region = ?2 AND function_name = ?3)",
                    params![scope.profile, scope.region, function_name],
                    |row| row.get(0),
                )?;
                if exists {
                    insert_summary(&tx, scope, summary)?;
                }
            }
            Ok(())
        };
        write().map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))
    }

    /// Every saved detail section of a function, environment values opened: those that
    /// were not saved (or no longer open) are empty and the configuration says so.
    pub fn load_detail_sections(&self, scope: &Scope, function_name: &str) -> Result<Vec<StoredSection>, Error> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT section, fetched_at, body FROM function_detail_sections
                 WHERE profile = ?1 AND region = ?2 AND function_name = ?3",
            )
            .map_err(|e| store_error(&e))?;
        let mut sections = statement
            .query_map(params![scope.profile, scope.region, function_name], |row| {
                Ok(StoredSection { section: row.get(0)?, fetched_at: row.get(1)?, body: row.get(2)? })
            })
            .map_err(|e| store_error(&e))?
            .collect::<Result<Vec<StoredSection>, _>>()
            .map_err(|e| store_error(&e))?;
        drop(statement);
        drop(connection);
        for section in &mut sections {
            self.sealing.open_saved(scope, function_name, section);
        }
        Ok(sections)
    }
}

fn write_snapshot(
    tx: &Transaction<'_>,
    scope: &Scope,
    functions: &[FunctionSummary],
    fetched_at: &str,
) -> rusqlite::Result<()> {
    let scope_params = params![scope.profile, scope.region];
    tx.execute("DELETE FROM functions WHERE profile = ?1 AND region = ?2", scope_params)?;
    for summary in functions {
        insert_summary(tx, scope, summary)?;
    }
    tx.execute(
        "INSERT INTO function_list_snapshots (profile, region, fetched_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (profile, region) DO UPDATE SET fetched_at = excluded.fetched_at",
        params![scope.profile, scope.region, fetched_at],
    )?;
    for table in ["function_detail_sections", "function_tags"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE profile = ?1 AND region = ?2 AND function_name NOT IN
                 (SELECT function_name FROM functions WHERE profile = ?1 AND region = ?2)"
            ),
            scope_params,
        )?;
    }
    Ok(())
}

fn insert_summary(tx: &Transaction<'_>, scope: &Scope, f: &FunctionSummary) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(&format!(
        "INSERT OR REPLACE INTO functions (profile, region, {SUMMARY_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?;
    insert.execute(params![
        scope.profile,
        scope.region,
        f.function_name,
        f.function_arn,
        f.runtime,
        f.memory_size,
        f.timeout,
        f.last_modified,
        f.description,
        f.handler,
        f.package_type,
        f.architectures.join(","),
        f.state,
        f.last_update_status,
    ])?;
    Ok(())
}

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<FunctionSummary> {
    let architectures: String = row.get(9)?;
    Ok(FunctionSummary {
        function_name: row.get(0)?,
        function_arn: row.get(1)?,
        runtime: row.get(2)?,
        memory_size: row.get(3)?,
        timeout: row.get(4)?,
        last_modified: row.get(5)?,
        description: row.get(6)?,
        handler: row.get(7)?,
        package_type: row.get(8)?,
        architectures: architectures.split(',').filter(|a| !a.is_empty()).map(str::to_string).collect(),
        state: row.get(10)?,
        last_update_status: row.get(11)?,
        tags: None,
    })
}

/// The code's wire name ("network"), as the UI knows it.
fn error_code_name(code: ErrorCode) -> String {
    serde_json::to_value(code).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope { profile: "work".into(), region: "eu-west-1".into() }
    }

    pub(crate) fn summary(name: &str) -> FunctionSummary {
        FunctionSummary {
            function_name: name.into(),
            function_arn: format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
            runtime: Some("python3.12".into()),
            memory_size: Some(256),
            timeout: Some(30),
            last_modified: Some("2026-11-01T10:00:00.000+0000".into()),
            description: Some(format!("{name} does things")),
            handler: Some("app.handler".into()),
            package_type: Some("Zip".into()),
            architectures: vec!["arm64".into()],
            state: Some("Active".into()),
            last_update_status: None,
            tags: None,
        }
    }

    #[test]
    fn a_complete_sync_round_trips_every_field() {
        let store = Store::in_memory().unwrap();
        assert_eq!(store.load_function_list(&scope()).unwrap(), None);
        let mut image = summary("b-image");
        image.runtime = None;
        image.package_type = Some("Image".into());
        image.architectures = vec![];
        let written = vec![summary("a-api"), image];

        let id = store.begin_sync(&scope()).unwrap();
        store.replace_function_list(&scope(), id, &written, 1).unwrap();

        let loaded = store.load_function_list(&scope()).unwrap().unwrap();
        assert_eq!(loaded.functions, written);
        assert!(timestamps::age_seconds(&loaded.fetched_at).unwrap() <= 1);
        let record = store.last_sync(&scope()).unwrap().unwrap();
        assert_eq!((record.outcome, record.pages, record.functions), (SyncOutcome::Complete, 1, 2));
        // Other scopes are untouched.
        let other = Scope { profile: "work".into(), region: "us-east-1".into() };
        assert_eq!(store.load_function_list(&other).unwrap(), None);
    }

    #[test]
    fn the_head_of_the_list_is_its_first_functions_by_name() {
        let store = Store::in_memory().unwrap();
        let id = store.begin_sync(&scope()).unwrap();
        store.replace_function_list(&scope(), id, &[summary("c"), summary("a"), summary("b")], 1).unwrap();

        let head = store.load_function_list_head(&scope(), 2).unwrap().unwrap();

        let names: Vec<_> = head.functions.iter().map(|f| f.function_name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(store.count_functions(&scope()).unwrap(), 3);
    }

    #[test]
    fn a_failed_sync_keeps_the_previous_snapshot_and_records_why() {
        let store = Store::in_memory().unwrap();
        let first = store.begin_sync(&scope()).unwrap();
        store.replace_function_list(&scope(), first, &[summary("a"), summary("b")], 1).unwrap();

        let second = store.begin_sync(&scope()).unwrap();
        let err = Error::Network { endpoint: "x".into(), detail: "down".into() };
        store.end_sync_without_snapshot(second, 3, 150, &err).unwrap();

        let names: Vec<_> = store
            .load_function_list(&scope())
            .unwrap()
            .unwrap()
            .functions
            .into_iter()
            .map(|f| f.function_name)
            .collect();
        assert_eq!(names, ["a", "b"]);
        let record = store.last_sync(&scope()).unwrap().unwrap();
        assert_eq!(record.outcome, SyncOutcome::Failed);
        assert_eq!(record.error_code, Some(ErrorCode::Network));
        assert!(record.error_message.unwrap().contains("down"));
    }

    #[test]
    fn cancelled_and_unfinished_syncs_are_told_apart() {
        let store = Store::in_memory().unwrap();
        let id = store.begin_sync(&scope()).unwrap();
        assert_eq!(store.last_sync(&scope()).unwrap().unwrap().outcome, SyncOutcome::Unfinished);
        store.end_sync_without_snapshot(id, 1, 50, &Error::Cancelled).unwrap();
        let record = store.last_sync(&scope()).unwrap().unwrap();
        assert_eq!((record.outcome, record.error_code), (SyncOutcome::Cancelled, None));
    }

    #[test]
    fn details_and_tags_follow_the_list_and_vanish_with_the_function() {
        let store = Store::in_memory().unwrap();
        let id = store.begin_sync(&scope()).unwrap();
        store.replace_function_list(&scope(), id, &[summary("a"), summary("b")], 1).unwrap();
        let section =
            StoredSection { section: "configuration".into(), fetched_at: timestamps::now(), body: "{}".into() };
        let tags = BTreeMap::from([("team".to_string(), "payments".to_string())]);
        let mut updated = summary("a");
        updated.memory_size = Some(1024);
        store.save_detail_section(&scope(), "a", &section, Some(&tags), Some(&updated)).unwrap();
        // A function the list does not have is not added to it by its details.
        store.save_detail_section(&scope(), "zzz", &section, None, Some(&summary("zzz"))).unwrap();

        let list = store.load_function_list(&scope()).unwrap().unwrap();
        assert_eq!(list.functions.len(), 2);
        assert_eq!(list.functions[0].tags.as_ref(), Some(&tags));
        assert_eq!(list.functions[0].memory_size, Some(1024));
        assert_eq!(list.functions[1].tags, None, "b's details were never fetched");
        assert_eq!(store.load_detail_sections(&scope(), "a").unwrap(), std::slice::from_ref(&section));

        let id = store.begin_sync(&scope()).unwrap();
        store.replace_function_list(&scope(), id, &[summary("b")], 1).unwrap();
        assert!(store.load_detail_sections(&scope(), "a").unwrap().is_empty());
        assert_eq!(store.load_function_list(&scope()).unwrap().unwrap().functions.len(), 1);
    }
}
