//! Settings that are not profiles: appearance, the palette's recent picks, local data.

use lambda_deck::preferences::{Appearance, Preferences};
use lambda_deck::store::local_data::{self, LocalDataSummary};
use lambda_deck::Scope;
use tauri::State;

use super::{payload, CommandResult};
use crate::state::AppState;
use crate::streams::StreamKind;

/// The appearance and the palette's recent picks.
#[tauri::command]
#[specta::specta]
pub async fn preferences(state: State<'_, AppState>) -> CommandResult<Preferences> {
    Preferences::load_saved(state.profiles().store()).await.map_err(payload)
}

/// Light, dark, or the OS setting; kept for the next start.
#[tauri::command]
#[specta::specta]
pub async fn set_appearance(state: State<'_, AppState>, appearance: Appearance) -> CommandResult<Preferences> {
    Preferences::set_appearance(state.profiles().store(), appearance).await.map_err(payload)
}

/// Remembers a palette pick (an item id) as the most recent.
#[tauri::command]
#[specta::specta]
pub async fn record_palette_pick(state: State<'_, AppState>, id: String) -> CommandResult<Preferences> {
    Preferences::record_pick(state.profiles().store(), id).await.map_err(payload)
}

/// The store's size per profile and region, and the age of each saved list.
#[tauri::command]
#[specta::specta]
pub async fn local_data(state: State<'_, AppState>) -> CommandResult<LocalDataSummary> {
    local_data::measure(state.profiles().store()).await.map_err(payload)
}

/// Forgets what is saved for one profile and region (`scope`), or for all of them.
/// Every window's refreshes are stopped first and have ended before anything is
/// deleted, so none writes back what was just cleared.
#[tauri::command]
#[specta::specta]
pub async fn clear_local_data(state: State<'_, AppState>, scope: Option<Scope>) -> CommandResult<LocalDataSummary> {
    state.streams().stop_everywhere(StreamKind::WRITING_TO_THE_STORE).await;
    local_data::clear(state.profiles().store(), scope).await.map_err(payload)
}
