//! `ldeck` errors: one clear line on stderr and a non-zero exit, nothing on stdout.

mod support;

use std::process::Command;

use support::ldeck_without_aws_env;

/// Port 9 (discard) on loopback: nothing listens, so connections are refused at once.
const CLOSED_ENDPOINT: &str = "http://127.0.0.1:9";

/// `ldeck LEADING… --region us-east-1 --endpoint-url <closed port> functions list`.
fn list_via_closed_port(leading: &[&str]) -> Command {
    let mut command = ldeck_without_aws_env();
    command.args(leading).args(["--region", "us-east-1", "--endpoint-url", CLOSED_ENDPOINT, "functions", "list"]);
    command
}

/// (succeeded, stdout, stderr)
fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn unreachable_endpoint_is_one_line_naming_it() {
    let (ok, stdout, stderr) = run(list_via_closed_port(&[])
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "x"));
    assert!(!ok);
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("ldeck: error: Cannot reach AWS at http://127.0.0.1:9"), "{stderr}");
}

#[test]
fn invalid_endpoint_url_is_refused_before_sending() {
    let (ok, _, stderr) = run(ldeck_without_aws_env().args([
        "--region",
        "us-east-1",
        "--endpoint-url",
        "localhost:4566",
        "functions",
        "list",
    ]));
    assert!(!ok);
    assert_eq!(
        stderr.trim_end(),
        "ldeck: error: --endpoint-url: Invalid endpoint URL \"localhost:4566\": it must start with http:// or https://"
    );
}

#[test]
fn a_mistyped_region_or_function_name_is_refused_before_sending() {
    // The endpoint is a closed port: a request would fail with "Cannot reach AWS".
    let (ok, _, stderr) = run(ldeck_without_aws_env().args([
        "--region",
        "eu-wset-1",
        "--endpoint-url",
        CLOSED_ENDPOINT,
        "functions",
        "list",
    ]));
    assert!(!ok);
    assert_eq!(stderr.trim_end(), "ldeck: error: --region: \"eu-wset-1\" is not an AWS region (e.g. eu-west-1)");

    let (ok, _, stderr) =
        run(ldeck_without_aws_env().args(["--region", "us-east-1", "functions", "show", "my function"]));
    assert!(!ok);
    assert!(stderr.starts_with("ldeck: error: \"my function\" is not a Lambda function name or ARN"), "{stderr}");
}

#[test]
fn missing_region_says_how_to_set_one() {
    let (ok, _, stderr) = run(ldeck_without_aws_env().args(["functions", "list"]));
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("No AWS region is set: pass --region, set AWS_REGION"), "{stderr}");
}

#[test]
fn missing_credentials_are_a_credentials_error() {
    let (ok, _, stderr) = run(&mut list_via_closed_port(&[]));
    assert!(!ok);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("ldeck: error: The credentials were not accepted"), "{stderr}");
}

#[test]
fn unknown_profile_is_reported() {
    let (ok, _, stderr) = run(&mut list_via_closed_port(&["--profile", "nope"]));
    assert!(!ok);
    assert_eq!(
        stderr.trim_end(),
        "ldeck: error: The config profile (nope) could not be found in the AWS config or credentials file."
    );
}
