//! The REPORT figures and the full log of one request, read from the function's log
//! group when the answer's tail did not carry them (the tail is only the last 4 KB, and
//! the local AWS's tail has no REPORT line at all).

use std::time::Duration;

use aws_smithy_types::date_time::{DateTime, Format};
use tokio_util::sync::CancellationToken;

use super::types::{InvocationRecord, LogLine, ReportSource};
use crate::logs::read::{read_interval, Interval};
use crate::logs::report::{parse_report_line, ReportFigures};
use crate::pacing::RateLimiter;
use crate::{timestamps, Error};

/// Waits between reads while the log arrives (about 15 s in all). Each read is one
/// FilterLogEvents call or a few, well under the 5 req/s the account shares
/// (aws-facts.md, "CloudWatch Logs").
const POLL_DELAYS_MS: [u64; 9] = [0, 300, 600, 1000, 1500, 2000, 3000, 3000, 3000];
/// Pages read per poll: one invocation's lines fit in one page of 10,000 events.
const MAX_PAGES_PER_POLL: usize = 5;
/// Lines stamped this long before the call started still count (clock granularity).
const CLOCK_SLACK_MS: i64 = 250;

/// What the log group holds about one request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RequestLog {
    pub report: Option<ReportFigures>,
    pub source: ReportSource,
    pub lines: Vec<LogLine>,
}

/// Takes the figures and lines found in the log group into the record.
pub(crate) fn apply(record: &mut InvocationRecord, found: RequestLog) {
    if record.report.is_none() {
        if let Some(report) = found.report {
            record.report = Some(report);
            record.report_source = Some(found.source);
        } else {
            record.notes.push("No REPORT line of this request reached the log group in time.".into());
        }
    }
    record.full_log = Some(found.lines);
}

struct Event {
    timestamp: i64,
    stream: String,
    message: String,
}

/// Polls the log group until this request's REPORT line is there (or the time is up)
/// and returns it with the request's lines. `match_by_time`: where the log's request ids
/// differ from the call's (an emulator behind a custom endpoint), the REPORT written as
/// the call ended is taken; against AWS only the request id counts, so another request's
/// REPORT is never taken for this one.
pub(crate) async fn request_log(
    client: &aws_sdk_cloudwatchlogs::Client,
    endpoint: &str,
    log_group: &str,
    record: &InvocationRecord,
    match_by_time: bool,
    pacer: &RateLimiter,
    cancel: &CancellationToken,
) -> Result<RequestLog, Error> {
    let started_ms = DateTime::from_str(&record.started_at, Format::DateTime)
        .map_err(|_| Error::Internal(format!("unreadable start time {}", record.started_at)))?
        .to_millis()
        .unwrap_or_default();
    let mut last = RequestLog { report: None, source: ReportSource::LogGroup, lines: Vec::new() };
    for delay in POLL_DELAYS_MS {
        tokio::select! {
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            _ = tokio::time::sleep(Duration::from_millis(delay)) => {}
        }
        let events = read_events(client, endpoint, log_group, started_ms - CLOCK_SLACK_MS, pacer).await?;
        let ended_ms = started_ms + record.round_trip_ms as i64;
        last = find_request(&events, record.request_id.as_deref(), match_by_time.then_some(ended_ms));
        if last.report.is_some() {
            break;
        }
    }
    Ok(last)
}

async fn read_events(
    client: &aws_sdk_cloudwatchlogs::Client,
    endpoint: &str,
    log_group: &str,
    since_ms: i64,
    pacer: &RateLimiter,
) -> Result<Vec<Event>, Error> {
    let interval = Interval { start_ms: since_ms, end_ms: None, filter: None, max_pages: MAX_PAGES_PER_POLL };
    let reading = read_interval(client, endpoint, log_group, interval, pacer).await?;
    Ok(reading
        .events
        .into_iter()
        .map(|event| Event { timestamp: event.timestamp_ms, stream: event.log_stream, message: event.message })
        .collect())
}

/// Finds the request's REPORT: by its request id, or else, when `ended_ms` is given
/// (matching by time), the REPORT written closest to the moment the call ended (Lambda
/// writes REPORT as the invocation ends). Its lines are those of its log stream from its START (or the end of the
/// previous request) to its REPORT.
fn find_request(events: &[Event], request_id: Option<&str>, ended_ms: Option<i64>) -> RequestLog {
    let reports: Vec<(usize, ReportFigures)> = events
        .iter()
        .enumerate()
        .filter_map(|(index, event)| parse_report_line(&event.message).map(|report| (index, report)))
        .collect();
    let by_id = request_id.and_then(|id| reports.iter().find(|(_, report)| report.request_id == id));
    let (found, source) = match (by_id, ended_ms) {
        (Some(found), _) => (Some(found), ReportSource::LogGroup),
        (None, Some(ended_ms)) => (
            reports.iter().min_by_key(|(index, _)| (events[*index].timestamp - ended_ms).abs()),
            ReportSource::LogGroupByTime,
        ),
        (None, None) => (None, ReportSource::LogGroup),
    };
    let Some((report_index, report)) = found else {
        return RequestLog { report: None, source, lines: Vec::new() };
    };
    let stream = &events[*report_index].stream;
    let in_stream: Vec<&Event> = events[..=*report_index].iter().filter(|event| &event.stream == stream).collect();
    let start_marker = format!("START RequestId: {}", report.request_id);
    let mut first = 0;
    for (index, event) in in_stream.iter().enumerate().rev().skip(1) {
        if event.message.starts_with(&start_marker) {
            first = index;
            break;
        }
        if (event.message.starts_with("REPORT RequestId:") || event.message.starts_with("END RequestId:"))
            && !event.message.contains(&report.request_id)
        {
            first = index + 1;
            break;
        }
    }
    let lines = in_stream[first..]
        .iter()
        .map(|event| {
            let stamp = DateTime::from_millis(event.timestamp);
            LogLine::new(Some(timestamps::format(stamp)), &event.message)
        })
        .collect();
    RequestLog { report: Some(report.clone()), source, lines }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(timestamp: i64, stream: &str, message: &str) -> Event {
        Event { timestamp, stream: stream.into(), message: message.into() }
    }

    fn report(id: &str, duration: u32) -> String {
        format!(
            "REPORT RequestId: {id}\tDuration: {duration}.00 ms\tBilled Duration: {duration} ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"
        )
    }

    #[test]
    fn the_request_is_found_by_its_id_with_its_lines() {
        let events = [
            event(1, "s1", "START RequestId: a Version: $LATEST"),
            event(1, "s1", "first"),
            event(1, "s1", "END RequestId: a"),
            event(1, "s1", &report("a", 10)),
            event(2, "s1", "START RequestId: b Version: $LATEST"),
            event(2, "s2", "other stream"),
            event(2, "s1", "second"),
            event(2, "s1", "END RequestId: b"),
            event(2, "s1", &report("b", 20)),
        ];
        let found = find_request(&events, Some("b"), None);
        assert_eq!(found.source, ReportSource::LogGroup);
        assert_eq!(found.report.unwrap().duration_ms, 20.0);
        let messages: Vec<_> = found.lines.iter().map(|l| l.message.as_str()).collect();
        assert_eq!(messages, ["START RequestId: b Version: $LATEST", "second", "END RequestId: b", &report("b", 20)]);
    }

    #[test]
    fn without_a_matching_id_the_report_written_as_the_call_ended_is_taken() {
        let events = [
            event(100, "s1", "START RequestId: w Version: $LATEST"),
            event(100, "s1", &report("w", 90)),
            event(205, "s2", "hello"),
            event(205, "s2", "END RequestId: x"),
            event(205, "s2", &report("x", 7)),
        ];
        let found = find_request(&events, Some("call-request-id"), Some(210));
        assert_eq!(found.source, ReportSource::LogGroupByTime);
        assert_eq!(found.report.unwrap().request_id, "x");
        assert_eq!(found.lines.len(), 3);
        assert_eq!(find_request(&events, None, Some(101)).report.unwrap().request_id, "w");
        assert!(find_request(&[event(1, "s", "no report yet")], None, Some(1)).report.is_none());
        // Against AWS (no time matching) another request's REPORT is never taken.
        assert!(find_request(&events, Some("call-request-id"), None).report.is_none());
    }
}
