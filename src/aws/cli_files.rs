//! The AWS CLI's configuration files (~/.aws/config and ~/.aws/credentials, or the files
//! AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name), read the way the SDK reads them.

use std::borrow::Cow;

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

use crate::Error;

/// One profile of the AWS CLI's files: only what the app shows and keys data by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliProfile {
    pub name: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// Every profile of the files, sorted by name.
pub async fn profiles() -> Result<Vec<CliProfile>, Error> {
    let set = load(None).await?;
    let mut profiles: Vec<CliProfile> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|profile| CliProfile {
            name: profile.name().to_string(),
            region: profile.get("region").map(str::to_string),
            endpoint_url: profile.get("endpoint_url").map(str::to_string),
        })
        .collect();
    profiles.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(profiles)
}

/// Whether the files define `name`.
pub async fn exists(name: &str) -> Result<bool, Error> {
    Ok(load(Some(name)).await?.get_profile(name).is_some())
}

/// True when the profile signs in through IAM Identity Center (SSO).
pub async fn is_sso(name: &str) -> bool {
    load(Some(name)).await.ok().and_then(|set| {
        set.get_profile(name).map(|p| p.get("sso_session").is_some() || p.get("sso_start_url").is_some())
    }) == Some(true)
}

async fn load(selected: Option<&str>) -> Result<aws_config::profile::ProfileSet, Error> {
    aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &EnvConfigFiles::default(),
        selected.map(|s| Cow::Owned(s.to_string())),
    )
    .await
    .map_err(|err| Error::Configuration(format!("Cannot read the AWS config files: {err}")))
}
