//! The local store: one SQLite file in the OS data directory (XDG on Linux), WAL mode,
//! versioned migrations, one writer. It holds what the app learns and the user's
//! non-secret settings; secrets never go here (they live in the keyring).
//!
//! What the app learns from AWS lives in submodules of `impl Store` methods, one per kind
//! of data with its own migration (functions.rs: lists, details, syncs); the next kinds
//! (test events, invocations, log excerpts, metrics) go beside it. profiles.rs keeps the
//! SQL of its own table.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

use crate::Error;

pub mod functions;

/// Schema migrations, applied in order; `PRAGMA user_version` counts the ones applied.
/// Append only: never edit a migration that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: profiles created in the app, and small app settings (the active profile).
    "CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        region TEXT NOT NULL,
        endpoint_url TEXT,
        source TEXT NOT NULL CHECK (source IN ('keyring', 'aws_cli', 'environment')),
        aws_cli_profile TEXT,
        key_id_hint TEXT,
        has_session_token INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: per profile and region, the function list snapshot, each function's detail
    // sections and tags, and a record of every list sync (see functions.rs).
    "CREATE TABLE function_list_snapshots (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (profile, region)
    );
    CREATE TABLE functions (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        function_arn TEXT NOT NULL,
        runtime TEXT,
        memory_size INTEGER,
        timeout INTEGER,
        last_modified TEXT,
        description TEXT,
        handler TEXT,
        package_type TEXT,
        architectures TEXT NOT NULL,
        state TEXT,
        last_update_status TEXT,
        PRIMARY KEY (profile, region, function_name)
    ) WITHOUT ROWID;
    CREATE TABLE function_detail_sections (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        section TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (profile, region, function_name, section)
    ) WITHOUT ROWID;
    CREATE TABLE function_tags (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (profile, region, function_name, key)
    ) WITHOUT ROWID;
    CREATE TABLE sync_runs (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT CHECK (outcome IN ('complete', 'failed', 'cancelled')),
        pages INTEGER NOT NULL DEFAULT 0,
        functions INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        error_message TEXT
    );
    CREATE INDEX sync_runs_by_scope ON sync_runs (profile, region, id);",
];

/// The store. Clone the `Arc` to share it; every access takes the one connection.
#[derive(Debug)]
pub struct Store {
    connection: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Store {
    /// `$LDECK_DATA_DIR/lambda-deck.sqlite3`, else `<OS data dir>/lambda-deck/…`.
    pub fn default_path() -> Result<PathBuf, Error> {
        let dir = match std::env::var_os("LDECK_DATA_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => dirs::data_dir()
                .ok_or_else(|| Error::Configuration("This system has no data directory (set LDECK_DATA_DIR).".into()))?
                .join("lambda-deck"),
        };
        Ok(dir.join("lambda-deck.sqlite3"))
    }

    pub fn open_default() -> Result<Arc<Self>, Error> {
        Self::open(&Self::default_path()?)
    }

    pub fn open(path: &Path) -> Result<Arc<Self>, Error> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Configuration(format!("Cannot create {}: {e}", dir.display())))?;
        }
        let connection = Connection::open(path).map_err(|e| store_error(&e))?;
        connection
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
            .map_err(|e| store_error(&e))?;
        Self::migrate(connection, Some(path.to_path_buf()))
    }

    /// A private in-memory store (tests).
    pub fn in_memory() -> Result<Arc<Self>, Error> {
        Self::migrate(Connection::open_in_memory().map_err(|e| store_error(&e))?, None)
    }

    fn migrate(mut connection: Connection, path: Option<PathBuf>) -> Result<Arc<Self>, Error> {
        let applied = read_schema_version(&connection)?;
        if applied > MIGRATIONS.len() {
            return Err(Error::Configuration(format!(
                "The local store was written by a newer Lambda Deck (schema {applied}); update the app."
            )));
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = connection.transaction().map_err(|e| store_error(&e))?;
            tx.execute_batch(migration).map_err(|e| store_error(&e))?;
            tx.pragma_update(None, "user_version", (index + 1) as i64).map_err(|e| store_error(&e))?;
            tx.commit().map_err(|e| store_error(&e))?;
        }
        Ok(Arc::new(Store { connection: Mutex::new(connection), path }))
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<usize, Error> {
        read_schema_version(&self.connection())
    }

    /// The one connection. Store calls are short; callers on async tasks wrap them in
    /// `spawn_blocking` when they may wait on a writer.
    pub(crate) fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// SQLite's own consistency check of the whole file.
    pub fn integrity_check(&self) -> Result<bool, Error> {
        let result: String =
            self.connection().query_row("PRAGMA integrity_check", [], |row| row.get(0)).map_err(|e| store_error(&e))?;
        Ok(result == "ok")
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        self.connection()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0))
            .optional()
            .map_err(|e| store_error(&e))
    }

    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<(), Error> {
        let connection = self.connection();
        let result = match value {
            Some(value) => connection.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            ),
            None => connection.execute("DELETE FROM settings WHERE key = ?1", [key]),
        };
        result.map(|_| ()).map_err(|e| store_error(&e))
    }
}

/// How many migrations the file has had (`PRAGMA user_version`).
fn read_schema_version(connection: &Connection) -> Result<usize, Error> {
    let version: i64 =
        connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(|e| store_error(&e))?;
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

pub(crate) fn store_error(err: &rusqlite::Error) -> Error {
    Error::Internal(format!("local store: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory for one test's store file, and the file's path in it.
    fn scratch_store(label: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("ldeck-store-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.sqlite3");
        (dir, path)
    }

    #[test]
    fn migrations_bring_a_new_store_to_the_latest_schema() {
        let store = Store::in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
    }

    #[test]
    fn reopening_keeps_data_and_does_not_migrate_twice() {
        let (dir, path) = scratch_store("reopen");
        Store::open(&path).unwrap().set_setting("active_profile", Some("work")).unwrap();
        let reopened = Store::open(&path).unwrap();
        assert_eq!(reopened.setting("active_profile").unwrap().as_deref(), Some("work"));
        assert_eq!(reopened.schema_version().unwrap(), MIGRATIONS.len());
        drop(reopened);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_store_of_the_previous_schema_is_migrated_and_keeps_its_data() {
        let (dir, path) = scratch_store("v1");
        {
            // The file as the previous release left it: migration 1 only.
            let connection = Connection::open(&path).unwrap();
            connection.execute_batch(MIGRATIONS[0]).unwrap();
            connection.pragma_update(None, "user_version", 1).unwrap();
            connection
                .execute(
                    "INSERT INTO profiles (name, region, source, key_id_hint) VALUES ('old', 'eu-west-1', 'keyring', 'WXYZ')",
                    [],
                )
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len());
        let hint: String = store
            .connection()
            .query_row("SELECT key_id_hint FROM profiles WHERE name = 'old'", [], |row| row.get(0))
            .unwrap();
        assert_eq!(hint, "WXYZ");
        let scope = crate::aws::Scope { profile: "old".into(), region: "eu-west-1".into() };
        assert_eq!(store.load_function_list(&scope).unwrap(), None);
        drop(store);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_store_from_a_newer_app_is_refused() {
        let (dir, path) = scratch_store("newer");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(err.to_string().contains("newer Lambda Deck"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }
}
