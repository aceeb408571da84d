//! Invoking a function and reading what happened: the payload, the function's error, the
//! REPORT figures and what the invocation cost, kept in the history.
//!
//! The payload is returned as soon as the call answers ([`invoke`]); the figures come
//! from the 4 KB log tail when it has a REPORT line, and otherwise from the function's
//! log group ([`fill_in_figures`]), where they arrive a moment later.

mod call;
pub mod compare;
mod figures;
pub mod history;
pub mod pricing;
pub mod result;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

pub use call::StreamChunk;
pub use result::{FunctionErrorDetails, InvocationOutcome, InvocationRecord, LogLine, ReportSource};

use crate::aws::AwsConnection;
use crate::events::library::InvocationKind;
use crate::events::payload::payload_to_send;
use crate::functions::names::check_function_name;
use crate::functions::FunctionDetails;
use crate::store::{run_blocking, Store};
use crate::{timestamps, Error, FieldError};

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

fn check(request: &InvokeRequest) -> Result<CheckedRequest, Error> {
    let reference = check_function_name(request.function_name.trim())?;
    let mut fields = Vec::new();
    let qualifier = match (request.qualifier.as_deref().map(str::trim).filter(|q| !q.is_empty()), reference.qualifier) {
        (Some(q), _) if check_function_name(&format!("f:{q}")).is_err() => {
            fields.push(FieldError::new("qualifier", format!("\"{q}\" is not a version or alias name.")));
            None
        }
        (Some(q), _) => Some(q.to_string()),
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

/// Runs the request and keeps it in the history. Bad input is an error and sends
/// nothing; anything AWS answered — a failed call included — is a record (its
/// `outcome` says which). Streamed chunks reach `on_chunk` as they arrive.
pub async fn invoke(
    connection: &AwsConnection,
    store: &Arc<Store>,
    request: &InvokeRequest,
    on_chunk: &mut (dyn FnMut(StreamChunk) + Send),
) -> Result<InvocationRecord, Error> {
    let checked = check(request)?;
    let scope = connection.scope();
    let saved = FunctionDetails::load_saved(store, &scope, &checked.function_name).await.ok().flatten();
    let started_at = timestamps::now();
    let clock = std::time::Instant::now();
    let answer = call::run(&connection.lambda(), &connection.endpoint_label(), &checked, on_chunk).await;
    let round_trip_ms = clock.elapsed().as_secs_f64() * 1000.0;
    let answer = match answer {
        Err(err) => Err(connection.explain(err).await),
        Ok(answer) => Ok(answer),
    };
    let mut record = InvocationRecord::new(request, &checked, scope, started_at, round_trip_ms, answer);
    record.price(saved.as_ref());
    let id = history::save(store, &record).await?;
    record.id = id;
    Ok(record)
}

/// Completes a record's figures (and its full log) from the function's log group when
/// the tail had no REPORT line, polling for a bounded time while the log arrives; saves
/// and returns the record. A record that has them, or cannot have them (async, dry run,
/// failed call), comes back as it is.
pub async fn fill_in_figures(
    connection: &AwsConnection,
    store: &Arc<Store>,
    id: u32,
    cancel: &CancellationToken,
) -> Result<InvocationRecord, Error> {
    let mut record = history::get(store, &connection.scope(), id).await?;
    if !record.expects_log() || record.full_log.is_some() {
        return Ok(record);
    }
    let saved = FunctionDetails::load_saved(store, &connection.scope(), &record.function_name).await.ok().flatten();
    let log_group = figures::log_group_of(&record.function_name, saved.as_ref());
    match figures::request_log(&connection.logs(), &connection.endpoint_label(), &log_group, &record, cancel).await {
        Ok(found) => {
            record.apply_request_log(found);
            record.price(saved.as_ref());
        }
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(err) => record.notes.push(format!("The log group {log_group} could not be read: {err}")),
    }
    let (store_for_save, saved_record) = (store.clone(), record.clone());
    run_blocking(&store_for_save, move |store| store.update_invocation(&saved_record)).await?;
    Ok(record)
}
