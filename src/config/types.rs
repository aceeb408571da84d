//! The plain types of configuration editing: what the form edits, the diff shown before
//! applying, the three columns of a conflict, and what applying reports.

use serde::{Deserialize, Serialize};

/// Every setting of a function the Configuration tab can change, as one value: the
/// state an edit started from (`base`), what is on AWS now (`current`) and what the user
/// wants (`desired`) all have this shape, so diffs and merges are field by field.
///
/// Lists keep the user's order and may hold duplicates or blanks while being typed;
/// [`validate`](super::validate::validate) refuses those before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EditableConfig {
    pub description: String,
    /// `None` for container-image functions (no handler, no runtime).
    pub handler: Option<String>,
    pub runtime: Option<String>,
    pub memory_mb: i32,
    pub timeout_seconds: i32,
    pub ephemeral_storage_mb: i32,
    pub environment: Vec<EnvVar>,
    /// `PassThrough` or `Active` (X-Ray).
    pub tracing_mode: String,
    pub logging: LoggingSettings,
    pub tags: Vec<TagEntry>,
    /// `None`: no reservation (the function draws on the account's unreserved pool).
    pub reserved_concurrency: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TagEntry {
    pub key: String,
    pub value: String,
}

/// The function's logging config. Levels apply to the JSON format only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoggingSettings {
    /// `Text` or `JSON`.
    pub log_format: String,
    /// TRACE, DEBUG, INFO, WARN, ERROR, FATAL; `None` with the Text format.
    pub application_log_level: Option<String>,
    /// DEBUG, INFO, WARN; `None` with the Text format.
    pub system_log_level: Option<String>,
    pub log_group: String,
}

/// One setting that an edit changes, as the review step shows it. Values are shown as
/// text; `None` means "not set" (a tag or variable added or removed, no reservation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    /// The field's key, as validation errors and conflict choices name it: `memory_mb`,
    /// `env:NAME`, `tag:KEY`, `logging.log_format`, …
    pub field: String,
    /// What a person reads: "Memory (MB)", "Environment variable DB_URL", …
    pub label: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// An environment value: the review masks it unless the user reveals it.
    pub secret: bool,
}

/// An edit to apply: the revision and settings it started from, and the wanted settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfigEdit {
    pub function_name: String,
    /// The RevisionId the edit started from; `None` only where AWS gave none.
    pub base_revision_id: Option<String>,
    pub base: EditableConfig,
    pub desired: EditableConfig,
}

/// The three columns shown when the function changed after the edit started: what the
/// user started from, what is there now, and what they want, with each differing field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfigConflict {
    pub function_name: String,
    pub base: EditableConfig,
    pub current: EditableConfig,
    pub desired: EditableConfig,
    /// The revision to apply against once the user has chosen.
    pub current_revision_id: Option<String>,
    pub fields: Vec<ConflictField>,
}

/// One field that differs among the three columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConflictField {
    pub field: String,
    pub label: String,
    pub base: Option<String>,
    pub current: Option<String>,
    pub desired: Option<String>,
    pub secret: bool,
    /// Both sides changed it, differently: the user must choose.
    pub both_changed: bool,
    /// What is preselected: `mine` where only the user changed it, `theirs` where only
    /// the other side did; for fields both changed, `mine`.
    pub suggested: Side,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Mine,
    Theirs,
}

/// Where an apply has got to, sent while it runs (a Channel in the window, stderr in
/// the CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApplyProgress {
    /// `checking`, `updating`, `waiting_busy`, `in_progress`, `tags`, `concurrency`,
    /// `refreshing`, `done`.
    pub step: String,
    pub message: String,
}

/// How an apply ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApplyOutcome {
    /// Everything was sent and Lambda finished the update. `status` is the final
    /// LastUpdateStatus (`Successful`, or `Failed` with `reason`).
    Applied { status: String, reason: Option<String>, revision_id: Option<String>, changes: Vec<FieldChange> },
    /// The edit changes nothing.
    NothingToApply,
    /// The function changed since the edit started; nothing was sent.
    Conflict { conflict: Box<ConfigConflict> },
}

/// What the user typed for an alias: create or update `name` to point at
/// `function_version`, optionally sending `additional_weight` (0–1) of the traffic to
/// `additional_version` (weighted routing between two versions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AliasEdit {
    pub name: String,
    pub function_version: String,
    pub description: String,
    pub additional_version: Option<String>,
    pub additional_weight: Option<f64>,
}

/// The result of checking an edit as it is typed: errors block applying, warnings
/// (a deprecated runtime) do not. Both name their field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfigCheck {
    pub errors: Vec<crate::FieldError>,
    pub warnings: Vec<crate::FieldError>,
    /// The environment's size as AWS counts it (bytes of names and values) and its limit.
    pub environment_bytes: u32,
    pub environment_limit_bytes: u32,
}

/// An edit kept for later (made offline, or left before applying), with the revision it
/// started from: applied later through the same diff and conflict path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfigDraft {
    pub edit: ConfigEdit,
    pub saved_at: String,
    /// False when environment values could not be kept (no key in the system keyring):
    /// the draft has the names, and the values must be typed again.
    pub values_kept: bool,
}
