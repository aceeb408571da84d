//! The app's own profiles (name, region, endpoint, credential source, key id hint). The
//! keys themselves are in the keyring, never here.
//!
//! A profile's read-only mark is a setting keyed by the profile's name
//! (`profile.read_only.<name>`), so that profiles of the AWS CLI's files, which have no row
//! here, can be marked too.

use rusqlite::OptionalExtension;

use super::{store_error, Store};
use crate::profiles::types::{CredentialSource, ProfileSummary};
use crate::Error;

const PROFILE_COLUMNS: &str = "name, region, endpoint_url, source, aws_cli_profile, key_id_hint, has_session_token";

/// The settings key of a profile's read-only mark: present (value "1") when read-only.
const READ_ONLY_PREFIX: &str = "profile.read_only.";

/// The app's profiles with their read-only marks (`profiles` aliased as `p`).
fn select_profiles(condition: &str) -> String {
    format!(
        "SELECT {PROFILE_COLUMNS}, EXISTS (SELECT 1 FROM settings WHERE key = '{READ_ONLY_PREFIX}' || p.name) \
         FROM profiles AS p {condition}"
    )
}

fn read_only_key(name: &str) -> String {
    format!("{READ_ONLY_PREFIX}{name}")
}

/// What becomes of a profile's old name when it is renamed or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldName {
    /// Nothing else has the name: its read-only mark goes.
    Gone,
    /// An AWS CLI profile of the same name shows again: it keeps the name's mark, so
    /// removing or renaming the app profile never unlocks a profile that was locked.
    StillListed,
}

impl Store {
    /// The app's profiles, by name.
    pub fn app_profiles(&self) -> Result<Vec<ProfileSummary>, Error> {
        let connection = self.connection();
        let mut statement = connection.prepare(&select_profiles("ORDER BY p.name")).map_err(|e| store_error(&e))?;
        let rows = statement.query_map([], row_to_summary).map_err(|e| store_error(&e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| store_error(&e))
    }

    /// An app profile by name.
    pub fn app_profile(&self, name: &str) -> Result<Option<ProfileSummary>, Error> {
        self.connection()
            .query_row(&select_profiles("WHERE p.name = ?1"), [name], row_to_summary)
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// Inserts a profile or, when `replacing` names a row, replaces it — in one transaction.
    /// The read-only mark is not taken from `profile` (see [`set_profile_read_only`]): a
    /// renamed profile carries its mark to the new name, and `old_name` says whether the
    /// old name keeps it too.
    ///
    /// [`set_profile_read_only`]: Store::set_profile_read_only
    pub fn write_app_profile(
        &self,
        profile: &ProfileSummary,
        replacing: Option<&str>,
        old_name: OldName,
    ) -> Result<(), Error> {
        self.in_transaction(|tx| {
            if let Some(old) = replacing {
                tx.execute("DELETE FROM profiles WHERE name = ?1", [old])?;
                if old != profile.name {
                    tx.execute(
                        "INSERT INTO settings (key, value) SELECT ?2, value FROM settings WHERE key = ?1 \
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        [read_only_key(old), read_only_key(&profile.name)],
                    )?;
                    if old_name == OldName::Gone {
                        tx.execute("DELETE FROM settings WHERE key = ?1", [read_only_key(old)])?;
                    }
                }
            }
            tx.execute(
                &format!("INSERT INTO profiles ({PROFILE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                rusqlite::params![
                    profile.name,
                    profile.region,
                    profile.endpoint_url,
                    source_name(profile.source),
                    profile.aws_cli_profile,
                    profile.key_id_hint,
                    profile.has_session_token,
                ],
            )?;
            Ok(())
        })
    }

    /// Deletes an app profile and, unless the name is `StillListed`, its read-only mark.
    pub fn delete_app_profile(&self, name: &str, old_name: OldName) -> Result<(), Error> {
        self.in_transaction(|tx| {
            tx.execute("DELETE FROM profiles WHERE name = ?1", [name])?;
            if old_name == OldName::Gone {
                tx.execute("DELETE FROM settings WHERE key = ?1", [read_only_key(name)])?;
            }
            Ok(())
        })
    }

    /// Whether the profile `name` (the app's or the AWS CLI's) is marked read-only.
    pub fn profile_read_only(&self, name: &str) -> Result<bool, Error> {
        Ok(self.setting(&read_only_key(name))?.is_some())
    }

    /// Marks the profile `name` read-only, or clears the mark.
    pub fn set_profile_read_only(&self, name: &str, read_only: bool) -> Result<(), Error> {
        self.set_setting(&read_only_key(name), read_only.then_some("1"))
    }

    /// The names of every profile marked read-only, sorted.
    pub fn read_only_profile_names(&self) -> Result<Vec<String>, Error> {
        let connection = self.connection();
        let mut statement = connection
            .prepare("SELECT substr(key, ?2) FROM settings WHERE substr(key, 1, ?1) = ?3 ORDER BY key")
            .map_err(|e| store_error(&e))?;
        let prefix_len = READ_ONLY_PREFIX.len() as i64;
        let rows = statement
            .query_map(rusqlite::params![prefix_len, prefix_len + 1, READ_ONLY_PREFIX], |row| row.get(0))
            .map_err(|e| store_error(&e))?;
        rows.collect::<Result<Vec<String>, _>>().map_err(|e| store_error(&e))
    }
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
        read_only: row.get(7)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> ProfileSummary {
        ProfileSummary {
            name: name.into(),
            source: CredentialSource::Environment,
            aws_cli_profile: None,
            region: Some("eu-west-1".into()),
            endpoint_url: None,
            key_id_hint: None,
            has_session_token: false,
            editable: true,
            read_only: false,
        }
    }

    #[test]
    fn the_read_only_mark_is_kept_by_name_and_read_with_the_profile() {
        let store = Store::in_memory().unwrap();
        store.write_app_profile(&profile("work"), None, OldName::Gone).unwrap();
        assert!(!store.app_profile("work").unwrap().unwrap().read_only);

        store.set_profile_read_only("work", true).unwrap();
        // A profile of the AWS CLI's files has no row here, and is marked all the same.
        store.set_profile_read_only("cli-prod", true).unwrap();

        assert!(store.app_profile("work").unwrap().unwrap().read_only);
        assert!(store.app_profiles().unwrap()[0].read_only);
        assert!(store.profile_read_only("cli-prod").unwrap());
        assert_eq!(store.read_only_profile_names().unwrap(), ["cli-prod", "work"]);
        store.set_profile_read_only("work", false).unwrap();
        assert!(!store.profile_read_only("work").unwrap());
        assert_eq!(store.read_only_profile_names().unwrap(), ["cli-prod"]);
    }

    #[test]
    fn renaming_carries_the_mark_and_removing_drops_it() {
        let store = Store::in_memory().unwrap();
        store.write_app_profile(&profile("work"), None, OldName::Gone).unwrap();
        store.set_profile_read_only("work", true).unwrap();

        store.write_app_profile(&profile("office"), Some("work"), OldName::Gone).unwrap();

        assert!(store.app_profile("office").unwrap().unwrap().read_only);
        assert!(!store.profile_read_only("work").unwrap(), "the old name is free of it");
        store.delete_app_profile("office", OldName::Gone).unwrap();
        assert!(store.read_only_profile_names().unwrap().is_empty());
    }

    #[test]
    fn an_aws_cli_profile_shown_again_keeps_the_mark_of_its_name() {
        let store = Store::in_memory().unwrap();
        store.write_app_profile(&profile("dev"), None, OldName::Gone).unwrap();
        store.set_profile_read_only("dev", true).unwrap();

        store.write_app_profile(&profile("dev2"), Some("dev"), OldName::StillListed).unwrap();
        assert_eq!(store.read_only_profile_names().unwrap(), ["dev", "dev2"]);
        store.write_app_profile(&profile("dev"), None, OldName::Gone).unwrap();
        store.delete_app_profile("dev", OldName::StillListed).unwrap();
        assert_eq!(store.read_only_profile_names().unwrap(), ["dev", "dev2"]);
        store.delete_app_profile("dev2", OldName::Gone).unwrap();
        assert_eq!(store.read_only_profile_names().unwrap(), ["dev"]);
    }

    #[test]
    fn names_with_like_wildcards_are_matched_exactly() {
        let store = Store::in_memory().unwrap();
        store.set_setting("profile.read_onlyXwork", Some("1")).unwrap();
        store.set_profile_read_only("a_b%c", true).unwrap();
        assert_eq!(store.read_only_profile_names().unwrap(), ["a_b%c"]);
        assert!(!store.profile_read_only("aXb%c").unwrap());
    }
}
