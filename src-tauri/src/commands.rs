//! Tauri commands: parse, call the core, map the error. Nothing else belongs here.

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::functions::{self, FunctionSummary};
use lambda_deck::ErrorPayload;
use tauri::State;

use crate::state::AppState;

/// The profile, region and endpoint the window is showing. Nothing secret.
#[tauri::command]
#[specta::specta]
pub async fn active_connection(state: State<'_, AppState>) -> Result<ConnectionSummary, ErrorPayload> {
    let connection = state.connection().await.map_err(|e| e.to_payload())?;
    Ok(connection.summary().clone())
}

/// Every function of the active profile and region, across all pages.
#[tauri::command]
#[specta::specta]
pub async fn list_functions(state: State<'_, AppState>) -> Result<Vec<FunctionSummary>, ErrorPayload> {
    let connection = state.connection().await.map_err(|e| e.to_payload())?;
    functions::list_functions(&connection).await.map_err(|e| e.to_payload())
}
