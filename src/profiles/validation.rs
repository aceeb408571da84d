//! Checking a profile as typed into the form or `ldeck profile add`: every problem at
//! once, each named by its field, before anything is saved or sent.

use crate::aws::{cli_files, validate_endpoint_url};
use crate::secrets::{key_id_hint, Secret, StaticKeys};
use crate::{Error, FieldError};

use super::types::{CredentialSource, ProfileInput, ProfileSummary};

/// Regions a profile may name (the commercial, GovCloud and China partitions).
pub(crate) const KNOWN_REGIONS: &[&str] = &[
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

/// A profile that passed validation: its summary as it will be saved, and the keys to
/// put in the keyring (a new keyring profile, or an edit with new keys).
pub(super) struct Validated {
    pub(super) summary: ProfileSummary,
    pub(super) keys: Option<StaticKeys>,
}

/// Whether `region` is one a profile may name; the error says what to type instead.
pub fn check_region(region: &str) -> Result<(), String> {
    if KNOWN_REGIONS.contains(&region) {
        Ok(())
    } else {
        Err(format!("\"{region}\" is not an AWS region (e.g. eu-west-1)."))
    }
}

/// Every problem of the form at once, each on its field. `app_profile_names` are the
/// names already taken; `editing` is the profile being edited, if any.
pub(super) async fn validate(
    input: ProfileInput,
    editing: Option<&ProfileSummary>,
    app_profile_names: &[String],
) -> Result<Validated, Error> {
    let mut problems = Vec::new();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        problems.push(FieldError::new("name", "Enter a profile name."));
    } else if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || " ._-".contains(c)) {
        problems.push(FieldError::new("name", "Use up to 64 letters, digits, spaces, '.', '_' or '-'."));
    } else if editing.is_none_or(|e| e.name != name) && app_profile_names.contains(&name) {
        problems.push(FieldError::new("name", format!("A profile named \"{name}\" already exists.")));
    }
    let region = input.region.trim().to_string();
    if let Err(message) = check_region(&region) {
        problems.push(FieldError::new("region", message));
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
            let keeps_stored_keys =
                key_id.is_empty() && secret.is_none() && editing.is_some_and(|e| e.source == CredentialSource::Keyring);
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
                    Some(secret) if secret.expose().chars().any(char::is_whitespace) => problems.push(FieldError::new(
                        "secret_access_key",
                        "The secret access key cannot contain spaces or line breaks.",
                    )),
                    Some(secret) => {
                        keys =
                            Some(StaticKeys { access_key_id: key_id, secret_access_key: secret, session_token: token })
                    }
                }
            }
        }
        CredentialSource::AwsCli => {
            let profile = input.aws_cli_profile.unwrap_or_default().trim().to_string();
            if profile.is_empty() {
                problems.push(FieldError::new("aws_cli_profile", "Choose the AWS CLI profile to use."));
            } else if !cli_files::exists(&profile).await? {
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
        // The mark is kept by name in the store, and set only by `Profiles::set_read_only`.
        read_only: editing.is_some_and(|e| e.read_only),
    };
    Ok(Validated { summary, keys })
}
