//! The Configuration tab: checking an edit as it is typed, its diff, applying it with
//! its revision (progress over a Channel), resolving a conflict; versions, aliases and
//! code. Everything is checked in the core first: bad input sends nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use lambda_deck::config::code::{self, CodeDeployed, CodeDownloaded, CodeProgress};
use lambda_deck::config::envfile::{merge_env, parse_env_lines};
use lambda_deck::config::{apply, diff, drafts, validate, versions};
use lambda_deck::config::{
    AliasEdit, ApplyOutcome, ApplyProgress, ConfigCheck, ConfigConflict, ConfigDraft, ConfigEdit, EditableConfig,
    EnvVar, FieldChange, Side,
};
use lambda_deck::functions::{AliasInfo, ConfigurationSection, VersionInfo};
use tauri::ipc::Channel;
use tauri::State;

use super::{payload, session_of, CommandResult};
use crate::state::AppState;

/// The editable settings a function's saved configuration describes: what an edit
/// starts from (one definition, the core's, for the window and the CLI).
#[tauri::command]
#[specta::specta]
pub fn editable_config(section: ConfigurationSection) -> EditableConfig {
    EditableConfig::from_section(&section)
}

/// The errors and warnings of an edit, field by field, and the environment's size. No
/// network call: the form calls it as the user types.
#[tauri::command]
#[specta::specta]
pub fn check_config(config: EditableConfig) -> ConfigCheck {
    validate::check(&config)
}

/// What applying `desired` over `base` would change, in form order.
#[tauri::command]
#[specta::specta]
pub fn config_changes(base: EditableConfig, desired: EditableConfig) -> Vec<FieldChange> {
    diff::diff(&base, &desired)
}

/// Applies the edit with the revision it started from and follows the update; a
/// conflict comes back as an outcome (nothing was written).
#[tauri::command]
#[specta::specta]
pub async fn apply_config(
    window: tauri::Window,
    state: State<'_, AppState>,
    edit: ConfigEdit,
    progress: Channel<ApplyProgress>,
) -> CommandResult<ApplyOutcome> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    let mut report = |step: ApplyProgress| drop(progress.send(step));
    apply::apply_edit(&connection, session.store(), &edit, &mut report).await.map_err(payload)
}

/// The edit a conflict resolves to, given the side chosen per field.
#[tauri::command]
#[specta::specta]
pub fn resolve_config_conflict(conflict: ConfigConflict, choices: BTreeMap<String, Side>) -> CommandResult<ConfigEdit> {
    diff::resolve(&conflict, &choices).map_err(payload)
}

/// `existing` with the variables of pasted `KEY=VALUE` lines or a .env file's text merged in.
#[tauri::command]
#[specta::specta]
pub fn merge_env_text(existing: Vec<EnvVar>, text: String) -> CommandResult<Vec<EnvVar>> {
    let imported = parse_env_lines(&text).map_err(payload)?;
    Ok(merge_env(&existing, &imported))
}

#[tauri::command]
#[specta::specta]
pub async fn publish_version(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    description: String,
) -> CommandResult<VersionInfo> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    versions::publish_version(&connection, session.store(), &function_name, &description).await.map_err(payload)
}

/// Creates or updates an alias (weighted routing included).
#[tauri::command]
#[specta::specta]
pub async fn set_alias(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    alias: AliasEdit,
) -> CommandResult<AliasInfo> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    versions::set_alias(&connection, session.store(), &function_name, &alias).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_alias(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    alias_name: String,
) -> CommandResult<()> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    versions::remove_alias(&connection, session.store(), &function_name, &alias_name).await.map_err(payload)
}

/// Deploys a .zip or a folder (zipped here, `.lambdaignore` honoured) as the function's
/// code, optionally publishing a version.
#[tauri::command]
#[specta::specta]
pub async fn deploy_code(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    path: String,
    publish: bool,
    progress: Channel<CodeProgress>,
) -> CommandResult<CodeDeployed> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    let mut report = |step: CodeProgress| drop(progress.send(step));
    code::deploy_code(&connection, session.store(), &function_name, &PathBuf::from(path), publish, &mut report)
        .await
        .map_err(payload)
}

/// Downloads the deployed code into a new or empty folder.
#[tauri::command]
#[specta::specta]
pub async fn download_code(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    dir: String,
    progress: Channel<CodeProgress>,
) -> CommandResult<CodeDownloaded> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    let mut report = |step: CodeProgress| drop(progress.send(step));
    code::download_code(&connection, &function_name, &PathBuf::from(dir), &mut report).await.map_err(payload)
}

/// Keeps the edit as the function's draft (offline, or left before applying).
#[tauri::command]
#[specta::specta]
pub async fn save_config_draft(
    window: tauri::Window,
    state: State<'_, AppState>,
    edit: ConfigEdit,
) -> CommandResult<ConfigDraft> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    drafts::save(session.store(), &scope, edit).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn config_draft(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
) -> CommandResult<Option<ConfigDraft>> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    drafts::load(session.store(), &scope, &function_name).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn discard_config_draft(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
) -> CommandResult<()> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    drafts::discard(session.store(), &scope, &function_name).await.map_err(payload)
}
