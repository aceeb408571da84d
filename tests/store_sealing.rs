//! Function environment values in the local store: sealed with the keyring's data key,
//! never on disk in clear (the file and its write-ahead log are searched byte by byte),
//! names only without a key, and the key itself created once in the keyring.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
use aws_sdk_lambda::types::{Environment, EnvironmentResponse, FunctionConfiguration};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use keyring_core::api::CredentialStoreApi;
use keyring_core::mock;
use lambda_deck::functions::{ConfigurationSection, EnvironmentVariable, FunctionDetails, FunctionSummary};
use lambda_deck::keystore::{KeyStore, DATA_KEY_ENTRY, SERVICE};
use lambda_deck::profiles::{CredentialSource, ProfileInput, Profiles};
use lambda_deck::secrets::{Secret, StaticKeys};
use lambda_deck::store::functions::StoredSection;
use lambda_deck::store::sealing::{DataKey, Sealer, VALUES_NOT_SAVED};
use lambda_deck::store::Store;
use lambda_deck::{timestamps, ErrorCode, Scope};
use lambda_deck_devtools::demo;
use support::{local_aws, temp_dir};
use tokio_util::sync::CancellationToken;

const PLANTED: &str = "planted-secret-7f3a9c";
const FUNCTION: &str = "payments-api";

fn scope() -> Scope {
    Scope { profile: "work".into(), region: "eu-west-1".into() }
}

/// A fresh directory for one test's store file, and the file's path in it.
fn scratch(label: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("ldeck-sealing-{label}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.sqlite3");
    (dir, path)
}

/// Every byte of the store on disk: the file, its write-ahead log and shared memory.
fn on_disk(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    for suffix in ["-wal", "-shm"] {
        if let Ok(more) = std::fs::read(format!("{}{suffix}", path.display())) {
            bytes.extend(more);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

fn summary() -> FunctionSummary {
    FunctionSummary {
        function_name: FUNCTION.into(),
        function_arn: format!("arn:aws:lambda:eu-west-1:123456789012:function:{FUNCTION}"),
        runtime: Some("python3.12".into()),
        memory_size: Some(256),
        timeout: Some(30),
        last_modified: None,
        description: Some("takes payments".into()),
        handler: Some("app.handler".into()),
        package_type: Some("Zip".into()),
        architectures: vec!["arm64".into()],
        state: Some("Active".into()),
        last_update_status: None,
        tags: None,
    }
}

fn environment() -> Vec<EnvironmentVariable> {
    vec![
        EnvironmentVariable { name: "API_TOKEN".into(), value: PLANTED.into() },
        EnvironmentVariable { name: "EMPTY_ONE".into(), value: String::new() },
    ]
}

fn configuration() -> ConfigurationSection {
    ConfigurationSection {
        fetched_at: timestamps::now(),
        summary: summary(),
        role: Some("arn:aws:iam::123456789012:role/payments".into()),
        code_size: 1024.0,
        code_sha256: None,
        version: Some("$LATEST".into()),
        revision_id: None,
        ephemeral_storage_mb: Some(512),
        environment: environment(),
        environment_error: None,
        layers: Vec::new(),
        vpc: None,
        state_reason: None,
        last_update_status_reason: None,
        logging: None,
        tracing_mode: None,
        dead_letter_target: None,
        kms_key_arn: None,
        tags: BTreeMap::from([("team".to_string(), "payments".to_string())]),
        reserved_concurrency: None,
    }
}

/// Saves the function in the list and its configuration section, as a refresh does.
fn save_function(store: &Store, config: &ConfigurationSection) {
    let id = store.begin_sync(&scope()).unwrap();
    store.replace_function_list(&scope(), id, &[summary()], 1).unwrap();
    let section = StoredSection {
        section: "configuration".into(),
        fetched_at: config.fetched_at.clone(),
        body: serde_json::to_string(config).unwrap(),
    };
    store.save_detail_section(&scope(), FUNCTION, &section, Some(&config.tags), Some(&config.summary)).unwrap();
}

fn loaded_configuration(store: &Store) -> ConfigurationSection {
    FunctionDetails::load(store, &scope(), FUNCTION).unwrap().unwrap().configuration.unwrap()
}

fn with_key(store: Arc<Store>, key: &DataKey) -> Arc<Store> {
    store.set_sealer(Sealer::new(key));
    store
}

#[test]
fn with_a_key_values_are_sealed_on_disk_and_open_again() {
    let (dir, path) = scratch("keyed");
    let key = DataKey::generate().unwrap();
    let store = with_key(Store::open(&path).unwrap(), &key);
    assert!(store.seals_environment_values());
    let config = configuration();
    save_function(&store, &config);

    // While the store is open (the write-ahead log holds the newest pages) and after.
    let bytes = on_disk(&path);
    assert!(!contains(&bytes, PLANTED), "the planted value is on disk in clear");
    assert!(contains(&bytes, "API_TOKEN") && contains(&bytes, "EMPTY_ONE"), "names stay readable");
    assert_eq!(loaded_configuration(&store), config);
    drop(store);
    let bytes = on_disk(&path);
    assert!(!contains(&bytes, PLANTED), "the planted value is on disk in clear after closing");
    assert!(contains(&bytes, "API_TOKEN"));

    // Opened again with the same key: every value is back, the list still finds it by name.
    let reopened = with_key(Store::open(&path).unwrap(), &key);
    assert_eq!(loaded_configuration(&reopened), config);
    let list = reopened.load_function_list(&scope()).unwrap().unwrap();
    assert_eq!(list.functions[0].function_name, FUNCTION);
    assert_eq!(list.functions[0].tags.as_ref(), Some(&config.tags));
    drop(reopened);

    // Before the key arrives, or with another key: names, empty values, and a word why.
    for store in [Store::open(&path).unwrap(), with_key(Store::open(&path).unwrap(), &DataKey::generate().unwrap())] {
        let loaded = loaded_configuration(&store);
        let names: Vec<_> = loaded.environment.iter().map(|v| (v.name.as_str(), v.value.as_str())).collect();
        assert_eq!(names, [("API_TOKEN", ""), ("EMPTY_ONE", "")]);
        assert_eq!(loaded.environment_error.as_deref(), Some(VALUES_NOT_SAVED));
        assert_eq!(loaded.role, config.role, "the rest of the section is intact");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn without_a_key_only_names_are_saved() {
    let (dir, path) = scratch("keyless");
    let store = Store::open(&path).unwrap();
    assert!(!store.seals_environment_values());
    let config = configuration();
    save_function(&store, &config);

    assert!(!contains(&on_disk(&path), PLANTED), "the planted value is on disk in clear");
    assert!(contains(&on_disk(&path), "API_TOKEN"));
    // This process fetched the values: it shows them until it ends.
    assert_eq!(loaded_configuration(&store), config);
    drop(store);
    assert!(!contains(&on_disk(&path), PLANTED));

    let reopened = Store::open(&path).unwrap();
    let loaded = loaded_configuration(&reopened);
    assert_eq!(loaded.environment[0], EnvironmentVariable { name: "API_TOKEN".into(), value: String::new() });
    assert_eq!(loaded.environment_error.as_deref(), Some(VALUES_NOT_SAVED));
    // A key arriving later does not bring back what was never saved.
    let key = DataKey::generate().unwrap();
    assert_eq!(loaded_configuration(&with_key(reopened, &key)).environment[0].value, "");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_refresh_returns_the_values_it_fetched_while_the_disk_keeps_none() {
    let (dir, path) = scratch("refresh");
    let store = Store::open(&path).unwrap();
    let get = mock!(aws_sdk_lambda::Client::get_function).then_output(|| {
        GetFunctionOutput::builder()
            .configuration(
                FunctionConfiguration::builder()
                    .function_name(FUNCTION)
                    .environment(
                        EnvironmentResponse::builder().variables("API_TOKEN", PLANTED).variables("TABLE", "t").build(),
                    )
                    .build(),
            )
            .build()
    });
    let aliases = mock!(aws_sdk_lambda::Client::list_aliases).then_output(|| ListAliasesOutput::builder().build());
    let versions = mock!(aws_sdk_lambda::Client::list_versions_by_function)
        .then_output(|| ListVersionsByFunctionOutput::builder().build());
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .then_output(|| ListEventSourceMappingsOutput::builder().build());
    let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&get, &aliases, &versions, &mappings]);

    let details = FunctionDetails::refresh_with(&client, "test", &scope(), &store, FUNCTION, &CancellationToken::new())
        .await
        .unwrap();

    let environment = details.configuration.unwrap().environment;
    assert_eq!(environment[0], EnvironmentVariable { name: "API_TOKEN".into(), value: PLANTED.into() });
    assert!(!contains(&on_disk(&path), PLANTED), "the planted value is on disk in clear");
    drop(store);
    assert!(!contains(&on_disk(&path), PLANTED));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn values_an_older_release_saved_in_clear_are_removed_when_the_store_opens() {
    let (dir, path) = scratch("legacy");
    drop(Store::open(&path).unwrap());
    // The body as an older release saved it: values in clear. The planted one comes first
    // and a long one after, so the shorter body written in its place does not cover it:
    // only zeroing the old bytes removes it from the file.
    let legacy = serde_json::json!({
        "environment": [{"name": "API_TOKEN", "value": PLANTED}, {"name": "PADDING", "value": "x".repeat(900)}],
        "environment_error": null,
    });
    {
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection.execute("DELETE FROM settings WHERE key = 'store.environment_plaintext_removed'", []).unwrap();
        connection
            .execute(
                "INSERT INTO function_detail_sections (profile, region, function_name, section, fetched_at, body)
                 VALUES ('work', 'eu-west-1', ?1, 'configuration', 't', ?2)",
                [FUNCTION, &legacy.to_string()],
            )
            .unwrap();
    }
    assert!(contains(&on_disk(&path), PLANTED), "the test plants the value in clear");

    let store = Store::open(&path).unwrap();

    assert!(!contains(&on_disk(&path), PLANTED), "the value an older release saved is still on disk");
    let sections = store.load_detail_sections(&scope(), FUNCTION).unwrap();
    let loaded: serde_json::Value = serde_json::from_str(&sections[0].body).unwrap();
    assert_eq!(loaded["environment"][0], serde_json::json!({"name": "API_TOKEN", "value": ""}));
    assert_eq!(loaded["environment_error"], VALUES_NOT_SAVED);
    drop(store);
    assert!(!contains(&on_disk(&path), PLANTED));
    std::fs::remove_dir_all(dir).ok();
}

fn mock_keystore() -> (KeyStore, Arc<mock::Store>) {
    let store = mock::Store::new().unwrap();
    (KeyStore::with_store(store.clone()), store)
}

fn keyring_text(store: &Arc<mock::Store>) -> Option<String> {
    store.build(SERVICE, DATA_KEY_ENTRY, None).unwrap().get_password().ok()
}

/// `b` opens what `a` sealed: the same key.
fn same_key(a: &DataKey, b: &DataKey) -> bool {
    let sealed = Sealer::new(a).seal("NAME", "value").unwrap();
    Sealer::new(b).unseal("NAME", &sealed).as_deref() == Some("value")
}

#[tokio::test]
async fn the_data_key_is_created_once_and_reused() {
    let (keystore, mock_store) = mock_keystore();
    assert_eq!(keyring_text(&mock_store), None);

    let first = keystore.data_key().await.unwrap();
    let saved = keyring_text(&mock_store).expect("the key is saved in the keyring");
    let second = keystore.data_key().await.unwrap();
    // Another process (`ldeck` beside the app) reads the same entry.
    let other_process = KeyStore::with_store(mock_store.clone()).data_key().await.unwrap();

    assert!(same_key(&first, &second) && same_key(&first, &other_process));
    assert_eq!(keyring_text(&mock_store).as_deref(), Some(saved.as_str()), "not replaced");
    assert!(!same_key(&first, &DataKey::generate().unwrap()));

    // A profile's keys live in their own entry and leave the data key alone.
    let keys = StaticKeys {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        session_token: None,
    };
    keystore.save("store-data-key", &keys).await.unwrap();
    keystore.delete("store-data-key").await.unwrap();
    assert!(same_key(&first, &keystore.data_key().await.unwrap()));
}

#[tokio::test]
async fn no_profile_can_be_named_like_the_data_key_entry() {
    let (keystore, _) = mock_keystore();
    let profiles = Profiles::new(Store::in_memory().unwrap(), keystore);
    let err = profiles
        .add(ProfileInput {
            name: DATA_KEY_ENTRY.into(),
            region: "eu-west-1".into(),
            endpoint_url: None,
            source: CredentialSource::Keyring,
            aws_cli_profile: None,
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
            secret_access_key: Some("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into()),
            session_token: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
}

#[tokio::test]
async fn a_locked_keyring_gives_no_key_and_keeps_the_one_it_has() {
    let (keystore, mock_store) = mock_keystore();
    let first = keystore.data_key().await.unwrap();
    let entry = mock_store.build(SERVICE, DATA_KEY_ENTRY, None).unwrap();
    let cred: &mock::Cred = entry.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other("locked"))));

    let err = keystore.data_key().await.unwrap_err();

    assert_eq!(err.code(), ErrorCode::KeyringLocked);
    assert!(same_key(&first, &keystore.data_key().await.unwrap()), "once unlocked, the same key");
}

#[tokio::test]
async fn an_entry_that_holds_no_key_is_replaced() {
    let (keystore, mock_store) = mock_keystore();
    mock_store.build(SERVICE, DATA_KEY_ENTRY, None).unwrap().set_password("not a key").unwrap();

    let key = keystore.data_key().await.unwrap();

    let saved = keyring_text(&mock_store).unwrap();
    assert!(same_key(&key, &DataKey::from_text(&saved).unwrap()));
}

/// `scripts/with-test-keyring.sh cargo test -p lambda-deck --test store_sealing -- --ignored`
#[tokio::test]
#[ignore = "needs a Secret Service: run through scripts/with-test-keyring.sh"]
async fn the_data_key_is_kept_in_the_real_keyring() {
    assert!(std::env::var_os("LDECK_TEST_KEYRING").is_some(), "run through scripts/with-test-keyring.sh");
    let first = KeyStore::system().data_key().await.unwrap();
    // A new connection (as the next process would make) finds the same key.
    let second = KeyStore::system().data_key().await.unwrap();
    assert!(same_key(&first, &second));
}

/// `ldeck functions show NAME --json`, online then offline, of a function holding the
/// planted value, with the store in `data` (and a keyring if `keyring` and the test has
/// one); the two outputs as JSON.
async fn show_online_then_offline(data: &Path, keyring: bool) -> (serde_json::Value, serde_json::Value) {
    let local = local_aws().await;
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, "sealed", 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    let environment = Environment::builder().variables("API_TOKEN", PLANTED).variables("TABLE", "orders").build();
    lambda.update_function_configuration().function_name(&name).environment(environment).send().await.unwrap();
    demo::wait_until_active(&lambda, &name).await.unwrap();

    let mut outputs = Vec::new();
    for offline in [false, true] {
        let mut command = local.ldeck();
        command.env("LDECK_DATA_DIR", data).args(["functions", "show", &name, "--json"]);
        if offline {
            command.arg("--offline");
        }
        if !keyring {
            command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/lambda-deck-test-bus");
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        outputs.push(serde_json::from_slice(&output.stdout).unwrap());
    }
    let offline = outputs.pop().unwrap();
    (outputs.pop().unwrap(), offline)
}

fn variable<'a>(details: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let environment = details["configuration"]["environment"].as_array().unwrap();
    environment.iter().find(|v| v["name"] == name).unwrap()
}

#[tokio::test]
async fn cli_without_a_keyring_shows_fetched_values_and_saves_names_only() {
    let data = temp_dir("sealing-cli");
    let (online, offline) = show_online_then_offline(&data, false).await;

    assert_eq!(variable(&online, "API_TOKEN")["value"], PLANTED, "what was fetched is shown");
    assert!(!contains(&on_disk(&data.join("lambda-deck.sqlite3")), PLANTED), "the planted value is on disk");
    assert_eq!(variable(&offline, "API_TOKEN")["value"], "");
    assert_eq!(variable(&offline, "TABLE")["value"], "");
    assert_eq!(offline["configuration"]["environment_error"], VALUES_NOT_SAVED);
    std::fs::remove_dir_all(data).ok();
}

/// `scripts/with-test-keyring.sh cargo test -p lambda-deck --test store_sealing -- --ignored`
#[tokio::test]
#[ignore = "needs a Secret Service: run through scripts/with-test-keyring.sh"]
async fn cli_with_a_keyring_seals_values_and_reads_them_offline() {
    assert!(std::env::var_os("LDECK_TEST_KEYRING").is_some(), "run through scripts/with-test-keyring.sh");
    let data = temp_dir("sealing-cli-keyring");
    let (online, offline) = show_online_then_offline(&data, true).await;

    assert_eq!(variable(&online, "API_TOKEN")["value"], PLANTED);
    let bytes = on_disk(&data.join("lambda-deck.sqlite3"));
    assert!(!contains(&bytes, PLANTED), "the planted value is on disk in clear");
    assert!(contains(&bytes, "API_TOKEN"));
    assert_eq!(variable(&offline, "API_TOKEN")["value"], PLANTED);
    assert_eq!(variable(&offline, "TABLE")["value"], "orders");
    assert!(offline["configuration"]["environment_error"].is_null());
    std::fs::remove_dir_all(data).ok();
}
