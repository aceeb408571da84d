//! Lambda Deck core: everything the desktop app and the `ldeck` CLI do, without a UI.
//!
//! Invariants (see ARCHITECTURE.md):
//! - no dependency on Tauri or any webview; every public type is plain data;
//! - AWS SDK types stay inside this crate: callers get [`functions::FunctionSummary`]
//!   and friends, never `aws_sdk_lambda::types::*`;
//! - every fallible public function returns [`Error`], whose [`ErrorCode`] is the closed
//!   set of codes the UI and CLI branch on.

pub mod aws;
pub mod error;
pub mod functions;
pub mod keystore;
pub mod pacing;
pub mod profiles;
pub mod secrets;
pub mod store;
pub mod sync;
pub mod timestamps;

pub use error::{Error, ErrorCode, ErrorPayload, FieldError};
