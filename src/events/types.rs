//! The event library's plain data: what the store keeps and the Test tab shows.

use serde::{Deserialize, Serialize};

use super::kind::InvocationKind;

/// One saved test event of a function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedEvent {
    pub function_name: String,
    pub name: String,
    /// The JSON text exactly as the user wrote it (formatting kept).
    pub payload: String,
    pub invocation_kind: InvocationKind,
    /// A version or alias; `None` is $LATEST.
    pub qualifier: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// What the user typed into an event and has not saved: kept on every change, so a
/// closed window, a crash or switching function loses nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventDraft {
    pub function_name: String,
    /// The saved event it edits, or `None` for a new event not yet named.
    pub event_name: Option<String>,
    pub payload: String,
    pub invocation_kind: InvocationKind,
    pub qualifier: Option<String>,
    pub updated_at: String,
}

/// A function's saved events and the drafts of unsaved changes, as the Test tab opens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventsView {
    pub events: Vec<SavedEvent>,
    pub drafts: Vec<EventDraft>,
}

/// What a new or changed event holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventContent {
    pub payload: String,
    pub invocation_kind: InvocationKind,
    pub qualifier: Option<String>,
}
