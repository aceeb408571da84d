//! `ldeck`: Lambda Deck from the command line. Follows the AWS CLI's conventions:
//! `--profile`, `--region`, `--endpoint-url`, the AWS_* environment variables and the
//! default credential chain. Errors print one line on stderr and exit non-zero.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lambda_deck::aws::{AwsConnection, ProfileSelection};
use lambda_deck::functions::{self, FunctionSummary};
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::{CredentialSource, ProfileInput, ProfileSummary, Profiles};
use lambda_deck::store::Store;
use lambda_deck::Error;

#[derive(Debug, Parser)]
#[command(name = "ldeck", version, about = "Lambda Deck: browse and operate AWS Lambda functions")]
struct Cli {
    /// AWS CLI profile to use (default: $AWS_PROFILE, then "default").
    #[arg(long, global = true)]
    profile: Option<String>,
    /// AWS region (default: $AWS_REGION, then the profile's region).
    #[arg(long, global = true)]
    region: Option<String>,
    /// Send requests to this endpoint instead of AWS (default: $AWS_ENDPOINT_URL).
    #[arg(long, global = true)]
    endpoint_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lambda functions.
    #[command(subcommand)]
    Functions(FunctionsCommand),
    /// Lambda Deck profiles (keys in the OS keyring) and the AWS CLI's profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
}

#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// List the app's profiles and the AWS CLI's. Nothing secret is printed.
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
    /// (new keys are read as for `add`).
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
    },
    /// Make one signed call (STS GetCallerIdentity) and report the account.
    Test { name: String },
    /// Remove an app profile and its keyring entry.
    Remove { name: String },
}

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
struct SourceArgs {
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

#[derive(Debug, Subcommand)]
enum FunctionsCommand {
    /// List every function of the account and region.
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&Error::Internal(format!("cannot start the async runtime: {err}"))),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}

fn fail(err: &Error) -> ExitCode {
    // One line, whatever the error carried.
    let message = err.to_string().replace('\n', " ");
    eprintln!("ldeck: error: {message}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> Result<(), Error> {
    let selection = ProfileSelection { profile: cli.profile, region: cli.region, endpoint_url: cli.endpoint_url };
    match cli.command {
        Command::Profile(command) => run_profile_command(command, selection).await,
        Command::Functions(FunctionsCommand::List { json }) => {
            let connection = connect(&selection).await?;
            let functions = functions::list_functions(&connection).await?;
            let output = if json { to_json(&functions)? } else { render_table(&functions) };
            write_stdout(&output)
        }
    }
}

/// `--profile NAME` names an app profile first, then an AWS CLI profile (as the AWS CLI).
async fn connect(selection: &ProfileSelection) -> Result<AwsConnection, Error> {
    if let Some(name) = &selection.profile {
        let profiles = app_profiles()?;
        if profiles.app_profile(name)?.is_some() {
            if selection.endpoint_url.is_some() {
                return Err(Error::InvalidInput(format!(
                    "--endpoint-url cannot override app profile \"{name}\": edit the profile instead."
                )));
            }
            return profiles.connect(name, selection.region.as_deref()).await;
        }
    }
    AwsConnection::resolve(selection).await
}

fn app_profiles() -> Result<Profiles, Error> {
    Ok(Profiles::new(Store::open_default()?, KeyStore::system()))
}

/// `selection` carries the global --region and --endpoint-url, which `add` and `edit`
/// store in the profile.
async fn run_profile_command(command: ProfileCommand, selection: ProfileSelection) -> Result<(), Error> {
    let profiles = app_profiles()?;
    match command {
        ProfileCommand::List { json } => {
            let list = profiles.list().await?;
            let output = if json { to_json(&list)? } else { render_profiles(&list) };
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
                region: selection.region.unwrap_or_default(),
                endpoint_url: selection.endpoint_url,
                source: source_kind,
                aws_cli_profile: source.aws_cli_profile,
                access_key_id: source.access_key_id,
                secret_access_key,
                session_token: session_token.flatten(),
            };
            let added = profiles.add(input).await.map_err(with_field_names)?;
            write_stdout(&format!("Added profile \"{}\" ({}).\n", added.name, describe_source(&added)))
        }
        ProfileCommand::Edit { name, rename, no_endpoint_url, access_key_id } => {
            let Some(existing) = profiles.app_profile(&name)? else {
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
                region: selection.region.or(existing.region.clone()).unwrap_or_default(),
                endpoint_url: if no_endpoint_url {
                    None
                } else {
                    selection.endpoint_url.or(existing.endpoint_url.clone())
                },
                source: existing.source,
                aws_cli_profile: existing.aws_cli_profile.clone(),
                // No key id and no secret: the stored keys stay.
                access_key_id,
                secret_access_key,
                session_token,
            };
            let edited = profiles.edit(&name, input).await.map_err(with_field_names)?;
            write_stdout(&format!("Updated profile \"{}\" ({}).\n", edited.name, describe_source(&edited)))
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

/// Field errors name the option to fix: `--region: "xx" is not an AWS region`.
fn with_field_names(err: Error) -> Error {
    match err {
        Error::InvalidFields(fields) => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| {
                    let message = f.message.trim_end_matches('.');
                    match f.field.as_str() {
                        "name" => format!("NAME: {message}"),
                        "secret_access_key" => format!("secret access key (stdin): {message}"),
                        field => format!("--{}: {message}", field.replace('_', "-")),
                    }
                })
                .collect();
            Error::InvalidInput(lines.join("; "))
        }
        other => other,
    }
}

fn describe_source(profile: &ProfileSummary) -> String {
    match profile.source {
        CredentialSource::Keyring => format!(
            "keys in the keyring, key id {}{}",
            profile.key_id_hint.as_deref().unwrap_or("…"),
            if profile.has_session_token { ", with session token" } else { "" }
        ),
        CredentialSource::AwsCli => {
            format!("AWS CLI profile {}", profile.aws_cli_profile.as_deref().unwrap_or(&profile.name))
        }
        CredentialSource::Environment => "the environment".to_string(),
    }
}

fn render_profiles(profiles: &[ProfileSummary]) -> String {
    let rows: Vec<[String; 4]> = profiles
        .iter()
        .map(|p| {
            [
                p.name.clone(),
                p.region.clone().unwrap_or_else(|| "-".into()),
                p.endpoint_url.clone().unwrap_or_else(|| "-".into()),
                describe_source(p),
            ]
        })
        .collect();
    render_rows(["NAME", "REGION", "ENDPOINT", "CREDENTIALS"], &rows)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map(|s| s + "\n").map_err(|e| Error::Internal(e.to_string()))
}

fn write_stdout(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `ldeck … | head` closes the pipe early: that is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(Error::Internal(format!("cannot write output: {err}"))),
    }
}

/// A plain aligned table: NAME, RUNTIME, MEMORY, TIMEOUT, LAST MODIFIED.
fn render_table(functions: &[FunctionSummary]) -> String {
    let rows: Vec<[String; 5]> = functions
        .iter()
        .map(|f| {
            [
                f.function_name.clone(),
                f.runtime.clone().unwrap_or_else(|| "-".into()),
                f.memory_size.map_or("-".into(), |m| format!("{m} MB")),
                f.timeout.map_or("-".into(), |t| format!("{t} s")),
                f.last_modified.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut out = render_rows(["NAME", "RUNTIME", "MEMORY", "TIMEOUT", "LAST MODIFIED"], &rows);
    out.push_str(&format!("{} functions\n", functions.len()));
    out
}

/// Left-aligned columns separated by two spaces, header first.
fn render_rows<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let header = header.map(str::to_string);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let line: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
