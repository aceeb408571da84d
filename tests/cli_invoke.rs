//! `ldeck invoke` and `ldeck events` end to end against the local AWS: the payload on
//! stdout, the log and figures on stderr, the exit status, the input checks made before
//! any call, and the saved events shared through one data directory.

mod support;

use aws_sdk_lambda::primitives::Blob;
use lambda_deck_devtools::demo;
use support::cli::{ldeck, ldeck_offline, run, Run};
use support::{local_aws, LocalAwsLease};

/// Not the emulator's default (128): the REPORT figure shown is this function's.
const MEMORY_MB: i32 = 256;

/// A Python demo function (`{"fail": "msg"}` raises), Active, with [`MEMORY_MB`].
async fn create_function(local: &LocalAwsLease, prefix: &str) -> String {
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, prefix, 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    lambda.update_function_configuration().function_name(&name).memory_size(MEMORY_MB).send().await.unwrap();
    demo::wait_until_active(&lambda, &name).await.unwrap();
    name
}

/// What the function answers to `payload`, asked through the SDK directly.
async fn payload_from_sdk(local: &LocalAwsLease, name: &str, payload: &str) -> String {
    let output =
        local.lambda().invoke().function_name(name).payload(Blob::new(payload.as_bytes())).send().await.unwrap();
    assert!(output.function_error.is_none(), "{output:?}");
    String::from_utf8(output.payload.unwrap().into_inner()).unwrap()
}

#[tokio::test]
async fn invoke_prints_the_payload_on_stdout_and_the_log_and_figures_on_stderr() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-ok").await;
    let data = support::temp_dir("cli-ok");
    let expected = payload_from_sdk(&local, &name, r#"{"a":1}"#).await;

    let ok = ldeck(&local, &data, &["invoke", &name, "--payload", r#"{"a":1}"#]);

    ok.assert_success();
    assert_eq!(ok.stdout, format!("{expected}\n"));
    let answer: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(answer["statusCode"], 200, "{answer}");
    // The function's own log, then one line with the outcome, figures and cost.
    assert!(ok.stderr.contains(r#""message": "request received", "keys": ["a"]"#), "{}", ok.stderr);
    assert!(ok.stderr.contains("REPORT RequestId: "), "{}", ok.stderr);
    let summary = ok.stderr.lines().last().unwrap();
    assert!(summary.starts_with(&format!("ldeck: {name} succeeded · version $LATEST · ")), "{summary}");
    assert!(summary.contains("ms (billed") && summary.contains(&format!(" of {MEMORY_MB} MB")), "{summary}");
    assert!(summary.contains("≈ $") && summary.contains("us-east-1"), "{summary}");

    let failed = ldeck(&local, &data, &["invoke", &name, "--payload", r#"{"fail":"boom"}"#]);

    failed.assert_failure();
    let error: serde_json::Value = serde_json::from_str(failed.stdout.trim_end()).unwrap();
    assert_eq!(error["errorMessage"], "boom", "{}", failed.stdout);
    assert!(failed.stderr.contains("ldeck: function error (Unhandled): "), "{}", failed.stderr);
    assert!(failed.stderr.contains(": boom\n"), "{}", failed.stderr);
    assert!(failed.stderr.contains("failing as asked"), "the failure's own log: {}", failed.stderr);
    assert!(!failed.stderr.contains(r#""keys": ["a"]"#), "not the previous one's log: {}", failed.stderr);
    let summary = failed.stderr.lines().last().unwrap();
    assert!(summary.starts_with(&format!("ldeck: {name} failed · ")) && summary.contains("ms (billed"), "{summary}");

    // A call AWS refuses is an error line, not a payload.
    let missing = ldeck(&local, &data, &["invoke", "no-such-function"]);
    missing.assert_failure();
    assert!(missing.stdout.is_empty(), "{}", missing.stdout);
    assert_eq!(missing.stderr, "ldeck: error: There is no function named \"no-such-function\".\n");
    std::fs::remove_dir_all(&data).ok();
}

#[tokio::test]
async fn invoke_json_is_the_whole_record_and_the_payload_can_come_from_stdin_or_a_file() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-json").await;
    let data = support::temp_dir("cli-json");
    let file = data.join("payload.json");
    std::fs::write(&file, "{\n  \"from_file\": 1\n}\n").unwrap();

    let inline = ldeck(&local, &data, &["invoke", &name, "--payload", r#"{"a":1}"#, "--json"]);
    let piped = run(
        local.ldeck().env("LDECK_DATA_DIR", &data).args(["invoke", &name, "-", "--json"]),
        Some(r#"{"from_stdin": true}"#),
    );
    let from_file = ldeck(&local, &data, &["invoke", &name, "--payload-file", file.to_str().unwrap(), "--json"]);
    let file_from_stdin = run(
        local.ldeck().env("LDECK_DATA_DIR", &data).args(["invoke", &name, "--payload-file", "-", "--json"]),
        Some(r#"{"from_dash": [1, 2]}"#),
    );

    for (label, run) in [
        ("--payload", &inline),
        ("stdin", &piped),
        ("--payload-file", &from_file),
        ("--payload-file -", &file_from_stdin),
    ] {
        run.assert_success();
        let record = run.json();
        assert_eq!(record["outcome"], "succeeded", "{label}: {record}");
        assert_eq!(record["status_code"], 200, "{label}");
        assert_eq!(record["function_name"], name.as_str(), "{label}");
        let report = &record["report"];
        assert!(report["duration_ms"].as_f64().is_some_and(|ms| ms > 0.0), "{label}: {report}");
        assert_eq!(report["memory_size_mb"], MEMORY_MB, "{label}: {report}");
        assert!(record["cost"]["total_usd"].as_f64().is_some_and(|usd| usd > 0.0), "{label}: {record}");
        assert_eq!(record["cost"]["priced_as_region"], "us-east-1", "{label}");
        let response: serde_json::Value = serde_json::from_str(record["response_payload"].as_str().unwrap()).unwrap();
        assert_eq!(response["statusCode"], 200, "{label}");
        assert!(run.stderr.is_empty(), "{label}: --json prints only the record: {}", run.stderr);
    }
    // What was sent is what was given, and the function received it (it logs the keys).
    let sent = |run: &Run| run.json()["request_payload"].as_str().unwrap().to_string();
    let logged = |run: &Run, keys: &str| {
        run.json()["full_log"].as_array().unwrap().iter().any(|line| line["message"].as_str().unwrap().contains(keys))
    };
    assert_eq!(sent(&inline), r#"{"a":1}"#);
    assert_eq!(sent(&piped), r#"{"from_stdin": true}"#);
    assert!(logged(&piped, r#""keys": ["from_stdin"]"#), "{}", piped.stdout);
    assert_eq!(sent(&from_file), "{\n  \"from_file\": 1\n}\n");
    assert!(logged(&from_file, r#""keys": ["from_file"]"#), "{}", from_file.stdout);
    assert_eq!(sent(&file_from_stdin), r#"{"from_dash": [1, 2]}"#);
    assert!(logged(&file_from_stdin, r#""keys": ["from_dash"]"#), "{}", file_from_stdin.stdout);
    // Each invocation is in the history, with its own id.
    let ids: Vec<u64> =
        [&inline, &piped, &from_file, &file_from_stdin].iter().map(|run| run.json()["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    std::fs::remove_dir_all(&data).ok();
}

#[tokio::test]
async fn invoke_as_event_dry_run_or_stream() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-types").await;
    let data = support::temp_dir("cli-types");
    let expected = payload_from_sdk(&local, &name, r#"{"s":1}"#).await;

    let event = ldeck(&local, &data, &["invoke", &name, "--payload", r#"{"e":1}"#, "--type", "event"]);
    let dry_run = ldeck(&local, &data, &["invoke", &name, "--payload", r#"{"d":1}"#, "--type", "dry-run"]);
    let stream = ldeck(&local, &data, &["invoke", &name, "--payload", r#"{"s":1}"#, "--type", "stream"]);

    event.assert_success();
    assert!(event.stdout.is_empty(), "{}", event.stdout);
    assert_eq!(event.stderr.lines().count(), 1, "{}", event.stderr);
    assert!(event.stderr.starts_with(&format!("ldeck: {name} queued (Event, 202)")), "{}", event.stderr);
    dry_run.assert_success();
    assert!(dry_run.stdout.is_empty(), "{}", dry_run.stdout);
    assert_eq!(dry_run.stderr.lines().count(), 1, "{}", dry_run.stderr);
    assert!(dry_run.stderr.starts_with(&format!("ldeck: {name} dry run passed (204)")), "{}", dry_run.stderr);
    stream.assert_success();
    assert_eq!(stream.stdout, format!("{expected}\n"));
    assert!(
        stream.stderr.lines().last().unwrap().starts_with(&format!("ldeck: {name} succeeded")),
        "{}",
        stream.stderr
    );
    std::fs::remove_dir_all(&data).ok();
}

#[test]
fn typos_are_refused_before_any_call_naming_the_option() {
    // The control: with these settings a request does go out, to the closed port.
    let sent = ldeck_offline(&["invoke", "orders", "--payload", "{}"]);
    sent.assert_failure();
    assert!(sent.stderr.starts_with("ldeck: error: Cannot reach AWS at http://127.0.0.1:9"), "{}", sent.stderr);

    let bad_json = ldeck_offline(&["invoke", "orders", "--payload", "{"]);
    let bad_type = ldeck_offline(&["invoke", "orders", "--type", "sync"]);
    let bad_region = ldeck_offline(&["--region", "eu-wset-1", "invoke", "orders"]);
    let bad_name = ldeck_offline(&["invoke", "my function"]);
    let bad_qualifier = ldeck_offline(&["invoke", "orders", "--qualifier", "no spaces"]);

    for run in [&bad_json, &bad_type, &bad_region, &bad_name, &bad_qualifier] {
        run.assert_failure();
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("Cannot reach AWS"), "{}", run.stderr);
    }
    let json_error = bad_json.stderr.trim_end();
    assert!(json_error.starts_with("ldeck: error: payload: Not valid JSON"), "{json_error}");
    assert!(json_error.ends_with("(line 1, column 1)"), "{json_error}");
    assert_eq!(
        bad_type.stderr.trim_end(),
        "ldeck: error: --type: \"sync\" is not an invocation type (request, event, dry-run, stream)."
    );
    assert_eq!(
        bad_region.stderr.trim_end(),
        "ldeck: error: --region: \"eu-wset-1\" is not an AWS region (e.g. eu-west-1)"
    );
    assert!(
        bad_name.stderr.starts_with("ldeck: error: \"my function\" is not a Lambda function name"),
        "{}",
        bad_name.stderr
    );
    assert_eq!(
        bad_qualifier.stderr.trim_end(),
        "ldeck: error: --qualifier: \"no spaces\" is not a version or alias name"
    );
}

#[tokio::test]
async fn saved_events_are_added_listed_shared_as_files_and_invoked() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-events").await;
    let other = "cli-events-imported";
    // One data directory for every call: the events live there.
    let data = support::temp_dir("cli-events");
    let exported = data.join("exported");
    let ldeck = |args: &[&str]| ldeck(&local, &data, args);

    let added = ldeck(&["events", "add", &name, "happy", "--payload", r#"{"x":1}"#]);
    added.assert_success();
    assert_eq!(added.stderr, format!("ldeck: saved event \"happy\" of {name}\n"));
    ldeck(&["events", "add", &name, "s3", "--template", "s3-put"]).assert_success();

    let listed = ldeck(&["events", "list", &name]);
    listed.assert_success();
    let rows: Vec<Vec<&str>> = listed.stdout.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 3, "{}", listed.stdout);
    assert_eq!(rows[0], ["NAME", "TYPE", "QUALIFIER", "UPDATED"]);
    assert_eq!(rows[1][..3], ["happy", "request", "$LATEST"], "{}", listed.stdout);
    assert_eq!(rows[2][..3], ["s3", "request", "$LATEST"], "{}", listed.stdout);

    let shown = ldeck(&["events", "show", &name, "happy"]);
    shown.assert_success();
    assert_eq!(shown.stdout, "{\"x\":1}\n");
    let s3 = ldeck(&["events", "show", &name, "s3"]);
    s3.assert_success();
    let s3_event = s3.json();
    assert_eq!(s3_event["Records"][0]["awsRegion"], "us-east-1", "{s3_event}");
    assert_eq!(s3_event["Records"][0]["s3"]["configurationId"], format!("{name}-trigger"), "{s3_event}");

    let export = ldeck(&["events", "export", &name, "--dir", exported.to_str().unwrap()]);
    export.assert_success();
    let (happy_file, s3_file) = (exported.join("happy.json"), exported.join("s3.json"));
    assert_eq!(export.stdout, format!("{}\n{}\n", happy_file.display(), s3_file.display()));
    assert_eq!(std::fs::read_to_string(&happy_file).unwrap(), shown.stdout);
    assert_eq!(std::fs::read_to_string(&s3_file).unwrap(), s3.stdout);

    let imported = ldeck(&["events", "import", other, happy_file.to_str().unwrap()]);
    imported.assert_success();
    assert_eq!(imported.stderr, format!("ldeck: imported {} as \"happy\"\n", happy_file.display()));
    assert_eq!(ldeck(&["events", "show", other, "happy"]).stdout, shown.stdout);

    let invoked = ldeck(&["invoke", &name, "--event", "happy"]);
    invoked.assert_success();
    assert!(invoked.stderr.contains(r#""keys": ["x"]"#), "the function got the event: {}", invoked.stderr);
    let record = ldeck(&["invoke", &name, "--event", "happy", "--json"]);
    record.assert_success();
    assert!(record.stdout.contains(r#""event_name": "happy""#), "{}", record.stdout);
    let record = record.json();
    assert_eq!(
        (record["request_payload"].as_str(), record["outcome"].as_str()),
        (Some(r#"{"x":1}"#), Some("succeeded"))
    );
    // The saved event's type can be overridden by the flag.
    let queued = ldeck(&["invoke", &name, "--event", "s3", "--type", "event", "--json"]);
    queued.assert_success();
    assert_eq!((queued.json()["event_name"].as_str(), queued.json()["outcome"].as_str()), (Some("s3"), Some("queued")));

    let duplicate = ldeck(&["events", "add", &name, "s3", "--payload", "{}"]);
    duplicate.assert_failure();
    assert_eq!(duplicate.stderr, format!("ldeck: error: NAME: {name} already has an event named \"s3\"\n"));

    ldeck(&["events", "remove", &name, "happy"]).assert_success();
    let gone = ldeck(&["events", "show", &name, "happy"]);
    gone.assert_failure();
    assert!(gone.stdout.is_empty(), "{}", gone.stdout);
    assert_eq!(gone.stderr, format!("ldeck: error: {name} has no saved event named \"happy\".\n"));
    let missing = ldeck(&["invoke", &name, "--event", "happy"]);
    missing.assert_failure();
    assert!(missing.stderr.contains("no saved event named \"happy\""), "{}", missing.stderr);
    let listed = ldeck(&["events", "list", &name]);
    assert_eq!(listed.stdout.lines().count(), 2, "only s3 is left: {}", listed.stdout);
    // The imported copy is another function's, and stays.
    ldeck(&["events", "show", other, "happy"]).assert_success();
    std::fs::remove_dir_all(&data).ok();
}
