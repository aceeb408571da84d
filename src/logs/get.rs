//! The lines of a function over a time range (`ldeck logs get`), optionally those of one
//! request.

use std::sync::Arc;

use super::groups::resolve_targets;
use super::lines::{LineKind, TailLine};
use super::pattern::FilterPattern;
use super::read::{read_interval, Interval};
use super::tail::TailClient;
use crate::aws::AwsConnection;
use crate::store::Store;
use crate::{Error, FieldError};

/// Pages read at most (10,000 lines each); a longer range is said, not silently cut.
const MAX_PAGES: usize = 50;

#[derive(Debug, Clone)]
pub struct LogQuery {
    pub function_name: String,
    pub since_ms: i64,
    pub until_ms: i64,
    pub filter: Option<FilterPattern>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LogLines {
    pub log_group: String,
    pub lines: Vec<TailLine>,
    /// False when the range held more lines than were read (the oldest were read).
    pub complete: bool,
    /// The log group does not exist (the function never wrote a line).
    pub group_missing: bool,
}

/// Checks a request id as typed: Lambda's are UUIDs, but any id of letters, digits and
/// dashes is looked for.
pub fn check_request_id(typed: &str) -> Result<String, Error> {
    let id = typed.trim();
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::InvalidFields(vec![FieldError::new(
            "request_id",
            format!("\"{typed}\" is not a request id (letters, digits and dashes, e.g. 3f0e2b1c-8d4a-4e6f-9a0b-1c2d3e4f5a6b)."),
        )]));
    }
    Ok(id.to_owned())
}

/// Reads the function's log group over the query's range.
pub async fn get_lines(connection: &AwsConnection, store: &Arc<Store>, query: &LogQuery) -> Result<LogLines, Error> {
    let targets = resolve_targets(connection, store, std::slice::from_ref(&query.function_name)).await?;
    let target = &targets[0];
    let client = TailClient::new(connection, &targets);
    let interval = Interval {
        start_ms: query.since_ms,
        end_ms: Some(query.until_ms),
        filter: query.filter.as_ref(),
        max_pages: MAX_PAGES,
    };
    let reading = match read_interval(&client.logs, &client.endpoint, &target.log_group, interval, &client.pacer).await
    {
        Ok(reading) => reading,
        Err(err @ Error::InvalidInput(_)) => return Err(err),
        Err(err) => return Err(connection.explain(err).await),
    };
    let mut lines: Vec<TailLine> = reading
        .events
        .iter()
        .enumerate()
        .map(|(index, event)| {
            let mut line = TailLine::new(0, event.timestamp_ms, &event.log_stream, &event.message);
            line.seq = index as u32;
            line
        })
        .collect();
    lines.sort_by(|a, b| a.timestamp_ms.total_cmp(&b.timestamp_ms).then(a.seq.cmp(&b.seq)));
    if let Some(request_id) = &query.request_id {
        lines = lines_of_request(&lines, request_id);
    }
    Ok(LogLines {
        log_group: target.log_group.clone(),
        lines,
        complete: reading.complete,
        group_missing: reading.group_missing,
    })
}

/// The lines of one request: those that name it (START, END, REPORT, the runtimes'
/// prefixes, JSON request ids), and in its log stream every line between its START and its
/// END or REPORT (a `print` carries no request id; one environment runs one request at a
/// time, so its stream holds nothing else meanwhile).
pub fn lines_of_request(lines: &[TailLine], request_id: &str) -> Vec<TailLine> {
    let mut open_streams: Vec<&str> = Vec::new();
    let mut selected = Vec::new();
    for line in lines {
        let names_it = line.request_id.as_deref() == Some(request_id);
        let stream = line.log_stream.as_str();
        let inside = open_streams.contains(&stream);
        if names_it && matches!(line.kind, LineKind::Start { .. }) {
            open_streams.push(stream);
        }
        if names_it || inside {
            selected.push(line.clone());
        }
        // REPORT is the request's last line (END comes just before it).
        if names_it && matches!(line.kind, LineKind::Report { .. }) {
            open_streams.retain(|open| *open != stream);
        }
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaa-0000-4000-8000-000000000000";
    const B: &str = "bbbbbbbb-0000-4000-8000-000000000000";

    fn line(stream: &str, message: &str) -> TailLine {
        TailLine::new(0, 1, stream, message)
    }

    fn report(id: &str) -> String {
        format!("REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t")
    }

    #[test]
    fn a_request_is_its_named_lines_and_the_prints_between_its_start_and_report() {
        let lines = vec![
            line("s1", &format!("START RequestId: {A} Version: $LATEST")),
            line("s1", "print without an id"),
            line("s2", &format!("START RequestId: {B} Version: $LATEST")),
            line("s2", "B's print"),
            line("s1", &format!("END RequestId: {A}")),
            line("s1", &report(A)),
            line("s1", "after A"),
            line("s2", &format!(r#"{{"level":"INFO","requestId":"{A}","message":"A named elsewhere"}}"#)),
            line("s2", &report(B)),
        ];
        let messages: Vec<String> = lines_of_request(&lines, A).into_iter().map(|l| l.message).collect();
        assert_eq!(
            messages,
            [
                format!("START RequestId: {A} Version: $LATEST"),
                "print without an id".to_string(),
                format!("END RequestId: {A}"),
                report(A),
                format!(r#"{{"level":"INFO","requestId":"{A}","message":"A named elsewhere"}}"#),
            ]
        );
    }

    #[test]
    fn request_ids_are_checked() {
        assert_eq!(check_request_id(&format!(" {A} ")).unwrap(), A);
        for typo in ["", "a b", "x;rm", &"a".repeat(65)] {
            let Err(Error::InvalidFields(fields)) = check_request_id(typo) else { panic!("{typo:?} was accepted") };
            assert_eq!(fields[0].field, "request_id");
        }
    }
}
