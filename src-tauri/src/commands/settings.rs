//! Settings that are not profiles: appearance, the palette's recent picks, local data.

use lambda_deck::preferences::{Appearance, Preferences};
use lambda_deck::store::local_data::LocalDataSummary;
use lambda_deck::store::run_blocking;
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
    run_blocking(state.profiles().store(), |store| store.local_data()).await.map_err(payload)
}

/// Forgets what is saved for one profile and region (`scope`), or for all of them.
/// Running list refreshes stop first, so none writes back what was just cleared.
#[tauri::command]
#[specta::specta]
pub async fn clear_local_data(state: State<'_, AppState>, scope: Option<Scope>) -> CommandResult<LocalDataSummary> {
    state.streams().cancel_everywhere(StreamKind::FunctionListRefresh);
    run_blocking(state.profiles().store(), move |store| {
        store.clear_local_data(scope.as_ref())?;
        store.local_data()
    })
    .await
    .map_err(payload)
}
