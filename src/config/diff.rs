//! The diff shown before applying, and the three-way view of a conflict.
//!
//! Both work on one flat view of an [`EditableConfig`]: every setting is a field key
//! (`memory_mb`, `env:DB_URL`, `tag:team`, `logging.log_format`, …) with its value as text.
//! Environment variables and tags are keyed by name, so adding, changing and removing
//! one are each a single field.

use std::collections::{BTreeMap, BTreeSet};

use super::types::*;
use crate::functions::ConfigurationSection;
use crate::Error;

/// Lambda's defaults for settings a function's configuration may leave out.
const DEFAULT_MEMORY_MB: i32 = 128;
const DEFAULT_TIMEOUT_SECONDS: i32 = 3;
const DEFAULT_EPHEMERAL_STORAGE_MB: i32 = 512;

impl EditableConfig {
    /// The editable settings of a function as its details describe them.
    pub fn from_section(section: &ConfigurationSection) -> Self {
        let summary = &section.summary;
        let logging = section.logging.as_ref();
        let log_format = logging.and_then(|l| l.log_format.clone()).unwrap_or_else(|| "Text".to_string());
        let json = log_format == "JSON";
        EditableConfig {
            description: summary.description.clone().unwrap_or_default(),
            handler: summary.handler.clone(),
            runtime: summary.runtime.clone(),
            memory_mb: summary.memory_size.unwrap_or(DEFAULT_MEMORY_MB),
            timeout_seconds: summary.timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS),
            ephemeral_storage_mb: section.ephemeral_storage_mb.unwrap_or(DEFAULT_EPHEMERAL_STORAGE_MB),
            environment: section
                .environment
                .iter()
                .map(|v| EnvVar { name: v.name.clone(), value: v.value.clone() })
                .collect(),
            tracing_mode: section.tracing_mode.clone().unwrap_or_else(|| "PassThrough".to_string()),
            logging: LoggingSettings {
                // AWS reports levels with the Text format too, but they apply (and can be
                // sent) with JSON only.
                application_log_level: logging.and_then(|l| l.application_log_level.clone()).filter(|_| json),
                system_log_level: logging.and_then(|l| l.system_log_level.clone()).filter(|_| json),
                log_format,
                log_group: logging
                    .and_then(|l| l.log_group.clone())
                    .filter(|g| !g.is_empty())
                    .unwrap_or_else(|| format!("/aws/lambda/{}", summary.function_name)),
            },
            tags: section.tags.iter().map(|(key, value)| TagEntry { key: key.clone(), value: value.clone() }).collect(),
            reserved_concurrency: section.reserved_concurrency,
        }
    }
}

/// One setting in the flat view: its label, its value as text (`None`: not set) and
/// whether the value is secret (environment values).
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldValue {
    label: String,
    value: Option<String>,
    secret: bool,
}

/// Where each kind of field sorts in a diff: the settings in form order, then the
/// environment, tags and reserved concurrency.
fn field_rank(field: &str) -> (usize, &str) {
    const ORDER: [&str; 11] = [
        "description",
        "handler",
        "runtime",
        "memory_mb",
        "timeout_seconds",
        "ephemeral_storage_mb",
        "tracing_mode",
        "logging.log_format",
        "logging.application_log_level",
        "logging.system_log_level",
        "logging.log_group",
    ];
    if let Some(position) = ORDER.iter().position(|f| *f == field) {
        (position, "")
    } else if let Some(name) = field.strip_prefix("env:") {
        (ORDER.len(), name)
    } else if let Some(key) = field.strip_prefix("tag:") {
        (ORDER.len() + 1, key)
    } else {
        (ORDER.len() + 2, field)
    }
}

/// The flat view of a configuration. Blank environment and tag rows (still being typed)
/// are left out; of duplicate names the last wins (validation refuses duplicates anyway).
fn fields(config: &EditableConfig) -> BTreeMap<String, FieldValue> {
    let mut out = BTreeMap::new();
    let mut put = |field: &str, label: &str, value: Option<String>, secret: bool| {
        out.insert(field.to_string(), FieldValue { label: label.to_string(), value, secret });
    };
    put("description", "Description", Some(config.description.clone()).filter(|d| !d.is_empty()), false);
    put("handler", "Handler", config.handler.clone(), false);
    put("runtime", "Runtime", config.runtime.clone(), false);
    put("memory_mb", "Memory (MB)", Some(config.memory_mb.to_string()), false);
    put("timeout_seconds", "Timeout (s)", Some(config.timeout_seconds.to_string()), false);
    put("ephemeral_storage_mb", "Ephemeral storage (MB)", Some(config.ephemeral_storage_mb.to_string()), false);
    put("tracing_mode", "Tracing", Some(config.tracing_mode.clone()), false);
    put("logging.log_format", "Log format", Some(config.logging.log_format.clone()), false);
    put("logging.application_log_level", "Application log level", config.logging.application_log_level.clone(), false);
    put("logging.system_log_level", "System log level", config.logging.system_log_level.clone(), false);
    put("logging.log_group", "Log group", Some(config.logging.log_group.clone()), false);
    put("reserved_concurrency", "Reserved concurrency", config.reserved_concurrency.map(|n| n.to_string()), false);
    for var in config.environment.iter().filter(|v| !v.name.is_empty()) {
        put(&format!("env:{}", var.name), &format!("Environment variable {}", var.name), Some(var.value.clone()), true);
    }
    for tag in config.tags.iter().filter(|t| !t.key.is_empty()) {
        put(&format!("tag:{}", tag.key), &format!("Tag {}", tag.key), Some(tag.value.clone()), false);
    }
    out
}

fn sorted_keys<'a>(maps: &[&'a BTreeMap<String, FieldValue>]) -> Vec<&'a String> {
    let keys: BTreeSet<&String> = maps.iter().flat_map(|m| m.keys()).collect();
    let mut keys: Vec<&String> = keys.into_iter().collect();
    keys.sort_by(|a, b| field_rank(a).cmp(&field_rank(b)));
    keys
}

/// What changes from `old` to `new`, field by field, in form order.
pub fn diff(old: &EditableConfig, new: &EditableConfig) -> Vec<FieldChange> {
    let (old_fields, new_fields) = (fields(old), fields(new));
    sorted_keys(&[&old_fields, &new_fields])
        .into_iter()
        .filter_map(|key| {
            let (before, after) = (old_fields.get(key), new_fields.get(key));
            let (old_value, new_value) = (before.and_then(|f| f.value.clone()), after.and_then(|f| f.value.clone()));
            if old_value == new_value {
                return None;
            }
            let shown = after.or(before)?;
            Some(FieldChange {
                field: key.clone(),
                label: shown.label.clone(),
                old: old_value,
                new: new_value,
                secret: shown.secret,
            })
        })
        .collect()
}

/// The fields someone else changed since `base` (what `current` has that `base` had not).
pub fn changed_elsewhere(base: &EditableConfig, current: &EditableConfig) -> Vec<String> {
    diff(base, current).into_iter().map(|c| c.field).collect()
}

/// The three columns of a conflict: every field where what the user started from, what
/// is there now and what they want are not all the same — except fields both sides
/// changed to the same value.
pub fn conflict(
    function_name: &str,
    base: &EditableConfig,
    current: &EditableConfig,
    desired: &EditableConfig,
    current_revision_id: Option<String>,
) -> ConfigConflict {
    let (base_fields, current_fields, desired_fields) = (fields(base), fields(current), fields(desired));
    let value = |map: &BTreeMap<String, FieldValue>, key: &str| map.get(key).and_then(|f| f.value.clone());
    let fields = sorted_keys(&[&base_fields, &current_fields, &desired_fields])
        .into_iter()
        .filter_map(|key| {
            let (b, c, d) = (value(&base_fields, key), value(&current_fields, key), value(&desired_fields, key));
            let (theirs_changed, mine_changed) = (c != b, d != b);
            if c == d {
                return None;
            }
            let shown = desired_fields.get(key).or(current_fields.get(key)).or(base_fields.get(key))?;
            Some(ConflictField {
                field: key.clone(),
                label: shown.label.clone(),
                base: b,
                current: c,
                desired: d,
                secret: shown.secret,
                both_changed: theirs_changed && mine_changed,
                suggested: if mine_changed { Side::Mine } else { Side::Theirs },
            })
        })
        .collect();
    ConfigConflict {
        function_name: function_name.to_string(),
        base: base.clone(),
        current: current.clone(),
        desired: desired.clone(),
        current_revision_id,
        fields,
    }
}

/// The edit a conflict resolves to: `current` with the user's value for every field
/// they chose `Mine` for (fields not named keep their suggested side), applied against
/// the current revision.
pub fn resolve(conflict: &ConfigConflict, choices: &BTreeMap<String, Side>) -> Result<ConfigEdit, Error> {
    let mut resolved = conflict.current.clone();
    for field in &conflict.fields {
        let side = choices.get(&field.field).copied().unwrap_or(field.suggested);
        if side == Side::Mine {
            set_field(&mut resolved, &field.field, field.desired.clone())?;
        }
    }
    Ok(ConfigEdit {
        function_name: conflict.function_name.clone(),
        base_revision_id: conflict.current_revision_id.clone(),
        base: conflict.current.clone(),
        desired: resolved,
    })
}

/// Sets one field of the flat view on `config` (`None`: remove or unset).
fn set_field(config: &mut EditableConfig, field: &str, value: Option<String>) -> Result<(), Error> {
    let number = |value: &Option<String>| -> Result<i32, Error> {
        value
            .as_deref()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::Internal(format!("{field}: {value:?} is not a number")))
    };
    match field {
        "description" => config.description = value.unwrap_or_default(),
        "handler" => config.handler = value,
        "runtime" => config.runtime = value,
        "memory_mb" => config.memory_mb = number(&value)?,
        "timeout_seconds" => config.timeout_seconds = number(&value)?,
        "ephemeral_storage_mb" => config.ephemeral_storage_mb = number(&value)?,
        "tracing_mode" => config.tracing_mode = value.unwrap_or_default(),
        "logging.log_format" => config.logging.log_format = value.unwrap_or_default(),
        "logging.application_log_level" => config.logging.application_log_level = value,
        "logging.system_log_level" => config.logging.system_log_level = value,
        "logging.log_group" => config.logging.log_group = value.unwrap_or_default(),
        "reserved_concurrency" => {
            config.reserved_concurrency = if value.is_some() { Some(number(&value)?) } else { None }
        }
        _ => {
            if let Some(name) = field.strip_prefix("env:") {
                config.environment.retain(|v| v.name != name);
                if let Some(value) = value {
                    config.environment.push(EnvVar { name: name.to_string(), value });
                }
            } else if let Some(key) = field.strip_prefix("tag:") {
                config.tags.retain(|t| t.key != key);
                if let Some(value) = value {
                    config.tags.push(TagEntry { key: key.to_string(), value });
                }
            } else {
                return Err(Error::Internal(format!("unknown configuration field {field}")));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> EditableConfig {
        EditableConfig {
            description: "Orders API".into(),
            handler: Some("app.handler".into()),
            runtime: Some("python3.12".into()),
            memory_mb: 256,
            timeout_seconds: 10,
            ephemeral_storage_mb: 512,
            environment: vec![
                EnvVar { name: "DB_URL".into(), value: "postgres://db".into() },
                EnvVar { name: "STAGE".into(), value: "dev".into() },
            ],
            tracing_mode: "PassThrough".into(),
            logging: LoggingSettings {
                log_format: "Text".into(),
                application_log_level: None,
                system_log_level: None,
                log_group: "/aws/lambda/orders".into(),
            },
            tags: vec![TagEntry { key: "team".into(), value: "orders".into() }],
            reserved_concurrency: None,
        }
    }

    /// One field's value in the flat view (`None`: not set).
    pub(crate) fn field_value(config: &EditableConfig, field: &str) -> Option<String> {
        fields(config).get(field).and_then(|f| f.value.clone())
    }

    fn section(logging: Option<crate::functions::LoggingInfo>) -> ConfigurationSection {
        let summary: crate::functions::FunctionSummary = serde_json::from_value(serde_json::json!({
            "function_name": "orders", "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:orders",
            "runtime": "python3.12", "memory_size": null, "timeout": null, "last_modified": null,
            "description": null, "handler": "app.handler", "package_type": "Zip", "architectures": [],
            "state": null, "last_update_status": null, "tags": null
        }))
        .unwrap();
        ConfigurationSection {
            fetched_at: "2026-11-28T10:00:00Z".into(),
            summary,
            role: None,
            code_size: 0.0,
            code_sha256: None,
            version: None,
            revision_id: Some("rev-1".into()),
            ephemeral_storage_mb: None,
            environment: Vec::new(),
            environment_error: None,
            layers: Vec::new(),
            vpc: None,
            state_reason: None,
            last_update_status_reason: None,
            logging,
            tracing_mode: None,
            dead_letter_target: None,
            kms_key_arn: None,
            tags: Default::default(),
            reserved_concurrency: None,
        }
    }

    #[test]
    fn a_configuration_that_leaves_settings_out_takes_lambdas_defaults() {
        let config = EditableConfig::from_section(&section(None));
        assert_eq!((config.memory_mb, config.timeout_seconds, config.ephemeral_storage_mb), (128, 3, 512));
        assert_eq!((config.description.as_str(), config.tracing_mode.as_str()), ("", "PassThrough"));
        assert_eq!(
            config.logging,
            LoggingSettings {
                log_format: "Text".into(),
                application_log_level: None,
                system_log_level: None,
                log_group: "/aws/lambda/orders".into()
            }
        );
        assert!(config.environment.is_empty() && config.tags.is_empty() && config.reserved_concurrency.is_none());
    }

    #[test]
    fn log_levels_are_kept_with_json_only_and_an_empty_log_group_means_the_default() {
        let logging = |format: &str, group: &str| {
            Some(crate::functions::LoggingInfo {
                log_format: Some(format.into()),
                log_group: Some(group.into()),
                application_log_level: Some("DEBUG".into()),
                system_log_level: Some("WARN".into()),
            })
        };
        let text = EditableConfig::from_section(&section(logging("Text", ""))).logging;
        assert_eq!((text.application_log_level, text.system_log_level), (None, None));
        assert_eq!(text.log_group, "/aws/lambda/orders");
        let json = EditableConfig::from_section(&section(logging("JSON", "/custom"))).logging;
        assert_eq!(
            (json.application_log_level.as_deref(), json.system_log_level.as_deref()),
            (Some("DEBUG"), Some("WARN"))
        );
        assert_eq!(json.log_group, "/custom");
    }

    #[test]
    fn the_environment_keeps_its_order_and_tags_come_in_key_order() {
        let mut saved = section(None);
        saved.environment = vec![
            crate::functions::EnvironmentVariable { name: "Z_LAST".into(), value: "1".into() },
            crate::functions::EnvironmentVariable { name: "A_FIRST".into(), value: "2".into() },
        ];
        saved.tags = [("team", "pay"), ("2024", "year"), ("Env", "prod")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = EditableConfig::from_section(&saved);
        let names: Vec<&str> = config.environment.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Z_LAST", "A_FIRST"]);
        let keys: Vec<&str> = config.tags.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["2024", "Env", "team"]);
    }

    #[test]
    fn an_unchanged_config_has_no_diff() {
        assert!(diff(&sample(), &sample()).is_empty());
    }

    #[test]
    fn the_diff_names_each_change_in_form_order_with_env_values_secret() {
        let mut new = sample();
        new.memory_mb = 512;
        new.environment[0].value = "postgres://other".into();
        new.environment.push(EnvVar { name: "NEW".into(), value: "1".into() });
        new.environment.retain(|v| v.name != "STAGE");
        new.tags.clear();
        new.reserved_concurrency = Some(5);
        new.description.clear();
        let changes = diff(&sample(), &new);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            ["description", "memory_mb", "env:DB_URL", "env:NEW", "env:STAGE", "tag:team", "reserved_concurrency"]
        );
        assert_eq!(changes[0].new, None, "an emptied description is shown as not set");
        assert_eq!((changes[1].old.as_deref(), changes[1].new.as_deref()), (Some("256"), Some("512")));
        assert!(changes[2].secret && !changes[1].secret && !changes[5].secret);
        assert_eq!((changes[4].old.as_deref(), changes[4].new.as_deref()), (Some("dev"), None));
        assert_eq!(changes[3].label, "Environment variable NEW");
    }

    #[test]
    fn blank_rows_being_typed_are_not_changes() {
        let mut new = sample();
        new.environment.push(EnvVar { name: String::new(), value: String::new() });
        new.tags.push(TagEntry { key: String::new(), value: String::new() });
        assert!(diff(&sample(), &new).is_empty());
    }

    #[test]
    fn a_conflict_marks_fields_both_changed_and_suggests_the_side_that_changed() {
        let base = sample();
        let mut current = sample();
        current.memory_mb = 1024; // theirs only
        current.timeout_seconds = 30; // both, differently
        let mut desired = sample();
        desired.timeout_seconds = 60;
        desired.environment[1].value = "prod".into(); // mine only
        let conflict = conflict("orders", &base, &current, &desired, Some("r2".into()));
        let by_field: BTreeMap<&str, &ConflictField> = conflict.fields.iter().map(|f| (f.field.as_str(), f)).collect();
        assert_eq!(by_field.len(), 3, "{:?}", conflict.fields);
        assert!(!by_field["memory_mb"].both_changed);
        assert_eq!(by_field["memory_mb"].suggested, Side::Theirs);
        assert!(by_field["timeout_seconds"].both_changed);
        assert_eq!(by_field["timeout_seconds"].suggested, Side::Mine);
        assert_eq!(by_field["env:STAGE"].suggested, Side::Mine);
        assert_eq!(by_field["timeout_seconds"].current.as_deref(), Some("30"));
    }

    #[test]
    fn resolving_keeps_their_changes_and_applies_the_chosen_ones_against_the_new_revision() {
        let base = sample();
        let mut current = sample();
        current.memory_mb = 1024;
        current.timeout_seconds = 30;
        current.tags.push(TagEntry { key: "cost".into(), value: "a".into() });
        let mut desired = sample();
        desired.timeout_seconds = 60;
        desired.environment.retain(|v| v.name != "DB_URL");
        let conflict = conflict("orders", &base, &current, &desired, Some("r2".into()));
        let choices = BTreeMap::from([("timeout_seconds".to_string(), Side::Theirs)]);
        let edit = resolve(&conflict, &choices).unwrap();
        assert_eq!(edit.base_revision_id.as_deref(), Some("r2"));
        assert_eq!(edit.base, current);
        assert_eq!(edit.desired.memory_mb, 1024, "their change kept");
        assert_eq!(edit.desired.timeout_seconds, 30, "their side chosen");
        assert!(edit.desired.environment.iter().all(|v| v.name != "DB_URL"), "my removal kept");
        assert!(edit.desired.tags.iter().any(|t| t.key == "cost"), "their tag kept");
        let remaining: Vec<String> = diff(&edit.base, &edit.desired).into_iter().map(|c| c.field).collect();
        assert_eq!(remaining, ["env:DB_URL"]);
    }
}
