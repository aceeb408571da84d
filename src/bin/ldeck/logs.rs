//! `ldeck logs tail FUNCTION…` follows functions' logs with the app's engine (Live Tail,
//! polling where it is refused, no line twice); `ldeck logs get FUNCTION` reads a range,
//! or one request. Lines go to stdout (text, or NDJSON with `--json`), what the tail says
//! about itself to stderr. Ctrl-C ends a tail cleanly.

use std::io::IsTerminal;
use std::sync::Arc;

use clap::{Args, Subcommand};
use lambda_deck::logs::export::{clock, json_line, text_line};
use lambda_deck::logs::get::{check_request_id, get_lines, LogQuery};
use lambda_deck::logs::groups::{resolve_targets, TailTarget};
use lambda_deck::logs::lines::TailLine;
use lambda_deck::logs::pattern::check_filter_pattern;
use lambda_deck::logs::report::LogLevel;
use lambda_deck::logs::tail::{now_ms, run_tail, TailClient, TailEvent, TailMode, TailSpec, TailTimings};
use lambda_deck::logs::when::{parse_backfill, parse_range};
use lambda_deck::session::Session;
use lambda_deck::Error;
use tokio_util::sync::CancellationToken;

use crate::render::write_stdout;
use crate::with_option_names;

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Follow functions' logs as they are written (Live Tail; polling where it is refused).
    Tail(TailArgs),
    /// Print a function's log lines over a time range, or those of one request.
    Get(GetArgs),
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// Function names or ARNs (any number: lines are merged in time order).
    #[arg(required = true)]
    functions: Vec<String>,
    /// A CloudWatch Logs filter pattern, applied by the service (e.g. ERROR, or
    /// '{ $.level = "ERROR" }').
    #[arg(long)]
    filter: Option<String>,
    /// Start this far back (e.g. 30s, 10m, 2h; at most 24h).
    #[arg(long, default_value = "5m")]
    since: String,
    /// Poll FilterLogEvents instead of streaming with Live Tail.
    #[arg(long)]
    poll: bool,
    /// One JSON object per line (NDJSON), parsed: level, request id, REPORT figures.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// A function name or ARN.
    function: String,
    /// Start of the range: a duration ago (10m, 2h, 3d) or a time (2026-11-29T10:00:00Z).
    #[arg(long, default_value = "1h")]
    since: String,
    /// End of the range (default: now), written as --since.
    #[arg(long)]
    until: Option<String>,
    /// Only the lines of this request (its START to REPORT, and lines naming it).
    #[arg(long)]
    request_id: Option<String>,
    /// A CloudWatch Logs filter pattern, applied by the service.
    #[arg(long)]
    filter: Option<String>,
    /// One JSON object per line (NDJSON).
    #[arg(long)]
    json: bool,
}

pub async fn run(command: LogsCommand, session: &Session) -> Result<(), Error> {
    match command {
        LogsCommand::Tail(args) => tail(args, session).await,
        LogsCommand::Get(args) => get(args, session).await,
    }
}

async fn tail(args: TailArgs, session: &Session) -> Result<(), Error> {
    // Every value is checked before the profile's credentials are even resolved.
    let filter = check_filter_pattern(args.filter.as_deref().unwrap_or_default()).map_err(with_option_names)?;
    let backfill = parse_backfill(&args.since).map_err(with_option_names)?;
    for name in &args.functions {
        lambda_deck::functions::names::check_function_name(name)?;
    }
    let connection = session.connection().await?;
    let targets = resolve_targets(&connection, session.store(), &args.functions).await?;
    let client = TailClient::new(&connection, &targets);
    let spec = TailSpec { targets: targets.clone(), filter, backfill, polling_only: args.poll };

    let cancel = CancellationToken::new();
    let printer = Printer::new(targets, args.json, cancel.clone());
    let interrupt = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupt.cancel();
        }
    });
    run_tail(client, spec, TailTimings::default(), move |event| printer.show(event), cancel).await
}

async fn get(args: GetArgs, session: &Session) -> Result<(), Error> {
    let filter = check_filter_pattern(args.filter.as_deref().unwrap_or_default()).map_err(with_option_names)?;
    let (since_ms, until_ms) = parse_range(&args.since, args.until.as_deref(), now_ms()).map_err(with_option_names)?;
    let request_id = args.request_id.as_deref().map(check_request_id).transpose().map_err(with_option_names)?;
    lambda_deck::functions::names::check_function_name(&args.function)?;
    let connection = session.connection().await?;
    let query = LogQuery { function_name: args.function.clone(), since_ms, until_ms, filter, request_id };
    let found = get_lines(&connection, session.store(), &query).await?;
    if found.group_missing {
        eprintln!("ldeck: {} has no log group {} yet: it has not written a line.", args.function, found.log_group);
    }
    if !found.complete {
        eprintln!("ldeck: the range holds more lines than were read; these are the oldest. Narrow --since/--until.");
    }
    let target = TailTarget { function_name: args.function, log_group: found.log_group, log_group_arn: String::new() };
    let printer = Printer::new(vec![target], args.json, CancellationToken::new());
    let mut text = String::new();
    for line in &found.lines {
        text.push_str(&printer.format(line));
    }
    write_stdout(&text)
}

/// Prints what a tail says: lines to stdout, the rest to stderr.
struct Printer {
    targets: Vec<TailTarget>,
    json: bool,
    colour: bool,
    name_width: usize,
    /// Stops the tail when stdout is gone (`ldeck logs tail f | head`).
    cancel: CancellationToken,
}

const FUNCTION_COLOURS: [&str; 6] = ["36", "35", "33", "32", "34", "96"];

impl Printer {
    fn new(targets: Vec<TailTarget>, json: bool, cancel: CancellationToken) -> Arc<Self> {
        let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let name_width = targets.iter().map(|t| t.function_name.len()).max().unwrap_or(0);
        Arc::new(Printer { targets, json, colour, name_width, cancel })
    }

    fn show(&self, event: TailEvent) {
        match event {
            TailEvent::Lines { lines } => {
                let text: String = lines.iter().map(|line| self.format(line)).collect();
                if write_stdout(&text).is_err() {
                    self.cancel.cancel();
                }
            }
            TailEvent::Mode { functions, mode: TailMode::Live, .. } => {
                eprintln!("ldeck: live (Live Tail): {}", self.names(&functions));
            }
            TailEvent::Mode { functions, mode: TailMode::Polling, reason } => {
                let reason = reason.unwrap_or_default();
                eprintln!("ldeck: polling FilterLogEvents ({reason}): {}", self.names(&functions));
            }
            TailEvent::Sampled { functions } => {
                eprintln!(
                    "ldeck: CloudWatch Logs sampled this second's lines (over 500/s): {}",
                    self.names(&functions)
                );
            }
            TailEvent::Reconnected { functions, reason, reread_from_ms, reread_to_ms, recovered } => {
                eprintln!(
                    "ldeck: reconnected ({reason}); re-read {} to {}: {recovered} line(s) recovered: {}",
                    clock(reread_from_ms),
                    clock(reread_to_ms),
                    self.names(&functions)
                );
            }
            TailEvent::Problem { message, .. } => eprintln!("ldeck: {message}"),
        }
    }

    fn names(&self, functions: &[u16]) -> String {
        let names: Vec<&str> = functions
            .iter()
            .filter_map(|i| self.targets.get(usize::from(*i)))
            .map(|t| t.function_name.as_str())
            .collect();
        names.join(", ")
    }

    /// One line of output, ending in a newline.
    fn format(&self, line: &TailLine) -> String {
        let function = self.targets.get(usize::from(line.function)).map(|t| t.function_name.as_str()).unwrap_or("?");
        if self.json {
            return json_line(line, function) + "\n";
        }
        if !self.colour {
            let name = (self.targets.len() > 1).then_some((function, self.name_width));
            return text_line(line, name) + "\n";
        }
        let mut out = clock(line.timestamp_ms);
        out.push(' ');
        if self.targets.len() > 1 {
            let name = format!("{function:width$}", width = self.name_width);
            let colour = FUNCTION_COLOURS[usize::from(line.function) % FUNCTION_COLOURS.len()];
            out.push_str(&format!("\x1b[{colour}m{name}\x1b[0m "));
        }
        // A message's own line breaks (stack traces) stay, indented under it.
        let message = line.message.replace('\n', "\n    ");
        match line.level {
            Some(LogLevel::Error | LogLevel::Fatal) => out.push_str(&format!("\x1b[31m{message}\x1b[0m")),
            Some(LogLevel::Warn) => out.push_str(&format!("\x1b[33m{message}\x1b[0m")),
            _ => out.push_str(&message),
        }
        out.push('\n');
        out
    }
}
