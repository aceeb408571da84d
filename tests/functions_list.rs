//! Listing functions against the local AWS: the core's sync, and `ldeck functions list`.

mod support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use lambda_deck::functions::sync::{self, SyncEvent};
use lambda_deck::store::Store;
use lambda_deck_devtools::demo;
use support::local_aws;
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn lists_every_function_across_pages() {
    let local = local_aws().await;
    // 120 functions = three ListFunctions pages of at most 50.
    let created = demo::seed_bulk_functions(&local.lambda(), "page", 120).await.unwrap();
    let store = Store::in_memory().unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();

    let list = sync::refresh_function_list(
        &local.connection(),
        &store,
        &move |event| sink.lock().unwrap().push(event),
        &CancellationToken::new(),
    )
    .await
    .unwrap();

    let listed = list.functions;
    assert_eq!(
        *events.lock().unwrap(),
        [
            SyncEvent::Page { pages: 1, functions: 50 },
            SyncEvent::Page { pages: 2, functions: 100 },
            SyncEvent::Page { pages: 3, functions: 120 }
        ]
    );

    let listed_names: BTreeSet<_> = listed.iter().map(|f| f.function_name.clone()).collect();
    assert_eq!(listed.len(), 120, "no function listed twice");
    assert_eq!(listed_names, created.into_iter().collect::<BTreeSet<_>>());
    let first = &listed[0];
    assert_eq!(first.runtime.as_deref(), Some("python3.12"));
    assert!(first.function_arn.starts_with("arn:aws:lambda:us-east-1:"), "{}", first.function_arn);
}

#[tokio::test]
async fn cli_json_returns_exactly_the_emulators_functions() {
    let local = local_aws().await;
    let created = demo::seed_bulk_functions(&local.lambda(), "cli", 130).await.unwrap();

    let output = local.ldeck().args(["functions", "list", "--json"]).output().unwrap();

    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 130);
    let names: BTreeSet<String> = rows.iter().map(|r| r["function_name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, created.into_iter().collect::<BTreeSet<_>>());
    for row in &rows {
        for field in ["function_name", "function_arn", "runtime", "memory_size", "timeout", "last_modified"] {
            assert!(!row[field].is_null(), "{field} missing in {row}");
        }
    }
    // Values as AWS returns them: the emulator's defaults for a function created without them.
    assert_eq!(rows[0]["memory_size"], 128);
    assert_eq!(rows[0]["timeout"], 3);
}

#[tokio::test]
async fn cli_table_shows_the_demo_account() {
    let local = local_aws().await;
    let client = local.lambda();
    let summary = demo::seed_demo(&client).await.unwrap();
    assert_eq!(summary.functions, demo::demo_functions().len());
    assert!(summary.failed_invocations > 0, "the demo has failing invocations: {summary:?}");

    let output = local.ldeck().args(["functions", "list"]).output().unwrap();

    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    let table = String::from_utf8(output.stdout).unwrap();
    let header = table.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["NAME", "RUNTIME", "MEMORY", "TIMEOUT", "LAST", "MODIFIED"]
    );
    let payments = table.lines().find(|l| l.starts_with("payments-api ")).expect("payments-api row");
    assert!(payments.contains("python3.12"), "{payments}");
    assert!(table.trim_end().ends_with(&format!("{} functions", summary.functions)), "{table}");
}

#[tokio::test]
async fn cli_follows_aws_cli_profiles_and_flags() {
    let local = local_aws().await;
    demo::seed_bulk_functions(&local.lambda(), "profile", 3).await.unwrap();
    let dir = support::temp_dir("aws-files");
    std::fs::write(
        dir.join("config"),
        format!("[profile emulator]\nregion = us-east-1\nendpoint_url = {}\n", local.aws.endpoint_url()),
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[emulator]\naws_access_key_id = 000000000000\naws_secret_access_key = x\n",
    )
    .unwrap();

    // The profile named on the command line, with its region and endpoint from the file.
    let by_flag = support::ldeck_without_aws_env()
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .args(["--profile", "emulator", "functions", "list", "--json"])
        .output()
        .unwrap();
    // The same through AWS_PROFILE.
    let by_env = support::ldeck_without_aws_env()
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_PROFILE", "emulator")
        .args(["functions", "list", "--json"])
        .output()
        .unwrap();
    // --region wins over the profile's region: the emulator keeps state per region.
    let other_region = support::ldeck_without_aws_env()
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .args(["--profile", "emulator", "--region", "eu-west-1", "functions", "list", "--json"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();

    for (label, output, expected) in
        [("--profile", &by_flag, 3), ("AWS_PROFILE", &by_env, 3), ("--region", &other_region, 0)]
    {
        assert!(output.status.success(), "{label}: {}", String::from_utf8_lossy(&output.stderr));
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(rows.len(), expected, "{label}");
    }
}
