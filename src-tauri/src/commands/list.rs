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
            events::list_events,
            events::create_event,
            events::update_event,
            events::rename_event,
            events::duplicate_event,
            events::delete_event,
            events::save_event_draft,
            events::discard_event_draft,
            events::check_event_payload,
            events::event_templates,
            events::render_event_template,
            events::export_events,
            events::format_event_payload,
            events::list_shared_events,
            events::publish_shared_event,
            events::delete_shared_event,
            invoke::invoke_function,
            invoke::cancel_invocation,
            invoke::invocation_figures,
            invoke::invocation_history,
            invoke::compare_invocations,
            invoke::invocation_history_limit,
            invoke::set_invocation_history_limit,
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
