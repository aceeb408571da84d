//! One invocation as the history keeps it and the result view shows it.

use serde::{Deserialize, Serialize};

use super::call::CallAnswer;
use super::pricing::{estimate_cost, CostEstimate};
use super::request::{CheckedRequest, InvokeRequest};
use crate::events::library::InvocationKind;
use crate::functions::FunctionDetails;
use crate::logs::report::{find_report, line_level, LogLevel, ReportFigures};
use crate::scope::Scope;
use crate::{Error, ErrorCode};

/// How an invocation ended, as the history filters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InvocationOutcome {
    /// The function ran and returned.
    Succeeded,
    /// The function ran and failed (FunctionError Handled or Unhandled, timeouts too).
    FunctionError,
    /// An Event invocation Lambda accepted (202): it runs later.
    Queued,
    /// A DryRun Lambda accepted (204): payload and permission are fine.
    DryRunPassed,
    /// The call itself failed: network, throttling, credentials, no such function, …
    CallFailed,
}

impl InvocationOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            InvocationOutcome::Succeeded => "succeeded",
            InvocationOutcome::FunctionError => "function_error",
            InvocationOutcome::Queued => "queued",
            InvocationOutcome::DryRunPassed => "dry_run_passed",
            InvocationOutcome::CallFailed => "call_failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Succeeded, Self::FunctionError, Self::Queued, Self::DryRunPassed, Self::CallFailed]
            .into_iter()
            .find(|outcome| outcome.as_str() == text)
    }

    /// Whether the function did what was asked (what `ldeck invoke`'s exit status says).
    pub fn is_success(self) -> bool {
        matches!(self, Self::Succeeded | Self::Queued | Self::DryRunPassed)
    }
}

/// The function's error, from its error payload (or a stream's InvokeComplete event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionErrorDetails {
    /// "Handled" or "Unhandled", as Lambda's FunctionError says.
    pub kind: String,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    /// One frame per line (Node's strings as they are; Python's frames formatted).
    pub stack_trace: Vec<String>,
}

/// Where the REPORT figures came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportSource {
    /// The 4 KB log tail of the answer.
    Tail,
    /// The log group, by the invocation's request id.
    LogGroup,
    /// The log group, as the one REPORT of the function written during the call (an
    /// emulator whose log request ids differ from the call's).
    LogGroupByTime,
}

/// One line of the function's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LogLine {
    /// When CloudWatch Logs stamped it; `None` for tail lines (the tail has no times).
    pub timestamp: Option<String>,
    pub message: String,
    pub level: Option<LogLevel>,
}

impl LogLine {
    pub fn new(timestamp: Option<String>, message: &str) -> Self {
        let message = message.trim_end_matches(['\n', '\r']).to_string();
        LogLine { timestamp, level: line_level(&message), message }
    }
}

/// A failed call, as kept in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallFailure {
    pub code: ErrorCode,
    pub message: String,
}

/// Everything about one invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InvocationRecord {
    /// Its place in the history (0 until saved).
    pub id: u32,
    pub scope: Scope,
    pub function_name: String,
    pub event_name: Option<String>,
    pub qualifier: Option<String>,
    pub kind: InvocationKind,
    pub request_payload: String,
    pub client_context: Option<String>,
    pub started_at: String,
    /// From sending the request to the whole answer, as measured here.
    pub round_trip_ms: f64,
    pub outcome: InvocationOutcome,
    pub status_code: Option<i32>,
    pub executed_version: Option<String>,
    /// The request id AWS gave the call.
    pub request_id: Option<String>,
    /// The response as text (JSON or not).
    pub response_payload: Option<String>,
    pub function_error: Option<FunctionErrorDetails>,
    /// The decoded 4 KB log tail, line by line.
    pub log_tail: Vec<LogLine>,
    pub report: Option<ReportFigures>,
    pub report_source: Option<ReportSource>,
    /// Every line of this request in the log group, once read.
    pub full_log: Option<Vec<LogLine>>,
    pub cost: Option<CostEstimate>,
    pub failure: Option<CallFailure>,
    /// Things the user should know about this invocation (tail refused, …).
    pub notes: Vec<String>,
}

impl InvocationRecord {
    pub(crate) fn new(
        request: &InvokeRequest,
        checked: &CheckedRequest,
        scope: Scope,
        started_at: String,
        round_trip_ms: f64,
        answer: Result<CallAnswer, Error>,
    ) -> Self {
        let mut record = InvocationRecord {
            id: 0,
            scope,
            function_name: checked.function_name.clone(),
            event_name: request.event_name.clone(),
            qualifier: checked.qualifier.clone(),
            kind: checked.kind,
            request_payload: checked.payload.clone(),
            client_context: request.client_context.clone().filter(|c| !c.trim().is_empty()),
            started_at,
            round_trip_ms,
            outcome: InvocationOutcome::CallFailed,
            status_code: None,
            executed_version: None,
            request_id: None,
            response_payload: None,
            function_error: None,
            log_tail: Vec::new(),
            report: None,
            report_source: None,
            full_log: None,
            cost: None,
            failure: None,
            notes: Vec::new(),
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => {
                record.failure = Some(CallFailure { code: err.code(), message: err.to_string() });
                return record;
            }
        };
        let payload_text = answer.payload.as_ref().map(|bytes| String::from_utf8_lossy(bytes).into_owned());
        record.function_error = match (&answer.function_error, &answer.stream_error) {
            (_, Some((code, details))) => Some(FunctionErrorDetails {
                kind: "Unhandled".into(),
                error_type: Some(code.clone()),
                error_message: Some(details.clone()),
                stack_trace: Vec::new(),
            }),
            (Some(kind), None) => Some(error_details(kind, payload_text.as_deref())),
            (None, None) => None,
        };
        record.outcome = match (record.function_error.is_some(), checked.kind) {
            (true, _) => InvocationOutcome::FunctionError,
            (false, InvocationKind::Event) => InvocationOutcome::Queued,
            (false, InvocationKind::DryRun) => InvocationOutcome::DryRunPassed,
            (false, _) => InvocationOutcome::Succeeded,
        };
        record.status_code = answer.status_code;
        record.executed_version = answer.executed_version;
        record.request_id = answer.request_id;
        record.response_payload = payload_text.filter(|text| !text.is_empty());
        if let Some(tail) = &answer.log_tail {
            record.log_tail = tail.lines().map(|line| LogLine::new(None, line)).collect();
            if let Some(report) = find_report(tail, None) {
                record.report = Some(report);
                record.report_source = Some(ReportSource::Tail);
            }
        }
        if answer.tail_refused {
            record.notes.push(
                "This function does not return a log tail (\"Tail logs are not supported\", as Lambda Managed Instances answer): it was invoked without one, and the figures come from its log group.".into(),
            );
        }
        record
    }

    /// Whether figures and a log can be looked up for this invocation.
    pub fn expects_log(&self) -> bool {
        matches!(self.kind, InvocationKind::Request | InvocationKind::Stream)
            && matches!(self.outcome, InvocationOutcome::Succeeded | InvocationOutcome::FunctionError)
    }

    /// Estimates the cost from the figures, with the function's architecture and
    /// ephemeral storage as last saved (x86_64 and 512 MB when none were).
    pub(crate) fn price(&mut self, saved: Option<&FunctionDetails>) {
        let Some(report) = &self.report else { return };
        let configuration = saved.and_then(|details| details.configuration.as_ref());
        let architecture = configuration
            .and_then(|c| c.summary.architectures.first().cloned())
            .unwrap_or_else(|| "x86_64".to_string());
        let ephemeral_mb = configuration.and_then(|c| c.ephemeral_storage_mb).unwrap_or(512).max(0) as u32;
        self.cost = Some(estimate_cost(
            &self.scope.region,
            &architecture,
            report.billed_duration_ms,
            report.memory_size_mb,
            ephemeral_mb,
        ));
    }
}

/// Reads errorType, errorMessage and stackTrace from an error payload. Node gives the
/// trace as strings, Python as strings or as [file, line, function, code] frames.
fn error_details(kind: &str, payload: Option<&str>) -> FunctionErrorDetails {
    let value: serde_json::Value = payload.and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default();
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let stack_trace = match value.get("stackTrace") {
        Some(serde_json::Value::Array(frames)) => frames
            .iter()
            .map(|frame| match frame {
                serde_json::Value::String(line) => line.trim_end().to_string(),
                serde_json::Value::Array(parts) => match parts.as_slice() {
                    [file, line, function, code] => format!(
                        "File \"{}\", line {}, in {}: {}",
                        file.as_str().unwrap_or("?"),
                        line,
                        function.as_str().unwrap_or("?"),
                        code.as_str().unwrap_or("")
                    ),
                    _ => frame.to_string(),
                },
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    };
    FunctionErrorDetails {
        kind: kind.to_string(),
        error_type: text("errorType"),
        error_message: text("errorMessage").or_else(|| payload.map(str::to_string).filter(|_| value.is_null())),
        stack_trace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_and_python_error_payloads_are_read() {
        let node = r#"{"errorType":"Error","errorMessage":"boom","trace":[],"stackTrace":["Error: boom","    at Runtime.handler (/var/task/index.js:3:9)"]}"#;
        let details = error_details("Unhandled", Some(node));
        assert_eq!(details.error_type.as_deref(), Some("Error"));
        assert_eq!(details.error_message.as_deref(), Some("boom"));
        assert_eq!(details.stack_trace, ["Error: boom", "    at Runtime.handler (/var/task/index.js:3:9)"]);

        let python = r#"{"errorMessage":"x","errorType":"RuntimeError","requestId":"r","stackTrace":["  File \"/var/task/h.py\", line 4, in handler\n    raise RuntimeError('x')\n"]}"#;
        let details = error_details("Unhandled", Some(python));
        assert_eq!(details.stack_trace, ["  File \"/var/task/h.py\", line 4, in handler\n    raise RuntimeError('x')"]);

        let old_python =
            r#"{"errorMessage":"x","stackTrace":[["/var/task/h.py",4,"handler","raise RuntimeError('x')"]]}"#;
        assert_eq!(
            error_details("Handled", Some(old_python)).stack_trace,
            ["File \"/var/task/h.py\", line 4, in handler: raise RuntimeError('x')"]
        );
        let not_json = error_details("Unhandled", Some("Segmentation fault"));
        assert_eq!(not_json.error_message.as_deref(), Some("Segmentation fault"));
    }

    #[test]
    fn outcomes_round_trip_and_say_what_succeeded() {
        for outcome in [
            InvocationOutcome::Succeeded,
            InvocationOutcome::FunctionError,
            InvocationOutcome::Queued,
            InvocationOutcome::DryRunPassed,
            InvocationOutcome::CallFailed,
        ] {
            assert_eq!(InvocationOutcome::parse(outcome.as_str()), Some(outcome));
        }
        assert!(!InvocationOutcome::FunctionError.is_success());
        assert!(InvocationOutcome::Queued.is_success());
    }
}
