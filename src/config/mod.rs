//! Configuration editing, safely: the editable settings of a function (`types`), the
//! rules checked before anything is sent (`validate`), the diff and the three-way view of
//! a conflict (`diff`), applying with the revision the edit started from and following
//! LastUpdateStatus (`apply`), versions and aliases (`versions`), and code deploys and
//! downloads (`code`).
//!
//! Every write passes [`AwsConnection::check_writable`](crate::aws::AwsConnection::check_writable)
//! first: a read-only profile sends nothing.

pub mod apply;
#[cfg(test)]
mod apply_tests;
pub mod code;
pub mod diff;
pub mod drafts;
pub mod envfile;
pub mod types;
pub mod validate;
pub mod versions;

pub use types::*;
