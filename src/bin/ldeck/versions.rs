//! `ldeck version …` and `ldeck alias …`: publishing versions and pointing aliases at
//! them, weighted routing between two versions included.

use clap::Subcommand;
use lambda_deck::config::versions::{publish_version, remove_alias, set_alias};
use lambda_deck::config::AliasEdit;
use lambda_deck::functions::{check_function_name, FunctionDetails};
use lambda_deck::session::Session;
use lambda_deck::Error;
use tokio_util::sync::CancellationToken;

use crate::render::{self, write_stdout};

#[derive(Debug, Subcommand)]
pub enum VersionCommand {
    /// Publish a version from the function's current code and configuration.
    Publish {
        function: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List the function's published versions.
    List {
        function: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AliasCommand {
    /// List the function's aliases and their routing.
    List {
        function: String,
        #[arg(long)]
        json: bool,
    },
    /// Create or update an alias; --weight sends that share (0–1) of traffic to
    /// --additional-version.
    Set {
        function: String,
        alias: String,
        /// The version the alias points at ($LATEST or a number).
        #[arg(long)]
        version: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, requires = "weight")]
        additional_version: Option<String>,
        #[arg(long)]
        weight: Option<f64>,
    },
    /// Delete an alias.
    Remove { function: String, alias: String },
}

pub async fn run_version(command: VersionCommand, session: &Session) -> Result<(), Error> {
    match command {
        VersionCommand::Publish { function, description } => {
            check_function_name(&function)?;
            lambda_deck::config::validate::check_version_description(&description).map_err(option_names)?;
            let connection = session.connection().await?;
            let version = publish_version(&connection, session.store(), &function, &description).await?;
            write_stdout(&format!("{}\n", version.version))
        }
        VersionCommand::List { function, json } => {
            let details = refreshed(session, &function).await?;
            let versions = details.versions.map(|s| s.versions).unwrap_or_default();
            if json {
                return write_stdout(&render::json(&versions)?);
            }
            let lines: String = versions
                .iter()
                .map(|v| {
                    format!(
                        "{:<10}{:<28}{}\n",
                        v.version,
                        v.last_modified.clone().unwrap_or_default(),
                        v.description.clone().unwrap_or_default()
                    )
                })
                .collect();
            write_stdout(&lines)
        }
    }
}

pub async fn run_alias(command: AliasCommand, session: &Session) -> Result<(), Error> {
    match command {
        AliasCommand::List { function, json } => {
            let details = refreshed(session, &function).await?;
            let aliases = details.aliases.map(|s| s.aliases).unwrap_or_default();
            if json {
                return write_stdout(&render::json(&aliases)?);
            }
            let lines: String = aliases
                .iter()
                .map(|a| {
                    let weights: Vec<String> = a
                        .additional_version_weights
                        .iter()
                        .map(|w| format!(", {}% to {}", (w.weight * 100.0 * 100.0).round() / 100.0, w.version))
                        .collect();
                    format!("{} -> {}{}\n", a.name, a.function_version.clone().unwrap_or_default(), weights.concat())
                })
                .collect();
            write_stdout(&lines)
        }
        AliasCommand::Set { function, alias, version, description, additional_version, weight } => {
            check_function_name(&function)?;
            let edit = AliasEdit {
                name: alias,
                function_version: version,
                description,
                additional_version,
                additional_weight: weight,
            };
            lambda_deck::config::validate::check_alias(&edit).map_err(option_names)?;
            let connection = session.connection().await?;
            let set = set_alias(&connection, session.store(), &function, &edit).await?;
            write_stdout(&render::json(&set)?)
        }
        AliasCommand::Remove { function, alias } => {
            check_function_name(&function)?;
            let connection = session.connection().await?;
            remove_alias(&connection, session.store(), &function, &alias).await
        }
    }
}

async fn refreshed(session: &Session, function: &str) -> Result<FunctionDetails, Error> {
    check_function_name(function)?;
    let connection = session.connection().await?;
    FunctionDetails::refresh(&connection, session.store(), function, &CancellationToken::new()).await
}

/// Alias and version fields named by their options: `alias.additional_weight` → `--weight`.
fn option_names(err: Error) -> Error {
    match err {
        Error::InvalidFields(fields) => Error::InvalidInput(
            fields
                .iter()
                .map(|f| {
                    let option = match f.field.as_str() {
                        "alias.name" => "ALIAS",
                        "alias.function_version" => "--version",
                        "alias.additional_version" => "--additional-version",
                        "alias.additional_weight" => "--weight",
                        _ => "--description",
                    };
                    format!("{option}: {}", f.message.trim_end_matches('.'))
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => other,
    }
}
