//! `ldeck-dev`: developer commands around the local AWS.
//!
//! `ldeck-dev serve --seed demo -- ./target/debug/lambda-deck` starts MiniStack on a free
//! loopback port, seeds the demo account, writes an AWS CLI profile `local-demo` that
//! points at it, runs the command with that profile selected and stops MiniStack when
//! the command exits (this is `make run`). Without a command it serves until SIGINT,
//! SIGTERM or the end of its standard input (the e2e suite uses that).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use lambda_deck_devtools::{bench, demo, local_aws, static_page, synthetic, LocalAws};

/// The AWS CLI profile written for the demo.
const DEMO_PROFILE: &str = "local-demo";

#[derive(Debug, Parser)]
#[command(name = "ldeck-dev", about = "Lambda Deck developer tools (local AWS, demo data)")]
struct Cli {
    #[command(subcommand)]
    command: DevCommand,
}

#[derive(Debug, Subcommand)]
enum DevCommand {
    /// Start the local AWS, seed it, and run a command against it (or serve until stopped).
    Serve {
        /// What to put in the account.
        #[arg(long, value_enum, default_value = "demo")]
        seed: Seed,
        /// Also create this many small functions named `bulk-0000`, … (pagination, load).
        #[arg(long, default_value_t = 0)]
        bulk: usize,
        /// Write the environment (KEY=VALUE lines) that selects the demo profile here.
        #[arg(long)]
        env_file: Option<PathBuf>,
        /// The command to run with the demo profile selected.
        #[arg(last = true)]
        command: Vec<String>,
    },
    /// Write a complete saved list of synthetic functions into a local store, as if the
    /// app had synced it (no AWS involved): for large-list tests and benchmarks.
    SeedStore {
        /// The data directory (the app's LDECK_DATA_DIR).
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long)]
        profile: String,
        #[arg(long)]
        region: String,
        #[arg(long)]
        functions: usize,
    },
    /// Benchmarks (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write the start-up benchmark's static first screen (ui/public/static-first-screen.html).
    StaticPage {
        #[arg(long, default_value = static_page::PATH)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// A full refresh from the local AWS against a bare SDK paginator.
    Refresh {
        #[arg(long, default_value_t = 2000)]
        functions: usize,
        #[arg(long, default_value_t = 7)]
        rounds: usize,
    },
    /// Loading a large saved list from the store.
    LoadCache {
        #[arg(long, default_value_t = 10_000)]
        functions: usize,
        #[arg(long, default_value_t = 31)]
        rounds: usize,
    },
    /// `ldeck invoke` of a saved event against `aws lambda invoke`, whole processes.
    InvokeCli {
        #[arg(long, default_value = "target/release/ldeck")]
        ldeck: PathBuf,
        #[arg(long, default_value = ".tools/awscli-venv/bin/aws")]
        aws: PathBuf,
        #[arg(long, default_value_t = 15)]
        rounds: usize,
    },
    /// The bare SDK invocation the window's Invoke is compared with (lines on stdin).
    SdkInvokeServer,
    /// Drawing metric charts to SVG and PNG (no AWS involved).
    Chart {
        #[arg(long, default_value_t = 101)]
        rounds: usize,
    },
    /// GetMetricData calls for the list trends of many functions, from the local AWS.
    TrendCalls {
        #[arg(long, default_value_t = 1000)]
        functions: usize,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Seed {
    Demo,
    Empty,
}

fn main() -> ExitCode {
    // The store commands run without an async runtime: they use the store directly, which
    // the core allows only off the runtime's threads.
    let result = match Cli::parse().command {
        DevCommand::Serve { seed, bulk, env_file, command } => {
            in_runtime(serve(seed, bulk, env_file.as_deref(), &command))
        }
        DevCommand::SeedStore { data_dir, profile, region, functions } => {
            let scope = lambda_deck::Scope { profile, region };
            synthetic::seed_store(&data_dir.join("lambda-deck.sqlite3"), &scope, functions)
                .map(|()| ExitCode::SUCCESS)
                .map_err(Into::into)
        }
        DevCommand::Bench(BenchCommand::Refresh { functions, rounds }) => {
            in_runtime(async move { bench::refresh(functions, rounds).await.map(|()| ExitCode::SUCCESS) })
        }
        DevCommand::Bench(BenchCommand::LoadCache { functions, rounds }) => {
            bench::load_cache(functions, rounds).map(|()| ExitCode::SUCCESS)
        }
        DevCommand::Bench(BenchCommand::InvokeCli { ldeck, aws, rounds }) => {
            in_runtime(async move { bench::invoke_cli(&ldeck, &aws, rounds).await.map(|()| ExitCode::SUCCESS) })
        }
        DevCommand::Bench(BenchCommand::SdkInvokeServer) => {
            in_runtime(async move { bench::sdk_invoke_server().await.map(|()| ExitCode::SUCCESS) })
        }
        DevCommand::Bench(BenchCommand::Chart { rounds }) => bench::chart(rounds).map(|()| ExitCode::SUCCESS),
        DevCommand::Bench(BenchCommand::TrendCalls { functions }) => {
            in_runtime(async move { bench::trend_calls(functions).await.map(|()| ExitCode::SUCCESS) })
        }
        DevCommand::StaticPage { out } => std::fs::write(&out, static_page::first_screen_html(10_000))
            .map(|()| ExitCode::SUCCESS)
            .map_err(|e| format!("cannot write {}: {e}", out.display()).into()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("ldeck-dev: error: {err}");
            ExitCode::FAILURE
        }
    }
}

type DevResult = Result<ExitCode, Box<dyn std::error::Error + Send + Sync>>;

fn in_runtime(work: impl std::future::Future<Output = DevResult>) -> DevResult {
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(work)
}

async fn serve(
    seed: Seed,
    bulk: usize,
    env_file: Option<&Path>,
    command: &[String],
) -> Result<ExitCode, Box<dyn std::error::Error + Send + Sync>> {
    let started = Instant::now();
    let local = LocalAws::start()?;
    eprintln!("ldeck-dev: local AWS (MiniStack) on {} in {:.1?}", local.endpoint_url(), started.elapsed());
    let client = aws_sdk_lambda::Client::new(&local.sdk_config());
    if let Seed::Demo = seed {
        let summary = demo::seed_demo(&client).await?;
        eprintln!(
            "ldeck-dev: seeded {} functions, {} aliases, {} invocations ({} failed) in {:.1?}",
            summary.functions,
            summary.aliases,
            summary.invocations,
            summary.failed_invocations,
            started.elapsed()
        );
    }
    if bulk > 0 {
        demo::seed_bulk_functions(&client, "bulk", bulk).await?;
        eprintln!("ldeck-dev: created {bulk} bulk functions");
    }

    let env = write_demo_profile(&local)?;
    if let Some(path) = env_file {
        let lines: String = env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        std::fs::write(path, lines)?;
    }

    let Some((program, args)) = command.split_first() else {
        eprintln!("ldeck-dev: serving; stop with Ctrl+C");
        wait_for_stop().await;
        return Ok(ExitCode::SUCCESS);
    };
    let mut child = tokio::process::Command::new(program);
    child.args(args).envs(env.iter().map(|(k, v)| (k, v)));
    // The profile decides; stray AWS_* settings of the calling shell must not override it.
    for key in [
        "AWS_ENDPOINT_URL",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
    ] {
        child.env_remove(key);
    }
    let status = child.status().await?;
    drop(local);
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Writes `config` and `credentials` files with the `local-demo` profile into the
/// emulator's work directory and returns the environment that selects them.
fn write_demo_profile(local: &LocalAws) -> std::io::Result<Vec<(String, String)>> {
    let dir = local.work_dir().join("aws");
    std::fs::create_dir_all(&dir)?;
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        format!("[profile {DEMO_PROFILE}]\nregion = {}\nendpoint_url = {}\n", local_aws::REGION, local.endpoint_url()),
    )?;
    std::fs::write(
        &credentials,
        format!(
            "[{DEMO_PROFILE}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            local_aws::ACCESS_KEY_ID,
            local_aws::SECRET_ACCESS_KEY
        ),
    )?;
    Ok(vec![
        ("AWS_CONFIG_FILE".into(), config.display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE".into(), credentials.display().to_string()),
        ("AWS_PROFILE".into(), DEMO_PROFILE.into()),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("LDECK_LOCAL_AWS_ENDPOINT".into(), local.endpoint_url()),
    ])
}

/// Returns on SIGINT, SIGTERM or when standard input reaches its end.
async fn wait_for_stop() {
    let mut sigterm = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => return,
    };
    // A plain thread, not tokio's stdin: the runtime would wait for its blocking read
    // forever on shutdown, while a detached thread ends with the process.
    let (stdin_closed, stdin_closed_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = stdin_closed.send(());
    });
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = sigterm.recv() => {}
        _ = stdin_closed_rx => {}
    }
}
