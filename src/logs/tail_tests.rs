//! The tail engine against mocked CloudWatch Logs: what the local AWS cannot be made to
//! do (sample, time a session out, refuse Live Tail). The sessions are real event-stream
//! responses, encoded frame by frame, so the SDK reads them as it reads AWS's.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::operation::start_live_tail::StartLiveTailError;
use aws_sdk_cloudwatchlogs::types::error::AccessDeniedException;
use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::*;

const GROUP: &str = "/aws/lambda/orders";
const ARN: &str = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/orders";

fn frame(headers: &[(&str, &str)], payload: serde_json::Value) -> Vec<u8> {
    let mut message = Message::new(serde_json::to_vec(&payload).unwrap());
    for (name, value) in headers {
        message = message.add_header(Header::new(name.to_string(), HeaderValue::String(value.to_string().into())));
    }
    let mut bytes = Vec::new();
    write_message_to(&message, &mut bytes).unwrap();
    bytes
}

fn event_frame(event_type: &str, payload: serde_json::Value) -> Vec<u8> {
    frame(&[(":message-type", "event"), (":event-type", event_type), (":content-type", "application/json")], payload)
}

fn update(sampled: bool, messages: &[(&str, i64)]) -> Vec<u8> {
    let results: Vec<_> = messages
        .iter()
        .map(|(message, timestamp)| {
            json!({"logStreamName": "2024/05/01/[$LATEST]abc", "logGroupIdentifier": ARN, "message": message,
                   "timestamp": timestamp, "ingestionTime": timestamp})
        })
        .collect();
    event_frame("sessionUpdate", json!({"sessionMetadata": {"sampled": sampled}, "sessionResults": results}))
}

fn session(frames: Vec<Vec<u8>>) -> HttpResponse {
    let mut body = event_frame("initial-response", json!({}));
    body.extend(event_frame("sessionStart", json!({"sessionId": "s", "logGroupIdentifiers": [ARN]})));
    for frame in frames {
        body.extend(frame);
    }
    let mut response = HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body));
    response.headers_mut().insert("content-type", "application/vnd.amazon.eventstream");
    response
}

fn session_timeout() -> Vec<u8> {
    frame(
        &[
            (":message-type", "exception"),
            (":exception-type", "SessionTimeoutException"),
            (":content-type", "application/json"),
        ],
        json!({"message": "Session timed out after 3 hours"}),
    )
}

fn filtered(messages: &[(&str, i64)]) -> FilterLogEventsOutput {
    FilterLogEventsOutput::builder()
        .set_events(Some(
            messages
                .iter()
                .enumerate()
                .map(|(i, (message, timestamp))| {
                    FilteredLogEvent::builder()
                        .log_stream_name("2024/05/01/[$LATEST]abc")
                        .timestamp(*timestamp)
                        .message(*message)
                        .event_id(format!("id-{i}"))
                        .build()
                })
                .collect(),
        ))
        .build()
}

fn spec() -> TailSpec {
    TailSpec {
        targets: vec![TailTarget {
            function_name: "orders".into(),
            log_group: GROUP.into(),
            log_group_arn: ARN.into(),
        }],
        filter: None,
        backfill: Duration::from_secs(300),
        polling_only: false,
    }
}

fn timings() -> TailTimings {
    TailTimings {
        poll_every: Duration::from_millis(20),
        silence_limit: Duration::from_secs(5),
        ..TailTimings::default()
    }
}

/// Runs a tail on `client` until `done` says the events seen are enough (or 10 s pass).
async fn tail_until(client: aws_sdk_cloudwatchlogs::Client, done: impl Fn(&[TailEvent]) -> bool) -> Vec<TailEvent> {
    let seen: Arc<Mutex<Vec<TailEvent>>> = Arc::default();
    let cancel = CancellationToken::new();
    let tail_client =
        TailClient { logs: client, endpoint: "mock".into(), pacer: Arc::new(RateLimiter::new(1000.0, 1000.0)) };
    let sink_seen = seen.clone();
    let running = tokio::spawn(run_tail(
        tail_client,
        spec(),
        timings(),
        move |event| sink_seen.lock().unwrap().push(event),
        cancel.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && !done(&seen.lock().unwrap()) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the tail stops when cancelled")
        .unwrap()
        .unwrap();
    let events = seen.lock().unwrap().clone();
    events
}

fn messages(events: &[TailEvent]) -> Vec<String> {
    events
        .iter()
        .flat_map(|event| match event {
            TailEvent::Lines { lines } => lines.iter().map(|l| l.message.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[tokio::test]
async fn a_sampled_update_is_reported_and_a_timed_out_session_is_restarted_with_the_gap_reread() {
    let now = now_ms();
    let sessions = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail)
        .sequence()
        .http_response(move || session(vec![update(true, &[("first", now)]), session_timeout()]))
        .http_response(move || session(vec![update(false, &[("second", now + 2)])]))
        .repeatedly()
        .build();
    // The backfill finds nothing; the re-read after the timeout finds "first" again and
    // "between", written while no session was open.
    let readings = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .sequence()
        .output(|| filtered(&[]))
        .output(move || filtered(&[("first", now), ("between", now + 1)]))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&sessions, &readings]);

    let events = tail_until(client, |seen| messages(seen).contains(&"second".to_string())).await;

    assert_eq!(messages(&events), ["first", "between", "second"], "each line once, in order");
    assert!(events.iter().any(|e| matches!(e, TailEvent::Sampled { functions } if functions == &[0])));
    let reconnect = events.iter().find_map(|e| match e {
        TailEvent::Reconnected { reason, recovered, .. } => Some((reason.clone(), *recovered)),
        _ => None,
    });
    let (reason, recovered) = reconnect.expect("the restart is reported");
    assert!(reason.contains("3-hour"), "{reason}");
    assert_eq!(recovered, 1, "only \"between\" was new");
    let live_modes = events.iter().filter(|e| matches!(e, TailEvent::Mode { mode: TailMode::Live, .. })).count();
    assert_eq!(live_modes, 2, "live, then live again after the restart: {events:?}");
}

#[tokio::test]
async fn access_denied_falls_back_to_polling_and_says_why() {
    let now = now_ms();
    let refused = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_error(|| {
        StartLiveTailError::AccessDeniedException(AccessDeniedException::builder().message("not authorized").build())
    });
    // Two polls: the second finds a late line stamped before the first poll's newest.
    let polls = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .sequence()
        .output(move || filtered(&[("one", now - 500), ("two", now - 100)]))
        .output(move || filtered(&[("one", now - 500), ("late", now - 300), ("two", now - 100)]))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&refused, &polls]);

    let events = tail_until(client, |seen| messages(seen).contains(&"late".to_string())).await;

    assert_eq!(messages(&events), ["one", "two", "late"]);
    let mode = events.iter().find_map(|e| match e {
        TailEvent::Mode { mode, reason, .. } => Some((*mode, reason.clone())),
        _ => None,
    });
    let (mode, reason) = mode.expect("the mode is reported");
    assert_eq!(mode, TailMode::Polling);
    assert!(reason.unwrap_or_default().contains("not allowed"), "the reason names the refusal");
    assert_eq!(refused.num_calls(), 1, "a refusal is not retried");
}

#[tokio::test]
async fn a_session_that_keeps_failing_falls_back_to_polling() {
    let failing = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail)
        .sequence()
        .http_status(500, Some("{\"__type\":\"ServiceUnavailableException\",\"message\":\"down\"}".into()))
        .repeatedly()
        .build();
    let polls = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_output(|| filtered(&[]));
    // Without the SDK's own retries, each attempt is one call.
    let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&failing, &polls], |config| {
        config.retry_config(aws_smithy_types::retry::RetryConfig::disabled())
    });
    let quick = |seen: &[TailEvent]| seen.iter().any(|e| matches!(e, TailEvent::Mode { mode: TailMode::Polling, .. }));

    // Backoff waits 2 s and 4 s between the three attempts.
    let events = tail_until(client, quick).await;

    let reason = events.iter().find_map(|e| match e {
        TailEvent::Mode { mode: TailMode::Polling, reason, .. } => reason.clone(),
        _ => None,
    });
    assert!(reason.is_some_and(|r| r.contains("failed 3 times")), "{events:?}");
    assert_eq!(failing.num_calls(), 3);
}
