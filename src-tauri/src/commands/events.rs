//! The Test tab's event library: saved events, drafts, templates, files, and the
//! console's shareable events.

use lambda_deck::events::library::{EventContent, EventLibrary, EventsView};
use lambda_deck::events::payload::{check_payload, PayloadCheck};
use lambda_deck::events::sharing::{self, SharedEvent};
use lambda_deck::events::templates::{self, TemplateInfo};
use lambda_deck::events::{template_context, InvocationKind, SavedEvent};
use tauri::State;

use super::{payload, session_of, CommandResult};
use crate::state::AppState;

async fn library_of(state: &AppState, window: &tauri::Window) -> CommandResult<EventLibrary> {
    let session = session_of(state, window)?;
    let scope = session.scope().await.map_err(payload)?;
    Ok(EventLibrary::new(session.store().clone(), scope))
}

/// The saved events of a function and their drafts. No network call.
#[tauri::command]
#[specta::specta]
pub async fn list_events(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
) -> CommandResult<EventsView> {
    library_of(&state, &window).await?.view(&function_name).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn create_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
    content: EventContent,
) -> CommandResult<SavedEvent> {
    library_of(&state, &window).await?.create(&function_name, &name, content).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn update_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
    content: EventContent,
) -> CommandResult<SavedEvent> {
    library_of(&state, &window).await?.update(&function_name, &name, content).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
    new_name: String,
) -> CommandResult<SavedEvent> {
    library_of(&state, &window).await?.rename(&function_name, &name, &new_name).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn duplicate_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
) -> CommandResult<SavedEvent> {
    library_of(&state, &window).await?.duplicate(&function_name, &name).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
) -> CommandResult<()> {
    library_of(&state, &window).await?.delete(&function_name, &name).await.map_err(payload)
}

/// Keeps what the user typed (`event` `None`: a new, unnamed event): payload, type and
/// qualifier.
#[tauri::command]
#[specta::specta]
pub async fn save_event_draft(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    event: Option<String>,
    draft: EventContent,
) -> CommandResult<()> {
    library_of(&state, &window).await?.save_draft(&function_name, event.as_deref(), draft).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn discard_event_draft(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    event: Option<String>,
) -> CommandResult<()> {
    library_of(&state, &window).await?.discard_draft(&function_name, event.as_deref()).await.map_err(payload)
}

/// The payload's size against its type's limit and its first problem, for the editor.
#[tauri::command]
#[specta::specta]
pub fn check_event_payload(text: String, kind: InvocationKind) -> PayloadCheck {
    check_payload(&text, kind)
}

#[tauri::command]
#[specta::specta]
pub fn event_templates() -> Vec<TemplateInfo> {
    templates::templates()
}

/// A template filled with the function's region and account and the current time.
#[tauri::command]
#[specta::specta]
pub async fn render_event_template(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    template: String,
) -> CommandResult<String> {
    let session = session_of(&state, &window)?;
    let connection = session.connection().await.map_err(payload)?;
    let context = template_context(session.store(), &connection, &function_name).await;
    templates::render(&template, &context).map_err(payload)
}

/// Writes the named events (all when `names` is empty) as `<dir>/<name>.json`; returns
/// the paths written.
#[tauri::command]
#[specta::specta]
pub async fn export_events(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    names: Vec<String>,
    dir: String,
) -> CommandResult<Vec<String>> {
    library_of(&state, &window).await?.export(&function_name, &names, &dir).await.map_err(payload)
}

/// A payload pretty-printed with its keys in order and every digit kept (Format); `None`
/// when it is not JSON.
#[tauri::command]
#[specta::specta]
pub fn format_event_payload(text: String) -> Option<String> {
    lambda_deck::events::payload::pretty_json(&text)
}

/// The console's shareable events of the function (EventBridge Schemas).
#[tauri::command]
#[specta::specta]
pub async fn list_shared_events(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
) -> CommandResult<Vec<SharedEvent>> {
    let connection = session_of(&state, &window)?.connection().await.map_err(payload)?;
    sharing::list(&connection, &function_name).await.map_err(payload)
}

/// Shares an event with the console, the SAM CLI and the toolkits.
#[tauri::command]
#[specta::specta]
pub async fn publish_shared_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
    text: String,
    overwrite: bool,
) -> CommandResult<()> {
    let connection = session_of(&state, &window)?.connection().await.map_err(payload)?;
    sharing::publish(&connection, &function_name, &name, &text, overwrite).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_shared_event(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    name: String,
) -> CommandResult<()> {
    let connection = session_of(&state, &window)?.connection().await.map_err(payload)?;
    sharing::delete(&connection, &function_name, &name).await.map_err(payload)
}
