//! `ldeck`: Lambda Deck from the command line. Follows the AWS CLI's conventions:
//! `--profile`, `--region`, `--endpoint-url`, the AWS_* environment variables and the
//! default credential chain. Errors print one line on stderr and exit non-zero.
//!
//! One file per command group (`functions.rs`, `profile.rs`, `events.rs`, `invoke.rs`, `logs.rs`,
//! `metrics.rs`, `config.rs`, `code.rs`, `versions.rs` for versions and aliases); what they
//! print is in `render.rs`. The profile and region are picked by the core's `Session`, as in
//! the app.

mod code;
mod config;
mod events;
mod functions;
mod invoke;
mod logs;
mod metrics;
mod profile;
mod render;
mod versions;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use lambda_deck::keystore::KeyStore;
use lambda_deck::profiles::Profiles;
use lambda_deck::session::{Session, SessionChoice};
use lambda_deck::store::sealing::Sealer;
use lambda_deck::store::Store;
use lambda_deck::Error;

#[derive(Debug, Parser)]
#[command(name = "ldeck", version, about = "Lambda Deck: browse and operate AWS Lambda functions")]
struct Cli {
    /// Profile to use: a Lambda Deck profile, else an AWS CLI profile (default:
    /// $AWS_PROFILE, then "default").
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

// `config set`'s many options make its variant large; the value is parsed once per run.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Lambda functions.
    #[command(subcommand)]
    Functions(functions::FunctionsCommand),
    /// Lambda Deck profiles (keys in the OS keyring) and the AWS CLI's profiles.
    #[command(subcommand)]
    Profile(profile::ProfileCommand),
    /// Saved test events of a function (shared with the app's Test tab).
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// Invoke a function with a saved event or a payload; exits 0 only when it succeeded.
    Invoke(invoke::InvokeArgs),
    /// Functions' logs: follow them live, or read a range or one request.
    #[command(subcommand)]
    Logs(logs::LogsCommand),
    /// Functions' CloudWatch metrics over a range: the Monitor set, or one metric compared.
    Metrics(metrics::MetricsArgs),
    /// A function's configuration: show, change safely (with its revision), diff.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Deploy a folder or .zip as a function's code, or download the deployed code.
    #[command(subcommand)]
    Code(code::CodeCommand),
    /// Publish and list versions.
    #[command(subcommand)]
    Version(versions::VersionCommand),
    /// Create, update (weighted too), list and remove aliases.
    #[command(subcommand)]
    Alias(versions::AliasCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Opened before the async runtime starts: SQLite blocks, and async code reaches the
    // store only through `run_blocking`.
    let store = match Store::open_default() {
        Ok(store) => store,
        Err(err) => return fail(&err),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&Error::Internal(format!("cannot start the async runtime: {err}"))),
    };
    match runtime.block_on(run(cli, store)) {
        Ok(status) => status,
        Err(err) => fail(&err),
    }
}

fn fail(err: &Error) -> ExitCode {
    // One line, whatever the error carried.
    let message = err.to_string().replace('\n', " ");
    eprintln!("ldeck: error: {message}");
    ExitCode::FAILURE
}

async fn run(cli: Cli, store: Arc<Store>) -> Result<ExitCode, Error> {
    let choice = SessionChoice { profile: cli.profile, region: cli.region, endpoint_url: cli.endpoint_url };
    let profiles = Profiles::new(store, KeyStore::system());
    // A function's saved details hold its environment values, sealed with the store's key
    // from the keyring: opened only for the commands that save or read details. Without a
    // key the values are not saved (and read back empty).
    let reads_details = matches!(
        cli.command,
        Command::Functions(functions::FunctionsCommand::Show { .. })
            | Command::Config(_)
            | Command::Version(_)
            | Command::Alias(_)
            | Command::Code(_)
    );
    if reads_details {
        if let Ok(key) = profiles.keystore().data_key().await {
            profiles.store().set_sealer(Sealer::new(&key));
        }
    }
    let session = |profiles, choice| Session::new(profiles, choice).map_err(with_option_names);
    match cli.command {
        Command::Profile(command) => profile::run(command, &profiles, choice).await.map(|()| ExitCode::SUCCESS),
        Command::Functions(command) => {
            functions::run(command, &session(profiles, choice)?).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Events(command) => events::run(command, &session(profiles, choice)?).await.map(|()| ExitCode::SUCCESS),
        Command::Invoke(args) => invoke::run(args, &session(profiles, choice)?).await,
        Command::Logs(command) => logs::run(command, &session(profiles, choice)?).await.map(|()| ExitCode::SUCCESS),
        Command::Metrics(args) => metrics::run(args, &session(profiles, choice)?).await.map(|()| ExitCode::SUCCESS),
        Command::Config(command) => config::run(command, &session(profiles, choice)?).await,
        Command::Code(command) => code::run(command, &session(profiles, choice)?).await,
        Command::Version(command) => {
            versions::run_version(command, &session(profiles, choice)?).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Alias(command) => {
            versions::run_alias(command, &session(profiles, choice)?).await.map(|()| ExitCode::SUCCESS)
        }
    }
}

/// Field errors name the option to fix: `--region: "xx" is not an AWS region`.
pub(crate) fn with_option_names(err: Error) -> Error {
    match err {
        Error::InvalidFields(fields) => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| {
                    let message = f.message.trim_end_matches('.');
                    match f.field.as_str() {
                        "name" => format!("NAME: {message}"),
                        "payload" => format!("payload: {message}"),
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
