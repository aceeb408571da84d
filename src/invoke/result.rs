//! Building an invocation's record from what Lambda answered, and pricing it.

use super::call::CallAnswer;
use super::request::{CheckedRequest, InvokeRequest};
pub use super::types::*;
use crate::events::kind::InvocationKind;
use crate::events::payload::pretty_json;
use crate::functions::FunctionDetails;
use crate::logs::report::find_report;
use crate::pricing::estimate_cost;
use crate::scope::Scope;
use crate::Error;

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
            response_pretty: None,
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
        record.response_pretty = record.response_payload.as_deref().and_then(pretty_json);
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
