//! One tailed log line, understood the way Lambda writes it.
//!
//! Lambda writes its own START, END and REPORT lines (text format) or `platform.start`,
//! `platform.runtimeDone` and `platform.report` records (JSON format, LoggingConfig
//! LogFormat=JSON). Between them come the function's lines: JSON objects (Lambda's JSON
//! format, Powertools, pino, structlog) or text with the runtime's prefix (Node's
//! `time\trequest id\tLEVEL\tmessage`, Python's `[LEVEL]\ttime\trequest id\tmessage`).
//! Each line is read once, when it arrives, so grouping by request and colouring by level
//! cost nothing later.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::report::{line_level, parse_report_line, LogLevel, ReportFigures};

/// What Lambda's runtime or the function made of a line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineKind {
    /// `START RequestId: … Version: …` or `platform.start`.
    Start { version: Option<String> },
    /// `END RequestId: …` or `platform.runtimeDone`.
    End,
    /// `REPORT …` or `platform.report`: the figures of the request.
    Report { figures: ReportFigures },
    /// A JSON object written by the function.
    Json,
    /// Any other line.
    Text,
}

/// One line of a tail, as the window and `ldeck logs` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TailLine {
    /// Order of arrival within the tail (the window's key for the line).
    pub seq: u32,
    /// Index of the function in the tail's list of functions.
    pub function: u16,
    /// When the line was written, in milliseconds since the epoch (a JavaScript number).
    pub timestamp_ms: f64,
    pub log_stream: String,
    pub message: String,
    pub level: Option<LogLevel>,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    #[serde(flatten)]
    pub kind: LineKind,
}

/// The parts of a line read from its text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedLine {
    pub level: Option<LogLevel>,
    pub request_id: Option<String>,
    pub trace_id: Option<String>,
    pub kind: Option<LineKind>,
}

/// Reads what a line says: its kind, level, request id and trace id.
pub fn parse_line(message: &str) -> ParsedLine {
    let trimmed = message.trim();
    if trimmed.starts_with('{') {
        if let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(trimmed) {
            return parse_json_line(trimmed, &fields);
        }
    }
    parse_text_line(trimmed)
}

const REQUEST_ID_KEYS: [&str; 5] = ["requestId", "request_id", "function_request_id", "awsRequestId", "aws_request_id"];
const TRACE_ID_KEYS: [&str; 5] = ["traceId", "trace_id", "xray_trace_id", "xrayTraceId", "_X_AMZN_TRACE_ID"];

fn parse_json_line(line: &str, fields: &Map<String, Value>) -> ParsedLine {
    let record = fields.get("record").and_then(Value::as_object);
    match fields.get("type").and_then(Value::as_str) {
        Some("platform.start") => {
            return ParsedLine {
                request_id: record.and_then(|r| text_field(r, &["requestId"])),
                trace_id: record.and_then(platform_trace_id),
                kind: Some(LineKind::Start { version: record.and_then(|r| text_field(r, &["version"])) }),
                level: None,
            }
        }
        Some("platform.runtimeDone") => {
            return ParsedLine {
                request_id: record.and_then(|r| text_field(r, &["requestId"])),
                trace_id: record.and_then(platform_trace_id),
                kind: Some(LineKind::End),
                level: None,
            }
        }
        Some("platform.report") => {
            let figures = parse_report_line(line);
            return ParsedLine {
                request_id: record.and_then(|r| text_field(r, &["requestId"])),
                trace_id: record.and_then(platform_trace_id),
                level: record
                    .and_then(|r| r.get("status"))
                    .and_then(Value::as_str)
                    .filter(|status| *status != "success")
                    .map(|_| LogLevel::Error),
                kind: figures.map(|figures| LineKind::Report { figures }),
            };
        }
        _ => {}
    }
    ParsedLine {
        level: line_level(line),
        request_id: text_field(fields, &REQUEST_ID_KEYS),
        trace_id: text_field(fields, &TRACE_ID_KEYS),
        kind: Some(LineKind::Json),
    }
}

/// `platform.*` records carry the trace as `tracing: { type: "X-Amzn-Trace-Id", value: "Root=…;…" }`.
fn platform_trace_id(record: &Map<String, Value>) -> Option<String> {
    let value = record.get("tracing")?.get("value")?.as_str()?;
    value.split(';').find_map(|part| part.strip_prefix("Root=")).map(str::to_owned)
}

fn text_field(fields: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| fields.get(*key).and_then(Value::as_str)).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn parse_text_line(line: &str) -> ParsedLine {
    if let Some(rest) = line.strip_prefix("START RequestId: ") {
        let (request_id, version) = match rest.split_once(" Version: ") {
            Some((id, version)) => (id.trim(), Some(version.trim().to_owned())),
            None => (rest.trim(), None),
        };
        return ParsedLine {
            request_id: Some(request_id.to_owned()),
            kind: Some(LineKind::Start { version }),
            ..ParsedLine::default()
        };
    }
    if let Some(rest) = line.strip_prefix("END RequestId: ") {
        return ParsedLine {
            request_id: Some(rest.trim().to_owned()),
            kind: Some(LineKind::End),
            ..ParsedLine::default()
        };
    }
    if line.starts_with("REPORT ") {
        if let Some(figures) = parse_report_line(line) {
            let trace_id = line
                .split_once("XRAY TraceId: ")
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .map(str::to_owned);
            // `Status: timeout` / `Status: error` follow the figures when the request failed.
            let failed = line.contains("Status: timeout") || line.contains("Status: error");
            return ParsedLine {
                request_id: Some(figures.request_id.clone()),
                trace_id,
                level: failed.then_some(LogLevel::Error),
                kind: Some(LineKind::Report { figures }),
            };
        }
    }
    ParsedLine { level: line_level(line), request_id: runtime_prefix_request_id(line), trace_id: None, kind: None }
}

/// The request id in the runtimes' text prefixes: Node's `time\tid\tLEVEL\tmessage` and
/// Python's `[LEVEL]\ttime\tid\tmessage`.
fn runtime_prefix_request_id(line: &str) -> Option<String> {
    let columns: Vec<&str> = line.splitn(4, '\t').collect();
    let candidate = if line.starts_with('[') { columns.get(2) } else { columns.get(1) };
    candidate.map(|id| id.trim()).filter(|id| looks_like_request_id(id)).map(str::to_owned)
}

/// Lambda's request ids are UUIDs: 36 characters, hex digits and four dashes.
fn looks_like_request_id(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

impl TailLine {
    /// A line read from `message` (a trailing newline is not part of it).
    pub fn new(function: u16, timestamp_ms: i64, log_stream: &str, message: &str) -> Self {
        let message = message.trim_end_matches(['\n', '\r']).to_owned();
        let parsed = parse_line(&message);
        TailLine {
            seq: 0,
            function,
            timestamp_ms: timestamp_ms as f64,
            log_stream: log_stream.to_owned(),
            level: parsed.level,
            request_id: parsed.request_id,
            trace_id: parsed.trace_id,
            kind: parsed.kind.unwrap_or(LineKind::Text),
            message,
        }
    }

    /// The timestamp as an integer (it was one before crossing to JavaScript).
    pub fn timestamp(&self) -> i64 {
        self.timestamp_ms as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f0e2b1c-8d4a-4e6f-9a0b-1c2d3e4f5a6b";

    #[test]
    fn text_start_end_and_report_lines_are_structured() {
        let start = TailLine::new(0, 1, "s", &format!("START RequestId: {ID} Version: $LATEST\n"));
        assert_eq!(start.kind, LineKind::Start { version: Some("$LATEST".into()) });
        assert_eq!(start.request_id.as_deref(), Some(ID));
        assert_eq!(start.message, format!("START RequestId: {ID} Version: $LATEST"));

        let end = TailLine::new(0, 1, "s", &format!("END RequestId: {ID}"));
        assert_eq!((end.kind, end.request_id.as_deref()), (LineKind::End, Some(ID)));

        let report = TailLine::new(
            0,
            1,
            "s",
            &format!("REPORT RequestId: {ID}\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 100.00 ms\tXRAY TraceId: 1-abc-def\tSegmentId: x\tSampled: true\t"),
        );
        let LineKind::Report { figures } = &report.kind else { panic!("not a report: {report:?}") };
        assert_eq!((figures.duration_ms, figures.init_duration_ms), (2.5, Some(100.0)));
        assert_eq!(report.request_id.as_deref(), Some(ID));
        assert_eq!(report.trace_id.as_deref(), Some("1-abc-def"));
        assert_eq!(report.level, None);
    }

    #[test]
    fn a_timed_out_request_reports_as_an_error() {
        let line = format!("REPORT RequestId: {ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout");
        let report = TailLine::new(0, 1, "s", &line);
        assert!(matches!(report.kind, LineKind::Report { .. }));
        assert_eq!(report.level, Some(LogLevel::Error));
    }

    #[test]
    fn json_platform_records_are_structured() {
        let start = TailLine::new(
            0,
            1,
            "s",
            &format!(
                r#"{{"time":"2024-05-01T10:00:00.000Z","type":"platform.start","record":{{"requestId":"{ID}","version":"7","tracing":{{"type":"X-Amzn-Trace-Id","value":"Root=1-aaa-bbb;Parent=c;Sampled=1"}}}}}}"#
            ),
        );
        assert_eq!(start.kind, LineKind::Start { version: Some("7".into()) });
        assert_eq!(start.request_id.as_deref(), Some(ID));
        assert_eq!(start.trace_id.as_deref(), Some("1-aaa-bbb"));

        let done = TailLine::new(
            0,
            1,
            "s",
            &format!(r#"{{"type":"platform.runtimeDone","record":{{"requestId":"{ID}","status":"success"}}}}"#),
        );
        assert_eq!((done.kind, done.request_id.as_deref()), (LineKind::End, Some(ID)));

        let report = TailLine::new(
            0,
            1,
            "s",
            &format!(
                r#"{{"type":"platform.report","record":{{"requestId":"{ID}","status":"error","metrics":{{"durationMs":5.5,"billedDurationMs":6,"memorySizeMB":256,"maxMemoryUsedMB":70}}}}}}"#
            ),
        );
        let LineKind::Report { figures } = &report.kind else { panic!("not a report: {report:?}") };
        assert_eq!((figures.memory_size_mb, figures.max_memory_used_mb), (256, 70));
        assert_eq!(report.level, Some(LogLevel::Error));
    }

    #[test]
    fn powertools_and_lambda_json_application_lines_give_level_request_and_trace() {
        let powertools = TailLine::new(
            0,
            1,
            "s",
            &format!(
                r#"{{"level":"WARNING","location":"handler:12","message":"slow","function_request_id":"{ID}","xray_trace_id":"1-xyz"}}"#
            ),
        );
        assert_eq!(powertools.kind, LineKind::Json);
        assert_eq!(powertools.level, Some(LogLevel::Warn));
        assert_eq!(powertools.request_id.as_deref(), Some(ID));
        assert_eq!(powertools.trace_id.as_deref(), Some("1-xyz"));

        let lambda_json = TailLine::new(
            0,
            1,
            "s",
            &format!(r#"{{"timestamp":"t","level":"ERROR","requestId":"{ID}","message":"boom"}}"#),
        );
        assert_eq!((lambda_json.level, lambda_json.request_id.as_deref()), (Some(LogLevel::Error), Some(ID)));
    }

    #[test]
    fn runtime_text_prefixes_give_level_and_request_id() {
        let node = TailLine::new(0, 1, "s", &format!("2024-05-01T10:00:00.000Z\t{ID}\tERROR\tInvoke Error"));
        assert_eq!(
            (node.level, node.request_id.as_deref(), &node.kind),
            (Some(LogLevel::Error), Some(ID), &LineKind::Text)
        );

        let python = TailLine::new(0, 1, "s", &format!("[WARNING]\t2024-05-01T10:00:00.000Z\t{ID}\tcareful"));
        assert_eq!((python.level, python.request_id.as_deref()), (Some(LogLevel::Warn), Some(ID)));

        let plain = TailLine::new(0, 1, "s", "hello\tworld\tthere");
        assert_eq!((plain.level, plain.request_id, plain.kind), (None, None, LineKind::Text));
    }

    #[test]
    fn a_cut_or_broken_line_stays_text() {
        for line in ["{\"level\":\"INFO\"", "REPORT RequestId: x\tDuration: 1", "START", "[1, 2]"] {
            let parsed = TailLine::new(0, 1, "s", line);
            assert_eq!(parsed.kind, LineKind::Text, "{line}");
        }
    }
}
