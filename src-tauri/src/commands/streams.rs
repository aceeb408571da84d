//! What a window has running (refreshes now; tails, streamed invocations later).

use tauri::State;

use crate::state::AppState;
use crate::streams::StreamInfo;

/// The window's running streams, oldest first.
#[tauri::command]
#[specta::specta]
pub fn running_streams(window: tauri::Window, state: State<'_, AppState>) -> Vec<StreamInfo> {
    state.streams().list(window.label())
}
