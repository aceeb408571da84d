//! Tauri commands, one file per capability: parse, call the core, map the error. Nothing
//! else belongs here. Every command is named once, in `list.rs`.

pub mod config;
pub mod events;
pub mod functions;
pub mod invoke;
pub mod logs;
pub mod metrics;
pub mod profiles;
pub mod session;
pub mod settings;
pub mod streams;

use std::sync::Arc;

use lambda_deck::session::Session;
use lambda_deck::{Error, ErrorPayload};

use crate::state::AppState;

include!("list.rs");
pub(crate) use app_commands;

pub type CommandResult<T> = Result<T, ErrorPayload>;

pub fn payload(err: Error) -> ErrorPayload {
    err.to_payload()
}

/// The session of the window a command came from.
fn session_of(state: &AppState, window: &tauri::Window) -> CommandResult<Arc<Session>> {
    state.session(window.label()).map_err(payload)
}
