//! The Lambda Deck desktop shell: registers the commands, holds the app state and opens
//! the windows. Everything it does is a call into the core crate `lambda_deck`.

mod browser;
mod commands;
mod state;
mod streams;
mod tails;
mod windows;

use state::AppState;

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/lib/bindings.ts";

/// Turns the command list (commands/list.rs) into tauri-specta's registry.
macro_rules! collect_app_commands {
    ($($module:ident::$command:ident),* $(,)?) => {
        tauri_specta::collect_commands![$(commands::$module::$command),*]
    };
}

/// The typed command registry: the single source of the IPC surface and its bindings.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(commands::app_commands!(collect_app_commands))
        // Handed to each page by an initialization script, not by a command.
        .typ::<windows::FirstPaint>()
        // Commands only send these types to the UI: one type each, not Serialize/Deserialize twins.
        .disable_serde_phases()
}

pub fn run() {
    let builder = specta_builder();
    let mut context = tauri::generate_context!();
    // The start-up benchmark's baselines (BENCHMARKS.md): the same app showing an empty
    // page, or a static page with the list's first screen and no JavaScript.
    let baseline_page = if std::env::var_os("LDECK_EMPTY_WINDOW").is_some() {
        Some("empty.html")
    } else if std::env::var_os("LDECK_STATIC_FIRST_SCREEN").is_some() {
        Some("static-first-screen.html")
    } else {
        None
    };
    if let Some(page) = baseline_page {
        for window in &mut context.config_mut().app.windows {
            window.url = tauri::WebviewUrl::App(page.into());
        }
    }
    let state = AppState::open();
    // A few milliseconds from the store before the window exists, instead of an IPC round
    // trip after its page has loaded (BENCHMARKS.md (c)).
    let first_paint = tauri::async_runtime::block_on(windows::FirstPaint::of_main_window(&state));
    tauri::Builder::default()
        // First among the plugins, so a second launch hands over before any window opens.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| windows::focus_main_window(app)))
        .plugin(windows::window_state_plugin())
        .plugin(windows::first_paint_plugin(&first_paint))
        .manage(state)
        .invoke_handler(builder.invoke_handler())
        .on_window_event(windows::on_window_event)
        .setup(|app| {
            windows::exit_on_sigterm(app.handle().clone());
            Ok(())
        })
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

    /// The command names of the list, as the UI invokes them.
    fn listed_command_names() -> Vec<&'static str> {
        macro_rules! names {
            ($($module:ident::$command:ident),* $(,)?) => { vec![$(stringify!($command)),*] };
        }
        commands::app_commands!(names)
    }

    /// The bindings invoke exactly the listed commands, and every capability file allows
    /// exactly those (a window may call only what the app registers).
    #[test]
    fn the_command_list_the_bindings_and_the_capabilities_agree() {
        let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut listed = listed_command_names();
        listed.sort_unstable();
        assert!(listed.len() >= 15, "{listed:?}");

        let bindings = std::fs::read_to_string(manifest_dir.join(BINDINGS_PATH)).unwrap();
        // Each wrapper calls `__TAURI_INVOKE("name", …)` (or `__TAURI_INVOKE<T>("name")`).
        let mut invoked: Vec<&str> = bindings
            .split("__TAURI_INVOKE")
            .skip(1)
            .filter(|call| call.starts_with('(') || call.starts_with('<'))
            .filter_map(|call| call.split('"').nth(1))
            .filter(|name| !name.is_empty())
            .collect();
        invoked.sort_unstable();
        invoked.dedup();
        assert_eq!(invoked, listed, "the bindings and commands/list.rs disagree: run `make bindings`");

        let capabilities = manifest_dir.join("capabilities");
        let mut files = 0;
        for entry in std::fs::read_dir(&capabilities).unwrap() {
            let path = entry.unwrap().path();
            let capability: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let mut allowed: Vec<String> =
                capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
            allowed.sort_unstable();
            let mut expected: Vec<String> =
                listed.iter().map(|name| format!("allow-{}", name.replace('_', "-"))).collect();
            expected.sort_unstable();
            assert_eq!(allowed, expected, "{} must allow exactly the listed commands", path.display());
            files += 1;
        }
        assert_eq!(files, 1, "one capability file (the main and tail windows')");
    }
}
