//! Saved test events and their drafts, per profile, region and function.

use rusqlite::{params, OptionalExtension, Row};

use super::{store_error, Store};
use crate::events::kind::InvocationKind;
use crate::events::types::{EventContent, EventDraft, SavedEvent};
use crate::scope::Scope;
use crate::{timestamps, Error};

/// One draft: profile, region, function, event name ('' for the new event).
const DELETE_DRAFT: &str =
    "DELETE FROM event_drafts WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND event_name = ?4";

const EVENT_COLUMNS: &str = "function_name, name, payload, invocation_kind, qualifier, created_at, updated_at";

impl Store {
    pub fn list_events(&self, scope: &Scope, function_name: &str) -> Result<Vec<SavedEvent>, Error> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(&format!(
                "SELECT {EVENT_COLUMNS} FROM saved_events WHERE profile = ?1 AND region = ?2 AND function_name = ?3 \
                 ORDER BY name COLLATE NOCASE, name"
            ))
            .map_err(|e| store_error(&e))?;
        let rows = statement
            .query_map(params![scope.profile, scope.region, function_name], event_from_row)
            .map_err(|e| store_error(&e))?;
        rows.collect::<Result<_, _>>().map_err(|e| store_error(&e))
    }

    pub fn load_event(&self, scope: &Scope, function_name: &str, name: &str) -> Result<Option<SavedEvent>, Error> {
        self.connection()
            .query_row(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM saved_events \
                     WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND name = ?4"
                ),
                params![scope.profile, scope.region, function_name, name],
                event_from_row,
            )
            .optional()
            .map_err(|e| store_error(&e))
    }

    pub fn insert_event(
        &self,
        scope: &Scope,
        function_name: &str,
        name: &str,
        content: &EventContent,
    ) -> Result<SavedEvent, Error> {
        let now = timestamps::now();
        self.connection()
            .execute(
                "INSERT INTO saved_events (profile, region, function_name, name, payload, invocation_kind, qualifier, \
                 created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![
                    scope.profile,
                    scope.region,
                    function_name,
                    name,
                    content.payload,
                    content.invocation_kind.as_str(),
                    content.qualifier,
                    now
                ],
            )
            .map_err(|e| store_error(&e))?;
        self.load_event(scope, function_name, name)?.ok_or_else(|| Error::Internal("a saved event vanished".into()))
    }

    /// Replaces an event's content and drops its draft, in one transaction; `None` when
    /// there is no such event.
    pub fn update_event(
        &self,
        scope: &Scope,
        function_name: &str,
        name: &str,
        content: &EventContent,
    ) -> Result<Option<SavedEvent>, Error> {
        let changed = self.in_transaction(|tx| {
            let changed = tx.execute(
                "UPDATE saved_events SET payload = ?5, invocation_kind = ?6, qualifier = ?7, updated_at = ?8 \
                 WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND name = ?4",
                params![
                    scope.profile,
                    scope.region,
                    function_name,
                    name,
                    content.payload,
                    content.invocation_kind.as_str(),
                    content.qualifier,
                    timestamps::now()
                ],
            )?;
            tx.execute(DELETE_DRAFT, params![scope.profile, scope.region, function_name, name])?;
            Ok(changed)
        })?;
        if changed == 0 {
            return Ok(None);
        }
        self.load_event(scope, function_name, name)
    }

    /// Renames an event and its draft; `None` when there is no such event.
    pub fn rename_event(
        &self,
        scope: &Scope,
        function_name: &str,
        name: &str,
        new_name: &str,
    ) -> Result<Option<SavedEvent>, Error> {
        let changed = self.in_transaction(|tx| {
            let changed = tx.execute(
                "UPDATE saved_events SET name = ?5, updated_at = ?6 \
                 WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND name = ?4",
                params![scope.profile, scope.region, function_name, name, new_name, timestamps::now()],
            )?;
            tx.execute(
                "UPDATE event_drafts SET event_name = ?5 \
                 WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND event_name = ?4",
                params![scope.profile, scope.region, function_name, name, new_name],
            )?;
            Ok(changed)
        })?;
        if changed == 0 {
            return Ok(None);
        }
        self.load_event(scope, function_name, new_name)
    }

    /// Deletes an event and its draft; `false` when there was no such event.
    pub fn delete_event(&self, scope: &Scope, function_name: &str, name: &str) -> Result<bool, Error> {
        let deleted = self.in_transaction(|tx| {
            let deleted = tx.execute(
                "DELETE FROM saved_events WHERE profile = ?1 AND region = ?2 AND function_name = ?3 AND name = ?4",
                params![scope.profile, scope.region, function_name, name],
            )?;
            tx.execute(DELETE_DRAFT, params![scope.profile, scope.region, function_name, name])?;
            Ok(deleted)
        })?;
        Ok(deleted > 0)
    }

    pub fn save_draft(
        &self,
        scope: &Scope,
        function_name: &str,
        event_name: Option<&str>,
        draft: &EventContent,
    ) -> Result<(), Error> {
        self.connection()
            .execute(
                "INSERT INTO event_drafts (profile, region, function_name, event_name, payload, invocation_kind, \
                 qualifier, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (profile, region, function_name, event_name) DO UPDATE SET payload = excluded.payload, \
                 invocation_kind = excluded.invocation_kind, qualifier = excluded.qualifier, \
                 updated_at = excluded.updated_at",
                params![
                    scope.profile,
                    scope.region,
                    function_name,
                    event_name.unwrap_or(""),
                    draft.payload,
                    draft.invocation_kind.as_str(),
                    draft.qualifier,
                    timestamps::now()
                ],
            )
            .map_err(|e| store_error(&e))?;
        Ok(())
    }

    pub fn list_drafts(&self, scope: &Scope, function_name: &str) -> Result<Vec<EventDraft>, Error> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(
                "SELECT function_name, event_name, payload, invocation_kind, qualifier, updated_at FROM event_drafts \
                 WHERE profile = ?1 AND region = ?2 AND function_name = ?3 ORDER BY event_name",
            )
            .map_err(|e| store_error(&e))?;
        let rows = statement
            .query_map(params![scope.profile, scope.region, function_name], |row| {
                let event_name: String = row.get(1)?;
                let kind: String = row.get(3)?;
                Ok(EventDraft {
                    function_name: row.get(0)?,
                    event_name: (!event_name.is_empty()).then_some(event_name),
                    payload: row.get(2)?,
                    invocation_kind: InvocationKind::parse(&kind).unwrap_or_default(),
                    qualifier: row.get(4)?,
                    updated_at: row.get(5)?,
                })
            })
            .map_err(|e| store_error(&e))?;
        rows.collect::<Result<_, _>>().map_err(|e| store_error(&e))
    }

    pub fn delete_draft(&self, scope: &Scope, function_name: &str, event_name: Option<&str>) -> Result<(), Error> {
        self.connection()
            .execute(DELETE_DRAFT, params![scope.profile, scope.region, function_name, event_name.unwrap_or("")])
            .map_err(|e| store_error(&e))?;
        Ok(())
    }
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<SavedEvent> {
    let kind: String = row.get(3)?;
    Ok(SavedEvent {
        function_name: row.get(0)?,
        name: row.get(1)?,
        payload: row.get(2)?,
        // A kind written by a newer app reads as the default rather than failing the list.
        invocation_kind: InvocationKind::parse(&kind).unwrap_or_default(),
        qualifier: row.get(4)?,
        created_at: row.get(5)?,
        updated_at: row.get(6)?,
    })
}
