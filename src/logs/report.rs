//! Lambda's REPORT line (the figures of one invocation) and the level of a log line.
//!
//! Used by invocation results (the 4 KB `LogResult` tail) and by the live log tail, so it
//! reads both log formats Lambda writes:
//! - text: `REPORT RequestId: …\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size:
//!   128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.12 ms\t`, optionally followed by
//!   SnapStart's `Restore Duration`/`Billed Restore Duration`, X-Ray's `XRAY TraceId: …`
//!   and fields we do not know (e.g. `Status: timeout`), which are skipped;
//! - JSON (LoggingConfig LogFormat=JSON): `{"time":…,"type":"platform.report","record":
//!   {"requestId":…,"metrics":{…},"status":…}}`.
//!
//! The 4 KB tail can cut its first line at any byte, and a line handed over by a caller may
//! be cut at its end, so a figure is taken only when it is present in full: a number counts
//! only when its unit (` ms`, ` MB`) follows it, a line whose start is missing (no leading
//! `REPORT`) is refused, and a line that visibly ends inside a field (a key without its
//! value, a value without its unit, half a key) is refused as a whole. A wrong number is
//! worse than none: the UI shows "no REPORT figures" rather than `Duration: 12 ms` cut
//! from `123.45 ms`.
//!
//! Required: RequestId, Duration, Billed Duration, Memory Size and Max Memory Used — every
//! REPORT line Lambda writes has them, so a line without one of them is cut or not a
//! REPORT line. Init, Restore and Billed Restore Duration are optional (cold starts and
//! SnapStart only).
//!
//! One cut cannot be seen: a text line cut exactly between two fields reads as a complete
//! line without the later fields (a cold start's line cut just before `Init Duration`
//! reads as a warm start). The `LogResult` tail is cut at its start, never at its end, so
//! this only concerns callers that pass lines cut at their end.

use serde::{Deserialize, Serialize};

/// The figures of one REPORT line. Durations in milliseconds, memory in MB, as Lambda
/// reports them (f64 and u32: they cross to JavaScript).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportFigures {
    pub request_id: String,
    pub duration_ms: f64,
    /// What the invocation is billed for (Lambda rounds up to the millisecond).
    pub billed_duration_ms: f64,
    pub memory_size_mb: u32,
    /// The most memory used; when invocations share an execution environment Lambda
    /// reports the maximum across them.
    pub max_memory_used_mb: u32,
    /// Present on a cold start only: the time spent initializing the environment.
    pub init_duration_ms: Option<f64>,
    /// SnapStart: the time spent restoring the snapshot (instead of Init Duration).
    pub restore_duration_ms: Option<f64>,
    /// SnapStart: the part of the restore that is billed.
    pub billed_restore_duration_ms: Option<f64>,
}

impl ReportFigures {
    /// Whether this invocation started a new execution environment: Lambda reports an
    /// Init Duration (or, with SnapStart, a Restore Duration) only then.
    pub fn cold_start(&self) -> bool {
        self.init_duration_ms.is_some() || self.restore_duration_ms.is_some()
    }
}

/// The figures of one log line, if it is a complete REPORT line in the text or the JSON
/// format; `None` for any other line, and for a REPORT line cut where it shows (see the
/// module documentation).
pub fn parse_report_line(line: &str) -> Option<ReportFigures> {
    let trimmed = line.trim();
    if trimmed.starts_with('{') {
        parse_json(trimmed)
    } else {
        parse_text(trimmed)
    }
}

/// The REPORT figures in a log tail or a list of log lines (one per line). The last REPORT
/// wins: a tail can hold several invocations and the newest is last. With `request_id`,
/// only the REPORT of that request counts (the tail of a warm function also holds earlier
/// invocations).
pub fn find_report(log: &str, request_id: Option<&str>) -> Option<ReportFigures> {
    // From the end: the newest REPORT is found first.
    log.lines().rev().filter_map(parse_report_line).find(|figures| request_id.is_none_or(|id| figures.request_id == id))
}

// --- Text format -------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    RequestId,
    Duration,
    BilledDuration,
    MemorySize,
    MaxMemoryUsed,
    InitDuration,
    RestoreDuration,
    BilledRestoreDuration,
}

/// The keys of the text format, as words: fields are separated by tabs in Lambda's output
/// but may arrive with spaces (copied from a console), so keys are matched word by word.
const KEYS: &[(&[&str], Field)] = &[
    (&["RequestId:"], Field::RequestId),
    (&["Duration:"], Field::Duration),
    (&["Billed", "Duration:"], Field::BilledDuration),
    (&["Memory", "Size:"], Field::MemorySize),
    (&["Max", "Memory", "Used:"], Field::MaxMemoryUsed),
    (&["Init", "Duration:"], Field::InitDuration),
    (&["Restore", "Duration:"], Field::RestoreDuration),
    (&["Billed", "Restore", "Duration:"], Field::BilledRestoreDuration),
];

impl Field {
    /// The unit word that must follow the value; `None` for the request id.
    fn unit(self) -> Option<&'static str> {
        match self {
            Field::RequestId => None,
            Field::MemorySize | Field::MaxMemoryUsed => Some("MB"),
            _ => Some("ms"),
        }
    }
}

/// The fields found so far; each may be set once (a repeated field means the line is not
/// what we think it is).
#[derive(Default)]
struct Found<'a> {
    request_id: Option<&'a str>,
    duration_ms: Option<f64>,
    billed_duration_ms: Option<f64>,
    memory_size_mb: Option<u32>,
    max_memory_used_mb: Option<u32>,
    init_duration_ms: Option<f64>,
    restore_duration_ms: Option<f64>,
    billed_restore_duration_ms: Option<f64>,
}

impl<'a> Found<'a> {
    /// Records `value` for `field`; `None` when it does not parse or was already set.
    fn set(&mut self, field: Field, value: &'a str) -> Option<()> {
        match field {
            Field::RequestId => set_once(&mut self.request_id, value),
            Field::Duration => set_once(&mut self.duration_ms, decimal(value)?),
            Field::BilledDuration => set_once(&mut self.billed_duration_ms, decimal(value)?),
            Field::MemorySize => set_once(&mut self.memory_size_mb, whole(value)?),
            Field::MaxMemoryUsed => set_once(&mut self.max_memory_used_mb, whole(value)?),
            Field::InitDuration => set_once(&mut self.init_duration_ms, decimal(value)?),
            Field::RestoreDuration => set_once(&mut self.restore_duration_ms, decimal(value)?),
            Field::BilledRestoreDuration => set_once(&mut self.billed_restore_duration_ms, decimal(value)?),
        }
    }

    fn finish(self) -> Option<ReportFigures> {
        Some(ReportFigures {
            request_id: self.request_id?.to_owned(),
            duration_ms: self.duration_ms?,
            billed_duration_ms: self.billed_duration_ms?,
            memory_size_mb: self.memory_size_mb?,
            max_memory_used_mb: self.max_memory_used_mb?,
            init_duration_ms: self.init_duration_ms,
            restore_duration_ms: self.restore_duration_ms,
            billed_restore_duration_ms: self.billed_restore_duration_ms,
        })
    }
}

fn set_once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

fn parse_text(line: &str) -> Option<ReportFigures> {
    // A line whose start was cut has no leading `REPORT` word: refused, as its first field
    // may be cut too.
    let rest = line.strip_prefix("REPORT")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    let mut found = Found::default();
    let mut at = 0;
    while at < words.len() {
        let remaining = &words[at..];
        if let Some((key, field)) = KEYS.iter().find(|(key, _)| remaining.starts_with(key)) {
            let value_at = at + key.len();
            // A key without its value (or a value without its unit) is a cut line.
            let value = words.get(value_at)?;
            at = value_at + 1;
            if let Some(unit) = field.unit() {
                if words.get(at) != Some(&unit) {
                    return None;
                }
                at += 1;
            }
            found.set(*field, value)?;
        } else if is_cut_key(remaining) {
            return None;
        } else {
            // An unknown field (XRAY TraceId, Status, …) or its value.
            at += 1;
        }
    }
    found.finish()
}

/// Whether the last words of a line are the beginning of a key (`Init Dur`): the line was
/// cut inside that field, so a figure it would have carried is missing.
fn is_cut_key(remaining: &[&str]) -> bool {
    let Some((last, whole_words)) = remaining.split_last() else {
        return false;
    };
    KEYS.iter().any(|(key, _)| {
        whole_words.len() < key.len()
            && key.starts_with(whole_words)
            && key[whole_words.len()].starts_with(last)
            && (whole_words.len() + 1 < key.len() || key[whole_words.len()] != *last)
    })
}

/// A non-negative decimal as Lambda writes it (`12.34`, `13`); nothing else (no sign, no
/// exponent, no `inf`).
fn decimal(text: &str) -> Option<f64> {
    let (whole_part, fraction) = match text.split_once('.') {
        Some((whole_part, fraction)) => (whole_part, Some(fraction)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole_part) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    text.parse().ok()
}

fn whole(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

// --- JSON format -------------------------------------------------------------------
//
// Field names from the Lambda Telemetry API `Event` schema reference (the JSON system log
// events have the same shape): `platform.report` has a `record` with `requestId`,
// `metrics` and `status`, and `ReportMetrics` is `billedDurationMs: Integer, durationMs:
// Double, initDurationMs?: Double, maxMemoryUsedMB: Integer, memorySizeMB: Integer,
// restoreDurationMs?: Double`
// (https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html, also in
// awsdocs/aws-lambda-developer-guide doc_source/telemetry-schema-reference.md).
// `billedRestoreDurationMs` is not in that table; it appears beside `restoreDurationMs`
// in SnapStart `platform.report` records, so it is read when present.

#[derive(Deserialize)]
struct JsonLine {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    record: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonRecord {
    request_id: String,
    metrics: JsonMetrics,
}

#[derive(Deserialize)]
struct JsonMetrics {
    #[serde(rename = "durationMs")]
    duration_ms: f64,
    #[serde(rename = "billedDurationMs")]
    billed_duration_ms: f64,
    #[serde(rename = "memorySizeMB")]
    memory_size_mb: u32,
    #[serde(rename = "maxMemoryUsedMB")]
    max_memory_used_mb: u32,
    #[serde(rename = "initDurationMs", default)]
    init_duration_ms: Option<f64>,
    #[serde(rename = "restoreDurationMs", default)]
    restore_duration_ms: Option<f64>,
    #[serde(rename = "billedRestoreDurationMs", default)]
    billed_restore_duration_ms: Option<f64>,
}

/// A JSON line is complete or does not parse at all, so a cut JSON REPORT gives `None`.
fn parse_json(line: &str) -> Option<ReportFigures> {
    if !line.contains("platform.report") {
        return None;
    }
    let event: JsonLine = serde_json::from_str(line).ok()?;
    if event.kind != "platform.report" {
        return None;
    }
    let record: JsonRecord = serde_json::from_value(event.record).ok()?;
    let metrics = record.metrics;
    Some(ReportFigures {
        request_id: record.request_id,
        duration_ms: metrics.duration_ms,
        billed_duration_ms: metrics.billed_duration_ms,
        memory_size_mb: metrics.memory_size_mb,
        max_memory_used_mb: metrics.max_memory_used_mb,
        init_duration_ms: metrics.init_duration_ms,
        restore_duration_ms: metrics.restore_duration_ms,
        billed_restore_duration_ms: metrics.billed_restore_duration_ms,
    })
}

// --- Log levels --------------------------------------------------------------------

/// The level of a log line, for colouring it. Ordered from the least to the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

/// The level of one log line, when the line says it; `None` for lines without a level
/// (START/END/REPORT, plain `print` output). Recognized:
/// - JSON lines with a `level`, `levelname` or `severity` field (Lambda's JSON format,
///   Powertools, structlog; pino's numeric levels too), or with an `errorType` field;
/// - Python's `[ERROR]\t2024-…` prefix;
/// - Node's (and .NET's) `2024-…\t<request id>\tERROR\tmessage`;
/// - `Traceback …` and lines containing `"errorType"` (an error object), as errors.
pub fn line_level(line: &str) -> Option<LogLevel> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(trimmed) {
            let named = ["level", "levelname", "severity"].iter().find_map(|key| fields.get(*key).and_then(json_level));
            if named.is_some() {
                return named;
            }
            if fields.contains_key("errorType") {
                return Some(LogLevel::Error);
            }
            return None;
        }
    }
    if let Some((word, _)) = trimmed.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        if let Some(level) = level_word(word) {
            return Some(level);
        }
    }
    let mut columns = trimmed.split('\t');
    if let (Some(time), Some(_request_id), Some(word)) = (columns.next(), columns.next(), columns.next()) {
        if looks_like_timestamp(time) {
            if let Some(level) = level_word(word.trim()) {
                return Some(level);
            }
        }
    }
    if trimmed.starts_with("Traceback") || trimmed.contains("\"errorType\"") {
        return Some(LogLevel::Error);
    }
    None
}

fn json_level(value: &serde_json::Value) -> Option<LogLevel> {
    match value {
        serde_json::Value::String(word) => level_word(word.trim()),
        // pino writes its levels as numbers.
        serde_json::Value::Number(number) => match number.as_u64()? {
            10 => Some(LogLevel::Trace),
            20 => Some(LogLevel::Debug),
            30 => Some(LogLevel::Info),
            40 => Some(LogLevel::Warn),
            50 => Some(LogLevel::Error),
            60 => Some(LogLevel::Fatal),
            _ => None,
        },
        _ => None,
    }
}

fn level_word(word: &str) -> Option<LogLevel> {
    // Longest level word we know ("information", "emergency"); saves lowercasing long text.
    if word.is_empty() || word.len() > 11 {
        return None;
    }
    match word.to_ascii_lowercase().as_str() {
        "trace" => Some(LogLevel::Trace),
        "debug" => Some(LogLevel::Debug),
        "info" | "information" | "notice" => Some(LogLevel::Info),
        "warn" | "warning" => Some(LogLevel::Warn),
        "error" | "err" => Some(LogLevel::Error),
        "fatal" | "critical" | "crit" | "emergency" | "alert" => Some(LogLevel::Fatal),
        _ => None,
    }
}

/// `2024-01-31T…`: four digits and a dash, enough to tell Node's tab format from text that
/// merely contains tabs.
fn looks_like_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const ID: &str = "3f0e2b1c-8d4a-4e6f-9a0b-1c2d3e4f5a6b";

    fn warm_line() -> String {
        format!(
            "REPORT RequestId: {ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t"
        )
    }

    fn cold_line() -> String {
        format!(
            "REPORT RequestId: {ID}\tDuration: 123.45 ms\tBilled Duration: 124 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.12 ms\t"
        )
    }

    fn figures(duration: f64, billed: f64, init: Option<f64>) -> ReportFigures {
        ReportFigures {
            request_id: ID.to_owned(),
            duration_ms: duration,
            billed_duration_ms: billed,
            memory_size_mb: 128,
            max_memory_used_mb: 64,
            init_duration_ms: init,
            restore_duration_ms: None,
            billed_restore_duration_ms: None,
        }
    }

    #[test]
    fn warm_text_line() {
        let parsed = parse_report_line(&warm_line()).unwrap();
        assert_eq!(parsed, figures(12.34, 13.0, None));
        assert!(!parsed.cold_start());
    }

    #[test]
    fn cold_text_line_has_init_duration() {
        let parsed = parse_report_line(&cold_line()).unwrap();
        assert_eq!(parsed, figures(123.45, 124.0, Some(150.12)));
        assert!(parsed.cold_start());
    }

    #[test]
    fn spaces_instead_of_tabs_and_trailing_whitespace() {
        let line = format!(
            "REPORT RequestId: {ID} Duration: 123.45 ms Billed Duration: 124 ms Memory Size: 128 MB Max Memory Used: 64 MB Init Duration: 150.12 ms  \r"
        );
        assert_eq!(parse_report_line(&line), Some(figures(123.45, 124.0, Some(150.12))));
    }

    #[test]
    fn snapstart_restore_line() {
        let line = format!(
            "REPORT RequestId: {ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tRestore Duration: 300.00 ms\tBilled Restore Duration: 120 ms\t"
        );
        let parsed = parse_report_line(&line).unwrap();
        assert_eq!(parsed.restore_duration_ms, Some(300.0));
        assert_eq!(parsed.billed_restore_duration_ms, Some(120.0));
        assert_eq!(parsed.init_duration_ms, None);
        assert!(parsed.cold_start());
    }

    #[test]
    fn xray_and_unknown_fields_are_ignored() {
        let line = format!(
            "{}XRAY TraceId: 1-5e1b4151-5ac6c58f5bd4b2a1c8e4a2b5\tSegmentId: 6d5a7b2c1e0f3a4b\tSampled: true\tStatus: timeout\t",
            cold_line()
        );
        assert_eq!(parse_report_line(&line), Some(figures(123.45, 124.0, Some(150.12))));
    }

    #[test]
    fn other_lines_are_not_reports() {
        for line in [
            "",
            "START RequestId: 3f0e Version: $LATEST",
            "END RequestId: 3f0e",
            "REPORTED to the user",
            "2024-01-01T00:00:00.000Z\t3f0e\tINFO\tREPORT RequestId: x",
            "{\"level\":\"INFO\",\"message\":\"platform.report\"}",
        ] {
            assert_eq!(parse_report_line(line), None, "{line:?}");
        }
    }

    #[test]
    fn missing_required_field_gives_none() {
        let line = format!("REPORT RequestId: {ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t");
        assert_eq!(parse_report_line(&line), None);
    }

    #[test]
    fn malformed_numbers_give_none() {
        for duration in ["-1.0", "1e3", "inf", "12.", ".5", "12,34", "NaN"] {
            let line = warm_line().replace("12.34", duration);
            assert_eq!(parse_report_line(&line), None, "{duration}");
        }
        let line = warm_line().replace("128 MB", "99999999999 MB");
        assert_eq!(parse_report_line(&line), None);
    }

    #[test]
    fn repeated_field_gives_none() {
        let line = format!("{}Duration: 99.00 ms\t", warm_line());
        assert_eq!(parse_report_line(&line), None);
    }

    #[test]
    fn end_cut_inside_a_field_gives_none() {
        let line = cold_line();
        for cut_after in [
            "Duration: 12",          // `Duration: 12` cut from `123.45 ms`: never 12
            "Duration: 123.45",      // the number without its unit
            "Duration: 123.45 m",    // half the unit
            "Billed Duration: 12",   // a required figure cut
            "Max Memory Used: 6",    // memory cut
            "Max Memory Used: 64 M", // half a memory unit
            "Init Duration: 150.1",  // the optional figure cut: refused, not dropped
            "Init Duration:",        // key without value
            "Init Dur",              // half a key
            "\tIn",                  // the first letters of a key
            "\tI",
        ] {
            let end = line.find(cut_after).unwrap() + cut_after.len();
            assert_eq!(parse_report_line(&line[..end]), None, "cut after {cut_after:?}");
        }
    }

    #[test]
    fn end_cut_between_fields_reads_as_a_shorter_line() {
        // The one cut a parser cannot see (module documentation): what remains is exact.
        let line = cold_line();
        let end = line.find("Init").unwrap();
        assert_eq!(parse_report_line(&line[..end]), Some(figures(123.45, 124.0, None)));
    }

    #[test]
    fn start_cut_gives_none() {
        let line = cold_line();
        for start in [1, 3, 6, 7, 10, 17, 20, line.find("Duration").unwrap()] {
            assert_eq!(parse_report_line(&line[start..]), None, "start {start}");
        }
    }

    fn json_line(metrics: &str) -> String {
        format!(
            r#"{{"time":"2024-05-01T10:00:00.000Z","type":"platform.report","record":{{"requestId":"{ID}","metrics":{metrics},"status":"success"}}}}"#
        )
    }

    #[test]
    fn json_format_cold() {
        let line = json_line(
            r#"{"durationMs":123.45,"billedDurationMs":124,"memorySizeMB":128,"maxMemoryUsedMB":64,"initDurationMs":150.12}"#,
        );
        assert_eq!(parse_report_line(&line), Some(figures(123.45, 124.0, Some(150.12))));
    }

    #[test]
    fn json_format_warm_with_spans_and_tracing() {
        let line = format!(
            r#"{{"time":"2024-05-01T10:00:00.000Z","type":"platform.report","record":{{"requestId":"{ID}","metrics":{{"durationMs":12.34,"billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":64}},"tracing":{{"type":"X-Amzn-Trace-Id","value":"Root=1-abc"}},"spans":[],"status":"success"}}}}"#
        );
        let parsed = parse_report_line(&line).unwrap();
        assert_eq!(parsed, figures(12.34, 13.0, None));
    }

    #[test]
    fn json_format_snapstart() {
        let line = json_line(
            r#"{"durationMs":147.156,"billedDurationMs":201,"memorySizeMB":512,"maxMemoryUsedMB":91,"restoreDurationMs":500.795,"billedRestoreDurationMs":53}"#,
        );
        let parsed = parse_report_line(&line).unwrap();
        assert_eq!(parsed.restore_duration_ms, Some(500.795));
        assert_eq!(parsed.billed_restore_duration_ms, Some(53.0));
        assert!(parsed.cold_start());
    }

    #[test]
    fn json_other_events_and_cut_lines_give_none() {
        let start = format!(
            r#"{{"time":"2024-05-01T10:00:00.000Z","type":"platform.start","record":{{"requestId":"{ID}","version":"$LATEST"}}}}"#
        );
        assert_eq!(parse_report_line(&start), None);
        let line = json_line(r#"{"durationMs":123.45,"billedDurationMs":124,"memorySizeMB":128,"maxMemoryUsedMB":64}"#);
        for end in [line.len() - 1, line.len() - 2, line.find("123.4").unwrap() + 5] {
            assert_eq!(parse_report_line(&line[..end]), None, "end {end}");
        }
        assert_eq!(parse_report_line(&line[1..]), None);
        let missing = json_line(r#"{"durationMs":123.45,"billedDurationMs":124,"memorySizeMB":128}"#);
        assert_eq!(parse_report_line(&missing), None);
    }

    #[test]
    fn find_report_takes_the_last_report() {
        let tail = format!(
            "ORT RequestId: aaaa\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t\n\
             START RequestId: first Version: $LATEST\n\
             2024-05-01T10:00:00.000Z\tfirst\tINFO\thello\n\
             END RequestId: first\n\
             REPORT RequestId: first\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 99.00 ms\t\n\
             START RequestId: {ID} Version: $LATEST\n\
             END RequestId: {ID}\n\
             {}\n",
            warm_line()
        );
        assert_eq!(find_report(&tail, None), Some(figures(12.34, 13.0, None)));
        assert_eq!(find_report(&tail, Some(ID)), Some(figures(12.34, 13.0, None)));
        let first = find_report(&tail, Some("first")).unwrap();
        assert_eq!(first.duration_ms, 5.0);
        assert_eq!(first.init_duration_ms, Some(99.0));
        assert_eq!(find_report(&tail, Some("aaaa")), None, "the cut first line does not count");
        assert_eq!(find_report(&tail, Some("other")), None);
        assert_eq!(find_report("", None), None);
    }

    #[test]
    fn find_report_reads_json_lines_and_crlf() {
        let log = format!(
            "{}\r\n{{\"timestamp\":\"2024-05-01T10:00:00Z\",\"level\":\"INFO\",\"message\":\"x\"}}\r\n",
            json_line(r#"{"durationMs":12.34,"billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":64}"#)
        );
        assert_eq!(find_report(&log, Some(ID)), Some(figures(12.34, 13.0, None)));
    }

    #[test]
    fn levels_of_json_lines() {
        let cases = [
            (r#"{"timestamp":"2024-05-01T10:00:00Z","level":"INFO","message":"hi"}"#, Some(LogLevel::Info)),
            (r#"{"levelname":"warning","message":"careful"}"#, Some(LogLevel::Warn)),
            (r#"{"severity":"ERR","message":"boom"}"#, Some(LogLevel::Error)),
            (r#"{"level":"Debug"}"#, Some(LogLevel::Debug)),
            (r#"{"level":"TRACE"}"#, Some(LogLevel::Trace)),
            (r#"{"level":"critical"}"#, Some(LogLevel::Fatal)),
            (r#"{"level":50,"msg":"pino"}"#, Some(LogLevel::Error)),
            (r#"{"errorType":"TypeError","errorMessage":"x is undefined"}"#, Some(LogLevel::Error)),
            (r#"{"level":"verbose"}"#, None),
            (r#"{"time":"2024-05-01T10:00:00Z","type":"platform.start","record":{}}"#, None),
        ];
        for (line, level) in cases {
            assert_eq!(line_level(line), level, "{line}");
        }
    }

    #[test]
    fn levels_of_runtime_text_formats() {
        let cases = [
            ("[ERROR]\t2024-05-01T10:00:00.000Z\t3f0e\tsomething failed", Some(LogLevel::Error)),
            ("[INFO]\t2024-05-01T10:00:00.000Z\t3f0e\thello", Some(LogLevel::Info)),
            ("[WARNING]\t2024-05-01T10:00:00.000Z\t3f0e\thm", Some(LogLevel::Warn)),
            ("[ERROR] Runtime.ImportModuleError: Unable to import module 'app'", Some(LogLevel::Error)),
            ("2024-05-01T10:00:00.000Z\t3f0e\tERROR\tInvoke Error", Some(LogLevel::Error)),
            ("2024-05-01T10:00:00.000Z\t3f0e\tWARN\tdeprecated", Some(LogLevel::Warn)),
            ("2024-05-01T10:00:00.000Z\t3f0e\tINFO\thello", Some(LogLevel::Info)),
            ("2024-05-01T10:00:00.000Z\t3f0e\thello without a level", None),
            ("Traceback (most recent call last):", Some(LogLevel::Error)),
            ("2024-05-01T10:00:00.000Z\t3f0e\tERROR\t{\"errorType\":\"Error\"}", Some(LogLevel::Error)),
            ("Unhandled: {\"errorType\":\"Error\",\"errorMessage\":\"boom\"}", Some(LogLevel::Error)),
            ("START RequestId: 3f0e Version: $LATEST", None),
            ("[1, 2, 3]", None),
            ("just some text\twith\ttabs", None),
            ("", None),
        ];
        for (line, level) in cases {
            assert_eq!(line_level(line), level, "{line:?}");
        }
    }

    #[test]
    fn levels_serialize_in_snake_case() {
        assert_eq!(serde_json::to_string(&LogLevel::Warn).unwrap(), "\"warn\"");
        assert!(LogLevel::Error > LogLevel::Warn);
    }

    // --- Properties ----------------------------------------------------------------

    /// Figures as Lambda prints them: durations with two decimals, whole billed figures.
    fn figures_strategy() -> impl Strategy<Value = ReportFigures> {
        let hundredths = || 0u32..=90_000_000;
        (
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            hundredths(),
            1u32..=900_000,
            128u32..=10_240,
            1u32..=10_240,
            proptest::option::of(hundredths()),
            proptest::option::of((hundredths(), 1u32..=900_000)),
        )
            .prop_map(|(request_id, duration, billed, memory, used, init, restore)| ReportFigures {
                request_id,
                duration_ms: f64::from(duration) / 100.0,
                billed_duration_ms: f64::from(billed),
                memory_size_mb: memory,
                max_memory_used_mb: used,
                init_duration_ms: init.map(|h| f64::from(h) / 100.0),
                restore_duration_ms: restore.map(|(h, _)| f64::from(h) / 100.0),
                billed_restore_duration_ms: restore.map(|(_, billed)| f64::from(billed)),
            })
    }

    /// `12.34` with exactly two decimals, as Lambda writes durations.
    fn two_decimals(value: f64) -> String {
        format!("{value:.2}")
    }

    fn text_line(f: &ReportFigures, sep: &str, xray: bool) -> String {
        let mut line = format!(
            "REPORT RequestId: {}{sep}Duration: {} ms{sep}Billed Duration: {} ms{sep}Memory Size: {} MB{sep}Max Memory Used: {} MB{sep}",
            f.request_id,
            two_decimals(f.duration_ms),
            f.billed_duration_ms,
            f.memory_size_mb,
            f.max_memory_used_mb
        );
        if let Some(init) = f.init_duration_ms {
            line.push_str(&format!("Init Duration: {} ms{sep}", two_decimals(init)));
        }
        if let (Some(restore), Some(billed)) = (f.restore_duration_ms, f.billed_restore_duration_ms) {
            line.push_str(&format!(
                "Restore Duration: {} ms{sep}Billed Restore Duration: {billed} ms{sep}",
                two_decimals(restore)
            ));
        }
        if xray {
            line.push_str(&format!(
                "XRAY TraceId: 1-5e1b4151-5ac6c58f5bd4b2a1{sep}SegmentId: 6d5a7b2c1e0f3a4b{sep}Sampled: true{sep}"
            ));
        }
        line
    }

    fn json_report(f: &ReportFigures) -> String {
        let mut metrics = serde_json::json!({
            "durationMs": f.duration_ms,
            "billedDurationMs": f.billed_duration_ms as u64,
            "memorySizeMB": f.memory_size_mb,
            "maxMemoryUsedMB": f.max_memory_used_mb,
        });
        if let Some(init) = f.init_duration_ms {
            metrics["initDurationMs"] = init.into();
        }
        if let Some(restore) = f.restore_duration_ms {
            metrics["restoreDurationMs"] = restore.into();
        }
        if let Some(billed) = f.billed_restore_duration_ms {
            metrics["billedRestoreDurationMs"] = (billed as u64).into();
        }
        serde_json::json!({
            "time": "2024-05-01T10:00:00.000Z",
            "type": "platform.report",
            "record": { "requestId": f.request_id, "metrics": metrics, "status": "success" },
        })
        .to_string()
    }

    /// What a cut line may yield: nothing, or the original figures where an optional figure
    /// may be missing (a cut exactly between fields); never a different number.
    fn consistent_with(original: &ReportFigures, parsed: &ReportFigures) -> bool {
        let optional_ok = |got: Option<f64>, want: Option<f64>| got.is_none() || got == want;
        parsed.request_id == original.request_id
            && parsed.duration_ms == original.duration_ms
            && parsed.billed_duration_ms == original.billed_duration_ms
            && parsed.memory_size_mb == original.memory_size_mb
            && parsed.max_memory_used_mb == original.max_memory_used_mb
            && optional_ok(parsed.init_duration_ms, original.init_duration_ms)
            && optional_ok(parsed.restore_duration_ms, original.restore_duration_ms)
            && optional_ok(parsed.billed_restore_duration_ms, original.billed_restore_duration_ms)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn formatted_lines_parse_back(f in figures_strategy(), tabs in any::<bool>(), xray in any::<bool>()) {
            let line = text_line(&f, if tabs { "\t" } else { " " }, xray);
            prop_assert_eq!(parse_report_line(&line), Some(f.clone()));
            prop_assert_eq!(parse_report_line(&json_report(&f)), Some(f));
        }

        #[test]
        fn cut_lines_never_give_other_figures(f in figures_strategy(), tabs in any::<bool>(), xray in any::<bool>()) {
            let text = text_line(&f, if tabs { "\t" } else { " " }, xray);
            for cut in 0..text.len() {
                if let Some(parsed) = parse_report_line(&text[..cut]) {
                    prop_assert!(consistent_with(&f, &parsed), "end cut at {}: {:?}", cut, parsed);
                }
                if cut > 0 {
                    prop_assert_eq!(parse_report_line(&text[cut..]), None, "start cut at {}", cut);
                }
            }
            // JSON is all or nothing.
            let json = json_report(&f);
            for cut in 1..json.len() {
                prop_assert_eq!(parse_report_line(&json[..cut]), None);
                prop_assert_eq!(parse_report_line(&json[cut..]), None);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*", report_words in "(REPORT |RequestId: |Duration: |Init |ms |MB |[0-9.]{1,6} |\t|\\{|\"level\":)*") {
            let _ = parse_report_line(&text);
            let _ = line_level(&text);
            let _ = find_report(&text, Some("x"));
            let _ = parse_report_line(&report_words);
            let _ = line_level(&report_words);
        }
    }
}
