//! Profiles of the AWS CLI's files, resolved as the AWS CLI would: an assume-role chain
//! whose STS call goes to the local AWS, and an expired SSO session.

mod support;

use std::path::Path;

use support::{ldeck_without_aws_env, local_aws, temp_dir};

fn ldeck_with_aws_files(dir: &Path) -> std::process::Command {
    let mut command = ldeck_without_aws_env();
    command
        .env("HOME", dir)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"));
    command
}

#[tokio::test]
async fn an_assume_role_chain_gets_its_credentials_from_sts() {
    let local = local_aws().await;
    let dir = temp_dir("assume-role");
    std::fs::write(
        dir.join("config"),
        "[profile base]\nregion = us-east-1\n\n[profile deployer]\nrole_arn = arn:aws:iam::000000000000:role/deployer\nsource_profile = base\nregion = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials"),
        "[base]\naws_access_key_id = 000000000000\naws_secret_access_key = base-secret\n",
    )
    .unwrap();

    let output = ldeck_with_aws_files(&dir)
        // Every service, STS included, goes to the local AWS.
        .env("AWS_ENDPOINT_URL", local.aws.endpoint_url())
        .args(["profile", "test", "deployer"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.starts_with("OK: account 000000000000 in us-east-1 as "), "{stdout}");
    assert!(stdout.contains("assumed-role/deployer"), "the role was assumed: {stdout}");
}

#[test]
fn an_expired_sso_session_says_how_to_log_in_again() {
    let dir = temp_dir("sso");
    std::fs::write(
        dir.join("config"),
        "[profile team-sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\nregion = eu-west-1\n\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
    std::fs::write(dir.join("credentials"), "").unwrap();
    // The SDK names the cached token file after the SHA-1 of the session name ("corp").
    let cache = dir.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"expired-token","expiresAt":"2020-01-01T00:00:00Z","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}"#,
    )
    .unwrap();

    let output = ldeck_with_aws_files(&dir)
        // Should anything try the network, it meets a closed loopback port.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .args(["profile", "test", "team-sso"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("Run `aws sso login --profile team-sso` and retry."), "{stderr}");
}

#[test]
fn adding_keys_without_a_keyring_says_so_and_saves_nothing() {
    let data = temp_dir("no-keyring");
    let mut add = ldeck_without_aws_env();
    add.env("LDECK_DATA_DIR", &data)
        .args(["profile", "add", "work", "--region", "eu-west-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = add.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"a-secret-typed-in\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let listed =
        ldeck_without_aws_env().env("LDECK_DATA_DIR", &data).args(["profile", "list", "--json"]).output().unwrap();
    std::fs::remove_dir_all(&data).ok();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.starts_with("ldeck: error: No system keyring is available."), "{stderr}");
    assert!(stderr.contains("Use an AWS CLI profile instead"), "{stderr}");
    let profiles: Vec<serde_json::Value> = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(profiles.iter().all(|p| p["name"] != "work"), "nothing saved: {profiles:?}");
}

#[test]
fn bad_profile_input_names_the_option_and_saves_nothing() {
    let data = temp_dir("bad-input");
    let output = ldeck_without_aws_env()
        .env("LDECK_DATA_DIR", &data)
        .args(["profile", "add", "work", "--region", "moon-1", "--endpoint-url", "localhost", "--from-environment"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&data).ok();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert_eq!(
        stderr.trim_end(),
        "ldeck: error: --region: \"moon-1\" is not an AWS region (e.g. eu-west-1); --endpoint-url: Invalid endpoint URL \"localhost\": it must start with http:// or https://"
    );
}
