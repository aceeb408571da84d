// Declares the app's own commands so that capabilities/ can allow exactly these. The
// names come from the one command list, src/commands/list.rs.
include!("src/commands/list.rs");

macro_rules! command_names {
    ($($module:ident::$command:ident),* $(,)?) => { &[$(stringify!($command)),*] };
}

fn main() {
    let commands: &[&str] = app_commands!(command_names);
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build script failed");
}
