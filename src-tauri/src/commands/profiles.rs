//! Profiles in Settings: list, add or edit (keys go to the keyring), remove, test.

use lambda_deck::aws::CallerIdentity;
use lambda_deck::profiles::{ProfileInput, ProfileSummary};
use tauri::State;

use super::{payload, CommandResult};
use crate::state::{AppState, ProfileChange};

/// The app's profiles and the AWS CLI's, without secrets.
#[tauri::command]
#[specta::specta]
pub async fn list_profiles(state: State<'_, AppState>) -> CommandResult<Vec<ProfileSummary>> {
    state.profiles().list().await.map_err(payload)
}

/// Adds a profile (`original_name` empty) or replaces one. Keys go to the keyring.
#[tauri::command]
#[specta::specta]
pub async fn save_profile(
    state: State<'_, AppState>,
    original_name: Option<String>,
    profile: ProfileInput,
) -> CommandResult<ProfileSummary> {
    let saved = state.profiles().save(original_name.as_deref(), profile).await.map_err(payload)?;
    state.profiles_changed(ProfileChange::Saved { from: original_name.as_deref(), to: &saved.name });
    Ok(saved)
}

/// Removes an app profile and its keyring entry.
#[tauri::command]
#[specta::specta]
pub async fn remove_profile(state: State<'_, AppState>, name: String) -> CommandResult<()> {
    state.profiles().remove(&name).await.map_err(payload)?;
    state.profiles_changed(ProfileChange::Removed(&name));
    Ok(())
}

/// One signed call with the profile's credentials: account and ARN, or what is wrong.
#[tauri::command]
#[specta::specta]
pub async fn test_profile(state: State<'_, AppState>, name: String) -> CommandResult<CallerIdentity> {
    state.profiles().test(&name, None).await.map_err(payload)
}

/// Marks a profile (the app's or the AWS CLI's) read-only, or clears the mark. Windows
/// reconnect, so a connection made before the change does not keep the old mark.
#[tauri::command]
#[specta::specta]
pub async fn set_profile_read_only(
    state: State<'_, AppState>,
    name: String,
    read_only: bool,
) -> CommandResult<ProfileSummary> {
    let marked = state.profiles().set_read_only(&name, read_only).await.map_err(payload)?;
    state.profiles_changed(ProfileChange::Saved { from: Some(&name), to: &name });
    Ok(marked)
}
