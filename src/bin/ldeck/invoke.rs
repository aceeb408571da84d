//! `ldeck invoke FUNCTION …`: runs a saved event or a payload, as `aws lambda invoke`
//! users expect — the payload on stdout, the log tail on stderr — with the REPORT
//! figures and the cost; the exit status is 0 only when the function succeeded, so CI
//! can gate on it. Every invocation goes into the history the app shows.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use lambda_deck::events::library::{EventLibrary, InvocationKind};
use lambda_deck::invoke::{self, InvocationRecord, InvokeRequest, StreamChunk};
use lambda_deck::session::Session;
use lambda_deck::Error;
use tokio_util::sync::CancellationToken;

use crate::render::{self, write_stdout};

#[derive(Debug, Args)]
pub struct InvokeArgs {
    /// A function name or ARN.
    function: String,
    /// `-` reads the payload from stdin.
    #[arg(value_parser = ["-"], conflicts_with_all = ["event", "payload_file", "payload"])]
    stdin: Option<String>,
    /// A saved event of the function (its payload, type and qualifier; flags override them).
    #[arg(long, conflicts_with_all = ["payload_file", "payload"])]
    event: Option<String>,
    /// A file holding the payload.
    #[arg(long, conflicts_with = "payload")]
    payload_file: Option<PathBuf>,
    /// The payload as JSON text (default `{}`).
    #[arg(long)]
    payload: Option<String>,
    /// A version or alias (default $LATEST).
    #[arg(long)]
    qualifier: Option<String>,
    /// request (RequestResponse, with the log tail), event (async), dry-run, or stream
    /// (InvokeWithResponseStream).
    #[arg(long = "type")]
    kind: Option<String>,
    /// A JSON object passed to the function as its client context.
    #[arg(long)]
    client_context: Option<String>,
    /// Print the whole record (payload, error, log, figures, cost) as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: InvokeArgs, session: &Session) -> Result<ExitCode, Error> {
    let kind_flag = args.kind.as_deref().map(parse_kind).transpose()?;
    let mut request = InvokeRequest {
        function_name: args.function.clone(),
        qualifier: args.qualifier.clone(),
        kind: kind_flag.unwrap_or_default(),
        payload: String::new(),
        client_context: args.client_context.clone(),
        event_name: None,
    };
    if let Some(name) = &args.event {
        let library = EventLibrary::new(session.store().clone(), session.scope().await?);
        let event = library.get(&args.function, name).await?;
        request.payload = event.payload;
        request.kind = kind_flag.unwrap_or(event.invocation_kind);
        request.qualifier = args.qualifier.clone().or(event.qualifier);
        request.event_name = Some(event.name);
    } else {
        request.payload =
            read_payload(args.payload.clone(), args.payload_file.clone(), args.stdin.is_some())?.unwrap_or_default();
    }
    // Every value is checked before the profile's credentials are even resolved.
    invoke::check_request(&request).map_err(crate::with_option_names)?;
    let connection = session.connection().await?;

    let streaming_to_stdout = request.kind == InvocationKind::Stream && !args.json;
    let mut streamed_newline = true;
    let mut on_chunk = |chunk: StreamChunk| {
        if streaming_to_stdout && !chunk.text.is_empty() {
            let _ = write_stdout(&chunk.text);
            streamed_newline = chunk.text.ends_with('\n');
        }
    };
    let mut record = invoke::invoke(&connection, session.store(), &request, &mut on_chunk).await?;
    if record.expects_log() && record.report.is_none() {
        record = invoke::fill_in_figures(&connection, session.store(), record.id, &CancellationToken::new()).await?;
    }

    if args.json {
        write_stdout(&render::json(&record)?)?;
    } else {
        if !streaming_to_stdout {
            if let Some(payload) = &record.response_payload {
                write_stdout(&format!("{}\n", payload.trim_end_matches('\n')))?;
            }
        } else if !streamed_newline {
            write_stdout("\n")?;
        }
        eprint!("{}", render::invocation_summary(&record));
    }
    Ok(exit_status(&record))
}

/// 0 only when the function did what was asked.
fn exit_status(record: &InvocationRecord) -> ExitCode {
    if record.outcome.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

pub fn parse_kind(text: &str) -> Result<InvocationKind, Error> {
    InvocationKind::parse(text).ok_or_else(|| {
        Error::InvalidInput(format!("--type: \"{text}\" is not an invocation type (request, event, dry-run, stream)."))
    })
}

/// The payload from `--payload`, `--payload-file` (`-` is stdin) or stdin; `None` when
/// none was given.
pub fn read_payload(payload: Option<String>, file: Option<PathBuf>, stdin: bool) -> Result<Option<String>, Error> {
    let read_stdin = || {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map(|_| text)
            .map_err(|e| Error::InvalidInput(format!("Cannot read the payload from stdin: {e}")))
    };
    match (payload, file) {
        (Some(payload), _) => Ok(Some(payload)),
        (None, Some(file)) if file.as_os_str() == "-" => read_stdin().map(Some),
        (None, Some(file)) => std::fs::read_to_string(&file)
            .map(Some)
            .map_err(|e| Error::InvalidInput(format!("--payload-file: cannot read {}: {e}", file.display()))),
        (None, None) if stdin => read_stdin().map(Some),
        (None, None) => Ok(None),
    }
}
