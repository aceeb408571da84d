//! What a payload must be before it is sent: JSON, within the invocation type's limit.
//! The editor shows the result as the user types (a marker at the parse error's line
//! and column, the size against the limit); `ldeck invoke` and the Invoke command check
//! again in the core before any call.

use serde::Serialize;

use super::kind::InvocationKind;
use crate::Error;

/// Synchronous invocation payload limit (RequestResponse, also streamed): 6 MB.
/// aws-facts.md "Invoke"; AWS Lambda quotas page, "Invocation payload (request and
/// response)": 6 MB each for synchronous.
pub const SYNC_PAYLOAD_LIMIT_BYTES: usize = 6 * 1024 * 1024;
/// Asynchronous (Event) payload limit: 1 MB. aws-facts.md "Invoke"; the quotas page
/// raised it from 256 KB to 1 MB in October 2025 ("1 MB for asynchronous").
pub const ASYNC_PAYLOAD_LIMIT_BYTES: usize = 1024 * 1024;

/// The outcome of checking a payload: its size and limit, and the first problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PayloadCheck {
    /// UTF-8 bytes, as sent.
    pub bytes: u32,
    pub limit_bytes: u32,
    /// `None` when the payload can be sent.
    pub problem: Option<PayloadProblem>,
}

/// Why a payload cannot be sent, and where (1-based line and column, for parse errors).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PayloadProblem {
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl PayloadProblem {
    /// The message with its place: "Not valid JSON: … (line 2, column 8)".
    pub fn describe(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{} (line {line}, column {column})", self.message),
            _ => self.message.clone(),
        }
    }
}

/// The limit of a payload for this kind of invocation.
pub fn payload_limit(kind: InvocationKind) -> usize {
    match kind {
        InvocationKind::Event => ASYNC_PAYLOAD_LIMIT_BYTES,
        InvocationKind::Request | InvocationKind::DryRun | InvocationKind::Stream => SYNC_PAYLOAD_LIMIT_BYTES,
    }
}

/// Checks `payload` for `kind`: valid JSON (an empty payload is sent as `{}`, like the
/// console does) and within the limit.
pub fn check_payload(payload: &str, kind: InvocationKind) -> PayloadCheck {
    let limit = payload_limit(kind);
    let bytes = payload.len();
    let problem = if payload.trim().is_empty() {
        None
    } else if let Err(err) = serde_json::from_str::<serde::de::IgnoredAny>(payload) {
        Some(PayloadProblem {
            message: format!("Not valid JSON: {}", describe_parse_error(&err)),
            line: Some(err.line() as u32),
            column: Some(err.column() as u32),
        })
    } else {
        None
    };
    let problem = problem.or_else(|| {
        (bytes > limit).then(|| PayloadProblem {
            message: format!(
                "The payload is {} and {} invocations accept at most {}.",
                describe_size(bytes),
                kind.label(),
                describe_size(limit)
            ),
            line: None,
            column: None,
        })
    });
    PayloadCheck { bytes: bytes as u32, limit_bytes: limit as u32, problem }
}

/// [`check_payload`] as a gate: the payload to send (`{}` for an empty one), or an
/// `InvalidInput` error that says what and where.
pub fn payload_to_send(payload: &str, kind: InvocationKind) -> Result<String, Error> {
    let check = check_payload(payload, kind);
    match check.problem {
        Some(problem) => Err(Error::InvalidInput(problem.describe())),
        None if payload.trim().is_empty() => Ok("{}".to_string()),
        None => Ok(payload.to_string()),
    }
}

/// serde_json's message without its " at line L column C" suffix (shown separately).
fn describe_parse_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// "812 bytes", "1.5 KB", "6.0 MB" (binary units, as Lambda's limits are).
pub fn describe_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// The JSON text pretty-printed (2-space indent) token by token: keys keep their order
/// and numbers their digits (`1.0`, integers beyond 2^53), which parsing and printing
/// again would not. `None` when the text is not JSON.
pub fn pretty_json(text: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    Some(relayout(text.trim(), Layout::Pretty))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// As `serde_json::to_string_pretty`: 2-space indent, `"key": value`, `{}` and `[]`
    /// for empty containers.
    Pretty,
    /// As `serde_json::to_string`: no whitespace between tokens.
    Compact,
}

/// Re-lays out JSON text token by token, keeping key order (which re-serializing through
/// `serde_json::Value` would not). Whitespace inside strings is kept; all other
/// whitespace is replaced by the layout's.
pub(crate) fn relayout(json: &str, layout: Layout) -> String {
    let bytes = json.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() * 2);
    let pretty = layout == Layout::Pretty;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        if pretty {
            out.push(b'\n');
            out.extend(std::iter::repeat_n(b' ', depth * 2));
        }
    };
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if in_string {
            out.push(byte);
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                out.push(byte);
            }
            b'{' | b'[' => {
                let close = if byte == b'{' { b'}' } else { b']' };
                let next = i + bytes[i..].iter().take_while(|b| b.is_ascii_whitespace()).count();
                out.push(byte);
                if bytes.get(next) == Some(&close) {
                    out.push(close);
                    i = next + 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(byte);
            }
            b',' => {
                out.push(byte);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(if pretty { b": " } else { b":" }),
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => out.push(byte),
        }
    }
    // Only ASCII whitespace was dropped, so multi-byte characters are intact.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_json_within_the_limit_passes() {
        let check = check_payload(r#"{"a": 1}"#, InvocationKind::Request);
        assert_eq!(check.problem, None);
        assert_eq!(check.bytes, 8);
        assert_eq!(check.limit_bytes as usize, SYNC_PAYLOAD_LIMIT_BYTES);
    }

    #[test]
    fn a_parse_error_names_its_line_and_column() {
        let check = check_payload("{\n  \"a\": 1,\n  \"b\": ]\n}", InvocationKind::Request);
        let problem = check.problem.unwrap();
        assert_eq!((problem.line, problem.column), (Some(3), Some(8)));
        assert!(problem.message.starts_with("Not valid JSON: expected value"), "{}", problem.message);
        assert!(!problem.message.contains("at line"));
    }

    #[test]
    fn the_limit_depends_on_the_invocation_type() {
        let big = format!("\"{}\"", "x".repeat(ASYNC_PAYLOAD_LIMIT_BYTES));
        assert_eq!(check_payload(&big, InvocationKind::Request).problem, None);
        let problem = check_payload(&big, InvocationKind::Event).problem.unwrap();
        assert_eq!(
            problem.message,
            "The payload is 1.0 MB and asynchronous (Event) invocations accept at most 1.0 MB."
        );
        let too_big = format!("\"{}\"", "x".repeat(SYNC_PAYLOAD_LIMIT_BYTES));
        assert!(check_payload(&too_big, InvocationKind::Request).problem.is_some());
    }

    #[test]
    fn pretty_printing_keeps_key_order_and_every_digit() {
        let text = r#"{"z": 1.0, "a": [12345678901234567890, {}], "s": "a  b"}"#;
        assert_eq!(
            pretty_json(text).unwrap(),
            "{\n  \"z\": 1.0,\n  \"a\": [\n    12345678901234567890,\n    {}\n  ],\n  \"s\": \"a  b\"\n}"
        );
        assert_eq!(pretty_json("{oops"), None);
    }

    #[test]
    fn an_empty_payload_is_sent_as_an_empty_object() {
        assert_eq!(payload_to_send("  \n", InvocationKind::Request).unwrap(), "{}");
        let err = payload_to_send("{", InvocationKind::Request).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        assert!(err.to_string().contains("(line 1, column 1)"), "{err}");
    }
}
