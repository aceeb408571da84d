//! The one place long-running, Channel-backed work of a window is started, listed and
//! cancelled: list and details refreshes, invocations and their figures, log tails; update
//! waits later.
//! Each stream belongs to the window that started it, so closing (or switching) that
//! window cancels everything it started and nothing of the others.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use lambda_deck::timestamps;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

/// What a stream does; a window runs at most one stream of an exclusive kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum StreamKind {
    /// `refresh_functions`: one at a time per window, a new one replaces the old.
    FunctionListRefresh,
    /// `refresh_function_details`: only the selected function's details matter.
    FunctionDetailsRefresh,
    /// `invoke_function`: a call in flight (its streamed chunks too); `cancel_invocation`
    /// stops waiting for it (the function itself runs on in AWS).
    Invocation,
    /// `invocation_figures`: reading an invocation's REPORT from its log group.
    InvocationFigures,
    /// `start_tail`: a tail window's tail; a new one (another filter) replaces it.
    Tail,
    /// `read_charts` of a Monitor tab: only the newest range or function matters.
    MonitorRead,
    /// `read_charts` of a comparison: only the newest choice matters.
    CompareRead,
    /// `refresh_trends`: the list's sparklines; a scroll asks again for the rows in view.
    TrendsRefresh,
}

impl StreamKind {
    /// The kinds that write saved data: stopped before local data is cleared.
    pub const WRITING_TO_THE_STORE: &'static [StreamKind] = &[
        StreamKind::FunctionListRefresh,
        StreamKind::FunctionDetailsRefresh,
        StreamKind::Invocation,
        StreamKind::InvocationFigures,
        StreamKind::MonitorRead,
        StreamKind::CompareRead,
        StreamKind::TrendsRefresh,
    ];

    fn exclusive(self) -> bool {
        match self {
            StreamKind::FunctionListRefresh
            | StreamKind::FunctionDetailsRefresh
            | StreamKind::Tail
            | StreamKind::MonitorRead
            | StreamKind::CompareRead
            | StreamKind::TrendsRefresh => true,
            // Several invocations may run at once (different functions, or a re-run).
            StreamKind::Invocation | StreamKind::InvocationFigures => false,
        }
    }
}

/// How long `stop_everywhere` waits for cancelled streams to end (they stop at their next
/// step; a stream that does not is left to finish on its own).
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running stream, as `running_streams` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct StreamInfo {
    pub id: u32,
    /// The label of the window that started it.
    pub window: String,
    pub kind: StreamKind,
    pub started_at: String,
}

struct Entry {
    window: String,
    info: StreamInfo,
    cancel: CancellationToken,
    /// Cancelled when the stream has ended (its registration dropped).
    ended: CancellationToken,
}

/// Every running stream of the app, by id.
#[derive(Default)]
pub struct StreamRegistry {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    next_id: u32,
    streams: HashMap<u32, Entry>,
}

impl StreamRegistry {
    /// Runs `work` as a stream of `window`, handing it the token that cancels it. An
    /// exclusive kind first cancels the window's running stream of that kind. The stream
    /// is listed until `work` ends, however it ends (also when its future is dropped).
    pub async fn run<F, T>(&self, window: &str, kind: StreamKind, work: impl FnOnce(CancellationToken) -> F) -> T
    where
        F: Future<Output = T>,
    {
        let registration = self.register(window, kind);
        work(registration.cancel.clone()).await
    }

    fn register(&self, window: &str, kind: StreamKind) -> Registration {
        let mut inner = self.lock();
        if kind.exclusive() {
            for entry in inner.streams.values().filter(|e| e.window == window && e.info.kind == kind) {
                entry.cancel.cancel();
            }
        }
        inner.next_id += 1;
        let id = inner.next_id;
        let (cancel, ended) = (CancellationToken::new(), CancellationToken::new());
        let info = StreamInfo { id, window: window.to_string(), kind, started_at: timestamps::now() };
        let entry = Entry { window: window.to_string(), info, cancel: cancel.clone(), ended: ended.clone() };
        inner.streams.insert(id, entry);
        Registration { id, cancel, ended, registry: self.inner.clone() }
    }

    /// The window's running streams (every window's with `None`), oldest first.
    pub fn list(&self, window: Option<&str>) -> Vec<StreamInfo> {
        let mut streams: Vec<StreamInfo> = self
            .lock()
            .streams
            .values()
            .filter(|e| window.is_none_or(|w| e.window == w))
            .map(|e| e.info.clone())
            .collect();
        streams.sort_by_key(|s| s.id);
        streams
    }

    /// Cancels the window's streams of one kind.
    pub fn cancel_kind(&self, window: &str, kind: StreamKind) {
        for entry in self.lock().streams.values().filter(|e| e.window == window && e.info.kind == kind) {
            entry.cancel.cancel();
        }
    }

    /// Cancels every window's streams of these kinds and waits until they have ended, so
    /// that none writes after this returns (before the data they write is cleared).
    pub async fn stop_everywhere(&self, kinds: &[StreamKind]) {
        let ending: Vec<CancellationToken> = self
            .lock()
            .streams
            .values()
            .filter(|e| kinds.contains(&e.info.kind))
            .map(|e| {
                e.cancel.cancel();
                e.ended.clone()
            })
            .collect();
        let all_ended = async {
            for ended in &ending {
                ended.cancelled().await;
            }
        };
        let _ = tokio::time::timeout(STOP_TIMEOUT, all_ended).await;
    }

    /// Cancels everything the window started (it closed, or switched profile).
    pub fn cancel_window(&self, window: &str) {
        for entry in self.lock().streams.values().filter(|e| e.window == window) {
            entry.cancel.cancel();
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A stream's place in the registry; leaving it (the work ended or was dropped) removes it.
struct Registration {
    id: u32,
    cancel: CancellationToken,
    ended: CancellationToken,
    registry: Arc<Mutex<Inner>>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).streams.remove(&self.id);
        self.ended.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Starts a stream that waits for its cancellation and reports whether it was cancelled.
    fn waiting_stream(registry: &Arc<StreamRegistry>, window: &'static str) -> tokio::task::JoinHandle<&'static str> {
        let registry = registry.clone();
        tokio::spawn(async move {
            registry
                .run(window, StreamKind::FunctionListRefresh, |cancel| async move {
                    tokio::select! {
                        _ = cancel.cancelled() => "cancelled",
                        _ = tokio::time::sleep(Duration::from_secs(30)) => "ran out",
                    }
                })
                .await
        })
    }

    async fn until_listed(registry: &StreamRegistry, window: &str, count: usize) {
        for _ in 0..200 {
            if registry.list(Some(window)).len() == count {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{window} never had {count} streams: {:?}", registry.list(Some(window)));
    }

    #[tokio::test]
    async fn closing_a_window_cancels_what_it_started_and_nothing_else() {
        let registry = Arc::new(StreamRegistry::default());
        let tail = waiting_stream(&registry, "tail-1");
        let main = waiting_stream(&registry, "main");
        until_listed(&registry, "tail-1", 1).await;
        until_listed(&registry, "main", 1).await;

        registry.cancel_window("tail-1");

        assert_eq!(tail.await.unwrap(), "cancelled");
        assert!(registry.list(Some("tail-1")).is_empty(), "a finished stream is no longer listed");
        assert_eq!(registry.list(Some("main")).len(), 1, "the other window's stream runs on");
        registry.cancel_window("main");
        assert_eq!(main.await.unwrap(), "cancelled");
    }

    #[tokio::test]
    async fn a_new_exclusive_stream_replaces_the_running_one() {
        let registry = Arc::new(StreamRegistry::default());
        let first = waiting_stream(&registry, "main");
        until_listed(&registry, "main", 1).await;
        let second = waiting_stream(&registry, "main");

        assert_eq!(first.await.unwrap(), "cancelled");
        until_listed(&registry, "main", 1).await;
        registry.cancel_kind("other-window", StreamKind::FunctionListRefresh);
        assert_eq!(registry.list(Some("main")).len(), 1, "a window cancels only its own streams");
        registry.cancel_kind("main", StreamKind::FunctionListRefresh);
        assert_eq!(second.await.unwrap(), "cancelled");
    }

    #[tokio::test]
    async fn a_dropped_stream_leaves_the_registry() {
        let registry = Arc::new(StreamRegistry::default());
        let stream = waiting_stream(&registry, "main");
        until_listed(&registry, "main", 1).await;
        stream.abort();
        until_listed(&registry, "main", 0).await;
    }

    #[tokio::test]
    async fn stopping_everywhere_returns_once_the_streams_have_ended() {
        let registry = Arc::new(StreamRegistry::default());
        let writes = Arc::new(Mutex::new(Vec::new()));
        let mut streams = Vec::new();
        for window in ["main", "tail-1"] {
            let (registry, writes) = (registry.clone(), writes.clone());
            streams.push(tokio::spawn(async move {
                registry
                    .run(window, StreamKind::FunctionListRefresh, |cancel| async move {
                        cancel.cancelled().await;
                        // A stream that takes a moment to wind down after its cancel.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        writes.lock().unwrap().push(window);
                    })
                    .await
            }));
        }
        until_listed(&registry, "main", 1).await;
        until_listed(&registry, "tail-1", 1).await;

        registry.stop_everywhere(&[StreamKind::FunctionListRefresh]).await;

        assert_eq!(writes.lock().unwrap().len(), 2, "both had finished by then");
        assert!(registry.list(Some("main")).is_empty() && registry.list(Some("tail-1")).is_empty());
        for stream in streams {
            stream.await.unwrap();
        }
    }
}
