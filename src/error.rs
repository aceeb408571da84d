//! The one error type of the core and its IPC shape `{ code, message }`.
//!
//! AWS failures are classified here, once, from the SDK's structured error metadata
//! (error codes and dispatch-failure kinds), never from message text.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;
use serde::{Deserialize, Serialize};

/// Everything that can go wrong in the core, worded for the person who will read it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// Something the user typed or passed is not acceptable; nothing was sent.
    #[error("{0}")]
    InvalidInput(String),
    /// Form values that are not acceptable, each named by its field; nothing was saved.
    #[error("{}", .0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "))]
    InvalidFields(Vec<FieldError>),
    /// There is no Secret Service (or other OS keyring) to keep keys in.
    #[error("No system keyring is available. Use an AWS CLI profile instead, or start a keyring (GNOME Keyring, KWallet) and retry.")]
    KeyringUnavailable,
    /// The keyring exists but is locked, or its unlock prompt was dismissed.
    #[error("The keyring is locked (or its unlock prompt was dismissed). Unlock it and retry.")]
    KeyringLocked,
    /// The profile's keyring entry is gone (removed outside the app, or never written).
    #[error("The keys of profile \"{0}\" are not in the keyring: enter them again.")]
    KeysMissing(String),
    /// The profile, region or endpoint cannot be used as configured.
    #[error("{0}")]
    Configuration(String),
    /// The endpoint could not be reached (offline, DNS, refused, timed out).
    #[error("Cannot reach AWS at {endpoint}: {detail}. Check the network (or the endpoint URL) and retry.")]
    Network { endpoint: String, detail: String },
    /// AWS refused the request because of the request rate.
    #[error("AWS is throttling requests ({0}). Wait a moment and retry.")]
    Throttled(String),
    /// Missing, invalid or expired credentials.
    #[error("The credentials were not accepted: {0}")]
    Credentials(String),
    /// Authenticated, but not allowed.
    #[error("Access denied: {0}")]
    AccessDenied(String),
    /// The named resource (a function) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Any other error answered by the AWS service.
    #[error("AWS returned an error: {0}")]
    Service(String),
    /// The user cancelled the operation (a refresh); nothing was changed.
    #[error("Cancelled.")]
    Cancelled,
    /// The profile is marked read-only: no write call is sent with it.
    #[error("Profile \"{0}\" is read-only: Lambda Deck sends no changes with it. Clear \"Read-only\" in Settings → Profiles (or `ldeck profile edit {0} --read-write`) to edit.")]
    ReadOnlyProfile(String),
    /// A bug or an unexpected state inside Lambda Deck.
    #[error("Internal error: {0}")]
    Internal(String),
}

/// The closed set of error codes crossing IPC and shown by the CLI. The UI branches on
/// these (retry for `network`/`throttled`, "fix credentials" for `credentials`, …), so add
/// a variant only when a consumer needs to tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    KeyringUnavailable,
    KeyringLocked,
    KeysMissing,
    Configuration,
    Network,
    Throttled,
    Credentials,
    AccessDenied,
    /// The function no longer exists (the list shows a stale row until the next sync).
    NotFound,
    Service,
    /// A refresh the user cancelled: not shown as a failure.
    Cancelled,
    /// A write refused because the profile is read-only: editing shows as locked.
    ReadOnly,
    Internal,
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorPayload {
    pub code: ErrorCode,
    pub message: String,
    /// For `invalid_input` from a form: which fields are wrong, to show next to them.
    pub fields: Vec<FieldError>,
}

/// One form field that is not acceptable, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldError {
    /// The field's name as the form knows it (`name`, `region`, `access_key_id`, …).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_string(), message: message.into() }
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput(_) | Error::InvalidFields(_) => ErrorCode::InvalidInput,
            Error::KeyringUnavailable => ErrorCode::KeyringUnavailable,
            Error::KeyringLocked => ErrorCode::KeyringLocked,
            Error::KeysMissing(_) => ErrorCode::KeysMissing,
            Error::Configuration(_) => ErrorCode::Configuration,
            Error::Network { .. } => ErrorCode::Network,
            Error::Throttled(_) => ErrorCode::Throttled,
            Error::Credentials(_) => ErrorCode::Credentials,
            Error::AccessDenied(_) => ErrorCode::AccessDenied,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Service(_) => ErrorCode::Service,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::ReadOnlyProfile(_) => ErrorCode::ReadOnly,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn to_payload(&self) -> ErrorPayload {
        let fields = match self {
            Error::InvalidFields(fields) => fields.clone(),
            _ => Vec::new(),
        };
        ErrorPayload { code: self.code(), message: self.to_string(), fields }
    }

    /// Classifies a failed SDK call. `endpoint` names where the call went, for the
    /// network message. Callers check operation-specific `is_*` variants first.
    pub fn from_sdk<E, R>(err: SdkError<E, R>, endpoint: &str) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match err {
            SdkError::DispatchFailure(failure) => {
                let cause = failure.as_connector_error().map(|e| e as &(dyn std::error::Error + 'static));
                if failure.is_io() || failure.is_timeout() {
                    Error::Network { endpoint: endpoint.to_string(), detail: innermost_cause(cause) }
                } else if cause.is_some_and(caused_by_credentials) {
                    // Identity resolution (no or unusable credentials) fails at dispatch too.
                    Error::Credentials(innermost_cause(cause))
                } else {
                    Error::Network {
                        endpoint: endpoint.to_string(),
                        detail: cause
                            .map_or_else(|| "dispatch failed".to_string(), |e| DisplayErrorContext(e).to_string()),
                    }
                }
            }
            SdkError::TimeoutError(_) => {
                Error::Network { endpoint: endpoint.to_string(), detail: "the request timed out".to_string() }
            }
            SdkError::ServiceError(service) => {
                let err = service.into_err();
                classify_service_error(err.code(), err.message(), &DisplayErrorContext(&err).to_string())
            }
            other => Error::Internal(DisplayErrorContext(&other).to_string()),
        }
    }
}

/// Maps an AWS error code (the structured `code` of the response) to an error kind.
pub(crate) fn classify_service_error(code: Option<&str>, message: Option<&str>, fallback: &str) -> Error {
    let text = match (code, message) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        _ => fallback.to_string(),
    };
    match code.unwrap_or_default() {
        "ThrottlingException" | "TooManyRequestsException" | "Throttling" | "RequestLimitExceeded" => {
            Error::Throttled(text)
        }
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "ExpiredTokenException"
        | "ExpiredToken"
        | "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "MissingAuthenticationToken" => Error::Credentials(text),
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => Error::AccessDenied(text),
        _ => Error::Service(text),
    }
}

/// True when a credentials provider's error is somewhere in the source chain.
fn caused_by_credentials(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(err) = current {
        if err.downcast_ref::<CredentialsError>().is_some() {
            return true;
        }
        current = err.source();
    }
    false
}

fn innermost_cause(err: Option<&(dyn std::error::Error + 'static)>) -> String {
    let Some(mut current) = err else { return "connection failed".to_string() };
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_codes_become_throttled() {
        let err = classify_service_error(Some("TooManyRequestsException"), Some("Rate exceeded"), "");
        assert_eq!(err.code(), ErrorCode::Throttled);
        assert!(err.to_string().contains("Rate exceeded"), "{err}");
    }

    #[test]
    fn signature_and_expiry_codes_become_credentials() {
        for code in ["UnrecognizedClientException", "ExpiredTokenException", "InvalidSignatureException"] {
            assert_eq!(classify_service_error(Some(code), None, "").code(), ErrorCode::Credentials, "{code}");
        }
    }

    #[test]
    fn unknown_codes_stay_service_errors_with_their_text() {
        let err = classify_service_error(Some("KMSAccessDeniedException2"), Some("odd"), "");
        assert_eq!(err.code(), ErrorCode::Service);
        assert_eq!(err.to_string(), "AWS returned an error: KMSAccessDeniedException2: odd");
    }

    #[test]
    fn payload_serializes_as_code_and_message() {
        let payload = Error::Throttled("slow down".into()).to_payload();
        let json = serde_json::to_value(&payload).unwrap();
        assert_eq!(json["code"], "throttled");
        assert_eq!(json["message"], "AWS is throttling requests (slow down). Wait a moment and retry.");
    }
}
