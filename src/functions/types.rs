//! The plain types of functions: a list row, and a function's details section by
//! section. They cross IPC and are what the store keeps (store/functions.rs).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ErrorPayload;

/// One row of the function list. Values are as AWS returns them (`last_modified` is
/// Lambda's ISO-8601 string, `memory_size` in MB, `timeout` in seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionSummary {
    pub function_name: String,
    pub function_arn: String,
    /// `None` for container-image functions, which have no runtime.
    pub runtime: Option<String>,
    pub memory_size: Option<i32>,
    pub timeout: Option<i32>,
    pub last_modified: Option<String>,
    pub description: Option<String>,
    pub handler: Option<String>,
    pub package_type: Option<String>,
    pub architectures: Vec<String>,
    /// Pending, Active, Inactive, Failed. Real AWS leaves it out of ListFunctions, so it
    /// is often known only once the function's details were fetched.
    pub state: Option<String>,
    /// InProgress, Successful, Failed (same caveat as `state`).
    pub last_update_status: Option<String>,
    /// The function's tags, known once its details were fetched (ListFunctions has no
    /// tags); `None` until then.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Everything known about one function, each section with the time it was fetched.
/// A section is `None` until it was fetched once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionDetails {
    pub function_name: String,
    pub configuration: Option<ConfigurationSection>,
    pub aliases: Option<AliasesSection>,
    pub versions: Option<VersionsSection>,
    pub event_source_mappings: Option<EventSourceMappingsSection>,
    /// Sections that could not be refreshed this time (their saved copy, if any, is shown).
    pub refresh_errors: Vec<SectionError>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SectionError {
    pub section: String,
    pub error: ErrorPayload,
}

/// GetFunction: the configuration, tags and reserved concurrency (one call, one age).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConfigurationSection {
    pub fetched_at: String,
    pub summary: FunctionSummary,
    pub role: Option<String>,
    /// Bytes (an f64: JavaScript has no 64-bit integers).
    pub code_size: f64,
    pub code_sha256: Option<String>,
    pub version: Option<String>,
    pub revision_id: Option<String>,
    pub ephemeral_storage_mb: Option<i32>,
    pub environment: Vec<EnvironmentVariable>,
    /// Set when Lambda could not decrypt the environment.
    pub environment_error: Option<String>,
    pub layers: Vec<LayerInfo>,
    pub vpc: Option<VpcInfo>,
    pub state_reason: Option<String>,
    pub last_update_status_reason: Option<String>,
    pub logging: Option<LoggingInfo>,
    pub tracing_mode: Option<String>,
    pub dead_letter_target: Option<String>,
    pub kms_key_arn: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// `None`: no reservation (the function uses the account's unreserved pool).
    pub reserved_concurrency: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EnvironmentVariable {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LayerInfo {
    pub arn: String,
    pub code_size: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VpcInfo {
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoggingInfo {
    pub log_format: Option<String>,
    pub log_group: Option<String>,
    pub application_log_level: Option<String>,
    pub system_log_level: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AliasesSection {
    pub fetched_at: String,
    pub aliases: Vec<AliasInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AliasInfo {
    pub name: String,
    pub function_version: Option<String>,
    pub description: Option<String>,
    /// Extra versions and the share of traffic (0–1) each receives; the rest goes to
    /// `function_version`.
    pub additional_version_weights: Vec<VersionWeight>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionWeight {
    pub version: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionsSection {
    pub fetched_at: String,
    pub versions: Vec<VersionInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VersionInfo {
    pub version: String,
    pub description: Option<String>,
    pub last_modified: Option<String>,
    pub runtime: Option<String>,
    pub code_sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventSourceMappingsSection {
    pub fetched_at: String,
    pub mappings: Vec<EventSourceMappingInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EventSourceMappingInfo {
    pub uuid: String,
    pub event_source_arn: Option<String>,
    pub state: Option<String>,
    pub batch_size: Option<i32>,
    pub last_modified: Option<String>,
    pub last_processing_result: Option<String>,
}
