//! Profiles: a name, a default region, an optional endpoint URL and where the credentials
//! come from — keys typed into the app (kept in the OS keyring), a profile of the AWS
//! CLI's files, or the environment. Non-secret settings live in the local store
//! (store/profiles.rs).

pub mod types;
mod validation;

use std::sync::Arc;

pub use types::{CredentialSource, ProfileInput, ProfileSummary};
pub use validation::check_region;

use crate::aws::{cli_files, AwsConnection, CallerIdentity, ConnectionSummary, ProfileSelection};
use crate::keystore::KeyStore;
use crate::store::profiles::OldName;
use crate::store::{run_blocking, Store};
use crate::Error;

/// The settings key of the profile the main window showed last.
pub const ACTIVE_PROFILE_SETTING: &str = "active_profile";

/// The regions a profile may name, for pickers.
pub fn known_regions() -> &'static [&'static str] {
    validation::KNOWN_REGIONS
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

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn keystore(&self) -> &KeyStore {
        &self.keystore
    }

    /// The app's profiles, then the AWS CLI's (those not shadowed by an app profile of the
    /// same name), each sorted by name, with their read-only marks. Reads no secret.
    pub async fn list(&self) -> Result<Vec<ProfileSummary>, Error> {
        let (mut profiles, read_only) =
            run_blocking(&self.store, |store| Ok((store.app_profiles()?, store.read_only_profile_names()?))).await?;
        let cli_profiles: Vec<ProfileSummary> = aws_cli_profiles()
            .await?
            .into_iter()
            .filter(|cli| !profiles.iter().any(|p| p.name == cli.name))
            .map(|cli| ProfileSummary { read_only: read_only.contains(&cli.name), ..cli })
            .collect();
        profiles.extend(cli_profiles);
        Ok(profiles)
    }

    /// An app profile (not one of the AWS CLI's) by name.
    pub async fn app_profile(&self, name: &str) -> Result<Option<ProfileSummary>, Error> {
        let name = name.to_string();
        run_blocking(&self.store, move |store| store.app_profile(&name)).await
    }

    /// A profile by name: the app's first, then the AWS CLI's.
    pub async fn get(&self, name: &str) -> Result<ProfileSummary, Error> {
        if let Some(profile) = self.app_profile(name).await? {
            return Ok(profile);
        }
        let profile = aws_cli_profiles()
            .await?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::Configuration(format!("There is no profile named \"{name}\".")))?;
        Ok(ProfileSummary { read_only: self.is_read_only(name).await?, ..profile })
    }

    /// Whether the profile `name` (the app's or the AWS CLI's) is marked read-only. A name
    /// no profile has is not.
    pub async fn is_read_only(&self, name: &str) -> Result<bool, Error> {
        let name = name.to_string();
        run_blocking(&self.store, move |store| store.profile_read_only(&name)).await
    }

    /// Marks a profile read-only (its connections then refuse every write before sending
    /// it), or clears the mark. Any existing profile may be marked, the AWS CLI's included.
    pub async fn set_read_only(&self, name: &str, read_only: bool) -> Result<ProfileSummary, Error> {
        let profile = self.get(name).await?;
        let key = profile.name.clone();
        run_blocking(&self.store, move |store| store.set_profile_read_only(&key, read_only)).await?;
        Ok(ProfileSummary { read_only, ..profile })
    }

    /// Validates and saves a new profile: keys into the keyring first, then the settings,
    /// so a store failure never leaves settings pointing at missing keys.
    pub async fn add(&self, input: ProfileInput) -> Result<ProfileSummary, Error> {
        let validated = validation::validate(input, None, &self.app_profile_names().await?).await?;
        if let Some(keys) = &validated.keys {
            self.keystore.save(&validated.summary.name, keys).await?;
        }
        let summary = validated.summary.clone();
        let written = run_blocking(&self.store, move |store| {
            store.write_app_profile(&summary, None, OldName::Gone)?;
            // A profile of the AWS CLI's files it now shadows may have left the name a mark.
            Ok(ProfileSummary { read_only: store.profile_read_only(&summary.name)?, ..summary })
        })
        .await;
        match written {
            Ok(summary) => Ok(summary),
            Err(err) => {
                if validated.keys.is_some() {
                    let _ = self.keystore.delete(&validated.summary.name).await;
                }
                Err(err)
            }
        }
    }

    /// Replaces an app profile's settings (and its keys when new ones are given; a key id
    /// change without a new secret is refused). Renaming moves the keyring entry.
    pub async fn edit(&self, original_name: &str, input: ProfileInput) -> Result<ProfileSummary, Error> {
        let Some(existing) = self.app_profile(original_name).await? else {
            return Err(Error::Configuration(format!("There is no app profile named \"{original_name}\" to edit.")));
        };
        let validated = validation::validate(input, Some(&existing), &self.app_profile_names().await?).await?;
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
        let (summary, old_name) = (validated.summary.clone(), existing.name.clone());
        let old_name_after = if renamed { old_name_after(&old_name).await } else { OldName::Gone };
        let saved = run_blocking(&self.store, move |store| {
            // A read-only profile stays read-only under its new name.
            store.write_app_profile(&summary, Some(&old_name), old_name_after)?;
            // The app opens on the renamed profile as it did on the old name.
            if summary.name != old_name && store.setting(ACTIVE_PROFILE_SETTING)?.as_deref() == Some(old_name.as_str())
            {
                store.set_setting(ACTIVE_PROFILE_SETTING, Some(&summary.name))?;
            }
            Ok(ProfileSummary { read_only: store.profile_read_only(&summary.name)?, ..summary })
        })
        .await?;
        if renamed || !uses_keyring {
            self.keystore.delete(&existing.name).await?;
        }
        Ok(saved)
    }

    /// The form's save: a new profile when `original_name` is `None`, else an edit of it.
    pub async fn save(&self, original_name: Option<&str>, input: ProfileInput) -> Result<ProfileSummary, Error> {
        match original_name {
            Some(original) => self.edit(original, input).await,
            None => self.add(input).await,
        }
    }

    /// Removes an app profile, its keyring entry and its read-only mark.
    pub async fn remove(&self, name: &str) -> Result<(), Error> {
        if self.app_profile(name).await?.is_none() {
            return Err(Error::Configuration(format!("There is no app profile named \"{name}\" to remove.")));
        }
        self.keystore.delete(name).await?;
        let old_name = old_name_after(name).await;
        let name = name.to_string();
        run_blocking(&self.store, move |store| {
            store.delete_app_profile(&name, old_name)?;
            if store.setting(ACTIVE_PROFILE_SETTING)?.as_deref() == Some(name.as_str()) {
                store.set_setting(ACTIVE_PROFILE_SETTING, None)?;
            }
            Ok(())
        })
        .await
    }

    /// Resolves a profile into a connection, `region` overriding the profile's own. The
    /// connection of a read-only profile refuses every write before sending it.
    pub async fn connect(&self, name: &str, region: Option<&str>) -> Result<AwsConnection, Error> {
        let profile = self.get(name).await?;
        let read_only = profile.read_only;
        Ok(self.connect_to(profile, region).await?.with_read_only(read_only))
    }

    async fn connect_to(&self, profile: ProfileSummary, region: Option<&str>) -> Result<AwsConnection, Error> {
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

    /// One cheap signed call (STS GetCallerIdentity) that proves the credentials work.
    pub async fn test(&self, name: &str, region: Option<&str>) -> Result<CallerIdentity, Error> {
        let connection = self.connect(name, region).await?;
        connection.caller_identity().await
    }

    /// The profile the app opened last, if it still exists.
    pub async fn active_profile_name(&self) -> Result<Option<String>, Error> {
        run_blocking(&self.store, |store| store.setting(ACTIVE_PROFILE_SETTING)).await
    }

    pub async fn set_active_profile(&self, name: &str) -> Result<(), Error> {
        let name = name.to_string();
        run_blocking(&self.store, move |store| store.set_setting(ACTIVE_PROFILE_SETTING, Some(&name))).await
    }

    async fn app_profile_names(&self) -> Result<Vec<String>, Error> {
        let profiles = run_blocking(&self.store, |store| store.app_profiles()).await?;
        Ok(profiles.into_iter().map(|p| p.name).collect())
    }
}

/// What becomes of an app profile's old name (renamed or removed): a profile of the AWS
/// CLI's files that shows under it again keeps the name's read-only mark. When the files
/// cannot be read, the mark is kept: it is never dropped by doubt.
async fn old_name_after(name: &str) -> OldName {
    match cli_files::exists(name).await {
        Ok(false) => OldName::Gone,
        Ok(true) | Err(_) => OldName::StillListed,
    }
}

/// The profiles of the AWS CLI's files, as the profile list shows them (read-only marks
/// are in the store: [`Profiles::list`] adds them).
pub async fn aws_cli_profiles() -> Result<Vec<ProfileSummary>, Error> {
    Ok(cli_files::profiles()
        .await?
        .into_iter()
        .map(|profile| ProfileSummary {
            aws_cli_profile: Some(profile.name.clone()),
            name: profile.name,
            source: CredentialSource::AwsCli,
            region: profile.region,
            endpoint_url: profile.endpoint_url,
            key_id_hint: None,
            has_session_token: false,
            editable: false,
            read_only: false,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorCode, FieldError};

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
        let listed = serde_json::to_string(&profiles.app_profile("work").await.unwrap().unwrap()).unwrap();
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
        assert!(profiles.store.app_profiles().unwrap().is_empty());
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
        profiles.set_active_profile("work").await.unwrap();

        let mut edit = keyring_input("office", "", None);
        edit.region = "us-west-2".into();
        let edited = profiles.edit("work", edit).await.unwrap();

        assert_eq!(edited.region.as_deref(), Some("us-west-2"));
        assert_eq!(edited.key_id_hint.as_deref(), Some("…MPLE"));
        assert_eq!(profiles.keystore.load("office").await.unwrap().secret_access_key.expose(), SECRET);
        assert_eq!(profiles.keystore.load("work").await.unwrap_err().code(), ErrorCode::KeysMissing);
        assert_eq!(profiles.active_profile_name().await.unwrap().as_deref(), Some("office"));
    }

    #[tokio::test]
    async fn removing_a_profile_removes_its_keyring_entry() {
        let profiles =
            Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()));
        profiles.add(keyring_input("work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        profiles.remove("work").await.unwrap();
        assert!(profiles.app_profile("work").await.unwrap().is_none());
        assert_eq!(profiles.keystore.load("work").await.unwrap_err().code(), ErrorCode::KeysMissing);
    }

    fn profiles_in_memory() -> Profiles {
        Profiles::new(Store::in_memory().unwrap(), KeyStore::with_store(keyring_core::mock::Store::new().unwrap()))
    }

    #[tokio::test]
    async fn a_read_only_profile_connects_read_only_and_refuses_writes_by_name() {
        let profiles = profiles_in_memory();
        profiles.add(keyring_input("ldeck-ro-work", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        assert!(!profiles.connect("ldeck-ro-work", None).await.unwrap().is_read_only());

        let marked = profiles.set_read_only("ldeck-ro-work", true).await.unwrap();

        assert!(marked.read_only && marked.editable);
        assert!(profiles.list().await.unwrap().iter().any(|p| p.name == "ldeck-ro-work" && p.read_only));
        let connection = profiles.connect("ldeck-ro-work", Some("us-west-2")).await.unwrap();
        assert!(connection.is_read_only());
        let err = connection.check_writable().unwrap_err();
        assert_eq!(err.code(), ErrorCode::ReadOnly);
        assert!(err.to_string().starts_with("Profile \"ldeck-ro-work\" is read-only"), "{err}");
        // Reading is not affected.
        assert_eq!(connection.summary().region, "us-west-2");

        assert!(!profiles.set_read_only("ldeck-ro-work", false).await.unwrap().read_only);
        assert!(profiles.connect("ldeck-ro-work", None).await.unwrap().check_writable().is_ok());
    }

    #[tokio::test]
    async fn editing_keeps_the_mark_renaming_carries_it_and_removing_drops_it() {
        let profiles = profiles_in_memory();
        profiles.add(keyring_input("ldeck-ro-a", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        profiles.set_read_only("ldeck-ro-a", true).await.unwrap();

        let edited = profiles.edit("ldeck-ro-a", keyring_input("ldeck-ro-a", "", None)).await.unwrap();
        assert!(edited.read_only, "an edit keeps the mark");
        let renamed = profiles.edit("ldeck-ro-a", keyring_input("ldeck-ro-b", "", None)).await.unwrap();
        assert!(renamed.read_only, "the renamed profile is still read-only");
        assert!(profiles.connect("ldeck-ro-b", None).await.unwrap().is_read_only());
        assert!(!profiles.is_read_only("ldeck-ro-a").await.unwrap(), "the old name is free of it");

        profiles.remove("ldeck-ro-b").await.unwrap();
        assert!(!profiles.is_read_only("ldeck-ro-b").await.unwrap());
        // A new profile of the same name starts writable.
        let again = profiles.add(keyring_input("ldeck-ro-b", "AKIAIOSFODNN7EXAMPLE", Some(SECRET))).await.unwrap();
        assert!(!again.read_only);
    }

    #[tokio::test]
    async fn only_an_existing_profile_can_be_marked() {
        let profiles = profiles_in_memory();
        let err = profiles.set_read_only("ldeck-ro-no-such-profile", true).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Configuration);
        assert_eq!(err.to_string(), "There is no profile named \"ldeck-ro-no-such-profile\".");
        assert!(!profiles.is_read_only("ldeck-ro-no-such-profile").await.unwrap());
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
        assert!(profiles.app_profile("work").await.unwrap().is_none(), "no settings without keys");
    }
}
