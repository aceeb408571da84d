//! Times and durations as users type them (`--since 10m`, `--until 2026-11-29T10:00:00Z`),
//! checked before anything is sent.

use std::time::Duration;

use aws_smithy_types::date_time::{DateTime, Format};

use crate::{Error, FieldError};

/// The furthest back a tail's backfill reaches (a tail is about now).
pub const MAX_BACKFILL: Duration = Duration::from_secs(24 * 3600);

/// A duration: a number and a unit (`s`, `m`, `h`, `d`, `w`), or several (`1h30m`).
pub fn parse_duration(typed: &str) -> Result<Duration, String> {
    let text = typed.trim();
    let explain =
        || format!("\"{typed}\" is not a duration: write a number and a unit, e.g. 90s, 10m, 2h, 1d or 1h30m.");
    if text.is_empty() {
        return Err(explain());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit_seconds = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(explain()),
        };
        let amount: u64 = digits.parse().map_err(|_| explain())?;
        digits.clear();
        total = amount.checked_mul(unit_seconds).and_then(|s| total.checked_add(s)).ok_or_else(explain)?;
    }
    if !digits.is_empty() {
        return Err(explain());
    }
    // CloudWatch Logs keeps at most 10 years; anything longer is a typo.
    if total > 10 * 366 * 86_400 {
        return Err(format!("\"{typed}\" is longer than CloudWatch Logs keeps anything (10 years)."));
    }
    Ok(Duration::from_secs(total))
}

/// A point in time: `now`, a duration ago (`10m`), or an RFC 3339 time
/// (`2026-11-29T10:00:00Z`, `2026-11-29T11:00:00+01:00`). In milliseconds since the epoch.
pub fn parse_time(typed: &str, now_ms: i64) -> Result<i64, String> {
    let text = typed.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(now_ms);
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('-') {
        let explain = || {
            format!("\"{typed}\" is not a time: write it as 2026-11-29T10:00:00Z (or with an offset, +01:00), or as a duration ago such as 10m.")
        };
        let (utc_text, offset_ms) = split_offset(text).ok_or_else(explain)?;
        let time = DateTime::from_str(&utc_text, Format::DateTime).map_err(|_| explain())?;
        return time.to_millis().map(|ms| ms - offset_ms).map_err(|_| format!("\"{typed}\" is out of range."));
    }
    let ago = parse_duration(text)?;
    Ok(now_ms - ago.as_millis() as i64)
}

/// `…T11:00:00+01:00` → (`…T11:00:00Z`, one hour): the smithy parser reads UTC only.
fn split_offset(text: &str) -> Option<(String, i64)> {
    if let Some(utc) = text.strip_suffix('Z').or_else(|| text.strip_suffix('z')) {
        return Some((format!("{utc}Z"), 0));
    }
    let at = text.len().checked_sub(6).filter(|at| text.is_char_boundary(*at))?;
    let (time, offset) = text.split_at(at);
    let sign = match offset.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = offset[1..].split_once(':')?;
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((format!("{time}Z"), sign * (hours * 3600 + minutes * 60) * 1000))
}

/// A checked `[since, until]` in milliseconds: `until` defaults to now; `since` must be
/// before `until` and neither in the future.
pub fn parse_range(since: &str, until: Option<&str>, now_ms: i64) -> Result<(i64, i64), Error> {
    let field = |name: &str, message: String| Error::InvalidFields(vec![FieldError::new(name, message)]);
    let since_ms = parse_time(since, now_ms).map_err(|e| field("since", e))?;
    let until_ms = match until {
        Some(until) => parse_time(until, now_ms).map_err(|e| field("until", e))?,
        None => now_ms,
    };
    if since_ms > now_ms {
        return Err(field("since", "The start is in the future.".into()));
    }
    if since_ms >= until_ms {
        return Err(field("since", "The start must be before the end of the range.".into()));
    }
    Ok((since_ms, until_ms))
}

/// A tail's backfill: a duration up to [`MAX_BACKFILL`].
pub fn parse_backfill(typed: &str) -> Result<Duration, Error> {
    let field = |message: String| Error::InvalidFields(vec![FieldError::new("since", message)]);
    let backfill = parse_duration(typed).map_err(field)?;
    if backfill > MAX_BACKFILL {
        return Err(field(format!(
            "A tail starts at most {} h back; older lines are read with `ldeck logs get`.",
            MAX_BACKFILL.as_secs() / 3600
        )));
    }
    Ok(backfill)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_users_write_them() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration(" 2d ").unwrap(), Duration::from_secs(172_800));
        for typo in ["", "10", "m", "10x", "1.5h", "-5m", "99999999999999999999d"] {
            assert!(parse_duration(typo).is_err(), "{typo:?} was accepted");
        }
        assert!(parse_duration("20000d").unwrap_err().contains("10 years"));
    }

    #[test]
    fn times_are_now_a_duration_ago_or_rfc_3339() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_time("now", now).unwrap(), now);
        assert_eq!(parse_time("5m", now).unwrap(), now - 300_000);
        assert_eq!(parse_time("2026-11-29T10:00:00Z", now).unwrap(), 1_795_946_400_000);
        assert_eq!(parse_time("2026-11-29T11:00:00+01:00", now).unwrap(), 1_795_946_400_000);
        assert!(parse_time("2026-13-45T10:00:00Z", now).unwrap_err().contains("2026-11-29T10:00:00Z"));
        assert!(parse_time("yesterday", now).is_err());
        assert!(parse_time("2026-11-29T10:00:00ééé", now).is_err(), "no panic on a multibyte end");
    }

    #[test]
    fn a_range_runs_forwards_and_not_into_the_future() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_range("10m", None, now).unwrap(), (now - 600_000, now));
        assert_eq!(parse_range("10m", Some("5m"), now).unwrap(), (now - 600_000, now - 300_000));
        let field = |r: Result<(i64, i64), Error>| match r {
            Err(Error::InvalidFields(fields)) => (fields[0].field.clone(), fields[0].message.clone()),
            other => panic!("not refused: {other:?}"),
        };
        assert!(field(parse_range("5m", Some("10m"), now)).1.contains("before the end"));
        assert_eq!(field(parse_range("soon", None, now)).0, "since");
        assert_eq!(field(parse_range("1h", Some("x"), now)).0, "until");
        assert_eq!(field(parse_range("2030-01-01T00:00:00Z", None, now)).1, "The start is in the future.");
    }

    #[test]
    fn a_backfill_is_at_most_a_day() {
        assert_eq!(parse_backfill("10m").unwrap(), Duration::from_secs(600));
        assert!(parse_backfill("2d").unwrap_err().to_string().contains("ldeck logs get"));
        assert!(parse_backfill("soon").is_err());
    }
}
