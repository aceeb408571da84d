//! GetMetricData queries: Lambda's metrics of one function or of a thousand, read in as
//! few paced calls as the API allows (500 series and 100,800 points per call,
//! aws-facts.md "CloudWatch metrics"), and laid on a regular grid of periods.
//!
//! Where CloudWatch has no point for a period, the grid shows a gap (`None`), with one
//! exception: the `Sum` or `SampleCount` of a count metric ([`LambdaMetric::is_count`]) is
//! 0 in a period without a point, because Lambda publishes nothing when nothing happened.
//! That zero is only written when CloudWatch returned at least one point of the series in
//! the range (otherwise the function may not have existed, or the series is mistyped: the
//! whole series stays "no data"), and only in settled periods: a period that ended less
//! than [`SETTLE_MS`] ago may still receive Lambda's late points, so it stays a gap.

use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricDataResult, MetricStat, ScanBy, StatusCode};
use aws_smithy_types::DateTime;
use serde::{Deserialize, Serialize};

use crate::pacing::RateLimiter;
use crate::Error;

/// Lambda's namespace in CloudWatch.
pub const NAMESPACE: &str = "AWS/Lambda";
/// GetMetricData's limits per call, as `usize` for counting queries and points here
/// (the numbers live in period.rs, which plans calls with them).
const MAX_QUERIES_PER_CALL: usize = super::period::MAX_QUERIES_PER_CALL as usize;
const MAX_POINTS_PER_CALL: usize = super::period::MAX_POINTS_PER_CALL as usize;
/// How long after a period ends Lambda may still add points to it: it publishes each
/// minute late, stamped at invocation time (aws-facts.md).
pub const SETTLE_MS: f64 = 3.0 * 60_000.0;

/// A metric Lambda publishes for each function (namespace `AWS/Lambda`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LambdaMetric {
    Invocations,
    Errors,
    Throttles,
    Duration,
    ConcurrentExecutions,
    AsyncEventsReceived,
    AsyncEventAge,
    AsyncEventsDropped,
    DestinationDeliveryFailures,
    DeadLetterErrors,
    IteratorAge,
}

impl LambdaMetric {
    pub const ALL: [LambdaMetric; 11] = [
        LambdaMetric::Invocations,
        LambdaMetric::Errors,
        LambdaMetric::Throttles,
        LambdaMetric::Duration,
        LambdaMetric::ConcurrentExecutions,
        LambdaMetric::AsyncEventsReceived,
        LambdaMetric::AsyncEventAge,
        LambdaMetric::AsyncEventsDropped,
        LambdaMetric::DestinationDeliveryFailures,
        LambdaMetric::DeadLetterErrors,
        LambdaMetric::IteratorAge,
    ];

    /// The metric's name in CloudWatch.
    pub fn cloudwatch_name(self) -> &'static str {
        match self {
            LambdaMetric::Invocations => "Invocations",
            LambdaMetric::Errors => "Errors",
            LambdaMetric::Throttles => "Throttles",
            LambdaMetric::Duration => "Duration",
            LambdaMetric::ConcurrentExecutions => "ConcurrentExecutions",
            LambdaMetric::AsyncEventsReceived => "AsyncEventsReceived",
            LambdaMetric::AsyncEventAge => "AsyncEventAge",
            LambdaMetric::AsyncEventsDropped => "AsyncEventsDropped",
            LambdaMetric::DestinationDeliveryFailures => "DestinationDeliveryFailures",
            LambdaMetric::DeadLetterErrors => "DeadLetterErrors",
            LambdaMetric::IteratorAge => "IteratorAge",
        }
    }

    /// The unit shown next to the values: `"ms"` for times, `"count"` otherwise.
    pub fn unit(self) -> &'static str {
        match self {
            LambdaMetric::Duration | LambdaMetric::AsyncEventAge | LambdaMetric::IteratorAge => "ms",
            _ => "count",
        }
    }

    /// A count of events, published only when events happened: its `Sum` is 0 in a period
    /// without a point. ConcurrentExecutions is a gauge, not a count: a missing point is a
    /// gap.
    pub fn is_count(self) -> bool {
        matches!(
            self,
            LambdaMetric::Invocations
                | LambdaMetric::Errors
                | LambdaMetric::Throttles
                | LambdaMetric::AsyncEventsReceived
                | LambdaMetric::AsyncEventsDropped
                | LambdaMetric::DestinationDeliveryFailures
                | LambdaMetric::DeadLetterErrors
        )
    }
}

/// The statistic read per period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    Sum,
    Average,
    Minimum,
    Maximum,
    SampleCount,
    P50,
    P90,
    P95,
    P99,
    /// Any percentile from 0 to 100 (`99.9` is `p99.9`).
    Percentile(f64),
}

impl Statistic {
    /// The statistic as GetMetricData's `Stat` names it: `"Sum"`, `"p99"`, `"p99.9"`.
    pub fn stat(&self) -> String {
        match self {
            Statistic::Sum => "Sum".into(),
            Statistic::Average => "Average".into(),
            Statistic::Minimum => "Minimum".into(),
            Statistic::Maximum => "Maximum".into(),
            Statistic::SampleCount => "SampleCount".into(),
            Statistic::P50 => "p50".into(),
            Statistic::P90 => "p90".into(),
            Statistic::P95 => "p95".into(),
            Statistic::P99 => "p99".into(),
            Statistic::Percentile(p) => format!("p{p}"),
        }
    }

    /// Sum and SampleCount count events: 0 where no event happened.
    fn counts_events(&self) -> bool {
        matches!(self, Statistic::Sum | Statistic::SampleCount)
    }
}

/// One series to read: a metric of a function (or of one alias or version of it) and the
/// statistic per period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SeriesSpec {
    pub function_name: String,
    /// An alias or version: the invocations made through it (dimension `Resource` =
    /// `function:qualifier`). `None`: every invocation of the function.
    pub qualifier: Option<String>,
    /// With `qualifier` naming an alias, only the invocations the alias routed to this
    /// version (dimension `ExecutedVersion`, e.g. the two sides of a weighted alias).
    /// Lambda publishes it only with `Resource`, so it needs a qualifier.
    pub executed_version: Option<String>,
    pub metric: LambdaMetric,
    pub statistic: Statistic,
    /// What the chart's legend calls it.
    pub label: String,
}

impl SeriesSpec {
    /// A series of the whole function, labelled `"Invocations Sum"`, `"Duration p99"`, ….
    pub fn new(function_name: impl Into<String>, metric: LambdaMetric, statistic: Statistic) -> Self {
        SeriesSpec {
            function_name: function_name.into(),
            qualifier: None,
            executed_version: None,
            metric,
            statistic,
            label: format!("{} {}", metric.cloudwatch_name(), statistic.stat()),
        }
    }

    /// The same series of one alias or version.
    pub fn qualified(mut self, qualifier: impl Into<String>) -> Self {
        self.qualifier = Some(qualifier.into());
        self
    }

    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// The CloudWatch dimensions naming this series, as Lambda publishes them:
    /// `FunctionName`, plus `Resource`, plus `ExecutedVersion`.
    pub fn dimensions(&self) -> Vec<(&'static str, String)> {
        let mut dimensions = vec![("FunctionName", self.function_name.clone())];
        if let Some(qualifier) = &self.qualifier {
            dimensions.push(("Resource", format!("{}:{qualifier}", self.function_name)));
            if let Some(version) = &self.executed_version {
                dimensions.push(("ExecutedVersion", version.clone()));
            }
        }
        dimensions
    }

    fn check(&self) -> Result<(), Error> {
        if self.function_name.is_empty() {
            return Err(Error::InvalidInput("A metric series needs a function name.".into()));
        }
        if self.executed_version.is_some() && self.qualifier.is_none() {
            return Err(Error::InvalidInput(format!(
                "\"{}\": Lambda publishes ExecutedVersion only with the alias it went through; name the alias too.",
                self.label
            )));
        }
        if let Statistic::Percentile(p) = self.statistic {
            if !(0.0..=100.0).contains(&p) {
                return Err(Error::InvalidInput(format!("A percentile is between 0 and 100, not {p}.")));
            }
        }
        Ok(())
    }
}

/// One series read, on the period grid of the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Series {
    pub label: String,
    pub spec: SeriesSpec,
    /// The start of each period, epoch ms, ascending.
    pub timestamps_ms: Vec<f64>,
    /// One per period; `None` is a gap (no data), see the module's rule for zeros.
    pub values: Vec<Option<f64>>,
    /// The start of the first period that may still fill in (Lambda publishes late);
    /// `None` when every period of the range has settled.
    pub partial_from_ms: Option<f64>,
    /// CloudWatch could not compute this series (its status InternalError or Forbidden),
    /// in its words; the values are then all gaps.
    pub failure: Option<String>,
}

/// What a reading returned, and how many GetMetricData requests it took (pages included).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReadSummary {
    /// In the order of the specs.
    pub series: Vec<Series>,
    pub calls: u32,
}

/// Reads `specs` from `start_ms` to `end_ms` at `period_seconds` (1, 5, 10, 20, 30 or a
/// multiple of 60), one paced GetMetricData request per ≤ 500 series (fewer when the
/// range has many periods: ≤ 100,800 points per call), following NextToken.
///
/// The range is laid on a grid of whole periods: its start is rounded down to a multiple
/// of the period, its end up.
pub async fn read_series(
    client: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    specs: &[SeriesSpec],
    start_ms: f64,
    end_ms: f64,
    period_seconds: u32,
) -> Result<ReadSummary, Error> {
    let grid = Grid::new(start_ms, end_ms, period_seconds, crate::timestamps::now_ms())?;
    read_on_grid(client, endpoint, pacer, specs, &grid).await
}

/// The sparklines of the function list: the invocations and errors of each function (two
/// series per function, labelled `"<function> Invocations"` and `"<function> Errors"`).
/// 1,000 functions take 2,000 series: 4 calls.
pub fn trend_specs(functions: &[String]) -> Vec<SeriesSpec> {
    functions
        .iter()
        .flat_map(|name| {
            [LambdaMetric::Invocations, LambdaMetric::Errors].map(|metric| {
                SeriesSpec::new(name.clone(), metric, Statistic::Sum)
                    .labelled(format!("{name} {}", metric.cloudwatch_name()))
            })
        })
        .collect()
}

/// The Monitor tab's series of a function, or of one alias or version of it: invocations,
/// errors, throttles, duration (average, p50, p90, p99, max), concurrency, the
/// asynchronous metrics and the iterator age.
pub fn monitor_specs(function_name: &str, qualifier: Option<&str>) -> Vec<SeriesSpec> {
    use LambdaMetric::*;
    let series = [
        (Invocations, Statistic::Sum, "Invocations"),
        (Errors, Statistic::Sum, "Errors"),
        (Throttles, Statistic::Sum, "Throttles"),
        (Duration, Statistic::Average, "Duration average"),
        (Duration, Statistic::P50, "Duration p50"),
        (Duration, Statistic::P90, "Duration p90"),
        (Duration, Statistic::P99, "Duration p99"),
        (Duration, Statistic::Maximum, "Duration max"),
        (ConcurrentExecutions, Statistic::Maximum, "Concurrent executions"),
        (AsyncEventsReceived, Statistic::Sum, "Async events received"),
        (AsyncEventAge, Statistic::Maximum, "Async event age max"),
        (AsyncEventsDropped, Statistic::Sum, "Async events dropped"),
        (DestinationDeliveryFailures, Statistic::Sum, "Destination delivery failures"),
        (DeadLetterErrors, Statistic::Sum, "Dead-letter errors"),
        (IteratorAge, Statistic::Maximum, "Iterator age max"),
    ];
    series
        .into_iter()
        .map(|(metric, statistic, label)| {
            let spec = SeriesSpec::new(function_name, metric, statistic).labelled(label);
            match qualifier {
                Some(qualifier) => spec.qualified(qualifier),
                None => spec,
            }
        })
        .collect()
}

/// The success rate per period, in percent: `(invocations − errors) / invocations`; a gap
/// where either is a gap or nothing was invoked. Computed here rather than with metric
/// math, which costs more and which the local AWS does not run.
pub fn success_rate(invocations: &[Option<f64>], errors: &[Option<f64>]) -> Vec<Option<f64>> {
    invocations
        .iter()
        .zip(errors)
        .map(|(invocations, errors)| match (invocations, errors) {
            (Some(invocations), Some(errors)) if *invocations > 0.0 => {
                Some(((invocations - errors) / invocations * 100.0).clamp(0.0, 100.0))
            }
            _ => None,
        })
        .collect()
}

/// The periods of a range: `len` periods of `period_ms` from `start_ms` (a multiple of the
/// period), the ones from `settled_len` on still filling in.
#[derive(Debug, Clone, Copy)]
struct Grid {
    start_ms: i64,
    period_ms: i64,
    period_seconds: u32,
    len: usize,
    settled_len: usize,
}

impl Grid {
    fn new(start_ms: f64, end_ms: f64, period_seconds: u32, now_ms: f64) -> Result<Grid, Error> {
        if !matches!(period_seconds, 1 | 5 | 10 | 20 | 30)
            && (period_seconds == 0 || !period_seconds.is_multiple_of(60))
        {
            return Err(Error::InvalidInput(format!(
                "CloudWatch reads periods of 1, 5, 10, 20 or 30 seconds or a multiple of 60, not {period_seconds}."
            )));
        }
        if !start_ms.is_finite() || !end_ms.is_finite() || end_ms <= start_ms || start_ms < 0.0 {
            return Err(Error::InvalidInput("The time range must end after it starts.".into()));
        }
        let period_ms = i64::from(period_seconds) * 1000;
        let start = (start_ms as i64).div_euclid(period_ms) * period_ms;
        let len = usize::try_from((end_ms.ceil() as i64 - start + period_ms - 1) / period_ms).unwrap_or(0);
        if len > MAX_POINTS_PER_CALL {
            return Err(Error::InvalidInput(format!(
                "That range has {len} periods of {period_seconds} s; choose a longer period (at most {MAX_POINTS_PER_CALL} points per series)."
            )));
        }
        // Periods that ended at least SETTLE_MS ago have settled.
        let settled_before = now_ms - SETTLE_MS;
        let settled_len =
            (0..len).take_while(|&k| ((start + (k as i64 + 1) * period_ms) as f64) <= settled_before).count();
        Ok(Grid { start_ms: start, period_ms, period_seconds, len, settled_len })
    }

    fn end_ms(&self) -> i64 {
        self.start_ms + self.len as i64 * self.period_ms
    }

    fn time(&self, k: usize) -> i64 {
        self.start_ms + k as i64 * self.period_ms
    }

    /// The period holding `t_ms`, if it is in the range.
    fn index(&self, t_ms: i64) -> Option<usize> {
        let offset = t_ms - self.start_ms;
        if offset < 0 {
            return None;
        }
        usize::try_from(offset / self.period_ms).ok().filter(|&k| k < self.len)
    }

    /// Queries per call: 500, or fewer so that they return at most 100,800 points.
    fn queries_per_call(&self) -> usize {
        (MAX_POINTS_PER_CALL / self.len.max(1)).clamp(1, MAX_QUERIES_PER_CALL)
    }
}

/// The query id of the `index`-th spec: ids must start with a lowercase letter.
fn query_id(index: usize) -> String {
    format!("m{index}")
}

fn spec_index(id: &str) -> Option<usize> {
    id.strip_prefix('m')?.parse().ok()
}

fn query(index: usize, spec: &SeriesSpec, period_seconds: u32) -> MetricDataQuery {
    let mut metric = Metric::builder().namespace(NAMESPACE).metric_name(spec.metric.cloudwatch_name());
    for (name, value) in spec.dimensions() {
        metric = metric.dimensions(Dimension::builder().name(name).value(value).build());
    }
    let stat = MetricStat::builder()
        .metric(metric.build())
        .period(i32::try_from(period_seconds).unwrap_or(i32::MAX))
        .stat(spec.statistic.stat())
        .build();
    MetricDataQuery::builder().id(query_id(index)).metric_stat(stat).return_data(true).build()
}

/// What the pages said about one series.
#[derive(Debug, Default, Clone)]
struct Found {
    points: Vec<(i64, f64)>,
    failure: Option<String>,
}

async fn read_on_grid(
    client: &aws_sdk_cloudwatch::Client,
    endpoint: &str,
    pacer: &RateLimiter,
    specs: &[SeriesSpec],
    grid: &Grid,
) -> Result<ReadSummary, Error> {
    for spec in specs {
        spec.check()?;
    }
    let mut found = vec![Found::default(); specs.len()];
    let mut calls = 0u32;
    let per_call = grid.queries_per_call();
    for (batch, batch_specs) in specs.chunks(per_call).enumerate() {
        let first = batch * per_call;
        let batch_range = first..first + batch_specs.len();
        let queries: Vec<MetricDataQuery> = batch_specs
            .iter()
            .enumerate()
            .map(|(offset, spec)| query(first + offset, spec, grid.period_seconds))
            .collect();
        let mut next_token: Option<String> = None;
        loop {
            pacer.acquire().await;
            calls += 1;
            let sent_token = next_token.clone();
            let output = client
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time(DateTime::from_millis(grid.start_ms))
                .end_time(DateTime::from_millis(grid.end_ms()))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(next_token.take())
                .send()
                .await
                .map_err(|err| {
                    let code = err.as_service_error().and_then(|e| e.code()).unwrap_or_default();
                    if matches!(code, "InvalidParameterValue" | "InvalidParameterCombination" | "MissingParameter") {
                        let detail = err.as_service_error().and_then(|e| e.message()).unwrap_or(code).to_owned();
                        Error::InvalidInput(format!("CloudWatch refused the metric query: {detail}"))
                    } else {
                        Error::from_sdk(err, endpoint)
                    }
                })?;
            for result in output.metric_data_results() {
                let Some(index) = result.id().and_then(spec_index).filter(|i| batch_range.contains(i)) else {
                    continue;
                };
                merge(&mut found[index], result);
            }
            // A service repeating its token would otherwise be read forever.
            match output.next_token {
                Some(token) if !token.is_empty() && Some(&token) != sent_token.as_ref() => next_token = Some(token),
                _ => break,
            }
        }
    }
    let series = specs.iter().zip(found).map(|(spec, found)| lay_on_grid(spec, found, grid)).collect();
    Ok(ReadSummary { series, calls })
}

fn merge(found: &mut Found, result: &MetricDataResult) {
    let points = result.timestamps().iter().zip(result.values());
    found.points.extend(points.filter_map(|(t, v)| Some((t.to_millis().ok()?, *v))));
    if matches!(result.status_code(), Some(StatusCode::InternalError | StatusCode::Forbidden)) {
        let messages: Vec<&str> = result.messages().iter().filter_map(|m| m.value()).collect();
        let status = result.status_code().map_or("", |s| s.as_str());
        found.failure =
            Some(if messages.is_empty() { format!("CloudWatch answered {status}") } else { messages.join("; ") });
    }
}

fn lay_on_grid(spec: &SeriesSpec, found: Found, grid: &Grid) -> Series {
    let mut values: Vec<Option<f64>> = vec![None; grid.len];
    if found.failure.is_none() {
        for (t, value) in found.points {
            if let Some(k) = grid.index(t) {
                values[k] = Some(value);
            }
        }
    }
    let has_data = values.iter().any(Option::is_some);
    if has_data && spec.metric.is_count() && spec.statistic.counts_events() {
        for value in values.iter_mut().take(grid.settled_len) {
            value.get_or_insert(0.0);
        }
    }
    Series {
        label: spec.label.clone(),
        spec: spec.clone(),
        timestamps_ms: (0..grid.len).map(|k| grid.time(k) as f64).collect(),
        values,
        partial_from_ms: (grid.settled_len < grid.len).then(|| grid.time(grid.settled_len) as f64),
        failure: found.failure,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
    use aws_sdk_cloudwatch::types::MessageData;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    use super::*;

    /// A whole hour, so that hour and minute grids start on it.
    const BASE_MS: i64 = 1_699_999_200_000;
    const HOUR_MS: f64 = 3_600_000.0;
    const MINUTE_MS: i64 = 60_000;
    /// Long after every range of these tests: every period has settled.
    const LATER_MS: f64 = 1_800_000_000_000.0;

    fn pacer() -> RateLimiter {
        RateLimiter::new(1_000_000.0, 1_000_000.0)
    }

    fn grid(start_ms: i64, end_ms: i64, period_seconds: u32, now_ms: f64) -> Grid {
        Grid::new(start_ms as f64, end_ms as f64, period_seconds, now_ms).unwrap()
    }

    fn result(id: &str, points: &[(i64, f64)]) -> MetricDataResult {
        MetricDataResult::builder()
            .id(id)
            .set_timestamps(Some(points.iter().map(|(t, _)| DateTime::from_millis(*t)).collect()))
            .set_values(Some(points.iter().map(|(_, v)| *v).collect()))
            .status_code(StatusCode::Complete)
            .build()
    }

    fn names(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("fn-{i:04}")).collect()
    }

    #[test]
    fn metrics_name_their_cloudwatch_metric_unit_and_kind() {
        assert_eq!(LambdaMetric::DestinationDeliveryFailures.cloudwatch_name(), "DestinationDeliveryFailures");
        assert_eq!((LambdaMetric::Duration.unit(), LambdaMetric::IteratorAge.unit()), ("ms", "ms"));
        assert_eq!(LambdaMetric::Throttles.unit(), "count");
        let counts: Vec<_> = LambdaMetric::ALL.into_iter().filter(|m| m.is_count()).collect();
        assert_eq!(counts.len(), 7);
        assert!(!LambdaMetric::ConcurrentExecutions.is_count() && !LambdaMetric::AsyncEventAge.is_count());
    }

    #[test]
    fn statistics_are_named_as_get_metric_data_expects() {
        let stats: Vec<String> = [Statistic::Sum, Statistic::SampleCount, Statistic::P50, Statistic::P99]
            .iter()
            .map(Statistic::stat)
            .collect();
        assert_eq!(stats, ["Sum", "SampleCount", "p50", "p99"]);
        assert_eq!(Statistic::Percentile(99.9).stat(), "p99.9");
        assert_eq!(Statistic::Percentile(75.0).stat(), "p75");
    }

    #[test]
    fn qualifiers_become_the_resource_and_executed_version_dimensions() {
        let spec = SeriesSpec::new("orders", LambdaMetric::Invocations, Statistic::Sum);
        assert_eq!(spec.dimensions(), [("FunctionName", "orders".to_string())]);
        let mut alias = spec.qualified("live");
        assert_eq!(alias.dimensions()[1], ("Resource", "orders:live".to_string()));
        alias.executed_version = Some("7".into());
        assert_eq!(alias.dimensions().len(), 3);
        assert_eq!(alias.dimensions()[2], ("ExecutedVersion", "7".to_string()));
    }

    #[test]
    fn the_grid_is_whole_periods_and_knows_which_are_still_filling_in() {
        let g = grid(BASE_MS + 30_000, BASE_MS + 5 * MINUTE_MS + 1, 60, LATER_MS);
        assert_eq!((g.start_ms, g.len, g.end_ms()), (BASE_MS, 6, BASE_MS + 6 * MINUTE_MS));
        assert_eq!(g.settled_len, 6);
        assert_eq!((g.index(BASE_MS + 59_999), g.index(BASE_MS + 6 * MINUTE_MS)), (Some(0), None));
        // Now is 4 minutes after the start: periods 0 and 1 have ended 3 minutes ago.
        let g = grid(BASE_MS, BASE_MS + 6 * MINUTE_MS, 60, (BASE_MS + 4 * MINUTE_MS) as f64);
        assert_eq!(g.settled_len, 1);
        assert!(Grid::new(0.0, 10.0, 7, LATER_MS).is_err());
        assert!(Grid::new(10.0, 10.0, 60, LATER_MS).is_err());
        assert_eq!(Grid::new(0.0, 1e9, 1, LATER_MS).unwrap_err().code(), crate::ErrorCode::InvalidInput);
    }

    /// A thousand functions' trends take ⌈2,000 / 500⌉ = 4 calls of at most 500 queries,
    /// each series answered under its own id and mapped back to its own function.
    #[tokio::test]
    async fn a_thousand_functions_trends_take_four_calls() {
        let queries_per_call = Arc::new(Mutex::new(Vec::new()));
        let seen = queries_per_call.clone();
        let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            seen.lock().unwrap().push(input.metric_data_queries().len());
            // Each series' value is its function's number, errors negated.
            let results = input.metric_data_queries().iter().map(|query| {
                let metric = query.metric_stat().unwrap().metric().unwrap();
                let function = metric.dimensions()[0].value().unwrap();
                let number: f64 = function.trim_start_matches("fn-").parse().unwrap();
                let value = if metric.metric_name() == Some("Errors") { -number } else { number };
                result(query.id().unwrap(), &[(BASE_MS + 3 * 3_600_000, value)])
            });
            GetMetricDataOutput::builder().set_metric_data_results(Some(results.collect())).build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        let specs = trend_specs(&names(1000));
        assert_eq!(specs.len(), 2000);

        let start = BASE_MS as f64;
        let read = read_series(&client, "mock", &pacer(), &specs, start, start + 24.0 * HOUR_MS, 3600).await.unwrap();

        assert_eq!(read.calls, 4);
        assert_eq!(*queries_per_call.lock().unwrap(), [500, 500, 500, 500]);
        assert_eq!(read.series.len(), 2000);
        for (i, series) in read.series.iter().enumerate() {
            let number = (i / 2) as f64;
            let expected = if i % 2 == 0 { number } else { -number };
            assert_eq!(series.values.len(), 24);
            assert_eq!(series.values[3], Some(expected), "{}", series.label);
            assert_eq!(series.values[0], Some(0.0), "a count around a point is zero: {}", series.label);
        }
        assert_eq!(read.series[1001].label, "fn-0500 Errors");
        assert_eq!(read.series[1001].spec.function_name, "fn-0500");
    }

    #[tokio::test]
    async fn many_periods_mean_fewer_queries_per_call() {
        let queries_per_call = Arc::new(Mutex::new(Vec::new()));
        let seen = queries_per_call.clone();
        let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            seen.lock().unwrap().push(input.metric_data_queries().len());
            GetMetricDataOutput::builder().build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        // 1,008 one-minute periods: 100 series per call stay within 100,800 points.
        let specs = trend_specs(&names(125));
        let start = BASE_MS as f64;
        let end = start + 1008.0 * 60_000.0;
        let read = read_series(&client, "mock", &pacer(), &specs, start, end, 60).await.unwrap();
        assert_eq!(read.calls, 3);
        assert_eq!(*queries_per_call.lock().unwrap(), [100, 100, 50]);
        assert!(read.series.iter().all(|s| s.values.len() == 1008 && s.values.iter().all(Option::is_none)));
    }

    #[tokio::test]
    async fn pages_are_followed_and_merged_in_time_order() {
        let tokens = Arc::new(Mutex::new(Vec::new()));
        let seen = tokens.clone();
        let minute = |k: i64| BASE_MS + k * MINUTE_MS;
        let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            seen.lock().unwrap().push(input.next_token().map(str::to_owned));
            match input.next_token() {
                None => GetMetricDataOutput::builder()
                    .metric_data_results(result("m0", &[(minute(4), 40.0), (minute(1), 10.0)]))
                    .metric_data_results(
                        MetricDataResult::builder().id("m1").status_code(StatusCode::PartialData).build(),
                    )
                    .next_token("page-2")
                    .build(),
                Some(_) => GetMetricDataOutput::builder()
                    .metric_data_results(result("m0", &[(minute(0), 5.0)]))
                    .metric_data_results(result("m1", &[(minute(2), 250.0)]))
                    .build(),
            }
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        let specs = [
            SeriesSpec::new("orders", LambdaMetric::Invocations, Statistic::Sum),
            SeriesSpec::new("orders", LambdaMetric::Duration, Statistic::P99),
        ];
        let start = BASE_MS as f64;
        let read = read_series(&client, "mock", &pacer(), &specs, start, start + 5.0 * 60_000.0, 60).await.unwrap();

        assert_eq!(read.calls, 2);
        assert_eq!(*tokens.lock().unwrap(), [None, Some("page-2".to_string())]);
        let expected_times: Vec<f64> = (0..5).map(|k| minute(k) as f64).collect();
        assert_eq!(read.series[0].timestamps_ms, expected_times);
        assert_eq!(read.series[0].values, [Some(5.0), Some(10.0), Some(0.0), Some(0.0), Some(40.0)]);
        assert_eq!(read.series[1].values, [None, None, Some(250.0), None, None]);
        assert_eq!(read.series[1].label, "Duration p99");
    }

    #[tokio::test]
    async fn counts_are_zero_between_points_and_everything_else_is_a_gap() {
        let requests: Arc<Mutex<Vec<GetMetricDataInput>>> = Arc::default();
        let seen = requests.clone();
        let minute = |k: i64| BASE_MS + k * MINUTE_MS;
        let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |input| {
            seen.lock().unwrap().push(input.clone());
            let points = [(minute(1), 3.0), (minute(3), 1.0)];
            let results = input.metric_data_queries().iter().filter_map(|query| {
                let id = query.id().unwrap();
                let function = query.metric_stat()?.metric()?.dimensions()[0].value()?;
                (function != "silent").then(|| result(id, &points))
            });
            GetMetricDataOutput::builder().set_metric_data_results(Some(results.collect())).build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        let specs = [
            SeriesSpec::new("busy", LambdaMetric::Invocations, Statistic::Sum),
            SeriesSpec::new("silent", LambdaMetric::Invocations, Statistic::Sum),
            SeriesSpec::new("busy", LambdaMetric::Duration, Statistic::P99).qualified("live"),
            SeriesSpec::new("busy", LambdaMetric::Errors, Statistic::Average),
            SeriesSpec::new("busy", LambdaMetric::ConcurrentExecutions, Statistic::Maximum),
            SeriesSpec {
                executed_version: Some("3".into()),
                ..SeriesSpec::new("busy", LambdaMetric::Throttles, Statistic::Sum).qualified("live")
            },
        ];
        // Now is in the middle of minute 5: minutes 0 and 1 have settled, 2 to 5 may fill in.
        let g = grid(BASE_MS, minute(6), 60, (minute(5) + 30_000) as f64);
        let read = read_on_grid(&client, "mock", &pacer(), &specs, &g).await.unwrap();

        let [busy, silent, duration, errors_average, concurrency, throttles] = &read.series[..] else { panic!() };
        assert_eq!(busy.values, [Some(0.0), Some(3.0), None, Some(1.0), None, None], "zeros only where settled");
        assert_eq!(busy.partial_from_ms, Some(minute(2) as f64));
        assert!(silent.values.iter().all(Option::is_none), "no point at all: no data, not zeros");
        for gappy in [duration, errors_average, concurrency] {
            assert_eq!(gappy.values, [None, Some(3.0), None, Some(1.0), None, None], "{}", gappy.label);
        }
        assert_eq!(throttles.values[0], Some(0.0));

        let requests = requests.lock().unwrap();
        let queries = requests[0].metric_data_queries();
        let ids: Vec<&str> = queries.iter().filter_map(|q| q.id()).collect();
        assert_eq!(ids, ["m0", "m1", "m2", "m3", "m4", "m5"]);
        let stat = queries[2].metric_stat().unwrap();
        assert_eq!((stat.stat(), stat.period()), (Some("p99"), Some(60)));
        let metric = stat.metric().unwrap();
        assert_eq!((metric.namespace(), metric.metric_name()), (Some("AWS/Lambda"), Some("Duration")));
        let dimensions: Vec<(&str, &str)> =
            metric.dimensions().iter().map(|d| (d.name().unwrap(), d.value().unwrap())).collect();
        assert_eq!(dimensions, [("FunctionName", "busy"), ("Resource", "busy:live")]);
        let throttle_dimensions = queries[5].metric_stat().unwrap().metric().unwrap().dimensions();
        assert_eq!(throttle_dimensions[2].value(), Some("3"));
        assert_eq!(requests[0].start_time().unwrap().to_millis().unwrap(), BASE_MS);
        assert_eq!(requests[0].end_time().unwrap().to_millis().unwrap(), minute(6));
        assert_eq!(requests[0].scan_by(), Some(&ScanBy::TimestampAscending));
    }

    #[tokio::test]
    async fn a_series_cloudwatch_could_not_compute_says_why() {
        let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(
                    MetricDataResult::builder()
                        .id("m0")
                        .status_code(StatusCode::InternalError)
                        .messages(
                            MessageData::builder().code("Unsupported").value("Expressions not implemented").build(),
                        )
                        .build(),
                )
                .metric_data_results(result("m1", &[(BASE_MS, 2.0)]))
                .build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        let specs = [
            SeriesSpec::new("a", LambdaMetric::Invocations, Statistic::Sum),
            SeriesSpec::new("b", LambdaMetric::Invocations, Statistic::Sum),
        ];
        let start = BASE_MS as f64;
        let read = read_series(&client, "mock", &pacer(), &specs, start, start + 120_000.0, 60).await.unwrap();
        assert_eq!(read.series[0].failure.as_deref(), Some("Expressions not implemented"));
        assert_eq!(read.series[0].values, [None, None]);
        assert_eq!(
            (read.series[1].failure.as_deref(), &read.series[1].values[..]),
            (None, &[Some(2.0), Some(0.0)][..])
        );
    }

    #[tokio::test]
    async fn bad_specs_are_refused_before_any_call() {
        let rule =
            mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_output(|| GetMetricDataOutput::builder().build());
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        let start = BASE_MS as f64;
        let mut orphan = SeriesSpec::new("a", LambdaMetric::Invocations, Statistic::Sum);
        orphan.executed_version = Some("2".into());
        let bad_percentile = SeriesSpec::new("a", LambdaMetric::Duration, Statistic::Percentile(120.0));
        for spec in [orphan, bad_percentile] {
            let err = read_series(&client, "mock", &pacer(), &[spec], start, start + 60_000.0, 60).await.unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{err}");
        }
        let empty = read_series(&client, "mock", &pacer(), &[], start, start + 60_000.0, 60).await.unwrap();
        assert_eq!((empty.calls, empty.series.len()), (0, 0));
        assert_eq!(rule.num_calls(), 0);
    }

    #[test]
    fn success_rate_is_a_gap_where_nothing_ran() {
        let rate = success_rate(&[Some(4.0), Some(0.0), None, Some(5.0)], &[Some(1.0), Some(0.0), Some(0.0), None]);
        assert_eq!(rate, [Some(75.0), None, None, None]);
    }

    #[test]
    fn the_monitor_tab_reads_every_metric_and_the_duration_percentiles() {
        let specs = monitor_specs("orders", Some("live"));
        for metric in LambdaMetric::ALL {
            assert!(specs.iter().any(|s| s.metric == metric), "{metric:?}");
        }
        let durations: Vec<String> =
            specs.iter().filter(|s| s.metric == LambdaMetric::Duration).map(|s| s.statistic.stat()).collect();
        assert_eq!(durations, ["Average", "p50", "p90", "p99", "Maximum"]);
        assert!(specs.iter().all(|s| s.qualifier.as_deref() == Some("live")));
    }
}
