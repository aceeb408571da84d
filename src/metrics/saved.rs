//! Saved metric results: the last reading of each chart and of each function's list
//! trend, kept in the store with the time it was fetched. Offline a chart shows its saved
//! reading, marked as saved with its age; the list's sparklines render from the store
//! before their background refresh answers. Saved data, not the user's: Settings → Local
//! data measures and clears it with the rest.
//!
//! Each result is one row per profile and region under a key (store/metrics.rs):
//! - a chart: `<specs>:<functions>:<range>` ([`chart_key`]), e.g. `monitor:orders-api:3h`
//!   or `compare:duration:p99:orders-api,billing:1d`;
//! - a function's list trend: `trend:<function>` ([`trend_key`]), one row per function
//!   so that refreshing the visible rows rewrites only theirs.
//!
//! A body an older (or newer) format wrote that no longer reads is treated as nothing
//! saved: the chart is read again when the network answers.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::period::{RangePreset, TimeRange};
use super::query::{Series, SeriesSpec};
use crate::scope::Scope;
use crate::store::metrics::StoredMetricResult;
use crate::store::{run_blocking, Store};
use crate::{timestamps, Error};

/// The body format written now; a body of another format reads as nothing saved.
const FORMAT: u32 = 1;

/// A chart's last reading, as saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedChart {
    /// What the chart shows ([`chart_key`]).
    pub key: String,
    /// When it was read from CloudWatch (ISO-8601 UTC): the age shown next to it.
    pub fetched_at: String,
    pub range: TimeRange,
    pub period_seconds: u32,
    /// As read, in the chart's order.
    pub series: Vec<Series>,
}

/// The key of a chart: what it shows, stable across launches.
///
/// Shape: `<specs_label>:<functions joined by ','>:<range_label>`, e.g.
/// `monitor:orders-api:3h` (the Monitor tab of one function over 3 hours) or
/// `compare:duration:p99:a,b:1d` (the p99 duration of a and b over a day). `specs_label`
/// names the set of series (it may hold `:` itself); the functions (with their qualifier,
/// `orders:live`, if the chart has one) keep their order, the chart's series order;
/// `range_label` is the preset (`3h`) or the range as typed. In the functions and the
/// range, `%`, `:` and `,` are written `%25`, `%3A` and `%2C`, so the key reads back
/// unambiguously from its end and two different charts never share a key.
pub fn chart_key(functions: &[String], specs_label: &str, range_label: &str) -> String {
    let functions: Vec<String> = functions.iter().map(|name| escape(name)).collect();
    format!("{specs_label}:{}:{}", functions.join(","), escape(range_label))
}

/// The key of one function's list trend: `trend:<function>` (escaped as in [`chart_key`]).
pub fn trend_key(function_name: &str) -> String {
    format!("trend:{}", escape(function_name))
}

fn escape(part: &str) -> String {
    part.replace('%', "%25").replace(':', "%3A").replace(',', "%2C")
}

/// Keeps `chart` as the last reading of its key, replacing the previous one.
pub async fn save(store: &Arc<Store>, scope: &Scope, chart: &SavedChart) -> Result<(), Error> {
    let body = ChartBody {
        format: FORMAT,
        range: chart.range,
        period_seconds: chart.period_seconds,
        series: chart.series.iter().cloned().map(StoredSeries::from).collect(),
    };
    let (scope, key, fetched_at) = (scope.clone(), chart.key.clone(), chart.fetched_at.clone());
    run_blocking(store, move |store| {
        let result = StoredMetricResult { chart_key: key, body: to_json(&body)?, fetched_at };
        store.save_metric_results(&scope, &[result])
    })
    .await
}

/// How many readings of typed or zoomed ranges each chart keeps besides its presets: each
/// such range has a key of its own, and zooming makes many.
pub const CUSTOM_RANGES_KEPT: u32 = 5;

/// Forgets the readings of `functions`' chart `specs_label` for typed or zoomed ranges but
/// the [`CUSTOM_RANGES_KEPT`] newest; the presets' readings stay.
pub async fn prune_custom_ranges(
    store: &Arc<Store>,
    scope: &Scope,
    functions: &[String],
    specs_label: &str,
) -> Result<(), Error> {
    let prefix = chart_key(functions, specs_label, "");
    let presets: Vec<String> =
        RangePreset::all().iter().map(|preset| chart_key(functions, specs_label, preset.label())).collect();
    let scope = scope.clone();
    run_blocking(store, move |store| store.prune_metric_results(&scope, &prefix, &presets, CUSTOM_RANGES_KEPT))
        .await
        .map(drop)
}

/// The last reading saved under `key`; `None` when there is none or it no longer reads.
pub async fn load(store: &Arc<Store>, scope: &Scope, key: &str) -> Result<Option<SavedChart>, Error> {
    let (scope, key) = (scope.clone(), key.to_string());
    run_blocking(store, move |store| Ok(store.load_metric_result(&scope, &key)?.and_then(read_chart))).await
}

fn read_chart(saved: StoredMetricResult) -> Option<SavedChart> {
    let body = serde_json::from_str::<ChartBody>(&saved.body).ok().filter(|body| body.format == FORMAT)?;
    let series = body.series.into_iter().map(StoredSeries::into_series).collect::<Option<Vec<_>>>()?;
    Some(SavedChart {
        key: saved.chart_key,
        fetched_at: saved.fetched_at,
        range: body.range,
        period_seconds: body.period_seconds,
        series,
    })
}

/// Keeps each function's trend (its invocations and errors series), fetched now, under
/// [`trend_key`], in one transaction; other functions' saved trends stay as they are.
pub async fn save_trends(
    store: &Arc<Store>,
    scope: &Scope,
    trends: Vec<(String, Series, Series)>,
) -> Result<(), Error> {
    save_trends_fetched_at(store, scope, &timestamps::now(), trends).await
}

/// [`save_trends`] with the time they were fetched (ISO-8601 UTC), so that a caller
/// showing them states the same age the store keeps.
pub async fn save_trends_fetched_at(
    store: &Arc<Store>,
    scope: &Scope,
    fetched_at: &str,
    trends: Vec<(String, Series, Series)>,
) -> Result<(), Error> {
    let (scope, fetched_at) = (scope.clone(), fetched_at.to_string());
    run_blocking(store, move |store| {
        let results = trends
            .into_iter()
            .map(|(name, invocations, errors)| {
                let body = TrendBody { format: FORMAT, invocations: invocations.into(), errors: errors.into() };
                Ok(StoredMetricResult {
                    chart_key: trend_key(&name),
                    body: to_json(&body)?,
                    fetched_at: fetched_at.clone(),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        store.save_metric_results(&scope, &results)
    })
    .await
}

/// The saved trends of `names`, in one query: name → (invocations, errors, fetched_at).
/// A function with no trend saved, or one that no longer reads, is left out.
pub async fn load_trends(
    store: &Arc<Store>,
    scope: &Scope,
    names: &[String],
) -> Result<HashMap<String, (Series, Series, String)>, Error> {
    let scope = scope.clone();
    let mut name_of: HashMap<String, String> = names.iter().map(|name| (trend_key(name), name.clone())).collect();
    run_blocking(store, move |store| {
        let keys: Vec<String> = name_of.keys().cloned().collect();
        let saved = store.load_metric_results(&scope, &keys)?;
        let mut trends = HashMap::with_capacity(saved.len());
        for result in saved {
            let Some(name) = name_of.remove(&result.chart_key) else { continue };
            let Ok(body) = serde_json::from_str::<TrendBody>(&result.body) else { continue };
            if body.format != FORMAT {
                continue;
            }
            if let (Some(invocations), Some(errors)) = (body.invocations.into_series(), body.errors.into_series()) {
                trends.insert(name, (invocations, errors, result.fetched_at));
            }
        }
        Ok(trends)
    })
    .await
}

fn to_json(body: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string(body).map_err(|e| Error::Internal(format!("saving a metrics result: {e}")))
}

/// A chart's body as stored.
#[derive(Serialize, Deserialize)]
struct ChartBody {
    format: u32,
    range: TimeRange,
    period_seconds: u32,
    series: Vec<StoredSeries>,
}

/// A list trend's body as stored.
#[derive(Serialize, Deserialize)]
struct TrendBody {
    format: u32,
    invocations: StoredSeries,
    errors: StoredSeries,
}

/// A [`Series`] as stored: the store's format is its own, not the IPC type's.
#[derive(Serialize, Deserialize)]
struct StoredSeries {
    label: String,
    spec: SeriesSpec,
    /// Whole milliseconds: JSON numbers read back exactly.
    timestamps_ms: Vec<f64>,
    #[serde(with = "exact_values")]
    values: Vec<Option<f64>>,
    partial_from_ms: Option<f64>,
    failure: Option<String>,
}

/// Values as Rust's shortest text that reads back to the same `f64` (`"1.6666666666666665"`):
/// serde_json, without its `float_roundtrip` feature, reads a decimal number only to within
/// a unit in the last place, and a saved chart must show exactly what was read.
mod exact_values {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(values: &[Option<f64>], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(values.iter().map(|value| value.map(|value| value.to_string())))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Option<f64>>, D::Error> {
        let texts = Vec::<Option<String>>::deserialize(deserializer)?;
        texts.into_iter().map(|text| text.map(|text| text.parse().map_err(D::Error::custom)).transpose()).collect()
    }
}

impl From<Series> for StoredSeries {
    fn from(series: Series) -> Self {
        let Series { label, spec, timestamps_ms, values, partial_from_ms, failure } = series;
        StoredSeries { label, spec, timestamps_ms, values, partial_from_ms, failure }
    }
}

impl StoredSeries {
    /// The series, or `None` when its values do not match its periods (not ours to show).
    fn into_series(self) -> Option<Series> {
        let StoredSeries { label, spec, timestamps_ms, values, partial_from_ms, failure } = self;
        (values.len() == timestamps_ms.len()).then_some(Series {
            label,
            spec,
            timestamps_ms,
            values,
            partial_from_ms,
            failure,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::query::{LambdaMetric, Statistic};

    const HOUR_MS: f64 = 3_600_000.0;
    const START_MS: f64 = 1_800_000_000_000.0;

    fn scope(profile: &str) -> Scope {
        Scope { profile: profile.into(), region: "eu-west-1".into() }
    }

    fn series(function: &str, metric: LambdaMetric, seed: f64) -> Series {
        let spec = SeriesSpec::new(function, metric, Statistic::Sum);
        let timestamps_ms: Vec<f64> = (0..24).map(|k| START_MS + k as f64 * HOUR_MS).collect();
        let mut values: Vec<Option<f64>> = (0..24).map(|k| Some(seed + k as f64 / 3.0)).collect();
        values[5] = None;
        Series {
            label: spec.label.clone(),
            spec,
            timestamps_ms,
            values,
            partial_from_ms: Some(START_MS + 23.0 * HOUR_MS),
            failure: None,
        }
    }

    fn chart(fetched_at: &str, seed: f64) -> SavedChart {
        let mut failed = series("orders-api", LambdaMetric::Duration, 0.0);
        failed.values = vec![None; 24];
        failed.failure = Some("Forbidden".into());
        SavedChart {
            key: chart_key(&["orders-api".into()], "monitor", "1d"),
            fetched_at: fetched_at.into(),
            range: TimeRange { start_ms: START_MS, end_ms: START_MS + 24.0 * HOUR_MS },
            period_seconds: 3600,
            series: vec![series("orders-api", LambdaMetric::Invocations, seed), failed],
        }
    }

    #[test]
    fn keys_say_what_a_chart_shows() {
        assert_eq!(chart_key(&["orders-api".into()], "monitor", "3h"), "monitor:orders-api:3h");
        assert_eq!(chart_key(&["a".into(), "b".into()], "compare:duration:p99", "1d"), "compare:duration:p99:a,b:1d");
        assert_eq!(chart_key(&["orders:live".into()], "monitor", "3h"), "monitor:orders%3Alive:3h");
        assert_eq!(
            chart_key(&["a".into()], "monitor", "2026-11-29T10:00:00Z..now"),
            "monitor:a:2026-11-29T10%3A00%3A00Z..now"
        );
        assert_ne!(chart_key(&["a,b".into()], "x", "1h"), chart_key(&["a".into(), "b".into()], "x", "1h"));
        assert_eq!(trend_key("orders-api"), "trend:orders-api");
    }

    #[tokio::test]
    async fn a_chart_comes_back_as_saved_and_only_the_latest_is_kept() {
        let store = Store::in_memory().unwrap();
        let key = chart(".", 0.0).key;
        save(&store, &scope("work"), &chart("2026-11-29T10:00:00Z", 1.0)).await.unwrap();
        assert_eq!(load(&store, &scope("work"), &key).await.unwrap(), Some(chart("2026-11-29T10:00:00Z", 1.0)));

        save(&store, &scope("work"), &chart("2026-11-29T11:00:00Z", 7.0)).await.unwrap();

        assert_eq!(load(&store, &scope("work"), &key).await.unwrap(), Some(chart("2026-11-29T11:00:00Z", 7.0)));
        assert_eq!(store.load_metric_results(&scope("work"), std::slice::from_ref(&key)).unwrap().len(), 1);
        assert_eq!(load(&store, &scope("play"), &key).await.unwrap(), None, "another profile has its own");
        let other_region = Scope { region: "us-east-1".into(), ..scope("work") };
        assert_eq!(load(&store, &other_region, &key).await.unwrap(), None, "another region has its own");
        assert_eq!(load(&store, &scope("work"), "monitor:orders-api:3h").await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_body_that_no_longer_reads_is_nothing_saved() {
        let store = Store::in_memory().unwrap();
        let stored = |key: &str, body: &str| StoredMetricResult {
            chart_key: key.into(),
            body: body.into(),
            fetched_at: "2026-11-29T10:00:00Z".into(),
        };
        let range = r#""range":{"start_ms":0,"end_ms":60000},"period_seconds":60"#;
        store
            .save_metric_results(
                &scope("work"),
                &[
                    stored("not-json", "{ truncated"),
                    stored("old-shape", r#"{"points":[[0,1]]}"#),
                    stored("other-format", &format!(r#"{{"format":2,{range},"series":[]}}"#)),
                    stored("values-off-grid", &format!(
                        r#"{{"format":1,{range},"series":[{{"label":"x","spec":{},"timestamps_ms":[0],"values":["1","2"],"partial_from_ms":null,"failure":null}}]}}"#,
                        serde_json::to_string(&SeriesSpec::new("a", LambdaMetric::Errors, Statistic::Sum)).unwrap()
                    )),
                    stored(&trend_key("old"), r#"{"invocations":[1,2,3]}"#),
                ],
            )
            .unwrap();

        for key in ["not-json", "old-shape", "other-format", "values-off-grid"] {
            assert_eq!(load(&store, &scope("work"), key).await.unwrap(), None, "{key}");
        }
        let trends = load_trends(&store, &scope("work"), &["old".into()]).await.unwrap();
        assert!(trends.is_empty());
    }

    #[tokio::test]
    async fn a_thousand_trends_save_and_load_in_one_go_and_a_refresh_touches_only_its_rows() {
        let store = Store::in_memory().unwrap();
        let names: Vec<String> = (0..1000).map(|i| format!("fn-{i:04}")).collect();
        let trends = |names: &[String], seed: f64| -> Vec<(String, Series, Series)> {
            names
                .iter()
                .map(|name| {
                    let invocations = series(name, LambdaMetric::Invocations, seed);
                    (name.clone(), invocations, series(name, LambdaMetric::Errors, -seed))
                })
                .collect()
        };

        let started = std::time::Instant::now();
        save_trends(&store, &scope("work"), trends(&names, 1.0)).await.unwrap();
        let saved_in = started.elapsed();
        let started = std::time::Instant::now();
        let loaded = load_trends(&store, &scope("work"), &names).await.unwrap();
        eprintln!("1,000 trends of 24 points: saved in {saved_in:?}, loaded in {:?}", started.elapsed());

        assert_eq!(loaded.len(), 1000);
        let (invocations, errors, fetched_at) = &loaded["fn-0500"];
        assert_eq!(invocations, &series("fn-0500", LambdaMetric::Invocations, 1.0));
        assert_eq!(errors, &series("fn-0500", LambdaMetric::Errors, -1.0));
        assert!(timestamps::age_seconds(fetched_at).unwrap() <= 5);

        // The visible rows are refreshed: only theirs change.
        save_trends(&store, &scope("work"), trends(&names[..10], 9.0)).await.unwrap();
        let loaded = load_trends(&store, &scope("work"), &names).await.unwrap();
        assert_eq!(loaded.len(), 1000);
        assert_eq!(loaded["fn-0009"].0, series("fn-0009", LambdaMetric::Invocations, 9.0));
        assert_eq!(loaded["fn-0010"].0, series("fn-0010", LambdaMetric::Invocations, 1.0));

        let asked = vec!["fn-0001".to_string(), "never-saved".to_string()];
        let some = load_trends(&store, &scope("work"), &asked).await.unwrap();
        assert_eq!(some.keys().collect::<Vec<_>>(), ["fn-0001"]);
        assert!(load_trends(&store, &scope("play"), &names).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn clearing_local_data_forgets_saved_charts_and_trends() {
        let store = Store::in_memory().unwrap();
        let chart = chart("2026-11-29T10:00:00Z", 1.0);
        save(&store, &scope("work"), &chart).await.unwrap();
        let trend =
            ("orders-api".to_string(), series("orders-api", LambdaMetric::Invocations, 1.0), chart.series[0].clone());
        save_trends(&store, &scope("play"), vec![trend]).await.unwrap();
        let measured: Vec<Scope> = store.local_data().unwrap().scopes.into_iter().map(|s| s.scope).collect();
        assert_eq!(measured, [scope("play"), scope("work")], "saved results count as saved data");

        store.clear_local_data(None).unwrap();

        assert_eq!(load(&store, &scope("work"), &chart.key).await.unwrap(), None);
        assert!(load_trends(&store, &scope("play"), &["orders-api".into()]).await.unwrap().is_empty());
        assert!(store.local_data().unwrap().scopes.is_empty());
    }
}
