//! `ldeck metrics FUNCTION…`: Lambda's CloudWatch metrics over a range, read with the
//! app's GetMetricData reader (paced, ≤ 500 series per call) at the period the Monitor tab
//! would choose. Without `--metric`, each function's Monitor set; with it, one series per
//! function (several functions: a comparison). Printed as a table per series (UTC times,
//! `*` on points that may still grow, `-` for gaps, a summary line), as JSON, or as CSV;
//! drawn as a chart with `--svg FILE` / `--png FILE` (one chart with `--metric`, else one
//! per metric, stacked; light theme, UTC), instead of the table. The period and range
//! chosen are said on stderr.

use std::path::{Path, PathBuf};

use clap::Args;
use lambda_deck::functions::names::{check_function_name, check_qualifier};
use lambda_deck::metrics::chart::{
    render_png, render_png_stack, render_svg, render_svg_stack, to_csv, unit_of, ChartData, ChartLayout, ChartTheme,
    ChartUnit,
};
use lambda_deck::metrics::period::{choose_period, parse_range, partial_after, PeriodChoice, TimeRange};
use lambda_deck::metrics::query::{
    monitor_specs, read_series, LambdaMetric, ReadSummary, Series, SeriesSpec, Statistic,
};
use lambda_deck::pacing::RateLimiter;
use lambda_deck::session::Session;
use lambda_deck::{Error, FieldError};
use serde::Serialize;

use crate::render::{self, write_stdout};
use crate::with_option_names;

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Function names or ARNs (several with --metric: one series each, compared).
    #[arg(required = true)]
    functions: Vec<String>,
    /// One metric instead of the Monitor set: invocations, errors, throttles, duration,
    /// concurrent-executions, async-events-received, async-event-age,
    /// async-events-dropped, destination-delivery-failures, dead-letter-errors,
    /// iterator-age.
    #[arg(long)]
    metric: Option<String>,
    /// The statistic of --metric per point: sum, average, minimum, maximum, samplecount,
    /// p50, p90, p95, p99 or any pNN.N (default: sum for counts, average for duration,
    /// maximum for concurrency and ages).
    #[arg(long)]
    stat: Option<String>,
    /// 1h, 3h, 12h, 1d, 3d, 1w, 2w, 4w, a duration back from now (90m, 10d), or
    /// START..END with RFC 3339 times.
    #[arg(long, default_value = "3h")]
    range: String,
    /// A version or alias: only the invocations made through it.
    #[arg(long)]
    qualifier: Option<String>,
    /// Print the series as JSON.
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print the series as CSV: a time column, then one column per series.
    #[arg(long)]
    csv: bool,
    /// Draw the chart to this SVG file (with --metric one chart, else one per metric,
    /// stacked). The table is then not printed; --json or --csv still are.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Draw the chart to this PNG file, at twice the size of the SVG.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
}

/// The size of one chart in the files: the Monitor set stacks 11 of them.
const CHART_LAYOUT: ChartLayout =
    ChartLayout { width_px: 960, height_px: 320, theme: ChartTheme::Light, utc_offset_minutes: 0 };

pub async fn run(args: MetricsArgs, session: &Session) -> Result<(), Error> {
    // Every value is checked before the profile's credentials are even resolved.
    let now = lambda_deck::timestamps::now_ms();
    let plan = plan(&args, now)?;
    let connection = session.connection().await?;
    let pacer = RateLimiter::for_metric_reads(&connection.scope());
    let read = read_series(
        &connection.cloudwatch(),
        &connection.endpoint_label(),
        &pacer,
        &plan.specs,
        plan.range.start_ms,
        plan.range.end_ms,
        plan.period.period_seconds,
    )
    .await?;

    eprintln!("ldeck: {}", describe_reading(&plan));
    for series in read.series.iter().filter(|s| s.failure.is_some()) {
        eprintln!("ldeck: CloudWatch could not compute {}: {}", series.label, series.failure.as_deref().unwrap_or(""));
    }
    let partial_from = partial_after(plan.period.period_seconds, now);
    if args.svg.is_some() || args.png.is_some() {
        let charts = charts(&plan, &read, partial_from);
        if let Some(path) = &args.svg {
            let svg = match &charts[..] {
                [one] => render_svg(one, &CHART_LAYOUT)?.svg,
                many => render_svg_stack(many, &CHART_LAYOUT)?,
            };
            write_file(path, svg.as_bytes())?;
        }
        if let Some(path) = &args.png {
            let png = match &charts[..] {
                [one] => render_png(one, &CHART_LAYOUT)?,
                many => render_png_stack(many, &CHART_LAYOUT)?,
            };
            write_file(path, &png)?;
        }
    }
    let output = if args.json {
        render::json(&json_output(&plan, &read, partial_from))?
    } else if args.csv {
        to_csv(&read.series)
    } else if args.svg.is_some() || args.png.is_some() {
        return Ok(());
    } else {
        tables(&plan, &read, partial_from)
    };
    write_stdout(&output)
}

/// The charts of a reading, one per metric in the order read (with `--metric`, one chart
/// of every series). A chart of one series is titled with its label (the
/// function's name in it, as there is no legend then); of several, with the metric (and
/// the statistic they share). Points that may still grow are marked partial.
fn charts(plan: &Plan, read: &ReadSummary, partial_from: f64) -> Vec<ChartData> {
    let mut groups: Vec<Vec<Series>> = Vec::new();
    for series in &read.series {
        let mut series = series.clone();
        series.partial_from_ms = Some(series.partial_from_ms.map_or(partial_from, |own| own.min(partial_from)));
        match groups.iter_mut().find(|group| group[0].spec.metric == series.spec.metric) {
            Some(group) => group.push(series),
            None => groups.push(vec![series]),
        }
    }
    groups
        .into_iter()
        .map(|series| {
            let first = &series[0].spec;
            let title = if series.len() == 1 {
                series[0].label.clone()
            } else if series.iter().all(|s| s.spec.statistic == first.statistic) {
                format!("{} {}", first.metric.cloudwatch_name(), first.statistic.stat())
            } else {
                first.metric.cloudwatch_name().to_string()
            };
            let unit = if series.iter().all(|s| s.spec.statistic == Statistic::SampleCount) {
                ChartUnit::Count
            } else {
                unit_of(first.metric)
            };
            ChartData { title, unit, range: plan.range, series }
        })
        .collect()
}

/// Checks a file to write before anything is sent: a file name, in a folder that exists.
fn check_output_file(path: &Path) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("Name the file to write.".into());
    }
    if path.is_dir() {
        return Err(format!("{} is a folder: name a file in it.", path.display()));
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(format!("The folder {} does not exist.", folder.display()));
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes)
        .map_err(|err| Error::InvalidInput(format!("Cannot write {}: {err}", path.display())))?;
    eprintln!("ldeck: wrote {}", path.display());
    Ok(())
}

/// What was typed, checked: the series to read, the range and its period.
#[derive(Debug)]
struct Plan {
    specs: Vec<SeriesSpec>,
    range: TimeRange,
    period: PeriodChoice,
}

/// Checks every option before anything is sent: the function names first, then the
/// others together (one line naming each option at fault).
fn plan(args: &MetricsArgs, now: f64) -> Result<Plan, Error> {
    let mut functions = Vec::new();
    for typed in &args.functions {
        let reference = check_function_name(typed.trim())?;
        functions.push((reference.name.to_string(), reference.qualifier.map(str::to_string)));
    }

    let mut problems = Vec::new();
    let range = match parse_range(&args.range, now) {
        Ok(range) => Some(range),
        Err(Error::InvalidFields(fields)) => {
            problems.extend(fields);
            None
        }
        Err(other) => return Err(other),
    };
    let metric = match args.metric.as_deref().map(parse_metric).transpose() {
        Ok(metric) => metric,
        Err(message) => {
            problems.push(FieldError::new("metric", message));
            None
        }
    };
    let statistic = match args.stat.as_deref().map(parse_statistic).transpose() {
        Ok(statistic) => statistic,
        Err(message) => {
            problems.push(FieldError::new("stat", message));
            None
        }
    };
    if args.stat.is_some() && args.metric.is_none() {
        problems.push(FieldError::new(
            "stat",
            "Name the metric too (--metric): without it, each function's Monitor set is read, each series at its own statistic.",
        ));
    }
    let qualifier = args.qualifier.as_deref().map(str::trim);
    if let Some(qualifier) = qualifier {
        if let Err(message) = check_qualifier(qualifier) {
            problems.push(FieldError::new("qualifier", message));
        } else if let Some((name, own)) =
            functions.iter().find(|(_, own)| own.as_deref().is_some_and(|own| own != qualifier))
        {
            let own = own.as_deref().unwrap_or_default();
            problems.push(FieldError::new(
                "qualifier",
                format!("\"{qualifier}\" differs from the qualifier of {name}:{own}; give one of them."),
            ));
        }
    }
    for (option, path) in [("svg", &args.svg), ("png", &args.png)] {
        if let Some(Err(message)) = path.as_deref().map(check_output_file) {
            problems.push(FieldError::new(option, message));
        }
    }
    if !problems.is_empty() {
        return Err(with_option_names(Error::InvalidFields(problems)));
    }
    let range = range.ok_or_else(|| Error::Internal("the range was not read".into()))?;

    // Each function once, with its own qualifier or --qualifier.
    let mut targets: Vec<(String, Option<String>)> = Vec::new();
    for (name, own) in functions {
        let target = (name, own.or_else(|| qualifier.map(str::to_string)));
        if !targets.contains(&target) {
            targets.push(target);
        }
    }
    let specs = specs(&targets, metric, statistic);
    let period = choose_period(&range, now, u32::try_from(specs.len()).unwrap_or(u32::MAX));
    Ok(Plan { specs, range, period })
}

/// The Monitor set of each function, or one series of `metric` per function; labels start
/// with the function (and its qualifier): `orders Invocations`, `orders:live Duration p99`.
fn specs(
    targets: &[(String, Option<String>)],
    metric: Option<LambdaMetric>,
    statistic: Option<Statistic>,
) -> Vec<SeriesSpec> {
    let mut specs = Vec::new();
    for (name, qualifier) in targets {
        let shown = match qualifier {
            Some(qualifier) => format!("{name}:{qualifier}"),
            None => name.clone(),
        };
        match metric {
            None => specs.extend(monitor_specs(name, qualifier.as_deref()).into_iter().map(|spec| {
                let label = format!("{shown} {}", spec.label);
                spec.labelled(label)
            })),
            Some(metric) => {
                let statistic = statistic.unwrap_or_else(|| default_statistic(metric));
                let spec = SeriesSpec::new(name.clone(), metric, statistic);
                let label = format!("{shown} {}", spec.label);
                let spec = spec.labelled(label);
                specs.push(match qualifier {
                    Some(qualifier) => spec.qualified(qualifier.clone()),
                    None => spec,
                });
            }
        }
    }
    specs
}

/// The statistic the Monitor tab reads the metric at first: Sum for counts, Average for
/// the duration, Maximum for concurrency and ages.
fn default_statistic(metric: LambdaMetric) -> Statistic {
    monitor_specs("f", None).into_iter().find(|spec| spec.metric == metric).map_or(Statistic::Sum, |s| s.statistic)
}

/// `concurrent-executions` for ConcurrentExecutions.
fn kebab_name(metric: LambdaMetric) -> String {
    let mut name = String::new();
    for c in metric.cloudwatch_name().chars() {
        if c.is_ascii_uppercase() && !name.is_empty() {
            name.push('-');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// A metric in kebab-case (`concurrent-executions`), any case; snake_case and
/// CloudWatch's own names (`ConcurrentExecutions`) are read too.
fn parse_metric(text: &str) -> Result<LambdaMetric, String> {
    let folded: String = text.trim().chars().filter(|c| !matches!(c, '-' | '_')).collect::<String>().to_lowercase();
    LambdaMetric::ALL.into_iter().find(|m| m.cloudwatch_name().to_lowercase() == folded).ok_or_else(|| {
        let names: Vec<String> = LambdaMetric::ALL.into_iter().map(kebab_name).collect();
        let (last, rest) = names.split_last().expect("metrics");
        format!("\"{}\" is not a Lambda metric: write {} or {last}.", text.trim(), rest.join(", "))
    })
}

/// sum, average, minimum, maximum, samplecount (any case; avg, min, max, sample-count
/// too), or a percentile p0 to p100 (`p99.9`).
fn parse_statistic(text: &str) -> Result<Statistic, String> {
    let typed = text.trim();
    let lower = typed.to_lowercase();
    let statistic = match lower.as_str() {
        "sum" => Statistic::Sum,
        "average" | "avg" => Statistic::Average,
        "minimum" | "min" => Statistic::Minimum,
        "maximum" | "max" => Statistic::Maximum,
        "samplecount" | "sample-count" | "sample_count" => Statistic::SampleCount,
        _ => {
            let number = lower.strip_prefix('p').filter(|n| {
                let mut parts = n.split('.');
                let whole = parts.next().unwrap_or_default();
                let fraction = parts.next();
                !whole.is_empty()
                    && whole.chars().all(|c| c.is_ascii_digit())
                    && fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
                    && parts.next().is_none()
            });
            let Some(number) = number else {
                return Err(format!(
                    "\"{typed}\" is not a statistic: write sum, average, minimum, maximum, samplecount, or a percentile such as p50, p90, p95, p99 or p99.9."
                ));
            };
            let percentile: f64 = number.parse().map_err(|_| format!("\"{typed}\" is not a percentile."))?;
            if !(0.0..=100.0).contains(&percentile) {
                return Err(format!("A percentile is between p0 and p100, not {typed}."));
            }
            let named =
                [(50.0, Statistic::P50), (90.0, Statistic::P90), (95.0, Statistic::P95), (99.0, Statistic::P99)];
            named.into_iter().find(|(p, _)| *p == percentile).map_or(Statistic::Percentile(percentile), |(_, s)| s)
        }
    };
    Ok(statistic)
}

/// `1-minute points: the finest Lambda publishes, 3h from … to …` (with the calls when
/// the series take more than one).
fn describe_reading(plan: &Plan) -> String {
    let reason = plan.period.reason.trim_end_matches('.');
    let calls = match plan.period.calls {
        0 | 1 => String::new(),
        calls => format!(" ({calls} GetMetricData calls)"),
    };
    format!(
        "{reason}, {} from {} to {}{calls}",
        describe_span(plan.range.duration_ms()),
        utc(plan.range.start_ms),
        utc(plan.range.end_ms)
    )
}

/// `3h`, `1h30m`, `10d`, `2d3h`: a span in whole units, largest first.
fn describe_span(ms: f64) -> String {
    let mut seconds = (ms / 1000.0).round().max(0.0) as u64;
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if seconds >= size {
            out.push_str(&format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    if out.is_empty() {
        "0s".into()
    } else {
        out
    }
}

/// `2026-11-29T10:00:00Z`: UTC, whole seconds.
fn utc(ms: f64) -> String {
    let seconds = aws_smithy_types::DateTime::from_secs((ms / 1000.0).floor() as i64);
    seconds.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default()
}

/// Whether the point starting at `t` may still grow: from the core's settled boundary of
/// the series (periods that ended less than 3 minutes ago), or from the period holding the
/// last full minute, whichever comes first.
fn is_partial(series: &Series, t: f64, partial_from: f64) -> bool {
    t >= partial_from || series.partial_from_ms.is_some_and(|from| t >= from)
}

/// The unit of the series' values: a sample count counts, whatever the metric.
fn unit(series: &Series) -> &'static str {
    match series.spec.statistic {
        Statistic::SampleCount => "count",
        _ => series.spec.metric.unit(),
    }
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    period_seconds: u32,
    start_ms: i64,
    end_ms: i64,
    calls: u32,
    series: Vec<JsonSeries<'a>>,
}

#[derive(Serialize)]
struct JsonSeries<'a> {
    label: &'a str,
    function: &'a str,
    qualifier: Option<&'a str>,
    metric: &'static str,
    statistic: String,
    unit: &'static str,
    /// Why CloudWatch could not compute the series (its points are then all gaps).
    failure: Option<&'a str>,
    points: Vec<JsonPoint>,
}

#[derive(Serialize)]
struct JsonPoint {
    t: i64,
    v: Option<f64>,
    partial: bool,
}

fn json_output<'a>(plan: &Plan, read: &'a ReadSummary, partial_from: f64) -> JsonOutput<'a> {
    JsonOutput {
        period_seconds: plan.period.period_seconds,
        start_ms: plan.range.start_ms.floor() as i64,
        end_ms: plan.range.end_ms.floor() as i64,
        calls: read.calls,
        series: read
            .series
            .iter()
            .map(|series| JsonSeries {
                label: &series.label,
                function: &series.spec.function_name,
                qualifier: series.spec.qualifier.as_deref(),
                metric: series.spec.metric.cloudwatch_name(),
                statistic: series.spec.statistic.stat(),
                unit: unit(series),
                failure: series.failure.as_deref(),
                points: series
                    .timestamps_ms
                    .iter()
                    .zip(&series.values)
                    .map(|(t, v)| JsonPoint { t: *t as i64, v: *v, partial: is_partial(series, *t, partial_from) })
                    .collect(),
            })
            .collect(),
    }
}

/// Whole numbers as integers, others with at most 2 decimals.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A table per series: its label and unit, a line per point (`*`: may still grow, `-`: no
/// data), and a summary line. A series without any data is one line.
fn tables(plan: &Plan, read: &ReadSummary, partial_from: f64) -> String {
    let mut out = String::new();
    let mut any_partial = false;
    for (i, series) in read.series.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let unit = unit(series);
        if let Some(failure) = &series.failure {
            out.push_str(&format!("{} ({unit}): not computed: {failure}\n", series.label));
            continue;
        }
        if series.values.iter().all(Option::is_none) {
            out.push_str(&format!("{} ({unit}): no data\n", series.label));
            continue;
        }
        out.push_str(&format!("{} ({unit})\n", series.label));
        let cells: Vec<(String, String)> = series
            .timestamps_ms
            .iter()
            .zip(&series.values)
            .map(|(t, v)| {
                let partial = is_partial(series, *t, partial_from);
                any_partial |= partial;
                let value = v.map_or_else(|| "-".to_string(), number);
                (utc(*t), format!("{value}{}", if partial { "*" } else { "" }))
            })
            .collect();
        let width = cells.iter().map(|(_, v)| v.trim_end_matches('*').len()).max().unwrap_or(1);
        for (time, value) in cells {
            // Right-aligned numbers, the `*` after them.
            let (digits, star) = value.strip_suffix('*').map_or((value.as_str(), ""), |d| (d, "*"));
            out.push_str(&format!("  {time}  {digits:>width$}{star}\n"));
        }
        out.push_str(&format!("  {}\n", summary(series, unit, plan.period.period_seconds)));
    }
    if any_partial {
        out.push_str("\n* may still grow: Lambda publishes each minute's figures late.\n");
    }
    out
}

/// What the range adds up to, as fits the statistic: the total of sums and counts, the
/// mean and extremes of averages, the lowest minimum, the highest maximum, the spread of a
/// percentile (percentiles of periods do not combine).
fn summary(series: &Series, unit: &str, period_seconds: u32) -> String {
    let values: Vec<f64> = series.values.iter().flatten().copied().collect();
    let total: f64 = values.iter().sum();
    let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean = total / values.len().max(1) as f64;
    let with_unit = |value: f64| if unit == "count" { number(value) } else { format!("{} {unit}", number(value)) };
    let per = match period_seconds {
        s if s.is_multiple_of(86_400) => format!("{} d", s / 86_400),
        s if s.is_multiple_of(3_600) => format!("{} h", s / 3_600),
        s => format!("{} min", s / 60),
    };
    let points = format!("{} of {} points with data", values.len(), series.values.len());
    match series.spec.statistic {
        Statistic::Sum | Statistic::SampleCount => {
            format!("total {}, highest {} per {per} ({points})", with_unit(total), with_unit(highest))
        }
        Statistic::Average => format!(
            "mean of the points {}, lowest {}, highest {} ({points})",
            with_unit(mean),
            with_unit(lowest),
            with_unit(highest)
        ),
        Statistic::Minimum => format!("lowest {} ({points})", with_unit(lowest)),
        Statistic::Maximum => format!("highest {} ({points})", with_unit(highest)),
        _ => format!(
            "{} per {per} from {} to {} ({points})",
            series.spec.statistic.stat(),
            with_unit(lowest),
            with_unit(highest)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_read_in_kebab_case_or_as_cloudwatch_names_them() {
        assert_eq!(parse_metric("Concurrent-Executions"), Ok(LambdaMetric::ConcurrentExecutions));
        assert_eq!(parse_metric("IteratorAge"), Ok(LambdaMetric::IteratorAge));
        assert_eq!(parse_metric("dead_letter_errors"), Ok(LambdaMetric::DeadLetterErrors));
        let names: Vec<String> = LambdaMetric::ALL.into_iter().map(kebab_name).collect();
        assert_eq!(names[4], "concurrent-executions");
        for name in &names {
            assert!(parse_metric(name).is_ok(), "{name}");
        }
        assert!(parse_metric("invocation").unwrap_err().contains("invocations, errors, throttles"));
    }

    #[test]
    fn statistics_and_percentiles() {
        assert_eq!(parse_statistic("SUM"), Ok(Statistic::Sum));
        assert_eq!(parse_statistic("avg"), Ok(Statistic::Average));
        assert_eq!(parse_statistic("p99"), Ok(Statistic::P99));
        assert_eq!(parse_statistic("p99.0"), Ok(Statistic::P99));
        assert_eq!(parse_statistic("p99.9"), Ok(Statistic::Percentile(99.9)));
        assert_eq!(parse_statistic("p0"), Ok(Statistic::Percentile(0.0)));
        assert_eq!(parse_statistic("p100"), Ok(Statistic::Percentile(100.0)));
        assert_eq!(parse_statistic("p120"), Err("A percentile is between p0 and p100, not p120.".to_string()));
        for bad in ["p", "p-1", "p1e2", "p9.", "p.5", "median", "p9.9.9"] {
            assert!(parse_statistic(bad).unwrap_err().contains("is not a statistic"), "{bad}");
        }
    }

    #[test]
    fn each_metric_defaults_to_its_monitor_statistic() {
        assert_eq!(default_statistic(LambdaMetric::Errors), Statistic::Sum);
        assert_eq!(default_statistic(LambdaMetric::Duration), Statistic::Average);
        assert_eq!(default_statistic(LambdaMetric::ConcurrentExecutions), Statistic::Maximum);
        assert_eq!(default_statistic(LambdaMetric::IteratorAge), Statistic::Maximum);
    }

    #[test]
    fn spans_and_numbers_read_short() {
        assert_eq!(describe_span(3.0 * 3_600_000.0), "3h");
        assert_eq!(describe_span(90.0 * 60_000.0), "1h30m");
        assert_eq!(describe_span(10.0 * 86_400_000.0), "10d");
        assert_eq!((number(5.0), number(0.4), number(812.345)), ("5".into(), "0.4".into(), "812.35".into()));
        assert_eq!(utc(1_800_000_000_123.0), "2027-01-15T08:00:00Z");
    }
}
