//! The local store: one SQLite file in the OS data directory (XDG on Linux), WAL mode,
//! versioned migrations, one writer. It holds what the app learns and the user's
//! non-secret settings; secrets never go here (they live in the keyring).
//!
//! Each capability keeps its tables and queries in a submodule of `impl Store` methods
//! (functions.rs: lists, details, syncs; profiles.rs: the app's profiles); local_data.rs
//! measures and clears what is saved per profile and region. SQL lives nowhere else.
//!
//! SQLite calls block (a writer may hold the file), so async code reaches the store only
//! through [`run_blocking`]; in debug builds a store call on an async worker thread panics.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::{timestamps, Error};

pub mod config;
pub mod events;
pub mod functions;
pub mod invocations;
pub mod local_data;
pub mod metrics;
pub mod profiles;
pub mod sealing;

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
    // 3: saved test events and their unsaved drafts (the user's own, see events.rs), and
    // the history of invocations with everything they returned (invocations.rs).
    "CREATE TABLE saved_events (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        invocation_kind TEXT NOT NULL,
        qualifier TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (profile, region, function_name, name)
    ) WITHOUT ROWID;
    CREATE TABLE event_drafts (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        event_name TEXT NOT NULL, -- '' for a new event not yet named
        payload TEXT NOT NULL,
        invocation_kind TEXT NOT NULL,
        qualifier TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (profile, region, function_name, event_name)
    ) WITHOUT ROWID;
    CREATE TABLE invocations (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        started_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX invocations_by_function ON invocations (profile, region, function_name, id);",
    // 4: configuration drafts, one per function, environment values sealed (config.rs).
    "CREATE TABLE config_drafts (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        function_name TEXT NOT NULL,
        body TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (profile, region, function_name)
    ) WITHOUT ROWID;",
    // 5: the last result of each metrics chart and each function's list trend, kept to
    // show offline with their age (metrics.rs); saved data, cleared with the rest.
    "CREATE TABLE metric_results (
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        chart_key TEXT NOT NULL,
        body TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (profile, region, chart_key)
    ) WITHOUT ROWID;",
];

/// The store. Clone the `Arc` to share it; every access takes the one connection.
#[derive(Debug)]
pub struct Store {
    connection: Mutex<Connection>,
    path: Option<PathBuf>,
    /// What happened to the previous store when this one was opened, if anything.
    notice: Option<StoreNotice>,
    /// How function environment values are kept (sealing.rs).
    sealing: sealing::Sealing,
}

/// Something the user must be told about the store when the app opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StoreNotice {
    pub message: String,
    /// Where the unreadable store was moved to (kept for the user), if it was.
    pub kept_at: Option<String>,
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
        Self::try_open(path).map_err(|failure| failure.error)
    }

    /// Opens the store at `path` for the app: an unreadable or corrupt file is moved aside
    /// (kept, renamed with the time) and a fresh store started in its place; a store that
    /// cannot be used at all (written by a newer app, a read-only disk) leaves the app on
    /// a private in-memory store. Either way [`notice`](Self::notice) says what happened.
    pub fn open_or_recover(path: &Path) -> Arc<Self> {
        let (store, notice) = match Self::try_open(path) {
            Ok(store) => return store,
            Err(OpenFailure { corrupt: true, error }) => match move_aside(path).and_then(|kept| Ok((Self::open(path)?, kept))) {
                Ok((store, kept_at)) => (
                    store,
                    StoreNotice {
                        message: format!(
                            "The local store could not be read ({error}). It was moved aside and a fresh one started: saved lists will fill in again as they refresh."
                        ),
                        kept_at: Some(kept_at.display().to_string()),
                    },
                ),
                Err(error) => in_memory_fallback(&error),
            },
            Err(OpenFailure { error, .. }) => in_memory_fallback(&error),
        };
        Self::with_notice(store, notice)
    }

    /// A store that cannot be kept at all: a private in-memory one that says so.
    pub fn unavailable(error: &Error) -> Arc<Self> {
        let (store, notice) = in_memory_fallback(error);
        Self::with_notice(store, notice)
    }

    fn with_notice(store: Arc<Self>, notice: StoreNotice) -> Arc<Self> {
        let mut store = Arc::into_inner(store).expect("a store just opened has one owner");
        store.notice = Some(notice);
        Arc::new(store)
    }

    /// What the user must be told about how the store was opened, if anything.
    pub fn notice(&self) -> Option<&StoreNotice> {
        self.notice.as_ref()
    }

    /// A private in-memory store (tests, and the fallback when no file can be used).
    pub fn in_memory() -> Result<Arc<Self>, Error> {
        let connection = Connection::open_in_memory().map_err(|e| store_error(&e))?;
        Self::migrate(connection, None).map_err(|failure| failure.error)
    }

    fn try_open(path: &Path) -> Result<Arc<Self>, OpenFailure> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| OpenFailure {
                corrupt: false,
                error: Error::Configuration(format!("Cannot create {}: {e}", dir.display())),
            })?;
        }
        let connection = Connection::open(path).map_err(OpenFailure::from)?;
        connection
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;")
            .map_err(OpenFailure::from)?;
        Self::migrate(connection, Some(path.to_path_buf()))
    }

    fn migrate(mut connection: Connection, path: Option<PathBuf>) -> Result<Arc<Self>, OpenFailure> {
        let applied = read_schema_version(&connection).map_err(OpenFailure::from)?;
        if applied > MIGRATIONS.len() {
            return Err(OpenFailure {
                corrupt: false,
                error: Error::Configuration(format!(
                    "The local store was written by a newer Lambda Deck (schema {applied}); update the app."
                )),
            });
        }
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
            let tx = connection.transaction().map_err(OpenFailure::from)?;
            tx.execute_batch(migration).map_err(OpenFailure::from)?;
            tx.pragma_update(None, "user_version", (index + 1) as i64).map_err(OpenFailure::from)?;
            tx.commit().map_err(OpenFailure::from)?;
        }
        // Best effort: a store that cannot be written still opens.
        let _ = sealing::remove_plaintext_values(&mut connection);
        Ok(Arc::new(Store { connection: Mutex::new(connection), path, notice: None, sealing: Default::default() }))
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn schema_version(&self) -> Result<usize, Error> {
        read_schema_version(&self.connection()).map_err(|e| store_error(&e))
    }

    /// The one connection. Callers on async tasks go through [`run_blocking`]: SQLite may
    /// wait on another writer, and an async worker thread must never wait.
    /// Runs `work` in one transaction: all of its writes land, or none.
    pub(crate) fn in_transaction<T>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let mut connection = self.connection();
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        let value = work(&tx).map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))?;
        Ok(value)
    }

    pub(crate) fn connection(&self) -> MutexGuard<'_, Connection> {
        debug_assert!(
            may_block_on_this_thread(),
            "a local store call on an async worker thread: wrap it in store::run_blocking"
        );
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

/// Runs a store call on the blocking pool: SQLite may wait on another writer.
pub async fn run_blocking<T: Send + 'static>(
    store: &Arc<Store>,
    call: impl FnOnce(&Store) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || {
        // Only for the duration of the call: the pool's threads also run other work.
        ON_BLOCKING_POOL.set(true);
        let result = call(&store);
        ON_BLOCKING_POOL.set(false);
        result
    })
    .await
    .map_err(|e| Error::Internal(format!("local store task: {e}")))?
}

thread_local! {
    /// Set while [`run_blocking`] runs a store call on a blocking-pool thread.
    static ON_BLOCKING_POOL: Cell<bool> = const { Cell::new(false) };
}

/// False only on a worker thread of a multi-threaded tokio runtime (the app's and the
/// CLI's): there a blocking call stalls every task scheduled on that thread. Tests on
/// `#[tokio::test]`'s single thread may call the store directly.
fn may_block_on_this_thread() -> bool {
    match tokio::runtime::Handle::try_current() {
        Err(_) => true,
        Ok(handle) => handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread || ON_BLOCKING_POOL.get(),
    }
}

/// Why a store file could not be opened, and whether the file itself is damaged.
struct OpenFailure {
    corrupt: bool,
    error: Error,
}

impl From<rusqlite::Error> for OpenFailure {
    fn from(err: rusqlite::Error) -> Self {
        let corrupt = matches!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
        );
        OpenFailure { corrupt, error: store_error(&err) }
    }
}

/// Renames the store file (and its WAL and shared-memory files) to
/// `<name>.unreadable-<time>`, so the user keeps it and a fresh one can be created.
fn move_aside(path: &Path) -> Result<PathBuf, Error> {
    let stamp = timestamps::now().replace([':', '.'], "-");
    let kept = path.with_file_name(format!(
        "{}.unreadable-{stamp}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("lambda-deck.sqlite3")
    ));
    let moved = |from: &Path, to: &Path| {
        std::fs::rename(from, to)
            .map_err(|e| Error::Configuration(format!("Cannot move the unreadable store {}: {e}", from.display())))
    };
    moved(path, &kept)?;
    for suffix in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{}{suffix}", path.display()));
        if companion.exists() {
            moved(&companion, &PathBuf::from(format!("{}{suffix}", kept.display())))?;
        }
    }
    Ok(kept)
}

fn in_memory_fallback(error: &Error) -> (Arc<Store>, StoreNotice) {
    let store = Store::in_memory().expect("an in-memory SQLite store");
    let notice = StoreNotice {
        message: format!("The local store is unavailable ({error}); nothing will be kept after closing."),
        kept_at: None,
    };
    (store, notice)
}

/// How many migrations the file has had (`PRAGMA user_version`).
fn read_schema_version(connection: &Connection) -> rusqlite::Result<usize> {
    let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    Ok(usize::try_from(version).unwrap_or(usize::MAX))
}

pub(crate) fn store_error(err: &rusqlite::Error) -> Error {
    Error::Internal(format!("local store: {err}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh directory for one test's store file, and the file's path in it.
    pub(crate) fn scratch_store(label: &str) -> (PathBuf, PathBuf) {
        let dir = std::env::temp_dir().join(format!("ldeck-store-{label}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
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
        let old = store.app_profile("old").unwrap().unwrap();
        assert_eq!(old.key_id_hint.as_deref(), Some("WXYZ"));
        let scope = crate::scope::Scope { profile: "old".into(), region: "eu-west-1".into() };
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
        // The app is told and keeps working in memory; the file is not touched.
        let opened = Store::open_or_recover(&path);
        let notice = opened.notice().unwrap();
        assert!(notice.message.contains("newer Lambda Deck"), "{notice:?}");
        assert_eq!(notice.kept_at, None);
        assert_eq!(opened.path(), None);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn an_unreadable_store_is_moved_aside_kept_and_replaced() {
        let (dir, path) = scratch_store("corrupt");
        let garbage = b"this is not a SQLite database, it was damaged on the way".repeat(200);
        std::fs::write(&path, &garbage).unwrap();

        let opened = Store::open_or_recover(&path);

        let notice = opened.notice().expect("the user is told");
        let kept_at = PathBuf::from(notice.kept_at.clone().expect("where the old file went"));
        assert!(notice.message.contains("moved aside"), "{}", notice.message);
        assert_eq!(std::fs::read(&kept_at).unwrap(), garbage, "the damaged file is kept as it was");
        assert_eq!(opened.path(), Some(path.as_path()), "a fresh store in the usual place");
        opened.set_setting("works", Some("yes")).unwrap();
        assert_eq!(Store::open(&path).unwrap().setting("works").unwrap().as_deref(), Some("yes"));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_healthy_store_opens_without_a_notice() {
        let (dir, path) = scratch_store("healthy");
        Store::open(&path).unwrap().set_setting("k", Some("v")).unwrap();
        let opened = Store::open_or_recover(&path);
        assert!(opened.notice().is_none());
        assert_eq!(opened.setting("k").unwrap().as_deref(), Some("v"));
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn store_calls_go_through_the_blocking_pool_in_the_app_runtime() {
        let store = Store::in_memory().unwrap();
        run_blocking(&store, |store| store.set_setting("k", Some("v"))).await.unwrap();
        let direct = tokio::spawn(async move { store.setting("k") }).await;
        if cfg!(debug_assertions) {
            assert!(direct.is_err_and(|e| e.is_panic()), "a direct call on a worker thread is caught");
        }
    }
}
