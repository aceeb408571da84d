//! What the app has running: refreshes, invocations and tails, by window.

use tauri::State;

use crate::state::AppState;
use crate::streams::StreamInfo;

/// Every window's running streams, oldest first (each names its window): a closed tail
/// window's tail is gone from this list at once.
#[tauri::command]
#[specta::specta]
pub fn running_streams(state: State<'_, AppState>) -> Vec<StreamInfo> {
    state.streams().list(None)
}
