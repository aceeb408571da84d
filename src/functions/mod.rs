//! Lambda functions: the list of a profile and region (refreshed by `sync`), the details
//! of one function (`details`), and the names users type (`names`).
//!
//! `types` holds the plain structs that cross IPC and that store/functions.rs keeps; the
//! rest of this module talks to AWS and never holds SQL.

pub mod details;
mod from_sdk;
pub mod names;
pub mod sync;
pub mod types;

pub use names::{check_function_name, console_url};
pub use types::*;
