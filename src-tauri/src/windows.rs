//! The app's windows: which is the main one, what their pages get before their first
//! paint, what their events do (a closed window stops what it started; size and position
//! are kept), and bringing the app forward when it is launched a second time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use lambda_deck::aws::ConnectionSummary;
use lambda_deck::functions::sync::{self, FunctionListView};
use lambda_deck::preferences::Appearance;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::state::AppState;

/// The label of the main window (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";
/// The file, next to the local store, that keeps each window's size, position and
/// maximized state.
const WINDOW_STATE_FILE: &str = "window-state.json";
/// How long a window must stay still before its new size or position is written.
const SAVE_AFTER: Duration = Duration::from_millis(500);

/// The window-state plugin, keeping its file beside the store (`$LDECK_DATA_DIR` or the
/// OS data directory) rather than in the config directory.
pub fn window_state_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let mut builder = tauri_plugin_window_state::Builder::new().with_state_flags(StateFlags::all());
    if let Ok(store_path) = lambda_deck::store::Store::default_path() {
        // An absolute file name replaces the plugin's config directory.
        builder = builder.with_filename(store_path.with_file_name(WINDOW_STATE_FILE).display().to_string());
    }
    builder.build()
}

/// How many rows of the saved list the main window's first paint carries: a screen of
/// them and the virtual list's margin (the UI asks for the rest itself).
const FIRST_SCREEN_ROWS: u32 = 100;
/// How long the window's creation may wait for its first paint's saved data.
const FIRST_PAINT_BUDGET: Duration = Duration::from_millis(300);

/// What a page can paint before it has asked anything: the appearance saved at start-up
/// and, for the main window, its profile and region and the first screen of its saved
/// list. Handed over in `window.__LDECK_FIRST_PAINT__` by an initialization script, so
/// the first paint needs no IPC round trip; the page asks for anything missing.
#[derive(Debug, Serialize, specta::Type)]
pub struct FirstPaint {
    pub appearance: Appearance,
    pub connection: Option<ConnectionSummary>,
    pub first_screen: Option<FunctionListView>,
}

impl FirstPaint {
    /// From the store alone (no network, no keyring), as the main window will open. Given
    /// at most [`FIRST_PAINT_BUDGET`]: finding a region can mean asking EC2's metadata
    /// service, and the window must not wait for that; the page then asks itself.
    pub async fn of_main_window(state: &AppState) -> FirstPaint {
        let appearance = state.startup_appearance();
        let saved = async {
            let session = state.session(MAIN_WINDOW).ok()?;
            let connection = session.describe().await.ok()?;
            let first_screen =
                sync::load_view(session.store(), &connection.scope(), Some(FIRST_SCREEN_ROWS)).await.ok();
            Some((connection, first_screen))
        };
        match tokio::time::timeout(FIRST_PAINT_BUDGET, saved).await {
            Ok(Some((connection, first_screen))) => {
                FirstPaint { appearance, connection: Some(connection), first_screen }
            }
            _ => FirstPaint { appearance, connection: None, first_screen: None },
        }
    }
}

/// The initialization script that hands `first_paint` to every page of the app.
pub fn first_paint_plugin<R: Runtime>(first_paint: &FirstPaint) -> tauri::plugin::TauriPlugin<R> {
    // JSON is a JavaScript literal; nothing in it is secret (plain list rows, names).
    let value = serde_json::to_string(first_paint).unwrap_or_else(|_| "null".into());
    tauri::plugin::Builder::new("first-paint")
        .js_init_script(format!(
            "Object.defineProperty(window, \"__LDECK_FIRST_PAINT__\", {{ value: {value}, enumerable: false }});"
        ))
        .build()
}

/// What the app does on its windows' events.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    match event {
        // The plugin writes its file only when the app exits; writing it once a window
        // has settled keeps the geometry even when the app is killed.
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => save_window_state_soon(window.app_handle()),
        WindowEvent::Destroyed => window.state::<AppState>().forget_window(window.label()),
        _ => {}
    }
}

fn save_window_state_soon<R: Runtime>(app: &AppHandle<R>) {
    static LATEST: AtomicU64 = AtomicU64::new(0);
    let mine = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SAVE_AFTER).await;
        if LATEST.load(Ordering::SeqCst) == mine {
            // Best effort: the plugin saves again when the app exits.
            let _ = app.save_window_state(StateFlags::all());
        }
    });
}

/// Opens a tail window (`tail.html`) for `functions` under `label`; the window-state
/// plugin gives it the size and place the window of that label had last.
pub fn open_tail_window<R: Runtime>(app: &AppHandle<R>, label: &str, functions: &[String]) -> tauri::Result<()> {
    let title = format!("Tail: {}", functions.join(", "));
    tauri::WebviewWindowBuilder::new(app, label, tauri::WebviewUrl::App("tail.html".into()))
        .title(title)
        .inner_size(1000.0, 640.0)
        .min_inner_size(560.0, 320.0)
        .build()?;
    Ok(())
}

/// A second launch hands over to the running app, which brings its main window forward.
pub fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// SIGTERM (a logout, `kill`, the e2e harness) closes the app as its window would:
/// streams stop and window state is written, instead of the process just vanishing.
pub fn exit_on_sigterm<R: Runtime>(app: AppHandle<R>) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            if terminate.recv().await.is_some() {
                app.exit(0);
            }
        }
    });
    #[cfg(not(unix))]
    drop(app);
}
