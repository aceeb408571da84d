//! Two invocations side by side: a structural diff of their payloads (by JSON path, not
//! by text, so formatting and key order do not count) and their figures' differences.

use serde::Serialize;
use serde_json::Value;

use super::types::InvocationRecord;

/// What differs between two invocations (`before` is the older one, as chosen).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Comparison {
    pub request_changes: Vec<JsonChange>,
    pub response_changes: Vec<JsonChange>,
    /// Duration, billed duration, max memory, init duration, cost, round trip.
    pub figures: Vec<FigureDelta>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference, at a JSON path like `$.body.items[2].id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JsonChange {
    pub path: String,
    pub kind: ChangeKind,
    /// The values as compact JSON text.
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FigureDelta {
    pub name: String,
    pub unit: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// `after - before` when both are known.
    pub difference: Option<f64>,
}

pub fn compare(before: &InvocationRecord, after: &InvocationRecord) -> Comparison {
    Comparison {
        request_changes: diff_text(Some(&before.request_payload), Some(&after.request_payload)),
        response_changes: diff_text(before.response_payload.as_deref(), after.response_payload.as_deref()),
        figures: figures(before, after),
    }
}

/// Diffs two payloads as JSON; text that is not JSON is compared as one string value.
fn diff_text(before: Option<&str>, after: Option<&str>) -> Vec<JsonChange> {
    let parse = |text: Option<&str>| {
        text.map(|text| serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_string())))
    };
    let mut changes = Vec::new();
    diff_values("$", parse(before).as_ref(), parse(after).as_ref(), &mut changes);
    changes
}

pub fn diff_values(path: &str, before: Option<&Value>, after: Option<&Value>, changes: &mut Vec<JsonChange>) {
    match (before, after) {
        (None, None) => {}
        (Some(b), None) => changes.push(change(path, ChangeKind::Removed, Some(b), None)),
        (None, Some(a)) => changes.push(change(path, ChangeKind::Added, None, Some(a))),
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k))).collect();
            keys.sort();
            for key in keys {
                diff_values(&format!("{path}{}", key_path(key)), b.get(key), a.get(key), changes);
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a))) => {
            for index in 0..b.len().max(a.len()) {
                diff_values(&format!("{path}[{index}]"), b.get(index), a.get(index), changes);
            }
        }
        (Some(b), Some(a)) if b != a => changes.push(change(path, ChangeKind::Changed, Some(b), Some(a))),
        _ => {}
    }
}

fn key_path(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!(".{key}")
    } else {
        format!("[{}]", Value::String(key.to_string()))
    }
}

fn change(path: &str, kind: ChangeKind, before: Option<&Value>, after: Option<&Value>) -> JsonChange {
    JsonChange {
        path: path.to_string(),
        kind,
        before: before.map(Value::to_string),
        after: after.map(Value::to_string),
    }
}

fn figures(before: &InvocationRecord, after: &InvocationRecord) -> Vec<FigureDelta> {
    let report = |record: &InvocationRecord| record.report.clone();
    let (b, a) = (report(before), report(after));
    let rows: [(&str, &str, Option<f64>, Option<f64>); 6] = [
        ("Duration", "ms", b.as_ref().map(|r| r.duration_ms), a.as_ref().map(|r| r.duration_ms)),
        ("Billed duration", "ms", b.as_ref().map(|r| r.billed_duration_ms), a.as_ref().map(|r| r.billed_duration_ms)),
        (
            "Max memory used",
            "MB",
            b.as_ref().map(|r| r.max_memory_used_mb as f64),
            a.as_ref().map(|r| r.max_memory_used_mb as f64),
        ),
        (
            "Init duration",
            "ms",
            b.as_ref().and_then(|r| r.init_duration_ms),
            a.as_ref().and_then(|r| r.init_duration_ms),
        ),
        ("Cost", "USD", before.cost.as_ref().map(|c| c.total_usd), after.cost.as_ref().map(|c| c.total_usd)),
        ("Round trip", "ms", Some(before.round_trip_ms), Some(after.round_trip_ms)),
    ];
    rows.into_iter()
        .map(|(name, unit, before, after)| FigureDelta {
            name: name.to_string(),
            unit: unit.to_string(),
            before,
            after,
            difference: before.zip(after).map(|(b, a)| a - b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_compared_by_structure_not_text() {
        let changes = diff_text(
            Some(r#"{"a": 1, "list": [1, 2, 3], "same": {"x": true}, "gone": null, "odd key": 1}"#),
            Some(r#"{"same":{"x":true},"a":2,"list":[1,2],"new":"v", "odd key": 2}"#),
        );
        let summary: Vec<_> = changes.iter().map(|c| (c.path.as_str(), c.kind)).collect();
        assert_eq!(
            summary,
            [
                ("$.a", ChangeKind::Changed),
                ("$.gone", ChangeKind::Removed),
                ("$.list[2]", ChangeKind::Removed),
                ("$.new", ChangeKind::Added),
                ("$[\"odd key\"]", ChangeKind::Changed),
            ]
        );
        assert_eq!((changes[0].before.as_deref(), changes[0].after.as_deref()), (Some("1"), Some("2")));
        assert!(diff_text(Some("{\"a\":1}"), Some("{ \"a\" : 1 }")).is_empty());
    }

    #[test]
    fn text_that_is_not_json_is_one_value() {
        let changes = diff_text(Some("plain"), Some("other"));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "$");
        assert_eq!(diff_text(None, Some("{}"))[0].kind, ChangeKind::Added);
    }
}
