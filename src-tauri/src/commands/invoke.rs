//! Invoking a function from the Test tab, its figures, the history and comparisons.

use lambda_deck::invoke::compare::Comparison;
use lambda_deck::invoke::{self, history, InvocationOutcome, InvocationRecord, InvokeRequest, StreamChunk};
use lambda_deck::Error;
use tauri::ipc::Channel;
use tauri::State;

use super::{payload, session_of, CommandResult};
use crate::state::AppState;
use crate::streams::StreamKind;

/// Runs the request (checked in the core first: bad input sends nothing) and answers
/// with its record as soon as Lambda answers; streamed chunks come over `chunks`.
#[tauri::command]
#[specta::specta]
pub async fn invoke_function(
    window: tauri::Window,
    state: State<'_, AppState>,
    request: InvokeRequest,
    chunks: Channel<StreamChunk>,
) -> CommandResult<InvocationRecord> {
    invoke::check_request(&request).map_err(payload)?;
    let session = session_of(&state, &window)?;
    let invoked = state
        .streams()
        .run(window.label(), StreamKind::Invocation, |cancel| async move {
            let connection = session.connection_unless_cancelled(&cancel).await?;
            let mut on_chunk = |chunk: StreamChunk| drop(chunks.send(chunk));
            tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                record = invoke::invoke(&connection, session.store(), &request, &mut on_chunk) => record,
            }
        })
        .await;
    invoked.map_err(payload)
}

/// Stops waiting for the window's invocations in flight.
#[tauri::command]
#[specta::specta]
pub fn cancel_invocation(window: tauri::Window, state: State<'_, AppState>) {
    state.streams().cancel_kind(window.label(), StreamKind::Invocation);
}

/// The record with its REPORT figures, cost and full log, read from the log group when
/// the tail did not have them (waits a bounded time for the log to arrive).
#[tauri::command]
#[specta::specta]
pub async fn invocation_figures(
    window: tauri::Window,
    state: State<'_, AppState>,
    id: u32,
) -> CommandResult<InvocationRecord> {
    let session = session_of(&state, &window)?;
    let filled = state
        .streams()
        .run(window.label(), StreamKind::InvocationFigures, |cancel| async move {
            let connection = session.connection_unless_cancelled(&cancel).await?;
            invoke::fill_in_figures(&connection, session.store(), id, &cancel).await
        })
        .await;
    filled.map_err(payload)
}

/// A function's kept invocations, newest first, optionally of one outcome. No network call.
#[tauri::command]
#[specta::specta]
pub async fn invocation_history(
    window: tauri::Window,
    state: State<'_, AppState>,
    function_name: String,
    outcome: Option<InvocationOutcome>,
) -> CommandResult<Vec<InvocationRecord>> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    history::list(session.store(), &scope, &function_name, outcome).await.map_err(payload)
}

/// Two invocations side by side: their payloads' structural diff and figures.
#[tauri::command]
#[specta::specta]
pub async fn compare_invocations(
    window: tauri::Window,
    state: State<'_, AppState>,
    before: u32,
    after: u32,
) -> CommandResult<Comparison> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    history::compare(session.store(), &scope, before, after).await.map_err(payload)
}

/// How many invocations are kept per function.
#[tauri::command]
#[specta::specta]
pub async fn invocation_history_limit(state: State<'_, AppState>) -> CommandResult<u32> {
    history::limit(state.profiles().store()).await.map_err(payload)
}

#[tauri::command]
#[specta::specta]
pub async fn set_invocation_history_limit(state: State<'_, AppState>, keep: u32) -> CommandResult<u32> {
    history::set_limit(state.profiles().store(), keep).await.map_err(payload)?;
    Ok(keep)
}
