//! The plain types of profiles: what crosses IPC and what the store keeps.

use serde::{Deserialize, Serialize};

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
    /// No change is sent with this profile (configuration, code, versions, aliases):
    /// its connections refuse every write before sending. Any profile may be marked,
    /// the AWS CLI's included.
    pub read_only: bool,
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
