//! Configuration editing against the local AWS: an edit applied with its revision and
//! followed to Successful, a colleague's change in between turned into a conflict (the
//! real 412) and resolved, versions and a weighted alias, and a read-only profile.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use lambda_deck::config::apply::apply_edit;
use lambda_deck::config::versions::{publish_version, remove_alias, set_alias};
use lambda_deck::config::{AliasEdit, ApplyOutcome, ConfigEdit, EditableConfig, EnvVar, Side, TagEntry};
use lambda_deck::functions::FunctionDetails;
use lambda_deck::store::Store;
use lambda_deck::ErrorCode;
use lambda_deck_devtools::demo;
use support::{local_aws, LocalAwsLease};
use tokio_util::sync::CancellationToken;

async fn create_function(local: &LocalAwsLease, prefix: &str) -> String {
    let lambda = local.lambda();
    let name = demo::seed_bulk_functions(&lambda, prefix, 1).await.unwrap().remove(0);
    demo::wait_until_active(&lambda, &name).await.unwrap();
    name
}

/// What the form opens with: the saved details after a refresh.
async fn open_form(local: &LocalAwsLease, store: &Arc<Store>, name: &str) -> (EditableConfig, Option<String>) {
    let details = FunctionDetails::refresh(&local.connection(), store, name, &CancellationToken::new()).await.unwrap();
    let section = details.configuration.expect("configuration fetched");
    (EditableConfig::from_section(&section), section.revision_id)
}

fn edit(name: &str, opened: &(EditableConfig, Option<String>), change: impl FnOnce(&mut EditableConfig)) -> ConfigEdit {
    let mut desired = opened.0.clone();
    change(&mut desired);
    ConfigEdit { function_name: name.into(), base_revision_id: opened.1.clone(), base: opened.0.clone(), desired }
}

#[tokio::test]
async fn an_edit_is_applied_with_its_revision_followed_to_successful_and_saved() {
    let local = local_aws().await;
    let name = create_function(&local, "cfg-apply").await;
    let store = Store::in_memory().unwrap();
    let opened = open_form(&local, &store, &name).await;
    let change = edit(&name, &opened, |c| {
        c.memory_mb = 640;
        c.timeout_seconds = 42;
        c.description = "edited by the test".into();
        c.environment.push(EnvVar { name: "FEATURE_FLAG".into(), value: "on".into() });
        c.tags.push(TagEntry { key: "owner".into(), value: "cfg test".into() });
        c.reserved_concurrency = Some(3);
    });
    let mut steps = Vec::new();
    let outcome = apply_edit(&local.connection(), &store, &change, &mut |p| steps.push(p.step)).await.unwrap();
    let ApplyOutcome::Applied { status, changes, revision_id, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(status, "Successful");
    assert_ne!(revision_id, opened.1, "the revision moved");
    assert_eq!(changes.len(), 6, "{changes:?}");
    assert!(steps.contains(&"refreshing".to_string()), "{steps:?}");

    let on_aws = local.lambda().get_function().function_name(&name).send().await.unwrap();
    let config = on_aws.configuration.unwrap();
    assert_eq!((config.memory_size, config.timeout), (Some(640), Some(42)));
    assert_eq!(config.description.as_deref(), Some("edited by the test"));
    assert_eq!(config.environment.and_then(|e| e.variables).unwrap()["FEATURE_FLAG"], "on");
    assert_eq!(on_aws.tags.unwrap()["owner"], "cfg test");
    assert_eq!(on_aws.concurrency.and_then(|c| c.reserved_concurrent_executions), Some(3));

    // The saved details (what the window shows offline) were refreshed too.
    let saved = FunctionDetails::load(&store, &local.connection().scope(), &name).unwrap().unwrap();
    let saved = EditableConfig::from_section(saved.configuration.as_ref().unwrap());
    assert_eq!(saved, change.desired);
}

#[tokio::test]
async fn a_change_by_someone_else_in_between_is_a_conflict_not_an_overwrite() {
    let local = local_aws().await;
    let name = create_function(&local, "cfg-conflict").await;
    let store = Store::in_memory().unwrap();
    let opened = open_form(&local, &store, &name).await;
    let mine = edit(&name, &opened, |c| {
        c.memory_mb = 512;
        c.timeout_seconds = 15;
    });

    // A second client changes the timeout between opening and applying.
    let lambda = local.lambda();
    lambda.update_function_configuration().function_name(&name).timeout(25).send().await.unwrap();
    demo::wait_until_active(&lambda, &name).await.unwrap();

    let outcome = apply_edit(&local.connection(), &store, &mine, &mut |_| {}).await.unwrap();
    let ApplyOutcome::Conflict { conflict } = outcome else { panic!("{outcome:?}") };
    let timeout = conflict.fields.iter().find(|f| f.field == "timeout_seconds").expect("timeout in the conflict");
    assert_eq!((timeout.current.as_deref(), timeout.desired.as_deref()), (Some("25"), Some("15")));
    assert!(timeout.both_changed);
    let memory = conflict.fields.iter().find(|f| f.field == "memory_mb").expect("memory in the conflict");
    assert!(!memory.both_changed);
    let on_aws = lambda.get_function_configuration().function_name(&name).send().await.unwrap();
    assert_eq!((on_aws.memory_size, on_aws.timeout), (Some(128), Some(25)), "nothing was written");

    // Keep their timeout, apply my memory against the new revision.
    let choices = BTreeMap::from([("timeout_seconds".to_string(), Side::Theirs)]);
    let resolved = lambda_deck::config::diff::resolve(&conflict, &choices).unwrap();
    let outcome = apply_edit(&local.connection(), &store, &resolved, &mut |_| {}).await.unwrap();
    assert!(matches!(outcome, ApplyOutcome::Applied { ref status, .. } if status == "Successful"), "{outcome:?}");
    let on_aws = lambda.get_function_configuration().function_name(&name).send().await.unwrap();
    assert_eq!((on_aws.memory_size, on_aws.timeout), (Some(512), Some(25)));
}

#[tokio::test]
async fn versions_and_a_weighted_alias_are_published_and_listed() {
    let local = local_aws().await;
    let name = create_function(&local, "cfg-alias").await;
    let store = Store::in_memory().unwrap();
    let connection = local.connection();
    let first = publish_version(&connection, &store, &name, "first").await.unwrap();
    let opened = open_form(&local, &store, &name).await;
    let change = edit(&name, &opened, |c| c.description = "second".into());
    apply_edit(&connection, &store, &change, &mut |_| {}).await.unwrap();
    let second = publish_version(&connection, &store, &name, "second").await.unwrap();
    assert_ne!(first.version, second.version);

    let alias = AliasEdit {
        name: "live".into(),
        function_version: first.version.clone(),
        description: "canary".into(),
        additional_version: Some(second.version.clone()),
        additional_weight: Some(0.2),
    };
    let created = set_alias(&connection, &store, &name, &alias).await.unwrap();
    assert_eq!(created.function_version.as_deref(), Some(first.version.as_str()));
    assert_eq!(created.additional_version_weights.len(), 1);
    assert_eq!(created.additional_version_weights[0].version, second.version);
    assert!((created.additional_version_weights[0].weight - 0.2).abs() < 1e-9);

    // The saved details list it with its weight.
    let saved = FunctionDetails::load(&store, &connection.scope(), &name).unwrap().unwrap();
    let aliases = saved.aliases.unwrap().aliases;
    let live = aliases.iter().find(|a| a.name == "live").expect("alias saved");
    assert_eq!(live.additional_version_weights[0].version, second.version);
    let versions: Vec<String> = saved.versions.unwrap().versions.into_iter().map(|v| v.version).collect();
    assert!(versions.contains(&second.version), "{versions:?}");

    // Moving it to the second version alone clears the weights; then it is removed.
    let moved = AliasEdit {
        function_version: second.version.clone(),
        additional_version: None,
        additional_weight: None,
        ..alias
    };
    let updated = set_alias(&connection, &store, &name, &moved).await.unwrap();
    assert!(updated.additional_version_weights.is_empty(), "{updated:?}");
    remove_alias(&connection, &store, &name, "live").await.unwrap();
    let listed = local.lambda().list_aliases().function_name(&name).send().await.unwrap();
    assert!(listed.aliases.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_read_only_profile_refuses_every_write_before_sending() {
    let local = local_aws().await;
    let name = create_function(&local, "cfg-readonly").await;
    let store = Store::in_memory().unwrap();
    let opened = open_form(&local, &store, &name).await;
    let read_only = local.connection().with_read_only(true);
    let change = edit(&name, &opened, |c| c.memory_mb = 1024);
    let alias = AliasEdit {
        name: "live".into(),
        function_version: "$LATEST".into(),
        description: String::new(),
        additional_version: None,
        additional_weight: None,
    };
    let refusals = [
        apply_edit(&read_only, &store, &change, &mut |_| {}).await.map(|_| ()).unwrap_err(),
        publish_version(&read_only, &store, &name, "x").await.map(|_| ()).unwrap_err(),
        set_alias(&read_only, &store, &name, &alias).await.map(|_| ()).unwrap_err(),
        remove_alias(&read_only, &store, &name, "live").await.unwrap_err(),
    ];
    for err in refusals {
        assert_eq!(err.code(), ErrorCode::ReadOnly, "{err}");
    }
    let on_aws = local.lambda().get_function_configuration().function_name(&name).send().await.unwrap();
    assert_eq!(on_aws.memory_size, Some(128));
    assert_eq!(on_aws.revision_id, opened.1, "nothing changed the function");
}
