//! `ldeck functions …`: the saved list and a function's details, online or offline.

use clap::Subcommand;
use lambda_deck::functions::FunctionDetails;
use lambda_deck::functions::{check_function_name, sync};
use lambda_deck::session::Session;
use lambda_deck::store::run_blocking;
use lambda_deck::{timestamps, Error};
use tokio_util::sync::CancellationToken;

use crate::render::{self, write_stdout};

#[derive(Debug, Subcommand)]
pub enum FunctionsCommand {
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
        /// A function name or ARN.
        name: String,
        #[arg(long)]
        json: bool,
        /// Print the saved details without any network call.
        #[arg(long)]
        offline: bool,
    },
}

pub async fn run(command: FunctionsCommand, session: &Session) -> Result<(), Error> {
    match command {
        FunctionsCommand::List { json, offline: true } => {
            let scope = session.scope().await?;
            let lookup = scope.clone();
            let Some(list) = run_blocking(session.store(), move |store| store.load_function_list(&lookup)).await?
            else {
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
            write_stdout(&if json { render::json(&list.functions)? } else { render::function_table(&list.functions) })
        }
        FunctionsCommand::List { json, offline: false } => {
            let connection = session.connection().await?;
            let refreshed =
                sync::refresh_function_list(&connection, session.store(), &|_| {}, &CancellationToken::new()).await;
            let list = match refreshed {
                Ok(list) => list,
                Err(err) => return Err(with_offline_hint(err, session).await),
            };
            write_stdout(&if json { render::json(&list.functions)? } else { render::function_table(&list.functions) })
        }
        FunctionsCommand::Show { name, json, offline } => {
            check_function_name(&name)?;
            let details = if offline {
                let scope = session.scope().await?;
                FunctionDetails::load_saved(session.store(), &scope, &name).await?.ok_or_else(|| {
                    Error::Configuration(format!(
                        "There are no saved details of \"{name}\" for profile \"{}\" in {}: run `ldeck functions show {name}` once while online.",
                        scope.profile, scope.region
                    ))
                })?
            } else {
                let connection = session.connection().await?;
                match FunctionDetails::refresh(&connection, session.store(), &name, &CancellationToken::new()).await {
                    Ok(details) => details,
                    Err(err) => return Err(with_offline_hint(err, session).await),
                }
            };
            write_stdout(&if json { render::json(&details)? } else { render::function_details(&details) })
        }
    }
}

/// A network failure says that the saved list can still be read with --offline.
async fn with_offline_hint(err: Error, session: &Session) -> Error {
    let Error::Network { endpoint, detail } = err else { return err };
    let saved = match session.scope().await {
        Ok(scope) => run_blocking(session.store(), move |store| store.load_function_list(&scope)).await.ok().flatten(),
        Err(_) => None,
    };
    let detail = match saved {
        Some(list) => format!("{detail}. The saved list from {} is still available with --offline", list.fetched_at),
        None => detail,
    };
    Error::Network { endpoint, detail }
}
