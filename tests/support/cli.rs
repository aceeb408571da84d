//! Running `ldeck` in tests: against the emulator, or with every request going to a
//! closed port (to prove bad input is refused before anything is sent).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::{ldeck_without_aws_env, LocalAwsLease};

/// Port 9 (discard) on loopback: nothing listens, so any request fails at once.
pub const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_success(&self) {
        assert_eq!(self.code, Some(0), "stdout: {}\nstderr: {}", self.stdout, self.stderr);
    }

    #[track_caller]
    pub fn assert_failure(&self) {
        assert_eq!(self.code, Some(1), "stdout: {}\nstderr: {}", self.stdout, self.stderr);
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}\nstderr: {}", self.stdout, self.stderr))
    }
}

pub fn run(command: &mut Command, stdin: Option<&str>) -> Run {
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `ldeck ARGS…` against the emulator, with the data directory `data`.
pub fn ldeck(local: &LocalAwsLease, data: &Path, args: &[&str]) -> Run {
    run(local.ldeck().env("LDECK_DATA_DIR", data).args(args), None)
}

/// `ldeck ARGS…` whose requests would go to a closed port (and fail as "Cannot reach AWS").
pub fn ldeck_offline(args: &[&str]) -> Run {
    let mut command = ldeck_without_aws_env();
    command
        .env("AWS_ENDPOINT_URL", CLOSED_ENDPOINT)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "000000000000")
        .env("AWS_SECRET_ACCESS_KEY", "x")
        .args(args);
    run(&mut command, None)
}
