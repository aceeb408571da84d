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

use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};

use crate::Error;

/// The error of a missing function, as every write names it.
pub(crate) fn no_such_function(function_name: &str) -> Error {
    Error::NotFound(format!("There is no function named \"{function_name}\"."))
}

/// A failed Lambda call of these modules: a missing function by name, the rest by kind.
/// ResourceNotFoundException is read from the error's structured code, not its message:
/// each operation has its own error type, and this serves them all.
pub(crate) fn lambda_error<E, R>(err: SdkError<E, R>, function_name: &str, endpoint: &str) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if err.as_service_error().and_then(|e| e.code()) == Some("ResourceNotFoundException") {
        return no_such_function(function_name);
    }
    Error::from_sdk(err, endpoint)
}
