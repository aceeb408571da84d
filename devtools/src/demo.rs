//! Seeders: a demo account that looks like a real one, and bulk functions for tests.

use std::io::Write;
use std::time::{Duration, Instant};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, Environment, FunctionCode, InvocationType, LogType, Runtime, State,
};
use aws_sdk_lambda::Client;
use tokio::task::JoinSet;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// MiniStack does not check roles; this one names what a real account would have.
const ROLE_ARN: &str = "arn:aws:iam::000000000000:role/lambda-deck-demo-execution";

const PYTHON_HANDLER: &str = r#"import json, os, time

def handler(event, context):
    event = event if isinstance(event, dict) else {}
    print(json.dumps({"level": "INFO", "message": "request received", "keys": sorted(event.keys())}))
    delay_ms = int(event.get("delay_ms", 0))
    if delay_ms:
        time.sleep(delay_ms / 1000)
    if event.get("fail"):
        print(json.dumps({"level": "ERROR", "message": "failing as asked", "reason": event["fail"]}))
        raise RuntimeError(event["fail"])
    print("done in", delay_ms, "ms")
    return {"statusCode": 200, "body": json.dumps({"ok": True, "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME")})}
"#;

const NODE_HANDLER: &str = r#"exports.handler = async (event) => {
  event = event && typeof event === "object" ? event : {};
  console.log(JSON.stringify({ level: "INFO", message: "request received", keys: Object.keys(event).sort() }));
  const delayMs = Number(event.delay_ms || 0);
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (event.fail) {
    console.error(JSON.stringify({ level: "ERROR", message: "failing as asked", reason: event.fail }));
    throw new Error(event.fail);
  }
  console.log("done in", delayMs, "ms");
  return { statusCode: 200, body: JSON.stringify({ ok: true, function: process.env.AWS_LAMBDA_FUNCTION_NAME }) };
};
"#;

const TEAMS: [&str; 8] = ["payments", "orders", "inventory", "search", "notifications", "auth", "reports", "media"];
const ROLES: [(&str, &str); 8] = [
    ("api", "HTTP API handler behind API Gateway"),
    ("worker", "Consumes jobs from the SQS queue"),
    ("scheduler", "Runs on an EventBridge schedule"),
    ("webhook", "Receives partner webhooks"),
    ("ingest", "Ingests records from the Kinesis stream"),
    ("export", "Exports daily data to S3"),
    ("cleanup", "Deletes expired records"),
    ("resize", "Post-processes uploaded objects"),
];
const RUNTIMES: [Runtime; 4] = [Runtime::Python312, Runtime::Nodejs20x, Runtime::Python311, Runtime::Nodejs20x];
const MEMORY_SIZES: [i32; 6] = [128, 256, 512, 1024, 1769, 3008];
const TIMEOUTS: [i32; 5] = [3, 10, 30, 60, 900];

/// What [`seed_demo`] created, for the caller's summary and for tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub functions: usize,
    pub invocations: usize,
    pub failed_invocations: usize,
    pub aliases: usize,
}

/// One function of the demo account.
#[derive(Debug, Clone)]
pub struct DemoFunction {
    pub name: String,
    pub runtime: Runtime,
    pub memory_size: i32,
    pub timeout: i32,
    pub description: String,
    pub team: &'static str,
}

/// The 64 functions of the demo account: 8 teams × 8 roles, Python and Node.
pub fn demo_functions() -> Vec<DemoFunction> {
    let mut functions = Vec::new();
    for (t, team) in TEAMS.iter().enumerate() {
        for (r, (role, description)) in ROLES.iter().enumerate() {
            let i = t * ROLES.len() + r;
            functions.push(DemoFunction {
                name: format!("{team}-{role}"),
                runtime: RUNTIMES[(t + r) % RUNTIMES.len()].clone(),
                memory_size: MEMORY_SIZES[(i * 7) % MEMORY_SIZES.len()],
                timeout: TIMEOUTS[(i * 3) % TIMEOUTS.len()].max(if *role == "export" { 300 } else { 3 }),
                description: format!("{description} ({team})"),
                team,
            });
        }
    }
    functions
}

/// Fills an empty account with the demo: functions with environment and tags, versions
/// and aliases (one weighted), and real invocations — some failing, some slow — so that
/// logs and Invocations/Errors/Duration metrics exist.
pub async fn seed_demo(client: &Client) -> Result<DemoSummary, BoxError> {
    let functions = demo_functions();
    let mut summary = DemoSummary::default();
    let mut creations = JoinSet::new();
    for function in functions.clone() {
        let client = client.clone();
        creations.spawn(async move { create_demo_function(&client, &function).await });
    }
    while let Some(result) = creations.join_next().await {
        result??;
        summary.functions += 1;
    }
    for function in &functions {
        wait_until_active(client, &function.name).await?;
    }

    // Versions and aliases: every "api" function gets v1 and "live"; payments-api also v2
    // and a weighted "live" that sends 10% of traffic to v2.
    for function in functions.iter().filter(|f| f.name.ends_with("-api")) {
        let v1 = client.publish_version().function_name(&function.name).description("first release").send().await?;
        let v1 = v1.version.unwrap_or_else(|| "1".into());
        let mut alias = client.create_alias().function_name(&function.name).name("live").function_version(&v1);
        if function.name == "payments-api" {
            client
                .update_function_configuration()
                .function_name(&function.name)
                .description("HTTP API handler behind API Gateway (payments) — v2 with idempotency keys")
                .send()
                .await?;
            wait_until_active(client, &function.name).await?;
            let v2 =
                client.publish_version().function_name(&function.name).description("idempotency keys").send().await?;
            let routing = AliasRoutingConfiguration::builder()
                .additional_version_weights(v2.version.unwrap_or_else(|| "2".into()), 0.1)
                .build();
            alias = alias.routing_config(routing);
        }
        alias.send().await?;
        summary.aliases += 1;
    }

    // Invocations: a handful per function for the first half of the account.
    let mut invocations = JoinSet::new();
    for (i, function) in functions.iter().enumerate().take(32) {
        for attempt in 0..3 {
            let payload = match (i % 5, attempt) {
                (0, 2) | (3, 1) => serde_json::json!({"fail": "upstream returned 503", "order_id": i}),
                (1, _) => serde_json::json!({"delay_ms": 600 + 100 * attempt, "order_id": i}),
                _ => serde_json::json!({"delay_ms": 20 * attempt, "order_id": i}),
            };
            let client = client.clone();
            let name = function.name.clone();
            invocations.spawn(async move { invoke(&client, &name, &payload).await });
            // Two cores: keep a few handlers running at once, not 96.
            while invocations.len() >= 4 {
                if let Some(result) = invocations.join_next().await {
                    tally(&mut summary, result??);
                }
            }
        }
    }
    while let Some(result) = invocations.join_next().await {
        tally(&mut summary, result??);
    }
    Ok(summary)
}

fn tally(summary: &mut DemoSummary, failed: bool) {
    summary.invocations += 1;
    summary.failed_invocations += usize::from(failed);
}

/// Invokes synchronously; returns whether the function failed.
async fn invoke(client: &Client, name: &str, payload: &serde_json::Value) -> Result<bool, BoxError> {
    let output = client
        .invoke()
        .function_name(name)
        .invocation_type(InvocationType::RequestResponse)
        .log_type(LogType::Tail)
        .payload(Blob::new(serde_json::to_vec(payload)?))
        .send()
        .await?;
    Ok(output.function_error.is_some())
}

async fn create_demo_function(client: &Client, function: &DemoFunction) -> Result<(), BoxError> {
    let environment = Environment::builder()
        .variables("LOG_LEVEL", if function.team == "payments" { "DEBUG" } else { "INFO" })
        .variables("TABLE_NAME", format!("{}-table", function.team))
        .variables("POWERTOOLS_SERVICE_NAME", function.name.clone())
        .build();
    let (handler, code) = handler_package(&function.runtime)?;
    client
        .create_function()
        .function_name(&function.name)
        .runtime(function.runtime.clone())
        .role(ROLE_ARN)
        .handler(handler)
        .code(FunctionCode::builder().zip_file(Blob::new(code)).build())
        .description(&function.description)
        .memory_size(function.memory_size)
        .timeout(function.timeout)
        .environment(environment)
        .tags("team", function.team)
        .tags("env", if function.name.len().is_multiple_of(3) { "staging" } else { "production" })
        .tags("cost-center", format!("cc-{}", 100 + function.team.len()))
        .send()
        .await?;
    Ok(())
}

/// Creates `count` small Python functions named `{prefix}-0000`, `{prefix}-0001`, …
/// with at most `concurrency` CreateFunction calls in flight.
pub async fn seed_bulk_functions(client: &Client, prefix: &str, count: usize) -> Result<Vec<String>, BoxError> {
    let (handler, code) = handler_package(&Runtime::Python312)?;
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}-{i:04}")).collect();
    let mut creations = JoinSet::new();
    for name in names.clone() {
        let request = client
            .create_function()
            .function_name(name)
            .runtime(Runtime::Python312)
            .role(ROLE_ARN)
            .handler(handler)
            .code(FunctionCode::builder().zip_file(Blob::new(code.clone())).build());
        creations.spawn(async move { request.send().await.map(|_| ()) });
        while creations.len() >= 8 {
            if let Some(result) = creations.join_next().await {
                result??;
            }
        }
    }
    while let Some(result) = creations.join_next().await {
        result??;
    }
    Ok(names)
}

/// Waits for Pending → Active (bounded), as a real account requires before invoking.
pub async fn wait_until_active(client: &Client, name: &str) -> Result<(), BoxError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let config = client.get_function_configuration().function_name(name).send().await?;
        let updating = config.last_update_status().is_some_and(|s| s.as_str() == "InProgress");
        if config.state() == Some(&State::Active) && !updating {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{name} did not become Active within 30 s (state {:?})", config.state()).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The handler name and a zip holding the demo handler for a runtime.
fn handler_package(runtime: &Runtime) -> Result<(&'static str, Vec<u8>), BoxError> {
    let (handler, file, source) = if runtime.as_str().starts_with("nodejs") {
        ("index.handler", "index.js", NODE_HANDLER)
    } else {
        ("app.handler", "app.py", PYTHON_HANDLER)
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(file, zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored))?;
    zip.write_all(source.as_bytes())?;
    Ok((handler, zip.finish()?.into_inner()))
}
