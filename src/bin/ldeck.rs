//! `ldeck`: Lambda Deck from the command line. Follows the AWS CLI's conventions:
//! `--profile`, `--region`, `--endpoint-url`, the AWS_* environment variables and the
//! default credential chain. Errors print one line on stderr and exit non-zero.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lambda_deck::aws::{AwsConnection, ProfileSelection, Scope};
use lambda_deck::functions::{FunctionDetails, FunctionSummary};
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::{CredentialSource, ProfileInput, ProfileSummary, Profiles};
use lambda_deck::store::Store;
use lambda_deck::{sync, timestamps, Error};
use tokio_util::sync::CancellationToken;

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
    /// Refresh the saved list of every function of the account and region, and print it.
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// Print the saved list without any network call (its age goes to stderr).
        #[arg(long)]
        offline: bool,
    },
    /// Fetch and print everything about one function (configuration, tags, aliases,
    /// versions, event source mappings); the details are saved for offline use.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
        /// Print the saved details without any network call.
        #[arg(long)]
        offline: bool,
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
        Command::Functions(command) => run_functions_command(command, selection).await,
    }
}

async fn run_functions_command(command: FunctionsCommand, selection: ProfileSelection) -> Result<(), Error> {
    let store = Store::open_default()?;
    match command {
        FunctionsCommand::List { json, offline: true } => {
            let scope = offline_scope(&selection).await?;
            let Some(list) = store.load_function_list(&scope)? else {
                return Err(Error::Configuration(format!(
                    "There is no saved function list for profile \"{}\" in {}: run `ldeck functions list` once while online.",
                    scope.profile, scope.region
                )));
            };
            eprintln!(
                "ldeck: saved list of profile \"{}\" in {}, fetched {} ({})",
                scope.profile,
                scope.region,
                timestamps::age_seconds(&list.fetched_at)
                    .map_or_else(|| "at an unknown time".into(), timestamps::describe_age),
                list.fetched_at
            );
            write_stdout(&if json { to_json(&list.functions)? } else { render_table(&list.functions) })
        }
        FunctionsCommand::List { json, offline: false } => {
            let connection = connect(&selection).await?;
            let list = sync::refresh_function_list(&connection, &store, &|_| {}, &CancellationToken::new())
                .await
                .map_err(|err| with_offline_hint(err, &store, &connection.summary().scope()))?;
            write_stdout(&if json { to_json(&list.functions)? } else { render_table(&list.functions) })
        }
        FunctionsCommand::Show { name, json, offline } => {
            let details = if offline {
                let scope = offline_scope(&selection).await?;
                FunctionDetails::load(&store, &scope, &name)?.ok_or_else(|| {
                    Error::Configuration(format!(
                        "There are no saved details of \"{name}\" for profile \"{}\" in {}: run `ldeck functions show {name}` once while online.",
                        scope.profile, scope.region
                    ))
                })?
            } else {
                let connection = connect(&selection).await?;
                FunctionDetails::refresh(&connection, &store, &name)
                    .await
                    .map_err(|err| with_offline_hint(err, &store, &connection.summary().scope()))?
            };
            write_stdout(&if json { to_json(&details)? } else { render_details(&details) })
        }
    }
}

/// A network, throttling or credentials failure says that saved data can still be read.
fn with_offline_hint(err: Error, store: &Store, scope: &Scope) -> Error {
    let saved = store.load_function_list(scope).ok().flatten();
    match (err, saved) {
        (Error::Network { endpoint, detail }, Some(list)) => Error::Network {
            endpoint,
            detail: format!("{detail}. The saved list from {} is still available with --offline", list.fetched_at),
        },
        (err, _) => err,
    }
}

/// The scope of the selection without the network or the keyring (for --offline).
async fn offline_scope(selection: &ProfileSelection) -> Result<Scope, Error> {
    if let Some(name) = &selection.profile {
        let profiles = app_profiles()?;
        if profiles.app_profile(name)?.is_some() {
            return profiles.scope(name, selection.region.as_deref()).await;
        }
    }
    Ok(AwsConnection::resolve(selection).await?.summary().scope())
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

/// The details as labelled sections, each with its age.
fn render_details(details: &FunctionDetails) -> String {
    let mut out = String::new();
    let age = |fetched_at: &str| {
        timestamps::age_seconds(fetched_at).map_or_else(|| fetched_at.to_string(), timestamps::describe_age)
    };
    let mut line = |label: &str, value: String| out.push_str(&format!("  {label:<22}{value}\n"));
    let opt = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    if let Some(c) = &details.configuration {
        let f = &c.summary;
        line("Function", f.function_name.clone());
        line("(fetched)", age(&c.fetched_at));
        line("ARN", f.function_arn.clone());
        line("Description", opt(&f.description));
        line("Runtime", opt(&f.runtime));
        line("Handler", opt(&f.handler));
        line("Package type", opt(&f.package_type));
        line("Architectures", f.architectures.join(", "));
        line("Memory", f.memory_size.map_or("-".into(), |m| format!("{m} MB")));
        line("Timeout", f.timeout.map_or("-".into(), |t| format!("{t} s")));
        line("Ephemeral storage", c.ephemeral_storage_mb.map_or("-".into(), |m| format!("{m} MB")));
        line(
            "State",
            format!("{}{}", opt(&f.state), c.state_reason.as_ref().map_or(String::new(), |r| format!(" ({r})"))),
        );
        line(
            "Last update",
            format!(
                "{}{}",
                opt(&f.last_update_status),
                c.last_update_status_reason.as_ref().map_or(String::new(), |r| format!(" ({r})"))
            ),
        );
        line("Last modified", opt(&f.last_modified));
        line("Role", opt(&c.role));
        line("Reserved concurrency", c.reserved_concurrency.map_or("unreserved".into(), |n| n.to_string()));
        line("Environment", c.environment.iter().map(|v| format!("{}=…", v.name)).collect::<Vec<_>>().join(" "));
        line("Tags", c.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "));
        line("Layers", c.layers.iter().map(|l| l.arn.clone()).collect::<Vec<_>>().join(" "));
        line(
            "VPC",
            c.vpc.as_ref().map_or("-".into(), |v| {
                format!(
                    "{} subnets {} groups {}",
                    opt(&v.vpc_id),
                    v.subnet_ids.join(","),
                    v.security_group_ids.join(",")
                )
            }),
        );
        line(
            "Logging",
            c.logging.as_ref().map_or("-".into(), |l| format!("{} to {}", opt(&l.log_format), opt(&l.log_group))),
        );
    }
    if let Some(section) = &details.aliases {
        line("Aliases", format!("({})", age(&section.fetched_at)));
        for alias in &section.aliases {
            let weights: Vec<String> = alias
                .additional_version_weights
                .iter()
                .map(|w| format!("{}% to v{}", (w.weight * 100.0).round(), w.version))
                .collect();
            let routing = if weights.is_empty() { String::new() } else { format!(", {}", weights.join(", ")) };
            line("", format!("{} -> v{}{routing}", alias.name, opt(&alias.function_version)));
        }
    }
    if let Some(section) = &details.versions {
        let versions: Vec<&str> = section.versions.iter().map(|v| v.version.as_str()).collect();
        line("Versions", format!("{} ({})", versions.join(", "), age(&section.fetched_at)));
    }
    if let Some(section) = &details.event_source_mappings {
        line("Event sources", format!("{} ({})", section.mappings.len(), age(&section.fetched_at)));
        for mapping in &section.mappings {
            line("", format!("{} {}", opt(&mapping.event_source_arn), opt(&mapping.state)));
        }
    }
    for failed in &details.refresh_errors {
        line("Not refreshed", format!("{}: {}", failed.section, failed.error.message));
    }
    out
}
