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
pub mod request;
pub mod result;
pub mod types;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

pub use call::StreamChunk;
pub use request::{check_request, InvokeRequest, CLIENT_CONTEXT_LIMIT_BYTES};
pub use result::{FunctionErrorDetails, InvocationOutcome, InvocationRecord, LogLine, ReportSource};

use crate::aws::AwsConnection;
use crate::functions::FunctionDetails;
use crate::logs::groups::log_group_of;
use crate::pacing::RateLimiter;
use crate::store::{run_blocking, Store};
use crate::{timestamps, Error};

/// Runs the request and keeps it in the history. Bad input is an error and sends
/// nothing; anything AWS answered — a failed call included — is a record (its
/// `outcome` says which). Streamed chunks reach `on_chunk` as they arrive.
pub async fn invoke(
    connection: &AwsConnection,
    store: &Arc<Store>,
    request: &InvokeRequest,
    on_chunk: &mut (dyn FnMut(StreamChunk) + Send),
) -> Result<InvocationRecord, Error> {
    let checked = request::check(request)?;
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
    let log_group = log_group_of(&record.function_name, saved.as_ref());
    let account = saved
        .as_ref()
        .and_then(|details| details.configuration.as_ref())
        .and_then(|configuration| configuration.summary.function_arn.split(':').nth(4).map(str::to_owned))
        .unwrap_or_else(|| format!("profile:{}", record.scope.profile));
    let pacer = RateLimiter::for_log_reads(&account, &record.scope.region);
    // A custom endpoint is an emulator (or a proxy) whose log request ids may not be the
    // call's: there the REPORT is matched by time (ARCHITECTURE.md).
    let match_by_time = connection.summary().endpoint_url.is_some();
    let logs = connection.logs();
    match figures::request_log(&logs, &connection.endpoint_label(), &log_group, &record, match_by_time, &pacer, cancel)
        .await
    {
        Ok(found) => {
            figures::apply(&mut record, found);
            record.price(saved.as_ref());
        }
        Err(Error::Cancelled) => return Err(Error::Cancelled),
        Err(err) => {
            // Said once, and not asked again: the record keeps an empty full log.
            record.notes.push(format!("The log group {log_group} could not be read: {err}"));
            record.full_log = Some(Vec::new());
        }
    }
    let (store_for_save, saved_record) = (store.clone(), record.clone());
    run_blocking(&store_for_save, move |store| store.update_invocation(&saved_record)).await?;
    Ok(record)
}
