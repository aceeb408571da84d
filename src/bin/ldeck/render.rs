//! What `ldeck` prints: aligned tables, labelled details, JSON.

use std::io::Write;

use lambda_deck::functions::{FunctionDetails, FunctionSummary};
use lambda_deck::profiles::{CredentialSource, ProfileSummary};
use lambda_deck::{timestamps, Error};

pub fn describe_source(profile: &ProfileSummary) -> String {
    match profile.source {
        CredentialSource::Keyring => format!(
            "keys in the keyring, key id {}{}",
            profile.key_id_hint.as_deref().unwrap_or("…"),
            if profile.has_session_token { ", with session token" } else { "" }
        ),
        CredentialSource::AwsCli => {
            format!("AWS CLI profile {}", profile.aws_cli_profile.as_deref().unwrap_or(&profile.name))
        }
        CredentialSource::Environment => "the environment".to_string(),
    }
}

pub fn profile_table(profiles: &[ProfileSummary]) -> String {
    let rows: Vec<[String; 4]> = profiles
        .iter()
        .map(|p| {
            [
                p.name.clone(),
                p.region.clone().unwrap_or_else(|| "-".into()),
                p.endpoint_url.clone().unwrap_or_else(|| "-".into()),
                describe_source(p),
            ]
        })
        .collect();
    render_rows(["NAME", "REGION", "ENDPOINT", "CREDENTIALS"], &rows)
}

pub fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map(|s| s + "\n").map_err(|e| Error::Internal(e.to_string()))
}

pub fn write_stdout(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // `ldeck … | head` closes the pipe early: that is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(Error::Internal(format!("cannot write output: {err}"))),
    }
}

/// A plain aligned table: NAME, RUNTIME, MEMORY, TIMEOUT, LAST MODIFIED.
pub fn function_table(functions: &[FunctionSummary]) -> String {
    let rows: Vec<[String; 5]> = functions
        .iter()
        .map(|f| {
            [
                f.function_name.clone(),
                f.runtime.clone().unwrap_or_else(|| "-".into()),
                f.memory_size.map_or("-".into(), |m| format!("{m} MB")),
                f.timeout.map_or("-".into(), |t| format!("{t} s")),
                f.last_modified.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut out = render_rows(["NAME", "RUNTIME", "MEMORY", "TIMEOUT", "LAST MODIFIED"], &rows);
    out.push_str(&format!("{} functions\n", functions.len()));
    out
}

/// Left-aligned columns separated by two spaces, header first.
fn render_rows<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let header = header.map(str::to_string);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let line: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The details as labelled sections, each with its age.
pub fn function_details(details: &FunctionDetails) -> String {
    let mut out = String::new();
    let age = |fetched_at: &str| {
        timestamps::age_seconds(fetched_at).map_or_else(|| fetched_at.to_string(), timestamps::describe_age)
    };
    let mut line = |label: &str, value: String| out.push_str(&format!("  {label:<22}{value}\n"));
    let opt = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    if let Some(c) = &details.configuration {
        let f = &c.summary;
        line("Function", f.function_name.clone());
        line("(fetched)", age(&c.fetched_at));
        line("ARN", f.function_arn.clone());
        line("Description", opt(&f.description));
        line("Runtime", opt(&f.runtime));
        line("Handler", opt(&f.handler));
        line("Package type", opt(&f.package_type));
        line("Architectures", f.architectures.join(", "));
        line("Memory", f.memory_size.map_or("-".into(), |m| format!("{m} MB")));
        line("Timeout", f.timeout.map_or("-".into(), |t| format!("{t} s")));
        line("Ephemeral storage", c.ephemeral_storage_mb.map_or("-".into(), |m| format!("{m} MB")));
        line(
            "State",
            format!("{}{}", opt(&f.state), c.state_reason.as_ref().map_or(String::new(), |r| format!(" ({r})"))),
        );
        line(
            "Last update",
            format!(
                "{}{}",
                opt(&f.last_update_status),
                c.last_update_status_reason.as_ref().map_or(String::new(), |r| format!(" ({r})"))
            ),
        );
        line("Last modified", opt(&f.last_modified));
        line("Role", opt(&c.role));
        line("Reserved concurrency", c.reserved_concurrency.map_or("unreserved".into(), |n| n.to_string()));
        line("Environment", c.environment.iter().map(|v| format!("{}=…", v.name)).collect::<Vec<_>>().join(" "));
        line("Tags", c.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "));
        line("Layers", c.layers.iter().map(|l| l.arn.clone()).collect::<Vec<_>>().join(" "));
        line(
            "VPC",
            c.vpc.as_ref().map_or("-".into(), |v| {
                format!(
                    "{} subnets {} groups {}",
                    opt(&v.vpc_id),
                    v.subnet_ids.join(","),
                    v.security_group_ids.join(",")
                )
            }),
        );
        line(
            "Logging",
            c.logging.as_ref().map_or("-".into(), |l| format!("{} to {}", opt(&l.log_format), opt(&l.log_group))),
        );
    }
    if let Some(section) = &details.aliases {
        line("Aliases", format!("({})", age(&section.fetched_at)));
        for alias in &section.aliases {
            let weights: Vec<String> = alias
                .additional_version_weights
                .iter()
                .map(|w| format!("{}% to v{}", (w.weight * 100.0).round(), w.version))
                .collect();
            let routing = if weights.is_empty() { String::new() } else { format!(", {}", weights.join(", ")) };
            line("", format!("{} -> v{}{routing}", alias.name, opt(&alias.function_version)));
        }
    }
    if let Some(section) = &details.versions {
        let versions: Vec<&str> = section.versions.iter().map(|v| v.version.as_str()).collect();
        line("Versions", format!("{} ({})", versions.join(", "), age(&section.fetched_at)));
    }
    if let Some(section) = &details.event_source_mappings {
        line("Event sources", format!("{} ({})", section.mappings.len(), age(&section.fetched_at)));
        for mapping in &section.mappings {
            line("", format!("{} {}", opt(&mapping.event_source_arn), opt(&mapping.state)));
        }
    }
    for failed in &details.refresh_errors {
        line("Not refreshed", format!("{}: {}", failed.section, failed.error.message));
    }
    out
}

/// NAME, TYPE, QUALIFIER, UPDATED: a function's saved events.
pub fn event_table(events: &[lambda_deck::events::SavedEvent]) -> String {
    if events.is_empty() {
        return "No saved events.\n".to_string();
    }
    let width = events.iter().map(|e| e.name.chars().count()).max().unwrap_or(4).max(4);
    let mut out = format!("{:<width$}  {:<8}  {:<10}  UPDATED\n", "NAME", "TYPE", "QUALIFIER");
    for event in events {
        out.push_str(&format!(
            "{:<width$}  {:<8}  {:<10}  {}\n",
            event.name,
            event.invocation_kind.as_str(),
            event.qualifier.as_deref().unwrap_or("$LATEST"),
            event.updated_at
        ));
    }
    out
}

/// What `ldeck invoke` writes on stderr: the log tail (or the request's full log), the
/// function's error, then one line with the outcome, the figures and the cost.
pub fn invocation_summary(record: &lambda_deck::invoke::InvocationRecord) -> String {
    use lambda_deck::invoke::InvocationOutcome;
    let mut out = String::new();
    let lines = record.full_log.as_ref().filter(|lines| !lines.is_empty()).unwrap_or(&record.log_tail);
    for line in lines {
        out.push_str(&line.message);
        out.push('\n');
    }
    if let Some(error) = &record.function_error {
        out.push_str(&format!(
            "ldeck: function error ({}): {}: {}\n",
            error.kind,
            error.error_type.as_deref().unwrap_or("error"),
            error.error_message.as_deref().unwrap_or("")
        ));
        for frame in &error.stack_trace {
            out.push_str(&format!("    {}\n", frame.trim_end()));
        }
    }
    for note in &record.notes {
        out.push_str(&format!("ldeck: note: {note}\n"));
    }
    let outcome = match record.outcome {
        InvocationOutcome::Succeeded => "succeeded".to_string(),
        InvocationOutcome::FunctionError => "failed".to_string(),
        InvocationOutcome::Queued => "queued (Event, 202)".to_string(),
        InvocationOutcome::DryRunPassed => "dry run passed (204)".to_string(),
        InvocationOutcome::CallFailed => {
            let message = record.failure.as_ref().map(|f| f.message.as_str()).unwrap_or("the call failed");
            return format!("{out}ldeck: error: {message}\n");
        }
    };
    let mut parts = vec![format!("ldeck: {} {outcome}", record.function_name)];
    if let Some(version) = &record.executed_version {
        parts.push(format!("version {version}"));
    }
    if let Some(report) = &record.report {
        let mut figures = format!(
            "{:.2} ms (billed {} ms), {} of {} MB",
            report.duration_ms, report.billed_duration_ms, report.max_memory_used_mb, report.memory_size_mb
        );
        if let Some(init) = report.init_duration_ms {
            figures.push_str(&format!(", cold start: init {init:.2} ms"));
        }
        parts.push(figures);
    }
    if let Some(cost) = &record.cost {
        parts.push(format!("≈ ${:.10} (estimate, {} prices of {})", cost.total_usd, cost.priced_as_region, cost.as_of));
    }
    format!("{out}{}\n", parts.join(" · "))
}

/// What a secret (an environment value) shows as unless revealed.
pub const MASK: &str = "••••••";

/// A function's editable settings, one per line, with its revision.
pub fn editable_config(
    function: &str,
    config: &lambda_deck::config::EditableConfig,
    revision: Option<&str>,
    reveal: bool,
) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: String| out.push_str(&format!("  {label:<24}{value}\n"));
    let opt = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    line("Function", function.to_string());
    line("Revision", revision.unwrap_or("-").to_string());
    line("Description", config.description.clone());
    line("Handler", opt(&config.handler));
    line("Runtime", opt(&config.runtime));
    line("Memory", format!("{} MB", config.memory_mb));
    line("Timeout", format!("{} s", config.timeout_seconds));
    line("Ephemeral storage", format!("{} MB", config.ephemeral_storage_mb));
    line("Tracing", config.tracing_mode.clone());
    let logging = &config.logging;
    line("Log format", logging.log_format.clone());
    line("Application log level", opt(&logging.application_log_level));
    line("System log level", opt(&logging.system_log_level));
    line("Log group", logging.log_group.clone());
    line("Reserved concurrency", config.reserved_concurrency.map_or("unreserved".into(), |n| n.to_string()));
    for variable in &config.environment {
        let value = if reveal { variable.value.clone() } else { MASK.to_string() };
        line("Environment", format!("{}={value}", variable.name));
    }
    for tag in &config.tags {
        line("Tag", format!("{}={}", tag.key, tag.value));
    }
    out
}

/// The diff of an edit: `label: old → new`, environment values masked unless revealed.
pub fn config_changes(changes: &[lambda_deck::config::FieldChange], reveal: bool) -> String {
    if changes.is_empty() {
        return "No changes.\n".to_string();
    }
    let shown = |secret: bool, value: &Option<String>| match value {
        None => "(not set)".to_string(),
        Some(_) if secret && !reveal => MASK.to_string(),
        Some(v) => v.clone(),
    };
    changes
        .iter()
        .map(|c| format!("  {}: {} → {}\n", c.label, shown(c.secret, &c.old), shown(c.secret, &c.new)))
        .collect()
}
