//! The profile and region a window shows.

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::profiles;
use lambda_deck::session::SessionChoice;
use tauri::State;

use super::{payload, session_of, CommandResult};
use crate::state::AppState;

/// The profile, region and endpoint the window is showing. Nothing secret.
#[tauri::command]
#[specta::specta]
pub async fn active_connection(window: tauri::Window, state: State<'_, AppState>) -> CommandResult<ConnectionSummary> {
    session_of(&state, &window)?.describe().await.map_err(payload)
}

/// Switches the window to a profile and region (without connecting, so its saved data
/// shows at once); what the window was running stops. The UI then shows that scope's
/// saved list and refreshes it.
#[tauri::command]
#[specta::specta]
pub async fn select_profile(
    window: tauri::Window,
    state: State<'_, AppState>,
    name: String,
    region: Option<String>,
) -> CommandResult<ConnectionSummary> {
    let choice = SessionChoice { profile: Some(name), region, endpoint_url: None };
    state.select(window.label(), choice).await.map_err(payload)
}

/// Switches the window to another region, keeping its profile.
#[tauri::command]
#[specta::specta]
pub async fn select_region(
    window: tauri::Window,
    state: State<'_, AppState>,
    region: String,
) -> CommandResult<ConnectionSummary> {
    state.select_region(window.label(), region).await.map_err(payload)
}

/// The regions a profile may use, for the pickers.
#[tauri::command]
#[specta::specta]
pub fn list_regions() -> Vec<String> {
    profiles::known_regions().iter().map(|r| r.to_string()).collect()
}
