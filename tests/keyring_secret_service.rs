//! Keys in a real Secret Service (gnome-keyring in a private D-Bus session): stored by
//! one `ldeck` process, used by another, gone after `profile remove`.
//!
//! Needs the session that `scripts/with-test-keyring.sh` sets up, hence `#[ignore]`:
//! `make test-keyring` (part of `make test`) runs these with `--ignored`.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use lambda_deck::keystore::KeyStore;
use lambda_deck::ErrorCode;
use lambda_deck_devtools::demo;
use support::{ldeck_without_aws_env, local_aws, temp_dir};

const SECRET: &str = "kEyRiNg-InTeGrAtIoN-sEcReT-0123456789";

fn ldeck(data: &std::path::Path) -> Command {
    assert!(
        std::env::var_os("LDECK_TEST_KEYRING").is_some(),
        "run through scripts/with-test-keyring.sh (make test-keyring)"
    );
    let mut command = ldeck_without_aws_env();
    command.env("LDECK_DATA_DIR", data);
    command
}

#[tokio::test]
#[ignore = "needs a Secret Service: make test-keyring"]
async fn keys_stored_by_one_process_are_used_by_another() {
    let local = local_aws().await;
    demo::seed_bulk_functions(&local.lambda(), "keyring", 3).await.unwrap();
    let data = temp_dir("keyring-data");
    let endpoint = local.aws.endpoint_url();

    // Process 1 stores the keys; the secret arrives on stdin.
    let mut add = ldeck(&data)
        .args(["profile", "add", "vault", "--region", "us-east-1", "--endpoint-url", &endpoint])
        .args(["--access-key-id", "000000000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(format!("{SECRET}\n").as_bytes()).unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(added.status.success(), "add: {}", String::from_utf8_lossy(&added.stderr));

    // Process 2 lists functions with them; process 3 tests the connection.
    let listed = ldeck(&data).args(["--profile", "vault", "functions", "list", "--json"]).output().unwrap();
    assert!(listed.status.success(), "list: {}", String::from_utf8_lossy(&listed.stderr));
    let functions: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(functions.len(), 3);
    let tested = ldeck(&data).args(["profile", "test", "vault"]).output().unwrap();
    assert!(String::from_utf8_lossy(&tested.stdout).starts_with("OK: account 000000000000 in us-east-1"));

    // Nothing secret in the listing or the store.
    let profiles = ldeck(&data).args(["profile", "list", "--json"]).output().unwrap();
    let profiles_text = String::from_utf8_lossy(&profiles.stdout);
    assert!(profiles_text.contains("\"key_id_hint\": \"…0000\""), "{profiles_text}");
    assert!(!profiles_text.contains(SECRET));
    for file in std::fs::read_dir(&data).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "the secret reached the local store");
    }

    // The entry is in the session's Secret Service, readable from this process too...
    let keyring = KeyStore::system();
    assert_eq!(keyring.load("vault").await.unwrap().secret_access_key.expose(), SECRET);
    // ...until `profile remove` deletes it.
    let removed = ldeck(&data).args(["profile", "remove", "vault"]).output().unwrap();
    assert!(removed.status.success(), "remove: {}", String::from_utf8_lossy(&removed.stderr));
    assert_eq!(keyring.load("vault").await.unwrap_err().code(), ErrorCode::KeysMissing);
    std::fs::remove_dir_all(&data).ok();
}

/// Runs `ldeck` with `stdin` as its standard input and returns its output.
fn ldeck_with_input(data: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child =
        ldeck(data).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
#[ignore = "needs a Secret Service: make test-keyring"]
async fn edit_renames_a_profile_and_replaces_its_keys_in_the_keyring() {
    let local = local_aws().await;
    demo::seed_bulk_functions(&local.lambda(), "edited", 2).await.unwrap();
    let data = temp_dir("keyring-edit");
    let endpoint = local.aws.endpoint_url();
    let added = ldeck_with_input(
        &data,
        &[
            "profile",
            "add",
            "rotating",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &endpoint,
            "--access-key-id",
            "AKIAOLDKEY0000000001",
        ],
        "old-secret-value\n",
    );
    assert!(added.status.success(), "add: {}", String::from_utf8_lossy(&added.stderr));

    // New name, region and keys (the secret on stdin); the endpoint stays.
    let edited = ldeck_with_input(
        &data,
        &[
            "profile",
            "edit",
            "rotating",
            "--rename",
            "rotated",
            "--region",
            "us-east-1",
            "--access-key-id",
            "000000000000",
        ],
        &format!("{SECRET}\n"),
    );
    assert!(edited.status.success(), "edit: {}", String::from_utf8_lossy(&edited.stderr));
    assert_eq!(
        String::from_utf8_lossy(&edited.stdout),
        "Updated profile \"rotated\" (keys in the keyring, key id …0000).\n"
    );

    let listed = ldeck(&data).args(["profile", "list", "--json"]).output().unwrap();
    let profiles: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    let rotated = profiles.iter().find(|p| p["name"] == "rotated").expect("the renamed profile");
    assert_eq!(
        (rotated["region"].as_str(), rotated["endpoint_url"].as_str()),
        (Some("us-east-1"), Some(endpoint.as_str()))
    );
    assert!(profiles.iter().all(|p| p["name"] != "rotating"), "the old name is gone");
    let keyring = KeyStore::system();
    assert_eq!(keyring.load("rotated").await.unwrap().secret_access_key.expose(), SECRET);
    assert_eq!(keyring.load("rotating").await.unwrap_err().code(), ErrorCode::KeysMissing);

    // The edited profile works from another process: new region, same endpoint.
    let functions = ldeck(&data).args(["--profile", "rotated", "functions", "list", "--json"]).output().unwrap();
    assert!(functions.status.success(), "list: {}", String::from_utf8_lossy(&functions.stderr));
    assert_eq!(serde_json::from_slice::<Vec<serde_json::Value>>(&functions.stdout).unwrap().len(), 2);

    // Editing a profile that does not exist says so and changes nothing.
    let missing = ldeck(&data).args(["profile", "edit", "nobody", "--region", "eu-west-1"]).output().unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("There is no app profile named \"nobody\""));
    ldeck(&data).args(["profile", "remove", "rotated"]).output().unwrap();
    std::fs::remove_dir_all(&data).ok();
}
