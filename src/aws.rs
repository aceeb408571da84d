//! The one place that turns a profile selection into AWS SDK clients.
//!
//! Region, endpoint URL and credentials follow the AWS CLI: explicit values first, then
//! the standard environment variables (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,
//! AWS_ACCESS_KEY_ID, …), then the profile in ~/.aws/config and ~/.aws/credentials.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde::Serialize;

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
    /// The AWS CLI profile in use ("default" when none was named).
    pub profile: String,
    pub region: String,
    /// Set only when a custom endpoint replaces AWS's own.
    pub endpoint_url: Option<String>,
}

/// What the local store keys saved data by: a profile and a region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Scope {
    pub profile: String,
    pub region: String,
}

impl ConnectionSummary {
    pub fn scope(&self) -> Scope {
        Scope { profile: self.profile.clone(), region: self.region.clone() }
    }
}

/// Resolved configuration for one profile and region, from which clients are built.
#[derive(Debug, Clone)]
pub struct AwsConnection {
    sdk_config: SdkConfig,
    summary: ConnectionSummary,
    /// The AWS CLI profile behind the credentials, if any (for the SSO re-login hint).
    aws_cli_profile: Option<String>,
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
        if let Some(profile) = &named_profile {
            ensure_profile_exists(profile).await?;
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
        Ok(Self { sdk_config, summary, aws_cli_profile: None })
    }

    /// The same connection shown under another name (an app profile wrapping it).
    pub fn with_profile_label(mut self, name: &str) -> Self {
        self.summary.profile = name.to_string();
        self
    }

    /// STS GetCallerIdentity: one cheap signed call that proves the credentials work.
    pub async fn caller_identity(&self) -> Result<crate::profiles::ConnectionTest, Error> {
        let sts = aws_sdk_sts::Client::new(&self.sdk_config);
        match sts.get_caller_identity().send().await {
            Ok(identity) => Ok(crate::profiles::ConnectionTest {
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
            (Error::Credentials(detail), Some(profile)) if crate::profiles::is_sso_profile(profile).await => {
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

/// A profile named by the user must exist in the AWS CLI's files, as the AWS CLI insists:
/// the SDK alone would silently fall back to other credentials.
async fn ensure_profile_exists(profile: &str) -> Result<(), Error> {
    let profiles = crate::profiles::load_aws_cli_profiles(Some(profile)).await?;
    if profiles.get_profile(profile).is_some() {
        Ok(())
    } else {
        Err(Error::Configuration(format!(
            "The config profile ({profile}) could not be found in the AWS config or credentials file."
        )))
    }
}

/// Rejects endpoint URLs that cannot work before anything is sent.
pub fn validate_endpoint_url(url: &str) -> Result<(), Error> {
    let invalid = |why: &str| Error::InvalidInput(format!("Invalid endpoint URL \"{url}\": {why}"));
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| invalid("it must start with http:// or https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(invalid("it has no host"));
    }
    if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
        if port.parse::<u16>().is_err() {
            return Err(invalid("the port is not a number from 0 to 65535"));
        }
    }
    if host.contains(char::is_whitespace) {
        return Err(invalid("it contains spaces"));
    }
    Ok(())
}

/// `host[:port]` of an http(s) URL.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())
}

/// StartLiveTail is modelled with the host prefix `stream-`, so the SDK sends it to
/// `stream-<endpoint host>`. With a custom endpoint (a local emulator on 127.0.0.1) that
/// host does not exist; this puts the configured host back before the request is signed.
/// See aws-facts.md (CloudWatch Logs) and local-aws.md.
#[derive(Debug)]
struct StripLiveTailHostPrefix {
    endpoint_host: String,
}

impl Intercept for StripLiveTailHostPrefix {
    fn name(&self) -> &'static str {
        "StripLiveTailHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let prefixed = format!("stream-{}", self.endpoint_host);
        if host_of(request.uri()) == Some(prefixed.as_str()) {
            let fixed = request.uri().replacen(&prefixed, &self.endpoint_host, 1);
            request.set_uri(fixed)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_are_validated_before_use() {
        assert!(validate_endpoint_url("http://127.0.0.1:4566").is_ok());
        assert!(validate_endpoint_url("https://lambda.eu-west-1.amazonaws.com/").is_ok());
        for bad in ["127.0.0.1:4566", "ftp://x", "http://", "http://host:port", "http://:80"] {
            let err = validate_endpoint_url(bad).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn host_of_keeps_the_port() {
        assert_eq!(host_of("http://127.0.0.1:4566/path"), Some("127.0.0.1:4566"));
        assert_eq!(host_of("https://example.com"), Some("example.com"));
        assert_eq!(host_of("no-scheme"), None);
    }

    #[tokio::test]
    async fn a_missing_region_is_a_configuration_error() {
        let config = SdkConfig::builder().behavior_version(BehaviorVersion::latest()).build();
        let err = AwsConnection::from_sdk_config(config, Some("p".into())).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Configuration);
    }
}
