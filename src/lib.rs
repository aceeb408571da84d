//! Lambda Deck core: everything the desktop app and the `ldeck` CLI do, without a UI.
//!
//! Invariants (see ARCHITECTURE.md):
//! - no dependency on Tauri or any webview; every public type is plain data;
//! - AWS SDK types stay inside this crate: callers get [`functions::FunctionSummary`]
//!   and friends, never `aws_sdk_lambda::types::*`;
//! - every fallible public function returns [`Error`], whose [`ErrorCode`] is the closed
//!   set of codes the UI and CLI branch on;
//! - dependencies point one way: `session` → capabilities (`profiles`, `functions`) →
//!   `store` and `aws` → leaves (`scope`, `error`, `pacing`, `pricing`, `secrets`,
//!   `timestamps`);
//!   no file imports one that imports it back (tests/module_graph.rs).

pub mod aws;
pub mod config;
pub mod error;
pub mod events;
pub mod functions;
pub mod invoke;
pub mod keystore;
pub mod logs;
pub mod metrics;
pub mod pacing;
pub mod preferences;
pub mod pricing;
pub mod profiles;
pub mod scope;
pub mod secrets;
pub mod session;
pub mod store;
pub mod timestamps;

pub use error::{Error, ErrorCode, ErrorPayload, FieldError};
pub use scope::Scope;
