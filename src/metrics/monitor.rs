//! What the Monitor tab, a comparison and the function list's trends read: the charts of
//! one function (or of one alias or version of it) over a range with the range's estimated
//! cost ([`read_monitor`]), one metric of 2 to 10 functions on one chart ([`read_compare`]),
//! and the last 24 hours of invocations and errors of the list's rows ([`refresh_trends`]).
//!
//! Every value the user typed is checked before anything is sent, each problem at its
//! field. Every reading is saved (saved.rs) and shown from the store first
//! ([`saved_monitor`], [`saved_compare`], [`saved_trends`]); when AWS cannot be read
//! (the network, the credentials, throttling, a refusal), the saved reading is returned
//! instead, marked as saved with its age and a notice saying why. Bad input is an error,
//! never a saved reading.

use std::collections::HashMap;
use std::sync::Arc;

use aws_smithy_types::date_time::{DateTime, Format};
use serde::{Deserialize, Serialize};

use super::chart::{unit_of, ChartUnit};
use super::period::{choose_period, parse_range, RangePreset, TimeRange, MAX_POINTS_PER_CALL, MAX_QUERIES_PER_CALL};
use super::query::{
    monitor_specs, read_series, success_rate, trend_specs, LambdaMetric, Series, SeriesSpec, Statistic,
};
use super::saved::{self, chart_key, SavedChart};
use crate::aws::AwsConnection;
use crate::functions::names::{arn_region, check_function_name, check_qualifier};
use crate::functions::types::ConfigurationSection;
use crate::functions::FunctionDetails;
use crate::pacing::RateLimiter;
use crate::pricing::{estimate_range_cost, RangeCost};
use crate::scope::Scope;
use crate::store::{run_blocking, Store};
use crate::{timestamps, Error, FieldError};

/// The most functions compared on one chart: more lines than this are not legible.
pub const MAX_COMPARE_TARGETS: usize = 10;

/// The most functions whose trends one request reads: the rows in view and their
/// neighbours are far fewer; 1,000 take 4 GetMetricData calls.
pub const MAX_TREND_FUNCTIONS: usize = 1_000;

/// A trend's period: one point an hour. A sparkline is some 60 to 100 pixels wide, so 24
/// points draw the day legibly where 1,440 minutes would share pixels; and at 24 points
/// a call holds GetMetricData's full 500 series (500 × 24 ≤ 100,800 points), so n
/// functions take ⌈2n / 500⌉ calls. (30-minute points would too, with a partial newest
/// point half as long; hourly ones keep the list's sort by the day's totals stable.)
pub const TREND_PERIOD_SECONDS: u32 = 3_600;

/// A trend's points: the current hour and the 23 before it.
pub const TREND_POINTS: u32 = 24;

/// The Monitor tab's key prefix in the store ([`saved::chart_key`]).
const MONITOR_SPECS_LABEL: &str = "monitor";

const HOUR_MS: f64 = 3_600_000.0;

/// The Monitor tab of a function over a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonitorRequest {
    /// A function name (or ARN, or `name:qualifier`).
    pub function_name: String,
    /// A version or alias: only the invocations made through it. Blank means none.
    pub qualifier: Option<String>,
    /// `3h`, or anything [`parse_range`] takes (`90m`, `START..END`).
    pub range: String,
}

/// One chart of a reading: its series on a common time axis.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonitorChart {
    /// `invocations`, `errors`, `success_rate`, `throttles`, `duration`, `concurrency`,
    /// `async_events`, `async_age`, `iterator_age`, or `compare`.
    pub id: String,
    pub title: String,
    pub unit: ChartUnit,
    pub series: Vec<Series>,
    /// False when every value of every series is a gap: nothing of it happened in the
    /// range (the UI hides the asynchronous and stream charts then, saying so).
    pub has_data: bool,
}

/// What the Monitor tab or a comparison shows: the charts of one reading, fresh or saved.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetricsReading {
    /// Where it is saved ([`saved::chart_key`]).
    pub key: String,
    /// The range read (as parsed; the series' periods cover it).
    pub range: TimeRange,
    pub period_seconds: u32,
    /// Why that period, in one sentence ("5-minute points: 1-minute data is kept 15 days.").
    pub period_reason: String,
    pub charts: Vec<MonitorChart>,
    /// The range's estimated cost (Monitor tab only); `None` when the function's
    /// configuration (memory, architecture) is not saved, or for a comparison.
    pub cost: Option<RangeCost>,
    /// When the series were read from CloudWatch (ISO-8601 UTC).
    pub fetched_at: String,
    /// Shown from the store, not read now.
    pub saved: bool,
    /// How old the saved reading is ("5 min ago"), when `saved`.
    pub saved_age: Option<String>,
    /// What the user should know about this reading, in a sentence: why the saved one is
    /// shown, or that a fresh one could not be saved.
    pub notice: Option<String>,
    /// GetMetricData requests this reading took (0 when saved).
    pub calls: u32,
}

/// One function, or one of its versions or aliases, on a comparison chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompareTarget {
    pub function_name: String,
    /// Blank means none.
    pub qualifier: Option<String>,
    /// With `qualifier` an alias: only the invocations it routed to this version (one side
    /// of a weighted alias; CloudWatch's `ExecutedVersion`). Blank means all of them.
    #[serde(default)]
    pub executed_version: Option<String>,
}

/// One metric and statistic of 2 to 10 functions, versions or aliases on one chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompareRequest {
    pub targets: Vec<CompareTarget>,
    pub metric: LambdaMetric,
    pub statistic: Statistic,
    pub range: String,
}

/// A function's trend in the list: its invocations and errors per hour over the last 24
/// hours, oldest first (the last point is the current hour, still filling in).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Trend {
    pub function_name: String,
    /// [`TREND_POINTS`] values; `None` is no data (never invoked in the range, or not yet
    /// published).
    pub invocations: Vec<Option<f64>>,
    pub errors: Vec<Option<f64>>,
    /// The sums over the 24 hours (0 without data): what the list sorts by.
    pub total_invocations: f64,
    pub total_errors: f64,
    /// When it was read from CloudWatch (ISO-8601 UTC).
    pub fetched_at: String,
}

/// The trends of the rows asked for, saved or read now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TrendsRead {
    /// In the order asked; a function with no trend saved and none read is left out.
    pub trends: Vec<Trend>,
    /// GetMetricData requests made: ⌈2 × stale functions / 500⌉.
    pub calls: u32,
    /// Why some trends are older than asked (AWS could not be read), or that they could
    /// not be saved.
    pub notice: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Checking requests

/// Checks a Monitor request before anything is sent: the function name, the qualifier and
/// the range, each problem at its field (`function_name`, `qualifier`, `range`).
pub fn check_monitor_request(request: &MonitorRequest, now_ms: f64) -> Result<(), Error> {
    monitor_plan(request, now_ms).map(|_| ())
}

/// Checks a comparison before anything is sent: 2 to 10 targets, each named validly and
/// once (field `targets`), a percentile within 0–100 (`statistic`) and the range
/// (`range`).
pub fn check_compare_request(request: &CompareRequest, now_ms: f64) -> Result<(), Error> {
    compare_plan(request, now_ms).map(|_| ())
}

/// A checked request: the series to read, over which range, saved under which key.
#[derive(Debug, Clone)]
struct Plan {
    key: String,
    range: TimeRange,
    specs: Vec<SeriesSpec>,
    /// What the key is made of: the chart's functions and its set of series.
    labels: Vec<String>,
    specs_label: String,
    /// A typed or zoomed range (not a preset): its readings are pruned.
    custom_range: bool,
}

impl Plan {
    fn new(
        labels: Vec<String>,
        specs_label: String,
        range_label: &str,
        range: TimeRange,
        specs: Vec<SeriesSpec>,
    ) -> Self {
        Plan {
            key: chart_key(&labels, &specs_label, range_label),
            range,
            specs,
            labels,
            specs_label,
            custom_range: RangePreset::from_label(range_label).is_none(),
        }
    }
}

/// A function and its qualifier, checked (and, in a comparison, the version an alias
/// routed to).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    name: String,
    qualifier: Option<String>,
    executed_version: Option<String>,
}

impl Target {
    /// `orders`, `orders:live`, or `orders:live@2` (what live routed to version 2): how
    /// legends and keys name it.
    fn label(&self) -> String {
        let mut label = self.name.clone();
        if let Some(qualifier) = &self.qualifier {
            label = format!("{label}:{qualifier}");
        }
        if let Some(version) = &self.executed_version {
            label = format!("{label}@{version}");
        }
        label
    }

    fn spec(&self, metric: LambdaMetric, statistic: Statistic) -> SeriesSpec {
        let mut spec = SeriesSpec::new(self.name.clone(), metric, statistic);
        if let Some(qualifier) = &self.qualifier {
            spec = spec.qualified(qualifier.clone());
        }
        spec.executed_version = self.executed_version.clone();
        spec
    }
}

fn monitor_plan(request: &MonitorRequest, now_ms: f64) -> Result<(Plan, Target), Error> {
    let mut problems = Vec::new();
    let target = checked_target(
        ("function_name", "qualifier"),
        &request.function_name,
        request.qualifier.as_deref(),
        &mut problems,
    );
    let range = checked_range(&request.range, now_ms, &mut problems);
    let (Some(target), Some((range, range_label)), true) = (target, range, problems.is_empty()) else {
        return Err(Error::InvalidFields(problems));
    };
    let mut specs = monitor_specs(&target.name, target.qualifier.as_deref());
    specs.push(target.spec(LambdaMetric::Duration, Statistic::Sum).labelled(DURATION_SUM_LABEL));
    let plan = Plan::new(vec![target.label()], MONITOR_SPECS_LABEL.to_string(), &range_label, range, specs);
    Ok((plan, target))
}

fn compare_plan(request: &CompareRequest, now_ms: f64) -> Result<Plan, Error> {
    let mut problems = Vec::new();
    let count = request.targets.len();
    if !(2..=MAX_COMPARE_TARGETS).contains(&count) {
        problems.push(FieldError::new(
            "targets",
            format!("Compare 2 to {MAX_COMPARE_TARGETS} functions, versions or aliases at a time, not {count}."),
        ));
    }
    let mut targets: Vec<Target> = Vec::new();
    for typed in &request.targets {
        let Some(mut target) =
            checked_target(("targets", "targets"), &typed.function_name, typed.qualifier.as_deref(), &mut problems)
        else {
            continue;
        };
        let executed_version = typed.executed_version.as_deref().map(str::trim).filter(|v| !v.is_empty());
        if let Some(version) = executed_version {
            match checked_executed_version(&target, version) {
                Ok(()) => target.executed_version = Some(version.to_string()),
                Err(message) => {
                    problems.push(FieldError::new("targets", message));
                    continue;
                }
            }
        }
        if targets.contains(&target) {
            let message = format!("{} is listed twice: compare it once.", target.label());
            if !problems.iter().any(|problem| problem.message == message) {
                problems.push(FieldError::new("targets", message));
            }
        } else {
            targets.push(target);
        }
    }
    if let Statistic::Percentile(p) = request.statistic {
        if !(0.0..=100.0).contains(&p) {
            problems.push(FieldError::new("statistic", format!("A percentile is between 0 and 100, not {p}.")));
        }
    }
    let range = checked_range(&request.range, now_ms, &mut problems);
    let (Some((range, range_label)), true) = (range, problems.is_empty()) else {
        return Err(Error::InvalidFields(problems));
    };
    let specs = targets.iter().map(|target| target.spec(request.metric, request.statistic).labelled(target.label()));
    let labels: Vec<String> = targets.iter().map(Target::label).collect();
    let specs_label = format!("compare:{}:{}", metric_key(request.metric), request.statistic.stat());
    Ok(Plan::new(labels, specs_label, &range_label, range, specs.collect()))
}

/// A version an alias routed to: a published version of a target named with its alias.
fn checked_executed_version(target: &Target, version: &str) -> Result<(), String> {
    let label = format!("{}@{version}", target.label());
    match &target.qualifier {
        None => {
            Err(format!("{label}: only an alias routes to versions; name it, e.g. {}:live@{version}.", target.name))
        }
        Some(qualifier) if qualifier.chars().all(|c| c.is_ascii_digit()) => {
            Err(format!("{label}: {qualifier} is a version, not an alias; compare {}:{version} instead.", target.name))
        }
        Some(_) if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) => {
            Err(format!("{label}: an alias routes to published versions, e.g. @2."))
        }
        Some(_) => Ok(()),
    }
}

/// A function name (a name, an ARN, or `name:qualifier`) and a qualifier as typed, checked:
/// the name as CloudWatch's FunctionName dimension has it, and the qualifier from the
/// field or the name. Problems go to `problems`, at the name's field or the qualifier's.
fn checked_target(
    (name_field, qualifier_field): (&str, &str),
    function_name: &str,
    qualifier: Option<&str>,
    problems: &mut Vec<FieldError>,
) -> Option<Target> {
    let typed = function_name.trim();
    let qualifier = qualifier.map(str::trim).filter(|q| !q.is_empty());
    // Both checked, so that a form shows every problem at once.
    let reference =
        check_function_name(typed).map_err(|err| problems.push(FieldError::new(name_field, err.to_string())));
    let qualifier_ok = qualifier
        .map(check_qualifier)
        .transpose()
        .map_err(|message| problems.push(FieldError::new(qualifier_field, message)));
    let (Ok(reference), Ok(_)) = (reference, qualifier_ok) else { return None };
    match (reference.qualifier, qualifier) {
        (Some(own), Some(qualifier)) if own != qualifier => {
            problems.push(FieldError::new(
                qualifier_field,
                format!("\"{qualifier}\" differs from the qualifier of {typed}; give one of them."),
            ));
            None
        }
        (own, qualifier) => Some(Target {
            name: reference.name.to_string(),
            qualifier: qualifier.or(own).map(str::to_string),
            executed_version: None,
        }),
    }
}

/// The range and how its key names it: the preset's label (`3h`) or the text as typed.
fn checked_range(typed: &str, now_ms: f64, problems: &mut Vec<FieldError>) -> Option<(TimeRange, String)> {
    match parse_range(typed, now_ms) {
        Ok(range) => {
            let label = RangePreset::from_label(typed).map_or_else(|| typed.trim().to_string(), |p| p.label().into());
            Some((range, label))
        }
        Err(Error::InvalidFields(fields)) => {
            problems.extend(fields);
            None
        }
        Err(other) => {
            problems.push(FieldError::new("range", other.to_string()));
            None
        }
    }
}

/// The metric as its JSON name (`concurrent_executions`): stable across releases.
fn metric_key(metric: LambdaMetric) -> String {
    match serde_json::to_value(metric) {
        Ok(serde_json::Value::String(name)) => name,
        _ => metric.cloudwatch_name().to_lowercase(),
    }
}

// ---------------------------------------------------------------------------------------
// The Monitor tab

/// The label of the Duration Sum series read for the cost only (on no chart).
const DURATION_SUM_LABEL: &str = "Duration sum";

/// Reads the Monitor tab's charts of a function over a range, in one paced GetMetricData
/// reading (every series in ≤ 500-query calls, at the period [`choose_period`] picks), with
/// the range's estimated cost, and saves it. When AWS cannot be read (network,
/// credentials, throttling, refusal), returns the saved reading of the same function and
/// range instead, with `saved`, its age and a notice; with nothing saved, the error.
///
/// The cost is priced at `scope`'s region with the function's saved configuration (its
/// memory, architecture and ephemeral storage, as last fetched with its details: those of
/// `$LATEST`, also for a version or alias), from the sums of Invocations and of Duration
/// over the range; `None` when no configuration is saved.
pub async fn read_monitor(
    connection: &AwsConnection,
    store: &Arc<Store>,
    scope: &Scope,
    request: &MonitorRequest,
    now_ms: f64,
) -> Result<MetricsReading, Error> {
    check_monitor_request(request, now_ms)?;
    check_in_region(scope, "function_name", [request.function_name.as_str()])?;
    let pacer = RateLimiter::for_metric_reads(&connection.scope());
    let client = connection.cloudwatch();
    match read_monitor_with(&client, &connection.endpoint_label(), &pacer, store, scope, request, now_ms).await {
        Ok(reading) => Ok(reading),
        Err(err) => Err(connection.explain(err).await),
    }
}

/// Metrics are read in the window's region: an ARN of another region would be read as the
/// same-named function here, so it is refused at `field`.
fn check_in_region<'a>(scope: &Scope, field: &str, references: impl IntoIterator<Item = &'a str>) -> Result<(), Error> {
    for reference in references {
        if let Some(region) = arn_region(reference.trim()).filter(|region| *region != scope.region) {
            return Err(Error::InvalidFields(vec![FieldError::new(
                field,
                format!("{reference} is in {region}; this window reads {}. Switch the region to see it.", scope.region),
            )]));
        }
    }
    Ok(())
}

/// The Monitor tab's last saved reading of this function and range, from the store alone;
/// `None` when none is saved. The request is checked as [`read_monitor`] checks it.
pub async fn saved_monitor(
    store: &Arc<Store>,
    scope: &Scope,
    request: &MonitorRequest,
) -> Result<Option<MetricsReading>, Error> {
    let (plan, target) = monitor_plan(request, timestamps::now_ms())?;
    let Some(chart) = saved::load(store, scope, &plan.key).await? else { return Ok(None) };
    Ok(Some(monitor_reading(store, scope, &target, chart, Source::Saved { notice: None }).await))
}

async fn read_monitor_with(
    client: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    store: &Arc<Store>,
    scope: &Scope,
    request: &MonitorRequest,
    now_ms: f64,
) -> Result<MetricsReading, Error> {
    let (plan, target) = monitor_plan(request, now_ms)?;
    let (chart, source) = read_or_saved(client, endpoint, pacer, store, scope, &plan, now_ms, "charts").await?;
    Ok(monitor_reading(store, scope, &target, chart, source).await)
}

async fn monitor_reading(
    store: &Arc<Store>,
    scope: &Scope,
    target: &Target,
    chart: SavedChart,
    source: Source,
) -> MetricsReading {
    // The cost is an extra: a store that cannot be read leaves it out, not the charts.
    let details = FunctionDetails::load_saved(store, scope, &target.name).await.ok().flatten();
    let priced = match details.and_then(|details| details.configuration) {
        Some(configuration) => priced_configuration(&configuration),
        // Details not opened yet: the saved list row has memory and architecture too.
        None => priced_list_row(store, scope, &target.name).await,
    };
    let cost = priced.map(|(memory_mb, architecture, ephemeral_mb)| {
        range_cost(&chart.series, &scope.region, &architecture, memory_mb, ephemeral_mb)
    });
    let charts = monitor_charts(&chart.series);
    reading(chart, charts, cost, source)
}

/// The Monitor tab's charts from its series, in the tab's order; a series missing from
/// the reading is left out of its chart (and the hidden Duration Sum is on none).
fn monitor_charts(series: &[Series]) -> Vec<MonitorChart> {
    use LambdaMetric::*;
    let find = |metric: LambdaMetric, statistic: Statistic| {
        series.iter().find(|s| s.spec.metric == metric && s.spec.statistic == statistic)
    };
    let chart = |id: &str, title: &str, members: &[(LambdaMetric, Statistic)]| {
        let series = members.iter().filter_map(|(metric, statistic)| find(*metric, *statistic)).cloned().collect();
        MonitorChart::new(id, title, unit_of(members[0].0), series)
    };
    let success = match (find(Invocations, Statistic::Sum), find(Errors, Statistic::Sum)) {
        (Some(invocations), Some(errors)) => vec![success_rate_series(invocations, errors)],
        _ => Vec::new(),
    };
    vec![
        chart("invocations", "Invocations", &[(Invocations, Statistic::Sum)]),
        chart("errors", "Errors", &[(Errors, Statistic::Sum)]),
        MonitorChart::new("success_rate", "Success rate", ChartUnit::Percent, success),
        chart("throttles", "Throttles", &[(Throttles, Statistic::Sum)]),
        chart(
            "duration",
            "Duration",
            &[
                (Duration, Statistic::Average),
                (Duration, Statistic::P50),
                (Duration, Statistic::P90),
                (Duration, Statistic::P99),
                (Duration, Statistic::Maximum),
            ],
        ),
        chart("concurrency", "Concurrent executions", &[(ConcurrentExecutions, Statistic::Maximum)]),
        chart(
            "async_events",
            "Asynchronous events",
            &[
                (AsyncEventsReceived, Statistic::Sum),
                (AsyncEventsDropped, Statistic::Sum),
                (DestinationDeliveryFailures, Statistic::Sum),
                (DeadLetterErrors, Statistic::Sum),
            ],
        ),
        chart("async_age", "Asynchronous event age", &[(AsyncEventAge, Statistic::Maximum)]),
        chart("iterator_age", "Iterator age", &[(IteratorAge, Statistic::Maximum)]),
    ]
}

/// The success rate per period ([`success_rate`]) as a series on the invocations' grid.
/// Its spec is the Invocations series' it is computed from, relabelled.
fn success_rate_series(invocations: &Series, errors: &Series) -> Series {
    const LABEL: &str = "Success rate";
    Series {
        label: LABEL.to_string(),
        spec: invocations.spec.clone().labelled(LABEL),
        timestamps_ms: invocations.timestamps_ms.clone(),
        values: success_rate(&invocations.values, &errors.values),
        partial_from_ms: match (invocations.partial_from_ms, errors.partial_from_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        failure: invocations.failure.clone().or_else(|| errors.failure.clone()),
    }
}

impl MonitorChart {
    fn new(id: &str, title: &str, unit: ChartUnit, series: Vec<Series>) -> Self {
        let has_data = series.iter().any(|s| s.values.iter().any(Option::is_some));
        MonitorChart { id: id.to_string(), title: title.to_string(), unit, series, has_data }
    }
}

/// Memory (MB), architecture and ephemeral storage (MB) from a saved configuration;
/// `None` without a memory size. Lambda's defaults fill the rest: x86_64, 512 MB.
fn priced_configuration(configuration: &ConfigurationSection) -> Option<(u32, String, u32)> {
    let memory_mb = u32::try_from(configuration.summary.memory_size?).ok().filter(|mb| *mb > 0)?;
    let architecture = configuration.summary.architectures.first().cloned().unwrap_or_else(|| "x86_64".into());
    let ephemeral_mb = configuration.ephemeral_storage_mb.and_then(|mb| u32::try_from(mb).ok()).unwrap_or(512);
    Some((memory_mb, architecture, ephemeral_mb))
}

/// Memory, architecture and Lambda's default ephemeral storage (512 MB) from the function's
/// row of the saved list; `None` when it is not there or has no memory size.
async fn priced_list_row(store: &Arc<Store>, scope: &Scope, function_name: &str) -> Option<(u32, String, u32)> {
    let (scope, name) = (scope.clone(), function_name.to_string());
    let row = run_blocking(store, move |store| store.function_memory_and_architectures(&scope, &name)).await;
    let row = row.ok().flatten()?;
    let memory_mb = u32::try_from(row.memory_size?).ok().filter(|mb| *mb > 0)?;
    let architecture = row.architectures.first().cloned().unwrap_or_else(|| "x86_64".into());
    Some((memory_mb, architecture, 512))
}

/// The cost of the range: the sum of the Invocations series and of the Duration Sum series
/// over every period read (gaps count as nothing).
fn range_cost(series: &[Series], region: &str, architecture: &str, memory_mb: u32, ephemeral_mb: u32) -> RangeCost {
    let sum = |metric: LambdaMetric| {
        series
            .iter()
            .find(|s| s.spec.metric == metric && s.spec.statistic == Statistic::Sum)
            .map_or(0.0, |s| total(&s.values))
    };
    let (invocations, duration_sum_ms) = (sum(LambdaMetric::Invocations), sum(LambdaMetric::Duration));
    estimate_range_cost(region, architecture, invocations, duration_sum_ms, memory_mb, ephemeral_mb)
}

// ---------------------------------------------------------------------------------------
// Comparisons

/// Reads one metric and statistic of 2 to 10 functions, versions or aliases over a range
/// onto one chart (id `compare`, titled "Duration p99", one series per target labelled
/// `orders` or `orders:live`), in one paced reading, and saves it. Falls back to the saved
/// comparison of the same targets, metric, statistic and range as [`read_monitor`] does.
pub async fn read_compare(
    connection: &AwsConnection,
    store: &Arc<Store>,
    scope: &Scope,
    request: &CompareRequest,
    now_ms: f64,
) -> Result<MetricsReading, Error> {
    check_compare_request(request, now_ms)?;
    check_in_region(scope, "targets", request.targets.iter().map(|t| t.function_name.as_str()))?;
    let pacer = RateLimiter::for_metric_reads(&connection.scope());
    let client = connection.cloudwatch();
    match read_compare_with(&client, &connection.endpoint_label(), &pacer, store, scope, request, now_ms).await {
        Ok(reading) => Ok(reading),
        Err(err) => Err(connection.explain(err).await),
    }
}

/// The last saved reading of this comparison, from the store alone; `None` when none is
/// saved. The request is checked as [`read_compare`] checks it.
pub async fn saved_compare(
    store: &Arc<Store>,
    scope: &Scope,
    request: &CompareRequest,
) -> Result<Option<MetricsReading>, Error> {
    let plan = compare_plan(request, timestamps::now_ms())?;
    let Some(chart) = saved::load(store, scope, &plan.key).await? else { return Ok(None) };
    Ok(Some(compare_reading(request, chart, Source::Saved { notice: None })))
}

async fn read_compare_with(
    client: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    store: &Arc<Store>,
    scope: &Scope,
    request: &CompareRequest,
    now_ms: f64,
) -> Result<MetricsReading, Error> {
    let plan = compare_plan(request, now_ms)?;
    let (chart, source) = read_or_saved(client, endpoint, pacer, store, scope, &plan, now_ms, "chart").await?;
    Ok(compare_reading(request, chart, source))
}

fn compare_reading(request: &CompareRequest, chart: SavedChart, source: Source) -> MetricsReading {
    let title = format!("{} {}", request.metric.cloudwatch_name(), request.statistic.stat());
    // A sample count counts invocations, whatever the metric measures.
    let unit = if request.statistic == Statistic::SampleCount { ChartUnit::Count } else { unit_of(request.metric) };
    let charts = vec![MonitorChart::new("compare", &title, unit, chart.series.clone())];
    reading(chart, charts, None, source)
}

// ---------------------------------------------------------------------------------------
// Reading, saving, and the saved reading instead

/// Where a reading came from.
enum Source {
    Fresh { calls: u32, period_reason: String, notice: Option<String> },
    Saved { notice: Option<String> },
}

/// Reads the plan's series and saves them; when AWS cannot be read, the saved reading of
/// the plan's key instead (`what` names it in the notice: "charts", "chart").
#[allow(clippy::too_many_arguments)]
async fn read_or_saved(
    client: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    store: &Arc<Store>,
    scope: &Scope,
    plan: &Plan,
    now_ms: f64,
    what: &str,
) -> Result<(SavedChart, Source), Error> {
    let series_count = u32::try_from(plan.specs.len()).unwrap_or(u32::MAX);
    let choice = choose_period(&plan.range, now_ms, series_count);
    let (start, end) = (plan.range.start_ms, plan.range.end_ms);
    match read_series(client, endpoint, pacer, &plan.specs, start, end, choice.period_seconds).await {
        Ok(read) => {
            let chart = SavedChart {
                key: plan.key.clone(),
                fetched_at: timestamps::now(),
                range: plan.range,
                period_seconds: choice.period_seconds,
                series: read.series,
            };
            let notice = saved::save(store, scope, &chart)
                .await
                .err()
                .map(|err| format!("The {what} could not be kept for offline use: {err}"));
            if plan.custom_range {
                // Housekeeping only: a failure leaves a few readings more, nothing worse.
                let _ = saved::prune_custom_ranges(store, scope, &plan.labels, &plan.specs_label).await;
            }
            Ok((chart, Source::Fresh { calls: read.calls, period_reason: choice.reason, notice }))
        }
        Err(err) => {
            let Some(why) = why_saved_instead(&err) else { return Err(err) };
            match saved::load(store, scope, &plan.key).await {
                Ok(Some(chart)) => {
                    let age = saved_age(&chart.fetched_at).unwrap_or_else(|| "earlier".into());
                    let notice = format!("{why}: showing the {what} saved {age}.");
                    Ok((chart, Source::Saved { notice: Some(notice) }))
                }
                _ => Err(err),
            }
        }
    }
}

/// Why a failed reading shows the saved one: AWS could not be read, for a reason the user
/// cannot fix by changing what they asked. `None` for the rest (bad input, a bug, a
/// cancel), which are errors.
pub fn why_saved_instead(err: &Error) -> Option<String> {
    match err {
        Error::Network { .. } => Some("Cannot reach AWS".into()),
        Error::Credentials(_) => Some("The credentials were not accepted".into()),
        Error::Throttled(_) => Some("AWS is throttling requests".into()),
        Error::AccessDenied(detail) => Some(format!("CloudWatch denied access ({detail})")),
        Error::Service(detail) => Some(format!("CloudWatch answered with an error ({detail})")),
        _ => None,
    }
}

fn reading(chart: SavedChart, charts: Vec<MonitorChart>, cost: Option<RangeCost>, source: Source) -> MetricsReading {
    let (saved, saved_age, period_reason, notice, calls) = match source {
        Source::Fresh { calls, period_reason, notice } => (false, None, period_reason, notice, calls),
        Source::Saved { notice } => (true, saved_age(&chart.fetched_at), saved_period_reason(&chart), notice, 0),
    };
    MetricsReading {
        key: chart.key,
        range: chart.range,
        period_seconds: chart.period_seconds,
        period_reason,
        charts,
        cost,
        fetched_at: chart.fetched_at,
        saved,
        saved_age,
        notice,
        calls,
    }
}

/// "5 min ago", from the saved time to now.
fn saved_age(fetched_at: &str) -> Option<String> {
    timestamps::age_seconds(fetched_at).map(|seconds| timestamps::describe_age(seconds.max(0)))
}

/// Why a saved reading has its period: the reason [`choose_period`] gave when it was read.
fn saved_period_reason(chart: &SavedChart) -> String {
    let series = u32::try_from(chart.series.len()).unwrap_or(u32::MAX);
    epoch_ms(&chart.fetched_at)
        .map(|fetched_ms| choose_period(&chart.range, fetched_ms, series))
        .filter(|choice| choice.period_seconds == chart.period_seconds)
        .map_or_else(|| format!("{} points, as read then.", period_words(chart.period_seconds)), |choice| choice.reason)
}

/// "1-minute", "3-hour", "1-day".
fn period_words(seconds: u32) -> String {
    match seconds {
        s if s > 0 && s.is_multiple_of(86_400) => format!("{}-day", s / 86_400),
        s if s > 0 && s.is_multiple_of(3_600) => format!("{}-hour", s / 3_600),
        s if s > 0 && s.is_multiple_of(60) => format!("{}-minute", s / 60),
        s => format!("{s}-second"),
    }
}

/// An ISO-8601 UTC time as epoch milliseconds.
fn epoch_ms(timestamp: &str) -> Option<f64> {
    let time = DateTime::from_str(timestamp, Format::DateTime).ok()?;
    time.to_millis().ok().map(|ms| ms as f64)
}

// ---------------------------------------------------------------------------------------
// The list's trends

/// The saved trends of `functions` (names from the list, at most 1,000), from the store
/// alone, in the order asked; those with none saved are left out.
pub async fn saved_trends(store: &Arc<Store>, scope: &Scope, functions: &[String]) -> Result<Vec<Trend>, Error> {
    let names = checked_trend_names(functions)?;
    let saved = saved::load_trends(store, scope, &names).await?;
    Ok(trends_in_order(&names, saved))
}

/// Brings the trends of `functions` (names from the list, at most 1,000) up to date and
/// returns them all, in the order asked: those with no saved trend, or one fetched more than
/// `max_age_seconds` before `now_ms`, are read again — the last 24 hours at one point an
/// hour, two series per function in calls of 500 series (⌈2n / 500⌉ calls for n stale
/// functions, each batch saved as it arrives) — and the others come from the store.
/// When AWS cannot be read, the trends saved so far are returned with a notice; with none
/// at all, the error.
pub async fn refresh_trends(
    connection: &AwsConnection,
    store: &Arc<Store>,
    scope: &Scope,
    functions: &[String],
    max_age_seconds: u32,
    now_ms: f64,
) -> Result<TrendsRead, Error> {
    checked_trend_names(functions)?;
    let pacer = RateLimiter::for_metric_reads(&connection.scope());
    let client = connection.cloudwatch();
    let endpoint = connection.endpoint_label();
    match refresh_trends_with(&client, &endpoint, &pacer, store, scope, functions, max_age_seconds, now_ms).await {
        Ok(read) => Ok(read),
        Err(err) => Err(connection.explain(err).await),
    }
}

#[allow(clippy::too_many_arguments)]
async fn refresh_trends_with(
    client: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    store: &Arc<Store>,
    scope: &Scope,
    functions: &[String],
    max_age_seconds: u32,
    now_ms: f64,
) -> Result<TrendsRead, Error> {
    let names = checked_trend_names(functions)?;
    let mut known = saved::load_trends(store, scope, &names).await?;
    let stale = stale_trends(&names, &known, max_age_seconds, now_ms);
    let range = trend_range(now_ms);
    let per_call = trend_functions_per_call();

    let mut calls = 0;
    let mut unread: Option<(Error, usize)> = None;
    let mut unsaved: Option<Error> = None;
    for (batch_index, batch) in stale.chunks(per_call).enumerate() {
        let specs = trend_specs(batch);
        let read = match read_series(
            client,
            endpoint,
            pacer,
            &specs,
            range.start_ms,
            range.end_ms,
            TREND_PERIOD_SECONDS,
        )
        .await
        {
            Ok(read) => read,
            Err(err) => {
                unread = Some((err, stale.len() - batch_index * per_call));
                break;
            }
        };
        calls += read.calls;
        let fetched_at = timestamps::now();
        let mut series = read.series.into_iter();
        let mut trends = Vec::with_capacity(batch.len());
        for name in batch {
            if let (Some(invocations), Some(errors)) = (series.next(), series.next()) {
                trends.push((name.clone(), invocations, errors));
            }
        }
        if let Err(err) = saved::save_trends_fetched_at(store, scope, &fetched_at, trends.clone()).await {
            unsaved.get_or_insert(err);
        }
        for (name, invocations, errors) in trends {
            known.insert(name, (invocations, errors, fetched_at.clone()));
        }
    }

    let notice = match unread {
        Some((err, missed)) => {
            let why = why_saved_instead(&err);
            match why {
                Some(why) if !known.is_empty() => Some(format!(
                    "{why}: {missed} of {} trends could not be refreshed; the saved ones are shown.",
                    names.len()
                )),
                _ => return Err(err),
            }
        }
        None => unsaved.map(|err| format!("The trends could not be kept for offline use: {err}")),
    };
    Ok(TrendsRead { trends: trends_in_order(&names, known), calls, notice })
}

/// The names checked (each a plain function name, as the list has them), each once, in
/// the order given; at most [`MAX_TREND_FUNCTIONS`].
pub fn checked_trend_names(functions: &[String]) -> Result<Vec<String>, Error> {
    if functions.len() > MAX_TREND_FUNCTIONS {
        return Err(Error::InvalidInput(format!(
            "Trends are read for at most 1,000 functions at a time, not {}: ask for the rows in view and their neighbours.",
            functions.len()
        )));
    }
    let mut names: Vec<String> = Vec::with_capacity(functions.len());
    let mut seen = std::collections::HashSet::with_capacity(functions.len());
    for name in functions {
        let reference = check_function_name(name)?;
        if reference.qualifier.is_some() || reference.name != name {
            return Err(Error::InvalidInput(format!(
                "\"{name}\" is not a plain function name: a trend is read per function, by its name (e.g. payments-api), without an ARN or :qualifier."
            )));
        }
        if seen.insert(name.as_str()) {
            names.push(name.clone());
        }
    }
    Ok(names)
}

/// The names whose trend is not saved, no longer reads its time, or was fetched more than
/// `max_age_seconds` before `now_ms`, in the order given.
fn stale_trends<V>(
    names: &[String],
    saved: &HashMap<String, (V, V, String)>,
    max_age_seconds: u32,
    now_ms: f64,
) -> Vec<String> {
    let max_age_ms = f64::from(max_age_seconds) * 1000.0;
    names
        .iter()
        .filter(|name| match saved.get(*name) {
            None => true,
            Some((_, _, fetched_at)) => epoch_ms(fetched_at).is_none_or(|fetched| now_ms - fetched > max_age_ms),
        })
        .cloned()
        .collect()
}

/// The current hour and the 23 before it: exactly [`TREND_POINTS`] whole hours, the last
/// one still filling in.
fn trend_range(now_ms: f64) -> TimeRange {
    let hour_start = now_ms - now_ms.rem_euclid(HOUR_MS);
    TimeRange { start_ms: hour_start - f64::from(TREND_POINTS - 1) * HOUR_MS, end_ms: hour_start + HOUR_MS }
}

/// Functions per GetMetricData call: two series each, in as many series as a call takes
/// at [`TREND_POINTS`] points (500).
fn trend_functions_per_call() -> usize {
    let series = (MAX_POINTS_PER_CALL / TREND_POINTS).min(MAX_QUERIES_PER_CALL);
    usize::try_from(series / 2).unwrap_or(1).max(1)
}

/// The sum of the values read; 0 (not Rust's -0 of an empty sum, which the page would
/// write "-0") when there are none.
fn total(values: &[Option<f64>]) -> f64 {
    values.iter().flatten().fold(0.0, |sum, value| sum + value)
}

fn trends_in_order(names: &[String], mut known: HashMap<String, (Series, Series, String)>) -> Vec<Trend> {
    names
        .iter()
        .filter_map(|name| {
            let (invocations, errors, fetched_at) = known.remove(name)?;
            Some(Trend {
                function_name: name.clone(),
                total_invocations: total(&invocations.values),
                total_errors: total(&errors.values),
                invocations: invocations.values,
                errors: errors.values,
                fetched_at,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataError, GetMetricDataInput, GetMetricDataOutput};
    use aws_sdk_cloudwatch::types::{MetricDataResult, StatusCode};
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;
    use crate::store::functions::StoredSection;
    use crate::ErrorCode;

    /// 2027-01-15T08:00:00Z, on the hour.
    const NOW: f64 = 1_800_000_000_000.0;
    const MINUTE_MS: f64 = 60_000.0;

    fn scope() -> Scope {
        Scope { profile: "work".into(), region: "eu-west-1".into() }
    }

    fn pacer() -> RateLimiter {
        RateLimiter::new(1_000_000.0, 1_000_000.0)
    }

    fn monitor(function_name: &str, qualifier: Option<&str>, range: &str) -> MonitorRequest {
        MonitorRequest {
            function_name: function_name.into(),
            qualifier: qualifier.map(Into::into),
            range: range.into(),
        }
    }

    fn target(function_name: &str, qualifier: Option<&str>) -> CompareTarget {
        CompareTarget {
            function_name: function_name.into(),
            qualifier: qualifier.map(Into::into),
            executed_version: None,
        }
    }

    fn compare(targets: Vec<CompareTarget>, statistic: Statistic) -> CompareRequest {
        CompareRequest { targets, metric: LambdaMetric::Duration, statistic, range: "1d".into() }
    }

    fn fields(result: Result<(), Error>) -> Vec<(String, String)> {
        match result {
            Err(Error::InvalidFields(fields)) => fields.into_iter().map(|f| (f.field, f.message)).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    fn field(name: &str, message: &str) -> (String, String) {
        (name.to_string(), message.to_string())
    }

    /// A series of `spec` over periods of a minute from NOW - n minutes.
    fn series_of(spec: &SeriesSpec, values: &[Option<f64>]) -> Series {
        let start = NOW - values.len() as f64 * MINUTE_MS;
        Series {
            label: spec.label.clone(),
            spec: spec.clone(),
            timestamps_ms: (0..values.len()).map(|k| start + k as f64 * MINUTE_MS).collect(),
            values: values.to_vec(),
            partial_from_ms: Some(NOW - MINUTE_MS),
            failure: None,
        }
    }

    fn chart<'a>(charts: &'a [MonitorChart], id: &str) -> &'a MonitorChart {
        charts.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no chart {id}"))
    }

    fn labels(chart: &MonitorChart) -> Vec<&str> {
        chart.series.iter().map(|s| s.label.as_str()).collect()
    }

    #[test]
    fn a_monitor_request_is_checked_at_every_field_at_once() {
        assert!(check_monitor_request(&monitor("orders", None, "3h"), NOW).is_ok());
        assert!(check_monitor_request(&monitor("orders:live", Some("live"), "90m"), NOW).is_ok());

        assert_eq!(
            fields(check_monitor_request(&monitor("my function", Some("bad q"), "yesterday"), NOW)),
            [
                field(
                    "function_name",
                    "\"my function\" is not a Lambda function name or ARN: a name is 1 to 64 letters, digits, '-' or \
                     '_' (e.g. payments-api), optionally followed by :version or :alias."
                ),
                field("qualifier", "\"bad q\" is not a version or alias name."),
                field(
                    "range",
                    "\"yesterday\" is not a time range: write 1h, 3h, 12h, 1d, 3d, 1w, 2w or 4w, a duration such as \
                     90m or 10d, or START..END with RFC 3339 times such as 2026-11-29T10:00:00Z..2026-11-29T12:00:00Z."
                ),
            ]
        );
        assert_eq!(
            fields(check_monitor_request(&monitor("orders:live", Some("blue"), "3h"), NOW)),
            [field("qualifier", "\"blue\" differs from the qualifier of orders:live; give one of them.")]
        );
        assert_eq!(
            fields(check_monitor_request(&monitor("", None, "500d"), NOW)),
            [
                field(
                    "function_name",
                    "\"\" is not a Lambda function name or ARN: a name is 1 to 64 letters, digits, '-' or '_' (e.g. \
                     payments-api), optionally followed by :version or :alias."
                ),
                field("range", "A range is at most 455 days: CloudWatch keeps no metrics older than that."),
            ]
        );
    }

    #[test]
    fn a_monitor_plan_names_what_it_reads_and_where_it_is_saved() {
        let (plan, _) = monitor_plan(&monitor(" orders ", Some(" "), " 3h "), NOW).unwrap();
        assert_eq!(plan.key, "monitor:orders:3h");
        assert_eq!(plan.range, TimeRange { start_ms: NOW - 180.0 * MINUTE_MS, end_ms: NOW });
        assert_eq!(plan.specs.len(), 16);
        assert!(plan.specs.iter().all(|s| s.qualifier.is_none()));
        let last = plan.specs.last().unwrap();
        assert_eq!(
            (last.metric, last.statistic, last.label.as_str()),
            (LambdaMetric::Duration, Statistic::Sum, "Duration sum")
        );

        let arn = "arn:aws:lambda:us-east-1:123456789012:function:orders:live";
        let (plan, target) = monitor_plan(&monitor(arn, None, "3h"), NOW).unwrap();
        assert_eq!(target, Target { name: "orders".into(), qualifier: Some("live".into()), executed_version: None });
        assert_eq!(plan.key, "monitor:orders%3Alive:3h");
        assert!(plan.specs.iter().all(|s| s.dimensions()[1] == ("Resource", "orders:live".to_string())));

        let (typed, _) = monitor_plan(&monitor("orders", Some("7"), "2027-01-15T07:00:00Z..now"), NOW).unwrap();
        assert_eq!(typed.key, "monitor:orders%3A7:2027-01-15T07%3A00%3A00Z..now");
    }

    /// The series of the Monitor plan of `orders` over 3 minutes: invocations 4, 0, gap;
    /// errors 1, 0, gap; durations in the first minute; nothing asynchronous.
    fn monitor_series() -> Vec<Series> {
        let (plan, _) = monitor_plan(&monitor("orders", None, "3h"), NOW).unwrap();
        plan.specs
            .iter()
            .map(|spec| {
                let values: [Option<f64>; 3] = match (spec.metric, spec.statistic) {
                    (LambdaMetric::Invocations, _) => [Some(4.0), Some(0.0), None],
                    (LambdaMetric::Errors, _) => [Some(1.0), Some(0.0), None],
                    (LambdaMetric::Throttles, _) => [Some(0.0), Some(0.0), None],
                    (LambdaMetric::Duration, Statistic::Sum) => [Some(1200.0), None, None],
                    (LambdaMetric::Duration, _) => [Some(300.0), None, None],
                    (LambdaMetric::AsyncEventsDropped, _) => [None, Some(2.0), None],
                    _ => [None, None, None],
                };
                series_of(spec, &values)
            })
            .collect()
    }

    #[test]
    fn the_monitor_charts_come_in_the_tabs_order_each_with_its_series() {
        let charts = monitor_charts(&monitor_series());

        let ids: Vec<&str> = charts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "invocations",
                "errors",
                "success_rate",
                "throttles",
                "duration",
                "concurrency",
                "async_events",
                "async_age",
                "iterator_age"
            ]
        );
        let counts: Vec<usize> = charts.iter().map(|c| c.series.len()).collect();
        assert_eq!(counts, [1, 1, 1, 1, 5, 1, 4, 1, 1]);
        assert_eq!(
            labels(chart(&charts, "duration")),
            ["Duration average", "Duration p50", "Duration p90", "Duration p99", "Duration max"]
        );
        assert_eq!(
            labels(chart(&charts, "async_events")),
            ["Async events received", "Async events dropped", "Destination delivery failures", "Dead-letter errors"]
        );
        assert!(
            charts.iter().all(|c| c.series.iter().all(|s| s.label != "Duration sum")),
            "the cost's Duration Sum is on no chart"
        );
        let success = &chart(&charts, "success_rate").series[0];
        assert_eq!(success.values, [Some(75.0), None, None]);
        assert_eq!(success.label, "Success rate");
        assert_eq!(success.timestamps_ms, chart(&charts, "invocations").series[0].timestamps_ms);

        assert!(matches!(chart(&charts, "invocations").unit, ChartUnit::Count));
        assert!(matches!(chart(&charts, "success_rate").unit, ChartUnit::Percent));
        assert!(matches!(chart(&charts, "duration").unit, ChartUnit::Milliseconds));
        assert!(matches!(chart(&charts, "iterator_age").unit, ChartUnit::Milliseconds));
        assert_eq!(chart(&charts, "duration").title, "Duration");
    }

    #[test]
    fn a_chart_has_data_unless_every_value_is_a_gap() {
        let charts = monitor_charts(&monitor_series());
        let with_data: Vec<&str> = charts.iter().filter(|c| c.has_data).map(|c| c.id.as_str()).collect();
        // One dropped event is enough for the asynchronous chart; zeros are data.
        assert_eq!(with_data, ["invocations", "errors", "success_rate", "throttles", "duration", "async_events"]);

        // A function never invoked: no data anywhere, not even a success rate.
        let silent: Vec<Series> = monitor_series().iter().map(|s| series_of(&s.spec, &[None, None, None])).collect();
        assert!(monitor_charts(&silent).iter().all(|c| !c.has_data));
        // A reading without some series (an older save) leaves them out of their chart.
        let charts = monitor_charts(&monitor_series()[..2]);
        assert_eq!(chart(&charts, "duration").series.len(), 0);
        assert!(!chart(&charts, "duration").has_data);
        assert_eq!(chart(&charts, "success_rate").series.len(), 1);
    }

    /// A saved configuration section of `name`.
    fn configuration(
        name: &str,
        memory: Option<i32>,
        architecture: &str,
        ephemeral: Option<i32>,
    ) -> ConfigurationSection {
        serde_json::from_value(serde_json::json!({
            "fetched_at": "2027-01-15T07:00:00Z",
            "summary": {
                "function_name": name,
                "function_arn": format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
                "memory_size": memory,
                "architectures": [architecture],
            },
            "code_size": 1000.0,
            "ephemeral_storage_mb": ephemeral,
            "environment": [],
            "layers": [],
            "tags": {},
        }))
        .unwrap()
    }

    #[test]
    fn the_cost_sums_invocations_and_duration_over_the_range() {
        let series = monitor_series();
        // 4 invocations running 1,200 ms in all, at 1,024 MB on arm64 with 2,560 MB of /tmp.
        let (memory, architecture, ephemeral) =
            priced_configuration(&configuration("orders", Some(1024), "arm64", Some(2560))).unwrap();
        assert_eq!((memory, architecture.as_str(), ephemeral), (1024, "arm64", 2560));
        let cost = range_cost(&series, "eu-west-1", &architecture, memory, ephemeral);
        assert_eq!(cost, estimate_range_cost("eu-west-1", "arm64", 4.0, 1200.0, 1024, 2560));
        assert_eq!(cost.invocations, 4.0);
        assert!((cost.gb_seconds - 1.2).abs() < 1e-12, "{cost:?}");
        assert!(cost.ephemeral_storage_usd > 0.0);

        // Lambda's defaults where the configuration says nothing; no memory, no price.
        let defaults = priced_configuration(&configuration("orders", Some(128), "x86_64", None)).unwrap();
        assert_eq!(defaults, (128, "x86_64".to_string(), 512));
        assert_eq!(priced_configuration(&configuration("orders", None, "x86_64", None)), None);
        // Without the series, nothing ran.
        assert_eq!(range_cost(&[], "eu-west-1", "x86_64", 128, 512).total_usd, 0.0);
    }

    #[test]
    fn a_comparison_is_checked_at_every_field_at_once() {
        let one = compare(vec![target("orders", None)], Statistic::P99);
        assert_eq!(
            fields(check_compare_request(&one, NOW)),
            [field("targets", "Compare 2 to 10 functions, versions or aliases at a time, not 1.")]
        );
        let eleven = compare((0..11).map(|i| target(&format!("fn-{i}"), None)).collect(), Statistic::P99);
        assert_eq!(
            fields(check_compare_request(&eleven, NOW)),
            [field("targets", "Compare 2 to 10 functions, versions or aliases at a time, not 11.")]
        );
        let twice = compare(
            vec![target("orders:live", None), target("orders", Some("live")), target("orders", Some("live"))],
            Statistic::Percentile(120.0),
        );
        assert_eq!(
            fields(check_compare_request(&twice, NOW)),
            [
                field("targets", "orders:live is listed twice: compare it once."),
                field("statistic", "A percentile is between 0 and 100, not 120."),
            ]
        );
        let mut bad =
            compare(vec![target("orders", Some("no way")), target("a b", None)], Statistic::Percentile(f64::NAN));
        bad.range = "0s".into();
        assert_eq!(
            fields(check_compare_request(&bad, NOW)),
            [
                field("targets", "\"no way\" is not a version or alias name."),
                field(
                    "targets",
                    "\"a b\" is not a Lambda function name or ARN: a name is 1 to 64 letters, digits, '-' or '_' \
                     (e.g. payments-api), optionally followed by :version or :alias."
                ),
                field("statistic", "A percentile is between 0 and 100, not NaN."),
                field("range", "The start must be before the end of the range."),
            ]
        );
        let versions =
            compare(vec![target("orders", Some("1")), target("orders", Some("2"))], Statistic::Percentile(99.9));
        assert!(check_compare_request(&versions, NOW).is_ok());
    }

    #[test]
    fn a_comparison_labels_its_series_by_target_and_keys_by_metric_statistic_and_range() {
        let request = compare(
            vec![target("orders", None), target("orders", Some("live")), target("billing:3", None)],
            Statistic::P99,
        );
        let plan = compare_plan(&request, NOW).unwrap();
        assert_eq!(plan.key, "compare:duration:p99:orders,orders%3Alive,billing%3A3:1d");
        let spec_labels: Vec<&str> = plan.specs.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(spec_labels, ["orders", "orders:live", "billing:3"]);
        assert_eq!(plan.specs[1].dimensions()[1], ("Resource", "orders:live".to_string()));
        assert!(plan.specs.iter().all(|s| s.metric == LambdaMetric::Duration && s.statistic == Statistic::P99));

        let concurrency = CompareRequest {
            metric: LambdaMetric::ConcurrentExecutions,
            statistic: Statistic::Maximum,
            ..request.clone()
        };
        assert_eq!(
            compare_plan(&concurrency, NOW).unwrap().key,
            "compare:concurrent_executions:Maximum:orders,orders%3Alive,billing%3A3:1d"
        );

        let chart = SavedChart {
            key: plan.key.clone(),
            fetched_at: "2027-01-15T08:00:00Z".into(),
            range: plan.range,
            period_seconds: 60,
            series: plan.specs.iter().map(|spec| series_of(spec, &[Some(1.0), None])).collect(),
        };
        let reading = compare_reading(&request, chart, Source::Saved { notice: None });
        assert_eq!(reading.charts.len(), 1);
        let only = &reading.charts[0];
        assert_eq!((only.id.as_str(), only.title.as_str()), ("compare", "Duration p99"));
        assert_eq!(labels(only), ["orders", "orders:live", "billing:3"]);
        assert!(matches!(only.unit, ChartUnit::Milliseconds));
        assert!(reading.saved && reading.cost.is_none() && reading.calls == 0);
        assert_eq!(reading.period_reason, "1-minute points: the finest Lambda publishes.");
    }

    #[test]
    fn trend_names_are_plain_names_at_most_a_thousand_each_once() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(checked_trend_names(&names(&["b", "a", "b"])).unwrap(), ["b", "a"]);
        let err = checked_trend_names(&names(&["orders:live"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"orders:live\" is not a plain function name: a trend is read per function, by its name (e.g. \
             payments-api), without an ARN or :qualifier."
        );
        let err = checked_trend_names(&names(&["ok", "not ok"])).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().starts_with("\"not ok\" is not a Lambda function name or ARN"), "{err}");
        let many: Vec<String> = (0..1001).map(|i| format!("fn-{i}")).collect();
        assert_eq!(
            checked_trend_names(&many).unwrap_err().to_string(),
            "Trends are read for at most 1,000 functions at a time, not 1001: ask for the rows in view and their \
             neighbours."
        );
        assert_eq!(checked_trend_names(&many[..1000]).unwrap().len(), 1000);
    }

    #[test]
    fn a_comparison_can_split_a_weighted_alias_by_the_version_it_routed_to() {
        let target = |name: &str, qualifier: Option<&str>, version: Option<&str>| CompareTarget {
            function_name: name.into(),
            qualifier: qualifier.map(Into::into),
            executed_version: version.map(Into::into),
        };
        let request = CompareRequest {
            targets: vec![target("orders", Some("live"), Some("1")), target("orders", Some("live"), Some("2"))],
            metric: LambdaMetric::Errors,
            statistic: Statistic::Sum,
            range: "3h".into(),
        };
        let plan = compare_plan(&request, NOW).unwrap();
        let labels: Vec<&str> = plan.specs.iter().map(|spec| spec.label.as_str()).collect();
        assert_eq!(labels, ["orders:live@1", "orders:live@2"]);
        assert_eq!(
            plan.specs[1].dimensions(),
            [
                ("FunctionName", "orders".to_string()),
                ("Resource", "orders:live".to_string()),
                ("ExecutedVersion", "2".to_string())
            ]
        );

        let refused =
            |targets: Vec<CompareTarget>| match compare_plan(&CompareRequest { targets, ..request.clone() }, NOW) {
                Err(Error::InvalidFields(fields)) => fields.into_iter().map(|f| f.message).collect::<Vec<_>>(),
                other => panic!("expected field errors, got {other:?}"),
            };
        assert_eq!(
            refused(vec![target("orders", None, Some("2")), target("billing", None, None)]),
            ["orders@2: only an alias routes to versions; name it, e.g. orders:live@2."]
        );
        assert_eq!(
            refused(vec![target("orders", Some("3"), Some("2")), target("billing", None, None)]),
            ["orders:3@2: 3 is a version, not an alias; compare orders:2 instead."]
        );
        assert_eq!(
            refused(vec![target("orders", Some("live"), Some("$LATEST")), target("billing", None, None)]),
            ["orders:live@$LATEST: an alias routes to published versions, e.g. @2."]
        );
    }

    #[test]
    fn an_arn_of_another_region_is_refused_at_its_field() {
        let scope = Scope { profile: "work".into(), region: "eu-west-1".into() };
        let here = "arn:aws:lambda:eu-west-1:123456789012:function:orders";
        let there = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        assert!(check_in_region(&scope, "targets", ["orders", here]).is_ok());
        match check_in_region(&scope, "targets", ["orders", there]) {
            Err(Error::InvalidFields(fields)) => {
                assert_eq!(fields[0].field, "targets");
                assert_eq!(
                    fields[0].message,
                    format!("{there} is in us-east-1; this window reads eu-west-1. Switch the region to see it.")
                );
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_total_of_nothing_is_a_positive_zero() {
        assert!(total(&[]).is_sign_positive());
        assert!(total(&[None, None]).is_sign_positive());
        assert_eq!(total(&[Some(2.0), None, Some(3.0)]), 5.0);
    }

    #[test]
    fn only_trends_missing_unreadable_or_older_than_the_limit_are_read_again() {
        let stamp = |ms: f64| timestamps::format(DateTime::from_millis(ms as i64));
        let saved: HashMap<String, ((), (), String)> = [
            ("fresh", stamp(NOW - 10_000.0)),
            ("at-limit", stamp(NOW - 300_000.0)),
            ("old", stamp(NOW - 300_001.0)),
            ("garbled", "yesterday".to_string()),
        ]
        .into_iter()
        .map(|(name, fetched_at)| (name.to_string(), ((), (), fetched_at)))
        .collect();
        let names: Vec<String> = ["old", "fresh", "never", "at-limit", "garbled"].map(String::from).to_vec();
        assert_eq!(stale_trends(&names, &saved, 300, NOW), ["old", "never", "garbled"]);
        assert_eq!(stale_trends(&names, &saved, 0, NOW), ["old", "fresh", "never", "at-limit", "garbled"]);
        assert_eq!(stale_trends(&names, &saved, 86_400, NOW), ["never", "garbled"]);
    }

    #[test]
    fn a_trend_is_the_current_hour_and_the_23_before_it() {
        let range = trend_range(NOW + 30.0 * MINUTE_MS);
        assert_eq!(range, TimeRange { start_ms: NOW - 23.0 * HOUR_MS, end_ms: NOW + HOUR_MS });
        assert_eq!(trend_range(NOW), range, "on the hour: that hour is the current one");
        assert_eq!(range.duration_ms(), f64::from(TREND_POINTS) * HOUR_MS);
        assert_eq!(trend_functions_per_call(), 250, "500 series a call");
    }

    fn clock() -> f64 {
        timestamps::now_ms()
    }

    /// A GetMetricData answer: each query's one point at `at_ms`, valued by `value` from the
    /// function (first dimension), the metric and the statistic; none where it says `None`.
    fn answer(
        input: &GetMetricDataInput,
        at_ms: f64,
        value: impl Fn(&str, &str, &str) -> Option<f64>,
    ) -> GetMetricDataOutput {
        let results = input.metric_data_queries().iter().filter_map(|query| {
            let stat = query.metric_stat()?;
            let metric = stat.metric()?;
            let function = metric.dimensions()[0].value()?;
            let v = value(function, metric.metric_name()?, stat.stat()?)?;
            Some(
                MetricDataResult::builder()
                    .id(query.id()?)
                    .timestamps(DateTime::from_millis(at_ms as i64))
                    .values(v)
                    .status_code(StatusCode::Complete)
                    .build(),
            )
        });
        GetMetricDataOutput::builder().set_metric_data_results(Some(results.collect())).build()
    }

    fn refusal(code: &'static str) -> Rule {
        mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .then_error(move || GetMetricDataError::generic(ErrorMetadata::builder().code(code).message("no").build()))
    }

    fn floor_minute(ms: f64) -> f64 {
        ms - ms.rem_euclid(MINUTE_MS)
    }

    #[tokio::test]
    async fn a_monitor_reading_is_saved_priced_and_shown_saved_when_aws_cannot_be_read() {
        let store = Store::in_memory().unwrap();
        let now = clock();
        let point_at = floor_minute(now) - 30.0 * MINUTE_MS;
        let answered = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            answer(input, point_at, |_, metric, stat| match (metric, stat) {
                ("Invocations", _) => Some(5.0),
                ("Errors", _) => Some(2.0),
                ("Duration", "Sum") => Some(2000.0),
                ("Duration", _) => Some(400.0),
                _ => None,
            })
        });
        let online = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answered]);
        let request = monitor("orders", None, "1h");

        // Not priced until the configuration is saved.
        let reading = read_monitor_with(&online, "mock", &pacer(), &store, &scope(), &request, now).await.unwrap();
        assert!(reading.cost.is_none());

        let body = serde_json::to_string(&configuration("orders", Some(512), "x86_64", None)).unwrap();
        let section = StoredSection { section: "configuration".into(), fetched_at: timestamps::now(), body };
        store.save_detail_section(&scope(), "orders", &section, None, None).unwrap();
        let fresh = read_monitor_with(&online, "mock", &pacer(), &store, &scope(), &request, now).await.unwrap();

        assert_eq!(
            (fresh.saved, fresh.calls, fresh.notice.as_deref(), fresh.saved_age.as_deref()),
            (false, 1, None, None)
        );
        assert_eq!(fresh.key, "monitor:orders:1h");
        assert_eq!(
            (fresh.period_seconds, fresh.period_reason.as_str()),
            (60, "1-minute points: the finest Lambda publishes.")
        );
        let invocations = &chart(&fresh.charts, "invocations").series[0];
        assert_eq!(invocations.values.iter().flatten().sum::<f64>(), 5.0);
        assert_eq!(chart(&fresh.charts, "duration").series.len(), 5);
        let cost = fresh.cost.clone().unwrap();
        assert_eq!(cost, estimate_range_cost("eu-west-1", "x86_64", 5.0, 2000.0, 512, 512));
        assert_eq!(cost.gb_seconds, 1.0);

        // AWS throttles: the same charts, saved, with their age and why.
        let throttled = refusal("ThrottlingException");
        let offline = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&throttled]);
        let shown = read_monitor_with(&offline, "mock", &pacer(), &store, &scope(), &request, now).await.unwrap();
        assert!(shown.saved);
        assert_eq!(shown.saved_age.as_deref(), Some("just now"));
        assert_eq!(shown.notice.as_deref(), Some("AWS is throttling requests: showing the charts saved just now."));
        assert_eq!(
            (shown.calls, shown.fetched_at.as_str(), shown.key.as_str()),
            (0, fresh.fetched_at.as_str(), "monitor:orders:1h")
        );
        assert_eq!(shown.period_reason, fresh.period_reason);
        assert_eq!(shown.cost, fresh.cost, "priced offline from the saved configuration");
        for (saved, read) in shown.charts.iter().zip(&fresh.charts) {
            assert_eq!((&saved.id, saved.has_data), (&read.id, read.has_data));
            assert_eq!(saved.series, read.series, "{}", read.id);
        }
        let from_store = saved_monitor(&store, &scope(), &request).await.unwrap().unwrap();
        assert!(from_store.saved && from_store.notice.is_none());
        assert_eq!(from_store.fetched_at, fresh.fetched_at);

        // Bad input is an error, never the saved charts, and sends nothing.
        let calls = throttled.num_calls();
        let err = read_monitor_with(&offline, "mock", &pacer(), &store, &scope(), &monitor("orders", None, "2x"), now)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert_eq!(throttled.num_calls(), calls);
        // Nothing saved for this range: the error itself.
        let other_range = monitor("orders", None, "3h");
        let err = read_monitor_with(&offline, "mock", &pacer(), &store, &scope(), &other_range, now).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Throttled);
        assert!(saved_monitor(&store, &scope(), &other_range).await.unwrap().is_none());
        // Another profile has its own saved charts.
        let elsewhere = Scope { profile: "play".into(), ..scope() };
        let err = read_monitor_with(&offline, "mock", &pacer(), &store, &elsewhere, &request, now).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Throttled);
    }

    #[tokio::test]
    async fn a_comparison_reads_one_series_per_target_and_falls_back_to_its_saved_chart() {
        let store = Store::in_memory().unwrap();
        let now = clock();
        let point_at = floor_minute(now) - 10.0 * MINUTE_MS;
        let seen: Arc<Mutex<Vec<GetMetricDataInput>>> = Arc::default();
        let requests = seen.clone();
        let answered = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            requests.lock().unwrap().push(input.clone());
            answer(input, point_at, |function, _, _| Some(if function == "orders" { 7.0 } else { 3.0 }))
        });
        let online = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answered]);
        let request = CompareRequest {
            targets: vec![target("orders", None), target("billing", Some("live"))],
            metric: LambdaMetric::Invocations,
            statistic: Statistic::Sum,
            range: "3h".into(),
        };
        let fresh = read_compare_with(&online, "mock", &pacer(), &store, &scope(), &request, now).await.unwrap();

        assert_eq!(
            (fresh.calls, fresh.saved, fresh.key.as_str()),
            (1, false, "compare:invocations:Sum:orders,billing%3Alive:3h")
        );
        let only = &fresh.charts[0];
        assert_eq!((only.id.as_str(), only.title.as_str()), ("compare", "Invocations Sum"));
        assert_eq!(labels(only), ["orders", "billing:live"]);
        let totals: Vec<f64> = only.series.iter().map(|s| s.values.iter().flatten().sum()).collect();
        assert_eq!(totals, [7.0, 3.0]);
        let queries = seen.lock().unwrap()[0].metric_data_queries().len();
        assert_eq!(queries, 2);

        let denied = refusal("AccessDeniedException");
        let offline = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&denied]);
        let shown = read_compare_with(&offline, "mock", &pacer(), &store, &scope(), &request, now).await.unwrap();
        assert!(shown.saved);
        assert_eq!(
            shown.notice.as_deref(),
            Some("CloudWatch denied access (AccessDeniedException: no): showing the chart saved just now.")
        );
        assert_eq!(shown.charts[0].series, fresh.charts[0].series);
        assert!(saved_compare(&store, &scope(), &request).await.unwrap().unwrap().saved);
    }

    /// The list's trends of 1,000 functions: ⌈2,000 / 500⌉ = 4 calls; asked again within
    /// the age limit, none; the saved ones come back from the store alone.
    #[tokio::test]
    async fn a_thousand_functions_trends_take_four_calls_and_fresh_ones_none() {
        let store = Store::in_memory().unwrap();
        let now = clock();
        let range = trend_range(now);
        let point_at = range.start_ms + 3.0 * HOUR_MS;
        let queries_per_call = Arc::new(Mutex::new(Vec::new()));
        let seen = queries_per_call.clone();
        let answered = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            let time = |t: Option<&DateTime>| t.and_then(|t| t.to_millis().ok()).unwrap_or_default() as f64;
            seen.lock().unwrap().push((
                input.metric_data_queries().len(),
                time(input.start_time()),
                time(input.end_time()),
            ));
            answer(input, point_at, |function, metric, _| {
                let number: f64 = function.trim_start_matches("fn-").parse().unwrap();
                Some(if metric == "Errors" { number / 2.0 } else { number })
            })
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answered]);
        let names: Vec<String> = (0..1000).map(|i| format!("fn-{i:04}")).collect();

        let read = refresh_trends_with(&client, "mock", &pacer(), &store, &scope(), &names, 600, now).await.unwrap();

        assert_eq!(read.calls, 4);
        assert_eq!(*queries_per_call.lock().unwrap(), [(500, range.start_ms, range.end_ms); 4]);
        assert_eq!(read.notice, None);
        assert_eq!(read.trends.len(), 1000);
        let trend = &read.trends[500];
        assert_eq!(trend.function_name, "fn-0500");
        assert_eq!((trend.invocations.len(), trend.errors.len()), (24, 24));
        assert_eq!((trend.invocations[3], trend.errors[3]), (Some(500.0), Some(250.0)));
        assert_eq!((trend.total_invocations, trend.total_errors), (500.0, 250.0));
        assert!(read.trends.iter().map(|t| &t.function_name).eq(names.iter()), "in the order asked");

        // Within the age limit: nothing is read, the same trends come back.
        let again =
            refresh_trends_with(&client, "mock", &pacer(), &store, &scope(), &names, 600, now + 1000.0).await.unwrap();
        assert_eq!((again.calls, answered.num_calls()), (0, 4));
        assert_eq!(again.trends, read.trends);
        assert_eq!(saved_trends(&store, &scope(), &names).await.unwrap(), read.trends);

        // An hour later, ten of them, one new: only those are read, in one call of 20 series.
        let mut some = names[..9].to_vec();
        some.push("fn-1000".into());
        let later =
            refresh_trends_with(&client, "mock", &pacer(), &store, &scope(), &some, 600, now + HOUR_MS).await.unwrap();
        assert_eq!((later.calls, answered.num_calls()), (1, 5));
        let (queries, start, _) = *queries_per_call.lock().unwrap().last().unwrap();
        assert_eq!((queries, start), (20, range.start_ms + HOUR_MS));
        assert_eq!(later.trends.len(), 10);
        assert_eq!(later.trends[9].invocations[2], Some(1000.0), "the point is 2 hours in, an hour later");
        assert_eq!(saved_trends(&store, &scope(), &names).await.unwrap().len(), 1000);
    }

    #[tokio::test]
    async fn trends_that_cannot_be_refreshed_are_shown_as_saved_with_a_notice() {
        let store = Store::in_memory().unwrap();
        let now = clock();
        let point_at = trend_range(now).start_ms;
        let answered = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .then_compute_output(move |input| answer(input, point_at, |_, _, _| Some(1.0)));
        let online = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answered]);
        let first: Vec<String> = ["a", "b"].map(String::from).to_vec();
        refresh_trends_with(&online, "mock", &pacer(), &store, &scope(), &first, 60, now).await.unwrap();

        let throttled = refusal("ThrottlingException");
        let offline = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&throttled]);
        let asked: Vec<String> = ["c", "a", "b"].map(String::from).to_vec();
        let read = refresh_trends_with(&offline, "mock", &pacer(), &store, &scope(), &asked, 60, now + 120_000.0)
            .await
            .unwrap();
        let shown: Vec<&str> = read.trends.iter().map(|t| t.function_name.as_str()).collect();
        assert_eq!(shown, ["a", "b"]);
        assert_eq!(read.calls, 0);
        assert_eq!(
            read.notice.as_deref(),
            Some("AWS is throttling requests: 3 of 3 trends could not be refreshed; the saved ones are shown.")
        );
        // Nothing saved at all: the error.
        let err = refresh_trends_with(&offline, "mock", &pacer(), &store, &scope(), &["c".to_string()], 60, now)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Throttled);
        // Bad names are refused before anything is sent.
        let calls = throttled.num_calls();
        let err = refresh_trends_with(&offline, "mock", &pacer(), &store, &scope(), &["a:1".to_string()], 60, now)
            .await
            .unwrap_err();
        assert_eq!((err.code(), throttled.num_calls()), (ErrorCode::InvalidInput, calls));
        assert!(refresh_trends_with(&offline, "mock", &pacer(), &store, &scope(), &[], 60, now)
            .await
            .unwrap()
            .trends
            .is_empty());
    }
}
