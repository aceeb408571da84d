//! `ldeck code …`: deploy a folder or .zip as a function's code (as `aws lambda
//! update-function-code` does, zipping folders and honouring `.lambdaignore`), and
//! download the deployed code. Progress goes to stderr, the result to stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use lambda_deck::config::code::{deploy_code, download_code, CodeProgress};
use lambda_deck::functions::check_function_name;
use lambda_deck::session::Session;
use lambda_deck::Error;

use crate::render::{self, write_stdout};

#[derive(Debug, Subcommand)]
pub enum CodeCommand {
    /// Deploy a folder (zipped here) or a .zip file as the function's code.
    Deploy {
        function: String,
        path: PathBuf,
        /// Publish a version of the new code.
        #[arg(long)]
        publish: bool,
        #[arg(long)]
        json: bool,
    },
    /// Download the deployed code into a new or empty folder.
    Download { function: String, dir: PathBuf },
}

pub async fn run(command: CodeCommand, session: &Session) -> Result<ExitCode, Error> {
    let mut report = |p: CodeProgress| eprintln!("ldeck: {}", p.message);
    match command {
        CodeCommand::Deploy { function, path, publish, json } => {
            check_function_name(&function)?;
            let connection = session.connection().await?;
            let deployed = deploy_code(&connection, session.store(), &function, &path, publish, &mut report)
                .await
                .map_err(with_option_names)?;
            if json {
                write_stdout(&render::json(&deployed)?)?;
            } else {
                let version = deployed.version.as_ref().map(|v| format!(", version {v}")).unwrap_or_default();
                let reason = deployed.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
                write_stdout(&format!(
                    "{}{reason} ({} files, sha256 {}{version})\n",
                    deployed.status,
                    deployed.files,
                    deployed.code_sha256.clone().unwrap_or_default()
                ))?;
            }
            Ok(if deployed.status == "Failed" { ExitCode::FAILURE } else { ExitCode::SUCCESS })
        }
        CodeCommand::Download { function, dir } => {
            check_function_name(&function)?;
            let connection = session.connection().await?;
            let downloaded =
                download_code(&connection, &function, &dir, &mut report).await.map_err(with_option_names)?;
            write_stdout(&format!("{} files in {}\n", downloaded.files, downloaded.dir))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `path` and `dir` are positional: their errors are named in capitals.
fn with_option_names(err: Error) -> Error {
    match err {
        Error::InvalidFields(fields) => Error::InvalidInput(
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field.to_uppercase(), f.message.trim_end_matches('.')))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => other,
    }
}
