//! `ldeck logs tail` and `ldeck logs get` end to end against the local AWS: lines on
//! stdout as NDJSON, Ctrl-C ending a tail cleanly, one request's lines, and the input
//! checks made before any call.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use lambda_deck_devtools::demo;
use support::{ldeck_without_aws_env, local_aws, LocalAwsLease};

/// Port 9 (discard) on loopback: nothing listens, so any request fails at once.
const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";
const STREAM: &str = "2026/11/29/[$LATEST]feedface";
const REQUEST: &str = "aaaaaaaa-1111-4222-8333-444444444444";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn create_function(local: &LocalAwsLease) -> String {
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, "logs-cli", 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    let logs = local.connection().logs();
    let group = format!("/aws/lambda/{name}");
    // The emulator may already have made the group; either way it exists afterwards.
    let _ = logs.create_log_group().log_group_name(&group).send().await;
    logs.create_log_stream().log_group_name(&group).log_stream_name(STREAM).send().await.unwrap();
    name
}

async fn put(local: &LocalAwsLease, function: &str, lines: &[&str]) {
    let timestamp = now_ms();
    let events = lines.iter().map(|l| InputLogEvent::builder().timestamp(timestamp).message(*l).build().unwrap());
    local
        .connection()
        .logs()
        .put_log_events()
        .log_group_name(format!("/aws/lambda/{function}"))
        .log_stream_name(STREAM)
        .set_log_events(Some(events.collect()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_tail_prints_ndjson_lines_and_ends_cleanly_on_ctrl_c() {
    let local = local_aws().await;
    let name = create_function(&local).await;
    let mut child = local
        .ldeck()
        .args(["logs", "tail", &name, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Lines and the tail's own notices arrive on two pipes, read on two threads.
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        BufReader::new(stdout).lines().map_while(Result::ok).for_each(|l| drop(lines_tx.send(l)))
    });
    let (notices_tx, notices) = mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        BufReader::new(stderr).lines().map_while(Result::ok).for_each(|l| drop(notices_tx.send(l)))
    });

    let live = notices.recv_timeout(Duration::from_secs(20)).expect("the tail says it is live");
    assert!(live.contains("live (Live Tail)") && live.contains(&name), "{live}");
    let report = format!(
        "REPORT RequestId: {REQUEST}\tDuration: 2.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"
    );
    put(&local, &name, &["[ERROR]\t2026-11-29T00:00:00.000Z\taaaaaaaa-1111-4222-8333-444444444444\tboom", &report])
        .await;

    let mut received: Vec<serde_json::Value> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(15);
    while received.len() < 2 && Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            received.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}")));
        }
    }
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0]["function"], name.as_str());
    assert_eq!(received[0]["level"], "error");
    assert_eq!(received[0]["request_id"], REQUEST);
    assert_eq!(received[1]["kind"], "report");
    assert_eq!(received[1]["figures"]["duration_ms"], 2.0);

    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "ldeck logs tail did not end within 5 s of Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "Ctrl-C ends the tail with status 0: {status:?}");
}

#[tokio::test]
async fn get_prints_a_range_or_only_one_request() {
    let local = local_aws().await;
    let name = create_function(&local).await;
    let other = "bbbbbbbb-1111-4222-8333-444444444444";
    put(
        &local,
        &name,
        &[
            &format!("START RequestId: {REQUEST} Version: $LATEST"),
            "a print without a request id",
            &format!("END RequestId: {REQUEST}"),
            &format!("REPORT RequestId: {REQUEST}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"),
            &format!("START RequestId: {other} Version: $LATEST"),
            "another request's print",
        ],
    )
    .await;

    let all = local.ldeck().args(["logs", "get", &name, "--since", "10m"]).output().unwrap();
    assert!(all.status.success(), "{}", String::from_utf8_lossy(&all.stderr));
    let text = String::from_utf8(all.stdout).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text.lines().all(|line| line.len() > 25 && line.as_bytes()[23] == b'Z'), "millisecond times lead: {text}");

    let one = local
        .ldeck()
        .args(["logs", "get", &name, "--since", "10m", "--request-id", REQUEST, "--json"])
        .output()
        .unwrap();
    assert!(one.status.success(), "{}", String::from_utf8_lossy(&one.stderr));
    let messages: Vec<String> = String::from_utf8(one.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["message"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(messages.len(), 4, "START, the print, END, REPORT: {messages:?}");
    assert!(messages.contains(&"a print without a request id".to_string()));
    assert!(!messages.iter().any(|m| m.contains(other) || m.contains("another")));
}

#[test]
fn typos_are_refused_before_anything_is_sent() {
    let cases: [(&[&str], &str); 6] = [
        (&["logs", "tail", "bad name!"], "is not a Lambda function name"),
        (&["logs", "tail", "f", "--filter", "{ $.level = \"ERROR\""], "--filter: The '{' at character 1 is not closed"),
        (&["logs", "tail", "f", "--since", "10 minutes"], "--since: \"10 minutes\" is not a duration"),
        (&["logs", "get", "f", "--since", "2026-02-30T25:00:00Z"], "--since: \"2026-02-30T25:00:00Z\" is not a time"),
        (&["logs", "get", "f", "--since", "1h", "--until", "2h"], "--since: The start must be before the end"),
        (&["logs", "get", "f", "--request-id", "no spaces please"], "--request-id:"),
    ];
    for (args, expected) in cases {
        let output = ldeck_without_aws_env()
            .args(args)
            .args(["--endpoint-url", CLOSED_ENDPOINT, "--region", "us-east-1"])
            .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: expected {expected:?} in {stderr}");
        assert!(!stderr.contains("127.0.0.1:9"), "{args:?} reached the network: {stderr}");
    }
}
