//! `ldeck`: Lambda Deck from the command line. Follows the AWS CLI's conventions:
//! `--profile`, `--region`, `--endpoint-url`, the AWS_* environment variables and the
//! default credential chain. Errors print one line on stderr and exit non-zero.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lambda_deck::aws::{AwsConnection, ProfileSelection};
use lambda_deck::functions::{self, FunctionSummary};
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
        Command::Functions(FunctionsCommand::List { json }) => {
            let connection = AwsConnection::resolve(&selection).await?;
            let functions = functions::list_functions(&connection).await?;
            let output = if json {
                serde_json::to_string_pretty(&functions).map_err(|e| Error::Internal(e.to_string()))? + "\n"
            } else {
                render_table(&functions)
            };
            write_stdout(&output)
        }
    }
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
    let header = ["NAME", "RUNTIME", "MEMORY", "TIMEOUT", "LAST MODIFIED"].map(str::to_string);
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
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&format!("{} functions\n", functions.len()));
    out
}
