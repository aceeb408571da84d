//! `ldeck config …`: a function's editable configuration — show it, change it with the
//! revision it was read at (`--if-revision` to pin one), or print the diff first
//! (`--dry-run`, `config diff`). A conflict exits with [`CONFLICT_EXIT`] and one line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use lambda_deck::config::apply::apply_edit;
use lambda_deck::config::diff::diff;
use lambda_deck::config::envfile::{merge_env, parse_env_lines};
use lambda_deck::config::validate::validate;
use lambda_deck::config::{ApplyOutcome, ConfigEdit, EditableConfig, EnvVar, TagEntry};
use lambda_deck::functions::{check_function_name, FunctionDetails};
use lambda_deck::session::Session;
use lambda_deck::store::sealing::VALUES_NOT_SAVED;
use lambda_deck::{Error, FieldError};
use tokio_util::sync::CancellationToken;

use crate::render::{self, write_stdout};

/// The exit status of an edit refused because the function changed meanwhile.
pub const CONFLICT_EXIT: u8 = 3;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a function's editable configuration and its revision (environment values
    /// masked unless --reveal).
    Show {
        /// A function name or ARN.
        function: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        reveal: bool,
    },
    /// Change settings: what is not named stays as it is.
    Set(SetArgs),
    /// Print what `set` with these options would change; with none, what changed on AWS
    /// since Lambda Deck last saved the function's details.
    Diff(SetArgs),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// A function name or ARN.
    function: String,
    #[command(flatten)]
    changes: ConfigChanges,
    /// Apply only if the function is still at this RevisionId (else exit 3).
    #[arg(long)]
    if_revision: Option<String>,
    /// Print the diff and send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Show environment values in the diff.
    #[arg(long)]
    reveal: bool,
}

#[derive(Debug, Args)]
pub struct ConfigChanges {
    /// Memory in MB (128–10240).
    #[arg(long)]
    memory: Option<i32>,
    /// Timeout in seconds (1–900).
    #[arg(long)]
    timeout: Option<i32>,
    /// Ephemeral storage (/tmp) in MB (512–10240).
    #[arg(long)]
    ephemeral_storage: Option<i32>,
    #[arg(long)]
    description: Option<String>,
    #[arg(long)]
    handler: Option<String>,
    #[arg(long)]
    runtime: Option<String>,
    /// Set an environment variable (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    env: Vec<String>,
    /// Remove an environment variable (repeatable).
    #[arg(long = "unset-env", value_name = "KEY")]
    unset_env: Vec<String>,
    /// Set the variables of a .env file.
    #[arg(long)]
    env_file: Option<PathBuf>,
    /// PassThrough or Active.
    #[arg(long)]
    tracing: Option<String>,
    /// Text or JSON.
    #[arg(long)]
    log_format: Option<String>,
    #[arg(long)]
    application_log_level: Option<String>,
    #[arg(long)]
    system_log_level: Option<String>,
    #[arg(long)]
    log_group: Option<String>,
    /// Add or change a tag (repeatable).
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    tag: Vec<String>,
    /// Remove a tag (repeatable).
    #[arg(long = "untag", value_name = "KEY")]
    untag: Vec<String>,
    /// Reserve this many concurrent executions.
    #[arg(long, conflicts_with = "no_reserved_concurrency")]
    reserved_concurrency: Option<i32>,
    /// Remove the reservation.
    #[arg(long)]
    no_reserved_concurrency: bool,
}

impl ConfigChanges {
    /// True when no setting is named.
    fn is_empty(&self) -> bool {
        let numbers = [self.memory, self.timeout, self.ephemeral_storage, self.reserved_concurrency];
        let texts = [
            &self.description,
            &self.handler,
            &self.runtime,
            &self.tracing,
            &self.log_format,
            &self.application_log_level,
            &self.system_log_level,
            &self.log_group,
        ];
        let lists = [&self.env, &self.unset_env, &self.tag, &self.untag];
        numbers.iter().all(Option::is_none)
            && texts.iter().all(|t| t.is_none())
            && lists.iter().all(|l| l.is_empty())
            && self.env_file.is_none()
            && !self.no_reserved_concurrency
    }

    fn patched(&self, mut config: EditableConfig) -> EditableConfig {
        let _ = self.apply_to(&mut config);
        config
    }

    /// Writes the options onto `config`. `KEY=VALUE` options and the .env file are read
    /// here; an unreadable one names its option.
    fn apply_to(&self, config: &mut EditableConfig) -> Result<(), Error> {
        let set = |value: &Option<i32>, target: &mut i32| {
            if let Some(v) = value {
                *target = *v;
            }
        };
        set(&self.memory, &mut config.memory_mb);
        set(&self.timeout, &mut config.timeout_seconds);
        set(&self.ephemeral_storage, &mut config.ephemeral_storage_mb);
        if let Some(description) = &self.description {
            config.description = description.clone();
        }
        if let Some(handler) = &self.handler {
            config.handler = Some(handler.clone());
        }
        if let Some(runtime) = &self.runtime {
            config.runtime = Some(runtime.clone());
        }
        if let Some(path) = &self.env_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::InvalidInput(format!("--env-file: cannot read {}: {e}", path.display())))?;
            let imported = parse_env_lines(&text).map_err(|err| renamed(err, "env-file"))?;
            config.environment = merge_env(&config.environment, &imported);
        }
        let pairs = |values: &[String], option: &str| -> Result<Vec<(String, String)>, Error> {
            values
                .iter()
                .map(|pair| {
                    pair.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .ok_or_else(|| Error::InvalidInput(format!("--{option}: \"{pair}\" is not KEY=VALUE.")))
                })
                .collect()
        };
        let imported: Vec<EnvVar> =
            pairs(&self.env, "env")?.into_iter().map(|(name, value)| EnvVar { name, value }).collect();
        config.environment = merge_env(&config.environment, &imported);
        config.environment.retain(|v| !self.unset_env.contains(&v.name));
        if let Some(mode) = &self.tracing {
            config.tracing_mode = mode.clone();
        }
        let logging = &mut config.logging;
        if let Some(format) = &self.log_format {
            logging.log_format = format.clone();
            if format == "Text" {
                // Levels apply to JSON only; switching to Text drops them unless named.
                logging.application_log_level = None;
                logging.system_log_level = None;
            }
        }
        if self.application_log_level.is_some() {
            logging.application_log_level = self.application_log_level.clone();
        }
        if self.system_log_level.is_some() {
            logging.system_log_level = self.system_log_level.clone();
        }
        if let Some(group) = &self.log_group {
            logging.log_group = group.clone();
        }
        for (key, value) in pairs(&self.tag, "tag")? {
            config.tags.retain(|t| t.key != key);
            config.tags.push(TagEntry { key, value });
        }
        config.tags.retain(|t| !self.untag.contains(&t.key));
        if let Some(reserved) = self.reserved_concurrency {
            config.reserved_concurrency = Some(reserved);
        } else if self.no_reserved_concurrency {
            config.reserved_concurrency = None;
        }
        Ok(())
    }

    /// Checks the values as typed, before any network call: written onto a valid
    /// configuration, and only the errors of the options given (the others depend on
    /// the function, checked once it is read).
    fn check(&self) -> Result<(), Error> {
        let mut config = template();
        if self.application_log_level.is_some() || self.system_log_level.is_some() {
            // Levels apply with the JSON format; the function's own is not known yet.
            config.logging.log_format = "JSON".into();
        }
        self.apply_to(&mut config)?;
        let given = self.options_given();
        match validate(&config) {
            Err(Error::InvalidFields(fields)) => {
                let mine: Vec<FieldError> =
                    fields.into_iter().filter(|f| given.contains(&option_of(&f.field))).collect();
                if mine.is_empty() {
                    Ok(())
                } else {
                    Err(with_config_option_names(Error::InvalidFields(mine)))
                }
            }
            other => other,
        }
    }

    /// The options named on the command line, as [`option_of`] names them.
    fn options_given(&self) -> Vec<&'static str> {
        let flags = [
            (self.memory.is_some(), "--memory"),
            (self.timeout.is_some(), "--timeout"),
            (self.ephemeral_storage.is_some(), "--ephemeral-storage"),
            (self.description.is_some(), "--description"),
            (self.handler.is_some(), "--handler"),
            (self.runtime.is_some(), "--runtime"),
            (!self.env.is_empty() || self.env_file.is_some(), "--env"),
            (self.tracing.is_some(), "--tracing"),
            (self.log_format.is_some(), "--log-format"),
            (self.application_log_level.is_some(), "--application-log-level"),
            (self.system_log_level.is_some(), "--system-log-level"),
            (self.log_group.is_some(), "--log-group"),
            (!self.tag.is_empty(), "--tag"),
            (self.reserved_concurrency.is_some(), "--reserved-concurrency"),
        ];
        flags.into_iter().filter(|(given, _)| *given).map(|(_, option)| option).collect()
    }
}

/// A valid configuration the options are checked against before the function is read.
fn template() -> EditableConfig {
    EditableConfig {
        description: String::new(),
        handler: None,
        runtime: None,
        memory_mb: 128,
        timeout_seconds: 3,
        ephemeral_storage_mb: 512,
        environment: Vec::new(),
        tracing_mode: "PassThrough".into(),
        logging: lambda_deck::config::LoggingSettings {
            log_format: "Text".into(),
            application_log_level: None,
            system_log_level: None,
            log_group: "/aws/lambda/f".into(),
        },
        tags: Vec::new(),
        reserved_concurrency: None,
    }
}

fn renamed(err: Error, option: &str) -> Error {
    match err {
        Error::InvalidFields(fields) => Error::InvalidInput(
            fields.iter().map(|f| format!("--{option}: {}", f.message)).collect::<Vec<_>>().join("; "),
        ),
        other => other,
    }
}

/// The option each configuration field is set with, for error messages.
fn option_of(field: &str) -> &'static str {
    let head = field.split('.').next().unwrap_or(field);
    match (head, field) {
        (_, "logging.log_format") => "--log-format",
        (_, "logging.application_log_level") => "--application-log-level",
        (_, "logging.system_log_level") => "--system-log-level",
        (_, "logging.log_group") => "--log-group",
        ("memory_mb", _) => "--memory",
        ("timeout_seconds", _) => "--timeout",
        ("ephemeral_storage_mb", _) => "--ephemeral-storage",
        ("env" | "environment", _) => "--env",
        ("tags", _) => "--tag",
        ("tracing_mode", _) => "--tracing",
        ("reserved_concurrency", _) => "--reserved-concurrency",
        ("description", _) => "--description",
        ("handler", _) => "--handler",
        ("runtime", _) => "--runtime",
        _ => "--option",
    }
}

pub(crate) fn with_config_option_names(err: Error) -> Error {
    match err {
        Error::InvalidFields(fields) => Error::InvalidInput(
            fields
                .iter()
                .map(|f: &FieldError| format!("{}: {}", option_of(&f.field), f.message.trim_end_matches('.')))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => other,
    }
}

pub async fn run(command: ConfigCommand, session: &Session) -> Result<ExitCode, Error> {
    match command {
        ConfigCommand::Show { function, json, reveal } => {
            check_function_name(&function)?;
            let (config, revision) = read_current(session, &function).await?;
            if json {
                let mut shown = config.clone();
                mask(&mut shown.environment, reveal);
                let value = serde_json::json!({ "function": function, "revision_id": revision, "config": shown });
                write_stdout(&render::json(&value)?)?;
            } else {
                write_stdout(&render::editable_config(&function, &config, revision.as_deref(), reveal))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ConfigCommand::Diff(args) if args.changes.is_empty() => {
            check_function_name(&args.function)?;
            let scope = session.scope().await?;
            let saved = FunctionDetails::load_saved(session.store(), &scope, &args.function).await?;
            let Some(saved) = saved.and_then(|d| d.configuration) else {
                return Err(Error::Configuration(format!(
                    "Lambda Deck has no saved details of {}: there is nothing to compare with yet.",
                    args.function
                )));
            };
            let values_saved = saved.environment_error.as_deref() != Some(VALUES_NOT_SAVED);
            let mut before = EditableConfig::from_section(&saved);
            let (current, _) = read_current(session, &args.function).await?;
            if !values_saved {
                // Only names were saved (no keyring key): compare names, not values.
                for variable in &mut before.environment {
                    if let Some(now) = current.environment.iter().find(|v| v.name == variable.name) {
                        variable.value = now.value.clone();
                    }
                }
                eprintln!("ldeck: environment values are not saved on this computer: only their names are compared");
            }
            eprintln!("ldeck: changes on AWS since the details saved {}", saved.fetched_at);
            write_stdout(&render::config_changes(&diff(&before, &current), args.reveal))?;
            Ok(ExitCode::SUCCESS)
        }
        ConfigCommand::Diff(args) => set(args, true, session).await,
        ConfigCommand::Set(args) => {
            let dry_run = args.dry_run;
            set(args, dry_run, session).await
        }
    }
}

async fn set(args: SetArgs, dry_run: bool, session: &Session) -> Result<ExitCode, Error> {
    check_function_name(&args.function)?;
    args.changes.check()?;
    if args.changes.is_empty() {
        return Err(Error::InvalidInput("Name at least one setting to change (see `ldeck config set --help`).".into()));
    }
    let (current, revision) = read_current(session, &args.function).await?;
    if let Some(expected) = &args.if_revision {
        if revision.as_deref() != Some(expected.as_str()) {
            eprintln!(
                "ldeck: conflict: {} changed since revision {expected} (now {}); nothing was sent.",
                args.function,
                revision.as_deref().unwrap_or("unknown")
            );
            return Ok(ExitCode::from(CONFLICT_EXIT));
        }
    }
    let desired = args.changes.patched(current.clone());
    validate(&desired).map_err(with_config_option_names)?;
    let changes = diff(&current, &desired);
    if dry_run {
        write_stdout(&render::config_changes(&changes, args.reveal))?;
        return Ok(ExitCode::SUCCESS);
    }
    let edit = ConfigEdit { function_name: args.function.clone(), base_revision_id: revision, base: current, desired };
    let connection = session.connection().await?;
    let outcome = apply_edit(&connection, session.store(), &edit, &mut |p| eprintln!("ldeck: {}", p.message)).await?;
    match outcome {
        ApplyOutcome::NothingToApply => {
            eprintln!("ldeck: nothing to change");
            Ok(ExitCode::SUCCESS)
        }
        ApplyOutcome::Applied { status, reason, revision_id, changes } => {
            write_stdout(&render::config_changes(&changes, args.reveal))?;
            let reason = reason.map(|r| format!(": {r}")).unwrap_or_default();
            eprintln!("ldeck: {status}{reason} (revision {})", revision_id.unwrap_or_default());
            Ok(if status == "Failed" { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        ApplyOutcome::Conflict { conflict } => {
            let fields: Vec<&str> = conflict.fields.iter().map(|f| f.label.as_str()).collect();
            eprintln!(
                "ldeck: conflict: {} changed while the edit was being sent ({}); nothing was sent. Run the command again to apply onto the new revision.",
                args.function,
                fields.join(", ")
            );
            Ok(ExitCode::from(CONFLICT_EXIT))
        }
    }
}

/// The function's settings on AWS now, and their revision; the details are saved too.
async fn read_current(session: &Session, function: &str) -> Result<(EditableConfig, Option<String>), Error> {
    let connection = session.connection().await?;
    let details = FunctionDetails::refresh(&connection, session.store(), function, &CancellationToken::new()).await?;
    let section = details
        .configuration
        .ok_or_else(|| Error::Service(format!("The configuration of {function} could not be read.")))?;
    Ok((EditableConfig::from_section(&section), section.revision_id))
}

fn mask(environment: &mut [EnvVar], reveal: bool) {
    if !reveal {
        for variable in environment {
            variable.value = render::MASK.to_string();
        }
    }
}
