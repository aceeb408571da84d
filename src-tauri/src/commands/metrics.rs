//! The Monitor tab's charts, comparisons, the list's trends and chart exports.

use lambda_deck::metrics::chart::ChartLayout;
use lambda_deck::metrics::monitor::{self, Trend, TrendsRead};
use lambda_deck::metrics::view::{self, ChartExportFormat, ChartSource, MetricsView};
use lambda_deck::timestamps::now_ms;
use lambda_deck::Error;
use tauri::State;

use super::{payload, session_of, CommandResult};
use crate::state::AppState;
use crate::streams::StreamKind;

/// How old a function's saved trend may be before the list reads it again.
const TREND_MAX_AGE_SECONDS: u32 = 10 * 60;

/// Reads the charts of `source` from CloudWatch and draws them for the window (the saved
/// charts, marked so, when AWS cannot be reached). A newer read of the same kind in this
/// window replaces this one.
#[tauri::command]
#[specta::specta]
pub async fn read_charts(
    window: tauri::Window,
    state: State<'_, AppState>,
    source: ChartSource,
    layout: ChartLayout,
) -> CommandResult<MetricsView> {
    let session = session_of(&state, &window)?;
    let kind = stream_kind(&source);
    let read = state
        .streams()
        .run(window.label(), kind, |cancel| async move {
            let scope = session.scope().await?;
            let connect = session.connection_unless_cancelled(&cancel);
            tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                view = view::read_and_draw(connect, session.store(), &scope, &source, &layout, now_ms()) => view,
            }
        })
        .await;
    read.map_err(payload)
}

/// The last saved charts of `source`, drawn (no network): what the tab shows at once, and
/// how a theme change or a resize redraws.
#[tauri::command]
#[specta::specta]
pub async fn saved_charts(
    window: tauri::Window,
    state: State<'_, AppState>,
    source: ChartSource,
    layout: ChartLayout,
) -> CommandResult<Option<MetricsView>> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    view::saved_and_drawn(session.store(), &scope, &source, &layout).await.map_err(payload)
}

/// Writes one chart of the last reading of `source` as PNG, SVG or CSV; answers the path.
#[tauri::command]
#[specta::specta]
pub async fn export_chart(
    window: tauri::Window,
    state: State<'_, AppState>,
    source: ChartSource,
    chart_id: String,
    format: ChartExportFormat,
    path: String,
    layout: ChartLayout,
) -> CommandResult<String> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    view::export(session.store(), &scope, &source, &chart_id, format, &path, &layout).await.map_err(payload)
}

/// Where chart exports go unless the user types another folder.
#[tauri::command]
#[specta::specta]
pub fn chart_export_dir() -> String {
    let dir = dirs::download_dir().or_else(dirs::home_dir).unwrap_or_else(std::env::temp_dir);
    dir.display().to_string()
}

/// The saved trends (last 24 h of invocations and errors) of `functions`; no network.
#[tauri::command]
#[specta::specta]
pub async fn saved_trends(
    window: tauri::Window,
    state: State<'_, AppState>,
    functions: Vec<String>,
) -> CommandResult<Vec<Trend>> {
    let session = session_of(&state, &window)?;
    let scope = session.scope().await.map_err(payload)?;
    monitor::saved_trends(session.store(), &scope, &functions).await.map_err(payload)
}

/// Reads the trends of `functions` that are missing or older than ten minutes, in batched
/// GetMetricData calls, and answers all of them.
#[tauri::command]
#[specta::specta]
pub async fn refresh_trends(
    window: tauri::Window,
    state: State<'_, AppState>,
    functions: Vec<String>,
) -> CommandResult<TrendsRead> {
    monitor::checked_trend_names(&functions).map_err(payload)?;
    let session = session_of(&state, &window)?;
    let refreshed = state
        .streams()
        .run(window.label(), StreamKind::TrendsRefresh, |cancel| async move {
            let connection = session.connection_unless_cancelled(&cancel).await?;
            let scope = session.scope().await?;
            tokio::select! {
                _ = cancel.cancelled() => Err(Error::Cancelled),
                read = monitor::refresh_trends(
                    &connection,
                    session.store(),
                    &scope,
                    &functions,
                    TREND_MAX_AGE_SECONDS,
                    now_ms(),
                ) => read,
            }
        })
        .await;
    refreshed.map_err(payload)
}

fn stream_kind(source: &ChartSource) -> StreamKind {
    match source {
        ChartSource::Monitor { .. } => StreamKind::MonitorRead,
        ChartSource::Compare { .. } => StreamKind::CompareRead,
    }
}
