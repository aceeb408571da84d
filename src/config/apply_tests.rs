//! Applying edits against a fake Lambda (aws-smithy-mocks computing each answer from
//! shared state): revisions, 412, 409, LastUpdateStatus, tags, concurrency, and a
//! property test that no interleaving of two clients' edits loses an update.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_lambda::operation::delete_function_concurrency::DeleteFunctionConcurrencyOutput;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::put_function_concurrency::PutFunctionConcurrencyOutput;
use aws_sdk_lambda::operation::tag_resource::TagResourceOutput;
use aws_sdk_lambda::operation::untag_resource::UntagResourceOutput;
use aws_sdk_lambda::operation::update_function_configuration::{
    UpdateFunctionConfigurationError, UpdateFunctionConfigurationInput, UpdateFunctionConfigurationOutput,
};
use aws_sdk_lambda::types::error::{PreconditionFailedException, ResourceConflictException};
use aws_sdk_lambda::types::{
    Concurrency, EnvironmentError, EnvironmentResponse, EphemeralStorage, FunctionConfiguration, LastUpdateStatus,
    LogFormat, LoggingConfig, Runtime, TracingConfigResponse, TracingMode,
};
use aws_smithy_mocks::{mock, mock_client, MockResponse, Rule, RuleMode};
use proptest::prelude::*;

use super::apply::{Applier, ApplyTimings};
use super::diff::{diff, resolve};
use super::types::*;
use crate::pacing::RateLimiter;
use crate::ErrorCode;

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders";

/// What the fake function holds: its settings and revision, and whether the next
/// configuration updates find another update running (409) or end Failed.
#[derive(Debug, Clone)]
struct FakeFunction {
    config: EditableConfig,
    revision: u32,
    busy_answers: u32,
    /// LastUpdateStatus reads that still say InProgress after an update.
    in_progress_reads: u32,
    fail_updates_with: Option<String>,
    /// Lambda could not decrypt the environment: it answers an error and no variables.
    environment_unreadable: bool,
}

type Shared = Arc<Mutex<FakeFunction>>;

fn revision(n: u32) -> String {
    format!("r{n}")
}

fn configuration(function: &FakeFunction) -> FunctionConfiguration {
    let config = &function.config;
    FunctionConfiguration::builder()
        .function_name("orders")
        .function_arn(ARN)
        .description(&config.description)
        .set_handler(config.handler.clone())
        .set_runtime(config.runtime.as_deref().map(Runtime::from))
        .memory_size(config.memory_mb)
        .timeout(config.timeout_seconds)
        .ephemeral_storage(EphemeralStorage::builder().size(config.ephemeral_storage_mb).build().unwrap())
        .environment(if function.environment_unreadable {
            EnvironmentResponse::builder()
                .error(
                    EnvironmentError::builder()
                        .error_code("KMSAccessDeniedException")
                        .message("Lambda was unable to decrypt the environment variables")
                        .build(),
                )
                .build()
        } else {
            EnvironmentResponse::builder()
                .set_variables(Some(config.environment.iter().map(|v| (v.name.clone(), v.value.clone())).collect()))
                .build()
        })
        .tracing_config(TracingConfigResponse::builder().mode(TracingMode::from(config.tracing_mode.as_str())).build())
        .logging_config(
            LoggingConfig::builder()
                .log_format(LogFormat::from(config.logging.log_format.as_str()))
                .log_group(&config.logging.log_group)
                .build(),
        )
        .revision_id(revision(function.revision))
        .last_update_status(if function.in_progress_reads > 0 {
            LastUpdateStatus::InProgress
        } else if function.fail_updates_with.is_some() {
            LastUpdateStatus::Failed
        } else {
            LastUpdateStatus::Successful
        })
        .set_last_update_status_reason(function.fail_updates_with.clone())
        .build()
}

/// Applies what an UpdateFunctionConfiguration request carries, as Lambda does: only
/// the settings it names.
fn update(function: &mut FakeFunction, request: &UpdateFunctionConfigurationInput) {
    let config = &mut function.config;
    if let Some(description) = request.description() {
        config.description = description.to_string();
    }
    if let Some(memory) = request.memory_size() {
        config.memory_mb = memory;
    }
    if let Some(timeout) = request.timeout() {
        config.timeout_seconds = timeout;
    }
    if let Some(variables) = request.environment().and_then(|e| e.variables()) {
        let mut environment: Vec<EnvVar> =
            variables.iter().map(|(name, value)| EnvVar { name: name.clone(), value: value.clone() }).collect();
        environment.sort_by(|a, b| a.name.cmp(&b.name));
        config.environment = environment;
    }
    if let Some(mode) = request.tracing_config().and_then(|t| t.mode()) {
        config.tracing_mode = mode.as_str().to_string();
    }
    function.revision += 1;
}

fn fake_rules(state: &Shared) -> Vec<Rule> {
    let s = state.clone();
    let get_function = mock!(aws_sdk_lambda::Client::get_function).then_compute_output(move |_| {
        let function = s.lock().unwrap();
        let tags: HashMap<String, String> =
            function.config.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
        GetFunctionOutput::builder()
            .configuration(configuration(&function))
            .set_tags(Some(tags))
            .set_concurrency(
                function
                    .config
                    .reserved_concurrency
                    .map(|n| Concurrency::builder().reserved_concurrent_executions(n).build()),
            )
            .build()
    });
    let s = state.clone();
    let get_configuration = mock!(aws_sdk_lambda::Client::get_function_configuration).then_compute_output(move |_| {
        let mut function = s.lock().unwrap();
        let answer = configuration(&function);
        function.in_progress_reads = function.in_progress_reads.saturating_sub(1);
        let c = answer;
        GetFunctionConfigurationOutput::builder()
            .set_function_name(c.function_name)
            .set_function_arn(c.function_arn)
            .set_revision_id(c.revision_id)
            .set_last_update_status(c.last_update_status)
            .set_last_update_status_reason(c.last_update_status_reason)
            .build()
    });
    let s = state.clone();
    let update_configuration =
        mock!(aws_sdk_lambda::Client::update_function_configuration).then_compute_response(move |request| {
            let mut function = s.lock().unwrap();
            if function.busy_answers > 0 {
                function.busy_answers -= 1;
                function.in_progress_reads = 1;
                return MockResponse::Error(UpdateFunctionConfigurationError::ResourceConflictException(
                    ResourceConflictException::builder().message("An update is in progress for resource: x").build(),
                ));
            }
            if request.revision_id() != Some(revision(function.revision).as_str()) {
                return MockResponse::Error(UpdateFunctionConfigurationError::PreconditionFailedException(
                    PreconditionFailedException::builder()
                        .message("The Revision Id provided does not match the latest Revision Id.")
                        .build(),
                ));
            }
            update(&mut function, request);
            function.in_progress_reads = 1;
            MockResponse::Output(
                UpdateFunctionConfigurationOutput::builder().revision_id(revision(function.revision)).build(),
            )
        });
    let s = state.clone();
    let tag = mock!(aws_sdk_lambda::Client::tag_resource).then_compute_output(move |request| {
        let mut function = s.lock().unwrap();
        for (key, value) in request.tags().cloned().unwrap_or_default() {
            function.config.tags.retain(|t| t.key != key);
            function.config.tags.push(TagEntry { key, value });
        }
        function.config.tags.sort_by(|a, b| a.key.cmp(&b.key));
        TagResourceOutput::builder().build()
    });
    let s = state.clone();
    let untag = mock!(aws_sdk_lambda::Client::untag_resource).then_compute_output(move |request| {
        let mut function = s.lock().unwrap();
        let keys = request.tag_keys().to_vec();
        function.config.tags.retain(|t| !keys.contains(&t.key));
        UntagResourceOutput::builder().build()
    });
    let s = state.clone();
    let put_concurrency = mock!(aws_sdk_lambda::Client::put_function_concurrency).then_compute_output(move |request| {
        s.lock().unwrap().config.reserved_concurrency = request.reserved_concurrent_executions();
        PutFunctionConcurrencyOutput::builder()
            .set_reserved_concurrent_executions(request.reserved_concurrent_executions())
            .build()
    });
    let s = state.clone();
    let delete_concurrency =
        mock!(aws_sdk_lambda::Client::delete_function_concurrency).then_compute_output(move |_| {
            s.lock().unwrap().config.reserved_concurrency = None;
            DeleteFunctionConcurrencyOutput::builder().build()
        });
    vec![get_function, get_configuration, update_configuration, tag, untag, put_concurrency, delete_concurrency]
}

fn base_config() -> EditableConfig {
    let mut config = super::diff::tests::sample();
    config.logging.log_group = "/aws/lambda/orders".into();
    config
}

fn fake() -> Shared {
    Arc::new(Mutex::new(FakeFunction {
        config: base_config(),
        revision: 1,
        busy_answers: 0,
        in_progress_reads: 0,
        fail_updates_with: None,
        environment_unreadable: false,
    }))
}

/// An applier talking to the fake, polling without delay.
fn applier(state: &Shared) -> (Applier, Vec<Rule>) {
    let rules = fake_rules(state);
    let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules.iter());
    let applier = Applier {
        client,
        endpoint: "fake".into(),
        pacer: Arc::new(RateLimiter::new(1_000_000.0, 1_000_000.0)),
        timings: ApplyTimings {
            poll_every: Duration::from_millis(1),
            give_up_after: Duration::from_secs(5),
            busy_retries: 3,
        },
    };
    (applier, rules)
}

/// What a client sees when it opens the form: the settings and their revision.
fn open(state: &Shared) -> (EditableConfig, Option<String>) {
    let function = state.lock().unwrap();
    (function.config.clone(), Some(revision(function.revision)))
}

fn edit(base: (EditableConfig, Option<String>), change: impl FnOnce(&mut EditableConfig)) -> ConfigEdit {
    let mut desired = base.0.clone();
    change(&mut desired);
    ConfigEdit { function_name: "orders".into(), base_revision_id: base.1, base: base.0, desired }
}

async fn apply(applier: &Applier, edit: &ConfigEdit) -> (ApplyOutcome, Vec<ApplyProgress>) {
    let mut steps = Vec::new();
    let outcome = applier.apply(edit, &mut |p| steps.push(p)).await.unwrap();
    (outcome, steps)
}

fn calls(rules: &[Rule]) -> usize {
    rules.iter().map(Rule::num_calls).sum()
}

#[tokio::test]
async fn an_edit_is_sent_with_its_revision_and_followed_until_successful() {
    let state = fake();
    let (applier, _rules) = applier(&state);
    let edit = edit(open(&state), |c| {
        c.memory_mb = 512;
        c.environment.push(EnvVar { name: "NEW".into(), value: "1".into() });
    });
    let (outcome, steps) = apply(&applier, &edit).await;
    let ApplyOutcome::Applied { status, revision_id, changes, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(status, "Successful");
    assert_eq!(revision_id.as_deref(), Some("r2"));
    assert_eq!(changes.len(), 2);
    let function = state.lock().unwrap();
    assert_eq!(function.config.memory_mb, 512);
    assert!(function.config.environment.iter().any(|v| v.name == "NEW"));
    assert!(function.config.environment.iter().any(|v| v.name == "DB_URL"), "the rest of the environment kept");
    assert!(steps.iter().any(|s| s.step == "in_progress"), "{steps:?}");
}

#[tokio::test]
async fn an_update_in_progress_409_is_waited_out_and_retried_saying_so() {
    let state = fake();
    state.lock().unwrap().busy_answers = 2;
    let (applier, rules) = applier(&state);
    let edit = edit(open(&state), |c| c.timeout_seconds = 30);
    let (outcome, steps) = apply(&applier, &edit).await;
    assert!(matches!(outcome, ApplyOutcome::Applied { ref status, .. } if status == "Successful"), "{outcome:?}");
    let waits: Vec<&ApplyProgress> = steps.iter().filter(|s| s.step == "waiting_busy").collect();
    assert_eq!(waits.len(), 2, "{steps:?}");
    assert!(waits[0].message.contains("Another update of orders is in progress"), "{}", waits[0].message);
    assert_eq!(rules[2].num_calls(), 3, "two refusals, then the update");
    assert_eq!(state.lock().unwrap().config.timeout_seconds, 30);
}

#[tokio::test]
async fn an_update_that_stays_busy_gives_up_without_writing() {
    let state = fake();
    state.lock().unwrap().busy_answers = 10;
    let (applier, _rules) = applier(&state);
    let edit = edit(open(&state), |c| c.timeout_seconds = 30);
    let err = applier.apply(&edit, &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Service);
    assert!(err.to_string().contains("still being updated by someone else after 3 tries"), "{err}");
    assert_eq!(state.lock().unwrap().config.timeout_seconds, 10);
}

#[tokio::test]
async fn a_412_after_someone_changed_an_edited_field_becomes_a_conflict_and_writes_nothing() {
    let state = fake();
    let (applier, rules) = applier(&state);
    let mine = edit(open(&state), |c| c.memory_mb = 512);
    // A colleague changes memory and timeout meanwhile.
    {
        let mut function = state.lock().unwrap();
        function.config.memory_mb = 1024;
        function.config.timeout_seconds = 20;
        function.revision += 1;
    }
    let (outcome, _) = apply(&applier, &mine).await;
    let ApplyOutcome::Conflict { conflict } = outcome else { panic!("{outcome:?}") };
    assert_eq!(conflict.current_revision_id.as_deref(), Some("r2"));
    let fields: Vec<(&str, bool, Side)> =
        conflict.fields.iter().map(|f| (f.field.as_str(), f.both_changed, f.suggested)).collect();
    assert_eq!(fields, [("memory_mb", true, Side::Mine), ("timeout_seconds", false, Side::Theirs)]);
    assert_eq!(rules[2].num_calls(), 1, "one refused update, no second write");
    assert_eq!(state.lock().unwrap().config.memory_mb, 1024, "their change stands");

    // The user keeps their memory; the colleague's timeout stays.
    let resolved = resolve(&conflict, &BTreeMap::new()).unwrap();
    let (outcome, _) = apply(&applier, &resolved).await;
    assert!(matches!(outcome, ApplyOutcome::Applied { .. }), "{outcome:?}");
    let function = state.lock().unwrap();
    assert_eq!((function.config.memory_mb, function.config.timeout_seconds), (512, 20));
}

#[tokio::test]
async fn a_412_from_a_revision_moved_by_other_settings_is_retried_against_the_new_revision() {
    let state = fake();
    let (applier, _rules) = applier(&state);
    let mine = edit(open(&state), |c| c.memory_mb = 512);
    state.lock().unwrap().revision += 1; // new code deployed: no editable setting changed
    let (outcome, _) = apply(&applier, &mine).await;
    assert!(matches!(outcome, ApplyOutcome::Applied { ref revision_id, .. } if revision_id.as_deref() == Some("r3")));
    assert_eq!(state.lock().unwrap().config.memory_mb, 512);
}

#[tokio::test]
async fn a_failed_update_reports_its_reason_and_sends_no_tags() {
    let state = fake();
    state.lock().unwrap().fail_updates_with = Some("The role cannot be assumed.".into());
    let (applier, rules) = applier(&state);
    let edit = edit(open(&state), |c| {
        c.memory_mb = 512;
        c.tags.push(TagEntry { key: "cost".into(), value: "7".into() });
    });
    let (outcome, _) = apply(&applier, &edit).await;
    let ApplyOutcome::Applied { status, reason, changes, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!((status.as_str(), reason.as_deref()), ("Failed", Some("The role cannot be assumed.")));
    assert_eq!(changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["memory_mb"]);
    assert_eq!(rules[3].num_calls(), 0, "no TagResource after a failed update");
}

#[tokio::test]
async fn tags_and_concurrency_are_sent_with_their_own_calls_after_a_check() {
    let state = fake();
    let (applier, rules) = applier(&state);
    let edit = edit(open(&state), |c| {
        c.tags.retain(|t| t.key != "team");
        c.tags.push(TagEntry { key: "cost".into(), value: "7".into() });
        c.reserved_concurrency = Some(5);
    });
    let (outcome, steps) = apply(&applier, &edit).await;
    assert!(matches!(outcome, ApplyOutcome::Applied { .. }), "{outcome:?}");
    assert_eq!(rules[2].num_calls(), 0, "no configuration update for tags alone");
    assert_eq!((rules[3].num_calls(), rules[4].num_calls(), rules[5].num_calls()), (1, 1, 1));
    let function = state.lock().unwrap();
    assert_eq!(function.config.tags, [TagEntry { key: "cost".into(), value: "7".into() }]);
    assert_eq!(function.config.reserved_concurrency, Some(5));
    assert_eq!(steps.first().map(|s| s.step.as_str()), Some("checking"));
}

#[tokio::test]
async fn a_tag_call_failing_after_the_configuration_was_applied_says_what_is_done() {
    let state = fake();
    let rules = fake_rules(&state);
    let refusing_tags = mock!(aws_sdk_lambda::Client::tag_resource)
        .then_error(|| aws_sdk_lambda::operation::tag_resource::TagResourceError::unhandled("TooManyTags"));
    // The refusing rule comes first: MatchAny takes the first rule that matches.
    let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, std::iter::once(&refusing_tags).chain(rules.iter()));
    let applier = Applier { client, ..applier(&state).0 };
    let edit = edit(open(&state), |c| {
        c.memory_mb = 512;
        c.tags.push(TagEntry { key: "cost".into(), value: "7".into() });
    });
    let err = applier.apply(&edit, &mut |_| {}).await.unwrap_err();
    assert!(err.to_string().contains("The configuration was applied (revision r2), but then tags"), "{err}");
    assert_eq!(state.lock().unwrap().config.memory_mb, 512);
}

#[tokio::test]
async fn tags_changed_by_someone_else_are_a_conflict() {
    let state = fake();
    let (applier, rules) = applier(&state);
    let edit = edit(open(&state), |c| c.tags[0].value = "payments".into());
    state.lock().unwrap().config.tags[0].value = "search".into(); // tags move no revision
    let (outcome, _) = apply(&applier, &edit).await;
    let ApplyOutcome::Conflict { conflict } = outcome else { panic!("{outcome:?}") };
    assert_eq!(conflict.fields[0].field, "tag:team");
    assert!(conflict.fields[0].both_changed);
    assert_eq!(rules[3].num_calls(), 0);
}

#[tokio::test]
async fn an_environment_edit_from_a_base_without_its_values_is_a_conflict_not_a_wipe() {
    let state = fake();
    let (applier, rules) = applier(&state);
    // What the form opens with when the store kept names only (no keyring key).
    let (mut base, revision) = open(&state);
    base.environment.iter_mut().for_each(|v| v.value.clear());
    let mut desired = base.clone();
    desired.environment.push(EnvVar { name: "NEW".into(), value: "1".into() });
    let edit = ConfigEdit { function_name: "orders".into(), base_revision_id: revision, base, desired };
    let (outcome, _) = apply(&applier, &edit).await;
    let ApplyOutcome::Conflict { conflict } = outcome else { panic!("{outcome:?}") };
    assert_eq!(rules[2].num_calls(), 0, "no update sent");
    let resolved = resolve(&conflict, &BTreeMap::new()).unwrap();
    assert!(matches!(apply(&applier, &resolved).await.0, ApplyOutcome::Applied { .. }));
    let environment = state.lock().unwrap().config.environment.clone();
    assert!(environment.contains(&EnvVar { name: "DB_URL".into(), value: "postgres://db".into() }), "{environment:?}");
    assert!(environment.contains(&EnvVar { name: "NEW".into(), value: "1".into() }));
}

#[tokio::test]
async fn an_environment_lambda_cannot_read_is_not_replaced() {
    let state = fake();
    let (applier, rules) = applier(&state);
    state.lock().unwrap().environment_unreadable = true;
    let mut base = open(&state);
    base.0.environment.clear(); // what an unreadable environment looks like
    let edit = edit(base, |c| c.environment.push(EnvVar { name: "NEW".into(), value: "1".into() }));
    let err = applier.apply(&edit, &mut |_| {}).await.unwrap_err();
    let crate::Error::InvalidFields(fields) = err else { panic!("{err:?}") };
    assert_eq!(fields[0].field, "environment");
    assert!(fields[0].message.starts_with("Lambda cannot read this function's environment (KMSAccessDeniedException"));
    assert_eq!(rules[2].num_calls(), 0, "no update sent");
}

#[tokio::test]
async fn an_edit_without_a_revision_is_checked_against_aws_first() {
    let state = fake();
    let (applier, rules) = applier(&state);
    let mut mine = edit(open(&state), |c| c.memory_mb = 512);
    mine.base_revision_id = None;
    state.lock().unwrap().config.memory_mb = 1024;
    let (outcome, _) = apply(&applier, &mine).await;
    assert!(matches!(outcome, ApplyOutcome::Conflict { .. }), "{outcome:?}");
    assert_eq!(rules[2].num_calls(), 0);
}

#[tokio::test]
async fn an_invalid_edit_or_no_change_sends_nothing() {
    let state = fake();
    let (applier, rules) = applier(&state);
    let invalid = edit(open(&state), |c| c.memory_mb = 64);
    let err = applier.apply(&invalid, &mut |_| {}).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let unchanged = edit(open(&state), |_| {});
    assert_eq!(apply(&applier, &unchanged).await.0, ApplyOutcome::NothingToApply);
    assert_eq!(calls(&rules), 0);
}

/// One client's edit in the property test: which settings it changes.
#[derive(Debug, Clone)]
struct ClientEdit {
    memory: Option<i32>,
    timeout: Option<i32>,
    stage: Option<String>,
    tag: Option<String>,
}

fn client_edit() -> impl Strategy<Value = ClientEdit> {
    (
        proptest::option::of(prop_oneof![Just(256), Just(512), Just(1024)]),
        proptest::option::of(prop_oneof![Just(10), Just(20), Just(30)]),
        proptest::option::of(prop_oneof![Just("dev".to_string()), Just("qa".to_string()), Just("prod".to_string())]),
        proptest::option::of(prop_oneof![Just("orders".to_string()), Just("search".to_string())]),
    )
        .prop_map(|(memory, timeout, stage, tag)| ClientEdit { memory, timeout, stage, tag })
}

impl ClientEdit {
    fn apply_to(&self, config: &mut EditableConfig) {
        if let Some(memory) = self.memory {
            config.memory_mb = memory;
        }
        if let Some(timeout) = self.timeout {
            config.timeout_seconds = timeout;
        }
        if let Some(stage) = &self.stage {
            config.environment.retain(|v| v.name != "STAGE");
            config.environment.push(EnvVar { name: "STAGE".into(), value: stage.clone() });
        }
        if let Some(team) = &self.tag {
            config.tags = vec![TagEntry { key: "team".into(), value: team.clone() }];
        }
    }
}

/// Applies until done: a conflict is resolved with the suggested sides (the user's own
/// changes win where both changed, after seeing the other's) and applied again. Returns
/// the fields the conflict view showed as changed by both.
async fn apply_until_done(applier: &Applier, mut edit: ConfigEdit) -> Vec<String> {
    let mut seen_both = Vec::new();
    for _ in 0..5 {
        match applier.apply(&edit, &mut |_| {}).await.unwrap() {
            ApplyOutcome::Conflict { conflict } => {
                seen_both.extend(conflict.fields.iter().filter(|f| f.both_changed).map(|f| f.field.clone()));
                edit = resolve(&conflict, &BTreeMap::new()).unwrap();
            }
            _ => return seen_both,
        }
    }
    panic!("no end to conflicts")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Two clients open the form (in either order), edit, and apply in either order.
    /// Every field only one of them changed ends with that client's value; a field both
    /// changed ends with one of their values, and the one applied last saw the other's
    /// value in the conflict view first. Nothing is lost silently.
    #[test]
    fn no_interleaving_of_two_clients_loses_an_update(
        a in client_edit(), b in client_edit(), b_opens_after_a_applies in any::<bool>(), b_applies_first in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let state = fake();
            let (applier, _rules) = applier(&state);
            let with = |base: (EditableConfig, Option<String>), change: &ClientEdit| {
                edit(base, |c| change.apply_to(c))
            };
            let a_edit = with(open(&state), &a);
            let (a_seen, b_seen, b_edit);
            if b_opens_after_a_applies {
                a_seen = apply_until_done(&applier, a_edit.clone()).await;
                b_edit = with(open(&state), &b);
                b_seen = apply_until_done(&applier, b_edit.clone()).await;
            } else {
                b_edit = with(open(&state), &b);
                if b_applies_first {
                    b_seen = apply_until_done(&applier, b_edit.clone()).await;
                    a_seen = apply_until_done(&applier, a_edit.clone()).await;
                } else {
                    a_seen = apply_until_done(&applier, a_edit.clone()).await;
                    b_seen = apply_until_done(&applier, b_edit.clone()).await;
                }
            }
            let last_is_b = b_opens_after_a_applies || !b_applies_first;
            let final_config = state.lock().unwrap().config.clone();
            let a_changes = diff(&a_edit.base, &a_edit.desired);
            let b_changes = diff(&b_edit.base, &b_edit.desired);
            let final_value = |field: &str| {
                super::diff::tests::field_value(&final_config, field)
            };
            for (mine, theirs, my_seen, i_was_last) in
                [(&a_changes, &b_changes, &a_seen, !last_is_b), (&b_changes, &a_changes, &b_seen, last_is_b)]
            {
                for change in mine.iter() {
                    let other = theirs.iter().find(|c| c.field == change.field && c.new != change.new);
                    match other {
                        None => prop_assert_eq!(final_value(&change.field), change.new.clone(), "{} lost", change.field),
                        Some(other) => {
                            let value = final_value(&change.field);
                            prop_assert!(value == change.new || value == other.new);
                            // The one that wrote last over the other's value saw it.
                            if value == change.new && i_was_last && !b_opens_after_a_applies {
                                prop_assert!(my_seen.contains(&change.field), "{} overwritten unseen", change.field);
                            }
                        }
                    }
                }
            }
            Ok(())
        })?;
    }
}
