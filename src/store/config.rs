//! Configuration drafts: an edit kept with the revision it started from, one per
//! function, until it is applied or discarded. Environment values (in what the edit
//! started from and in what it wants) are sealed like saved details' (sealing.rs);
//! without a key only their names are kept.

use rusqlite::{params, OptionalExtension};

use super::{store_error, Store};
use crate::config::{ConfigDraft, ConfigEdit, EnvVar};
use crate::scope::Scope;
use crate::{timestamps, Error};

impl Store {
    /// Keeps `edit` as the function's draft, replacing the previous one.
    pub fn save_config_draft(&self, scope: &Scope, edit: &ConfigEdit) -> Result<ConfigDraft, Error> {
        let sealer = self.sealing.sealer();
        let mut kept = edit.clone();
        for environment in [&mut kept.base.environment, &mut kept.desired.environment] {
            seal_values(environment, |name, value| sealer.seal(name, value));
        }
        let body = serde_json::to_string(&kept).map_err(|e| Error::Internal(format!("saving a draft: {e}")))?;
        let saved_at = timestamps::now();
        self.connection()
            .execute(
                "INSERT OR REPLACE INTO config_drafts (profile, region, function_name, body, saved_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![scope.profile, scope.region, edit.function_name, body, saved_at],
            )
            .map_err(|e| store_error(&e))?;
        Ok(ConfigDraft { edit: edit.clone(), saved_at, values_kept: sealer.has_key() })
    }

    /// The function's draft, values unsealed; `values_kept` is false when any could not be.
    pub fn config_draft(&self, scope: &Scope, function_name: &str) -> Result<Option<ConfigDraft>, Error> {
        let row: Option<(String, String)> = self
            .connection()
            .query_row(
                "SELECT body, saved_at FROM config_drafts WHERE profile = ?1 AND region = ?2 AND function_name = ?3",
                params![scope.profile, scope.region, function_name],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|e| store_error(&e))?;
        let Some((body, saved_at)) = row else { return Ok(None) };
        // A draft an older format wrote that no longer reads is treated as absent.
        let Ok(mut edit) = serde_json::from_str::<ConfigEdit>(&body) else { return Ok(None) };
        let sealer = self.sealing.sealer();
        let mut values_kept = true;
        for environment in [&mut edit.base.environment, &mut edit.desired.environment] {
            for variable in environment.iter_mut() {
                match sealer.unseal(&variable.name, &variable.value) {
                    Some(value) => variable.value = value,
                    None => {
                        values_kept = false;
                        variable.value.clear();
                    }
                }
            }
        }
        Ok(Some(ConfigDraft { edit, saved_at, values_kept }))
    }

    pub fn discard_config_draft(&self, scope: &Scope, function_name: &str) -> Result<(), Error> {
        self.connection()
            .execute(
                "DELETE FROM config_drafts WHERE profile = ?1 AND region = ?2 AND function_name = ?3",
                params![scope.profile, scope.region, function_name],
            )
            .map_err(|e| store_error(&e))?;
        Ok(())
    }
}

/// Replaces each value with its sealed form, or with nothing when it cannot be sealed.
fn seal_values(environment: &mut [EnvVar], seal: impl Fn(&str, &str) -> Option<String>) {
    for variable in environment {
        variable.value = seal(&variable.name, &variable.value).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EditableConfig, LoggingSettings};
    use crate::store::sealing::{DataKey, Sealer};

    fn edit(secret: &str) -> ConfigEdit {
        let base = EditableConfig {
            description: String::new(),
            handler: Some("app.handler".into()),
            runtime: Some("python3.12".into()),
            memory_mb: 128,
            timeout_seconds: 3,
            ephemeral_storage_mb: 512,
            environment: vec![EnvVar { name: "TOKEN".into(), value: "old".into() }],
            tracing_mode: "PassThrough".into(),
            logging: LoggingSettings {
                log_format: "Text".into(),
                application_log_level: None,
                system_log_level: None,
                log_group: "/aws/lambda/orders".into(),
            },
            tags: Vec::new(),
            reserved_concurrency: None,
        };
        let mut desired = base.clone();
        desired.memory_mb = 512;
        desired.environment[0].value = secret.into();
        ConfigEdit { function_name: "orders".into(), base_revision_id: Some("r1".into()), base, desired }
    }

    fn raw_bodies(store: &Store) -> String {
        let connection = store.connection();
        let mut statement = connection.prepare("SELECT body FROM config_drafts").unwrap();
        let bodies: Vec<String> = statement.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
        bodies.join("\n")
    }

    #[test]
    fn a_draft_comes_back_whole_with_its_values_sealed_at_rest() {
        let store = Store::in_memory().unwrap();
        store.set_sealer(Sealer::new(&DataKey::generate().unwrap()));
        let scope = Scope { profile: "p".into(), region: "us-east-1".into() };
        let saved = store.save_config_draft(&scope, &edit("planted-draft-9c1e")).unwrap();
        assert!(saved.values_kept);
        let loaded = store.config_draft(&scope, "orders").unwrap().unwrap();
        assert_eq!(loaded.edit, edit("planted-draft-9c1e"));
        assert!(loaded.values_kept);
        let raw = raw_bodies(&store);
        assert!(!raw.contains("planted-draft-9c1e") && !raw.contains("\"old\""), "{raw}");
        assert!(raw.contains("TOKEN") && raw.contains("\"r1\""), "names and revision stay readable");
        store.discard_config_draft(&scope, "orders").unwrap();
        assert_eq!(store.config_draft(&scope, "orders").unwrap(), None);
    }

    #[test]
    fn without_a_key_a_draft_keeps_names_only_and_says_so() {
        let store = Store::in_memory().unwrap();
        let scope = Scope { profile: "p".into(), region: "us-east-1".into() };
        let saved = store.save_config_draft(&scope, &edit("planted-draft-77aa")).unwrap();
        assert!(!saved.values_kept);
        assert!(!raw_bodies(&store).contains("planted-draft-77aa"));
        let loaded = store.config_draft(&scope, "orders").unwrap().unwrap();
        assert!(!loaded.values_kept);
        assert_eq!(loaded.edit.desired.environment, [EnvVar { name: "TOKEN".into(), value: String::new() }]);
        assert_eq!(loaded.edit.desired.memory_mb, 512);
    }
}
