//! The function list and a function's details, saved first and then refreshed.

use lambda_deck::functions::sync::{self, FunctionListView, SyncEvent};
use lambda_deck::functions::{check_function_name, console_url, FunctionDetails};
use tauri::ipc::Channel;
use tauri::State;

use super::{payload, session_of, CommandResult};
use crate::browser;
use crate::state::AppState;
use crate::streams::StreamKind;

/// The saved function list of the window's profile and region, or its first `limit`
/// functions by name (the first screen, quick to send). No network call, no keyring.
#[tauri::command]
#[specta::specta]
pub async fn cached_functions(
    window: tauri::Window,
    state: State<'_, AppState>,
    limit: Option<u32>,
) -> CommandResult<FunctionListView> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    sync::load_view(session.store(), &scope, limit).await.map_err(payload)
}

/// Refreshes the saved list from AWS, streaming progress; `cancel_refresh` stops it, and
/// so does closing or switching the window (a cancelled refresh writes nothing).
#[tauri::command]
#[specta::specta]
pub async fn refresh_functions(
    window: tauri::Window,
    state: State<'_, AppState>,
    progress: Channel<SyncEvent>,
) -> CommandResult<FunctionListView> {
    let session = session_of(&state, &window)?;
    let report = |event: SyncEvent| drop(progress.send(event));
    // A stream from the start: connecting (maybe opening the keyring) is cancelled too.
    let refreshed = state
        .streams()
        .run(window.label(), StreamKind::FunctionListRefresh, |cancel| async move {
            let connection = session.connection_unless_cancelled(&cancel).await?;
            sync::refresh_function_list(&connection, session.store(), &report, &cancel).await
        })
        .await;
    refreshed.map_err(payload)
}

/// Stops the window's running refresh; the saved list stays as it was.
#[tauri::command]
#[specta::specta]
pub fn cancel_refresh(window: tauri::Window, state: State<'_, AppState>) {
    state.streams().cancel_kind(window.label(), StreamKind::FunctionListRefresh);
}

/// The saved details of a function (`None` if never fetched). No network call.
#[tauri::command]
#[specta::specta]
pub async fn cached_function_details(
    window: tauri::Window,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<Option<FunctionDetails>> {
    check_function_name(&name).map_err(payload)?;
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    FunctionDetails::load_saved(session.store(), &scope, &name).await.map_err(payload)
}

/// Fetches a function's details from AWS and saves them. A newer request of the window
/// replaces this one (only the selected function matters), and so does a switch.
#[tauri::command]
#[specta::specta]
pub async fn refresh_function_details(
    window: tauri::Window,
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<FunctionDetails> {
    check_function_name(&name).map_err(payload)?;
    let session = session_of(&state, &window)?;
    let refreshed = state
        .streams()
        .run(window.label(), StreamKind::FunctionDetailsRefresh, |cancel| async move {
            let connection = session.connection_unless_cancelled(&cancel).await?;
            FunctionDetails::refresh(&connection, session.store(), &name, &cancel).await
        })
        .await;
    refreshed.map_err(payload)
}

/// Opens the function's page of the AWS web console in the default browser.
#[tauri::command]
#[specta::specta]
pub async fn open_in_console(window: tauri::Window, state: State<'_, AppState>, name: String) -> CommandResult<()> {
    let scope = session_of(&state, &window)?.scope().await.map_err(payload)?;
    let url = console_url(&scope.region, &name).map_err(payload)?;
    browser::open(&url).map_err(payload)
}
