//! Applying an edit with the revision it started from, so nothing is overwritten
//! silently (aws-facts.md, "Lambda control plane"):
//! - UpdateFunctionConfiguration carries the RevisionId the edit started from. A 412
//!   (PreconditionFailed) means someone changed the function: the current settings are
//!   read back and, where they differ from what the edit started from, the user gets
//!   the three columns of a [`ConfigConflict`] instead of a write.
//! - A 409 (ResourceConflict, "An update is in progress") waits for that update to end
//!   and retries, saying so.
//! - Tags and reserved concurrency have no revision, and the environment is sent whole:
//!   before they are sent the current values are compared with what the edit started
//!   from (a conflict as above).
//! - After the update, LastUpdateStatus is followed until Successful or Failed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_lambda::error::SdkError;
use aws_sdk_lambda::types::{
    ApplicationLogLevel, Environment, EphemeralStorage, LastUpdateStatus, LogFormat, LoggingConfig, Runtime,
    SystemLogLevel, TracingConfig, TracingMode,
};
use tokio_util::sync::CancellationToken;

use super::diff::{conflict, diff};
use super::lambda_error;
use super::types::*;
use super::validate::validate;
use crate::aws::AwsConnection;
use crate::functions::details::configuration_section;
use crate::functions::names::check_function_to_change;
use crate::functions::FunctionDetails;
use crate::pacing::RateLimiter;
use crate::store::Store;
use crate::{Error, FieldError};

/// How often and how long an apply follows an update, and how often it waits out a
/// running one before giving up.
#[derive(Debug, Clone, Copy)]
pub struct ApplyTimings {
    pub poll_every: Duration,
    pub give_up_after: Duration,
    /// How many times a 409 (update in progress) is waited out and retried.
    pub busy_retries: u32,
}

impl Default for ApplyTimings {
    fn default() -> Self {
        ApplyTimings {
            poll_every: Duration::from_millis(500),
            give_up_after: Duration::from_secs(600),
            busy_retries: 5,
        }
    }
}

/// A 412 whose re-read shows none of the edited settings changed (a code deploy moved
/// the revision) is retried against the new revision at most this often.
const STALE_REVISION_RETRIES: u32 = 3;

/// Applies `edit` through `connection`, then refreshes the function's saved details (and
/// its list row) so every view shows what AWS now has. Refused for a read-only profile
/// and for any invalid field before anything is sent.
pub async fn apply_edit(
    connection: &AwsConnection,
    store: &Arc<Store>,
    edit: &ConfigEdit,
    progress: &mut (dyn FnMut(ApplyProgress) + Send),
) -> Result<ApplyOutcome, Error> {
    connection.check_writable()?;
    let applier = Applier {
        client: connection.lambda(),
        endpoint: connection.endpoint_label(),
        pacer: RateLimiter::for_scope(&connection.scope()),
        timings: ApplyTimings::default(),
    };
    let outcome = match applier.apply(edit, progress).await {
        Ok(outcome) => outcome,
        Err(err) => return Err(connection.explain(err).await),
    };
    if matches!(outcome, ApplyOutcome::Applied { .. }) {
        progress(step("refreshing", "Reading the function back…"));
        // The update is done either way; a failed refresh only leaves older saved details.
        if let Err(err) =
            FunctionDetails::refresh(connection, store, &edit.function_name, &CancellationToken::new()).await
        {
            progress(step("refreshing", &format!("Applied, but the saved details could not be refreshed: {err}")));
        }
    }
    Ok(outcome)
}

fn step(step: &str, message: &str) -> ApplyProgress {
    ApplyProgress { step: step.to_string(), message: message.to_string() }
}

/// Tags and reserved concurrency are sent with their own calls; every other field goes
/// into UpdateFunctionConfiguration.
fn is_configuration_field(field: &str) -> bool {
    !(field.starts_with("tag:") || field == "reserved_concurrency")
}

/// What AWS has now: the settings, their revision and the function's ARN.
struct Current {
    config: EditableConfig,
    revision_id: Option<String>,
    function_arn: String,
    /// Set when Lambda could not decrypt the environment (its variables are then unknown).
    environment_error: Option<String>,
}

/// The calls of one apply, with a given client (mocked in tests).
pub struct Applier {
    pub client: aws_sdk_lambda::Client,
    /// Names the endpoint in network errors.
    pub endpoint: String,
    pub pacer: Arc<RateLimiter>,
    pub timings: ApplyTimings,
}

impl Applier {
    /// Validates and applies `edit`; see the module documentation for the order of calls.
    pub async fn apply(
        &self,
        edit: &ConfigEdit,
        progress: &mut (dyn FnMut(ApplyProgress) + Send),
    ) -> Result<ApplyOutcome, Error> {
        check_function_to_change(&edit.function_name)?;
        validate(&edit.desired)?;
        let changes = diff(&edit.base, &edit.desired);
        if changes.is_empty() {
            return Ok(ApplyOutcome::NothingToApply);
        }
        let changes_configuration = changes.iter().any(|c| is_configuration_field(&c.field));
        let changes_others = changes.iter().any(|c| !is_configuration_field(&c.field));
        // The environment is sent whole, so the variables the user did not touch must
        // be what AWS has: a base read back without its values (no keyring key) would
        // otherwise blank them under a matching revision.
        let changes_environment = changes.iter().any(|c| c.field.starts_with("env:"));

        let mut function_arn = None;
        // Without a revision the update itself cannot refuse a stale edit: check first.
        if changes_others || changes_environment || edit.base_revision_id.is_none() {
            progress(step("checking", "Checking that nobody changed the function since you started…"));
            let current = self.current(&edit.function_name).await?;
            if let (true, Some(unreadable)) = (changes_environment, &current.environment_error) {
                return Err(Error::InvalidFields(vec![FieldError::new(
                    "environment",
                    format!(
                        "Lambda cannot read this function's environment ({unreadable}); replacing it would lose the variables it cannot show. Fix the function's KMS key access first."
                    ),
                )]));
            }
            if !diff(&edit.base, &current.config).is_empty() {
                return Ok(self.conflict_outcome(edit, current));
            }
            function_arn = Some(current.function_arn);
        }

        let mut status = ("Successful".to_string(), None, edit.base_revision_id.clone());
        if changes_configuration {
            if let Some(conflict) = self.update_configuration(edit, &changes, progress).await? {
                return Ok(conflict);
            }
            progress(step("in_progress", "Lambda is applying the update…"));
            let finished = self.wait_for_update(&edit.function_name).await?;
            function_arn = Some(finished.function_arn.clone());
            status = (finished.status, finished.reason, finished.revision_id);
            if status.0 == LastUpdateStatus::Failed.as_str() {
                // Tags and concurrency are not sent after a failed update: the user
                // sees the reason and applies again.
                let applied = changes.into_iter().filter(|c| is_configuration_field(&c.field)).collect();
                return Ok(ApplyOutcome::Applied {
                    status: status.0,
                    reason: status.1,
                    revision_id: status.2,
                    changes: applied,
                });
            }
        }
        if changes_others {
            let arn = function_arn.unwrap_or_default();
            let rest = async {
                self.apply_tags(&arn, &changes, progress).await?;
                self.apply_concurrency(&edit.function_name, &edit.desired, &changes, progress).await
            };
            if let Err(err) = rest.await {
                return Err(match changes_configuration {
                    // Say what is already done: applying again shows it as the user's own.
                    true => Error::Service(format!(
                        "The configuration was applied (revision {}), but then tags or reserved concurrency were not: {err} Apply again to send the rest.",
                        status.2.as_deref().unwrap_or("unknown")
                    )),
                    false => err,
                });
            }
        }
        progress(step("done", "Applied."));
        Ok(ApplyOutcome::Applied { status: status.0, reason: status.1, revision_id: status.2, changes })
    }

    fn conflict_outcome(&self, edit: &ConfigEdit, current: Current) -> ApplyOutcome {
        ApplyOutcome::Conflict {
            conflict: Box::new(conflict(
                &edit.function_name,
                &edit.base,
                &current.config,
                &edit.desired,
                current.revision_id,
            )),
        }
    }

    async fn current(&self, function_name: &str) -> Result<Current, Error> {
        self.pacer.acquire().await;
        let output = self
            .client
            .get_function()
            .function_name(function_name)
            .send()
            .await
            .map_err(|err| self.error(err, function_name))?;
        let section = configuration_section(output);
        Ok(Current {
            config: EditableConfig::from_section(&section),
            revision_id: section.revision_id.clone(),
            function_arn: section.summary.function_arn.clone(),
            environment_error: section.environment_error.clone(),
        })
    }

    /// Sends UpdateFunctionConfiguration with the edit's revision. `Some(conflict)` when
    /// the function changed meanwhile (nothing was written).
    async fn update_configuration(
        &self,
        edit: &ConfigEdit,
        changes: &[FieldChange],
        progress: &mut (dyn FnMut(ApplyProgress) + Send),
    ) -> Result<Option<ApplyOutcome>, Error> {
        let mut revision = edit.base_revision_id.clone();
        let (mut stale_retries, mut busy_retries) = (0, 0);
        loop {
            progress(step("updating", "Sending the new configuration…"));
            self.pacer.acquire().await;
            let sent = self.update_request(&edit.function_name, &edit.desired, changes, revision.clone()).send().await;
            let Err(err) = sent else { return Ok(None) };
            let service_error = err.as_service_error();
            if service_error.is_some_and(|e| e.is_precondition_failed_exception()) {
                let current = self.current(&edit.function_name).await?;
                if !diff(&edit.base, &current.config).is_empty() || stale_retries >= STALE_REVISION_RETRIES {
                    return Ok(Some(self.conflict_outcome(edit, current)));
                }
                // The revision moved without touching these settings (new code was
                // deployed): nothing of the user's would be overwritten.
                stale_retries += 1;
                revision = current.revision_id;
            } else if service_error.is_some_and(|e| e.is_resource_conflict_exception()) {
                busy_retries += 1;
                if busy_retries > self.timings.busy_retries {
                    return Err(Error::Service(format!(
                        "{} is still being updated by someone else after {} tries. Nothing was changed; apply again later.",
                        edit.function_name, self.timings.busy_retries
                    )));
                }
                progress(step(
                    "waiting_busy",
                    &format!(
                        "Another update of {} is in progress; waiting for it to finish, then retrying ({busy_retries} of {}).",
                        edit.function_name, self.timings.busy_retries
                    ),
                ));
                self.wait_for_update(&edit.function_name).await?;
            } else {
                return Err(self.error(err, &edit.function_name));
            }
        }
    }

    /// The UpdateFunctionConfiguration request with the changed settings only: what is
    /// left out stays as it is on AWS.
    fn update_request(
        &self,
        function_name: &str,
        desired: &EditableConfig,
        changes: &[FieldChange],
        revision_id: Option<String>,
    ) -> aws_sdk_lambda::operation::update_function_configuration::builders::UpdateFunctionConfigurationFluentBuilder
    {
        let changed = |prefix: &str| changes.iter().any(|c| c.field.starts_with(prefix));
        let mut request =
            self.client.update_function_configuration().function_name(function_name).set_revision_id(revision_id);
        if changed("description") {
            request = request.description(&desired.description);
        }
        if changed("handler") {
            request = request.set_handler(desired.handler.clone());
        }
        if changed("runtime") {
            request = request.set_runtime(desired.runtime.as_deref().map(Runtime::from));
        }
        if changed("memory_mb") {
            request = request.memory_size(desired.memory_mb);
        }
        if changed("timeout_seconds") {
            request = request.timeout(desired.timeout_seconds);
        }
        if changed("ephemeral_storage_mb") {
            request = request.ephemeral_storage(
                EphemeralStorage::builder().size(desired.ephemeral_storage_mb).build().expect("size is set"),
            );
        }
        if changed("env:") {
            // The environment is replaced as a whole: send every variable the user kept.
            let variables: HashMap<String, String> = desired
                .environment
                .iter()
                .filter(|v| !v.name.is_empty())
                .map(|v| (v.name.clone(), v.value.clone()))
                .collect();
            request = request.environment(Environment::builder().set_variables(Some(variables)).build());
        }
        if changed("tracing_mode") {
            request = request.tracing_config(
                TracingConfig::builder().mode(TracingMode::from(desired.tracing_mode.as_str())).build(),
            );
        }
        if changed("logging.") {
            let logging = &desired.logging;
            request = request.logging_config(
                LoggingConfig::builder()
                    .log_format(LogFormat::from(logging.log_format.as_str()))
                    .log_group(&logging.log_group)
                    .set_application_log_level(logging.application_log_level.as_deref().map(ApplicationLogLevel::from))
                    .set_system_log_level(logging.system_log_level.as_deref().map(SystemLogLevel::from))
                    .build(),
            );
        }
        request
    }

    /// Follows LastUpdateStatus until it leaves InProgress (bounded).
    async fn wait_for_update(&self, function_name: &str) -> Result<Finished, Error> {
        let started = tokio::time::Instant::now();
        loop {
            self.pacer.acquire().await;
            let config = self
                .client
                .get_function_configuration()
                .function_name(function_name)
                .send()
                .await
                .map_err(|err| self.error(err, function_name))?;
            let in_progress = config.last_update_status == Some(LastUpdateStatus::InProgress);
            if !in_progress {
                return Ok(Finished {
                    status: config
                        .last_update_status
                        .map_or_else(|| "Successful".to_string(), |s| s.as_str().to_string()),
                    reason: config.last_update_status_reason,
                    revision_id: config.revision_id,
                    function_arn: config.function_arn.unwrap_or_default(),
                });
            }
            if started.elapsed() >= self.timings.give_up_after {
                return Err(Error::Service(format!(
                    "Lambda is still updating {function_name} after {} s; the update goes on there. Check its status later.",
                    self.timings.give_up_after.as_secs()
                )));
            }
            tokio::time::sleep(self.timings.poll_every).await;
        }
    }

    async fn apply_tags(
        &self,
        function_arn: &str,
        changes: &[FieldChange],
        progress: &mut (dyn FnMut(ApplyProgress) + Send),
    ) -> Result<(), Error> {
        let tag_changes: Vec<(&str, Option<&String>)> =
            changes.iter().filter_map(|c| c.field.strip_prefix("tag:").map(|key| (key, c.new.as_ref()))).collect();
        if tag_changes.is_empty() {
            return Ok(());
        }
        progress(step("tags", "Updating tags…"));
        let set: HashMap<String, String> =
            tag_changes.iter().filter_map(|(key, value)| value.map(|v| (key.to_string(), v.clone()))).collect();
        let removed: Vec<String> =
            tag_changes.iter().filter(|(_, value)| value.is_none()).map(|(key, _)| key.to_string()).collect();
        if !set.is_empty() {
            self.pacer.acquire().await;
            let sent = self.client.tag_resource().resource(function_arn).set_tags(Some(set)).send().await;
            sent.map_err(|err| self.error(err, function_arn))?;
        }
        if !removed.is_empty() {
            self.pacer.acquire().await;
            let sent = self.client.untag_resource().resource(function_arn).set_tag_keys(Some(removed)).send().await;
            sent.map_err(|err| self.error(err, function_arn))?;
        }
        Ok(())
    }

    async fn apply_concurrency(
        &self,
        function_name: &str,
        desired: &EditableConfig,
        changes: &[FieldChange],
        progress: &mut (dyn FnMut(ApplyProgress) + Send),
    ) -> Result<(), Error> {
        if !changes.iter().any(|c| c.field == "reserved_concurrency") {
            return Ok(());
        }
        progress(step("concurrency", "Updating reserved concurrency…"));
        self.pacer.acquire().await;
        // Reserved concurrency has its own calls, not the configuration's (aws-facts.md).
        match desired.reserved_concurrency {
            Some(reserved) => {
                let sent = self
                    .client
                    .put_function_concurrency()
                    .function_name(function_name)
                    .reserved_concurrent_executions(reserved)
                    .send()
                    .await;
                sent.map(|_| ()).map_err(|err| self.error(err, function_name))
            }
            None => {
                let sent = self.client.delete_function_concurrency().function_name(function_name).send().await;
                sent.map(|_| ()).map_err(|err| self.error(err, function_name))
            }
        }
    }

    /// Maps a failed call: a missing function by name, the rest by kind.
    fn error<E, R>(&self, err: SdkError<E, R>, function_name: &str) -> Error
    where
        E: aws_sdk_lambda::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        lambda_error(err, function_name, &self.endpoint)
    }
}

/// Where a followed update ended.
struct Finished {
    status: String,
    reason: Option<String>,
    revision_id: Option<String>,
    function_arn: String,
}
