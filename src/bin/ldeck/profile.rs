//! `ldeck profile …`: the app's profiles (keys in the OS keyring) and the AWS CLI's.

use clap::Subcommand;
use lambda_deck::profiles::{CredentialSource, ProfileInput, ProfileSummary, Profiles};
use lambda_deck::session::SessionChoice;
use lambda_deck::Error;

use crate::render::{self, write_stdout};
use crate::with_option_names;

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the app's profiles and the AWS CLI's; read-only ones are marked. Nothing
    /// secret is printed.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a profile. With --access-key-id the secret access key is read from standard
    /// input (a hidden prompt on a terminal), never from the command line; a second line
    /// of input, if any, is the session token.
    /// The profile's region and endpoint are the global --region and --endpoint-url.
    Add {
        name: String,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Change a profile's name, region (--region), endpoint URL (--endpoint-url) or keys
    /// (new keys are read as for `add`), or mark it read-only. Profiles of the AWS CLI's
    /// files can only be marked read-only or read-write here: edit the rest with the AWS CLI.
    Edit {
        name: String,
        #[arg(long)]
        rename: Option<String>,
        /// Remove the custom endpoint URL.
        #[arg(long)]
        no_endpoint_url: bool,
        /// New keys: give the key id; the secret is read from standard input.
        #[arg(long)]
        access_key_id: Option<String>,
        /// Send no changes with this profile: configuration, code, versions and aliases
        /// are locked (reading, invoking and logs still work).
        #[arg(long, conflicts_with = "read_write")]
        read_only: bool,
        /// Clear --read-only: changes may be sent with this profile again.
        #[arg(long)]
        read_write: bool,
    },
    /// Make one signed call (STS GetCallerIdentity) and report the account.
    Test { name: String },
    /// Remove an app profile and its keyring entry.
    Remove { name: String },
}

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct SourceArgs {
    /// Keys typed in, kept in the OS keyring.
    #[arg(long)]
    access_key_id: Option<String>,
    /// Use this profile of ~/.aws/config (SSO, assume-role, … resolved as the AWS CLI does).
    #[arg(long)]
    aws_cli_profile: Option<String>,
    /// Use the AWS_* environment variables and the default credential chain.
    #[arg(long)]
    from_environment: bool,
}

/// `choice` carries the global --region and --endpoint-url, which `add` and `edit` store
/// in the profile.
pub async fn run(command: ProfileCommand, profiles: &Profiles, choice: SessionChoice) -> Result<(), Error> {
    match command {
        ProfileCommand::List { json } => {
            let list = profiles.list().await?;
            let output = if json { render::json(&list)? } else { render::profile_table(&with_read_only_marks(list)) };
            write_stdout(&output)
        }
        ProfileCommand::Add { name, source } => {
            let (source_kind, keys) = match (&source.access_key_id, &source.aws_cli_profile) {
                (Some(_), _) => (CredentialSource::Keyring, Some(read_secret_and_token()?)),
                (None, Some(_)) => (CredentialSource::AwsCli, None),
                (None, None) => (CredentialSource::Environment, None),
            };
            let (secret_access_key, session_token) = keys.unzip();
            let input = ProfileInput {
                name,
                region: choice.region.unwrap_or_default(),
                endpoint_url: choice.endpoint_url,
                source: source_kind,
                aws_cli_profile: source.aws_cli_profile,
                access_key_id: source.access_key_id,
                secret_access_key,
                session_token: session_token.flatten(),
            };
            let added = profiles.add(input).await.map_err(with_option_names)?;
            write_stdout(&format!("Added profile \"{}\" ({}).\n", added.name, render::describe_source(&added)))
        }
        ProfileCommand::Edit { name, rename, no_endpoint_url, access_key_id, read_only, read_write } => {
            let mark = (read_only || read_write).then_some(read_only);
            let other_edits = rename.is_some()
                || no_endpoint_url
                || access_key_id.is_some()
                || choice.region.is_some()
                || choice.endpoint_url.is_some();
            let mut name = name;
            // Only the mark: AWS CLI profiles can have it too, and nothing else is saved.
            if other_edits || mark.is_none() {
                let edited = edit_settings(profiles, &name, rename, no_endpoint_url, access_key_id, choice).await?;
                let source = render::describe_source(&edited);
                write_stdout(&format!("Updated profile \"{}\" ({source}).\n", edited.name))?;
                name = edited.name;
            }
            match mark {
                Some(true) => {
                    profiles.set_read_only(&name, true).await?;
                    write_stdout(&format!("Profile \"{name}\" is read-only: no changes are sent with it.\n"))
                }
                Some(false) => {
                    profiles.set_read_only(&name, false).await?;
                    write_stdout(&format!("Profile \"{name}\" is read-write: changes may be sent with it.\n"))
                }
                None => Ok(()),
            }
        }
        ProfileCommand::Test { name } => {
            let result = profiles.test(&name, None).await?;
            write_stdout(&format!("OK: account {} in {} as {}\n", result.account, result.region, result.arn))
        }
        ProfileCommand::Remove { name } => {
            profiles.remove(&name).await?;
            write_stdout(&format!("Removed profile \"{name}\" and its keyring entry.\n"))
        }
    }
}

/// Saves an app profile's new name, region, endpoint URL or keys.
async fn edit_settings(
    profiles: &Profiles,
    name: &str,
    rename: Option<String>,
    no_endpoint_url: bool,
    access_key_id: Option<String>,
    choice: SessionChoice,
) -> Result<ProfileSummary, Error> {
    let Some(existing) = profiles.app_profile(name).await? else {
        return Err(Error::Configuration(format!("There is no app profile named \"{name}\" to edit.")));
    };
    let (secret_access_key, session_token) = match &access_key_id {
        Some(_) => {
            let (secret, token) = read_secret_and_token()?;
            (Some(secret), token)
        }
        None => (None, None),
    };
    let input = ProfileInput {
        name: rename.unwrap_or_else(|| existing.name.clone()),
        region: choice.region.or(existing.region.clone()).unwrap_or_default(),
        endpoint_url: if no_endpoint_url { None } else { choice.endpoint_url.or(existing.endpoint_url.clone()) },
        source: existing.source,
        aws_cli_profile: existing.aws_cli_profile.clone(),
        // No key id and no secret: the stored keys stay.
        access_key_id,
        secret_access_key,
        session_token,
    };
    profiles.edit(name, input).await.map_err(with_option_names)
}

/// The list as the table shows it: a read-only profile's name is marked.
fn with_read_only_marks(profiles: Vec<ProfileSummary>) -> Vec<ProfileSummary> {
    profiles
        .into_iter()
        .map(|p| if p.read_only { ProfileSummary { name: format!("{} (read-only)", p.name), ..p } } else { p })
        .collect()
}

/// The secret access key (and optional session token) from standard input: a hidden
/// prompt on a terminal, else the first two lines. Never from the command line.
fn read_secret_and_token() -> Result<(String, Option<String>), Error> {
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let secret = rpassword::prompt_password("Secret access key: ")
            .map_err(|e| Error::InvalidInput(format!("Cannot read the secret access key: {e}")))?;
        let token = rpassword::prompt_password("Session token (Enter for none): ")
            .map_err(|e| Error::InvalidInput(format!("Cannot read the session token: {e}")))?;
        return Ok((secret, Some(token).filter(|t| !t.trim().is_empty())));
    }
    let mut lines = stdin.lock().lines();
    let mut next_line =
        || lines.next().transpose().map_err(|e| Error::InvalidInput(format!("Cannot read standard input: {e}")));
    let secret = next_line()?.unwrap_or_default().trim_end_matches('\r').to_string();
    let token = next_line()?.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    Ok((secret, token))
}
