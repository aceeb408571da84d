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

    /// Deletes the results whose key starts with `prefix`, except the keys in `keep` and
    /// the `newest` most recently fetched of the others; answers how many went.
    pub fn prune_metric_results(
        &self,
        scope: &Scope,
        prefix: &str,
        keep: &[String],
        newest: u32,
    ) -> Result<u32, Error> {
        let keep = serde_json::to_string(keep).map_err(|e| Error::Internal(format!("metric keys: {e}")))?;
        // substr instead of LIKE: a key may hold % and _ (escaped function names).
        let deleted = self
            .connection()
            .execute(
                "DELETE FROM metric_results
                 WHERE profile = ?1 AND region = ?2
                   AND substr(chart_key, 1, length(?3)) = ?3
                   AND chart_key NOT IN (SELECT value FROM json_each(?4))
                   AND chart_key NOT IN (
                     SELECT chart_key FROM metric_results
                     WHERE profile = ?1 AND region = ?2
                       AND substr(chart_key, 1, length(?3)) = ?3
                       AND chart_key NOT IN (SELECT value FROM json_each(?4))
                     ORDER BY fetched_at DESC LIMIT ?5)",
                params![scope.profile, scope.region, prefix, keep, newest],
            )
            .map_err(|e| store_error(&e))?;
        Ok(u32::try_from(deleted).unwrap_or(u32::MAX))
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
    fn pruning_keeps_the_kept_keys_and_the_newest_others_of_the_prefix_only() {
        let store = Store::in_memory().unwrap();
        let (scope, other) = (scope("work"), scope("home"));
        let result = |key: &str, at: &str| StoredMetricResult {
            chart_key: key.into(),
            body: "{}".into(),
            fetched_at: at.into(),
        };
        store
            .save_metric_results(
                &scope,
                &[
                    result("monitor:a:3h", "2026-11-29T01:00:00Z"),
                    result("monitor:a:x1", "2026-11-29T02:00:00Z"),
                    result("monitor:a:x2", "2026-11-29T03:00:00Z"),
                    result("monitor:a:x3", "2026-11-29T04:00:00Z"),
                    result("monitor:ab:x0", "2026-11-29T00:00:00Z"),
                    result("monitor:b:x0", "2026-11-29T00:00:00Z"),
                ],
            )
            .unwrap();
        store.save_metric_results(&other, &[result("monitor:a:x0", "2026-11-29T00:00:00Z")]).unwrap();

        let deleted = store.prune_metric_results(&scope, "monitor:a:", &["monitor:a:3h".into()], 2).unwrap();
        assert_eq!(deleted, 1);
        let left = |scope: &Scope, key: &str| store.load_metric_result(scope, key).unwrap().is_some();
        assert!(left(&scope, "monitor:a:3h"), "kept by name");
        assert!(!left(&scope, "monitor:a:x1"), "the oldest other went");
        assert!(left(&scope, "monitor:a:x2") && left(&scope, "monitor:a:x3"), "the 2 newest stay");
        assert!(left(&scope, "monitor:ab:x0") && left(&scope, "monitor:b:x0"), "other prefixes untouched");
        assert!(left(&other, "monitor:a:x0"), "other scopes untouched");
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
