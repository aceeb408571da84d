//! Profiles: a name, a default region, an optional endpoint URL and where the credentials
//! come from — keys typed into the app (kept in the OS keyring), a profile of the AWS
//! CLI's files, or the environment. Non-secret settings live in the local store.

use std::borrow::Cow;
use std::sync::Arc;

use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::aws::{validate_endpoint_url, AwsConnection, ConnectionSummary, ProfileSelection, Scope};
use crate::keystore::KeyStore;
use crate::secrets::{key_id_hint, Secret, StaticKeys};
use crate::store::{store_error, Store};
use crate::{Error, FieldError};

/// Where a profile's credentials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CredentialSource {
    /// Keys typed into Lambda Deck, kept in the OS keyring.
    Keyring,
    /// A profile of ~/.aws/config and ~/.aws/credentials (static, SSO, assume-role, process).
    AwsCli,
    /// AWS_* environment variables and the rest of the default chain.
    Environment,
}

/// What the UI and `ldeck profile list` may know about a profile: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileSummary {
    pub name: String,
    pub source: CredentialSource,
    /// For `aws_cli`: the AWS CLI profile it uses.
    pub aws_cli_profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// For `keyring`: the last four characters of the key id (`…WXYZ`).
    pub key_id_hint: Option<String>,
    pub has_session_token: bool,
    /// False for profiles read from the AWS CLI's files: edit those with the AWS CLI.
    pub editable: bool,
}

/// A profile as typed into the form or the CLI. The secret fields are taken out of it
/// and wrapped in [`Secret`] before anything else happens; it is never sent back.
#[derive(Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileInput {
    pub name: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub source: CredentialSource,
    pub aws_cli_profile: Option<String>,
    pub access_key_id: Option<String>,
    /// Required for a new `keyring` profile; when editing, empty keeps the stored keys.
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for ProfileInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileInput").field("name", &self.name).field("source", &self.source).finish_non_exhaustive()
    }
}

/// The outcome of "Test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionTest {
    pub account: String,
    pub arn: String,
    pub region: String,
}

/// Regions a profile may name (the commercial, GovCloud and China partitions).
const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "cn-northwest-1",
];

const ACTIVE_PROFILE_SETTING: &str = "active_profile";

/// The regions a profile may name, for pickers.
pub fn known_regions() -> &'static [&'static str] {
    KNOWN_REGIONS
}

/// Profiles of the app and of the AWS CLI's files, and the keys of the app's ones.
#[derive(Debug, Clone)]
pub struct Profiles {
    store: Arc<Store>,
    keystore: KeyStore,
}

impl Profiles {
    pub fn new(store: Arc<Store>, keystore: KeyStore) -> Self {
        Profiles { store, keystore }
    }

    pub fn keystore(&self) -> &KeyStore {
        &self.keystore
    }

    /// The app's profiles, then the AWS CLI's (those not shadowed by an app profile of the
    /// same name), each sorted by name. Reads no secret.
    pub async fn list(&self) -> Result<Vec<ProfileSummary>, Error> {
        let mut profiles = self.app_profiles()?;
        let mut cli_profiles: Vec<ProfileSummary> =
            aws_cli_profiles().await?.into_iter().filter(|cli| !profiles.iter().any(|p| p.name == cli.name)).collect();
        cli_profiles.sort_by(|a, b| a.name.cmp(&b.name));
        profiles.extend(cli_profiles);
        Ok(profiles)
    }

    /// A profile by name: the app's first, then the AWS CLI's.
    pub async fn get(&self, name: &str) -> Result<ProfileSummary, Error> {
        if let Some(profile) = self.app_profile(name)? {
            return Ok(profile);
        }
        aws_cli_profiles()
            .await?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::Configuration(format!("There is no profile named \"{name}\".")))
    }

    /// Validates and saves a new profile: keys into the keyring first, then the settings,
    /// so a store failure never leaves settings pointing at missing keys.
    pub async fn add(&self, input: ProfileInput) -> Result<ProfileSummary, Error> {
        let validated = self.validate(input, None).await?;
        if let Some(keys) = &validated.keys {
            self.keystore.save(&validated.summary.name, keys).await?;
        }
        if let Err(err) = self.write(&validated.summary, None) {
            if validated.keys.is_some() {
                let _ = self.keystore.delete(&validated.summary.name).await;
            }
            return Err(err);
        }
        Ok(validated.summary)
    }

    /// Replaces an app profile's settings (and its keys when new ones are given; a key id
    /// change without a new secret is refused). Renaming moves the keyring entry.
    pub async fn edit(&self, original_name: &str, input: ProfileInput) -> Result<ProfileSummary, Error> {
        let Some(existing) = self.app_profile(original_name)? else {
            return Err(Error::Configuration(format!("There is no app profile named \"{original_name}\" to edit.")));
        };
        let validated = self.validate(input, Some(&existing)).await?;
        let renamed = existing.name != validated.summary.name;
        let uses_keyring = validated.summary.source == CredentialSource::Keyring;
        match (&validated.keys, uses_keyring) {
            (Some(keys), _) => self.keystore.save(&validated.summary.name, keys).await?,
            (None, true) if renamed => {
                let keys = self.keystore.load(&existing.name).await?;
                self.keystore.save(&validated.summary.name, &keys).await?;
            }
            _ => {}
        }
        self.write(&validated.summary, Some(&existing.name))?;
        if renamed || !uses_keyring {
            self.keystore.delete(&existing.name).await?;
        }
        if renamed && self.active_profile_name()?.as_deref() == Some(existing.name.as_str()) {
            self.store.set_setting(ACTIVE_PROFILE_SETTING, Some(&validated.summary.name))?;
        }
        Ok(validated.summary)
    }

    /// The form's save: a new profile when `original_name` is `None`, else an edit of it.
    pub async fn save(&self, original_name: Option<&str>, input: ProfileInput) -> Result<ProfileSummary, Error> {
        match original_name {
            Some(original) => self.edit(original, input).await,
            None => self.add(input).await,
        }
    }

    /// Removes an app profile and its keyring entry.
    pub async fn remove(&self, name: &str) -> Result<(), Error> {
        if self.app_profile(name)?.is_none() {
            return Err(Error::Configuration(format!("There is no app profile named \"{name}\" to remove.")));
        }
        self.keystore.delete(name).await?;
        self.store.connection().execute("DELETE FROM profiles WHERE name = ?1", [name]).map_err(|e| store_error(&e))?;
        if self.active_profile_name()?.as_deref() == Some(name) {
            self.store.set_setting(ACTIVE_PROFILE_SETTING, None)?;
        }
        Ok(())
    }

    /// Resolves a profile into a connection, `region` overriding the profile's own.
    pub async fn connect(&self, name: &str, region: Option<&str>) -> Result<AwsConnection, Error> {
        let profile = self.get(name).await?;
        let region = region.map(str::to_string).or(profile.region.clone());
        match profile.source {
            CredentialSource::Keyring => {
                let keys = self.keystore.load(&profile.name).await?;
                let selection = ProfileSelection { profile: None, region, endpoint_url: profile.endpoint_url.clone() };
                AwsConnection::with_static_keys(&selection, &keys, &profile.name).await
            }
            CredentialSource::AwsCli => {
                let selection = ProfileSelection {
                    profile: profile.aws_cli_profile.clone().or(Some(profile.name.clone())),
                    region,
                    // A profile of the AWS CLI's files leaves its endpoint to the SDK, so
                    // AWS_ENDPOINT_URL wins over the file's endpoint_url as with the AWS
                    // CLI; an app profile's own endpoint is the user's explicit choice.
                    endpoint_url: if profile.editable { profile.endpoint_url.clone() } else { None },
                };
                let connection = AwsConnection::resolve(&selection).await?;
                Ok(connection.with_profile_label(&profile.name))
            }
            CredentialSource::Environment => {
                let selection = ProfileSelection { profile: None, region, endpoint_url: profile.endpoint_url.clone() };
                Ok(AwsConnection::resolve(&selection).await?.with_profile_label(&profile.name))
            }
        }
    }

    /// What a connection to the profile would be (name, region in use, endpoint), found
    /// without the network and, for keyring profiles, without the keyring: saved data
    /// must show even when neither is available.
    pub async fn describe(&self, name: &str, region: Option<&str>) -> Result<ConnectionSummary, Error> {
        let profile = self.get(name).await?;
        match (profile.source, region.map(str::to_string).or(profile.region.clone())) {
            // A keyring profile's region and endpoint are its own (validation requires the
            // region), so the keyring need not be opened to name them.
            (CredentialSource::Keyring, Some(region)) => {
                Ok(ConnectionSummary { profile: profile.name, region, endpoint_url: profile.endpoint_url })
            }
            // The others resolve from files and the environment only: `connect` is exact.
            _ => Ok(self.connect(name, region).await?.summary().clone()),
        }
    }

    /// Where a profile's saved data is kept (see [`describe`](Self::describe)).
    pub async fn scope(&self, name: &str, region: Option<&str>) -> Result<Scope, Error> {
        Ok(self.describe(name, region).await?.scope())
    }

    /// One cheap signed call (STS GetCallerIdentity) that proves the credentials work.
    pub async fn test(&self, name: &str, region: Option<&str>) -> Result<ConnectionTest, Error> {
        let connection = self.connect(name, region).await?;
        connection.caller_identity().await
    }

    /// The profile the app opened last, if it still exists.
    pub fn active_profile_name(&self) -> Result<Option<String>, Error> {
        self.store.setting(ACTIVE_PROFILE_SETTING)
    }

    pub fn set_active_profile(&self, name: &str) -> Result<(), Error> {
        self.store.set_setting(ACTIVE_PROFILE_SETTING, Some(name))
    }

    fn app_profiles(&self) -> Result<Vec<ProfileSummary>, Error> {
        let connection = self.store.connection();
        let mut statement = connection
            .prepare(
                "SELECT name, region, endpoint_url, source, aws_cli_profile, key_id_hint, has_session_token
                 FROM profiles ORDER BY name",
            )
            .map_err(|e| store_error(&e))?;
        let rows = statement.query_map([], row_to_summary).map_err(|e| store_error(&e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| store_error(&e))
    }

    /// An app profile (not one of the AWS CLI's) by name.
    pub fn app_profile(&self, name: &str) -> Result<Option<ProfileSummary>, Error> {
        self.store
            .connection()
            .query_row(
                "SELECT name, region, endpoint_url, source, aws_cli_profile, key_id_hint, has_session_token
                 FROM profiles WHERE name = ?1",
                [name],
                row_to_summary,
            )
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// Inserts or, when `replacing` names a row, replaces it — in one transaction.
    fn write(&self, profile: &ProfileSummary, replacing: Option<&str>) -> Result<(), Error> {
        let mut connection = self.store.connection();
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        if let Some(old) = replacing {
            tx.execute("DELETE FROM profiles WHERE name = ?1", [old]).map_err(|e| store_error(&e))?;
        }
        tx.execute(
            "INSERT INTO profiles (name, region, endpoint_url, source, aws_cli_profile, key_id_hint, has_session_token)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                profile.name,
                profile.region,
                profile.endpoint_url,
                source_name(profile.source),
                profile.aws_cli_profile,
                profile.key_id_hint,
                profile.has_session_token,
            ],
        )
        .map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))
    }

    /// Every problem of the form at once, each on its field.
    async fn validate(&self, input: ProfileInput, editing: Option<&ProfileSummary>) -> Result<Validated, Error> {
        let mut problems = Vec::new();
        let name = input.name.trim().to_string();
        if name.is_empty() {
            problems.push(FieldError::new("name", "Enter a profile name."));
        } else if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c)) {
            problems.push(FieldError::new("name", "Use up to 64 letters, digits, spaces, '.', '_' or '-'."));
        } else if editing.is_none_or(|e| e.name != name) && self.app_profile(&name)?.is_some() {
            problems.push(FieldError::new("name", format!("A profile named \"{name}\" already exists.")));
        }
        let region = input.region.trim().to_string();
        if !KNOWN_REGIONS.contains(&region.as_str()) {
            problems.push(FieldError::new("region", format!("\"{region}\" is not an AWS region (e.g. eu-west-1).")));
        }
        let endpoint_url = input.endpoint_url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
        if let Some(url) = &endpoint_url {
            if let Err(err) = validate_endpoint_url(url) {
                problems.push(FieldError::new("endpoint_url", err.to_string()));
            }
        }
        let mut keys = None;
        // Set when an edit keeps the stored keys: the summary keeps describing them.
        let mut kept_keys_of = None;
        let mut aws_cli_profile = None;
        match input.source {
            CredentialSource::Keyring => {
                let key_id = input.access_key_id.unwrap_or_default().trim().to_string();
                let secret = input.secret_access_key.map(Secret::new).filter(|s| !s.is_empty());
                let token = input.session_token.map(|t| Secret::new(t.trim())).filter(|t| !t.is_empty());
                // Editing with neither a key id nor a secret keeps the stored keys.
                let keeps_stored_keys = key_id.is_empty()
                    && secret.is_none()
                    && editing.is_some_and(|e| e.source == CredentialSource::Keyring);
                if keeps_stored_keys {
                    kept_keys_of = editing;
                } else {
                    let well_formed = (12..=128).contains(&key_id.len())
                        && key_id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
                    if !well_formed {
                        problems.push(FieldError::new(
                            "access_key_id",
                            "An access key id is 12 to 128 capital letters and digits (AKIA…, ASIA…).",
                        ));
                    }
                    match secret {
                        None => problems.push(FieldError::new("secret_access_key", "Enter the secret access key.")),
                        Some(secret) if secret.expose().chars().any(char::is_whitespace) => {
                            problems.push(FieldError::new(
                                "secret_access_key",
                                "The secret access key cannot contain spaces or line breaks.",
                            ))
                        }
                        Some(secret) => {
                            keys = Some(StaticKeys {
                                access_key_id: key_id,
                                secret_access_key: secret,
                                session_token: token,
                            })
                        }
                    }
                }
            }
            CredentialSource::AwsCli => {
                let profile = input.aws_cli_profile.unwrap_or_default().trim().to_string();
                if profile.is_empty() {
                    problems.push(FieldError::new("aws_cli_profile", "Choose the AWS CLI profile to use."));
                } else if !aws_cli_profiles().await?.iter().any(|p| p.name == profile) {
                    problems.push(FieldError::new(
                        "aws_cli_profile",
                        format!("There is no AWS CLI profile \"{profile}\" in ~/.aws/config or ~/.aws/credentials."),
                    ));
                }
                aws_cli_profile = Some(profile);
            }
            CredentialSource::Environment => {}
        }
        if !problems.is_empty() {
            return Err(Error::InvalidFields(problems));
        }
        let summary = ProfileSummary {
            key_id_hint: match (&keys, kept_keys_of) {
                (Some(keys), _) => Some(key_id_hint(&keys.access_key_id)),
                (None, Some(existing)) => existing.key_id_hint.clone(),
                (None, None) => None,
            },
            has_session_token: match (&keys, kept_keys_of) {
                (Some(keys), _) => keys.session_token.is_some(),
                (None, Some(existing)) => existing.has_session_token,
                (None, None) => false,
            },
            name,
            source: input.source,
            aws_cli_profile,
            region: Some(region),
            endpoint_url,
            editable: true,
        };
        Ok(Validated { summary, keys })
    }
}

struct Validated {
    summary: ProfileSummary,
    keys: Option<StaticKeys>,
}

fn source_name(source: CredentialSource) -> &'static str {
    match source {
        CredentialSource::Keyring => "keyring",
        CredentialSource::AwsCli => "aws_cli",
        CredentialSource::Environment => "environment",
    }
}

fn row_to_summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<ProfileSummary> {
    let source = match row.get::<_, String>(3)?.as_str() {
        "aws_cli" => CredentialSource::AwsCli,
        "environment" => CredentialSource::Environment,
        _ => CredentialSource::Keyring,
    };
    Ok(ProfileSummary {
        name: row.get(0)?,
        region: Some(row.get(1)?),
        endpoint_url: row.get(2)?,
        source,
        aws_cli_profile: row.get(4)?,
        key_id_hint: row.get(5)?,
        has_session_token: row.get(6)?,
        editable: true,
    })
}

/// The profiles of the AWS CLI's files (honouring AWS_CONFIG_FILE and
/// AWS_SHARED_CREDENTIALS_FILE), with their regions and endpoints.
pub async fn aws_cli_profiles() -> Result<Vec<ProfileSummary>, Error> {
    let profiles = load_aws_cli_profiles(None).await?;
    let mut summaries: Vec<ProfileSummary> = profiles
        .profiles()
        .filter_map(|name| profiles.get_profile(name))
        .map(|profile| ProfileSummary {
            name: profile.name().to_string(),
            source: CredentialSource::AwsCli,
            aws_cli_profile: Some(profile.name().to_string()),
            region: profile.get("region").map(str::to_string),
            endpoint_url: profile.get("endpoint_url").map(str::to_string),
            key_id_hint: None,
            has_session_token: false,
            editable: false,
        })
        .collect();
    summaries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(summaries)
}

pub(crate) async fn load_aws_cli_profiles(selected: Option<&str>) -> Result<aws_config::profile::ProfileSet, Error> {
    aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &EnvConfigFiles::default(),
        selected.map(|s| Cow::Owned(s.to_string())),
    )
    .await
    .map_err(|err| Error::Configuration(format!("Cannot read the AWS config files: {err}")))
}

/// True when the AWS CLI profile signs in through IAM Identity Center (SSO).
pub(crate) async fn is_sso_profile(name: &str) -> bool {
    load_aws_cli_profiles(Some(name)).await.ok().and_then(|set| {
        set.get_profile(name).map(|p| p.get("sso_session").is_some() || p.get("sso_start_url").is_some())
    }) == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz";

    fn profiles_on(path: &std::path::Path) -> Profiles {
        Profiles::new(Store::open(path).unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()))
    }

    fn keyring_input(name: &str, key_id: &str, secret: Option<&str>) -> ProfileInput {
        ProfileInput {
            name: name.into(),
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            source: CredentialSource::Keyring,
            aws_cli_profile: None,
            access_key_id: Some(key_id.into()),
            secret_access_key: secret.map(str::to_string),
            session_token: None,
        }
    }

    fn temp_store_path(label: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("ldeck-profiles-{label}-{}", std::process::id())).join("store.sqlite3")
    }

    #[tokio::test]
    async fn a_keyring_profile_keeps_its_secret_out_of_the_store_and_the_summary() {
        let path = temp_store_path("secret");
        let profiles = profiles_on(&path);

        let added = profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();

        assert_eq!(added.key_id_hint.as_deref(), Some("…MPLE"));
        let listed = serde_json::to_string(&profiles.app_profile("work").unwrap().unwrap()).unwrap();
        assert!(!listed.contains(SECRET) && !listed.contains("AKIAIOSFODNN7EXAMPLE"), "{listed}");
        assert_eq!(profiles.keystore.load("work").await.unwrap().secret_access_key.expose(), SECRET);
        drop(profiles);
        for file in std::fs::read_dir(path.parent().unwrap()).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            assert!(!String::from_utf8_lossy(&bytes).contains(SECRET), "secret found in the store files");
        }
        std::fs::remove_dir_all(path.parent().unwrap()).ok();
    }

    #[tokio::test]
    async fn every_bad_field_is_reported_and_nothing_is_saved() {
        let profiles =
            Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
        let mut input = keyring_input("  ", "akia lower", None);
        input.region = "moon-1".into();
        input.endpoint_url = Some("localhost:4566".into());

        let err = profiles.add(input).await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::InvalidInput);
        let fields: Vec<String> = err.to_payload().fields.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["name", "region", "endpoint_url", "access_key_id", "secret_access_key"]);
        assert!(profiles.app_profiles().unwrap().is_empty());
    }

    #[tokio::test]
    async fn duplicate_names_are_refused() {
        let profiles =
            Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
        profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        let err = profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPL2", Some(SECRET))).await.unwrap_err();
        assert_eq!(err.to_payload().fields, [FieldError::new("name", "A profile named \"work\" already exists.")]);
        // The first profile's keys are untouched.
        assert_eq!(profiles.keystore.load("work").await.unwrap().access_key_id, "AKIAIOSFODNN7EXAMPLE");
    }

    #[tokio::test]
    async fn editing_without_keys_keeps_them_and_renaming_moves_them() {
        let profiles =
            Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
        profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        profiles.set_active_profile("work").unwrap();

        let mut edit = keyring_input("office", "", None);
        edit.region = "us-west-2".into();
        let edited = profiles.edit("work", edit).await.unwrap();

        assert_eq!(edited.region.as_deref(), Some("us-west-2"));
        assert_eq!(edited.key_id_hint.as_deref(), Some("…MPLE"));
        assert_eq!(profiles.keystore.load("office").await.unwrap().secret_access_key.expose(), SECRET);
        assert_eq!(profiles.keystore.load("work").await.unwrap_err().code(), ErrorCode::KeysMissing);
        assert_eq!(profiles.active_profile_name().unwrap().as_deref(), Some("office"));
    }

    #[tokio::test]
    async fn removing_a_profile_removes_its_keyring_entry() {
        let profiles =
            Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
        profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        profiles.remove("work").await.unwrap();
        assert!(profiles.app_profile("work").unwrap().is_none());
        assert_eq!(profiles.keystore.load("work").await.unwrap_err().code(), ErrorCode::KeysMissing);
    }

    #[tokio::test]
    async fn a_locked_keyring_saves_nothing() {
        let mock = keyring_core::mock::Store::new().unwrap();
        let profiles = Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(mock.clone()));
        let entry = keyring_core::api::CredentialStoreApi::build(mock.as_ref(), crate::keystore::SERVICE, "work", None)
            .unwrap();
        let cred: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        cred.set_error(keyring_core::Error::NoStorageAccess(Box::new(std::io::Error::other("locked"))));

        let err = profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::KeyringLocked);
        assert!(profiles.app_profile("work").unwrap().is_none(), "no settings without keys");
    }
}
