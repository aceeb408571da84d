//! Tauri commands: parse, call the core, map the error. Nothing else belongs here.

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::functions::{self, FunctionSummary};
use lambda_deck::profiles::{self, ConnectionTest, ProfileInput, ProfileSummary};
use lambda_deck::{Error, ErrorPayload};
use tauri::State;

use crate::state::AppState;

type CommandResult<T> = Result<T, ErrorPayload>;

fn payload(err: Error) -> ErrorPayload {
    err.to_payload()
}

/// The profile, region and endpoint the window is showing. Nothing secret.
#[tauri::command]
#[specta::specta]
pub async fn active_connection(state: State<'_, AppState>) -> CommandResult<ConnectionSummary> {
    Ok(state.connection().await.map_err(payload)?.summary().clone())
}

/// Every function of the active profile and region, across all pages.
#[tauri::command]
#[specta::specta]
pub async fn list_functions(state: State<'_, AppState>) -> CommandResult<Vec<FunctionSummary>> {
    let connection = state.connection().await.map_err(payload)?;
    functions::list_functions(&connection).await.map_err(payload)
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

/// Switches the window to a profile and region.
#[tauri::command]
#[specta::specta]
pub async fn select_profile(
    state: State<'_, AppState>,
    name: String,
    region: Option<String>,
) -> CommandResult<ConnectionSummary> {
    state.select(name, region).await.map_err(payload)
}
