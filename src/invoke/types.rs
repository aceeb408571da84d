//! One invocation as the history keeps it and the result view shows it: plain data.

use serde::{Deserialize, Serialize};

use crate::events::kind::InvocationKind;
use crate::logs::report::{line_level, LogLevel, ReportFigures};
use crate::pricing::CostEstimate;
use crate::scope::Scope;
use crate::ErrorCode;

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
    /// The response pretty-printed when it is JSON (every digit and key order kept).
    #[serde(default)]
    pub response_pretty: Option<String>,
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
