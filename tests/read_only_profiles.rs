//! A profile marked read-only sends no change to AWS: every write passes
//! `AwsConnection::check_writable()` first, which refuses before a request is built. A
//! loopback listener stands in for AWS and counts the connections it is offered; for a
//! refused write there must be none.
//!
//! A new write goes into [`every_write`]: the read-only test then proves it refuses before
//! sending, and the control proves it would have sent.

mod support;

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use lambda_deck::aws::AwsConnection;
use lambda_deck::config::apply::apply_edit;
use lambda_deck::config::code::deploy_code;
use lambda_deck::config::versions::{publish_version, remove_alias, set_alias};
use lambda_deck::config::{AliasEdit, ConfigEdit, EditableConfig, LoggingSettings};
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::{CredentialSource, ProfileInput, Profiles};
use lambda_deck::store::Store;
use lambda_deck::{Error, ErrorCode};
use support::{ldeck_without_aws_env, temp_dir};

/// At most this many connections are accepted (and counted); the listener then stops.
const MAX_ACCEPTED: usize = 256;

/// A loopback TCP listener that accepts connections, counts them and closes each at once,
/// until [`stop`](CountingListener::stop)ped (or dropped, or `MAX_ACCEPTED` reached).
pub struct CountingListener {
    address: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Starts a [`CountingListener`] on a free port of 127.0.0.1.
pub fn start_counting_listener() -> CountingListener {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.set_nonblocking(true).expect("a non-blocking listener");
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let thread = std::thread::spawn({
        let (accepted, stop) = (accepted.clone(), stop.clone());
        move || {
            while !stop.load(Ordering::SeqCst) && accepted.load(Ordering::SeqCst) < MAX_ACCEPTED {
                match listener.accept() {
                    Ok((stream, _)) => {
                        accepted.fetch_add(1, Ordering::SeqCst);
                        drop(stream);
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => break,
                }
            }
        }
    });
    CountingListener { address, accepted, stop, thread: Some(thread) }
}

impl CountingListener {
    /// The endpoint URL to give a connection (`http://127.0.0.1:<port>`).
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Stops listening (connections still queued are counted first) and returns the count.
    pub fn stop(mut self) -> usize {
        self.shut_down();
        self.accepted()
    }

    fn shut_down(&mut self) {
        // Lets a connection made just before the stop be counted.
        std::thread::sleep(Duration::from_millis(50));
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the listener thread");
        }
    }
}

impl Drop for CountingListener {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.shut_down();
        }
    }
}

/// An SDK configuration sending to `endpoint_url` with made-up keys, and no retries (one
/// request is one connection).
fn sdk_config_for(endpoint_url: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(endpoint_url)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::for_tests()))
        .retry_config(RetryConfig::disabled())
        .build()
}

/// Every write Lambda Deck makes (configuration, versions, aliases, code), each started
/// as a user would, with its outcome. Each one sends at least one request when allowed.
async fn every_write(connection: &AwsConnection) -> Vec<(&'static str, Result<(), Error>)> {
    let store = Store::in_memory().unwrap();
    let base = EditableConfig {
        description: String::new(),
        handler: Some("app.handler".into()),
        runtime: Some("python3.12".into()),
        memory_mb: 128,
        timeout_seconds: 3,
        ephemeral_storage_mb: 512,
        environment: Vec::new(),
        tracing_mode: "PassThrough".into(),
        logging: LoggingSettings {
            log_format: "Text".into(),
            application_log_level: None,
            system_log_level: None,
            log_group: "/aws/lambda/orders".into(),
        },
        tags: Vec::new(),
        reserved_concurrency: None,
    };
    let mut desired = base.clone();
    desired.memory_mb = 256;
    let edit = ConfigEdit { function_name: "orders".into(), base_revision_id: Some("r1".into()), base, desired };
    let alias = AliasEdit {
        name: "live".into(),
        function_version: "1".into(),
        description: String::new(),
        additional_version: None,
        additional_weight: None,
    };
    let code = temp_dir("read-only-code");
    std::fs::write(code.join("app.py"), "def handler(event, context):\n    return 1\n").unwrap();
    vec![
        ("apply_edit", apply_edit(connection, &store, &edit, &mut |_| {}).await.map(drop)),
        ("publish_version", publish_version(connection, &store, "orders", "").await.map(drop)),
        ("set_alias", set_alias(connection, &store, "orders", &alias).await.map(drop)),
        ("remove_alias", remove_alias(connection, &store, "orders", "live").await),
        ("deploy_code", deploy_code(connection, &store, "orders", &code, false, &mut |_| {}).await.map(drop)),
    ]
}

const READ_ONLY_MESSAGE: &str = "Profile \"prod-readonly\" is read-only: Lambda Deck sends no changes with it. \
     Clear \"Read-only\" in Settings → Profiles (or `ldeck profile edit prod-readonly --read-write`) to edit.";

#[tokio::test]
async fn a_read_only_connection_refuses_a_write_before_sending_anything() {
    let listener = start_counting_listener();
    let connection =
        AwsConnection::from_sdk_config(sdk_config_for(&listener.endpoint_url()), Some("prod-readonly".into()))
            .unwrap()
            .with_read_only(true);

    let gate = connection.check_writable().unwrap_err();
    assert_eq!(gate.code(), ErrorCode::ReadOnly);
    assert_eq!(gate.to_string(), READ_ONLY_MESSAGE);
    for (write, outcome) in every_write(&connection).await {
        let err = outcome.expect_err(write);
        assert_eq!(err.code(), ErrorCode::ReadOnly, "{write}: {err}");
        assert_eq!(err.to_string(), READ_ONLY_MESSAGE, "{write}");
    }
    assert_eq!(listener.stop(), 0, "a refused write opened a connection");
}

/// The control: the same write through a writable connection does reach the listener,
/// so zero above means nothing was sent, not that the listener saw nothing.
#[tokio::test]
async fn a_writable_connection_sends_the_same_write_to_the_listener() {
    let listener = start_counting_listener();
    let connection =
        AwsConnection::from_sdk_config(sdk_config_for(&listener.endpoint_url()), Some("prod".into())).unwrap();

    assert!(connection.check_writable().is_ok());
    let writes = every_write(&connection).await;
    for (write, outcome) in &writes {
        let err = outcome.as_ref().expect_err(write);
        assert_ne!(err.code(), ErrorCode::ReadOnly, "{write}: {err}");
    }
    assert!(listener.stop() >= writes.len(), "every write reached the listener");
}

#[tokio::test]
async fn a_profile_marked_read_only_connects_read_only() {
    let listener = start_counting_listener();
    let profiles =
        Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
    profiles
        .add(ProfileInput {
            name: "prod-readonly".into(),
            region: "eu-west-1".into(),
            endpoint_url: Some(listener.endpoint_url()),
            source: CredentialSource::Keyring,
            aws_cli_profile: None,
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
            secret_access_key: Some("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLE".into()),
            session_token: None,
        })
        .await
        .unwrap();

    let marked = profiles.set_read_only("prod-readonly", true).await.unwrap();
    let connection = profiles.connect("prod-readonly", None).await.unwrap();

    assert!(marked.read_only);
    assert!(connection.is_read_only());
    let err = connection.check_writable().unwrap_err();
    assert_eq!((err.code(), err.to_string().as_str()), (ErrorCode::ReadOnly, READ_ONLY_MESSAGE));
    for (write, outcome) in every_write(&connection).await {
        assert_eq!(outcome.expect_err(write).code(), ErrorCode::ReadOnly, "{write}");
    }
    assert_eq!(listener.stop(), 0, "a refused write opened a connection");
}

/// `ldeck` on a private data directory and the given AWS CLI config file.
fn ldeck(data_dir: &std::path::Path, config: &std::path::Path) -> std::process::Command {
    let mut command = ldeck_without_aws_env();
    command.env("LDECK_DATA_DIR", data_dir).env("AWS_CONFIG_FILE", config);
    command
}

fn run(command: &mut std::process::Command) -> (bool, String, String) {
    let output = command.output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.success(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn an_aws_cli_profile_is_marked_read_only_by_ldeck_and_listed_so() {
    let dir = temp_dir("read-only-cli");
    let config = dir.join("config");
    std::fs::write(&config, "[profile cli-prod]\nregion = eu-west-1\n\n[profile cli-dev]\nregion = eu-west-1\n")
        .unwrap();
    let data = dir.join("data");

    let (ok, stdout, stderr) = run(ldeck(&data, &config).args(["profile", "edit", "cli-prod", "--read-only"]));
    assert!(ok, "stderr: {stderr}");
    assert_eq!(stdout, "Profile \"cli-prod\" is read-only: no changes are sent with it.\n");

    let (ok, stdout, stderr) = run(ldeck(&data, &config).args(["profile", "list", "--json"]));
    assert!(ok, "stderr: {stderr}");
    let listed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let read_only =
        |name: &str| listed.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["read_only"].clone();
    assert_eq!((read_only("cli-prod"), read_only("cli-dev")), (true.into(), false.into()), "{stdout}");

    let (_, table, _) = run(ldeck(&data, &config).args(["profile", "list"]));
    assert!(table.lines().any(|l| l.starts_with("cli-prod (read-only) ")), "{table}");
    assert!(table.lines().any(|l| l.starts_with("cli-dev ")), "{table}");

    // Other edits of an AWS CLI profile are still refused, and change nothing.
    let (ok, _, stderr) =
        run(ldeck(&data, &config).args(["profile", "edit", "cli-prod", "--region", "us-east-1", "--read-write"]));
    assert!(!ok);
    assert!(stderr.contains("There is no app profile named \"cli-prod\" to edit."), "{stderr}");
    let (ok, _, stderr) =
        run(ldeck(&data, &config).args(["profile", "edit", "cli-prod", "--read-only", "--read-write"]));
    assert!(!ok && stderr.contains("cannot be used with"), "{stderr}");
    let (_, stdout, _) = run(ldeck(&data, &config).args(["profile", "list", "--json"]));
    assert!(stdout.contains("\"read_only\": true"), "still read-only: {stdout}");

    let (ok, stdout, stderr) = run(ldeck(&data, &config).args(["profile", "edit", "cli-prod", "--read-write"]));
    assert!(ok, "stderr: {stderr}");
    assert_eq!(stdout, "Profile \"cli-prod\" is read-write: changes may be sent with it.\n");
    let (_, stdout, _) = run(ldeck(&data, &config).args(["profile", "list", "--json"]));
    assert!(!stdout.contains("\"read_only\": true"), "{stdout}");

    let (ok, _, stderr) = run(ldeck(&data, &config).args(["profile", "edit", "no-such-profile", "--read-only"]));
    assert!(!ok);
    assert_eq!(stderr, "ldeck: error: There is no profile named \"no-such-profile\".\n");
    std::fs::remove_dir_all(&dir).ok();
}
