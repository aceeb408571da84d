fn main() {
    // Declares the app's own commands so that capabilities/ can allow exactly these.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "active_connection",
        "cached_functions",
        "refresh_functions",
        "cancel_refresh",
        "cached_function_details",
        "refresh_function_details",
        "open_in_console",
        "list_profiles",
        "list_regions",
        "save_profile",
        "remove_profile",
        "test_profile",
        "select_profile",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build script failed");
}
