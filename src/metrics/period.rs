//! Time ranges and the period each one is read at.
//!
//! A range is typed as a preset (`1h` … `4w`), a duration back from now (`90m`, `10d`) or
//! `START..END`; [`parse_range`] checks it against what CloudWatch keeps (455 days).
//! [`choose_period`] then picks the period: no finer than CloudWatch still keeps for the
//! range's start, coarse enough for a readable chart, and says how many GetMetricData calls
//! the points take. [`partial_after`] says where the still-filling points begin, and
//! [`align`] snaps a range to period boundaries as CloudWatch does.
//!
//! Times are epoch milliseconds as `f64`: IPC has no 64-bit integers.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::logs::when::{parse_duration, parse_time};
use crate::{Error, FieldError};

/// Lambda publishes one point a minute: a finer period shows nothing more.
pub const MIN_PERIOD_SECONDS: u32 = 60;

/// The most points a chart shows per series. A chart is at most ~1,500 px wide, so more
/// points than this land on the same pixel and only cost transfer and drawing time; and
/// 1,440 is one day of minutes, so the 1-day preset keeps Lambda's full 1-minute
/// resolution. It also divides GetMetricData's limit: 70 series of 1,440 points fill
/// exactly one call.
pub const MAX_POINTS_PER_SERIES: u32 = 1_440;

/// GetMetricData returns at most this many data points per call.
pub const MAX_POINTS_PER_CALL: u32 = 100_800;

/// GetMetricData takes at most this many metric queries per call.
pub const MAX_QUERIES_PER_CALL: u32 = 500;

/// CloudWatch keeps no metric data older than this (at 1-hour resolution).
pub const RETENTION_DAYS: u32 = 455;

const MINUTE_MS: f64 = 60_000.0;
const DAY_MS: f64 = 86_400_000.0;

/// How long CloudWatch keeps each resolution: (period in seconds, days kept). A start
/// older than a tier's days needs a period that is a multiple of the next tier's period.
const RETENTION: [(u32, u32); 3] = [(60, 15), (300, 63), (3600, RETENTION_DAYS)];

/// The periods offered, finest first: 1, 5, 15, 30 minutes, 1, 3, 6, 12 hours, 1 day.
/// All multiples of 60; from 3,600 on all multiples of 3,600, so every retention tier has
/// some. For ranges up to 455 days one of them always fits [`MAX_POINTS_PER_SERIES`].
const NICE_PERIODS: [u32; 9] = [60, 300, 900, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400];

/// The ranges offered in one click; anything else is typed as a custom range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RangePreset {
    #[serde(rename = "1h")]
    OneHour,
    #[serde(rename = "3h")]
    ThreeHours,
    #[serde(rename = "12h")]
    TwelveHours,
    #[serde(rename = "1d")]
    OneDay,
    #[serde(rename = "3d")]
    ThreeDays,
    #[serde(rename = "1w")]
    OneWeek,
    #[serde(rename = "2w")]
    TwoWeeks,
    #[serde(rename = "4w")]
    FourWeeks,
}

impl RangePreset {
    /// Every preset, shortest first.
    pub fn all() -> [RangePreset; 8] {
        use RangePreset::*;
        [OneHour, ThreeHours, TwelveHours, OneDay, ThreeDays, OneWeek, TwoWeeks, FourWeeks]
    }

    /// How the preset is shown and typed: `1h`, `3h`, `12h`, `1d`, `3d`, `1w`, `2w`, `4w`.
    pub fn label(self) -> &'static str {
        match self {
            RangePreset::OneHour => "1h",
            RangePreset::ThreeHours => "3h",
            RangePreset::TwelveHours => "12h",
            RangePreset::OneDay => "1d",
            RangePreset::ThreeDays => "3d",
            RangePreset::OneWeek => "1w",
            RangePreset::TwoWeeks => "2w",
            RangePreset::FourWeeks => "4w",
        }
    }

    pub fn duration(self) -> Duration {
        const HOUR: u64 = 3600;
        const DAY: u64 = 24 * HOUR;
        Duration::from_secs(match self {
            RangePreset::OneHour => HOUR,
            RangePreset::ThreeHours => 3 * HOUR,
            RangePreset::TwelveHours => 12 * HOUR,
            RangePreset::OneDay => DAY,
            RangePreset::ThreeDays => 3 * DAY,
            RangePreset::OneWeek => 7 * DAY,
            RangePreset::TwoWeeks => 14 * DAY,
            RangePreset::FourWeeks => 28 * DAY,
        })
    }

    /// The preset with this label (surrounding spaces ignored).
    pub fn from_label(label: &str) -> Option<RangePreset> {
        let label = label.trim();
        RangePreset::all().into_iter().find(|preset| preset.label() == label)
    }

    /// The preset's duration back from `now_ms`.
    pub fn range(self, now_ms: f64) -> TimeRange {
        TimeRange::last(self.duration(), now_ms)
    }
}

impl fmt::Display for RangePreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for RangePreset {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        RangePreset::from_label(text).ok_or_else(|| {
            range_error(format!("\"{text}\" is not a range preset: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w."))
        })
    }
}

/// `[start_ms, end_ms)` in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimeRange {
    pub start_ms: f64,
    pub end_ms: f64,
}

impl TimeRange {
    /// The `duration` up to `now_ms`.
    pub fn last(duration: Duration, now_ms: f64) -> TimeRange {
        TimeRange { start_ms: now_ms - duration.as_millis() as f64, end_ms: now_ms }
    }

    pub fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// The period a range is read at, and what reading it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodChoice {
    pub period_seconds: u32,
    /// Points of each series over the range [`align`]ed to the period: what CloudWatch
    /// returns at most. One more than the range spans when its ends fall between period
    /// boundaries (a 1-day range at 1 minute: 1,440 when aligned, else 1,441).
    pub points_per_series: u32,
    /// How many whole series one GetMetricData call holds (≤ 100,800 points, ≤ 500 queries).
    pub series_per_call: u32,
    /// GetMetricData calls needed for all the series: ⌈series / series_per_call⌉. The
    /// period stays as chosen; more series take more calls, not coarser points.
    pub calls: u32,
    /// One short sentence for the UI: why this period ("5-minute points: 1-minute data is
    /// kept 15 days.").
    pub reason: String,
}

/// Reads what the user typed for a range: a preset label (`1h` … `4w`), a duration back
/// from now (`90m`, `36h`, `10d`), or `START..END` with RFC 3339 times
/// (`2026-11-29T10:00:00Z..2026-11-29T12:00:00+01:00`; either end may also be `now` or a
/// duration ago such as `2d`, and an empty END means now). Errors are at field `range`.
///
/// Refuses a start in the future, an end not after the start, and a range longer than
/// or starting more than 455 days ago: CloudWatch keeps nothing older.
pub fn parse_range(text: &str, now_ms: f64) -> Result<TimeRange, Error> {
    let typed = text.trim();
    let not_a_range = || {
        range_error(format!(
            "\"{typed}\" is not a time range: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w, a duration such as 90m or \
             10d, or START..END with RFC 3339 times such as 2026-11-29T10:00:00Z..2026-11-29T12:00:00Z."
        ))
    };
    let too_long = || {
        range_error(format!("A range is at most {RETENTION_DAYS} days: CloudWatch keeps no metrics older than that."))
    };
    let range = if let Some(preset) = RangePreset::from_label(typed) {
        preset.range(now_ms)
    } else if let Some((start, end)) = typed.split_once("..") {
        if start.trim().is_empty() {
            return Err(not_a_range());
        }
        let time = |side: &str| {
            parse_time(side, now_ms.floor() as i64).map(|ms| ms as f64).map_err(|_| {
                range_error(format!(
                    "\"{}\" is not a time: write START..END with RFC 3339 times such as \
                     2026-11-29T10:00:00Z..2026-11-29T12:00:00Z (an offset such as +01:00 instead of Z, now, or a \
                     duration ago such as 2d also work).",
                    side.trim()
                ))
            })
        };
        let start_ms = time(start)?;
        let end_ms = if end.trim().is_empty() { now_ms } else { time(end)? };
        TimeRange { start_ms, end_ms }
    } else {
        match parse_duration(typed) {
            Ok(duration) => TimeRange::last(duration, now_ms),
            // Written like a duration, refused only for its size (over 10 years).
            Err(_) if is_duration_shaped(typed) => return Err(too_long()),
            Err(_) => return Err(not_a_range()),
        }
    };
    let retention_ms = f64::from(RETENTION_DAYS) * DAY_MS;
    if range.start_ms > now_ms {
        return Err(range_error("The start is in the future.".to_string()));
    }
    if range.end_ms <= range.start_ms {
        return Err(range_error("The start must be before the end of the range.".to_string()));
    }
    if range.duration_ms() > retention_ms {
        return Err(too_long());
    }
    if now_ms - range.start_ms > retention_ms {
        return Err(range_error(format!(
            "The start is more than {RETENTION_DAYS} days ago: CloudWatch keeps no metrics older than that."
        )));
    }
    Ok(range)
}

/// The period to read `series` metric series over `range` at: the finest of
/// 1, 5, 15, 30 minutes, 1, 3, 6, 12 hours and 1 day such that
/// - CloudWatch still keeps it for the range's (aligned) start: a start more than 15 days
///   ago needs a multiple of 5 minutes, more than 63 days ago a multiple of 1 hour;
/// - the range spans at most [`MAX_POINTS_PER_SERIES`] periods.
///
/// Many series never make the period coarser; they take more calls (`calls`).
pub fn choose_period(range: &TimeRange, now_ms: f64, series: u32) -> PeriodChoice {
    let span_ms = range.duration_ms().max(0.0);
    // ⌈span / period⌉ ≤ max  ⇔  span / period ≤ max.
    let fits_chart = |period: u32| span_ms / period_ms(period) <= f64::from(MAX_POINTS_PER_SERIES);
    let needed_multiple = |period: u32| required_multiple(now_ms - align(range, period).start_ms);
    let kept = |period: u32| period.is_multiple_of(needed_multiple(period));

    let mut finer = None;
    let mut chosen = None;
    for period in NICE_PERIODS {
        if kept(period) && fits_chart(period) {
            chosen = Some(period);
            break;
        }
        finer = Some(period);
    }
    // Only for ranges over 1,440 days (parse_range refuses those): whole days that fit.
    let period_seconds = chosen.unwrap_or_else(|| {
        let days = (span_ms / (f64::from(MAX_POINTS_PER_SERIES) * DAY_MS)).ceil() as u32;
        days.max(1) * 86_400
    });

    let label = period_label(period_seconds);
    let reason = match finer {
        None => format!("{label} points: the finest Lambda publishes."),
        Some(finer) if !kept(finer) => {
            let needed = needed_multiple(finer);
            // `needed` > 60 here (every period is a multiple of 60): a finer tier expired.
            let tier = RETENTION.iter().position(|(period, _)| *period == needed).unwrap_or(1).max(1);
            let (expired_period, kept_days) = RETENTION[tier - 1];
            format!("{label} points: {} data is kept {kept_days} days.", period_label(expired_period))
        }
        Some(_) => format!("{label} points: a chart shows at most 1,440 points."),
    };

    let aligned = align(range, period_seconds);
    let points_per_series = (aligned.duration_ms() / period_ms(period_seconds)).round().max(0.0) as u32;
    let series_per_call = (MAX_POINTS_PER_CALL / points_per_series.max(1)).clamp(1, MAX_QUERIES_PER_CALL);
    PeriodChoice { period_seconds, points_per_series, series_per_call, calls: series.div_ceil(series_per_call), reason }
}

/// Where the still-filling points begin, in epoch milliseconds: points stamped at or after
/// it may grow (Lambda's newest minute fills in late), so charts mark them partial. It is
/// the start of the period holding the last full minute, so at least that minute and the
/// current one are partial, and with longer periods the whole periods holding them.
pub fn partial_after(period_seconds: u32, now_ms: f64) -> f64 {
    let last_full_minute = floor_to(now_ms, MINUTE_MS) - MINUTE_MS;
    floor_to(last_full_minute, period_ms(period_seconds.max(1)))
}

/// `range` with its start aligned down and its end up to multiples of the period (from the
/// epoch, so days start at 00:00 UTC). CloudWatch aligns the same way, and aligned ranges
/// keep cached results comparable.
pub fn align(range: &TimeRange, period_seconds: u32) -> TimeRange {
    let step = period_ms(period_seconds.max(1));
    let start_ms = floor_to(range.start_ms, step);
    let end_floor = floor_to(range.end_ms, step);
    let end_ms = if end_floor == range.end_ms { end_floor } else { end_floor + step };
    TimeRange { start_ms, end_ms }
}

fn range_error(message: String) -> Error {
    Error::InvalidFields(vec![FieldError::new("range", message)])
}

fn period_ms(period_seconds: u32) -> f64 {
    f64::from(period_seconds) * 1000.0
}

/// `ms` down to a multiple of `step` (exact: `rem_euclid` on floats is).
fn floor_to(ms: f64, step: f64) -> f64 {
    ms - ms.rem_euclid(step)
}

/// The period a start this old must be a multiple of (CloudWatch's retention tiers).
fn required_multiple(start_age_ms: f64) -> u32 {
    RETENTION
        .iter()
        .find(|(_, days)| start_age_ms <= f64::from(*days) * DAY_MS)
        .map_or(RETENTION[RETENTION.len() - 1].0, |(period, _)| *period)
}

/// "1-minute", "3-hour", "1-day".
fn period_label(seconds: u32) -> String {
    match seconds {
        s if s.is_multiple_of(86_400) => format!("{}-day", s / 86_400),
        s if s.is_multiple_of(3600) => format!("{}-hour", s / 3600),
        s if s.is_multiple_of(60) => format!("{}-minute", s / 60),
        s => format!("{s}-second"),
    }
}

/// Numbers each followed by a unit (`10d`, `1h30m`): what `parse_duration` reads.
fn is_duration_shaped(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if "smhdw".contains(c) && digits > 0 {
            digits = 0;
        } else {
            return false;
        }
    }
    !text.is_empty() && digits == 0
}

#[cfg(test)]
mod tests {
    use aws_smithy_types::DateTime;

    use super::*;

    /// 2027-01-15T08:00:00Z: on an hour boundary.
    const NOW: f64 = 1_800_000_000_000.0;
    const MIN: f64 = 60_000.0;
    const HOUR: f64 = 3_600_000.0;
    const DAY: f64 = 86_400_000.0;

    fn rfc3339(ms: f64) -> String {
        crate::timestamps::format(DateTime::from_millis(ms as i64))
    }

    fn refused(result: Result<TimeRange, Error>) -> (String, String) {
        match result {
            Err(Error::InvalidFields(fields)) => (fields[0].field.clone(), fields[0].message.clone()),
            other => panic!("not refused: {other:?}"),
        }
    }

    fn message(result: Result<TimeRange, Error>) -> String {
        let (field, message) = refused(result);
        assert_eq!(field, "range");
        message
    }

    /// A one-hour range starting `age_ms` before NOW.
    fn hour_starting(age_ms: f64) -> TimeRange {
        TimeRange { start_ms: NOW - age_ms, end_ms: NOW - age_ms + HOUR }
    }

    #[test]
    fn presets_have_labels_durations_and_parse_back() {
        let labels: Vec<_> = RangePreset::all().iter().map(|p| p.label()).collect();
        assert_eq!(labels, ["1h", "3h", "12h", "1d", "3d", "1w", "2w", "4w"]);
        for preset in RangePreset::all() {
            assert_eq!(RangePreset::from_label(preset.label()), Some(preset));
            assert_eq!(preset.label().parse::<RangePreset>().unwrap(), preset);
            assert_eq!(preset.to_string(), preset.label());
            assert_eq!(serde_json::to_value(preset).unwrap(), preset.label());
            assert_eq!(serde_json::from_value::<RangePreset>(preset.label().into()).unwrap(), preset);
            // The label read as a duration is the preset's duration.
            assert_eq!(parse_duration(preset.label()).unwrap(), preset.duration());
        }
        assert_eq!(RangePreset::FourWeeks.duration(), Duration::from_secs(28 * 86_400));
        assert_eq!(RangePreset::from_label(" 12h "), Some(RangePreset::TwelveHours));
        assert_eq!(RangePreset::from_label("2h"), None);
        let Err(Error::InvalidFields(fields)) = "5w".parse::<RangePreset>() else { panic!("5w parsed") };
        assert_eq!(fields[0].message, "\"5w\" is not a range preset: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w.");
    }

    #[test]
    fn each_preset_gets_its_period() {
        let expected = [
            ("1h", 60, 60, "1-minute points: the finest Lambda publishes."),
            ("3h", 60, 180, "1-minute points: the finest Lambda publishes."),
            ("12h", 60, 720, "1-minute points: the finest Lambda publishes."),
            ("1d", 60, 1440, "1-minute points: the finest Lambda publishes."),
            ("3d", 300, 864, "5-minute points: a chart shows at most 1,440 points."),
            ("1w", 900, 672, "15-minute points: a chart shows at most 1,440 points."),
            ("2w", 900, 1344, "15-minute points: a chart shows at most 1,440 points."),
            ("4w", 1800, 1344, "30-minute points: a chart shows at most 1,440 points."),
        ];
        for (label, period, points, reason) in expected {
            let range = parse_range(label, NOW).unwrap();
            let choice = choose_period(&range, NOW, 6);
            assert_eq!(
                (choice.period_seconds, choice.points_per_series, choice.calls, choice.reason.as_str()),
                (period, points, 1, reason),
                "{label}"
            );
        }
    }

    #[test]
    fn one_minute_points_until_the_start_is_15_days_old() {
        let inside = choose_period(&hour_starting(15.0 * DAY), NOW, 1);
        assert_eq!((inside.period_seconds, inside.points_per_series), (60, 60));
        let outside = choose_period(&hour_starting(15.0 * DAY + 1.0), NOW, 1);
        assert_eq!(outside.period_seconds, 300);
        assert_eq!(outside.reason, "5-minute points: 1-minute data is kept 15 days.");
        // Aligned down to 5 minutes and up to the next: 13 points.
        assert_eq!(outside.points_per_series, 13);
    }

    #[test]
    fn the_aligned_start_is_the_one_that_counts() {
        // Exactly 15 days back from 08:00:30 is 15 days and 30 s back once aligned down to
        // the minute, as CloudWatch reads it: too old for 1-minute points.
        let now = NOW + 30_000.0;
        let range = TimeRange { start_ms: now - 15.0 * DAY, end_ms: now - 15.0 * DAY + HOUR };
        let choice = choose_period(&range, now, 1);
        assert_eq!(choice.period_seconds, 300);
        assert_eq!(choice.reason, "5-minute points: 1-minute data is kept 15 days.");
        // The whole 15 days from an aligned now: 1,440 points of 15 minutes, the chart's limit.
        let whole = choose_period(&parse_range("15d", NOW).unwrap(), NOW, 1);
        assert_eq!((whole.period_seconds, whole.points_per_series), (900, 1440));
    }

    #[test]
    fn five_minute_points_until_the_start_is_63_days_old() {
        let inside = choose_period(&hour_starting(63.0 * DAY), NOW, 1);
        assert_eq!((inside.period_seconds, inside.points_per_series), (300, 12));
        assert_eq!(inside.reason, "5-minute points: 1-minute data is kept 15 days.");
        let outside = choose_period(&hour_starting(63.0 * DAY + 1.0), NOW, 1);
        assert_eq!(outside.period_seconds, 3600);
        assert_eq!(outside.reason, "1-hour points: 5-minute data is kept 63 days.");
        assert_eq!(outside.points_per_series, 2, "aligned down to the hour and up to the next");
    }

    #[test]
    fn nothing_older_than_455_days() {
        let at = |age_ms: f64| format!("{}..{}", rfc3339(NOW - age_ms), rfc3339(NOW - age_ms + DAY));
        let inside = parse_range(&at(455.0 * DAY), NOW).unwrap();
        assert_eq!(inside, TimeRange { start_ms: NOW - 455.0 * DAY, end_ms: NOW - 454.0 * DAY });
        let choice = choose_period(&inside, NOW, 1);
        assert_eq!((choice.period_seconds, choice.points_per_series), (3600, 24));
        assert_eq!(
            message(parse_range(&at(455.0 * DAY + 1000.0), NOW)),
            "The start is more than 455 days ago: CloudWatch keeps no metrics older than that."
        );
        // The longest range: 455 days back, at 12-hour points.
        let longest = parse_range("455d", NOW).unwrap();
        let choice = choose_period(&longest, NOW, 1);
        assert_eq!(choice.period_seconds, 43_200);
        assert_eq!(choice.reason, "12-hour points: a chart shows at most 1,440 points.");
        assert_eq!(choice.points_per_series, 911, "455 days, aligned to 12 h at both ends");
        let too_long = "A range is at most 455 days: CloudWatch keeps no metrics older than that.";
        assert_eq!(message(parse_range("455d1s", NOW)), too_long);
        assert_eq!(message(parse_range("66w", NOW)), too_long);
        assert_eq!(message(parse_range("99999d", NOW)), too_long, "over parse_duration's 10 years");
        let long_ago = format!("{}..{}", rfc3339(NOW - 500.0 * DAY), rfc3339(NOW - 499.0 * DAY));
        assert!(message(parse_range(&long_ago, NOW)).starts_with("The start is more than 455 days ago"));
    }

    #[test]
    fn points_per_series_stay_under_the_chart_cap() {
        let minutes = |n: f64| TimeRange { start_ms: NOW - n * MIN, end_ms: NOW };
        assert_eq!(choose_period(&minutes(1440.0), NOW, 1).period_seconds, 60);
        assert_eq!(choose_period(&minutes(1441.0), NOW, 1).period_seconds, 300);
        assert_eq!(choose_period(&minutes(1440.0 * 5.0), NOW, 1).period_seconds, 300);
        assert_eq!(choose_period(&minutes(1440.0 * 5.0 + 1.0), NOW, 1).period_seconds, 900);
        // Every range parse_range accepts gets at most 1,440 points (+1 when unaligned).
        for days in 1..=455 {
            let range = parse_range(&format!("{days}d"), NOW - 29_000.0).unwrap();
            let choice = choose_period(&range, NOW - 29_000.0, 1);
            assert!(choice.points_per_series <= MAX_POINTS_PER_SERIES + 1, "{days}d: {choice:?}");
            assert!(NICE_PERIODS.contains(&choice.period_seconds), "{days}d: {choice:?}");
        }
    }

    #[test]
    fn an_unaligned_day_keeps_one_minute_points() {
        let now = NOW + 29_500.0;
        let choice = choose_period(&RangePreset::OneDay.range(now), now, 1);
        assert_eq!((choice.period_seconds, choice.points_per_series), (60, 1441));
    }

    #[test]
    fn many_series_take_more_calls_not_coarser_points() {
        let day = RangePreset::OneDay.range(NOW);
        let choice = choose_period(&day, NOW, 500);
        assert_eq!((choice.period_seconds, choice.points_per_series), (60, 1440));
        // 70 × 1,440 = 100,800: ⌈500 / 70⌉ = 8 calls.
        assert_eq!((choice.series_per_call, choice.calls), (70, 8));
        assert_eq!(choose_period(&day, NOW, 70).calls, 1);
        assert_eq!(choose_period(&day, NOW, 71).calls, 2);

        let twelve = choose_period(&RangePreset::TwelveHours.range(NOW), NOW, 500);
        assert_eq!((twelve.period_seconds, twelve.series_per_call, twelve.calls), (60, 140, 4));

        // Few points: the 500-query limit binds, not the points.
        let hour = choose_period(&RangePreset::OneHour.range(NOW), NOW, 500);
        assert_eq!((hour.series_per_call, hour.calls), (500, 1));
        assert_eq!(choose_period(&RangePreset::OneHour.range(NOW), NOW, 501).calls, 2);

        // Whole series per call: 1,441 points fit 69 series a call, so 139 take 3 calls
        // (⌈139 × 1,441 / 100,800⌉ would say 2, splitting a series).
        let now = NOW + 29_500.0;
        let unaligned = choose_period(&RangePreset::OneDay.range(now), now, 139);
        assert_eq!((unaligned.points_per_series, unaligned.series_per_call, unaligned.calls), (1441, 69, 3));

        assert_eq!(choose_period(&day, NOW, 0).calls, 0);
    }

    #[test]
    fn custom_ranges_parse() {
        assert_eq!(parse_range("90m", NOW).unwrap(), TimeRange { start_ms: NOW - 90.0 * MIN, end_ms: NOW });
        assert_eq!(parse_range(" 36h ", NOW).unwrap(), TimeRange { start_ms: NOW - 36.0 * HOUR, end_ms: NOW });
        assert_eq!(parse_range("10d", NOW).unwrap(), TimeRange { start_ms: NOW - 10.0 * DAY, end_ms: NOW });
        assert_eq!(parse_range("1h30m", NOW).unwrap().start_ms, NOW - 90.0 * MIN);

        let explicit = parse_range("2027-01-10T00:00:00Z..2027-01-12T12:00:00+01:00", NOW).unwrap();
        assert_eq!(rfc3339(explicit.start_ms), "2027-01-10T00:00:00Z");
        assert_eq!(rfc3339(explicit.end_ms), "2027-01-12T11:00:00Z");
        let choice = choose_period(&explicit, NOW, 3);
        assert_eq!((choice.period_seconds, choice.points_per_series), (300, 708));

        let open = parse_range("2027-01-15T07:00:00Z..", NOW).unwrap();
        assert_eq!(open, TimeRange { start_ms: NOW - HOUR, end_ms: NOW });
        assert_eq!(parse_range("3d..1d", NOW).unwrap(), TimeRange { start_ms: NOW - 3.0 * DAY, end_ms: NOW - DAY });
        assert_eq!(parse_range("2027-01-15T07:00:00Z..now", NOW).unwrap(), open);
        // An end in the future is allowed; its points are simply missing.
        assert_eq!(parse_range("1h..2027-01-15T09:00:00Z", NOW).unwrap().end_ms, NOW + HOUR);
    }

    #[test]
    fn parse_errors_say_what_is_accepted() {
        let not_a_range = |typed: &str| {
            format!(
                "\"{typed}\" is not a time range: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w, a duration such as 90m \
                 or 10d, or START..END with RFC 3339 times such as 2026-11-29T10:00:00Z..2026-11-29T12:00:00Z."
            )
        };
        for typed in ["", "yesterday", "10", "1.5h", "-5m", "1mm", "..now", "now"] {
            assert_eq!(message(parse_range(typed, NOW)), not_a_range(typed), "{typed:?}");
        }
        assert_eq!(
            message(parse_range("2027-13-45T10:00:00Z..now", NOW)),
            "\"2027-13-45T10:00:00Z\" is not a time: write START..END with RFC 3339 times such as \
             2026-11-29T10:00:00Z..2026-11-29T12:00:00Z (an offset such as +01:00 instead of Z, now, or a duration \
             ago such as 2d also work)."
        );
        assert!(message(parse_range("1d..soon", NOW)).starts_with("\"soon\" is not a time:"));
        assert_eq!(message(parse_range("0s", NOW)), "The start must be before the end of the range.");
        assert_eq!(
            message(parse_range("2027-01-15T07:00:00Z..2027-01-15T07:00:00Z", NOW)),
            "The start must be before the end of the range."
        );
        assert_eq!(message(parse_range("1h..2h", NOW)), "The start must be before the end of the range.");
        assert_eq!(
            message(parse_range("2027-01-15T09:00:00Z..2027-01-15T10:00:00Z", NOW)),
            "The start is in the future."
        );
    }

    #[test]
    fn the_newest_minute_and_its_period_are_partial() {
        let now = NOW + 30_000.0; // 08:00:30
        assert_eq!(partial_after(60, now), NOW - MIN, "07:59 (last full minute) and 08:00");
        assert_eq!(partial_after(300, now), NOW - 5.0 * MIN, "the 07:55 point holds 07:59");
        assert_eq!(partial_after(3600, now), NOW - HOUR, "the 07:00 point holds 07:59");
        let later = NOW + 5.0 * MIN + 30_000.0; // 08:05:30
        assert_eq!(partial_after(60, later), NOW + 4.0 * MIN);
        assert_eq!(partial_after(300, later), NOW, "08:04 is in the 08:00 point");
        assert_eq!(partial_after(3600, later), NOW);
        assert_eq!(partial_after(60, NOW), NOW - MIN, "on the minute: the one just ended");
    }

    #[test]
    fn ranges_align_to_period_boundaries() {
        let range = TimeRange { start_ms: NOW + 1.0, end_ms: NOW + HOUR - 1.0 };
        assert_eq!(align(&range, 3600), TimeRange { start_ms: NOW, end_ms: NOW + HOUR });
        assert_eq!(align(&range, 60), TimeRange { start_ms: NOW, end_ms: NOW + HOUR });
        assert_eq!(align(&range, 300), TimeRange { start_ms: NOW, end_ms: NOW + HOUR });
        let aligned = TimeRange { start_ms: NOW - HOUR, end_ms: NOW };
        assert_eq!(align(&aligned, 900), aligned, "already aligned: unchanged");
        // Days start at 00:00 UTC: NOW is 08:00.
        let day = align(&RangePreset::OneDay.range(NOW), 86_400);
        assert_eq!(
            (rfc3339(day.start_ms), rfc3339(day.end_ms)),
            ("2027-01-14T00:00:00Z".into(), "2027-01-16T00:00:00Z".into())
        );
        let twelve = align(&TimeRange { start_ms: NOW - 1.0, end_ms: NOW + 1.0 }, 43_200);
        assert_eq!(
            (rfc3339(twelve.start_ms), rfc3339(twelve.end_ms)),
            ("2027-01-15T00:00:00Z".into(), "2027-01-15T12:00:00Z".into())
        );
    }

    #[test]
    fn choices_cross_ipc_as_plain_json() {
        let choice = choose_period(&RangePreset::ThreeDays.range(NOW), NOW, 2);
        let json = serde_json::to_value(&choice).unwrap();
        assert_eq!(json["period_seconds"], 300);
        assert_eq!(json["calls"], 1);
        let range = serde_json::to_value(TimeRange { start_ms: NOW - HOUR, end_ms: NOW }).unwrap();
        assert_eq!(range["end_ms"], NOW);
    }
}
