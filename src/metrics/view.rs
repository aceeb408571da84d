//! What the window shows of a metrics reading: each chart drawn for the window's size and
//! theme (SVG plus the data-to-pixel mapping the crosshair needs), the saved reading when
//! AWS cannot be reached, and a chart exported as PNG, SVG or CSV.
//!
//! Reading (`monitor`) and drawing (`chart`) stay apart so a theme change or a resize
//! redraws the saved reading without asking CloudWatch again.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::chart::{check_layout, render_png, render_svg, to_csv, ChartData, ChartLayout, PlotMapping};
use super::monitor::{
    check_compare_request, check_monitor_request, read_compare, read_monitor, saved_compare, saved_monitor,
    why_saved_instead, CompareRequest, MetricsReading, MonitorRequest,
};
use crate::aws::AwsConnection;
use crate::scope::Scope;
use crate::store::Store;
use crate::{Error, FieldError};

/// One chart of a reading, drawn.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DrawnChart {
    /// The chart's id in the reading (`invocations`, `duration`, `compare`, …).
    pub id: String,
    pub svg: String,
    pub mapping: PlotMapping,
}

/// A reading and its charts drawn, in the reading's order.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetricsView {
    pub reading: MetricsReading,
    pub drawn: Vec<DrawnChart>,
}

/// What a chart shows: a function's Monitor set, or a comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChartSource {
    Monitor { request: MonitorRequest },
    Compare { request: CompareRequest },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChartExportFormat {
    Png,
    Svg,
    Csv,
}

impl ChartExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ChartExportFormat::Png => "png",
            ChartExportFormat::Svg => "svg",
            ChartExportFormat::Csv => "csv",
        }
    }
}

/// Draws every chart of `reading`.
pub fn draw(reading: MetricsReading, layout: &ChartLayout) -> Result<MetricsView, Error> {
    let drawn = reading
        .charts
        .iter()
        .map(|chart| {
            let rendered = render_svg(&chart_data(&reading, &chart.id)?, layout)?;
            Ok(DrawnChart { id: chart.id.clone(), svg: rendered.svg, mapping: rendered.mapping })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(MetricsView { reading, drawn })
}

/// Reads `source` from CloudWatch (the saved reading, marked so, when AWS cannot be reached
/// or the credentials fail) and draws it. The request and the layout are checked before
/// `connect` is asked for a connection: bad input sends nothing.
pub async fn read_and_draw(
    connect: impl Future<Output = Result<AwsConnection, Error>>,
    store: &Arc<Store>,
    scope: &Scope,
    source: &ChartSource,
    layout: &ChartLayout,
    now_ms: f64,
) -> Result<MetricsView, Error> {
    check_layout(layout)?;
    match source {
        ChartSource::Monitor { request } => check_monitor_request(request, now_ms)?,
        ChartSource::Compare { request } => check_compare_request(request, now_ms)?,
    }
    let read = async {
        let connection = connect.await?;
        match source {
            ChartSource::Monitor { request } => read_monitor(&connection, store, scope, request, now_ms).await,
            ChartSource::Compare { request } => read_compare(&connection, store, scope, request, now_ms).await,
        }
    };
    // The readers fall back to saved charts themselves once connected; building the
    // connection can fail the same ways (expired SSO, no network) before that, and is
    // answered the same way.
    let reading = match read.await {
        Ok(reading) => reading,
        Err(error) => {
            let Some(why) = why_saved_instead(&error) else { return Err(error) };
            let Some(mut saved) = saved_reading(store, scope, source).await? else { return Err(error) };
            let age = saved.saved_age.clone().unwrap_or_else(|| "earlier".into());
            saved.notice = Some(format!("{why}: showing the charts saved {age}."));
            saved
        }
    };
    draw(reading, layout)
}

/// The last saved reading of `source`, drawn; `None` when nothing is saved. No network.
pub async fn saved_and_drawn(
    store: &Arc<Store>,
    scope: &Scope,
    source: &ChartSource,
    layout: &ChartLayout,
) -> Result<Option<MetricsView>, Error> {
    check_layout(layout)?;
    match saved_reading(store, scope, source).await? {
        Some(reading) => draw(reading, layout).map(Some),
        None => Ok(None),
    }
}

async fn saved_reading(
    store: &Arc<Store>,
    scope: &Scope,
    source: &ChartSource,
) -> Result<Option<MetricsReading>, Error> {
    match source {
        ChartSource::Monitor { request } => saved_monitor(store, scope, request).await,
        ChartSource::Compare { request } => saved_compare(store, scope, request).await,
    }
}

/// Writes chart `chart_id` of the last reading of `source` (what the window shows) to
/// `path` as PNG, SVG or CSV; answers the path written.
pub async fn export(
    store: &Arc<Store>,
    scope: &Scope,
    source: &ChartSource,
    chart_id: &str,
    format: ChartExportFormat,
    path: &str,
    layout: &ChartLayout,
) -> Result<String, Error> {
    let path = check_export_path(path, format)?;
    check_layout(layout)?;
    let reading = saved_reading(store, scope, source)
        .await?
        .ok_or_else(|| Error::InvalidInput("Nothing to export yet: the chart has not been read.".into()))?;
    let data = chart_data(&reading, chart_id)?;
    let bytes = match format {
        ChartExportFormat::Png => render_png(&data, layout)?,
        ChartExportFormat::Svg => render_svg(&data, layout)?.svg.into_bytes(),
        ChartExportFormat::Csv => to_csv(&data.series).into_bytes(),
    };
    let written = path.clone();
    tokio::task::spawn_blocking(move || std::fs::write(&written, bytes))
        .await
        .map_err(|error| Error::Internal(error.to_string()))?
        .map_err(|error| path_error(format!("Cannot write {}: {error}.", path.display())))?;
    Ok(path.display().to_string())
}

/// The chart `chart_id` of `reading` as the chart module draws it.
fn chart_data(reading: &MetricsReading, chart_id: &str) -> Result<ChartData, Error> {
    let chart = reading
        .charts
        .iter()
        .find(|chart| chart.id == chart_id)
        .ok_or_else(|| Error::InvalidInput(format!("There is no chart \"{chart_id}\" here.")))?;
    Ok(ChartData { title: chart.title.clone(), unit: chart.unit, range: reading.range, series: chart.series.clone() })
}

/// A full path to a new or replaceable file in an existing folder, ending in the format's
/// extension; errors name the field `path`.
pub fn check_export_path(path: &str, format: ChartExportFormat) -> Result<PathBuf, Error> {
    let extension = format.extension();
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || !path.is_absolute() {
        return Err(path_error(format!("Give the full path of the file, e.g. /home/me/Downloads/chart.{extension}.")));
    }
    if path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() != Some(extension) {
        return Err(path_error(format!("A {} export is a .{extension} file.", extension.to_uppercase())));
    }
    if path.is_dir() {
        return Err(path_error(format!("{} is a folder; name a file in it.", path.display())));
    }
    match path.parent() {
        Some(folder) if folder.is_dir() => Ok(path),
        _ => Err(path_error(format!("The folder {} does not exist.", parent_text(&path)))),
    }
}

fn parent_text(path: &Path) -> String {
    path.parent().map(|p| p.display().to_string()).unwrap_or_default()
}

fn path_error(message: String) -> Error {
    Error::InvalidFields(vec![FieldError::new("path", message)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_message(error: Error) -> String {
        match error {
            Error::InvalidFields(fields) => {
                assert_eq!(fields[0].field, "path");
                fields[0].message.clone()
            }
            other => panic!("expected a path error, got {other:?}"),
        }
    }

    #[test]
    fn an_export_path_is_a_full_path_with_the_formats_extension_in_an_existing_folder() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("lambda-deck-export-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("chart.png");
        assert_eq!(check_export_path(good.to_str().unwrap(), ChartExportFormat::Png).unwrap(), good);
        // The extension's case does not matter.
        let upper = dir.join("chart.CSV");
        assert!(check_export_path(upper.to_str().unwrap(), ChartExportFormat::Csv).is_ok());

        let relative = field_message(check_export_path("chart.png", ChartExportFormat::Png).unwrap_err());
        assert!(relative.starts_with("Give the full path"), "{relative}");
        let empty = field_message(check_export_path("  ", ChartExportFormat::Svg).unwrap_err());
        assert!(empty.contains("chart.svg"), "{empty}");
        let wrong = field_message(check_export_path(good.to_str().unwrap(), ChartExportFormat::Svg).unwrap_err());
        assert_eq!(wrong, "A SVG export is a .svg file.");
        let missing = dir.join("nowhere").join("chart.png");
        let missing = field_message(check_export_path(missing.to_str().unwrap(), ChartExportFormat::Png).unwrap_err());
        assert!(missing.contains("does not exist"), "{missing}");
        let folder = dir.join("folder.png");
        std::fs::create_dir(&folder).unwrap();
        let folder = field_message(check_export_path(folder.to_str().unwrap(), ChartExportFormat::Png).unwrap_err());
        assert!(folder.contains("is a folder"), "{folder}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
