//! The Monitor tab, a comparison and the list's trends read from the local AWS's real
//! Lambda metrics: functions invoked a known number of times, then read through the core's
//! `metrics::monitor` as the app reads them; the Monitor tab priced from the saved
//! configuration and shown saved when AWS cannot be reached; the trends read in
//! ⌈2n / 500⌉ calls and not again while fresh.
//!
//! MiniStack publishes only the FunctionName dimension, and Duration only for synchronous
//! invocations, so every call here is synchronous and no qualifier is read.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use lambda_deck::aws::AwsConnection;
use lambda_deck::functions::FunctionDetails;
use lambda_deck::metrics::monitor::{
    read_compare, read_monitor, refresh_trends, saved_monitor, saved_trends, CompareRequest, CompareTarget,
    MetricsReading, MonitorChart, MonitorRequest, TrendsRead,
};
use lambda_deck::metrics::query::{LambdaMetric, Statistic};
use lambda_deck::pricing::estimate_range_cost;
use lambda_deck::store::Store;
use lambda_deck::{ErrorCode, Scope};
use lambda_deck_devtools::demo;
use support::{local_aws, LocalAwsLease};
use tokio_util::sync::CancellationToken;

/// How long the metrics may take to show (MiniStack records them as the call returns).
const PATIENCE: Duration = Duration::from_secs(30);
/// Nothing listens on the discard port of the loopback.
const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as f64
}

/// Python demo functions (`{"delay_ms": N}` sleeps), Active.
async fn create_functions(local: &LocalAwsLease, prefix: &str, count: usize) -> Vec<String> {
    let lambda = local.lambda();
    let names = demo::seed_bulk_functions(&lambda, prefix, count).await.unwrap();
    for name in &names {
        demo::wait_until_active(&lambda, name).await.unwrap();
    }
    names
}

/// Invokes `name` synchronously `times` times, each sleeping `delay_ms`.
async fn invoke(local: &LocalAwsLease, name: &str, times: usize, delay_ms: u32) {
    let lambda = local.lambda();
    for _ in 0..times {
        let output = lambda
            .invoke()
            .function_name(name)
            .invocation_type(InvocationType::RequestResponse)
            .payload(Blob::new(serde_json::to_vec(&serde_json::json!({ "delay_ms": delay_ms })).unwrap()))
            .send()
            .await
            .unwrap();
        assert!(output.function_error.is_none(), "{name} failed");
    }
}

/// A connection with the local AWS's scope to a closed port: anything sent fails with a
/// network error, at once (no retries).
fn unreachable_connection(scope: &Scope) -> AwsConnection {
    let credentials = aws_credential_types::Credentials::new("000000000000", "x", None, None, "closed-port-test");
    let config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(scope.region.clone()))
        .endpoint_url(CLOSED_ENDPOINT)
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .retry_config(RetryConfig::disabled())
        .build();
    AwsConnection::from_sdk_config(config, Some(scope.profile.clone())).unwrap()
}

fn chart<'a>(reading: &'a MetricsReading, id: &str) -> &'a MonitorChart {
    reading.charts.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no chart {id}: {reading:#?}"))
}

/// The sum of a chart's `index`-th series over the range.
fn total(chart: &MonitorChart, index: usize) -> f64 {
    chart.series[index].values.iter().flatten().sum()
}

/// Repeats `read` until `done` accepts its answer, or fails after [`PATIENCE`].
async fn until<T: std::fmt::Debug, F: std::future::Future<Output = T>>(
    mut read: impl FnMut() -> F,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let answer = read().await;
        if done(&answer) {
            return answer;
        }
        assert!(Instant::now() < deadline, "the metrics did not show within {PATIENCE:?}: {answer:#?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn the_monitor_tab_reads_counts_and_durations_prices_them_and_shows_them_saved_offline() {
    let local = local_aws().await;
    let name = create_functions(&local, "monitor", 1).await.remove(0);
    let connection = local.connection();
    let scope = connection.scope();
    let store = Store::in_memory().unwrap();
    // The function's configuration is saved as the app saves it on selection.
    let details = FunctionDetails::refresh(&connection, &store, &name, &CancellationToken::new()).await.unwrap();
    let summary = details.configuration.expect("configuration").summary;
    let memory_mb = u32::try_from(summary.memory_size.expect("memory size")).unwrap();
    let architecture = summary.architectures.first().cloned().unwrap_or_else(|| "x86_64".into());

    const CALLS: usize = 5;
    invoke(&local, &name, CALLS, 50).await;

    let request = MonitorRequest { function_name: name.clone(), qualifier: None, range: "1h".into() };
    let reading = until(
        || read_monitor(&connection, &store, &scope, &request, now_ms()),
        |reading| {
            let reading = reading.as_ref().unwrap();
            total(chart(reading, "invocations"), 0) == CALLS as f64 && chart(reading, "duration").has_data
        },
    )
    .await
    .unwrap();

    assert!(!reading.saved && reading.notice.is_none(), "{reading:#?}");
    assert_eq!(reading.calls, 1, "16 series of 60 points fit one call");
    assert_eq!(reading.period_seconds, 60);
    assert_eq!(reading.key, format!("monitor:{name}:1h"));
    assert_eq!(total(chart(&reading, "errors"), 0), 0.0);
    let success = &chart(&reading, "success_rate").series[0];
    assert!(success.values.iter().flatten().all(|rate| *rate == 100.0), "{success:?}");
    assert!(success.values.iter().any(Option::is_some));
    let duration = chart(&reading, "duration");
    let labels: Vec<&str> = duration.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["Duration average", "Duration p50", "Duration p90", "Duration p99", "Duration max"]);
    // Nothing asynchronous happened: those charts have no data, and the UI says so.
    for id in ["async_events", "async_age", "iterator_age"] {
        assert!(!chart(&reading, id).has_data, "{id}: {:?}", chart(&reading, id));
    }

    // The cost: 5 requests and the durations' sum, at the saved memory and architecture.
    // All calls ran in one or two minutes; the average times the count of each minute is
    // that minute's Duration Sum.
    let invocations = &chart(&reading, "invocations").series[0];
    let duration_sum_ms: f64 = duration.series[0]
        .values
        .iter()
        .zip(&invocations.values)
        .filter_map(|(average, count)| Some(average.as_ref()? * count.as_ref()?))
        .sum();
    assert!(duration_sum_ms >= CALLS as f64 * 50.0, "each call slept 50 ms: {duration_sum_ms}");
    let cost = reading.cost.clone().expect("priced from the saved configuration");
    let expected = estimate_range_cost(&scope.region, &architecture, 5.0, duration_sum_ms, memory_mb, 512);
    assert_eq!(cost.invocations, 5.0);
    assert_eq!(
        (cost.architecture.as_str(), cost.priced_as_region.as_str()),
        (expected.architecture.as_str(), "us-east-1")
    );
    assert_eq!(cost.request_usd, expected.request_usd);
    assert!((cost.gb_seconds - expected.gb_seconds).abs() <= 1e-9 * expected.gb_seconds, "{cost:?} vs {expected:?}");
    assert!((cost.total_usd - expected.total_usd).abs() <= 1e-9 * expected.total_usd, "{cost:?} vs {expected:?}");
    eprintln!("{name}: {CALLS} calls, {duration_sum_ms:.1} ms in all, estimated ${:.10}", cost.total_usd);

    // AWS unreachable: the same charts, saved, with their age and why.
    let offline = unreachable_connection(&scope);
    let shown = read_monitor(&offline, &store, &scope, &request, now_ms()).await.unwrap();
    assert!(shown.saved);
    assert_eq!(shown.calls, 0);
    assert_eq!(shown.fetched_at, reading.fetched_at);
    let notice = shown.notice.as_deref().unwrap_or_default();
    assert!(notice.starts_with("Cannot reach AWS: showing the charts saved "), "{notice}");
    assert!(shown.saved_age.is_some());
    assert_eq!(total(chart(&shown, "invocations"), 0), CALLS as f64);
    assert_eq!(chart(&shown, "duration").series, duration.series);
    assert_eq!(shown.cost, reading.cost);
    assert_eq!(saved_monitor(&store, &scope, &request).await.unwrap().unwrap().fetched_at, reading.fetched_at);

    // Another range was never read: the network error itself. Bad input: refused as such.
    let never = MonitorRequest { range: "3h".into(), ..request.clone() };
    let err = read_monitor(&offline, &store, &scope, &never, now_ms()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network, "{err}");
    let bad = MonitorRequest { function_name: format!("{name} "), qualifier: Some("no way".into()), ..request };
    let err = read_monitor(&offline, &store, &scope, &bad, now_ms()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
}

#[tokio::test]
async fn a_comparison_reads_each_function_on_one_chart() {
    let local = local_aws().await;
    let names = create_functions(&local, "compare", 2).await;
    let connection = local.connection();
    let scope = connection.scope();
    let store = Store::in_memory().unwrap();
    invoke(&local, &names[0], 2, 0).await;
    invoke(&local, &names[1], 4, 0).await;

    let request = CompareRequest {
        targets: names
            .iter()
            .map(|name| CompareTarget { function_name: name.clone(), qualifier: None, executed_version: None })
            .collect(),
        metric: LambdaMetric::Invocations,
        statistic: Statistic::Sum,
        range: "1h".into(),
    };
    let reading = until(
        || read_compare(&connection, &store, &scope, &request, now_ms()),
        |reading| {
            let chart = &reading.as_ref().unwrap().charts[0];
            (total(chart, 0), total(chart, 1)) == (2.0, 4.0)
        },
    )
    .await
    .unwrap();

    assert_eq!(reading.calls, 1);
    assert_eq!(reading.charts.len(), 1);
    let only = &reading.charts[0];
    assert_eq!((only.id.as_str(), only.title.as_str()), ("compare", "Invocations Sum"));
    let labels: Vec<&str> = only.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, [names[0].as_str(), names[1].as_str()]);
    assert_eq!(reading.key, format!("compare:invocations:Sum:{},{}:1h", names[0], names[1]));

    let shown = read_compare(&unreachable_connection(&scope), &store, &scope, &request, now_ms()).await.unwrap();
    assert!(shown.saved);
    assert_eq!(shown.charts[0].series, only.series);
}

#[tokio::test]
async fn the_list_trends_are_read_in_batched_calls_and_not_again_while_fresh() {
    let local = local_aws().await;
    let names = create_functions(&local, "trends", 3).await;
    let connection = local.connection();
    let scope = connection.scope();
    let store: Arc<Store> = Store::in_memory().unwrap();
    invoke(&local, &names[0], 3, 0).await;
    invoke(&local, &names[1], 1, 0).await;

    // Max age 0: every call reads all three again, until the metrics show.
    let read = until(
        || refresh_trends(&connection, &store, &scope, &names, 0, now_ms()),
        |read| {
            let totals: Vec<f64> = read.as_ref().unwrap().trends.iter().map(|t| t.total_invocations).collect();
            totals == [3.0, 1.0, 0.0]
        },
    )
    .await
    .unwrap();

    assert_eq!(read.calls, 1, "⌈2 × 3 / 500⌉");
    assert_eq!(read.notice, None);
    let shown: Vec<&str> = read.trends.iter().map(|t| t.function_name.as_str()).collect();
    assert_eq!(shown, names.iter().map(String::as_str).collect::<Vec<_>>());
    for trend in &read.trends {
        assert_eq!((trend.invocations.len(), trend.errors.len()), (24, 24), "{trend:?}");
        assert_eq!(trend.total_errors, 0.0);
    }
    assert!(read.trends[2].invocations.iter().all(Option::is_none), "never invoked: no data, not zeros");
    // The calls were made seconds ago: in the current hour, or the one before if it just
    // turned; earlier hours have settled and are zeros.
    let ran = &read.trends[0].invocations;
    assert_eq!(ran[22].unwrap_or(0.0) + ran[23].unwrap_or(0.0), 3.0, "{ran:?}");
    assert_eq!(ran[0], Some(0.0), "{ran:?}");

    // Within five minutes: nothing is read again.
    let again: TrendsRead = refresh_trends(&connection, &store, &scope, &names, 300, now_ms()).await.unwrap();
    assert_eq!(again.calls, 0);
    assert_eq!(again.trends, read.trends);
    assert_eq!(saved_trends(&store, &scope, &names).await.unwrap(), read.trends);
    // Unreachable and stale: the saved ones, said so.
    let offline = refresh_trends(&unreachable_connection(&scope), &store, &scope, &names, 0, now_ms()).await.unwrap();
    assert_eq!(offline.trends, read.trends);
    assert!(
        offline.notice.as_deref().unwrap_or_default().starts_with("Cannot reach AWS: 3 of 3 trends"),
        "{offline:?}"
    );
}
