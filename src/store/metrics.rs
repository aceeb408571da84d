//! Saved metric results: the last reading of each chart and of each function's list
//! trend, one row per key per profile and region, kept as JSON with when it was fetched
//! (the key and the body's shape are `metrics/saved.rs`'s). Saved data: measured and
//! cleared with the rest by local_data.rs.

use rusqlite::{params, OptionalExtension, Row};

use super::{store_error, Store};
use crate::scope::Scope;
use crate::Error;

/// One saved result, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMetricResult {
    pub chart_key: String,
    pub body: String,
    pub fetched_at: String,
}

impl Store {
    /// Keeps each result under its key, replacing what the key held, in one transaction.
    pub fn save_metric_results(&self, scope: &Scope, results: &[StoredMetricResult]) -> Result<(), Error> {
        self.in_transaction(|tx| {
            let mut insert = tx.prepare(
                "INSERT OR REPLACE INTO metric_results (profile, region, chart_key, body, fetched_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for result in results {
                insert.execute(params![
                    scope.profile,
                    scope.region,
                    result.chart_key,
                    result.body,
                    result.fetched_at
                ])?;
            }
            Ok(())
        })
    }

    pub fn load_metric_result(&self, scope: &Scope, chart_key: &str) -> Result<Option<StoredMetricResult>, Error> {
        self.connection()
            .query_row(
                "SELECT chart_key, body, fetched_at FROM metric_results \
                 WHERE profile = ?1 AND region = ?2 AND chart_key = ?3",
                params![scope.profile, scope.region, chart_key],
                result_from_row,
            )
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// The results saved under any of `chart_keys`, in one query whatever their number
    /// (the keys go in as one JSON array, so no limit on bound parameters applies); keys
    /// with nothing saved are left out, and the order is the store's.
    pub fn load_metric_results(&self, scope: &Scope, chart_keys: &[String]) -> Result<Vec<StoredMetricResult>, Error> {
        if chart_keys.is_empty() {
            return Ok(Vec::new());
        }
        let keys = serde_json::to_string(chart_keys).map_err(|e| Error::Internal(format!("metric keys: {e}")))?;
        let connection = self.connection();
        let mut statement = connection
            .prepare(
                "SELECT chart_key, body, fetched_at FROM metric_results \
                 WHERE profile = ?1 AND region = ?2 AND chart_key IN (SELECT value FROM json_each(?3))",
            )
            .map_err(|e| store_error(&e))?;
        let rows = statement
            .query_map(params![scope.profile, scope.region, keys], result_from_row)
            .map_err(|e| store_error(&e))?;
        rows.collect::<Result<_, _>>().map_err(|e| store_error(&e))
    }
}

fn result_from_row(row: &Row<'_>) -> rusqlite::Result<StoredMetricResult> {
    Ok(StoredMetricResult { chart_key: row.get(0)?, body: row.get(1)?, fetched_at: row.get(2)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(profile: &str) -> Scope {
        Scope { profile: profile.into(), region: "eu-west-1".into() }
    }

    fn result(key: &str, body: &str) -> StoredMetricResult {
        StoredMetricResult { chart_key: key.into(), body: body.into(), fetched_at: "2026-11-29T10:00:00Z".into() }
    }

    fn rows(store: &Store) -> i64 {
        store.connection().query_row("SELECT COUNT(*) FROM metric_results", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn a_key_keeps_only_its_latest_result_in_its_own_scope() {
        let store = Store::in_memory().unwrap();
        store.save_metric_results(&scope("work"), &[result("monitor:a:3h", "{\"old\":1}")]).unwrap();
        store.save_metric_results(&scope("work"), &[result("monitor:a:3h", "{\"new\":2}")]).unwrap();

        assert_eq!(rows(&store), 1);
        let loaded = store.load_metric_result(&scope("work"), "monitor:a:3h").unwrap().unwrap();
        assert_eq!(loaded.body, "{\"new\":2}");
        assert_eq!(store.load_metric_result(&scope("play"), "monitor:a:3h").unwrap(), None);
        assert_eq!(store.load_metric_result(&scope("work"), "monitor:b:3h").unwrap(), None);
    }

    #[test]
    fn many_keys_load_in_one_query_and_missing_ones_are_left_out() {
        let store = Store::in_memory().unwrap();
        let saved: Vec<_> = (0..40_000).map(|i| result(&format!("trend:fn-{i}"), "{}")).collect();
        store.save_metric_results(&scope("work"), &saved).unwrap();
        // More keys than SQLite binds as parameters, one of them with quotes in it.
        let mut keys: Vec<String> = (0..40_000).step_by(2).map(|i| format!("trend:fn-{i}")).collect();
        keys.push("trend:\"quoted\"',".into());

        let loaded = store.load_metric_results(&scope("work"), &keys).unwrap();

        assert_eq!(loaded.len(), 20_000);
        let asked: std::collections::HashSet<&String> = keys.iter().collect();
        assert!(loaded.iter().all(|r| asked.contains(&r.chart_key)));
        assert!(store.load_metric_results(&scope("play"), &keys).unwrap().is_empty());
        assert!(store.load_metric_results(&scope("work"), &[]).unwrap().is_empty());
    }
}
