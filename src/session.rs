//! A session: one profile and region choice, turned into where its saved data lives (the
//! store scope) and, only when a call needs it, an AWS connection. The desktop shell
//! keeps one per window; `ldeck` makes one per run. The rules that pick the profile and
//! region live here and nowhere else.

use std::sync::Arc;

use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use crate::aws::{validate_endpoint_url, AwsConnection, ConnectionSummary, ProfileSelection};
use crate::profiles::{check_region, Profiles};
use crate::scope::Scope;
use crate::store::Store;
use crate::{Error, FieldError};

/// What the user picked. Each `None` falls back as the AWS CLI would: AWS_PROFILE and the
/// default credential chain, AWS_REGION and the profile's region, AWS_ENDPOINT_URL and
/// the profile's endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionChoice {
    /// A Lambda Deck profile, else a profile of the AWS CLI's files.
    pub profile: Option<String>,
    pub region: Option<String>,
    /// A custom endpoint for this session (`ldeck --endpoint-url`). An app profile's
    /// endpoint is part of the profile, so overriding it is refused.
    pub endpoint_url: Option<String>,
}

/// One window's (or one CLI run's) view of AWS: described without the network or the
/// keyring, connected on first use and then reused.
#[derive(Debug)]
pub struct Session {
    profiles: Profiles,
    choice: SessionChoice,
    connection: OnceCell<AwsConnection>,
}

impl Session {
    /// Checks what the user typed (region, endpoint URL, profile name) before anything
    /// else happens; each problem is named by its field.
    pub fn new(profiles: Profiles, choice: SessionChoice) -> Result<Self, Error> {
        let mut problems = Vec::new();
        if choice.profile.as_deref().is_some_and(|p| p.trim().is_empty()) {
            problems.push(FieldError::new("profile", "Name a profile (or leave it out for the default one)."));
        }
        if let Some(region) = &choice.region {
            if let Err(message) = check_region(region) {
                problems.push(FieldError::new("region", message));
            }
        }
        if let Some(url) = &choice.endpoint_url {
            if let Err(err) = validate_endpoint_url(url) {
                problems.push(FieldError::new("endpoint_url", err.to_string()));
            }
        }
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        Ok(Session { profiles, choice, connection: OnceCell::new() })
    }

    pub fn choice(&self) -> &SessionChoice {
        &self.choice
    }

    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    pub fn store(&self) -> &Arc<Store> {
        self.profiles.store()
    }

    /// The profile, region and endpoint this session shows, found without the network
    /// and, for a profile whose keys are in the keyring, without the keyring: saved data
    /// must show even when neither is available.
    pub async fn describe(&self) -> Result<ConnectionSummary, Error> {
        if let Some(connection) = self.connection.get() {
            return Ok(connection.summary().clone());
        }
        match self.app_profile().await? {
            Some(name) => self.profiles.describe(name, self.choice.region.as_deref()).await,
            // Files and environment only: connecting makes no call and opens no keyring.
            None => Ok(self.connection().await?.summary().clone()),
        }
    }

    /// Where this session's saved data lives.
    pub async fn scope(&self) -> Result<Scope, Error> {
        Ok(self.describe().await?.scope())
    }

    /// The connection, resolved on first use (opening the keyring for a keyring profile)
    /// and reused afterwards. A failure is not kept: the next call tries again.
    pub async fn connection(&self) -> Result<AwsConnection, Error> {
        self.connection.get_or_try_init(|| self.connect()).await.cloned()
    }

    /// [`connection`](Self::connection), given up when `cancel` fires first (connecting
    /// may wait on the keyring's unlock prompt).
    pub async fn connection_unless_cancelled(&self, cancel: &CancellationToken) -> Result<AwsConnection, Error> {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(Error::Cancelled),
            connection = self.connection() => connection,
        }
    }

    async fn connect(&self) -> Result<AwsConnection, Error> {
        let region = self.choice.region.as_deref();
        match self.app_profile().await? {
            Some(name) => self.profiles.connect(name, region).await,
            None => {
                let selection = ProfileSelection {
                    profile: self.choice.profile.clone(),
                    region: self.choice.region.clone(),
                    endpoint_url: self.choice.endpoint_url.clone(),
                };
                let connection = AwsConnection::resolve(&selection).await?;
                // An AWS CLI profile (or "default") can be marked read-only too.
                let read_only = self.profiles.is_read_only(&connection.summary().profile).await?;
                Ok(connection.with_read_only(read_only))
            }
        }
    }

    /// The chosen profile's name when it is one of the app's own (a name is looked up
    /// among the app's profiles first, then the AWS CLI's, as `--profile` does).
    async fn app_profile(&self) -> Result<Option<&str>, Error> {
        let Some(name) = self.choice.profile.as_deref() else { return Ok(None) };
        if self.profiles.app_profile(name).await?.is_none() {
            return Ok(None);
        }
        if self.choice.endpoint_url.is_some() {
            return Err(Error::InvalidInput(format!(
                "--endpoint-url cannot override app profile \"{name}\": edit the profile instead."
            )));
        }
        Ok(Some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keystore::KeyStore;
    use crate::profiles::{CredentialSource, ProfileInput};
    use crate::ErrorCode;

    fn profiles() -> Profiles {
        Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()))
    }

    async fn with_keyring_profile(name: &str, region: &str) -> Profiles {
        let profiles = profiles();
        profiles
            .add(ProfileInput {
                name: name.into(),
                region: region.into(),
                endpoint_url: Some("http://127.0.0.1:9".into()),
                source: CredentialSource::Keyring,
                aws_cli_profile: None,
                access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
                secret_access_key: Some("not-a-real-secret".into()),
                session_token: None,
            })
            .await
            .unwrap();
        profiles
    }

    fn choice(profile: Option<&str>, region: Option<&str>, endpoint_url: Option<&str>) -> SessionChoice {
        SessionChoice {
            profile: profile.map(str::to_string),
            region: region.map(str::to_string),
            endpoint_url: endpoint_url.map(str::to_string),
        }
    }

    #[test]
    fn typos_are_refused_at_their_field_before_anything_else() {
        let err = Session::new(profiles(), choice(Some(" "), Some("eu-wset-1"), Some("localhost:4566"))).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        let fields: Vec<_> = err.to_payload().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["profile", "region", "endpoint_url"]);
        assert!(err.to_string().contains("\"eu-wset-1\" is not an AWS region"), "{err}");
    }

    #[tokio::test]
    async fn a_keyring_profile_is_described_without_the_keyring() {
        let profiles = with_keyring_profile("work", "eu-west-1").await;
        // The keyring entry is gone: describing must not need it, connecting must.
        profiles.keystore().delete("work").await.unwrap();
        let session = Session::new(profiles, choice(Some("work"), Some("us-east-1"), None)).unwrap();

        let described = session.describe().await.unwrap();

        assert_eq!((described.profile.as_str(), described.region.as_str()), ("work", "us-east-1"));
        assert_eq!(described.endpoint_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(session.scope().await.unwrap(), Scope { profile: "work".into(), region: "us-east-1".into() });
        assert_eq!(session.connection().await.unwrap_err().code(), ErrorCode::KeysMissing);
    }

    #[tokio::test]
    async fn the_connection_is_made_once_and_reused() {
        let profiles = with_keyring_profile("work", "eu-west-1").await;
        let session = Session::new(profiles.clone(), choice(Some("work"), None, None)).unwrap();
        let first = session.connection().await.unwrap();
        // Reused: removing the keys afterwards does not affect the open session.
        profiles.keystore().delete("work").await.unwrap();
        let second = session.connection().await.unwrap();
        assert_eq!(first.summary(), second.summary());
        assert_eq!(session.describe().await.unwrap().region, "eu-west-1");
    }

    #[tokio::test]
    async fn a_cancelled_caller_stops_waiting_for_the_connection() {
        let profiles = with_keyring_profile("work", "eu-west-1").await;
        let session = Session::new(profiles, choice(Some("work"), None, None)).unwrap();
        let cancel = CancellationToken::new();
        cancel.cancel();
        assert_eq!(session.connection_unless_cancelled(&cancel).await.unwrap_err().code(), ErrorCode::Cancelled);
        assert!(session.connection_unless_cancelled(&CancellationToken::new()).await.is_ok());
    }

    #[tokio::test]
    async fn an_app_profile_keeps_its_own_endpoint() {
        let profiles = with_keyring_profile("work", "eu-west-1").await;
        let session = Session::new(profiles, choice(Some("work"), None, Some("http://127.0.0.1:4566"))).unwrap();
        let err = session.describe().await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("cannot override app profile \"work\""), "{err}");
    }
}
