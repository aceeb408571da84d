//! Invoking functions against the local AWS through the core: every invocation type, the
//! figures read from the log group, qualifiers, input checks, the history and comparing,
//! and events from the library.

mod support;

use std::sync::Arc;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use lambda_deck::aws::AwsConnection;
use lambda_deck::events::library::{EventContent, EventLibrary, InvocationKind};
use lambda_deck::events::{template_context, templates};
use lambda_deck::invoke::compare::{self, ChangeKind};
use lambda_deck::invoke::result::CallFailure;
use lambda_deck::invoke::{
    self, history, InvocationOutcome, InvocationRecord, InvokeRequest, ReportSource, StreamChunk,
};
use lambda_deck::store::Store;
use lambda_deck::{Error, ErrorCode};
use lambda_deck_devtools::demo;
use support::{local_aws, LocalAwsLease};
use tokio_util::sync::CancellationToken;

/// Port 9 (discard) on loopback: nothing listens, so any request fails at once.
const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";
/// Memory given to the test functions: not the emulator's default (128), so the REPORT's
/// figure is known to come from this function.
const MEMORY_MB: i32 = 256;

/// A Python demo function (`{"fail": "msg"}` raises, `{"delay_ms": N}` sleeps) with this
/// timeout and [`MEMORY_MB`], Active and ready to invoke.
async fn create_function(local: &LocalAwsLease, prefix: &str, timeout_s: i32) -> String {
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, prefix, 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    lambda
        .update_function_configuration()
        .function_name(&name)
        .timeout(timeout_s)
        .memory_size(MEMORY_MB)
        .send()
        .await
        .unwrap();
    demo::wait_until_active(&lambda, &name).await.unwrap();
    let configuration = lambda.get_function_configuration().function_name(&name).send().await.unwrap();
    assert_eq!((configuration.timeout, configuration.memory_size), (Some(timeout_s), Some(MEMORY_MB)));
    name
}

fn request(function_name: &str, kind: InvocationKind, payload: &str) -> InvokeRequest {
    InvokeRequest {
        function_name: function_name.to_string(),
        qualifier: None,
        kind,
        payload: payload.to_string(),
        client_context: None,
        event_name: None,
    }
}

async fn run(connection: &AwsConnection, store: &Arc<Store>, request: &InvokeRequest) -> InvocationRecord {
    invoke::invoke(connection, store, request, &mut |_| {}).await.unwrap()
}

async fn figures(connection: &AwsConnection, store: &Arc<Store>, record: &InvocationRecord) -> InvocationRecord {
    invoke::fill_in_figures(connection, store, record.id, &CancellationToken::new()).await.unwrap()
}

fn full_log_text(record: &InvocationRecord) -> String {
    let lines = record.full_log.as_ref().unwrap_or_else(|| panic!("no full log: {record:#?}"));
    lines.iter().map(|line| line.message.as_str()).collect::<Vec<_>>().join("\n")
}

fn tail_text(record: &InvocationRecord) -> String {
    record.log_tail.iter().map(|line| line.message.as_str()).collect::<Vec<_>>().join("\n")
}

/// A connection to a closed port: any request it sends fails with a network error.
fn closed_port_connection() -> AwsConnection {
    let credentials = aws_credential_types::Credentials::new("000000000000", "x", None, None, "closed-port-test");
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(CLOSED_ENDPOINT)
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(RetryConfig::disabled())
        .build();
    AwsConnection::from_sdk_config(config, Some("closed".into())).unwrap()
}

/// The record as the history gives it back equals `expected`, its floats (round trip,
/// cost) to 1e-12 relative: the store keeps records as JSON, and serde_json (without its
/// `float_roundtrip` feature) may read a float back one ULP off.
#[track_caller]
fn assert_same_record(saved: &InvocationRecord, expected: &InvocationRecord) {
    fn close(path: &str, a: &serde_json::Value, b: &serde_json::Value, differences: &mut Vec<String>) {
        use serde_json::Value;
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                if (x - y).abs() > 1e-12 * x.abs().max(y.abs()) {
                    differences.push(format!("{path}: {x} vs {y}"));
                }
            }
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
                for (key, value) in x {
                    match y.get(key) {
                        Some(other) => close(&format!("{path}.{key}"), value, other, differences),
                        None => differences.push(format!("{path}.{key}: missing")),
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (index, (value, other)) in x.iter().zip(y).enumerate() {
                    close(&format!("{path}[{index}]"), value, other, differences);
                }
            }
            (x, y) if x == y => {}
            (x, y) => differences.push(format!("{path}: {x} vs {y}")),
        }
    }
    let mut differences = Vec::new();
    close("$", &serde_json::to_value(saved).unwrap(), &serde_json::to_value(expected).unwrap(), &mut differences);
    assert!(differences.is_empty(), "{differences:#?}");
}

fn field_errors(err: Error) -> Vec<(String, String)> {
    match err {
        Error::InvalidFields(fields) => fields.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[tokio::test]
async fn a_synchronous_invocation_returns_the_payload_and_then_its_figures_and_cost() {
    let local = local_aws().await;
    let name = create_function(&local, "sync", 3).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());

    let record = run(&connection, &store, &request(&name, InvocationKind::Request, r#"{"a": 1}"#)).await;

    assert_eq!(record.outcome, InvocationOutcome::Succeeded, "{record:#?}");
    assert_eq!(record.status_code, Some(200));
    assert_eq!(record.executed_version.as_deref(), Some("$LATEST"));
    assert!(record.function_error.is_none() && record.failure.is_none(), "{record:#?}");
    assert!(record.request_id.as_deref().is_some_and(|id| !id.is_empty()), "{record:#?}");
    let payload: serde_json::Value = serde_json::from_str(record.response_payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["statusCode"], 200, "{payload}");
    let body: serde_json::Value = serde_json::from_str(payload["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({"ok": true, "function": name}));
    // The handler's own lines, in the 4 KB tail.
    let tail = tail_text(&record);
    assert!(tail.contains(r#""message": "request received", "keys": ["a"]"#), "{tail}");
    assert!(tail.contains("done in 0 ms"), "{tail}");
    assert!(record.expects_log());
    assert_eq!(record.request_payload, r#"{"a": 1}"#);

    let filled = figures(&connection, &store, &record).await;

    let report = filled.report.as_ref().unwrap_or_else(|| panic!("no REPORT found: {filled:#?}"));
    // The emulator's log request ids differ from the call's (local-aws.md): found by time.
    assert_eq!(filled.report_source, Some(ReportSource::LogGroupByTime));
    assert_eq!(report.memory_size_mb, MEMORY_MB as u32);
    assert!(report.duration_ms > 0.0, "{report:?}");
    assert!(report.billed_duration_ms >= report.duration_ms.floor(), "{report:?}");
    assert!(report.duration_ms < filled.round_trip_ms + 1.0, "{report:?} vs {} ms", filled.round_trip_ms);
    let log = full_log_text(&filled);
    assert!(log.contains("request received") && log.contains("done in 0 ms"), "{log}");
    assert!(log.contains(&format!("REPORT RequestId: {}", report.request_id)), "{log}");
    assert!(filled.full_log.as_ref().unwrap().iter().all(|line| line.timestamp.is_some()));

    let cost = filled.cost.as_ref().unwrap_or_else(|| panic!("no cost: {filled:#?}"));
    assert!(cost.total_usd > 0.0, "{cost:?}");
    assert_eq!(cost.priced_as_region, connection.scope().region);
    assert_eq!(cost.priced_as_region, "us-east-1");
    assert!(cost.region_in_table);
    let gb_seconds = report.billed_duration_ms / 1000.0 * MEMORY_MB as f64 / 1024.0;
    assert!((cost.gb_seconds - gb_seconds).abs() < 1e-9, "{cost:?} for {report:?}");
    assert!((cost.total_usd - (cost.duration_usd + cost.request_usd + cost.ephemeral_storage_usd)).abs() < 1e-15);

    // Kept in the history with its figures, and asking again changes nothing.
    let saved = history::get(&store, &connection.scope(), record.id).await.unwrap();
    assert_same_record(&saved, &filled);
    assert_same_record(&figures(&connection, &store, &record).await, &filled);
}

#[tokio::test]
async fn a_failure_right_after_a_success_gets_its_own_figures_and_log() {
    let local = local_aws().await;
    let name = create_function(&local, "fail", 3).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());

    // Back to back, and only then the figures: both REPORTs are in the log group by then.
    let success = run(&connection, &store, &request(&name, InvocationKind::Request, r#"{"first": true}"#)).await;
    let failure = run(&connection, &store, &request(&name, InvocationKind::Request, r#"{"fail": "boom"}"#)).await;

    assert_eq!(success.outcome, InvocationOutcome::Succeeded, "{success:#?}");
    assert_eq!(failure.outcome, InvocationOutcome::FunctionError, "{failure:#?}");
    assert_eq!(failure.status_code, Some(200));
    assert!(!failure.outcome.is_success());
    let error = failure.function_error.as_ref().unwrap();
    assert_eq!(error.kind, "Unhandled");
    assert_eq!(error.error_message.as_deref(), Some("boom"));
    assert!(error.error_type.as_deref().is_some_and(|t| !t.is_empty()), "{error:?}");
    let payload: serde_json::Value = serde_json::from_str(failure.response_payload.as_deref().unwrap()).unwrap();
    assert_eq!(payload["errorMessage"], "boom");
    assert!(failure.expects_log());

    let failure = figures(&connection, &store, &failure).await;
    let success = figures(&connection, &store, &success).await;

    let failure_log = full_log_text(&failure);
    assert!(failure_log.contains("failing as asked"), "{failure_log}");
    assert!(failure_log.contains("Traceback") && failure_log.contains("RuntimeError: boom"), "{failure_log}");
    assert!(!failure_log.contains("done in") && !failure_log.contains(r#"["first"]"#), "{failure_log}");
    let success_log = full_log_text(&success);
    assert!(success_log.contains(r#""keys": ["first"]"#) && success_log.contains("done in 0 ms"), "{success_log}");
    assert!(!success_log.contains("boom"), "{success_log}");

    let (failure_report, success_report) = (failure.report.as_ref().unwrap(), success.report.as_ref().unwrap());
    assert_ne!(failure_report.request_id, success_report.request_id);
    assert!(failure_log.contains(&format!("REPORT RequestId: {}", failure_report.request_id)), "{failure_log}");
    assert!(success_log.contains(&format!("REPORT RequestId: {}", success_report.request_id)), "{success_log}");
    assert_eq!(failure_report.memory_size_mb, MEMORY_MB as u32);
    assert!(failure.cost.as_ref().is_some_and(|c| c.total_usd > 0.0), "{failure:#?}");
}

#[tokio::test]
async fn an_invocation_past_the_timeout_is_a_function_error() {
    let local = local_aws().await;
    let name = create_function(&local, "slow", 1).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());

    let record = run(&connection, &store, &request(&name, InvocationKind::Request, r#"{"delay_ms": 4000}"#)).await;

    assert_eq!(record.outcome, InvocationOutcome::FunctionError, "{record:#?}");
    let error = record.function_error.as_ref().unwrap();
    let timed_out = error.error_type.as_deref().is_some_and(|t| t.contains("Timedout"))
        || error.error_message.as_deref().is_some_and(|m| m.contains("Task timed out"));
    assert!(timed_out, "{error:?}");
    // Cut off at the 1 s timeout, not after the handler's 4 s sleep.
    assert!(record.round_trip_ms < 3500.0, "{} ms", record.round_trip_ms);
    assert!(record.expects_log());

    // Its figures say how long it ran before being stopped, and its log says why.
    let filled = figures(&connection, &store, &record).await;
    let report = filled.report.as_ref().unwrap_or_else(|| panic!("no REPORT found: {filled:#?}"));
    assert!((1000.0..3500.0).contains(&report.duration_ms), "{report:?}");
    let log = full_log_text(&filled);
    assert!(log.contains("Task timed out") && log.contains(r#""keys": ["delay_ms"]"#), "{log}");
    assert!(!log.contains("done in"), "the handler never finished: {log}");
}

#[tokio::test]
async fn event_and_dry_run_invocations_are_accepted_without_a_log() {
    let local = local_aws().await;
    let name = create_function(&local, "async", 3).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());

    let queued = run(&connection, &store, &request(&name, InvocationKind::Event, r#"{"a": 1}"#)).await;
    let dry_run = run(&connection, &store, &request(&name, InvocationKind::DryRun, r#"{"a": 1}"#)).await;

    assert_eq!((queued.outcome, queued.status_code), (InvocationOutcome::Queued, Some(202)), "{queued:#?}");
    assert_eq!((dry_run.outcome, dry_run.status_code), (InvocationOutcome::DryRunPassed, Some(204)), "{dry_run:#?}");
    for record in [&queued, &dry_run] {
        assert!(record.outcome.is_success());
        assert!(!record.expects_log(), "{record:#?}");
        assert!(record.function_error.is_none() && record.failure.is_none(), "{record:#?}");
        assert!(record.log_tail.is_empty() && record.report.is_none(), "{record:#?}");
        // Nothing to look up: the record comes back as it was saved.
        assert_same_record(&figures(&connection, &store, record).await, record);
    }
    assert_eq!((queued.kind, dry_run.kind), (InvocationKind::Event, InvocationKind::DryRun));
}

#[tokio::test]
async fn a_streamed_response_reaches_the_callback_chunk_by_chunk() {
    let local = local_aws().await;
    let name = create_function(&local, "stream", 3).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());

    let mut chunks: Vec<StreamChunk> = Vec::new();
    let mut collect = |chunk: StreamChunk| chunks.push(chunk);
    let record = invoke::invoke(
        &connection,
        &store,
        &request(&name, InvocationKind::Stream, r#"{"streamed": 1}"#),
        &mut collect,
    )
    .await
    .unwrap();

    assert_eq!(record.outcome, InvocationOutcome::Succeeded, "{record:#?}");
    assert_eq!(record.kind, InvocationKind::Stream);
    assert!(!chunks.is_empty(), "no chunk reached the callback");
    let streamed: String = chunks.iter().map(|chunk| chunk.text.as_str()).collect();
    assert_eq!(Some(streamed.as_str()), record.response_payload.as_deref());
    assert_eq!(chunks.last().unwrap().received_bytes as usize, streamed.len());
    assert!(chunks.windows(2).all(|pair| pair[0].received_bytes <= pair[1].received_bytes), "{chunks:?}");
    let payload: serde_json::Value = serde_json::from_str(&streamed).unwrap();
    assert_eq!(payload["statusCode"], 200, "{payload}");
    assert!(record.expects_log());
}

#[tokio::test]
async fn a_qualifier_picks_the_version_and_an_unknown_one_is_not_found() {
    let local = local_aws().await;
    let name = create_function(&local, "qualified", 3).await;
    let lambda = local.lambda();
    let version = lambda.publish_version().function_name(&name).send().await.unwrap().version.unwrap();
    assert_ne!(version, "$LATEST");
    lambda.create_alias().function_name(&name).name("live").function_version(&version).send().await.unwrap();
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());

    let by_alias = run(
        &connection,
        &store,
        &InvokeRequest { qualifier: Some("live".into()), ..request(&name, InvocationKind::Request, "{}") },
    )
    .await;
    // The qualifier written after the name, as in an ARN.
    let by_suffix = run(&connection, &store, &request(&format!("{name}:{version}"), InvocationKind::Request, "")).await;
    let unknown = run(
        &connection,
        &store,
        &InvokeRequest { qualifier: Some("nope".into()), ..request(&name, InvocationKind::Request, "{}") },
    )
    .await;

    assert_eq!(by_alias.outcome, InvocationOutcome::Succeeded, "{by_alias:#?}");
    assert_eq!(by_alias.executed_version.as_deref(), Some(version.as_str()));
    assert_eq!(by_alias.qualifier.as_deref(), Some("live"));
    assert_eq!(by_suffix.outcome, InvocationOutcome::Succeeded, "{by_suffix:#?}");
    assert_eq!((by_suffix.function_name.as_str(), by_suffix.qualifier.as_deref()), (name.as_str(), Some(&*version)));
    assert_eq!(by_suffix.executed_version.as_deref(), Some(version.as_str()));
    assert_eq!(by_suffix.request_payload, "{}", "an empty payload is sent as {{}}");

    assert_eq!(unknown.outcome, InvocationOutcome::CallFailed, "{unknown:#?}");
    let CallFailure { code, message } = unknown.failure.clone().unwrap();
    assert_eq!(code, ErrorCode::NotFound, "{message}");
    assert!(message.contains("nope") && message.contains(&name), "{message}");
    assert!(unknown.status_code.is_none() && unknown.response_payload.is_none());
    assert!(!unknown.expects_log());
    // A failed call is kept in the history too.
    let kept = history::list(&store, &connection.scope(), &name, Some(InvocationOutcome::CallFailed)).await;
    let kept = kept.unwrap();
    assert_eq!(kept.len(), 1);
    assert_same_record(&kept[0], &unknown);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    // No emulator: the connection points at a closed port, so anything sent would come
    // back as a network failure, not as the input error.
    let connection = closed_port_connection();
    let store = Store::in_memory().unwrap();
    let refused = |request: InvokeRequest| {
        let (connection, store) = (connection.clone(), store.clone());
        async move { invoke::invoke(&connection, &store, &request, &mut |_| {}).await.unwrap_err() }
    };

    let err = refused(request("orders", InvocationKind::Request, r#"{"a": }"#)).await;
    let fields = field_errors(err);
    assert_eq!(fields.len(), 1, "{fields:?}");
    assert_eq!(fields[0].0, "payload");
    assert!(fields[0].1.starts_with("Not valid JSON") && fields[0].1.ends_with("(line 1, column 7)"), "{fields:?}");

    let over_a_megabyte = format!("\"{}\"", "x".repeat(1024 * 1024));
    let fields = field_errors(refused(request("orders", InvocationKind::Event, &over_a_megabyte)).await);
    assert_eq!(fields[0].0, "payload");
    assert!(fields[0].1.contains("asynchronous (Event) invocations accept at most 1.0 MB"), "{fields:?}");

    let err = refused(request("my function", InvocationKind::Request, "{}")).await;
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err:?}");
    assert!(err.to_string().contains("\"my function\" is not a Lambda function name"), "{err}");

    let err = refused(InvokeRequest {
        client_context: Some("{\"a\": 1}".into()),
        ..request("orders", InvocationKind::Event, "{}")
    })
    .await;
    assert_eq!(field_errors(err)[0].0, "client_context");

    // Nothing refused was kept.
    assert!(history::list(&store, &connection.scope(), "orders", None).await.unwrap().is_empty());

    // The control: a valid request does go out (the same megabyte is fine synchronously),
    // and fails as a network failure, kept in the history.
    let sent = run(&connection, &store, &request("orders", InvocationKind::Request, &over_a_megabyte)).await;
    assert_eq!(sent.outcome, InvocationOutcome::CallFailed, "{:?}", sent.failure);
    assert_eq!(sent.failure.as_ref().unwrap().code, ErrorCode::Network, "{:?}", sent.failure);
    assert_eq!(history::list(&store, &connection.scope(), "orders", None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_history_lists_filters_prunes_and_compares() {
    let local = local_aws().await;
    let name = create_function(&local, "history", 3).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());
    let scope = connection.scope();

    let success = run(&connection, &store, &request(&name, InvocationKind::Request, r#"{"a": 1}"#)).await;
    let success = figures(&connection, &store, &success).await;
    let failure =
        run(&connection, &store, &request(&name, InvocationKind::Request, r#"{"a": 1, "fail": "boom"}"#)).await;
    let failure = figures(&connection, &store, &failure).await;
    let queued = run(&connection, &store, &request(&name, InvocationKind::Event, "{}")).await;
    let dry_run = run(&connection, &store, &request(&name, InvocationKind::DryRun, "{}")).await;

    let listed = history::list(&store, &scope, &name, None).await.unwrap();
    let ids: Vec<u32> = listed.iter().map(|r| r.id).collect();
    assert_eq!(ids, [dry_run.id, queued.id, failure.id, success.id], "newest first");
    let outcomes: Vec<_> = listed.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            InvocationOutcome::DryRunPassed,
            InvocationOutcome::Queued,
            InvocationOutcome::FunctionError,
            InvocationOutcome::Succeeded
        ]
    );
    // Saved with the figures found after the call.
    assert_same_record(&listed[2], &failure);
    assert!(listed[3].report.is_some() && listed[3].full_log.is_some());
    let failed_only = history::list(&store, &scope, &name, Some(InvocationOutcome::FunctionError)).await.unwrap();
    assert_eq!(failed_only.len(), 1);
    assert_same_record(&failed_only[0], &failure);
    let succeeded = history::list(&store, &scope, &name, Some(InvocationOutcome::Succeeded)).await.unwrap();
    assert_eq!(succeeded.iter().map(|r| r.id).collect::<Vec<_>>(), [success.id]);
    assert!(history::list(&store, &scope, "another-function", None).await.unwrap().is_empty());

    let comparison = compare::compare(&success, &failure);
    let request_changes: Vec<_> = comparison.request_changes.iter().map(|c| (c.path.as_str(), c.kind)).collect();
    assert_eq!(request_changes, [("$.fail", ChangeKind::Added)]);
    assert!(!comparison.response_changes.is_empty());
    let error_message = comparison.response_changes.iter().find(|c| c.path == "$.errorMessage").unwrap();
    assert_eq!((error_message.kind, error_message.after.as_deref()), (ChangeKind::Added, Some("\"boom\"")));
    let status = comparison.response_changes.iter().find(|c| c.path == "$.statusCode").unwrap();
    assert_eq!((status.kind, status.before.as_deref()), (ChangeKind::Removed, Some("200")));
    let names: Vec<_> = comparison.figures.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["Duration", "Billed duration", "Max memory used", "Init duration", "Cost", "Round trip"]);
    let duration = &comparison.figures[0];
    let (before, after) = (success.report.as_ref().unwrap().duration_ms, failure.report.as_ref().unwrap().duration_ms);
    assert_eq!(
        (duration.before, duration.after, duration.difference),
        (Some(before), Some(after), Some(after - before))
    );
    let cost = &comparison.figures[4];
    assert_eq!(cost.before, success.cost.as_ref().map(|c| c.total_usd));
    assert!(cost.after.is_some() && cost.difference.is_some(), "{cost:?}");
    assert_eq!(comparison.figures[5].before, Some(success.round_trip_ms));

    // Keep two: the next invocation prunes the older ones.
    assert_eq!(history::limit(&store).await.unwrap(), history::DEFAULT_HISTORY_LIMIT);
    assert_eq!(history::set_limit(&store, 0).await.unwrap_err().code(), ErrorCode::InvalidInput);
    history::set_limit(&store, 2).await.unwrap();
    assert_eq!(
        history::list(&store, &scope, &name, None).await.unwrap().len(),
        2,
        "the list shows as many as are kept"
    );
    assert!(history::get(&store, &scope, success.id).await.is_ok(), "the older ones are pruned on the next invocation");
    let latest = run(&connection, &store, &request(&name, InvocationKind::DryRun, "{}")).await;
    let kept: Vec<u32> = history::list(&store, &scope, &name, None).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(kept, [latest.id, dry_run.id]);
    let pruned = history::get(&store, &scope, success.id).await.unwrap_err();
    assert_eq!(pruned.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn an_event_from_the_library_is_invoked_and_named_in_the_history() {
    let local = local_aws().await;
    let name = create_function(&local, "library", 3).await;
    let (connection, store) = (local.connection(), Store::in_memory().unwrap());
    let library = EventLibrary::new(store.clone(), connection.scope());
    let content = |payload: String| EventContent { payload, invocation_kind: InvocationKind::Request, qualifier: None };
    library.create(&name, "order placed", content("{\n  \"order_id\": 42\n}".into())).await.unwrap();
    let context = template_context(&store, &connection, &name).await;
    library.create(&name, "s3 put", content(templates::render("s3-put", &context).unwrap())).await.unwrap();

    let mut records = Vec::new();
    for event_name in ["order placed", "s3 put"] {
        let event = library.get(&name, event_name).await.unwrap();
        let record = run(
            &connection,
            &store,
            &InvokeRequest {
                function_name: event.function_name.clone(),
                qualifier: event.qualifier.clone(),
                kind: event.invocation_kind,
                payload: event.payload.clone(),
                client_context: None,
                event_name: Some(event.name.clone()),
            },
        )
        .await;
        assert_eq!(record.outcome, InvocationOutcome::Succeeded, "{record:#?}");
        assert_eq!(record.event_name.as_deref(), Some(event_name));
        assert_eq!(record.request_payload, event.payload, "sent as saved");
        records.push(record);
    }

    // The function received each event: it logs the keys it got.
    assert!(tail_text(&records[0]).contains(r#""keys": ["order_id"]"#), "{}", tail_text(&records[0]));
    assert!(tail_text(&records[1]).contains(r#""keys": ["Records"]"#), "{}", tail_text(&records[1]));
    let filled = figures(&connection, &store, &records[0]).await;
    assert_eq!(filled.event_name.as_deref(), Some("order placed"));
    let listed = history::list(&store, &connection.scope(), &name, None).await.unwrap();
    let named: Vec<_> = listed.iter().map(|r| r.event_name.as_deref()).collect();
    assert_eq!(named, [Some("s3 put"), Some("order placed")]);
}
