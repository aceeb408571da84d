//! MiniStack on a free loopback port, for the demo and the tests.
//!
//! The emulator runs under a small shell watchdog that holds a pipe from this process:
//! when this process ends, in any way (a failed test, a panic, SIGKILL), the pipe closes
//! and the watchdog stops MiniStack. Dropping a [`LocalAws`] stops it at once.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};

/// The region every seeded resource lives in.
pub const REGION: &str = "us-east-1";
/// MiniStack takes a 12-digit access key id as the account id (local-aws.md).
pub const ACCESS_KEY_ID: &str = "000000000000";
pub const SECRET_ACCESS_KEY: &str = "local-emulator-secret";

const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running MiniStack. Stopped on drop.
#[derive(Debug)]
pub struct LocalAws {
    watchdog: Child,
    port: u16,
    work_dir: PathBuf,
}

/// How to start MiniStack; the default is a fresh emulator on a free port.
#[derive(Debug, Clone, Default)]
pub struct LocalAwsOptions {
    /// A given port (to start it again where a client is still pointed).
    pub port: Option<u16>,
    /// Keep the state in this directory across a stop and a start (saved on shutdown).
    pub state_dir: Option<PathBuf>,
}

impl LocalAws {
    /// Starts MiniStack from the project's venv (or `$LDECK_MINISTACK`) on a free port
    /// of 127.0.0.1 and waits until it answers its health check.
    pub fn start() -> std::io::Result<Self> {
        Self::start_with(LocalAwsOptions::default())
    }

    /// [`start`](Self::start) with a chosen port and kept state.
    pub fn start_with(options: LocalAwsOptions) -> std::io::Result<Self> {
        let ministack = ministack_executable()?;
        let port = match options.port {
            Some(port) => port,
            None => free_loopback_port()?,
        };
        let work_dir = std::env::temp_dir().join(format!("lambda-deck-ministack-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&work_dir)?;
        let log = std::fs::File::create(work_dir.join("ministack.log"))?;

        // `cat` returns when our end of its stdin closes, that is when this process is gone.
        let watchdog_script = r#""$0" & child=$!; cat >/dev/null; kill -TERM $child 2>/dev/null; wait $child"#;
        let mut command = Command::new("sh");
        command.arg("-c").arg(watchdog_script).arg(&ministack);
        match &options.state_dir {
            Some(state_dir) => command.env("PERSIST_STATE", "1").env("STATE_DIR", state_dir),
            None => command.env("PERSIST_STATE", "0"),
        };
        let watchdog = command
            .env("GATEWAY_PORT", port.to_string())
            .env("BIND_HOST", "127.0.0.1")
            .env("SFTP_ENABLED", "0")
            .env("IOT_MTLS_ENABLED", "0")
            .env("LAMBDA_WARM_TTL_SECONDS", "20")
            .env("TMPDIR", &work_dir)
            .env("LOG_LEVEL", "WARNING")
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let mut local = LocalAws { watchdog, port, work_dir };
        local.wait_until_healthy()?;
        Ok(local)
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where MiniStack's log and temporary files are.
    pub fn work_dir(&self) -> &Path {
        &self.work_dir
    }

    /// Wipes every resource (about 10 ms), so each test starts from an empty account.
    pub fn reset(&self) -> std::io::Result<()> {
        let status = http_request(self.port, "POST", "/_ministack/reset")?;
        if status == 200 {
            Ok(())
        } else {
            Err(std::io::Error::other(format!("MiniStack reset answered HTTP {status}")))
        }
    }

    /// An SDK configuration with static local credentials, pointed at this emulator.
    pub fn sdk_config(&self) -> SdkConfig {
        let credentials = aws_credential_types::Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
            "lambda-deck-local-aws",
        );
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(self.endpoint_url())
            .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(credentials))
            .build()
    }

    /// Environment variables that point the AWS CLI conventions (and so `ldeck` and the
    /// app) at this emulator, without touching the user's ~/.aws files.
    pub fn client_env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint_url()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_string()),
            // Never fall through to the EC2 metadata service (a non-loopback address).
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn wait_until_healthy(&mut self) -> std::io::Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.watchdog.try_wait()? {
                return Err(std::io::Error::other(format!(
                    "MiniStack exited with {status} before answering; see {}",
                    self.work_dir.join("ministack.log").display()
                )));
            }
            if http_request(self.port, "GET", "/_ministack/health").is_ok_and(|status| status == 200) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(std::io::Error::other(format!("MiniStack did not answer on port {} within {START_TIMEOUT:?}", self.port)))
    }
}

impl Drop for LocalAws {
    fn drop(&mut self) {
        // Closing the watchdog's stdin makes it stop MiniStack and wait for it.
        drop(self.watchdog.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.watchdog.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}

/// `$LDECK_MINISTACK`, else `.tools/ministack-venv/bin/ministack` in the workspace
/// (installed by scripts/setup.sh).
fn ministack_executable() -> std::io::Result<PathBuf> {
    if let Some(path) = std::env::var_os("LDECK_MINISTACK") {
        return Ok(PathBuf::from(path));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."));
    let path = workspace.join(".tools/ministack-venv/bin/ministack");
    if path.is_file() {
        Ok(path)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("MiniStack is not installed at {}: run scripts/setup.sh (or `make setup`)", path.display()),
        ))
    }
}

fn free_loopback_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A minimal HTTP/1.1 exchange with MiniStack's control endpoints; returns the status.
fn http_request(port: u16, method: &str, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("malformed HTTP response from MiniStack"))
}
