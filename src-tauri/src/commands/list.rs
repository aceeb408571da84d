// The app's commands: the ONE list from which the invoke handler and the TypeScript
// bindings (lib.rs), the permissions tauri-build generates (build.rs, which includes
// this file) and the capability files (checked by a test in lib.rs) all follow. A new
// command is added here, as `module::command`, and nowhere else by hand.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            session::active_connection,
            session::select_profile,
            session::select_region,
            session::list_regions,
            functions::cached_functions,
            functions::refresh_functions,
            functions::cancel_refresh,
            functions::cached_function_details,
            functions::refresh_function_details,
            functions::open_in_console,
            profiles::list_profiles,
            profiles::save_profile,
            profiles::remove_profile,
            profiles::test_profile,
            settings::preferences,
            settings::set_appearance,
            settings::record_palette_pick,
            settings::local_data,
            settings::clear_local_data,
            streams::running_streams,
        }
    };
}
