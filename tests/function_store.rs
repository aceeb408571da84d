//! The saved function list and details against the local AWS: refresh, offline reads,
//! `ldeck functions show`, and refreshes killed at random points.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use lambda_deck::aws::AwsConnection;
use lambda_deck::functions::sync;
use lambda_deck::store::functions::SyncOutcome;
use lambda_deck::store::Store;
use lambda_deck::ErrorCode;
use lambda_deck::Scope;
use lambda_deck_devtools::demo;
use support::{local_aws, LocalAwsLease};
use tokio_util::sync::CancellationToken;

/// The scope `ldeck` uses for the emulator's environment (no profile named: "default").
fn cli_scope() -> Scope {
    Scope { profile: "default".into(), region: "us-east-1".into() }
}

fn saved_names(data_dir: &Path, scope: &Scope) -> Option<BTreeSet<String>> {
    let store = Store::open(&data_dir.join("lambda-deck.sqlite3")).unwrap();
    store.load_function_list(scope).unwrap().map(|list| list.functions.into_iter().map(|f| f.function_name).collect())
}

fn ldeck_in(local: &LocalAwsLease, data_dir: &Path, args: &[&str]) -> std::process::Output {
    local.ldeck().env("LDECK_DATA_DIR", data_dir).args(args).output().unwrap()
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_saved_list_and_records_the_failure() {
    let local = local_aws().await;
    demo::seed_bulk_functions(&local.lambda(), "kept", 60).await.unwrap();
    let store = Store::in_memory().unwrap();
    let connection = local.connection();
    sync::refresh_function_list(&connection, &store, &|_| {}, &CancellationToken::new()).await.unwrap();

    // The same profile and region, now unreachable.
    let unreachable = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(
            aws_credential_types::Credentials::new("AKIDTEST", "test", None, None, "test"),
        ))
        .build();
    let offline = AwsConnection::from_sdk_config(unreachable, Some("integration".into())).unwrap();
    let err = sync::refresh_function_list(&offline, &store, &|_| {}, &CancellationToken::new()).await.unwrap_err();

    assert_eq!(err.code(), ErrorCode::Network);
    let scope = connection.summary().scope();
    assert_eq!(store.load_function_list(&scope).unwrap().unwrap().functions.len(), 60);
    let record = store.last_sync(&scope).unwrap().unwrap();
    assert_eq!((record.outcome, record.error_code), (SyncOutcome::Failed, Some(ErrorCode::Network)));
}

#[tokio::test]
async fn a_function_disappears_only_after_a_complete_refresh() {
    let local = local_aws().await;
    let lambda = local.lambda();
    demo::seed_bulk_functions(&lambda, "fn", 3).await.unwrap();
    let store = Store::in_memory().unwrap();
    let connection = local.connection();
    sync::refresh_function_list(&connection, &store, &|_| {}, &CancellationToken::new()).await.unwrap();
    lambda.delete_function().function_name("fn-0001").send().await.unwrap();

    let cancelled = CancellationToken::new();
    cancelled.cancel();
    let err = sync::refresh_function_list(&connection, &store, &|_| {}, &cancelled).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    let scope = connection.summary().scope();
    assert_eq!(store.load_function_list(&scope).unwrap().unwrap().functions.len(), 3, "cancelled: unchanged");

    // Cancelled after its last page arrived (a switch, a clear of local data), it still
    // writes nothing.
    let cancelled_late = CancellationToken::new();
    let cancel_on_last_page = |event: sync::SyncEvent| {
        if matches!(event, sync::SyncEvent::Page { functions: 2, .. }) {
            cancelled_late.cancel();
        }
    };
    let err =
        sync::refresh_function_list(&connection, &store, &cancel_on_last_page, &cancelled_late).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Cancelled);
    assert_eq!(store.load_function_list(&scope).unwrap().unwrap().functions.len(), 3, "cancelled late: unchanged");
    assert_eq!(store.last_sync(&scope).unwrap().unwrap().outcome, SyncOutcome::Cancelled);

    sync::refresh_function_list(&connection, &store, &|_| {}, &CancellationToken::new()).await.unwrap();
    let names: Vec<_> =
        store.load_function_list(&scope).unwrap().unwrap().functions.into_iter().map(|f| f.function_name).collect();
    assert_eq!(names, ["fn-0000", "fn-0002"]);
}

#[tokio::test]
async fn cli_offline_prints_the_saved_list_with_its_age_and_no_network() {
    let local = local_aws().await;
    let created = demo::seed_bulk_functions(&local.lambda(), "off", 7).await.unwrap();
    let data_dir = support::temp_dir("offline-data");
    let online = ldeck_in(&local, &data_dir, &["functions", "list", "--json"]);
    assert!(online.status.success(), "{}", String::from_utf8_lossy(&online.stderr));

    // Nothing answers on port 9: any network call would fail.
    let unreachable = |args: &[&str]| {
        local.ldeck().env("LDECK_DATA_DIR", &data_dir).env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").args(args).output()
    };
    let offline = unreachable(&["functions", "list", "--json", "--offline"]).unwrap();
    let failed = unreachable(&["functions", "list"]).unwrap();
    let elsewhere = unreachable(&["--region", "eu-west-1", "functions", "list", "--offline"]).unwrap();

    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&offline.stdout).unwrap();
    let names: BTreeSet<String> = rows.iter().map(|r| r["function_name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, created.into_iter().collect());
    let note = String::from_utf8_lossy(&offline.stderr);
    assert!(note.contains("saved list of profile \"default\" in us-east-1, fetched just now"), "{note}");

    assert!(!failed.status.success());
    let failure = String::from_utf8_lossy(&failed.stderr);
    assert!(failure.contains("Cannot reach AWS") && failure.contains("--offline"), "{failure}");
    assert_eq!(saved_names(&data_dir, &cli_scope()).unwrap().len(), 7, "the failed refresh kept the list");

    assert!(!elsewhere.status.success());
    let none_saved = String::from_utf8_lossy(&elsewhere.stderr);
    assert!(none_saved.contains("no saved function list") && none_saved.contains("eu-west-1"), "{none_saved}");
    std::fs::remove_dir_all(data_dir).ok();
}

#[tokio::test]
async fn cli_show_prints_aliases_weights_tags_and_keeps_them_offline() {
    let local = local_aws().await;
    demo::seed_demo(&local.lambda()).await.unwrap();
    let data_dir = support::temp_dir("show-data");

    let online = ldeck_in(&local, &data_dir, &["functions", "show", "payments-api", "--json"]);
    let table = ldeck_in(&local, &data_dir, &["functions", "show", "payments-api"]);
    let offline = local
        .ldeck()
        .env("LDECK_DATA_DIR", &data_dir)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["functions", "show", "payments-api", "--json", "--offline"])
        .output()
        .unwrap();
    let missing = ldeck_in(&local, &data_dir, &["functions", "show", "no-such-function"]);

    assert!(online.status.success(), "{}", String::from_utf8_lossy(&online.stderr));
    let details: serde_json::Value = serde_json::from_slice(&online.stdout).unwrap();
    let configuration = &details["configuration"];
    assert_eq!(configuration["summary"]["function_name"], "payments-api");
    assert!(configuration["fetched_at"].as_str().unwrap().ends_with('Z'));
    assert!(!configuration["tags"].as_object().unwrap().is_empty(), "demo functions are tagged: {configuration}");
    assert!(!configuration["environment"].as_array().unwrap().is_empty());
    let live = details["aliases"]["aliases"].as_array().unwrap().iter().find(|a| a["name"] == "live").unwrap();
    assert_eq!(live["function_version"], "1");
    assert_eq!(live["additional_version_weights"][0]["version"], "2");
    assert_eq!(live["additional_version_weights"][0]["weight"], 0.1);
    let versions: Vec<&str> =
        details["versions"]["versions"].as_array().unwrap().iter().map(|v| v["version"].as_str().unwrap()).collect();
    assert!(versions.contains(&"1") && versions.contains(&"2"), "{versions:?}");

    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("live -> v1, 10% to v2"), "{table}");

    assert!(offline.status.success(), "{}", String::from_utf8_lossy(&offline.stderr));
    let saved: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(saved["aliases"]["aliases"], details["aliases"]["aliases"]);

    assert!(!missing.status.success());
    let message = String::from_utf8_lossy(&missing.stderr);
    assert!(message.contains("There is no function named \"no-such-function\""), "{message}");
    std::fs::remove_dir_all(data_dir).ok();
}

/// A refresh killed (SIGKILL) at random points, 20 times, always leaves a store that
/// opens, passes SQLite's integrity check and holds exactly the previous snapshot or the
/// new one — never a mix.
#[tokio::test]
async fn a_refresh_killed_at_random_points_leaves_the_previous_snapshot() {
    let local = local_aws().await;
    let lambda = local.lambda();
    // 600 functions: 12 paced pages, so kills land before, between and after pages.
    demo::seed_bulk_functions(&lambda, "killed", 600).await.unwrap();
    let data_dir = support::temp_dir("killed-data");
    let first = ldeck_in(&local, &data_dir, &["functions", "list", "--json"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));

    // How long a whole refresh takes, on a scratch store.
    let scratch = support::temp_dir("killed-timing");
    let started = Instant::now();
    assert!(ldeck_in(&local, &scratch, &["functions", "list", "--json"]).status.success());
    let full_refresh = started.elapsed();
    std::fs::remove_dir_all(scratch).ok();

    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut random = seed;
    let mut outcomes = (0, 0); // (previous kept, new complete)
    let mut account = saved_names(&data_dir, &cli_scope()).unwrap();
    for round in 0..20 {
        let previous = saved_names(&data_dir, &cli_scope()).unwrap();
        // Each round the account changes, so a new snapshot differs from the previous.
        let added = format!("round-{round:02}");
        account.extend(demo::seed_bulk_functions(&lambda, &added, 1).await.unwrap());

        random = random.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let fraction = (random >> 33) as f64 / (1u64 << 31) as f64; // [0, 1)
        let delay = full_refresh.mul_f64(1.2 * fraction);
        let mut child = local
            .ldeck()
            .env("LDECK_DATA_DIR", &data_dir)
            .args(["functions", "list", "--json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(delay).await;
        child.kill().ok(); // SIGKILL; fails only if it already exited
        child.wait().unwrap();

        let store = Store::open(&data_dir.join("lambda-deck.sqlite3")).unwrap();
        assert!(store.integrity_check().unwrap(), "round {round} (seed {seed}): integrity check failed");
        let saved = saved_names(&data_dir, &cli_scope()).unwrap();
        if saved == previous {
            outcomes.0 += 1;
        } else {
            let (missing, extra): (Vec<_>, Vec<_>) =
                (account.difference(&saved).collect(), saved.difference(&account).collect());
            assert!(
                missing.is_empty() && extra.is_empty(),
                "round {round} (seed {seed}, delay {delay:?}): neither snapshot: missing {missing:?}, extra {extra:?}"
            );
            outcomes.1 += 1;
        }
        let last = store.last_sync(&cli_scope()).unwrap().unwrap();
        assert!(matches!(last.outcome, SyncOutcome::Unfinished | SyncOutcome::Complete), "{last:?}");
    }
    eprintln!("killed refreshes (seed {seed}, full refresh {full_refresh:?}): {outcomes:?} (kept, completed)");
    assert!(outcomes.0 > 0, "some kills must land before the refresh completed (seed {seed})");
    std::fs::remove_dir_all(data_dir).ok();
}
