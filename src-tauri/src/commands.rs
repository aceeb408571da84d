//! Tauri commands: parse, call the core, map the error. Nothing else belongs here.

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::functions::{self, FunctionDetails};
use lambda_deck::profiles::{self, ConnectionTest, ProfileInput, ProfileSummary};
use lambda_deck::sync::{self, FunctionListView, SyncEvent};
use lambda_deck::{Error, ErrorPayload};
use tauri::ipc::Channel;
use tauri::State;

use crate::browser;
use crate::state::AppState;

type CommandResult<T> = Result<T, ErrorPayload>;

fn payload(err: Error) -> ErrorPayload {
    err.to_payload()
}

/// The profile, region and endpoint the window is showing. Nothing secret.
#[tauri::command]
#[specta::specta]
pub async fn active_connection(state: State<'_, AppState>) -> CommandResult<ConnectionSummary> {
    state.describe().await.map_err(payload)
}

/// The saved function list of the active profile and region, or its first `limit`
/// functions by name (the first screen, quick to send). No network call, no keyring.
#[tauri::command]
#[specta::specta]
pub async fn cached_functions(state: State<'_, AppState>, limit: Option<u32>) -> CommandResult<FunctionListView> {
    let scope = state.scope().await.map_err(payload)?;
    sync::load_view(state.store(), &scope, limit).await.map_err(payload)
}

/// Refreshes the saved list from AWS, streaming progress; `cancel_refresh` stops it.
#[tauri::command]
#[specta::specta]
pub async fn refresh_functions(
    state: State<'_, AppState>,
    progress: Channel<SyncEvent>,
) -> CommandResult<FunctionListView> {
    let connection = state.connection().await.map_err(payload)?;
    let handle = state.start_refresh();
    // A closed window drops the channel; the refresh still completes and is saved.
    let report = |event: SyncEvent| drop(progress.send(event));
    let refreshed = sync::refresh_function_list(&connection, state.store(), &report, &handle.token).await;
    state.finish_refresh(&handle);
    refreshed.map_err(payload)
}

/// Stops the running refresh; the saved list stays as it was.
#[tauri::command]
#[specta::specta]
pub fn cancel_refresh(state: State<'_, AppState>) {
    state.cancel_refresh();
}

/// The saved details of a function (`None` if never fetched). No network call.
#[tauri::command]
#[specta::specta]
pub async fn cached_function_details(
    state: State<'_, AppState>,
    name: String,
) -> CommandResult<Option<FunctionDetails>> {
    let scope = state.scope().await.map_err(payload)?;
    FunctionDetails::load_saved(state.store(), &scope, &name).await.map_err(payload)
}

/// Fetches a function's details from AWS and saves them.
#[tauri::command]
#[specta::specta]
pub async fn refresh_function_details(state: State<'_, AppState>, name: String) -> CommandResult<FunctionDetails> {
    let connection = state.connection().await.map_err(payload)?;
    FunctionDetails::refresh(&connection, state.store(), &name).await.map_err(payload)
}

/// Opens the function's page of the AWS web console in the default browser.
#[tauri::command]
#[specta::specta]
pub async fn open_in_console(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    let scope = state.scope().await.map_err(payload)?;
    browser::open(&functions::console_url(&scope.region, &name)).map_err(payload)
}

/// The app's profiles and the AWS CLI's, without secrets.
#[tauri::command]
#[specta::specta]
pub async fn list_profiles(state: State<'_, AppState>) -> CommandResult<Vec<ProfileSummary>> {
    state.profiles().list().await.map_err(payload)
}

/// The regions a profile may use, for the pickers.
#[tauri::command]
#[specta::specta]
pub fn list_regions() -> Vec<String> {
    profiles::known_regions().iter().map(|r| r.to_string()).collect()
}

/// Adds a profile (`original_name` empty) or replaces one. Keys go to the keyring.
#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    state: State<'_, AppState>,
    original_name: Option<String>,
    profile: ProfileInput,
) -> CommandResult<ProfileSummary> {
    let saved = state.profiles().save(original_name.as_deref(), profile).await;
    state.invalidate(None).await;
    saved.map_err(payload)
}

/// Removes an app profile and its keyring entry.
#[tauri::command]
#[specta::specta]
pub async fn remove_profile(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    state.profiles().remove(&name).await.map_err(payload)?;
    state.invalidate(Some(&name)).await;
    Ok(())
}

/// One signed call with the profile's credentials: account and ARN, or what is wrong.
#[tauri::command]
#[specta::specta]
pub async fn test_profile(state: State<'_, AppState>, name: String) -> CommandResult<ConnectionTest> {
    state.profiles().test(&name, None).await.map_err(payload)
}

/// Switches the window to a profile and region; the UI then shows its saved list and
/// refreshes it.
#[tauri::command]
#[specta::specta]
pub async fn select_profile(
    state: State<'_, AppState>,
    name: String,
    region: Option<String>,
) -> CommandResult<ConnectionSummary> {
    state.select(name, region).await.map_err(payload)
}
