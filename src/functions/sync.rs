//! Refreshing the saved function list: ⌈N/50⌉ paced ListFunctions calls and nothing per
//! function, progress as it goes, cancellable, and an atomic replace of the snapshot.

use std::sync::Arc;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::types::FunctionSummary;
use crate::aws::AwsConnection;
use crate::pacing::{Backoff, RateLimiter};
use crate::scope::Scope;
use crate::store::functions::SyncRecord;
use crate::store::{run_blocking, Store};
use crate::Error;

/// Progress of a running refresh, streamed to the UI as it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    /// A page arrived: `pages` so far, holding `functions` functions in all.
    Page { pages: u32, functions: u32 },
    /// AWS throttled the request; it is retried after `retry_in_ms`.
    Throttled { retry_in_ms: u32, retry: u32 },
}

/// What the UI shows for a scope: the saved list (empty when none), when it was fetched
/// and how the last sync went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionListView {
    pub scope: Scope,
    /// The saved functions by name: all of them, or the first ones when only the head
    /// was asked for.
    pub functions: Vec<FunctionSummary>,
    /// How many functions the saved list holds.
    pub total: u32,
    /// When the list was fetched; `None` when this scope was never synced.
    pub fetched_at: Option<String>,
    pub last_sync: Option<SyncRecord>,
}

impl FunctionListView {
    /// The saved list of `scope`, or its first `limit` functions, from the store alone.
    pub fn load(store: &Store, scope: &Scope, limit: Option<u32>) -> Result<Self, Error> {
        let cached = match limit {
            Some(limit) => store.load_function_list_head(scope, limit)?,
            None => store.load_function_list(scope)?,
        };
        let total = match (&cached, limit) {
            (Some(list), None) => list.functions.len() as u32,
            _ => store.count_functions(scope)?,
        };
        let last_sync = store.last_sync(scope)?;
        let (functions, fetched_at) = match cached {
            Some(list) => (list.functions, Some(list.fetched_at)),
            None => (Vec::new(), None),
        };
        Ok(FunctionListView { scope: scope.clone(), functions, total, fetched_at, last_sync })
    }
}

/// [`FunctionListView::load`] on the blocking pool (for async callers).
pub async fn load_view(store: &Arc<Store>, scope: &Scope, limit: Option<u32>) -> Result<FunctionListView, Error> {
    let scope = scope.clone();
    run_blocking(store, move |store| FunctionListView::load(store, &scope, limit)).await
}

/// Refreshes the saved list of the connection's scope and returns it as the UI shows it.
/// On success the new snapshot has replaced the old one; on failure or cancellation (up
/// to the moment the snapshot is written) the old one is untouched and the sync is
/// recorded with its outcome.
pub async fn refresh_function_list(
    connection: &AwsConnection,
    store: &Arc<Store>,
    progress: &(dyn Fn(SyncEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<FunctionListView, Error> {
    let scope = connection.scope();
    let pacer = RateLimiter::for_scope(&scope);
    let sync_id = run_blocking(store, {
        let scope = scope.clone();
        move |store| store.begin_sync(&scope)
    })
    .await?;
    let fetched = fetch_all_pages(
        &connection.lambda(),
        &connection.endpoint_label(),
        &pacer,
        Backoff::default(),
        progress,
        cancel,
    )
    .await;
    match fetched {
        Ok(pages) => {
            let cancel = cancel.clone();
            run_blocking(store, move |store| {
                // Checked where the snapshot is written: a refresh cancelled after its last
                // page (the window switched, local data is being cleared) writes nothing.
                if cancel.is_cancelled() {
                    let (count, pages) = (pages.functions.len() as u32, pages.pages);
                    store.end_sync_without_snapshot(sync_id, pages, count, &Error::Cancelled)?;
                    return Err(Error::Cancelled);
                }
                let list = store.replace_function_list(&scope, sync_id, &pages.functions, pages.pages)?;
                Ok(FunctionListView {
                    last_sync: store.last_sync(&scope)?,
                    total: list.functions.len() as u32,
                    functions: list.functions,
                    fetched_at: Some(list.fetched_at),
                    scope,
                })
            })
            .await
        }
        Err((err, partial)) => {
            let err = connection.explain(err).await;
            let recorded = err.clone();
            run_blocking(store, move |store| {
                store.end_sync_without_snapshot(sync_id, partial.pages, partial.functions.len() as u32, &recorded)
            })
            .await?;
            Err(err)
        }
    }
}

/// The functions of every page and how many pages they took.
#[derive(Debug, Default)]
pub struct FetchedPages {
    pub functions: Vec<FunctionSummary>,
    pub pages: u32,
}

/// Every ListFunctions page, each call paced by `pacer`. A throttled page is retried at
/// the same marker (so the pages before it are not fetched again), which is why this
/// walks `NextMarker` itself instead of using the SDK's paginator. On error, returns
/// what was fetched so far with it.
pub async fn fetch_all_pages(
    client: &aws_sdk_lambda::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    backoff: Backoff,
    progress: &(dyn Fn(SyncEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<FetchedPages, (Error, FetchedPages)> {
    let mut fetched = FetchedPages::default();
    let mut marker: Option<String> = None;
    let mut retry = 0;
    loop {
        tokio::select! {
            biased; // a cancelled refresh sends nothing more
            _ = cancel.cancelled() => return Err((Error::Cancelled, fetched)),
            _ = pacer.acquire() => {}
        }
        let request = client.list_functions().max_items(50).set_marker(marker.clone()).send();
        let response = tokio::select! {
            biased; // a cancelled refresh sends nothing more
            _ = cancel.cancelled() => return Err((Error::Cancelled, fetched)),
            response = request => response.map_err(|err| {
                if err.as_service_error().is_some_and(|e| e.is_too_many_requests_exception()) {
                    Error::Throttled("ListFunctions: too many requests".into())
                } else {
                    Error::from_sdk(err, endpoint)
                }
            }),
        };
        match response {
            Ok(page) => {
                retry = 0;
                fetched.pages += 1;
                fetched.functions.extend(page.functions.unwrap_or_default().into_iter().map(FunctionSummary::from));
                progress(SyncEvent::Page { pages: fetched.pages, functions: fetched.functions.len() as u32 });
                marker = page.next_marker.filter(|m| !m.is_empty());
                if marker.is_none() {
                    return Ok(fetched);
                }
            }
            Err(Error::Throttled(detail)) => {
                let Some(delay) = backoff.delay(retry) else { return Err((Error::Throttled(detail), fetched)) };
                retry += 1;
                progress(SyncEvent::Throttled { retry_in_ms: delay.as_millis() as u32, retry });
                tokio::select! {
                    biased;
                    _ = cancel.cancelled() => return Err((Error::Cancelled, fetched)),
                    _ = tokio::time::sleep(delay) => {}
                }
            }
            Err(err) => return Err((err, fetched)),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use crate::ErrorCode;
    use aws_sdk_lambda::operation::list_functions::{ListFunctionsError, ListFunctionsOutput};
    use aws_sdk_lambda::types::error::TooManyRequestsException;
    use aws_sdk_lambda::types::FunctionConfiguration;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn page(names: &[&str], next: Option<&str>) -> ListFunctionsOutput {
        let mut output = ListFunctionsOutput::builder();
        for name in names {
            output = output.functions(FunctionConfiguration::builder().function_name(*name).build());
        }
        output.set_next_marker(next.map(str::to_string)).build()
    }

    fn throttled() -> ListFunctionsError {
        ListFunctionsError::TooManyRequestsException(
            TooManyRequestsException::builder().message("Rate exceeded").build(),
        )
    }

    fn quick_backoff(max_retries: u32) -> Backoff {
        Backoff { base: Duration::from_millis(1), cap: Duration::from_millis(2), max_retries }
    }

    fn recorder() -> (Arc<Mutex<Vec<SyncEvent>>>, impl Fn(SyncEvent) + Send + Sync) {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        (events, move |event| sink.lock().unwrap().push(event))
    }

    #[tokio::test]
    async fn a_throttled_page_is_retried_at_its_marker_with_progress() {
        let first = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| page(&["a", "b"], Some("m1")));
        // The second page is throttled (as often as the SDK's own attempts), then served.
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .sequence()
            .error(throttled)
            .times(3)
            .output(|| page(&["c"], Some("m2")))
            .build();
        let third = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m2"))
            .then_output(|| page(&["d"], None));
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&first, &second, &third]);
        let (events, sink) = recorder();

        let fetched = fetch_all_pages(
            &client,
            "test",
            &RateLimiter::new(1000.0, 10.0),
            quick_backoff(5),
            &sink,
            &CancellationToken::new(),
        )
        .await
        .unwrap();

        let names: Vec<_> = fetched.functions.iter().map(|f| f.function_name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(fetched.pages, 3);
        assert_eq!(first.num_calls(), 1, "the first page is not fetched again");
        let events = events.lock().unwrap();
        assert!(events.iter().any(|e| matches!(e, SyncEvent::Throttled { .. })), "{events:?}");
        assert_eq!(events.last(), Some(&SyncEvent::Page { pages: 3, functions: 4 }));
    }

    #[tokio::test]
    async fn throttling_past_the_retries_fails_with_what_was_fetched() {
        let first = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| page(&["a"], Some("m1")));
        let always_throttled = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .then_error(throttled);
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&first, &always_throttled]);

        let (err, partial) = fetch_all_pages(
            &client,
            "test",
            &RateLimiter::new(1000.0, 10.0),
            quick_backoff(2),
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap_err();

        assert_eq!(err.code(), ErrorCode::Throttled);
        assert_eq!((partial.pages, partial.functions.len()), (1, 1));
    }

    #[tokio::test]
    async fn a_cancelled_refresh_stops_before_the_next_page() {
        let cancel = CancellationToken::new();
        let first = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| page(&["a"], Some("m1")));
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .then_output(|| page(&["b"], None));
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&first, &second]);
        let cancel_after_first_page = {
            let cancel = cancel.clone();
            move |_: SyncEvent| cancel.cancel()
        };

        let (err, partial) = fetch_all_pages(
            &client,
            "test",
            &RateLimiter::new(1000.0, 10.0),
            quick_backoff(2),
            &cancel_after_first_page,
            &cancel,
        )
        .await
        .unwrap_err();

        assert_eq!(err.code(), ErrorCode::Cancelled);
        assert_eq!(partial.pages, 1);
        assert_eq!(second.num_calls(), 0);
    }
}
