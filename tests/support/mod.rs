//! Shared harness for the integration tests: one MiniStack per test binary, started on
//! first use on a free loopback port, wiped before every test, stopped when the binary
//! exits (its watchdog sees our end of the pipe close, whether tests passed or not).
#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod cli;

use std::sync::OnceLock;

use lambda_deck::aws::AwsConnection;
use lambda_deck_devtools::LocalAws;
use tokio::sync::{Mutex, MutexGuard};

static LOCAL_AWS: OnceLock<LocalAws> = OnceLock::new();
/// Tests share one emulator, so they take turns: a reset must not wipe a running test.
static TURN: Mutex<()> = Mutex::const_new(());

/// Exclusive use of the local AWS, freshly reset, for the duration of one test.
pub struct LocalAwsLease {
    _turn: MutexGuard<'static, ()>,
    pub aws: &'static LocalAws,
}

pub async fn local_aws() -> LocalAwsLease {
    let turn = TURN.lock().await;
    let aws = LOCAL_AWS.get_or_init(|| LocalAws::start().expect("start MiniStack (run scripts/setup.sh first)"));
    aws.reset().expect("reset MiniStack");
    LocalAwsLease { _turn: turn, aws }
}

impl LocalAwsLease {
    pub fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.aws.sdk_config())
    }

    /// The connection the app and CLI would build for this emulator.
    pub fn connection(&self) -> AwsConnection {
        AwsConnection::from_sdk_config(self.aws.sdk_config(), Some("integration".into())).expect("connection")
    }

    /// `ldeck` with only this emulator's environment (no inherited AWS_* settings).
    pub fn ldeck(&self) -> std::process::Command {
        let mut command = ldeck_without_aws_env();
        command.envs(self.aws.client_env());
        command
    }
}

/// The `ldeck` binary with every AWS_* variable of the caller removed, the EC2 metadata
/// service disabled so that nothing leaves the machine, a private data directory, and no
/// session bus (so no keyring) unless the test provides one.
pub fn ldeck_without_aws_env() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ldeck"));
    command.env("LDECK_DATA_DIR", temp_dir("data"));
    if std::env::var_os("LDECK_TEST_KEYRING").is_none() {
        command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/lambda-deck-test-bus");
    }
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            command.env_remove(key);
        }
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    command.env("AWS_CONFIG_FILE", "/nonexistent/lambda-deck-test/config");
    command.env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/lambda-deck-test/credentials");
    command
}

/// A fresh private directory under the system temp dir.
pub fn temp_dir(label: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "lambda-deck-{label}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
