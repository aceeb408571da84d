//! The tail engine: Live Tail streaming with a polling fallback, any number of functions,
//! no line twice and none lost.
//!
//! A tail of N functions runs one *follower* per 10 log groups (StartLiveTail's limit);
//! their lines meet in the caller's sink, each batch in time order. A follower:
//! 1. opens a Live Tail session, then reads the interval before it with FilterLogEvents
//!    (the backfill on opening, the gap after a reconnect) — session first, so nothing
//!    written between the reading and the session is missed; the [`Deduper`] drops what
//!    both delivered;
//! 2. streams the session's updates, saying when the service sampled them;
//! 3. restarts the session before the 3-hour limit, after SessionTimeoutException, after
//!    a silence (the service sends an update every second, empty when idle) and after
//!    network loss, re-reading from a minute before the last update it received;
//! 4. falls back to polling FilterLogEvents where Live Tail is refused (AccessDenied, too
//!    many sessions, not offered) or fails three times in a row. Each poll re-reads the
//!    last minute (never from "last timestamp + 1", so late lines appear), paced by the
//!    account's log-read bucket, and a follower that fell back after failures tries Live
//!    Tail again every two minutes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::operation::start_live_tail::{StartLiveTailError, StartLiveTailOutput};
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use serde::Serialize;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::dedupe::{Deduper, RawEvent};
use super::groups::TailTarget;
use super::lines::TailLine;
use super::pattern::FilterPattern;
use super::read::{read_interval, Interval};
use crate::aws::AwsConnection;
use crate::pacing::RateLimiter;
use crate::{Error, FieldError};

/// Log groups one Live Tail session may follow (aws-facts.md).
pub const GROUPS_PER_SESSION: usize = 10;
/// How often a live session forgets the keys of lines no re-read will cover again.
const FORGET_EVERY: Duration = Duration::from_secs(10);

/// What to tail.
#[derive(Debug, Clone)]
pub struct TailSpec {
    pub targets: Vec<TailTarget>,
    pub filter: Option<FilterPattern>,
    /// How far back the window starts, so a quiet function does not open on an empty page.
    pub backfill: Duration,
    /// Skip Live Tail and poll from the start (`ldeck logs tail --poll`, and tests).
    pub polling_only: bool,
}

/// The engine's timings; tests shorten them.
#[derive(Debug, Clone)]
pub struct TailTimings {
    /// A session is restarted after this long, before the service ends it at 3 hours.
    pub restart_after: Duration,
    /// No update for this long means the connection is gone (the service sends one a second).
    pub silence_limit: Duration,
    /// Time between two polls of a follower.
    pub poll_every: Duration,
    /// How far back each poll and each re-read after a reconnect reach before the point
    /// already covered, for lines that reach CloudWatch late.
    pub overlap: Duration,
    /// Consecutive failures to open or keep a session before polling.
    pub failures_before_polling: u32,
    /// A follower polling after failures tries Live Tail again after this long.
    pub live_retry_after: Duration,
    /// How often a missing log group is looked for again.
    pub missing_group_check: Duration,
    /// Pages a re-read takes at most (10,000 events each); a longer gap is said.
    pub max_reread_pages: usize,
}

impl Default for TailTimings {
    fn default() -> Self {
        TailTimings {
            restart_after: Duration::from_secs(2 * 3600 + 50 * 60),
            silence_limit: Duration::from_secs(20),
            poll_every: Duration::from_secs(1),
            overlap: Duration::from_secs(60),
            failures_before_polling: 3,
            live_retry_after: Duration::from_secs(120),
            missing_group_check: Duration::from_secs(10),
            max_reread_pages: 20,
        }
    }
}

/// How a follower reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TailMode {
    /// Streaming with Live Tail.
    Live,
    /// Polling FilterLogEvents.
    Polling,
}

/// What the tail tells its window or terminal. `functions` are indexes into the tail's
/// list of functions (the follower's log groups).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum TailEvent {
    /// New lines, in time order.
    Lines { lines: Vec<TailLine> },
    /// A follower is streaming or polling; `reason` says why it polls.
    Mode { functions: Vec<u16>, mode: TailMode, reason: Option<String> },
    /// The service sampled an update: above 500 events a second not every line is sent.
    Sampled { functions: Vec<u16> },
    /// A session was restarted and the gap re-read.
    Reconnected { functions: Vec<u16>, reason: String, reread_from_ms: f64, reread_to_ms: f64, recovered: u32 },
    /// Something the user should know that does not stop the tail.
    Problem { functions: Vec<u16>, message: String },
}

/// The AWS side of a tail.
#[derive(Debug, Clone)]
pub struct TailClient {
    pub logs: Client,
    /// Names the endpoint in network errors.
    pub endpoint: String,
    /// The account and region's log-read bucket, shared with every other reader.
    pub pacer: Arc<RateLimiter>,
}

impl TailClient {
    /// The client for tailing `targets` (all in the connection's account and region).
    pub fn new(connection: &AwsConnection, targets: &[TailTarget]) -> Self {
        let account = targets.first().map(TailTarget::account).unwrap_or_default();
        TailClient {
            logs: connection.logs(),
            endpoint: connection.endpoint_label(),
            pacer: RateLimiter::for_log_reads(account, &connection.summary().region),
        }
    }
}

/// Runs the tail until `cancel`; every line and status goes to `sink`. Fails at once for
/// a spec that cannot run (no function, a filter pattern the service refuses).
pub async fn run_tail<S>(
    client: TailClient,
    spec: TailSpec,
    timings: TailTimings,
    sink: S,
    cancel: CancellationToken,
) -> Result<(), Error>
where
    S: Fn(TailEvent) + Send + Sync + 'static,
{
    if spec.targets.is_empty() {
        return Err(Error::InvalidInput("Name at least one function to tail.".into()));
    }
    let sink: Arc<dyn Fn(TailEvent) + Send + Sync> = Arc::new(sink);
    let sequence = Arc::new(AtomicU32::new(0));
    let indexed: Vec<(u16, TailTarget)> =
        spec.targets.iter().cloned().enumerate().map(|(i, t)| (u16::try_from(i).unwrap_or(u16::MAX), t)).collect();
    let mut followers = tokio::task::JoinSet::new();
    for chunk in indexed.chunks(GROUPS_PER_SESSION) {
        let follower = Follower {
            client: client.clone(),
            targets: chunk.to_vec(),
            filter: spec.filter.clone(),
            timings: timings.clone(),
            sink: sink.clone(),
            sequence: sequence.clone(),
            cancel: cancel.clone(),
            deduper: Deduper::new(),
            missing: Vec::new(),
        };
        let backfill_from = now_ms() - spec.backfill.as_millis() as i64;
        let polling_only = spec.polling_only;
        followers.spawn(async move { follower.run(backfill_from, polling_only).await });
    }
    let mut outcome = Ok(());
    while let Some(joined) = followers.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(err)) => {
                // One follower cannot run (a refused pattern): none can.
                cancel.cancel();
                if outcome.is_ok() {
                    outcome = Err(err);
                }
            }
            Err(join_error) => {
                cancel.cancel();
                outcome = Err(Error::Internal(format!("a tail follower stopped: {join_error}")));
            }
        }
    }
    outcome
}

/// How a Live Tail session went.
struct Streamed {
    end: SessionEnd,
    /// Wall-clock time of the last update received (what the session is known to cover).
    last_update_ms: i64,
    got_updates: bool,
}

/// Why a Live Tail session ended.
enum SessionEnd {
    Cancelled,
    /// Restart it; `failed`: Live Tail itself failed (counts towards polling), not the
    /// network or the 3-hour limit.
    Restart {
        reason: String,
        failed: bool,
    },
}

/// Why a session could not be opened.
enum OpenFailure {
    /// The service will not stream for us: poll.
    Refused(String),
    /// Log groups that do not exist yet.
    GroupMissing,
    /// A pattern the service refuses: the tail cannot run.
    Fatal(Error),
    /// Worth retrying; `network`: the service was not reached.
    Failed {
        reason: String,
        network: bool,
    },
    Cancelled,
}

struct Follower {
    client: TailClient,
    targets: Vec<(u16, TailTarget)>,
    filter: Option<FilterPattern>,
    timings: TailTimings,
    sink: Arc<dyn Fn(TailEvent) + Send + Sync>,
    sequence: Arc<AtomicU32>,
    cancel: CancellationToken,
    deduper: Deduper,
    /// Targets whose log group does not exist yet.
    missing: Vec<u16>,
}

impl Follower {
    async fn run(mut self, backfill_from: i64, polling_only: bool) -> Result<(), Error> {
        // The reading after the next session opens reaches back to here.
        let mut covered_until = backfill_from;
        // Consecutive attempts that gave no update (they space the retries out), and those
        // of them that were Live Tail's own failures rather than a lost network (they
        // lead to polling, which cannot help when the network is gone).
        let (mut attempts, mut failures) = (0u32, 0u32);
        let mut reconnect_reason: Option<String> = None;
        let mut poll_reason = polling_only.then(|| "polling was asked for".to_owned());
        loop {
            if self.cancel.is_cancelled() {
                return Ok(());
            }
            if let Some(reason) = poll_reason.take() {
                let retry_live = failures > 0;
                match self.poll(covered_until, reason, retry_live).await? {
                    None => return Ok(()),
                    Some(until) => {
                        covered_until = until;
                        (attempts, failures) = (0, 0);
                        reconnect_reason = Some("trying Live Tail again after polling".into());
                        continue;
                    }
                }
            }
            let session = match self.open_session().await {
                Ok(session) => session,
                Err(OpenFailure::Fatal(err)) => return Err(err),
                Err(OpenFailure::Cancelled) => return Ok(()),
                Err(OpenFailure::Refused(reason)) => {
                    poll_reason = Some(reason);
                    continue;
                }
                Err(OpenFailure::GroupMissing) => {
                    // Nothing to stream yet: wait for a group to appear.
                    self.wait(self.timings.missing_group_check).await;
                    continue;
                }
                Err(OpenFailure::Failed { reason, network }) => {
                    attempts += 1;
                    failures += u32::from(!network);
                    if failures >= self.timings.failures_before_polling {
                        poll_reason = Some(format!("Live Tail failed {failures} times in a row ({reason})"));
                    } else {
                        let pause = backoff(attempts);
                        self.problem(format!(
                            "Live Tail could not start ({reason}); retrying in {} s.",
                            pause.as_secs()
                        ));
                        self.wait(pause).await;
                    }
                    continue;
                }
            };
            self.deduper.begin_live_session();
            // The session is open: read what came before it.
            let reread_to = now_ms();
            let reread = self.reread(covered_until, reread_to).await;
            let recovered = match &reread {
                Ok(recovered) => *recovered,
                Err(err @ (Error::InvalidInput(_) | Error::InvalidFields(_))) => return Err(err.clone()),
                Err(err) => {
                    self.problem(format!("The lines before {} could not be read: {err}", describe_ms(reread_to)));
                    0
                }
            };
            if let Some(reason) = reconnect_reason.take() {
                self.emit(TailEvent::Reconnected {
                    functions: self.functions(),
                    reason,
                    reread_from_ms: covered_until as f64,
                    reread_to_ms: reread_to as f64,
                    recovered,
                });
            }
            self.emit(TailEvent::Mode { functions: self.functions(), mode: TailMode::Live, reason: None });
            let streamed = self.stream(session, reread_to).await;
            if reread.is_ok() {
                // Else the next re-read starts where this one should have.
                covered_until = streamed.last_update_ms - self.timings.overlap.as_millis() as i64;
            }
            self.deduper.forget_before(covered_until - self.timings.overlap.as_millis() as i64);
            match streamed.end {
                SessionEnd::Cancelled => return Ok(()),
                SessionEnd::Restart { reason, failed } => {
                    if streamed.got_updates {
                        (attempts, failures) = (0, 0);
                    }
                    if failed || !streamed.got_updates {
                        attempts += 1;
                        failures += 1;
                    }
                    if failures >= self.timings.failures_before_polling {
                        poll_reason = Some(format!("Live Tail failed {failures} times in a row ({reason})"));
                    } else if attempts > 0 {
                        self.wait(backoff(attempts)).await;
                    }
                    reconnect_reason = Some(reason);
                }
            }
        }
    }

    fn functions(&self) -> Vec<u16> {
        self.targets.iter().map(|(index, _)| *index).filter(|index| !self.missing.contains(index)).collect()
    }

    fn emit(&self, event: TailEvent) {
        (self.sink)(event);
    }

    fn problem(&self, message: String) {
        self.emit(TailEvent::Problem { functions: self.targets.iter().map(|(i, _)| *i).collect(), message });
    }

    async fn wait(&self, pause: Duration) {
        tokio::select! {
            _ = self.cancel.cancelled() => {}
            _ = tokio::time::sleep(pause) => {}
        }
    }

    fn present_targets(&self) -> impl Iterator<Item = &(u16, TailTarget)> {
        self.targets.iter().filter(|(index, _)| !self.missing.contains(index))
    }

    async fn open_session(&mut self) -> Result<StartLiveTailOutput, OpenFailure> {
        loop {
            let arns: Vec<String> = self.present_targets().map(|(_, t)| t.log_group_arn.clone()).collect();
            if arns.is_empty() {
                if self.check_missing_groups().await {
                    continue;
                }
                return Err(OpenFailure::GroupMissing);
            }
            let request = self
                .client
                .logs
                .start_live_tail()
                .set_log_group_identifiers(Some(arns))
                .set_log_event_filter_pattern(self.filter.as_ref().map(|p| p.as_str().to_owned()));
            let answer = tokio::select! {
                _ = self.cancel.cancelled() => return Err(OpenFailure::Cancelled),
                answer = request.send() => answer,
            };
            match answer {
                Ok(session) => return Ok(session),
                Err(err) => match self.classify_open_error(err) {
                    OpenFailure::GroupMissing => {
                        // Find which groups are missing and open with the others.
                        if !self.mark_missing_groups().await {
                            let reason = "a log group was not found".into();
                            return Err(OpenFailure::Failed { reason, network: false });
                        }
                    }
                    other => return Err(other),
                },
            }
        }
    }

    fn classify_open_error(
        &self,
        err: SdkError<StartLiveTailError, aws_smithy_runtime_api::http::Response>,
    ) -> OpenFailure {
        let Some(service) = err.as_service_error() else {
            let network = matches!(err, SdkError::DispatchFailure(_) | SdkError::TimeoutError(_));
            return OpenFailure::Failed { reason: Error::from_sdk(err, &self.client.endpoint).to_string(), network };
        };
        let message = service.meta().message().unwrap_or_default().to_owned();
        if service.is_resource_not_found_exception() {
            OpenFailure::GroupMissing
        } else if service.is_invalid_parameter_exception() && self.filter.is_some() {
            let refusal = format!("CloudWatch Logs refused it: {message}");
            OpenFailure::Fatal(Error::InvalidFields(vec![FieldError::new("filter", refusal)]))
        } else if service.is_access_denied_exception() {
            OpenFailure::Refused(format!("Live Tail is not allowed for these credentials ({message})"))
        } else if service.is_limit_exceeded_exception() {
            OpenFailure::Refused(format!("the account has too many Live Tail sessions open ({message})"))
        } else if matches!(
            service.meta().code(),
            Some("UnknownOperationException" | "InvalidAction" | "UnsupportedOperation")
        ) {
            OpenFailure::Refused(format!("Live Tail is not offered here ({message})"))
        } else {
            OpenFailure::Failed { reason: Error::from_sdk(err, &self.client.endpoint).to_string(), network: false }
        }
    }

    /// Looks up which log groups exist; `false` when all of them do (the refusal was
    /// about something else).
    async fn mark_missing_groups(&mut self) -> bool {
        let mut found_missing = false;
        for (index, target) in self.targets.clone() {
            if self.missing.contains(&index) {
                continue;
            }
            if self.group_exists(&target).await == Some(false) {
                self.missing.push(index);
                found_missing = true;
                self.emit(TailEvent::Problem {
                    functions: vec![index],
                    message: format!(
                        "{} has no log group {} yet: it appears with the function's first log line. Looking again every {} s.",
                        target.function_name,
                        target.log_group,
                        self.timings.missing_group_check.as_secs()
                    ),
                });
            }
        }
        found_missing
    }

    /// Looks again for missing log groups; `true` when one appeared.
    async fn check_missing_groups(&mut self) -> bool {
        let mut appeared = false;
        for index in self.missing.clone() {
            let Some((_, target)) = self.targets.iter().find(|(i, _)| *i == index).cloned() else { continue };
            if self.group_exists(&target).await == Some(true) {
                self.missing.retain(|i| *i != index);
                appeared = true;
            }
        }
        appeared
    }

    /// `None` when it could not be told.
    async fn group_exists(&self, target: &TailTarget) -> Option<bool> {
        self.client.pacer.acquire().await;
        let answer = self
            .client
            .logs
            .describe_log_groups()
            .log_group_name_prefix(&target.log_group)
            .limit(50)
            .send()
            .await
            .ok()?;
        Some(answer.log_groups().iter().any(|group| group.log_group_name() == Some(target.log_group.as_str())))
    }

    /// Reads [from, to] of every present group and shows what was not shown yet; returns
    /// how many lines that was.
    async fn reread(&mut self, from_ms: i64, to_ms: i64) -> Result<u32, Error> {
        let mut events = Vec::new();
        for (index, target) in self.present_targets().cloned().collect::<Vec<_>>() {
            let interval = Interval {
                start_ms: from_ms,
                end_ms: Some(to_ms),
                filter: self.filter.as_ref(),
                max_pages: self.timings.max_reread_pages,
            };
            let reading = read_interval(
                &self.client.logs,
                &self.client.endpoint,
                &target.log_group,
                interval,
                &self.client.pacer,
            )
            .await?;
            if !reading.complete {
                self.problem(format!(
                    "{}: more than {} lines were written between {} and {}; the oldest of them were not read.",
                    target.function_name,
                    self.timings.max_reread_pages * 10_000,
                    describe_ms(from_ms),
                    describe_ms(to_ms)
                ));
            }
            events.extend(reading.events.into_iter().map(|event| RawEvent {
                target: index,
                log_stream: event.log_stream,
                timestamp_ms: event.timestamp_ms,
                message: event.message,
                event_id: event.event_id,
            }));
        }
        let mut fresh = self.deduper.admit_reread(events);
        fresh.sort_by_key(|event| event.timestamp_ms);
        let count = fresh.len() as u32;
        self.emit_lines(fresh);
        Ok(count)
    }

    fn emit_lines(&self, events: Vec<RawEvent>) {
        if events.is_empty() {
            return;
        }
        let lines = events
            .into_iter()
            .map(|event| {
                let mut line = TailLine::new(event.target, event.timestamp_ms, &event.log_stream, &event.message);
                line.seq = self.sequence.fetch_add(1, Ordering::Relaxed);
                line
            })
            .collect();
        self.emit(TailEvent::Lines { lines });
    }

    /// Streams one session's updates until it ends.
    async fn stream(&mut self, mut session: StartLiveTailOutput, opened_ms: i64) -> Streamed {
        let mut streamed = Streamed { end: SessionEnd::Cancelled, last_update_ms: opened_ms, got_updates: false };
        let restart_at = Instant::now() + self.timings.restart_after;
        let by_identifier = self.identifiers();
        let mut next_group_check = Instant::now() + self.timings.missing_group_check;
        let mut next_forget = Instant::now() + FORGET_EVERY;
        let restart = |reason: &str, failed: bool| SessionEnd::Restart { reason: reason.to_owned(), failed };
        loop {
            if Instant::now() >= next_forget {
                // A re-read after this session reaches back one overlap before its last
                // update: older keys are never needed again (a day-long session stays small).
                next_forget = Instant::now() + FORGET_EVERY;
                self.deduper.forget_before(now_ms() - 2 * self.timings.overlap.as_millis() as i64);
            }
            let received = tokio::select! {
                _ = self.cancel.cancelled() => return streamed,
                _ = tokio::time::sleep_until(restart_at) => {
                    streamed.end = restart("restarted before Live Tail's 3-hour session limit", false);
                    streamed.last_update_ms = now_ms();
                    return streamed;
                }
                _ = tokio::time::sleep_until(next_group_check), if !self.missing.is_empty() => {
                    next_group_check = Instant::now() + self.timings.missing_group_check;
                    if self.check_missing_groups().await {
                        streamed.end = restart("a log group appeared", false);
                        return streamed;
                    }
                    continue;
                }
                received = tokio::time::timeout(self.timings.silence_limit, session.response_stream.recv()) => received,
            };
            let event = match received {
                Err(_silence) => {
                    let reason =
                        format!("no update for {} s: the connection is gone", self.timings.silence_limit.as_secs());
                    streamed.end = restart(&reason, false);
                    return streamed;
                }
                Ok(Ok(Some(event))) => event,
                Ok(Ok(None)) => {
                    streamed.end = restart("the service ended the session", true);
                    return streamed;
                }
                Ok(Err(err)) => {
                    let (reason, failed) = describe_stream_error(err, &self.client.endpoint);
                    streamed.end = restart(&reason, failed);
                    return streamed;
                }
            };
            let StartLiveTailResponseStream::SessionUpdate(update) = event else { continue };
            streamed.last_update_ms = now_ms();
            streamed.got_updates = true;
            if update.session_metadata().is_some_and(|metadata| metadata.sampled()) {
                self.emit(TailEvent::Sampled { functions: self.functions() });
            }
            let mut fresh = Vec::new();
            for result in update.session_results() {
                let identifier = result.log_group_identifier().unwrap_or_default();
                let Some(target) = by_identifier.get(identifier.trim_end_matches(":*")) else { continue };
                let event = RawEvent {
                    target: *target,
                    log_stream: result.log_stream_name().unwrap_or_default().to_owned(),
                    timestamp_ms: result.timestamp().unwrap_or(streamed.last_update_ms),
                    message: result.message().unwrap_or_default().to_owned(),
                    event_id: None,
                };
                if self.deduper.admit_live(&event) {
                    fresh.push(event);
                }
            }
            fresh.sort_by_key(|event| event.timestamp_ms);
            self.emit_lines(fresh);
        }
    }

    /// Target index by log group ARN and name (the service answers with what it was given).
    fn identifiers(&self) -> HashMap<String, u16> {
        let mut by_identifier = HashMap::new();
        for (index, target) in &self.targets {
            by_identifier.insert(target.log_group_arn.clone(), *index);
            by_identifier.insert(target.log_group.clone(), *index);
        }
        by_identifier
    }

    /// Polls until cancelled (`None`) or, when `retry_live`, until it is time to try Live
    /// Tail again (`Some(covered until)`).
    async fn poll(&mut self, mut covered_until: i64, reason: String, retry_live: bool) -> Result<Option<i64>, Error> {
        self.emit(TailEvent::Mode { functions: self.functions(), mode: TailMode::Polling, reason: Some(reason) });
        let retry_at = retry_live.then(|| Instant::now() + self.timings.live_retry_after);
        // A missing group reads as empty while polling: every group is read.
        self.missing.clear();
        let overlap_ms = self.timings.overlap.as_millis() as i64;
        let mut reported_failure = false;
        loop {
            if self.cancel.is_cancelled() {
                return Ok(None);
            }
            if retry_at.is_some_and(|at| Instant::now() >= at) {
                return Ok(Some(covered_until));
            }
            let to = now_ms();
            let cancel = self.cancel.clone();
            let polled = tokio::select! {
                _ = cancel.cancelled() => return Ok(None),
                polled = self.reread(covered_until, to) => polled,
            };
            match polled {
                Ok(_) => {
                    if reported_failure {
                        self.problem("Polling works again; the lines of the gap were re-read.".into());
                        reported_failure = false;
                    }
                    // The next poll re-reads the last minute: late lines still appear.
                    covered_until = covered_until.max(to - overlap_ms);
                    self.deduper.forget_before(covered_until - overlap_ms);
                }
                Err(err @ (Error::InvalidInput(_) | Error::InvalidFields(_))) => return Err(err),
                Err(err) => {
                    // Keep `covered_until`: the next successful poll reads the gap.
                    if !reported_failure {
                        self.problem(format!("Polling failed ({err}); retrying."));
                        reported_failure = true;
                    }
                }
            }
            self.wait(self.timings.poll_every).await;
        }
    }
}

fn describe_stream_error(
    err: SdkError<StartLiveTailResponseStreamError, aws_smithy_types::event_stream::RawMessage>,
    endpoint: &str,
) -> (String, bool) {
    match err.as_service_error() {
        Some(StartLiveTailResponseStreamError::SessionTimeoutException(_)) => {
            ("Live Tail's 3-hour session limit was reached".into(), false)
        }
        Some(StartLiveTailResponseStreamError::SessionStreamingException(e)) => {
            (format!("the session failed: {}", e.message().unwrap_or("streaming error")), true)
        }
        _ => match Error::from_sdk(err, endpoint) {
            Error::Network { detail, .. } => (format!("the connection was lost: {detail}"), false),
            other => (format!("the session failed: {other}"), true),
        },
    }
}

/// 1 s, 2 s, 4 s … up to 30 s between attempts.
fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1u64 << failures.min(5)).min(Duration::from_secs(30))
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

fn describe_ms(ms: i64) -> String {
    aws_smithy_types::DateTime::from_millis(ms)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| ms.to_string())
}

#[cfg(test)]
#[path = "tail_tests.rs"]
mod tests;
