//! The app's own profiles (name, region, endpoint, credential source, key id hint). The
//! keys themselves are in the keyring, never here.

use rusqlite::OptionalExtension;

use super::{store_error, Store};
use crate::profiles::types::{CredentialSource, ProfileSummary};
use crate::Error;

const PROFILE_COLUMNS: &str = "name, region, endpoint_url, source, aws_cli_profile, key_id_hint, has_session_token";

impl Store {
    /// The app's profiles, by name.
    pub fn app_profiles(&self) -> Result<Vec<ProfileSummary>, Error> {
        let connection = self.connection();
        let mut statement = connection
            .prepare(&format!("SELECT {PROFILE_COLUMNS} FROM profiles ORDER BY name"))
            .map_err(|e| store_error(&e))?;
        let rows = statement.query_map([], row_to_summary).map_err(|e| store_error(&e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| store_error(&e))
    }

    /// An app profile by name.
    pub fn app_profile(&self, name: &str) -> Result<Option<ProfileSummary>, Error> {
        self.connection()
            .query_row(&format!("SELECT {PROFILE_COLUMNS} FROM profiles WHERE name = ?1"), [name], row_to_summary)
            .optional()
            .map_err(|e| store_error(&e))
    }

    /// Inserts a profile or, when `replacing` names a row, replaces it — in one transaction.
    pub fn write_app_profile(&self, profile: &ProfileSummary, replacing: Option<&str>) -> Result<(), Error> {
        let mut connection = self.connection();
        let tx = connection.transaction().map_err(|e| store_error(&e))?;
        if let Some(old) = replacing {
            tx.execute("DELETE FROM profiles WHERE name = ?1", [old]).map_err(|e| store_error(&e))?;
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
        )
        .map_err(|e| store_error(&e))?;
        tx.commit().map_err(|e| store_error(&e))
    }

    pub fn delete_app_profile(&self, name: &str) -> Result<(), Error> {
        self.connection().execute("DELETE FROM profiles WHERE name = ?1", [name]).map_err(|e| store_error(&e))?;
        Ok(())
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
    })
}
