//! `ldeck metrics` end to end against the local AWS: functions invoked a known number of
//! times (some failing), then their invocations and errors read back as JSON, CSV and
//! tables, two functions compared in one call, the Monitor set, charts drawn to SVG and
//! PNG files; and the input checks made before anything is sent.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use aws_sdk_lambda::primitives::Blob;
use lambda_deck_devtools::demo;
use support::cli::{ldeck, ldeck_offline, Run};
use support::{local_aws, LocalAwsLease};

/// How long the metrics may take to show (MiniStack records them as the call returns).
const PATIENCE: Duration = Duration::from_secs(30);

/// Python demo functions (`{"fail": "msg"}` raises), Active.
async fn create_functions(local: &LocalAwsLease, prefix: &str, count: usize) -> Vec<String> {
    let lambda = local.lambda();
    let names = demo::seed_bulk_functions(&lambda, prefix, count).await.unwrap();
    for name in &names {
        demo::wait_until_active(&lambda, name).await.unwrap();
    }
    names
}

/// Invokes `name` synchronously `ok` times successfully and `failing` times failing.
async fn invoke(local: &LocalAwsLease, name: &str, ok: usize, failing: usize) {
    let lambda = local.lambda();
    for k in 0..ok + failing {
        let payload = if k < ok { r#"{}"# } else { r#"{"fail": "asked to"}"# };
        let output = lambda.invoke().function_name(name).payload(Blob::new(payload.as_bytes())).send().await.unwrap();
        assert_eq!(output.function_error.is_some(), k >= ok, "{output:?}");
    }
}

/// A PNG's width and height, from its IHDR chunk (after the 8-byte signature).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

/// The root `<svg …>` tag's width and height.
fn svg_size(svg: &str) -> (String, String) {
    assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"), "not an SVG: {svg:.200}");
    let root = &svg[..svg.find('>').unwrap()];
    let value = |name: &str| {
        let start = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        root[start..start + root[start..].find('"').unwrap()].to_string()
    };
    (value("width"), value("height"))
}

/// The sum of a JSON series' values (gaps skipped).
fn total(series: &serde_json::Value) -> f64 {
    series["points"].as_array().unwrap().iter().filter_map(|p| p["v"].as_f64()).sum()
}

/// Runs `ldeck ARGS… --json` until `done` accepts the output, or fails after [`PATIENCE`].
fn json_until(local: &LocalAwsLease, data: &Path, args: &[&str], done: impl Fn(&serde_json::Value) -> bool) -> Run {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let run = ldeck(local, data, args);
        run.assert_success();
        if done(&run.json()) {
            return run;
        }
        assert!(Instant::now() < deadline, "the metrics did not show within {PATIENCE:?}: {}", run.stdout);
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[tokio::test]
async fn invocations_and_errors_read_back_as_json_csv_and_tables() {
    let local = local_aws().await;
    let names = create_functions(&local, "cli-metrics", 2).await;
    let (busy, quiet) = (names[0].as_str(), names[1].as_str());
    let data = support::temp_dir("cli-metrics");
    invoke(&local, busy, 3, 2).await;
    invoke(&local, quiet, 2, 0).await;

    // One metric of one function, as JSON: the series sums to the calls made.
    let args = ["metrics", busy, "--metric", "invocations", "--stat", "sum", "--range", "1h", "--json"];
    let run = json_until(&local, &data, &args, |json| total(&json["series"][0]) == 5.0);
    let json = run.json();
    assert_eq!(json["period_seconds"], 60, "{json}");
    assert_eq!(json["calls"], 1);
    let (start, end) = (json["start_ms"].as_i64().unwrap(), json["end_ms"].as_i64().unwrap());
    assert_eq!(end - start, 3_600_000);
    let series = json["series"].as_array().unwrap();
    assert_eq!(series.len(), 1);
    let invocations = &series[0];
    assert_eq!(invocations["label"], format!("{busy} Invocations Sum"));
    assert_eq!(invocations["function"], busy);
    assert_eq!(invocations["qualifier"], serde_json::Value::Null);
    assert_eq!((&invocations["metric"], &invocations["statistic"]), (&"Invocations".into(), &"Sum".into()));
    assert_eq!(invocations["unit"], "count");
    let points = invocations["points"].as_array().unwrap();
    // 60 minutes, plus one when the range does not start on a minute.
    assert!((60..=61).contains(&points.len()), "{}", points.len());
    let first = points[0]["t"].as_i64().unwrap();
    assert!(first <= start && start - first < 60_000 && first % 60_000 == 0, "{first} {start}");
    assert!(points.windows(2).all(|w| w[1]["t"].as_i64().unwrap() - w[0]["t"].as_i64().unwrap() == 60_000));
    // Settled minutes without calls are zeros; the newest minutes may still grow.
    assert_eq!(points[0]["v"], 0.0, "{}", points[0]);
    assert_eq!(points[0]["partial"], false);
    assert_eq!(points.last().unwrap()["partial"], true);
    let partial = points.iter().position(|p| p["partial"] == true).unwrap();
    assert!(points[partial..].iter().all(|p| p["partial"] == true), "partial points are the newest");
    assert!(points.len() - partial >= 3, "the last minutes that may still grow: {}", points.len() - partial);
    let period_line = run.stderr.lines().next().unwrap_or_default();
    assert!(period_line.starts_with("ldeck: 1-minute points: "), "{}", run.stderr);
    assert!(period_line.contains(", 1h from ") && period_line.contains("Z to "), "{period_line}");

    // Errors, with the statistic defaulting to Sum: the two failing calls.
    let args = ["metrics", busy, "--metric", "ERRORS", "--range", "1h", "--json"];
    let errors = json_until(&local, &data, &args, |json| total(&json["series"][0]) == 2.0).json();
    assert_eq!(errors["series"][0]["label"], format!("{busy} Errors Sum"));

    // CSV: a time column and the series' column; a row per minute, empty cells for gaps.
    let csv = ldeck(&local, &data, &["metrics", busy, "--metric", "invocations", "--range", "1h", "--csv"]);
    csv.assert_success();
    let mut lines = csv.stdout.lines();
    assert_eq!(lines.next(), Some(format!("time,{busy} Invocations Sum").as_str()));
    let rows: Vec<(&str, &str)> = lines.map(|line| line.split_once(',').unwrap()).collect();
    assert!((60..=61).contains(&rows.len()), "{}", csv.stdout);
    let (time, value) = rows[0];
    assert!(time.len() == 20 && time.ends_with(":00Z") && time.as_bytes()[10] == b'T', "{time}");
    assert_eq!(value, "0");
    let sum: f64 = rows.iter().filter(|(_, v)| !v.is_empty()).map(|(_, v)| v.parse::<f64>().unwrap()).sum();
    assert_eq!(sum, 5.0, "{}", csv.stdout);

    // Two functions compared in one call: one series each, in the order named.
    let args = ["metrics", busy, quiet, "--metric", "invocations", "--stat", "sum", "--range", "1h", "--json"];
    let compared = json_until(&local, &data, &args, |json| total(&json["series"][1]) == 2.0).json();
    let labels: Vec<&str> =
        compared["series"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(labels, [format!("{busy} Invocations Sum"), format!("{quiet} Invocations Sum")]);
    assert_eq!(compared["calls"], 1);
    assert_eq!((total(&compared["series"][0]), total(&compared["series"][1])), (5.0, 2.0));
    let csv = ldeck(&local, &data, &["metrics", busy, quiet, "--metric", "invocations", "--range", "1h", "--csv"]);
    csv.assert_success();
    assert_eq!(csv.stdout.lines().next().unwrap(), format!("time,{busy} Invocations Sum,{quiet} Invocations Sum"));
    assert!(csv.stdout.lines().skip(1).all(|row| row.split(',').count() == 3), "{}", csv.stdout);

    // The default table: a line per minute, a summary per series, `*` on partial points.
    let table = ldeck(&local, &data, &["metrics", busy, quiet, "--metric", "invocations", "--range", "1h"]);
    table.assert_success();
    let text = &table.stdout;
    assert!(text.starts_with(&format!("{busy} Invocations Sum (count)\n")), "{text}");
    assert!(text.contains(&format!("\n{quiet} Invocations Sum (count)\n")), "{text}");
    assert!(text.contains("  total 5, highest "), "{text}");
    assert!(text.contains("  total 2, highest "), "{text}");
    assert!(text.lines().any(|line| line.starts_with("  20") && line.ends_with('*')), "{text}");
    assert!(text.ends_with("* may still grow: Lambda publishes each minute's figures late.\n"), "{text}");

    // Without --metric: the Monitor set, each label led by the function.
    let args = ["metrics", busy, "--range", "1h", "--json"];
    let monitor = json_until(&local, &data, &args, |json| total(&json["series"][0]) == 5.0).json();
    let series = monitor["series"].as_array().unwrap();
    assert_eq!(series.len(), 15, "{monitor}");
    assert_eq!(series[0]["label"], format!("{busy} Invocations"));
    assert_eq!(series[1]["label"], format!("{busy} Errors"));
    assert_eq!(total(&series[1]), 2.0);
    let p99 = series.iter().find(|s| s["label"] == format!("{busy} Duration p99")).unwrap();
    assert_eq!((&p99["statistic"], &p99["unit"]), (&"p99".into(), &"ms".into()));
    assert!(p99["points"].as_array().unwrap().iter().any(|p| p["v"].as_f64().is_some_and(|v| v > 0.0)), "{p99}");

    // A chart of one metric, to SVG and PNG, instead of the table.
    let (svg_path, png_path) = (data.join("busy.svg"), data.join("busy.png"));
    let (svg_arg, png_arg) = (svg_path.to_str().unwrap(), png_path.to_str().unwrap());
    let args = ["metrics", busy, "--metric", "invocations", "--range", "1h", "--svg", svg_arg, "--png", png_arg];
    let drawn = ldeck(&local, &data, &args);
    drawn.assert_success();
    assert!(drawn.stdout.is_empty(), "no table with a chart: {}", drawn.stdout);
    assert!(drawn.stderr.contains(&format!("ldeck: wrote {svg_arg}\n")), "{}", drawn.stderr);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert_eq!(svg_size(&svg), ("960".to_string(), "320".to_string()));
    // One series: its label is the chart's title; its line is drawn in the first colour.
    assert!(svg.contains(&format!("\n{busy} Invocations Sum\n")), "{svg:.2000}");
    assert!(svg.contains("<polyline fill=\"none\" opacity=\"1\" stroke=\"#2563EB\""), "no line: {svg:.3000}");
    assert!(svg.contains("\ncount\n") && svg.contains("\npartial\n"), "unit and partial band: {svg:.3000}");
    assert_eq!(png_size(&std::fs::read(&png_path).unwrap()), (1920, 640), "drawn at 2×");

    // The Monitor set: one chart per metric, stacked, with --json still printed.
    let stack_path = data.join("monitor.svg");
    let args = ["metrics", busy, "--range", "1h", "--json", "--svg", stack_path.to_str().unwrap()];
    let drawn = ldeck(&local, &data, &args);
    drawn.assert_success();
    assert_eq!(drawn.json()["series"].as_array().unwrap().len(), 15);
    let svg = std::fs::read_to_string(&stack_path).unwrap();
    assert_eq!(svg_size(&svg), ("960".to_string(), (11 * 320).to_string()), "11 metrics");
    for text in [format!("{busy} Invocations"), format!("{busy} Duration p99"), "Duration".into(), "ms".into()] {
        assert!(svg.contains(&format!("\n{text}\n")), "{text} not drawn");
    }
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn typos_are_refused_naming_the_option_before_anything_is_sent() {
    // Well typed, it is sent (and fails: nothing listens there).
    let sent = ldeck_offline(&["metrics", "orders", "--metric", "duration", "--stat", "p99.9", "--range", "3h"]);
    sent.assert_failure();
    assert!(sent.stderr.starts_with("ldeck: error: Cannot reach AWS at http://127.0.0.1:9"), "{}", sent.stderr);

    let refused = |args: &[&str], expected: &str| {
        let mut all = vec!["metrics"];
        all.extend_from_slice(args);
        let run = ldeck_offline(&all);
        run.assert_failure();
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert_eq!(run.stderr, format!("ldeck: error: {expected}\n"), "{args:?}");
    };
    refused(
        &["orders", "--metric", "invocation"],
        "--metric: \"invocation\" is not a Lambda metric: write invocations, errors, throttles, duration, \
         concurrent-executions, async-events-received, async-event-age, async-events-dropped, \
         destination-delivery-failures, dead-letter-errors or iterator-age",
    );
    refused(
        &["orders", "--metric", "errors", "--stat", "p120"],
        "--stat: A percentile is between p0 and p100, not p120",
    );
    refused(
        &["orders", "--metric", "duration", "--stat", "median"],
        "--stat: \"median\" is not a statistic: write sum, average, minimum, maximum, samplecount, or a percentile \
         such as p50, p90, p95, p99 or p99.9",
    );
    refused(
        &["orders", "--stat", "sum"],
        "--stat: Name the metric too (--metric): without it, each function's Monitor set is read, each series at \
         its own statistic",
    );
    refused(
        &["orders", "--range", "3x"],
        "--range: \"3x\" is not a time range: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w, a duration such as 90m or \
         10d, or START..END with RFC 3339 times such as 2026-11-29T10:00:00Z..2026-11-29T12:00:00Z",
    );
    refused(
        &["orders", "--range", "500d"],
        "--range: A range is at most 455 days: CloudWatch keeps no metrics older than that",
    );
    refused(&["orders", "--qualifier", "no spaces"], "--qualifier: \"no spaces\" is not a version or alias name");
    refused(
        &["orders:live", "--qualifier", "blue"],
        "--qualifier: \"blue\" differs from the qualifier of orders:live; give one of them",
    );
    // Files to draw to: checked before anything is sent.
    refused(&["orders", "--svg", "/no-such-folder/chart.svg"], "--svg: The folder /no-such-folder does not exist");
    let folder = std::env::temp_dir();
    let folder = folder.to_str().unwrap();
    refused(
        &["orders", "--metric", "errors", "--png", folder],
        &format!("--png: {folder} is a folder: name a file in it"),
    );
    // Several at fault: one line naming each.
    refused(
        &["orders", "--range", "yesterday", "--metric", "errors", "--stat", "p101"],
        "--range: \"yesterday\" is not a time range: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w, a duration such as 90m \
         or 10d, or START..END with RFC 3339 times such as 2026-11-29T10:00:00Z..2026-11-29T12:00:00Z; \
         --stat: A percentile is between p0 and p100, not p101",
    );
    // A function name is checked first, as by every command.
    let bad_name = ldeck_offline(&["metrics", "orders", "my function", "--metric", "nope"]);
    bad_name.assert_failure();
    assert!(
        bad_name.stderr.starts_with("ldeck: error: \"my function\" is not a Lambda function name or ARN"),
        "{}",
        bad_name.stderr
    );
    assert_eq!(bad_name.stderr.lines().count(), 1, "{}", bad_name.stderr);
}
