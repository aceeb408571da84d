//! The live tail: opening a tail window, running its tail, clearing and exporting its
//! lines, and the buffer size setting.

use std::path::PathBuf;

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::functions::names::check_function_name;
use lambda_deck::logs::batch::{forward_in_frames, TailBatch};
use lambda_deck::logs::export::{write_lines, ExportFormat};
use lambda_deck::logs::groups::resolve_targets;
use lambda_deck::logs::pattern::check_filter_pattern;
use lambda_deck::logs::tail::{run_tail, TailClient, TailSpec, TailTimings};
use lambda_deck::logs::{buffer, when};
use lambda_deck::{Error, FieldError};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::{payload, session_of, CommandResult};
use crate::state::AppState;
use crate::streams::StreamKind;
use crate::tails::TailWindow;
use crate::windows;

/// Opens a tail window for `functions` (names or ARNs, checked first) on the calling
/// window's profile and region; answers with its label.
#[tauri::command]
#[specta::specta]
pub async fn open_tail_window(
    app: AppHandle,
    window: tauri::Window,
    state: State<'_, AppState>,
    functions: Vec<String>,
) -> CommandResult<String> {
    let mut names: Vec<String> = Vec::new();
    for typed in &functions {
        let name = check_function_name(typed).map_err(payload)?.name.to_owned();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return Err(payload(Error::InvalidInput("Choose at least one function to tail.".into())));
    }
    let capacity = buffer::capacity(state.profiles().store()).await.map_err(payload)?;
    let label = state.tails().add(names.clone(), capacity as usize);
    let opened = state
        .share_session(window.label(), &label)
        .and_then(|()| windows::open_tail_window(&app, &label, &names).map_err(|e| Error::Internal(e.to_string())));
    if let Err(err) = opened {
        state.forget_window(&label);
        return Err(payload(err));
    }
    Ok(label)
}

/// What a tail window shows before its tail starts.
#[derive(Debug, Serialize, specta::Type)]
pub struct TailSetup {
    pub functions: Vec<String>,
    pub connection: ConnectionSummary,
    /// Lines the window keeps (Settings → Local data).
    pub capacity: u32,
    /// Where exports go unless the user names another place.
    pub export_dir: String,
}

#[tauri::command]
#[specta::specta]
pub async fn tail_setup(window: tauri::Window, state: State<'_, AppState>) -> CommandResult<TailSetup> {
    let tail = tail_of(&state, &window)?;
    let connection = session_of(&state, &window)?.describe().await.map_err(payload)?;
    let capacity = tail.buffer.lock().unwrap_or_else(|p| p.into_inner()).capacity() as u32;
    let export_dir = dirs::download_dir().or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir);
    Ok(TailSetup { functions: tail.functions, connection, capacity, export_dir: export_dir.display().to_string() })
}

/// Runs the window's tail until `stop_tail`, another `start_tail` or the window's close;
/// lines and notices arrive over `batches`, at most one batch per frame. The filter
/// pattern and the backfill are checked before anything is sent.
#[tauri::command]
#[specta::specta]
pub async fn start_tail(
    window: tauri::Window,
    state: State<'_, AppState>,
    filter: String,
    since_seconds: u32,
    polling: bool,
    batches: Channel<TailBatch>,
) -> CommandResult<()> {
    let filter = check_filter_pattern(&filter).map_err(payload)?;
    let backfill = std::time::Duration::from_secs(u64::from(since_seconds));
    if backfill > when::MAX_BACKFILL {
        let message = format!("A tail starts at most {} h back.", when::MAX_BACKFILL.as_secs() / 3600);
        return Err(payload(Error::InvalidFields(vec![FieldError::new("since", message)])));
    }
    let tail = tail_of(&state, &window)?;
    let session = session_of(&state, &window)?;
    let ran = state
        .streams()
        .run(window.label(), StreamKind::Tail, |cancel| async move {
            let connection = session.connection_unless_cancelled(&cancel).await?;
            let targets = resolve_targets(&connection, session.store(), &tail.functions).await?;
            let client = TailClient::new(&connection, &targets);
            let spec = TailSpec { targets, filter, backfill, polling_only: polling };
            let (events, received) = tokio::sync::mpsc::unbounded_channel();
            let forwarding =
                forward_in_frames(received, tail.buffer.clone(), cancel.clone(), |batch| batches.send(batch).is_ok());
            let tailing =
                run_tail(client, spec, TailTimings::default(), move |event| drop(events.send(event)), cancel.clone());
            let (tailed, ()) = tokio::join!(tailing, forwarding);
            tailed
        })
        .await;
    ran.map_err(payload)
}

/// Stops the window's tail (its lines stay).
#[tauri::command]
#[specta::specta]
pub fn stop_tail(window: tauri::Window, state: State<'_, AppState>) {
    state.streams().cancel_kind(window.label(), StreamKind::Tail);
}

/// Forgets the window's lines (the tail runs on).
#[tauri::command]
#[specta::specta]
pub fn clear_tail(window: tauri::Window, state: State<'_, AppState>) -> CommandResult<()> {
    tail_of(&state, &window)?.buffer.lock().unwrap_or_else(|p| p.into_inner()).clear();
    Ok(())
}

/// Writes the window's lines to `path`: those numbered in `only` (what the window shows
/// after its searches, filters and mutes), or the whole buffer. `progress` gets the share
/// written. Answers with the number of lines written.
#[tauri::command]
#[specta::specta]
pub async fn export_tail(
    window: tauri::Window,
    state: State<'_, AppState>,
    path: String,
    format: ExportFormat,
    only: Option<Vec<u32>>,
    progress: Channel<f64>,
) -> CommandResult<u32> {
    let tail = tail_of(&state, &window)?;
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        let message = "Give the full path of the file, e.g. /home/me/Downloads/tail.ndjson.";
        return Err(payload(Error::InvalidFields(vec![FieldError::new("path", message)])));
    }
    let lines = {
        let buffer = tail.buffer.lock().unwrap_or_else(|p| p.into_inner());
        match only {
            Some(seqs) => {
                let wanted: std::collections::HashSet<u32> = seqs.into_iter().collect();
                buffer.iter().filter(|line| wanted.contains(&line.seq)).cloned().collect::<Vec<_>>()
            }
            None => buffer.iter().cloned().collect(),
        }
    };
    let written = tokio::task::spawn_blocking(move || {
        write_lines(&path, lines.iter(), &tail.functions, format, |share| drop(progress.send(share)))
    })
    .await
    .map_err(|e| payload(Error::Internal(e.to_string())))?;
    written.map_err(payload)
}

/// Closes the calling tail window (its Close button, Ctrl+W): as when the window manager
/// closes it, the window's tail stops and its lines go.
#[tauri::command]
#[specta::specta]
pub async fn close_tail_window(window: tauri::Window, state: State<'_, AppState>) -> CommandResult<()> {
    tail_of(&state, &window)?;
    window.close().map_err(|e| payload(Error::Internal(e.to_string())))
}

/// Lines a tail keeps (Settings → Local data).
#[tauri::command]
#[specta::specta]
pub async fn tail_buffer_lines(state: State<'_, AppState>) -> CommandResult<u32> {
    buffer::capacity(state.profiles().store()).await.map_err(payload)
}

/// Sets the lines a tail keeps; tail windows opened afterwards use it.
#[tauri::command]
#[specta::specta]
pub async fn set_tail_buffer_lines(state: State<'_, AppState>, lines: u32) -> CommandResult<()> {
    buffer::set_capacity(state.profiles().store(), lines).await.map_err(payload)
}

fn tail_of(state: &AppState, window: &tauri::Window) -> CommandResult<TailWindow> {
    state
        .tails()
        .get(window.label())
        .ok_or_else(|| payload(Error::InvalidInput("This window is not a tail window.".into())))
}
