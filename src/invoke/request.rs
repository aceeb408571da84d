//! What the user asked to run, and the checks it passes before anything is sent.

use serde::{Deserialize, Serialize};

use crate::events::kind::InvocationKind;
use crate::events::payload::payload_to_send;
use crate::functions::names::{check_function_name, check_qualifier};
use crate::{Error, FieldError};

/// The most client context Lambda takes: "Up to 3,583 bytes of base64-encoded data"
/// (Lambda API reference, Invoke, ClientContext).
pub const CLIENT_CONTEXT_LIMIT_BYTES: usize = 3583;

/// What the user asked to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvokeRequest {
    /// A function name or ARN (a qualifier in it is taken as `qualifier`).
    pub function_name: String,
    /// A version or alias; `None` is $LATEST.
    pub qualifier: Option<String>,
    pub kind: InvocationKind,
    pub payload: String,
    /// JSON passed to the function as `context.client_context` (synchronous only).
    pub client_context: Option<String>,
    /// The saved event it came from, for the history.
    pub event_name: Option<String>,
}

/// The request, checked: nothing reaches AWS before this passes.
#[derive(Debug, Clone)]
pub(crate) struct CheckedRequest {
    pub function_name: String,
    pub qualifier: Option<String>,
    pub kind: InvocationKind,
    pub payload: String,
    /// Base64 of the client context JSON.
    pub client_context: Option<String>,
}

/// Checks every value of the request; the errors name the fields the Test tab shows.
pub fn check_request(request: &InvokeRequest) -> Result<(), Error> {
    check(request).map(|_| ())
}

pub(crate) fn check(request: &InvokeRequest) -> Result<CheckedRequest, Error> {
    let reference = check_function_name(request.function_name.trim())?;
    let mut fields = Vec::new();
    let qualifier = match (request.qualifier.as_deref().map(str::trim).filter(|q| !q.is_empty()), reference.qualifier) {
        (Some(q), _) => match check_qualifier(q) {
            Ok(()) => Some(q.to_string()),
            Err(message) => {
                fields.push(FieldError::new("qualifier", message));
                None
            }
        },
        (None, from_arn) => from_arn.map(str::to_string),
    };
    let payload = match payload_to_send(&request.payload, request.kind) {
        Ok(payload) => Some(payload),
        Err(err) => {
            fields.push(FieldError::new("payload", err.to_string()));
            None
        }
    };
    let client_context = match request.client_context.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(_) if !matches!(request.kind, InvocationKind::Request | InvocationKind::Stream) => {
            fields.push(FieldError::new(
                "client_context",
                "Lambda passes a client context only to synchronous invocations.",
            ));
            None
        }
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(_)) => {
                use base64::Engine;
                let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                if encoded.len() > CLIENT_CONTEXT_LIMIT_BYTES {
                    fields.push(FieldError::new(
                        "client_context",
                        format!(
                            "The client context is {} bytes in base64; Lambda takes at most {CLIENT_CONTEXT_LIMIT_BYTES}.",
                            encoded.len()
                        ),
                    ));
                }
                Some(encoded)
            }
            _ => {
                fields.push(FieldError::new("client_context", "The client context must be a JSON object."));
                None
            }
        },
    };
    if !fields.is_empty() {
        return Err(Error::InvalidFields(fields));
    }
    Ok(CheckedRequest {
        function_name: reference.name.to_string(),
        qualifier,
        kind: request.kind,
        payload: payload.unwrap_or_default(),
        client_context,
    })
}
