//! The details of one function, fetched when it is selected and kept in the store
//! section by section, each with its fetch time.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::types::FunctionConfiguration;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::names::check_function_name;
use super::types::*;
use crate::aws::AwsConnection;
use crate::pacing::RateLimiter;
use crate::scope::Scope;
use crate::store::functions::StoredSection;
use crate::store::{run_blocking, Store};
use crate::{timestamps, Error};

const CONFIGURATION: &str = "configuration";
const ALIASES: &str = "aliases";
const VERSIONS: &str = "versions";
const EVENT_SOURCE_MAPPINGS: &str = "event_source_mappings";

impl FunctionDetails {
    /// The saved details of a function, from the store alone; `None` if none were saved.
    /// A section saved by an older format that no longer reads is treated as absent.
    pub fn load(store: &Store, scope: &Scope, function_name: &str) -> Result<Option<Self>, Error> {
        let sections = store.load_detail_sections(scope, function_name)?;
        if sections.is_empty() {
            return Ok(None);
        }
        let mut details = FunctionDetails {
            function_name: function_name.to_string(),
            configuration: None,
            aliases: None,
            versions: None,
            event_source_mappings: None,
            refresh_errors: Vec::new(),
        };
        for stored in sections {
            let body = stored.body.as_str();
            match stored.section.as_str() {
                CONFIGURATION => details.configuration = serde_json::from_str(body).ok(),
                ALIASES => details.aliases = serde_json::from_str(body).ok(),
                VERSIONS => details.versions = serde_json::from_str(body).ok(),
                EVENT_SOURCE_MAPPINGS => details.event_source_mappings = serde_json::from_str(body).ok(),
                _ => {}
            }
        }
        Ok(Some(details))
    }

    /// [`load`](Self::load) on the blocking pool (for async callers).
    pub async fn load_saved(store: &Arc<Store>, scope: &Scope, function_name: &str) -> Result<Option<Self>, Error> {
        let (scope, function_name) = (scope.clone(), function_name.to_string());
        run_blocking(store, move |store| FunctionDetails::load(store, &scope, &function_name)).await
    }

    /// Fetches every section (four paced calls, or more for long alias, version or
    /// mapping lists), saves those that arrived and returns the saved details with the
    /// sections that failed. Fails only when nothing could be fetched, or when the
    /// function does not exist. Cancelled (`cancel`) before the sections are saved, it
    /// saves nothing.
    pub async fn refresh(
        connection: &AwsConnection,
        store: &Arc<Store>,
        function_name: &str,
        cancel: &CancellationToken,
    ) -> Result<Self, Error> {
        let (client, endpoint, scope) = (connection.lambda(), connection.endpoint_label(), connection.scope());
        match Self::refresh_with(&client, &endpoint, &scope, store, function_name, cancel).await {
            Ok(details) => Ok(details),
            Err(err) => Err(connection.explain(err).await),
        }
    }

    /// [`refresh`](Self::refresh) with a given client; `endpoint` names it in errors.
    pub async fn refresh_with(
        client: &aws_sdk_lambda::Client,
        endpoint: &str,
        scope: &Scope,
        store: &Arc<Store>,
        function_name: &str,
        cancel: &CancellationToken,
    ) -> Result<Self, Error> {
        check_function_name(function_name)?;
        let fetcher = SectionFetcher {
            client: client.clone(),
            endpoint: endpoint.to_string(),
            pacer: RateLimiter::for_scope(scope),
            function_name,
        };
        let fetching = async {
            tokio::join!(
                fetcher.configuration(),
                fetcher.aliases(),
                fetcher.versions(),
                fetcher.event_source_mappings()
            )
        };
        let (configuration, aliases, versions, mappings) = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(Error::Cancelled),
            fetched = fetching => fetched,
        };
        if let Err(err @ Error::NotFound(_)) = &configuration {
            return Err(err.clone());
        }
        let results = [
            (CONFIGURATION, configuration),
            (ALIASES, aliases),
            (VERSIONS, versions),
            (EVENT_SOURCE_MAPPINGS, mappings),
        ];
        let mut refresh_errors = Vec::new();
        let mut first_error = None;
        let mut fetched_sections = Vec::new();
        for (name, result) in results {
            match result {
                Ok(fetched) => fetched_sections.push(fetched),
                Err(err) => {
                    refresh_errors.push(SectionError { section: name.to_string(), error: err.to_payload() });
                    first_error.get_or_insert(err);
                }
            }
        }
        if let (true, Some(err)) = (fetched_sections.is_empty(), first_error) {
            return Err(err);
        }
        let (save_scope, save_name, cancel) = (scope.clone(), function_name.to_string(), cancel.clone());
        run_blocking(store, move |store| {
            // Checked where the sections are written: a cancelled refresh saves nothing.
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            for fetched in &fetched_sections {
                let (tags, summary) = (fetched.tags.as_ref(), fetched.summary.as_ref());
                store.save_detail_section(&save_scope, &save_name, &fetched.stored, tags, summary)?;
            }
            Ok(())
        })
        .await?;
        let loaded = Self::load_saved(store, scope, function_name).await?;
        let mut details =
            loaded.ok_or_else(|| Error::Internal("saved details vanished from the local store".into()))?;
        details.refresh_errors = refresh_errors;
        Ok(details)
    }
}

/// The configuration section of a GetFunction answer (configuration, tags, reserved
/// concurrency), stamped with the current time. Also what an apply reads back.
pub(crate) fn configuration_section(output: GetFunctionOutput) -> ConfigurationSection {
    let config = output.configuration.unwrap_or_else(|| FunctionConfiguration::builder().build());
    let environment = config.environment.clone();
    let mut section = ConfigurationSection {
        fetched_at: timestamps::now(),
        role: config.role.clone(),
        code_size: config.code_size as f64,
        code_sha256: config.code_sha256.clone(),
        version: config.version.clone(),
        revision_id: config.revision_id.clone(),
        ephemeral_storage_mb: config.ephemeral_storage.as_ref().map(|e| e.size),
        environment: {
            let mut variables: Vec<EnvironmentVariable> = environment
                .as_ref()
                .and_then(|e| e.variables.clone())
                .unwrap_or_default()
                .into_iter()
                .map(|(name, value)| EnvironmentVariable { name, value })
                .collect();
            variables.sort_by(|a, b| a.name.cmp(&b.name));
            variables
        },
        environment_error: environment
            .and_then(|e| e.error)
            .map(|e| format!("{}: {}", e.error_code.unwrap_or_default(), e.message.unwrap_or_default())),
        layers: config
            .layers
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|l| LayerInfo { arn: l.arn.unwrap_or_default(), code_size: l.code_size as f64 })
            .collect(),
        vpc: config.vpc_config.clone().filter(|v| v.vpc_id.as_deref().is_some_and(|id| !id.is_empty())).map(|v| {
            VpcInfo {
                vpc_id: v.vpc_id,
                subnet_ids: v.subnet_ids.unwrap_or_default(),
                security_group_ids: v.security_group_ids.unwrap_or_default(),
            }
        }),
        state_reason: config.state_reason.clone(),
        last_update_status_reason: config.last_update_status_reason.clone(),
        logging: config.logging_config.clone().map(|l| LoggingInfo {
            log_format: l.log_format.map(|f| f.as_str().to_string()),
            log_group: l.log_group,
            application_log_level: l.application_log_level.map(|v| v.as_str().to_string()),
            system_log_level: l.system_log_level.map(|v| v.as_str().to_string()),
        }),
        tracing_mode: config.tracing_config.as_ref().and_then(|t| t.mode.as_ref()).map(|m| m.as_str().to_string()),
        dead_letter_target: config.dead_letter_config.as_ref().and_then(|d| d.target_arn.clone()),
        kms_key_arn: config.kms_key_arn.clone(),
        tags: output.tags.unwrap_or_default().into_iter().collect(),
        reserved_concurrency: output.concurrency.and_then(|c| c.reserved_concurrent_executions),
        summary: FunctionSummary::from(config),
    };
    section.summary.tags = Some(section.tags.clone());
    section
}

/// A section as fetched, ready to save. The configuration also carries the function's
/// tags and list row, saved with it.
struct FetchedSection {
    stored: StoredSection,
    tags: Option<BTreeMap<String, String>>,
    summary: Option<FunctionSummary>,
}

/// The calls behind each detail section, every one paced with the scope's other
/// control-plane calls.
struct SectionFetcher<'a> {
    client: aws_sdk_lambda::Client,
    endpoint: String,
    pacer: Arc<RateLimiter>,
    function_name: &'a str,
}

impl SectionFetcher<'_> {
    fn stored<T: Serialize>(section: &str, fetched_at: String, value: &T) -> Result<FetchedSection, Error> {
        let body = serde_json::to_string(value).map_err(|e| Error::Internal(format!("saving {section}: {e}")))?;
        let stored = StoredSection { section: section.to_string(), fetched_at, body };
        Ok(FetchedSection { stored, tags: None, summary: None })
    }

    async fn configuration(&self) -> Result<FetchedSection, Error> {
        self.pacer.acquire().await;
        let output = self.client.get_function().function_name(self.function_name).send().await.map_err(|err| {
            if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) {
                Error::NotFound(format!("There is no function named \"{}\".", self.function_name))
            } else {
                Error::from_sdk(err, &self.endpoint)
            }
        })?;
        let section = configuration_section(output);
        let fetched = Self::stored(CONFIGURATION, section.fetched_at.clone(), &section)?;
        Ok(FetchedSection { tags: Some(section.tags), summary: Some(section.summary), ..fetched })
    }

    async fn aliases(&self) -> Result<FetchedSection, Error> {
        let mut pages = self.client.list_aliases().function_name(self.function_name).into_paginator().send();
        let mut aliases = Vec::new();
        loop {
            self.pacer.acquire().await;
            let Some(page) = pages.next().await else { break };
            let page = page.map_err(|e| Error::from_sdk(e, &self.endpoint))?;
            aliases.extend(page.aliases.unwrap_or_default().into_iter().map(|a| {
                let mut weights: Vec<VersionWeight> = a
                    .routing_config
                    .and_then(|r| r.additional_version_weights)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(version, weight)| VersionWeight { version, weight })
                    .collect();
                weights.sort_by(|x, y| x.version.cmp(&y.version));
                AliasInfo {
                    name: a.name.unwrap_or_default(),
                    function_version: a.function_version,
                    description: a.description.filter(|d| !d.is_empty()),
                    additional_version_weights: weights,
                }
            }));
        }
        let section = AliasesSection { fetched_at: timestamps::now(), aliases };
        Self::stored(ALIASES, section.fetched_at.clone(), &section)
    }

    async fn versions(&self) -> Result<FetchedSection, Error> {
        let mut pages =
            self.client.list_versions_by_function().function_name(self.function_name).into_paginator().send();
        let mut versions = Vec::new();
        loop {
            self.pacer.acquire().await;
            let Some(page) = pages.next().await else { break };
            let page = page.map_err(|e| Error::from_sdk(e, &self.endpoint))?;
            versions.extend(page.versions.unwrap_or_default().into_iter().map(|v| VersionInfo {
                version: v.version.unwrap_or_default(),
                description: v.description.filter(|d| !d.is_empty()),
                last_modified: v.last_modified,
                runtime: v.runtime.map(|r| r.as_str().to_string()),
                code_sha256: v.code_sha256,
            }));
        }
        let section = VersionsSection { fetched_at: timestamps::now(), versions };
        Self::stored(VERSIONS, section.fetched_at.clone(), &section)
    }

    async fn event_source_mappings(&self) -> Result<FetchedSection, Error> {
        let mut pages =
            self.client.list_event_source_mappings().function_name(self.function_name).into_paginator().send();
        let mut mappings = Vec::new();
        loop {
            self.pacer.acquire().await;
            let Some(page) = pages.next().await else { break };
            let page = page.map_err(|e| Error::from_sdk(e, &self.endpoint))?;
            mappings.extend(page.event_source_mappings.unwrap_or_default().into_iter().map(|m| {
                EventSourceMappingInfo {
                    uuid: m.uuid.unwrap_or_default(),
                    event_source_arn: m.event_source_arn,
                    state: m.state,
                    batch_size: m.batch_size,
                    last_modified: m.last_modified.map(timestamps::format),
                    last_processing_result: m.last_processing_result,
                }
            }));
        }
        let section = EventSourceMappingsSection { fetched_at: timestamps::now(), mappings };
        Self::stored(EVENT_SOURCE_MAPPINGS, section.fetched_at.clone(), &section)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use aws_sdk_lambda::operation::get_function::{GetFunctionError, GetFunctionOutput};
    use aws_sdk_lambda::operation::list_aliases::ListAliasesOutput;
    use aws_sdk_lambda::operation::list_event_source_mappings::{
        ListEventSourceMappingsError, ListEventSourceMappingsOutput,
    };
    use aws_sdk_lambda::operation::list_versions_by_function::ListVersionsByFunctionOutput;
    use aws_sdk_lambda::types::error::{ResourceNotFoundException, ServiceException};
    use aws_sdk_lambda::types::{
        AliasConfiguration, AliasRoutingConfiguration, Concurrency, EnvironmentResponse, Runtime,
    };
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn scope() -> Scope {
        Scope { profile: "details-test".into(), region: "eu-west-1".into() }
    }

    fn not_cancelled() -> CancellationToken {
        CancellationToken::new()
    }

    fn get_function() -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_lambda::Client::get_function).then_output(|| {
            GetFunctionOutput::builder()
                .configuration(
                    FunctionConfiguration::builder()
                        .function_name("payments-api")
                        .runtime(Runtime::Python312)
                        .memory_size(512)
                        .role("arn:aws:iam::123456789012:role/payments")
                        .environment(EnvironmentResponse::builder().variables("TABLE", "payments").build())
                        .build(),
                )
                .tags("team", "payments")
                .concurrency(Concurrency::builder().reserved_concurrent_executions(25).build())
                .build()
        })
    }

    fn list_aliases() -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_lambda::Client::list_aliases).then_output(|| {
            ListAliasesOutput::builder()
                .aliases(
                    AliasConfiguration::builder()
                        .name("live")
                        .function_version("1")
                        .routing_config(
                            AliasRoutingConfiguration::builder().additional_version_weights("2", 0.1).build(),
                        )
                        .build(),
                )
                .build()
        })
    }

    fn list_versions() -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_lambda::Client::list_versions_by_function).then_output(|| {
            ListVersionsByFunctionOutput::builder()
                .versions(FunctionConfiguration::builder().version("$LATEST").build())
                .versions(FunctionConfiguration::builder().version("1").build())
                .build()
        })
    }

    #[tokio::test]
    async fn every_section_is_saved_and_a_failed_one_is_reported_without_losing_the_rest() {
        let store = Store::in_memory().unwrap();
        let (get, aliases, versions) = (get_function(), list_aliases(), list_versions());
        let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings).then_error(|| {
            ListEventSourceMappingsError::ServiceException(ServiceException::builder().message("boom").build())
        });
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&get, &aliases, &versions, &mappings]);

        let details =
            FunctionDetails::refresh_with(&client, "test", &scope(), &store, "payments-api", &not_cancelled())
                .await
                .unwrap();

        let configuration = details.configuration.unwrap();
        assert_eq!(configuration.summary.memory_size, Some(512));
        assert_eq!(configuration.environment, [EnvironmentVariable { name: "TABLE".into(), value: "payments".into() }]);
        assert_eq!(configuration.tags.get("team").map(String::as_str), Some("payments"));
        assert_eq!(configuration.reserved_concurrency, Some(25));
        let alias = &details.aliases.unwrap().aliases[0];
        assert_eq!((alias.name.as_str(), alias.function_version.as_deref()), ("live", Some("1")));
        assert_eq!(alias.additional_version_weights, [VersionWeight { version: "2".into(), weight: 0.1 }]);
        assert_eq!(details.versions.unwrap().versions.len(), 2);
        assert_eq!(details.event_source_mappings, None);
        assert_eq!(details.refresh_errors.len(), 1);
        assert_eq!(details.refresh_errors[0].section, "event_source_mappings");
        // What was fetched is kept for offline use.
        let saved = FunctionDetails::load(&store, &scope(), "payments-api").unwrap().unwrap();
        assert_eq!(saved.configuration.unwrap().reserved_concurrency, Some(25));
    }

    #[tokio::test]
    async fn a_function_that_does_not_exist_is_not_found() {
        let store = Store::in_memory().unwrap();
        let missing = mock!(aws_sdk_lambda::Client::get_function)
            .then_error(|| GetFunctionError::ResourceNotFoundException(ResourceNotFoundException::builder().build()));
        let empty_mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
            .then_output(|| ListEventSourceMappingsOutput::builder().build());
        let (aliases, versions) = (list_aliases(), list_versions());
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&missing, &aliases, &versions, &empty_mappings]);

        let err = FunctionDetails::refresh_with(&client, "test", &scope(), &store, "gone", &not_cancelled())
            .await
            .unwrap_err();

        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(err.to_string().contains("\"gone\""), "{err}");
        assert_eq!(FunctionDetails::load(&store, &scope(), "gone").unwrap(), None, "nothing saved");
    }

    #[tokio::test]
    async fn a_cancelled_refresh_saves_nothing() {
        let store = Store::in_memory().unwrap();
        let (get, aliases, versions) = (get_function(), list_aliases(), list_versions());
        let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
            .then_output(|| ListEventSourceMappingsOutput::builder().build());
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&get, &aliases, &versions, &mappings]);
        let cancel = CancellationToken::new();
        cancel.cancel();

        let err = FunctionDetails::refresh_with(&client, "test", &scope(), &store, "payments-api", &cancel)
            .await
            .unwrap_err();

        assert_eq!(err.code(), ErrorCode::Cancelled);
        assert_eq!(FunctionDetails::load(&store, &scope(), "payments-api").unwrap(), None, "nothing saved");
    }
}
