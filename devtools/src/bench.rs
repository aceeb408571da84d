//! Benchmarks behind `make bench` (figures go to BENCHMARKS.md). Each compares variants
//! in one run, interleaved, so machine noise hits them alike; medians are reported.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lambda_deck::aws::AwsConnection;
use lambda_deck::functions::sync::{self, FunctionListView};
use lambda_deck::metrics::chart::{self, ChartData, ChartLayout, ChartTheme, ChartUnit};
use lambda_deck::metrics::monitor;
use lambda_deck::metrics::period::TimeRange;
use lambda_deck::metrics::query::{LambdaMetric, Series, SeriesSpec, Statistic};
use lambda_deck::pacing::{RateLimiter, CONTROL_PLANE_BURST, CONTROL_PLANE_RATE};
use lambda_deck::store::Store;
use lambda_deck::Scope;
use tokio_util::sync::CancellationToken;

use crate::{demo, synthetic, LocalAws};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Median of the samples (sorted in place).
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// (a) A full refresh of `functions` functions from the local AWS: the app's sync
/// (paced, progress, store replace) against a bare SDK paginator making the same calls,
/// unpaced and paced like the sync.
pub async fn refresh(functions: usize, rounds: usize) -> Result<(), BoxError> {
    let local = LocalAws::start()?;
    let client = aws_sdk_lambda::Client::new(&local.sdk_config());
    let seeding = Instant::now();
    demo::seed_bulk_functions(&client, "bench", functions).await?;
    println!("seeded {functions} functions in {:.1?}", seeding.elapsed());
    let dir = std::env::temp_dir().join(format!("ldeck-bench-refresh-{}", std::process::id()));
    let store = Store::open(&dir.join("lambda-deck.sqlite3"))?;

    let (mut bare, mut paced, mut app) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let started = Instant::now();
        let listed = bare_paginator(&client, None).await?;
        bare.push(started.elapsed());

        let pacer = RateLimiter::new(CONTROL_PLANE_RATE, CONTROL_PLANE_BURST);
        let started = Instant::now();
        let listed_paced = bare_paginator(&client, Some(&pacer)).await?;
        paced.push(started.elapsed());

        // A fresh profile label per round: a fresh token bucket, as for the paced baseline.
        let connection = AwsConnection::from_sdk_config(local.sdk_config(), Some(format!("bench-{round}")))?;
        let started = Instant::now();
        let synced = sync::refresh_function_list(&connection, &store, &|_| {}, &CancellationToken::new()).await?;
        app.push(started.elapsed());

        assert_eq!((listed, listed_paced, synced.functions.len()), (functions, functions, functions));
    }
    std::fs::remove_dir_all(&dir).ok();
    let (bare, paced, app) = (median(&mut bare), median(&mut paced), median(&mut app));
    let pages = functions.div_ceil(50);
    println!("refresh of {functions} functions ({pages} ListFunctions calls), median of {rounds} interleaved rounds:");
    println!("  bare SDK paginator, unpaced:              {bare:>10.1?}");
    println!("  bare SDK paginator, paced {CONTROL_PLANE_RATE}/s burst {CONTROL_PLANE_BURST}: {paced:>10.1?}");
    println!("  Lambda Deck sync (paced, store, progress): {app:>10.1?}");
    println!("  ratio sync / paced paginator:   {:.3}", app.as_secs_f64() / paced.as_secs_f64());
    println!("  ratio sync / unpaced paginator: {:.3}", app.as_secs_f64() / bare.as_secs_f64());
    Ok(())
}

/// Every page through the SDK's paginator, optionally paced; returns the function count.
async fn bare_paginator(client: &aws_sdk_lambda::Client, pacer: Option<&RateLimiter>) -> Result<usize, BoxError> {
    let mut pages = client.list_functions().max_items(50).into_paginator().send();
    let mut count = 0;
    loop {
        if let Some(pacer) = pacer {
            pacer.acquire().await;
        }
        let Some(page) = pages.next().await else { break };
        count += page?.functions.unwrap_or_default().len();
    }
    Ok(count)
}

/// (b) Loading `functions` saved functions from the store into the list the UI receives,
/// and that list serialized as it crosses IPC.
pub fn load_cache(functions: usize, rounds: usize) -> Result<(), BoxError> {
    let dir = std::env::temp_dir().join(format!("ldeck-bench-load-{}", std::process::id()));
    let path = dir.join("lambda-deck.sqlite3");
    let scope = Scope { profile: "bench".into(), region: "eu-west-1".into() };
    synthetic::seed_store(&path, &scope, functions)?;
    // A freshly opened store, as at app start.
    let store: Arc<Store> = Store::open(&path)?;
    let (mut load, mut load_and_serialize) = (Vec::new(), Vec::new());
    let mut bytes = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let view = FunctionListView::load(&store, &scope, None)?;
        load.push(started.elapsed());
        let json = serde_json::to_string(&view)?;
        load_and_serialize.push(started.elapsed());
        assert_eq!(view.functions.len(), functions);
        bytes = json.len();
    }
    std::fs::remove_dir_all(&dir).ok();
    println!("loading {functions} saved functions, median of {rounds} rounds:");
    println!("  store -> Vec<FunctionSummary>:        {:>8.2?}", median(&mut load));
    println!("  … and serialized for IPC ({} KB): {:>8.2?}", bytes / 1024, median(&mut load_and_serialize));
    Ok(())
}

/// (a) of the Test tab: `ldeck invoke FUNCTION --event NAME` (a saved event; figures and
/// cost included, read from the log group) against `aws lambda invoke` of the same payload,
/// each a whole process, interleaved round by round on one function of the local AWS.
pub async fn invoke_cli(ldeck: &std::path::Path, aws: &std::path::Path, rounds: usize) -> Result<(), BoxError> {
    let local = LocalAws::start()?;
    let client = aws_sdk_lambda::Client::new(&local.sdk_config());
    let name = demo::seed_bulk_functions(&client, "bench-invoke", 1).await?.remove(0);
    demo::wait_until_active(&client, &name).await?;
    let data_dir = std::env::temp_dir().join(format!("lambda-deck-bench-invoke-{}", std::process::id()));
    let payload = r#"{"hello": "world", "delay_ms": 0}"#;
    let ldeck_command = |args: &[&str]| {
        let mut command = std::process::Command::new(ldeck);
        command.args(args).envs(local.client_env()).env("LDECK_DATA_DIR", &data_dir);
        command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        command
    };
    let out_file = data_dir.join("aws-out.json");
    let aws_command = || {
        let mut command = std::process::Command::new(aws);
        command
            .args(["lambda", "invoke", "--function-name", &name, "--payload", payload])
            .args(["--region", "us-east-1", "--endpoint-url", &local.endpoint_url()])
            .arg(&out_file)
            .envs(local.client_env())
            .stdout(std::process::Stdio::null());
        command
    };
    std::fs::create_dir_all(&data_dir)?;
    let added = ldeck_command(&["events", "add", &name, "bench", "--payload", payload]).status()?;
    if !added.success() {
        return Err("ldeck events add failed".into());
    }
    let time = |mut command: std::process::Command, what: &str| -> Result<Duration, BoxError> {
        let started = Instant::now();
        let status = command.status()?;
        if !status.success() {
            return Err(format!("{what} exited with {status}").into());
        }
        Ok(started.elapsed())
    };
    // One warm-up each: the function's worker, the Python imports of the AWS CLI.
    time(ldeck_command(&["invoke", &name, "--event", "bench"]), "ldeck invoke")?;
    time(aws_command(), "aws lambda invoke")?;
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours.push(time(ldeck_command(&["invoke", &name, "--event", "bench"]), "ldeck invoke")?);
        theirs.push(time(aws_command(), "aws lambda invoke")?);
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!("invoke (a): ldeck invoke --event (figures and cost included) vs aws lambda invoke, {rounds} rounds interleaved");
    println!("  ldeck invoke      median {:>8.1} ms", ours.as_secs_f64() * 1000.0);
    println!("  aws lambda invoke median {:>8.1} ms", theirs.as_secs_f64() * 1000.0);
    println!("  ratio {:.3} (goal <= 0.5)", ours.as_secs_f64() / theirs.as_secs_f64());
    let _ = std::fs::remove_dir_all(&data_dir);
    Ok(())
}

/// For (b): the bare SDK call the window's Invoke is compared with. Reads one line per
/// invocation on stdin (`FUNCTION PAYLOAD`), invokes with one long-lived client
/// (RequestResponse, LogType Tail, as the app does) and prints the milliseconds it took.
pub async fn sdk_invoke_server() -> Result<(), BoxError> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
    let client = aws_sdk_lambda::Client::new(&config);
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut stdout = tokio::io::stdout();
    while let Some(line) = lines.next_line().await? {
        let Some((function, payload)) = line.split_once(' ') else { continue };
        let started = Instant::now();
        client
            .invoke()
            .function_name(function)
            .log_type(aws_sdk_lambda::types::LogType::Tail)
            .payload(aws_sdk_lambda::primitives::Blob::new(payload.as_bytes()))
            .send()
            .await?;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        stdout.write_all(format!("{elapsed:.3}\n").as_bytes()).await?;
        stdout.flush().await?;
    }
    Ok(())
}

/// Charts: drawing (a) 10,000 points in 5 series of 2,000 to SVG, (b) 90,000 points in 5
/// series of 18,000 to SVG, (c) the chart of (a) to PNG (drawn at 2×, encoded), each on a
/// 1,200 × 360 chart, interleaved round by round after 3 warm-up rounds.
pub fn chart(rounds: usize) -> Result<(), BoxError> {
    let layout = ChartLayout { width_px: 1200, height_px: 360, theme: ChartTheme::Light, utc_offset_minutes: 60 };
    let small = bench_chart(5, 2_000);
    let large = bench_chart(5, 18_000);
    let (mut svg_small, mut svg_large, mut png_small) = (Vec::new(), Vec::new(), Vec::new());
    let (mut small_bytes, mut large_bytes, mut png_bytes) = (0, 0, 0);
    for round in 0..rounds + 3 {
        let started = Instant::now();
        let a = chart::render_svg(&small, &layout)?;
        let a_time = started.elapsed();
        let started = Instant::now();
        let b = chart::render_svg(&large, &layout)?;
        let b_time = started.elapsed();
        let started = Instant::now();
        let c = chart::render_png(&small, &layout)?;
        let c_time = started.elapsed();
        if round >= 3 {
            svg_small.push(a_time);
            svg_large.push(b_time);
            png_small.push(c_time);
        }
        (small_bytes, large_bytes, png_bytes) = (a.svg.len(), b.svg.len(), c.len());
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("charts of 5 series on 1,200 × 360 px, {rounds} interleaved rounds (after 3 warm-up rounds):");
    for (what, samples, bytes) in [
        ("(a) 10,000 points (5 × 2,000) to SVG ", &mut svg_small, small_bytes),
        ("(b) 90,000 points (5 × 18,000) to SVG", &mut svg_large, large_bytes),
        ("(c) 10,000 points (5 × 2,000) to PNG ", &mut png_small, png_bytes),
    ] {
        let median = median(samples);
        let p95 = samples[(samples.len() * 95).div_ceil(100).saturating_sub(1)];
        println!("  {what}  median {:>7.2} ms  p95 {:>7.2} ms  ({} KB)", ms(median), ms(p95), bytes / 1024);
    }
    println!("  goal (a) <= 16 ms: {}", if ms(median(&mut svg_small)) <= 16.0 { "met" } else { "not met" });
    Ok(())
}

/// `series` series of `points` one-minute points each: waves with noise, a few gaps, the
/// newest minutes partial.
fn bench_chart(series: usize, points: usize) -> ChartData {
    let start = 1_800_000_000_000.0;
    let end = start + points as f64 * 60_000.0;
    let series = (0..series)
        .map(|s| {
            let spec =
                SeriesSpec::new("bench", LambdaMetric::Duration, Statistic::P99).labelled(format!("bench-{s} p99"));
            let values = (0..points)
                .map(|k| {
                    let noise = ((k * 7_919 + s * 104_729) % 997) as f64 / 997.0;
                    let wave = ((k as f64) / 90.0 + s as f64).sin();
                    (k % 500 >= 3).then_some(200.0 + 100.0 * s as f64 + 80.0 * wave + 40.0 * noise)
                })
                .collect();
            Series {
                label: spec.label.clone(),
                spec,
                timestamps_ms: (0..points).map(|k| start + k as f64 * 60_000.0).collect(),
                values,
                partial_from_ms: Some(end - 3.0 * 60_000.0),
                failure: None,
            }
        })
        .collect();
    ChartData {
        title: "Duration p99".into(),
        unit: ChartUnit::Milliseconds,
        range: TimeRange { start_ms: start, end_ms: end },
        series,
    }
}

/// The list trends of `functions` functions from the local AWS: how many GetMetricData
/// calls `refresh_trends` makes (goal ⌈2 × functions / 500⌉: two series per function, 500
/// per call), how long it takes, and that a second refresh within the age limit makes
/// none. The functions need not exist: CloudWatch answers empty series for them.
pub async fn trend_calls(functions: usize) -> Result<(), BoxError> {
    let local = LocalAws::start()?;
    let names: Vec<String> = (0..functions).map(|i| format!("trend-bench-{i:05}")).collect();
    let store = Store::in_memory()?;
    let scope = Scope { profile: "bench".into(), region: crate::local_aws::REGION.to_string() };
    let connection = AwsConnection::from_sdk_config(local.sdk_config(), Some("bench".into()))?;
    let now = lambda_deck::timestamps::now_ms();
    let started = Instant::now();
    let first = monitor::refresh_trends(&connection, &store, &scope, &names, 600, now).await?;
    let elapsed = started.elapsed();
    let again = monitor::refresh_trends(&connection, &store, &scope, &names, 600, now).await?;
    let goal = (2 * functions).div_ceil(500);
    assert_eq!(first.trends.len(), functions, "every function has a trend");
    println!("list trends of {functions} functions ({} series) from the local AWS:", 2 * functions);
    println!(
        "  GetMetricData calls: {} (goal ⌈series/500⌉ = {goal}){}",
        first.calls,
        if first.calls as usize <= goal { "" } else { "  NOT MET" }
    );
    println!("  refresh, calls paced at 10/s: {elapsed:.1?}");
    println!("  a second refresh within 10 minutes: {} calls", again.calls);
    Ok(())
}
