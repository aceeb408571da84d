//! Reading Lambda's metrics back from the local AWS: a function invoked a known number of
//! times with known sleeps, then its invocations, errors and duration percentiles read
//! through the core's GetMetricData reader; and the list's trends, where a function that
//! never ran has no data rather than zeros.

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use lambda_deck::aws::AwsConnection;
use lambda_deck::metrics::query::{self, monitor_specs, trend_specs, ReadSummary, Series, SeriesSpec};
use lambda_deck::pacing::RateLimiter;
use lambda_deck_devtools::demo;
use support::{local_aws, LocalAwsLease};

const MINUTE_MS: f64 = 60_000.0;
/// How long the metrics may take to show (MiniStack records them as the call returns).
const PATIENCE: Duration = Duration::from_secs(30);

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as f64
}

/// Python demo functions (`{"fail": "msg"}` raises, `{"delay_ms": N}` sleeps), Active.
async fn create_functions(local: &LocalAwsLease, prefix: &str, count: usize) -> Vec<String> {
    let lambda = local.lambda();
    let names = demo::seed_bulk_functions(&lambda, prefix, count).await.unwrap();
    for name in &names {
        demo::wait_until_active(&lambda, name).await.unwrap();
    }
    names
}

/// Invokes synchronously; returns the round trip in ms and whether the function failed.
async fn invoke(local: &LocalAwsLease, name: &str, payload: serde_json::Value) -> (f64, bool) {
    let started = Instant::now();
    let output = local
        .lambda()
        .invoke()
        .function_name(name)
        .invocation_type(InvocationType::RequestResponse)
        .payload(Blob::new(serde_json::to_vec(&payload).unwrap()))
        .send()
        .await
        .unwrap();
    (started.elapsed().as_secs_f64() * 1000.0, output.function_error.is_some())
}

/// Waits, if needed, so that at least `seconds` remain in the current minute: the
/// invocations that follow then land in one one-minute period.
async fn leave_room_in_this_minute(seconds: f64) {
    let into_minute = now_ms() % MINUTE_MS;
    if MINUTE_MS - into_minute < seconds * 1000.0 {
        tokio::time::sleep(Duration::from_millis((MINUTE_MS - into_minute) as u64 + 200)).await;
    }
}

async fn read(connection: &AwsConnection, specs: &[SeriesSpec], start_ms: f64, end_ms: f64) -> ReadSummary {
    let pacer = RateLimiter::for_metric_reads(&connection.scope());
    query::read_series(&connection.cloudwatch(), &connection.endpoint_label(), &pacer, specs, start_ms, end_ms, 60)
        .await
        .unwrap()
}

/// Reads until `done` accepts the reading, or fails after [`PATIENCE`].
async fn read_until(
    connection: &AwsConnection,
    specs: &[SeriesSpec],
    start_ms: f64,
    end_ms: f64,
    done: impl Fn(&ReadSummary) -> bool,
) -> ReadSummary {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let reading = read(connection, specs, start_ms, end_ms).await;
        if done(&reading) {
            return reading;
        }
        assert!(Instant::now() < deadline, "the metrics did not show within {PATIENCE:?}: {reading:#?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn series<'a>(reading: &'a ReadSummary, label: &str) -> &'a Series {
    reading.series.iter().find(|s| s.label == label).unwrap_or_else(|| panic!("no series {label}"))
}

/// The bounds a percentile of the durations must fall in: Lambda's durations are at least
/// the handler's sleeps and at most the calls' round trips, so the p-th percentile lies
/// between the sleeps' value at the rank below and the round trips' at the rank above
/// (whether CloudWatch interpolates or takes the nearest rank).
fn percentile_bounds(sleeps: &[f64], round_trips: &[f64], p: f64) -> (f64, f64) {
    let sorted = |values: &[f64]| {
        let mut values = values.to_vec();
        values.sort_by(f64::total_cmp);
        values
    };
    let (sleeps, round_trips) = (sorted(sleeps), sorted(round_trips));
    let rank = p / 100.0 * (sleeps.len() - 1) as f64;
    (sleeps[rank.floor() as usize], round_trips[rank.ceil() as usize] + 1.0)
}

#[tokio::test]
async fn invocations_errors_and_duration_percentiles_read_back() {
    let local = local_aws().await;
    let name = create_functions(&local, "metrics", 1).await.remove(0);
    let connection = local.connection();

    // Five calls in one minute: three succeed, two fail, each sleeping a known time. The
    // longest goes first, so that the worker's cold start adds to the maximum only.
    leave_room_in_this_minute(25.0).await;
    let minute_start = (now_ms() / MINUTE_MS).floor() * MINUTE_MS;
    let calls = [(800.0, false), (100.0, true), (200.0, false), (100.0, true), (400.0, false)];
    let (mut sleeps, mut round_trips) = (Vec::new(), Vec::new());
    for (sleep_ms, fail) in calls {
        let payload = if fail {
            serde_json::json!({"fail": "asked to", "delay_ms": sleep_ms})
        } else {
            serde_json::json!({"delay_ms": sleep_ms})
        };
        let (round_trip, failed) = invoke(&local, &name, payload).await;
        assert_eq!(failed, fail);
        sleeps.push(sleep_ms);
        round_trips.push(round_trip);
    }
    assert!(now_ms() < minute_start + MINUTE_MS, "the calls spilled into the next minute");

    // Five minutes before the calls' minute, to a minute after now: seven periods, the
    // calls' one sixth.
    let (start, end) = (minute_start - 5.0 * MINUTE_MS, now_ms() + MINUTE_MS);
    let specs = monitor_specs(&name, None);
    let reading = read_until(&connection, &specs, start, end, |reading| {
        series(reading, "Invocations").values[5] == Some(5.0) && series(reading, "Errors").values[5] == Some(2.0)
    })
    .await;
    assert_eq!(reading.calls, 1, "{} series fit in one call", specs.len());

    let invocations = series(&reading, "Invocations");
    assert_eq!(invocations.timestamps_ms.len(), 7);
    assert_eq!(invocations.timestamps_ms[5], minute_start);
    assert_eq!(invocations.partial_from_ms, Some(minute_start - 3.0 * MINUTE_MS));
    // Settled minutes without calls are zeros; the ones that may still fill in are gaps.
    assert_eq!(invocations.values, [Some(0.0), Some(0.0), None, None, None, Some(5.0), None]);
    let errors = series(&reading, "Errors");
    assert_eq!(errors.values[..2], [Some(0.0), Some(0.0)]);
    let rate = query::success_rate(&invocations.values, &errors.values);
    assert_eq!(rate[5], Some(60.0));
    assert_eq!(series(&reading, "Throttles").values[5].unwrap_or(0.0), 0.0);

    // Duration: gaps wherever nothing ran, and the statistics of the five calls.
    let duration = |label: &str| {
        let series = series(&reading, label);
        assert_eq!(series.spec.metric.unit(), "ms");
        assert!(series.values.iter().enumerate().all(|(k, v)| k == 5 || v.is_none()), "{series:?}");
        series.values[5].unwrap_or_else(|| panic!("no {label}: {series:?}"))
    };
    let (average, p50, p90, p99, max) = (
        duration("Duration average"),
        duration("Duration p50"),
        duration("Duration p90"),
        duration("Duration p99"),
        duration("Duration max"),
    );
    let summary = format!(
        "average {average:.1}, p50 {p50:.1}, p90 {p90:.1}, p99 {p99:.1}, max {max:.1} ms; sleeps {sleeps:?}, round trips {round_trips:.1?}"
    );
    for (p, value) in [(50.0, p50), (90.0, p90), (99.0, p99), (100.0, max)] {
        let (low, high) = percentile_bounds(&sleeps, &round_trips, p);
        assert!((low..=high).contains(&value), "p{p} {value} not in {low}..={high}: {summary}");
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
    assert!((mean(&sleeps)..=mean(&round_trips) + 1.0).contains(&average), "{summary}");
    assert!(p50 <= p90 && p90 <= p99 && p99 <= max, "{summary}");
    eprintln!("{name}: {summary}");
    for absent in reading.series.iter().filter(|s| s.values.iter().all(Option::is_none)) {
        eprintln!("no data from the local AWS for {}", absent.label);
    }
}

#[tokio::test]
async fn the_list_trends_show_no_data_for_a_function_that_never_ran() {
    let local = local_aws().await;
    let names = create_functions(&local, "trend", 2).await;
    let connection = local.connection();

    leave_room_in_this_minute(15.0).await;
    let minute_start = (now_ms() / MINUTE_MS).floor() * MINUTE_MS;
    for _ in 0..3 {
        invoke(&local, &names[0], serde_json::json!({})).await;
    }

    let (start, end) = (minute_start - 10.0 * MINUTE_MS, now_ms());
    let specs = trend_specs(&names);
    let reading = read_until(&connection, &specs, start, end, |reading| {
        reading.series[0].values.iter().flatten().sum::<f64>() == 3.0
    })
    .await;

    assert_eq!(reading.calls, 1);
    let labels: Vec<&str> = reading.series.iter().map(|s| s.label.as_str()).collect();
    let expected: Vec<String> =
        names.iter().flat_map(|n| [format!("{n} Invocations"), format!("{n} Errors")]).collect();
    assert_eq!(labels, expected);
    let [ran, ran_errors, idle, idle_errors] = &reading.series[..] else { panic!("{reading:#?}") };
    assert_eq!(ran.values.len(), 11);
    assert_eq!(ran.values[10], Some(3.0));
    assert_eq!(ran.values[0], Some(0.0), "a settled minute without calls is a zero");
    assert!(ran_errors.values[10].is_none_or(|errors| errors == 0.0), "{ran_errors:?}");
    for never_ran in [idle, idle_errors] {
        assert!(never_ran.values.iter().all(Option::is_none), "no data, not zeros: {never_ran:?}");
    }
}
