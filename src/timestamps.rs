//! Timestamps as the store and the UI keep them: ISO-8601 UTC strings
//! ("2026-11-22T03:00:00.123Z"), which sort as text and parse in JavaScript's `Date`.

use std::time::SystemTime;

use aws_smithy_types::date_time::{DateTime, Format};

/// Now, as an ISO-8601 UTC string.
pub fn now() -> String {
    format(DateTime::from(SystemTime::now()))
}

/// Now, in milliseconds since the Unix epoch (how metric times are counted).
pub fn now_ms() -> f64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0.0, |since| since.as_millis() as f64)
}

/// An SDK timestamp as an ISO-8601 UTC string.
pub fn format(time: DateTime) -> String {
    // Formatting fails only for years beyond 9999, which AWS never returns.
    time.fmt(Format::DateTime).unwrap_or_default()
}

/// Whole seconds from `timestamp` to now; `None` when it does not parse.
pub fn age_seconds(timestamp: &str) -> Option<i64> {
    let then = DateTime::from_str(timestamp, Format::DateTime).ok()?;
    Some(DateTime::from(SystemTime::now()).secs() - then.secs())
}

/// "just now", "3 min ago", "2 h ago", "5 days ago": how the CLI states an age.
pub fn describe_age(seconds: i64) -> String {
    match seconds {
        s if s < 60 => "just now".to_string(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_age() {
        let stamp = format(DateTime::from_secs(1_700_000_000));
        assert_eq!(stamp, "2023-11-14T22:13:20Z");
        assert!(age_seconds(&stamp).unwrap() > 0);
        assert!(age_seconds(&now()).unwrap() <= 1);
        assert_eq!(age_seconds("yesterday"), None);
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(describe_age(5), "just now");
        assert_eq!(describe_age(180), "3 min ago");
        assert_eq!(describe_age(7300), "2 h ago");
        assert_eq!(describe_age(3 * 86_400 + 5), "3 days ago");
    }
}
