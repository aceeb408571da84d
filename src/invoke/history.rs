//! Every invocation, kept per function and bounded: the oldest are pruned past a count
//! the user sets (Settings, `ldeck`), 100 by default.

use std::sync::Arc;

use super::compare::Comparison;
use super::types::{InvocationOutcome, InvocationRecord};
use crate::functions::names::check_function_name;
use crate::scope::Scope;
use crate::store::{run_blocking, Store};
use crate::Error;

/// The setting that holds how many invocations are kept per function.
pub const HISTORY_LIMIT_SETTING: &str = "invocation_history_limit";
pub const DEFAULT_HISTORY_LIMIT: u32 = 100;
/// Bounds of the setting: at least one (the last result), at most enough to compare a
/// day of work without the store growing without end.
pub const HISTORY_LIMIT_RANGE: std::ops::RangeInclusive<u32> = 1..=10_000;

pub async fn save(store: &Arc<Store>, record: &InvocationRecord) -> Result<u32, Error> {
    let record = record.clone();
    run_blocking(store, move |store| {
        let keep = limit_in(store)?;
        store.insert_invocation(&record, keep)
    })
    .await
}

pub async fn get(store: &Arc<Store>, scope: &Scope, id: u32) -> Result<InvocationRecord, Error> {
    let scope = scope.clone();
    run_blocking(store, move |store| {
        store
            .load_invocation(&scope, id)?
            .ok_or_else(|| Error::NotFound(format!("Invocation {id} is not in the history (it may have been pruned).")))
    })
    .await
}

/// Every kept invocation of a function, newest first, optionally of one outcome.
pub async fn list(
    store: &Arc<Store>,
    scope: &Scope,
    function_name: &str,
    outcome: Option<InvocationOutcome>,
) -> Result<Vec<InvocationRecord>, Error> {
    let function_name = check_function_name(function_name)?.name.to_string();
    let scope = scope.clone();
    run_blocking(store, move |store| {
        let keep = limit_in(store)?;
        store.list_invocations(&scope, &function_name, outcome, keep)
    })
    .await
}

/// Two kept invocations side by side, `before` first.
pub async fn compare(store: &Arc<Store>, scope: &Scope, before: u32, after: u32) -> Result<Comparison, Error> {
    let older = get(store, scope, before).await?;
    let newer = get(store, scope, after).await?;
    Ok(super::compare::compare(&older, &newer))
}

pub async fn limit(store: &Arc<Store>) -> Result<u32, Error> {
    run_blocking(store, limit_in).await
}

/// Sets how many invocations are kept per function (pruned on the next invocation).
pub async fn set_limit(store: &Arc<Store>, keep: u32) -> Result<(), Error> {
    if !HISTORY_LIMIT_RANGE.contains(&keep) {
        return Err(Error::InvalidFields(vec![crate::FieldError::new(
            "history_limit",
            format!(
                "Keep between {} and {} invocations per function.",
                HISTORY_LIMIT_RANGE.start(),
                HISTORY_LIMIT_RANGE.end()
            ),
        )]));
    }
    run_blocking(store, move |store| store.set_setting(HISTORY_LIMIT_SETTING, Some(&keep.to_string()))).await
}

fn limit_in(store: &Store) -> Result<u32, Error> {
    Ok(store
        .setting(HISTORY_LIMIT_SETTING)?
        .and_then(|value| value.parse().ok())
        .filter(|keep| HISTORY_LIMIT_RANGE.contains(keep))
        .unwrap_or(DEFAULT_HISTORY_LIMIT))
}
