//! Synthetic saved data: a local store holding a large function list, written without
//! any AWS, for the 10,000-function e2e test and the benchmarks.

use std::path::Path;

use lambda_deck::functions::FunctionSummary;
use lambda_deck::store::Store;
use lambda_deck::Scope;

const TEAMS: &[&str] = &["payments", "orders", "auth", "media", "search", "billing", "inventory", "notify"];
const ROLES: &[&str] = &["api", "worker", "ingest", "export", "scheduler", "webhook", "resize", "cleanup"];
const RUNTIMES: &[&str] = &["python3.12", "python3.11", "nodejs20.x", "nodejs22.x", "java21", "provided.al2023"];
const MEMORY: &[i32] = &[128, 256, 512, 1024, 1769, 3008];
const TIMEOUTS: &[i32] = &[3, 10, 30, 60, 300, 900];

/// `count` varied functions, named `{team}-{role}-{index:05}`, in a fixed order.
pub fn functions(count: usize, account: &str, region: &str) -> Vec<FunctionSummary> {
    (0..count)
        .map(|i| {
            let team = TEAMS[i % TEAMS.len()];
            let role = ROLES[(i / TEAMS.len()) % ROLES.len()];
            let name = format!("{team}-{role}-{i:05}");
            // Every 13th function is a container image: no runtime, no handler.
            let image = i % 13 == 0;
            FunctionSummary {
                function_arn: format!("arn:aws:lambda:{region}:{account}:function:{name}"),
                runtime: (!image).then(|| RUNTIMES[i % RUNTIMES.len()].to_string()),
                memory_size: Some(MEMORY[i % MEMORY.len()]),
                timeout: Some(TIMEOUTS[(i / 3) % TIMEOUTS.len()]),
                last_modified: Some(format!(
                    "2026-{:02}-{:02}T{:02}:{:02}:00.000+0000",
                    1 + i % 11,
                    1 + i % 28,
                    i % 24,
                    i % 60
                )),
                description: Some(format!("The {role} of the {team} service")),
                handler: (!image).then(|| "app.handler".to_string()),
                package_type: Some(if image { "Image" } else { "Zip" }.to_string()),
                architectures: vec![if i % 4 == 0 { "arm64" } else { "x86_64" }.to_string()],
                state: Some("Active".to_string()),
                last_update_status: Some("Successful".to_string()),
                tags: None,
                function_name: name,
            }
        })
        .collect()
}

/// Writes a complete sync of `count` synthetic functions for `scope` into the store at
/// `path` (created if missing), as if the app had fetched them.
pub fn seed_store(path: &Path, scope: &Scope, count: usize) -> Result<(), lambda_deck::Error> {
    let store = Store::open(path)?;
    let list = functions(count, "000000000000", &scope.region);
    let sync = store.begin_sync(scope)?;
    store.replace_function_list(scope, sync, &list, count.div_ceil(50) as u32)?;
    Ok(())
}
