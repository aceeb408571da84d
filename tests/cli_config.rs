//! `ldeck config`, `ldeck version` and `ldeck alias` end to end against the local AWS:
//! show, a dry run's diff, set with the function's revision, a stale `--if-revision`
//! exiting 3 with one line, versions and a weighted alias, and typos refused before
//! anything is sent.

mod support;

use lambda_deck_devtools::demo;
use support::cli::{ldeck, ldeck_offline};
use support::{local_aws, temp_dir, LocalAwsLease};

async fn create_function(local: &LocalAwsLease, prefix: &str) -> String {
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, prefix, 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    name
}

#[tokio::test]
async fn config_is_shown_diffed_and_set_with_its_revision() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-cfg").await;
    let data = temp_dir("cli-config");

    let shown = ldeck(&local, &data, &["config", "show", &name, "--json"]);
    shown.assert_success();
    let shown = shown.json();
    assert_eq!(shown["config"]["memory_mb"], 128);
    let revision = shown["revision_id"].as_str().unwrap().to_string();

    let dry = ldeck(&local, &data, &["config", "set", &name, "--memory", "512", "--env", "TOKEN=s3cret", "--dry-run"]);
    dry.assert_success();
    assert!(dry.stdout.contains("Memory (MB): 128 → 512"), "{}", dry.stdout);
    assert!(dry.stdout.contains("Environment variable TOKEN: (not set) → ••••••"), "{}", dry.stdout);
    assert!(!dry.stdout.contains("s3cret"), "values are masked unless revealed");
    let unchanged = local.lambda().get_function_configuration().function_name(&name).send().await.unwrap();
    assert_eq!(unchanged.memory_size, Some(128), "a dry run sends nothing");

    let diffed = ldeck(&local, &data, &["config", "diff", &name, "--timeout", "20", "--reveal", "--env", "AB=b"]);
    diffed.assert_success();
    assert!(diffed.stdout.contains("Timeout (s): 3 → 20"), "{}", diffed.stdout);
    assert!(diffed.stdout.contains("Environment variable AB: (not set) → b"), "{}", diffed.stdout);

    let set = ldeck(
        &local,
        &data,
        &[
            "config",
            "set",
            &name,
            "--memory",
            "512",
            "--env",
            "TOKEN=s3cret",
            "--tag",
            "team=cli",
            "--if-revision",
            &revision,
        ],
    );
    set.assert_success();
    assert!(set.stderr.contains("Successful"), "{}", set.stderr);
    let on_aws = local.lambda().get_function().function_name(&name).send().await.unwrap();
    let config = on_aws.configuration.unwrap();
    assert_eq!(config.memory_size, Some(512));
    assert_eq!(config.environment.and_then(|e| e.variables).unwrap()["TOKEN"], "s3cret");
    assert_eq!(on_aws.tags.unwrap()["team"], "cli");

    // The revision it was read at is gone now: a pinned edit refuses with status 3.
    let stale = ldeck(&local, &data, &["config", "set", &name, "--timeout", "30", "--if-revision", &revision]);
    assert_eq!(stale.code, Some(3), "{}", stale.stderr);
    assert_eq!(stale.stderr.lines().count(), 1, "{}", stale.stderr);
    assert!(
        stale.stderr.starts_with(&format!("ldeck: conflict: {name} changed since revision {revision}")),
        "{}",
        stale.stderr
    );
    let after = local.lambda().get_function_configuration().function_name(&name).send().await.unwrap();
    assert_eq!(after.timeout, Some(3), "nothing was sent");

    // Options checked alone would refuse these: the runtime without a handler, levels
    // without the JSON format named.
    let runtime = ldeck(&local, &data, &["config", "set", &name, "--runtime", "python3.13", "--dry-run"]);
    runtime.assert_success();
    assert!(runtime.stdout.contains("Runtime: python3.12 → python3.13"), "{}", runtime.stdout);
    let levels =
        ldeck(&local, &data, &["config", "set", &name, "--log-format", "JSON", "--application-log-level", "DEBUG"]);
    levels.assert_success();
    let text = ldeck(&local, &data, &["config", "set", &name, "--log-format", "Text", "--dry-run"]);
    text.assert_success();
    assert!(text.stdout.contains("Application log level: DEBUG → (not set)"), "{}", text.stdout);

    // What changed on AWS since the details were saved: a colleague's timeout.
    local.lambda().update_function_configuration().function_name(&name).timeout(44).send().await.unwrap();
    demo::wait_until_active(&local.lambda(), &name).await.unwrap();
    let since = ldeck(&local, &data, &["config", "diff", &name]);
    since.assert_success();
    assert_eq!(since.stdout.trim(), "Timeout (s): 3 → 44");
}

#[tokio::test]
async fn versions_are_published_and_a_weighted_alias_is_set_listed_and_removed() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-alias").await;
    let data = temp_dir("cli-alias");
    let first = ldeck(&local, &data, &["version", "publish", &name, "--description", "first"]);
    first.assert_success();
    ldeck(&local, &data, &["config", "set", &name, "--description", "changed"]).assert_success();
    let second = ldeck(&local, &data, &["version", "publish", &name]);
    second.assert_success();
    let (v1, v2) = (first.stdout.trim().to_string(), second.stdout.trim().to_string());
    assert_ne!(v1, v2);
    let listed = ldeck(&local, &data, &["version", "list", &name, "--json"]);
    listed.assert_success();
    let versions: Vec<String> =
        listed.json().as_array().unwrap().iter().map(|v| v["version"].as_str().unwrap().to_string()).collect();
    assert!(versions.contains(&v1) && versions.contains(&v2), "{versions:?}");

    let set = ldeck(
        &local,
        &data,
        &["alias", "set", &name, "live", "--version", &v1, "--additional-version", &v2, "--weight", "0.25"],
    );
    set.assert_success();
    let aliases = ldeck(&local, &data, &["alias", "list", &name]);
    aliases.assert_success();
    assert_eq!(aliases.stdout.trim(), format!("live -> {v1}, 25% to {v2}"));
    ldeck(&local, &data, &["alias", "remove", &name, "live"]).assert_success();
    let after = ldeck(&local, &data, &["alias", "list", &name]);
    assert_eq!(after.stdout.trim(), "");
}

#[test]
fn typos_are_refused_before_anything_is_sent_naming_the_option() {
    let cases = [
        (
            &["config", "set", "orders", "--memory", "64"][..],
            "ldeck: error: --memory: Memory is 128 to 10,240 MB; 64 is too little",
        ),
        (&["config", "set", "orders", "--timeout", "901"], "ldeck: error: --timeout: Timeout is 1 to 900 seconds"),
        (
            &["config", "set", "orders", "--env", "AWS_REGION=x"],
            "ldeck: error: --env: AWS_REGION is reserved by Lambda and cannot be set",
        ),
        (&["config", "set", "orders", "--env", "novalue"], "ldeck: error: --env: \"novalue\" is not KEY=VALUE."),
        (
            &["config", "set", "orders", "--tag", "aws:x=1"],
            "ldeck: error: --tag: Tag keys starting with aws: are reserved for AWS",
        ),
        (&["config", "set", "orders", "--tracing", "On"], "ldeck: error: --tracing: Tracing is PassThrough or Active"),
        (
            &["config", "set", "orders"],
            "ldeck: error: Name at least one setting to change (see `ldeck config set --help`).",
        ),
        (
            &["alias", "set", "orders", "123", "--version", "1"],
            "ldeck: error: ALIAS: An alias name cannot be only digits: that reads as a version",
        ),
        (
            &["alias", "set", "orders", "live", "--version", "1", "--additional-version", "2", "--weight", "1.5"],
            "ldeck: error: --weight: The additional weight is a number from 0 to 1, e.g. 0.1",
        ),
    ];
    for (args, expected) in cases {
        let run = ldeck_offline(args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(run.stderr.trim_end(), expected, "{args:?}");
        assert!(run.stdout.is_empty());
    }
}

#[tokio::test]
async fn code_is_deployed_from_a_folder_with_a_version_and_downloaded() {
    let local = local_aws().await;
    let name = create_function(&local, "cli-code").await;
    let data = temp_dir("cli-code");
    let source = temp_dir("cli-code-src");
    std::fs::write(source.join("app.py"), "def handler(event, context):\n    return {'release': 'cli-two'}\n").unwrap();
    std::fs::write(source.join("notes.txt"), "left out\n").unwrap();
    std::fs::write(source.join(".lambdaignore"), "notes.txt\n").unwrap();
    let handler = ldeck(&local, &data, &["config", "set", &name, "--handler", "app.handler"]);
    handler.assert_success();

    let deployed = ldeck(&local, &data, &["code", "deploy", &name, source.to_str().unwrap(), "--publish", "--json"]);
    deployed.assert_success();
    let deployed = deployed.json();
    assert_eq!(deployed["status"], "Successful");
    assert_eq!(deployed["files"], 1, "{deployed}");
    let version = deployed["version"].as_str().unwrap().to_string();

    let invoked = ldeck(&local, &data, &["invoke", &format!("{name}:{version}")]);
    invoked.assert_success();
    assert!(invoked.stdout.contains("cli-two"), "{}", invoked.stdout);

    let target = temp_dir("cli-code-download").join("out");
    let downloaded = ldeck(&local, &data, &["code", "download", &name, target.to_str().unwrap()]);
    downloaded.assert_success();
    assert!(target.join("app.py").exists() && !target.join("notes.txt").exists());

    let missing = ldeck(&local, &data, &["code", "deploy", &name, "/nonexistent/lambda-deck-code"]);
    assert_eq!(missing.code, Some(1));
    assert!(missing.stderr.starts_with("ldeck: error: PATH: "), "{}", missing.stderr);
}
