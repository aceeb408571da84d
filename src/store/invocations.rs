//! The history of invocations: every record as JSON, with the columns it is listed and
//! pruned by.

use rusqlite::{params, OptionalExtension};

use super::{store_error, Store};
use crate::invoke::types::{InvocationOutcome, InvocationRecord};
use crate::scope::Scope;
use crate::Error;

impl Store {
    /// Saves a new record and prunes the function's oldest past `keep`; returns its id.
    pub fn insert_invocation(&self, record: &InvocationRecord, keep: u32) -> Result<u32, Error> {
        let body = serde_json::to_string(record).map_err(|e| Error::Internal(e.to_string()))?;
        let mut connection = self.connection();
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        tx.execute(
            "INSERT INTO invocations (profile, region, function_name, started_at, outcome, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                record.scope.profile,
                record.scope.region,
                record.function_name,
                record.started_at,
                record.outcome.as_str(),
                body
            ],
        )
        .map_err(|e| store_error(&e))?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "DELETE FROM invocations WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND id NOT IN \
             (SELECT id FROM invocations WHERE profile = ?1 AND region = ?2 AND function_name = ?3 \
              ORDER BY id DESC LIMIT ?4)",
            params![record.scope.profile, record.scope.region, record.function_name, keep],
        )
        .map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))?;
        u32::try_from(id).map_err(|_| Error::Internal("the history's ids ran out".into()))
    }

    /// Replaces a saved record's body (figures that arrived later); a record pruned
    /// meanwhile is not brought back.
    pub fn update_invocation(&self, record: &InvocationRecord) -> Result<(), Error> {
        let body = serde_json::to_string(record).map_err(|e| Error::Internal(e.to_string()))?;
        self.connection()
            .execute(
                "UPDATE invocations SET outcome = ?3, body = ?4 WHERE id = ?1 AND profile = ?2",
                params![record.id, record.scope.profile, record.outcome.as_str(), body],
            )
            .map_err(|e| store_error(&e))?;
        Ok(())
    }

    pub fn load_invocation(&self, scope: &Scope, id: u32) -> Result<Option<InvocationRecord>, Error> {
        let body: Option<String> = self
            .connection()
            .query_row(
                "SELECT body FROM invocations WHERE id = ?1 AND profile = ?2 AND region = ?3",
                params![id, scope.profile, scope.region],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| store_error(&e))?;
        Ok(body.and_then(|body| record_from_body(id, &body)))
    }

    /// The newest `limit` records of a function, newest first, optionally of one outcome.
    pub fn list_invocations(
        &self,
        scope: &Scope,
        function_name: &str,
        outcome: Option<InvocationOutcome>,
        limit: u32,
    ) -> Result<Vec<InvocationRecord>, Error> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(
                "SELECT id, body FROM invocations WHERE profile = ?1 AND region = ?2 AND function_name = ?3 \
                 AND (?4 IS NULL OR outcome = ?4) ORDER BY id DESC LIMIT ?5",
            )
            .map_err(|e| store_error(&e))?;
        let rows = statement
            .query_map(
                params![scope.profile, scope.region, function_name, outcome.map(InvocationOutcome::as_str), limit],
                |row| Ok((row.get::<_, u32>(0)?, row.get::<_, String>(1)?)),
            )
            .map_err(|e| store_error(&e))?;
        let mut records = Vec::new();
        for row in rows {
            let (id, body) = row.map_err(|e| store_error(&e))?;
            // A record written by an older format that no longer reads is left out.
            records.extend(record_from_body(id, &body));
        }
        Ok(records)
    }
}

fn record_from_body(id: u32, body: &str) -> Option<InvocationRecord> {
    let mut record: InvocationRecord = serde_json::from_str(body).ok()?;
    record.id = id;
    Some(record)
}
