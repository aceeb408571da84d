//! The one place that turns a profile selection into AWS SDK clients.
//!
//! Region, endpoint URL and credentials follow the AWS CLI: explicit values first, then
//! the standard environment variables (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,
//! AWS_ACCESS_KEY_ID, …), then the profile in ~/.aws/config and ~/.aws/credentials.

pub mod cli_files;
mod endpoint;

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use serde::Serialize;

pub use endpoint::validate_endpoint_url;
use endpoint::{host_of, StripLiveTailHostPrefix};

use crate::scope::Scope;
use crate::secrets::StaticKeys;
use crate::Error;

/// What the user chose: each `None` falls back to the environment and the AWS CLI files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSelection {
    /// A profile of the AWS CLI's config files.
    pub profile: Option<String>,
    pub region: Option<String>,
    /// A custom endpoint (LocalStack, MiniStack, a VPC endpoint, …).
    pub endpoint_url: Option<String>,
}

/// What the UI may know about the active connection: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionSummary {
    /// The profile's name: a Lambda Deck or AWS CLI profile, or "default" when the
    /// credentials come from the environment and no profile was named.
    pub profile: String,
    pub region: String,
    /// Set only when a custom endpoint replaces AWS's own.
    pub endpoint_url: Option<String>,
}

impl ConnectionSummary {
    pub fn scope(&self) -> Scope {
        Scope { profile: self.profile.clone(), region: self.region.clone() }
    }
}

/// Who the credentials belong to (STS GetCallerIdentity): "Test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub region: String,
}

/// Resolved configuration for one profile and region, from which clients are built.
#[derive(Debug, Clone)]
pub struct AwsConnection {
    sdk_config: SdkConfig,
    summary: ConnectionSummary,
    /// The AWS CLI profile behind the credentials, if any (for the SSO re-login hint).
    aws_cli_profile: Option<String>,
    /// The profile is marked read-only: every write refuses before sending.
    read_only: bool,
}

impl AwsConnection {
    /// Resolves the selection the way the AWS CLI would. Makes no network call:
    /// credentials are fetched lazily by the first request.
    pub async fn resolve(selection: &ProfileSelection) -> Result<Self, Error> {
        if let Some(url) = &selection.endpoint_url {
            validate_endpoint_url(url)?;
        }
        let named_profile =
            selection.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
        // A profile named by the user must exist, as the AWS CLI insists: the SDK alone
        // would silently fall back to other credentials.
        if let Some(profile) = &named_profile {
            if !cli_files::exists(profile).await? {
                return Err(Error::Configuration(format!(
                    "The config profile ({profile}) could not be found in the AWS config or credentials file."
                )));
            }
        }
        let mut loader = config_loader(selection);
        if let Some(profile) = &selection.profile {
            loader = loader.profile_name(profile);
        }
        let mut connection = Self::from_sdk_config(loader.load().await, named_profile.clone())?;
        connection.aws_cli_profile = named_profile;
        Ok(connection)
    }

    /// Like [`resolve`](Self::resolve), with static keys (from the keyring) instead of a
    /// credential chain; `label` is the profile name shown for it.
    pub async fn with_static_keys(selection: &ProfileSelection, keys: &StaticKeys, label: &str) -> Result<Self, Error> {
        if let Some(url) = &selection.endpoint_url {
            validate_endpoint_url(url)?;
        }
        // The one place the secret leaves its wrapper: into the SDK's credentials.
        let credentials = Credentials::new(
            keys.access_key_id.clone(),
            keys.secret_access_key.expose().to_string(),
            keys.session_token.as_ref().map(|t| t.expose().to_string()),
            None,
            "lambda-deck-keyring",
        );
        let loader = config_loader(selection).credentials_provider(SharedCredentialsProvider::new(credentials));
        Self::from_sdk_config(loader.load().await, Some(label.to_string()))
    }

    /// Wraps an already-built SDK configuration (tests, tools that build their own);
    /// `profile` is the name shown for it (`None`: "default").
    pub fn from_sdk_config(sdk_config: SdkConfig, profile: Option<String>) -> Result<Self, Error> {
        let Some(region) = sdk_config.region().map(|r| r.to_string()) else {
            return Err(Error::Configuration(
                "No AWS region is set: pass --region, set AWS_REGION, or give the profile a region.".into(),
            ));
        };
        if let Some(url) = sdk_config.endpoint_url() {
            validate_endpoint_url(url)?;
        }
        let profile = profile.unwrap_or_else(|| "default".to_string());
        let summary =
            ConnectionSummary { profile, region, endpoint_url: sdk_config.endpoint_url().map(str::to_string) };
        Ok(Self { sdk_config, summary, aws_cli_profile: None, read_only: false })
    }

    /// The same connection shown under another name (an app profile wrapping it).
    pub fn with_profile_label(mut self, name: &str) -> Self {
        self.summary.profile = name.to_string();
        self
    }

    /// The same connection, refusing writes when `read_only` (a profile marked so).
    pub fn with_read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The gate every write (configuration, code, versions, aliases) passes first, so a
    /// read-only profile never sends one.
    pub fn check_writable(&self) -> Result<(), Error> {
        if self.read_only {
            return Err(Error::ReadOnlyProfile(self.summary.profile.clone()));
        }
        Ok(())
    }

    /// STS GetCallerIdentity: one cheap signed call that proves the credentials work.
    pub async fn caller_identity(&self) -> Result<CallerIdentity, Error> {
        let sts = aws_sdk_sts::Client::new(&self.sdk_config);
        match sts.get_caller_identity().send().await {
            Ok(identity) => Ok(CallerIdentity {
                account: identity.account.unwrap_or_default(),
                arn: identity.arn.unwrap_or_default(),
                region: self.summary.region.clone(),
            }),
            Err(err) => Err(self.explain(Error::from_sdk(err, &self.endpoint_label())).await),
        }
    }

    /// Adds what to do to a credentials error of an SSO profile.
    pub async fn explain(&self, err: Error) -> Error {
        match (&err, &self.aws_cli_profile) {
            (Error::Credentials(detail), Some(profile)) if cli_files::is_sso(profile).await => {
                Error::Credentials(format!(
                    "the SSO session of profile \"{profile}\" has expired or is missing ({detail}). Run `aws sso login --profile {profile}` and retry."
                ))
            }
            _ => err,
        }
    }

    pub fn summary(&self) -> &ConnectionSummary {
        &self.summary
    }

    pub fn scope(&self) -> Scope {
        self.summary.scope()
    }

    /// Where requests go, for error messages: the custom endpoint or the regional one.
    pub fn endpoint_label(&self) -> String {
        match &self.summary.endpoint_url {
            Some(url) => url.clone(),
            None => format!("AWS {}", self.summary.region),
        }
    }

    pub fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.sdk_config)
    }

    /// EventBridge Schemas: where the console keeps shareable test events.
    pub fn schemas(&self) -> aws_sdk_schemas::Client {
        aws_sdk_schemas::Client::new(&self.sdk_config)
    }

    /// CloudWatch metrics (GetMetricData).
    pub fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.sdk_config)
    }

    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        let mut config = aws_sdk_cloudwatchlogs::config::Builder::from(&self.sdk_config);
        if let Some(endpoint) = self.sdk_config.endpoint_url() {
            if let Some(host) = host_of(endpoint) {
                config = config.interceptor(StripLiveTailHostPrefix { endpoint_host: host.to_string() });
            }
        }
        aws_sdk_cloudwatchlogs::Client::from_conf(config.build())
    }
}

/// The SDK's loader with the selection's region and endpoint URL applied.
fn config_loader(selection: &ProfileSelection) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = &selection.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(url) = &selection.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_region_is_a_configuration_error() {
        let config = SdkConfig::builder().behavior_version(BehaviorVersion::latest()).build();
        let err = AwsConnection::from_sdk_config(config, Some("p".into())).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Configuration);
    }
}
