//! The Lambda Deck desktop shell: registers the commands, holds the app state and opens
//! the window. Everything it does is a call into the core crate `lambda_deck`.

mod browser;
mod commands;
mod state;

use state::AppState;

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

/// The typed command registry: the single source of the IPC surface and its bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::active_connection,
            commands::cached_functions,
            commands::refresh_functions,
            commands::cancel_refresh,
            commands::cached_function_details,
            commands::refresh_function_details,
            commands::open_in_console,
            commands::list_profiles,
            commands::list_regions,
            commands::save_profile,
            commands::remove_profile,
            commands::test_profile,
            commands::select_profile,
        ])
        // Commands only send these types to the UI: one type each, not Serialize/Deserialize twins.
        .disable_serde_phases()
}

pub fn run() {
    let builder = specta_builder();
    let mut context = tauri::generate_context!();
    // The startup benchmark's baseline: the same app showing an empty page (BENCHMARKS.md).
    if std::env::var_os("LDECK_EMPTY_WINDOW").is_some() {
        for window in &mut context.config_mut().app.windows {
            window.url = tauri::WebviewUrl::App("empty.html".into());
        }
    }
    tauri::Builder::default()
        .manage(AppState::open())
        .invoke_handler(builder.invoke_handler())
        .run(context)
        .expect("error while running Lambda Deck");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in bindings must be what the Rust signatures generate. Run with
    /// `UPDATE_BINDINGS=1` (`make bindings`) to rewrite them after changing a command.
    #[test]
    fn typescript_bindings_match_the_rust_commands() {
        let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let checked_in = manifest_dir.join(BINDINGS_PATH);
        let generated = std::env::temp_dir().join(format!("lambda-deck-bindings-{}.ts", std::process::id()));
        specta_builder()
            .export(specta_typescript::Typescript::default().header("// @ts-nocheck"), &generated)
            .expect("export bindings");
        let generated_text = std::fs::read_to_string(&generated).unwrap();
        std::fs::remove_file(&generated).ok();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&checked_in, &generated_text).unwrap();
        }
        let checked_in_text = std::fs::read_to_string(&checked_in).unwrap_or_default();
        assert!(
            checked_in_text == generated_text,
            "{} is out of date with the Rust commands: run `make bindings` and commit the result",
            checked_in.display()
        );
    }
}
