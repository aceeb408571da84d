//! The rules checked before an edit is sent, each reported at its field.
//!
//! Every rule names the form field it belongs to (`memory_mb`, `env.2.name`,
//! `alias.name`, …) so the UI can put the message next to it, and says what is allowed.
//! Limits come from /work/shared/design/aws-facts.md ("Lambda control plane") or, where
//! that file is silent, from the Lambda API reference cited next to the number.

use super::types::{AliasEdit, ConfigCheck, EditableConfig, EnvVar, LoggingSettings, TagEntry};
use crate::{Error, FieldError};

/// Environment variables: 4 KB in total (aws-facts.md, "Lambda control plane").
pub const ENVIRONMENT_LIMIT_BYTES: u32 = 4096;

// aws-facts.md, "Lambda control plane": memory 128–10240 MB in 1 MB steps (the field is
// a whole number of MB, so any value in range is a valid step), timeout 1–900 s,
// ephemeral storage 512–10240 MB.
const MEMORY_MIN_MB: i32 = 128;
const MEMORY_MAX_MB: i32 = 10240;
const TIMEOUT_MIN_SECONDS: i32 = 1;
const TIMEOUT_MAX_SECONDS: i32 = 900;
const EPHEMERAL_MIN_MB: i32 = 512;
const EPHEMERAL_MAX_MB: i32 = 10240;

/// Lambda API reference (UpdateFunctionConfiguration, PublishVersion, CreateAlias):
/// Description is 0–256 characters.
const DESCRIPTION_MAX_CHARS: usize = 256;
/// Lambda API reference (UpdateFunctionConfiguration): Handler is at most 128
/// characters, pattern `[^\s]+`.
const HANDLER_MAX_CHARS: usize = 128;
/// Lambda API reference (LoggingConfig): LogGroup is 1–512 characters of
/// `[\.\-_/#A-Za-z0-9]`.
const LOG_GROUP_MAX_CHARS: usize = 512;
/// Lambda API reference (CreateAlias): Name is 1–128 characters.
const ALIAS_NAME_MAX_CHARS: usize = 128;
// AWS General Reference, "Tagging your AWS resources" (tag naming limits): at most 50
// tags a resource, keys 1–128 and values 0–256 Unicode characters, `aws:` reserved.
const TAG_KEY_MAX_CHARS: usize = 128;
const TAG_VALUE_MAX_CHARS: usize = 256;
const TAGS_MAX: usize = 50;

/// Keys Lambda defines in every execution environment and refuses in a function's own
/// environment (AWS Lambda docs, "Defined runtime environment variables"). Any
/// `AWS_LAMBDA_*` name is refused as well, but for [`UNRESERVED_AWS_LAMBDA_VARIABLES`].
const RESERVED_VARIABLES: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// `AWS_LAMBDA_*` names that users are meant to set: the wrapper script (AWS Lambda
/// docs, "Modifying the runtime environment") and .NET pre-JIT (AWS Lambda docs,
/// "Defined runtime environment variables", unreserved variables). Refusing them would
/// block documented setups.
const UNRESERVED_AWS_LAMBDA_VARIABLES: &[&str] = &["AWS_LAMBDA_EXEC_WRAPPER", "AWS_LAMBDA_DOTNET_PREJIT"];

/// Runtimes Lambda has deprecated (AWS Lambda docs, "Lambda runtimes", deprecated
/// runtimes table; nodejs18.x on 2025-09-01, python3.9 on 2025-12-15). Update this list
/// as runtimes reach their deprecation date: a deprecated runtime is a warning only.
const DEPRECATED_RUNTIMES: &[&str] = &[
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "nodejs",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "java8",
    "go1.x",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "dotnet6",
    "ruby2.5",
    "ruby2.7",
    "provided",
];

/// Checks every field; errors block applying, warnings don't.
pub fn check(config: &EditableConfig) -> ConfigCheck {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    if let Some(message) = description_error(&config.description) {
        errors.push(FieldError::new("description", message));
    }
    check_runtime_and_handler(config.runtime.as_deref(), config.handler.as_deref(), &mut errors, &mut warnings);
    if let Some(message) = range_error(config.memory_mb, MEMORY_MIN_MB, MEMORY_MAX_MB) {
        errors.push(FieldError::new("memory_mb", format!("Memory is 128 to 10,240 MB; {message}.")));
    }
    if !(TIMEOUT_MIN_SECONDS..=TIMEOUT_MAX_SECONDS).contains(&config.timeout_seconds) {
        errors.push(FieldError::new("timeout_seconds", "Timeout is 1 to 900 seconds."));
    }
    if let Some(message) = range_error(config.ephemeral_storage_mb, EPHEMERAL_MIN_MB, EPHEMERAL_MAX_MB) {
        errors.push(FieldError::new(
            "ephemeral_storage_mb",
            format!("Ephemeral storage is 512 to 10,240 MB; {message}."),
        ));
    }
    let environment_bytes = check_environment(&config.environment, &mut errors);
    if !matches!(config.tracing_mode.as_str(), "PassThrough" | "Active") {
        errors.push(FieldError::new("tracing_mode", "Tracing is PassThrough or Active."));
    }
    check_logging(&config.logging, &mut errors);
    check_tags(&config.tags, &mut errors);
    if config.reserved_concurrency.is_some_and(|n| n < 0) {
        // Lambda API reference (PutFunctionConcurrency): minimum 0. The maximum depends
        // on the account's quota, which Lambda checks.
        errors.push(FieldError::new("reserved_concurrency", "Reserved concurrency is 0 or more."));
    }

    ConfigCheck { errors, warnings, environment_bytes, environment_limit_bytes: ENVIRONMENT_LIMIT_BYTES }
}

/// `check`, as an error: Err(Error::InvalidFields(errors)) when any error.
pub fn validate(config: &EditableConfig) -> Result<(), Error> {
    into_result(check(config).errors)
}

/// Alias form checks (fields `alias.name`, `alias.function_version`,
/// `alias.additional_version`, `alias.additional_weight`, `alias.description`).
pub fn check_alias(alias: &AliasEdit) -> Result<(), Error> {
    let mut errors = Vec::new();
    if let Some(message) = alias_name_error(&alias.name) {
        errors.push(FieldError::new("alias.name", message));
    }
    // Lambda API reference (CreateAlias): FunctionVersion is `(\$LATEST|[0-9]+)`.
    if alias.function_version != "$LATEST" && !is_version_number(&alias.function_version) {
        errors.push(FieldError::new("alias.function_version", "The version is $LATEST or a version number, e.g. 3."));
    }
    // Lambda API reference (AliasRoutingConfiguration): AdditionalVersionWeights maps a
    // version `[0-9]+` to a weight from 0.0 to 1.0.
    match (&alias.additional_version, alias.additional_weight) {
        (None, None) => {}
        (None, Some(_)) => errors.push(FieldError::new(
            "alias.additional_version",
            "Choose the additional version that receives the weight.",
        )),
        (Some(version), weight) => {
            // Lambda routes between published versions only, the alias's own included
            // (Lambda developer guide, "Implement Lambda canary deployments using a weighted alias").
            if alias.function_version == "$LATEST" {
                errors.push(FieldError::new(
                    "alias.function_version",
                    "Weighted routing needs the alias on a published version, not $LATEST.",
                ));
            }
            if version == "$LATEST" {
                errors.push(FieldError::new(
                    "alias.additional_version",
                    "Weighted routing needs a published version, not $LATEST.",
                ));
            } else if !is_version_number(version) {
                errors.push(FieldError::new(
                    "alias.additional_version",
                    "The additional version is a version number, e.g. 2.",
                ));
            } else if *version == alias.function_version {
                errors.push(FieldError::new(
                    "alias.additional_version",
                    "The additional version must differ from the alias's version.",
                ));
            }
            match weight {
                None => errors.push(FieldError::new(
                    "alias.additional_weight",
                    "Give the additional version's share of traffic, from 0 to 1.",
                )),
                // `contains` is false for NaN, so NaN is refused here too.
                Some(weight) if !(0.0..=1.0).contains(&weight) => errors.push(FieldError::new(
                    "alias.additional_weight",
                    "The additional weight is a number from 0 to 1, e.g. 0.1.",
                )),
                Some(_) => {}
            }
        }
    }
    if let Some(message) = description_error(&alias.description) {
        errors.push(FieldError::new("alias.description", message));
    }
    into_result(errors)
}

/// Version description for PublishVersion (field `version.description`, at most 256
/// characters).
pub fn check_version_description(description: &str) -> Result<(), Error> {
    into_result(description_error(description).map(|m| FieldError::new("version.description", m)).into_iter().collect())
}

/// The environment's size as AWS counts it: bytes of all names and values.
pub fn environment_bytes(environment: &[EnvVar]) -> u32 {
    let bytes: usize = environment.iter().map(|v| v.name.len() + v.value.len()).sum();
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

fn into_result(errors: Vec<FieldError>) -> Result<(), Error> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidFields(errors))
    }
}

fn description_error(description: &str) -> Option<String> {
    let chars = description.chars().count();
    (chars > DESCRIPTION_MAX_CHARS).then(|| format!("The description is at most 256 characters; this one has {chars}."))
}

/// "64 is too little" / "20,000 is too much", or None when `value` is in range.
fn range_error(value: i32, min: i32, max: i32) -> Option<String> {
    if value < min {
        Some(format!("{} is too little", thousands(value)))
    } else if value > max {
        Some(format!("{} is too much", thousands(value)))
    } else {
        None
    }
}

// ---- Runtime and handler ----------------------------------------------------------

fn check_runtime_and_handler(
    runtime: Option<&str>,
    handler: Option<&str>,
    errors: &mut Vec<FieldError>,
    warnings: &mut Vec<FieldError>,
) {
    // A runtime the SDK does not know: the handler's shape cannot be checked either.
    let mut known_runtime = None;
    if let Some(runtime) = runtime {
        if aws_sdk_lambda::types::Runtime::values().contains(&runtime) {
            known_runtime = Some(runtime);
            if DEPRECATED_RUNTIMES.contains(&runtime) {
                warnings.push(FieldError::new(
                    "runtime",
                    format!("{runtime} is deprecated; consider {}.", newest_of_family(runtime)),
                ));
            }
        } else {
            errors.push(FieldError::new("runtime", unknown_runtime_message(runtime)));
        }
    }
    match handler {
        // Container images have neither; a zip function (with a runtime) needs both.
        None if runtime.is_some() => errors.push(FieldError::new("handler", "A zip function needs a handler.")),
        None => {}
        Some(handler) => {
            if let Some(message) = handler_error(handler, known_runtime) {
                errors.push(FieldError::new("handler", message));
            }
        }
    }
}

/// The suggested replacement for a deprecated runtime: the newest generally available
/// runtime of its family (AWS Lambda docs, "Lambda runtimes", supported runtimes table).
/// Go moved to the OS-only runtime.
fn newest_of_family(runtime: &str) -> &'static str {
    match runtime_family(runtime) {
        "python" => "python3.14",
        "nodejs" => "nodejs24.x",
        "java" => "java25",
        "dotnet" | "dotnetcore" => "dotnet10",
        "ruby" => "ruby3.4",
        _ => "provided.al2023",
    }
}

/// `python3.12` → `python`, `dotnetcore3.1` → `dotnetcore`, `go1.x` → `go`.
fn runtime_family(runtime: &str) -> &str {
    let end = runtime.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(runtime.len());
    &runtime[..end]
}

/// Names up to three current runtimes of the same family, newest last, so a typo like
/// `python3.99` shows what is there.
fn unknown_runtime_message(runtime: &str) -> String {
    let family = runtime_family(runtime);
    let mut close: Vec<&str> = aws_sdk_lambda::types::Runtime::values()
        .iter()
        .copied()
        .filter(|r| !family.is_empty() && runtime_family(r) == family && !DEPRECATED_RUNTIMES.contains(r))
        .collect();
    close.sort_by_key(|r| version_key(r));
    let close = &close[close.len().saturating_sub(3)..];
    match close {
        [] => format!("\"{runtime}\" is not a Lambda runtime."),
        [one] => format!("\"{runtime}\" is not a Lambda runtime; did you mean {one}?"),
        [rest @ .., last] => {
            format!("\"{runtime}\" is not a Lambda runtime; did you mean {} or {last}?", rest.join(", "))
        }
    }
}

/// The numbers in a runtime identifier, to order `python3.9` before `python3.10`.
fn version_key(runtime: &str) -> Vec<u32> {
    runtime.split(|c: char| !c.is_ascii_digit()).filter_map(|part| part.parse().ok()).collect()
}

fn handler_error(handler: &str, runtime: Option<&str>) -> Option<String> {
    if handler.is_empty() {
        return Some("A zip function needs a handler.".to_string());
    }
    let chars = handler.chars().count();
    if chars > HANDLER_MAX_CHARS {
        return Some(format!("The handler is at most 128 characters; this one has {chars}."));
    }
    if handler.chars().any(char::is_whitespace) {
        return Some("The handler cannot contain spaces.".to_string());
    }
    let (valid, message) = match runtime.map(runtime_family) {
        Some("python") => (is_file_dot_name(handler), "A Python handler is file.function, e.g. app.handler."),
        Some("nodejs") => (is_file_dot_name(handler), "A Node.js handler is file.export, e.g. index.handler."),
        Some("ruby") => (is_file_dot_name(handler), "A Ruby handler is file.method, e.g. function.handler."),
        Some("java") => (
            is_java_handler(handler),
            "A Java handler is package.Class::method or package.Class, e.g. example.Handler::handleRequest.",
        ),
        Some("dotnet" | "dotnetcore") => (
            is_dotnet_handler(handler),
            "A .NET handler is Assembly::Namespace.Class::Method, e.g. MyApp::MyApp.Function::Handler.",
        ),
        // provided*, go1.x, or a runtime that is not known: any non-empty text without
        // whitespace is what Lambda takes.
        _ => (true, ""),
    };
    (!valid).then(|| message.to_string())
}

/// `app.handler`, `src/app.handler`, `pkg.module.handler`, `dist/index.handler`: an
/// optional path of non-empty folders, then a file and a name joined by dots. Ruby's
/// `file.Module::Class.method` passes too (the `::` sits inside a segment).
fn is_file_dot_name(handler: &str) -> bool {
    let mut folders: Vec<&str> = handler.split('/').collect();
    let base = folders.pop().unwrap_or_default();
    let segments: Vec<&str> = base.split('.').collect();
    let name = segments.last().copied().unwrap_or_default();
    folders.iter().all(|f| !f.is_empty())
        && segments.len() >= 2
        && segments.iter().all(|s| !s.is_empty())
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
}

/// `example.Handler::handleRequest`, `example.Handler`, `Handler::handleRequest`;
/// nested classes use `$` (`example.Outer$Inner`).
fn is_java_handler(handler: &str) -> bool {
    let (class, method) = match handler.split_once("::") {
        Some((class, method)) => (class, Some(method)),
        None => (handler, None),
    };
    class.split('.').all(is_java_identifier) && method.is_none_or(is_java_identifier)
}

fn is_java_identifier(part: &str) -> bool {
    part.chars().next().is_some_and(|c| c.is_alphabetic() || matches!(c, '_' | '$'))
        && part.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '$'))
}

/// `Assembly::Namespace.Class::Method` (class library), or just the assembly's name for
/// an executable assembly (AWS Lambda docs, "Define Lambda function handler in C#").
fn is_dotnet_handler(handler: &str) -> bool {
    let parts: Vec<&str> = handler.split("::").collect();
    match parts.as_slice() {
        [assembly] => !assembly.is_empty(),
        [assembly, class, method] => {
            !assembly.is_empty() && !method.is_empty() && class.split('.').all(|part| !part.is_empty())
        }
        _ => false,
    }
}

// ---- Environment ------------------------------------------------------------------

/// Checks each row and the total; returns the total in bytes.
fn check_environment(environment: &[EnvVar], errors: &mut Vec<FieldError>) -> u32 {
    let mut seen: Vec<&str> = Vec::new();
    for (i, var) in environment.iter().enumerate() {
        // A row just added and not yet typed in: nothing will be sent for it.
        if var.name.is_empty() && var.value.is_empty() {
            continue;
        }
        let field = format!("env.{i}.name");
        let name = var.name.as_str();
        let message = if name.is_empty() {
            Some("Name the variable or remove the row.".to_string())
        } else if is_reserved_variable(name) {
            // Before the shape check: `_HANDLER` is better explained as reserved.
            Some(format!("{name} is reserved by Lambda and cannot be set."))
        } else if !is_variable_name(name) {
            Some("A variable name is a letter then letters, digits or _, at least 2 characters.".to_string())
        } else if seen.contains(&name) {
            Some(format!("{name} is already set above."))
        } else {
            None
        };
        if let Some(message) = message {
            errors.push(FieldError::new(&field, message));
        }
        seen.push(name);
    }
    let bytes = environment_bytes(environment);
    if bytes > ENVIRONMENT_LIMIT_BYTES {
        errors.push(FieldError::new(
            "environment",
            format!("The environment is {} bytes; Lambda allows 4,096 (4 KB) in total.", thousands(bytes)),
        ));
    }
    bytes
}

fn is_reserved_variable(name: &str) -> bool {
    RESERVED_VARIABLES.contains(&name)
        || (name.starts_with("AWS_LAMBDA_") && !UNRESERVED_AWS_LAMBDA_VARIABLES.contains(&name))
}

/// `[a-zA-Z]([a-zA-Z0-9_])+` (aws-facts.md, "Lambda control plane").
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ---- Logging ------------------------------------------------------------------------

fn check_logging(logging: &LoggingSettings, errors: &mut Vec<FieldError>) {
    // Lambda API reference (LoggingConfig): LogFormat is `Text` or `JSON`; the levels
    // take effect with JSON only.
    let format = logging.log_format.as_str();
    if !matches!(format, "Text" | "JSON") {
        errors.push(FieldError::new("logging.log_format", "The log format is Text or JSON."));
    }
    let levels = [
        (
            "logging.application_log_level",
            &logging.application_log_level,
            &["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"][..],
            "The application log level is TRACE, DEBUG, INFO, WARN, ERROR or FATAL.",
        ),
        (
            "logging.system_log_level",
            &logging.system_log_level,
            &["DEBUG", "INFO", "WARN"][..],
            "The system log level is DEBUG, INFO or WARN.",
        ),
    ];
    for (field, level, allowed, message) in levels {
        let Some(level) = level else { continue };
        if format == "Text" {
            errors.push(FieldError::new(field, "Log levels apply to the JSON format only."));
        } else if !allowed.contains(&level.as_str()) {
            errors.push(FieldError::new(field, message));
        }
    }

    let group = logging.log_group.as_str();
    let chars = group.chars().count();
    let message = if group.is_empty() {
        Some("Name a log group, e.g. /aws/lambda/my-function.".to_string())
    } else if chars > LOG_GROUP_MAX_CHARS {
        Some(format!("The log group is at most 512 characters; this one has {chars}."))
    } else {
        group
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | '#')))
            .map(|c| format!("A log group name may hold letters, digits and . - _ / # only; \"{c}\" is not allowed."))
    };
    if let Some(message) = message {
        errors.push(FieldError::new("logging.log_group", message));
    }
}

// ---- Tags ---------------------------------------------------------------------------

fn check_tags(tags: &[TagEntry], errors: &mut Vec<FieldError>) {
    let mut seen: Vec<&str> = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        // A row just added and not yet typed in: nothing will be sent for it.
        if tag.key.is_empty() && tag.value.is_empty() {
            continue;
        }
        let key = tag.key.as_str();
        let key_chars = key.chars().count();
        let message = if key.is_empty() {
            Some("Give the tag a key or remove the row.".to_string())
        } else if key_chars > TAG_KEY_MAX_CHARS {
            Some(format!("A tag key is at most 128 characters; this one has {key_chars}."))
        } else if key.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case("aws:")) {
            Some("Tag keys starting with aws: are reserved for AWS.".to_string())
        } else if let Some(c) = key.chars().find(|&c| !is_tag_char(c)) {
            Some(format!(
                "A tag key may hold letters, digits, spaces and _ . : / = + - @ only; \"{c}\" is not allowed."
            ))
        } else if seen.contains(&key) {
            Some(format!("The tag {key} is already set above."))
        } else {
            None
        };
        if let Some(message) = message {
            errors.push(FieldError::new(&format!("tags.{i}.key"), message));
        }
        seen.push(key);

        let value_chars = tag.value.chars().count();
        let message = if value_chars > TAG_VALUE_MAX_CHARS {
            Some(format!("A tag value is at most 256 characters; this one has {value_chars}."))
        } else {
            tag.value.chars().find(|&c| !is_tag_char(c)).map(|c| {
                format!(
                    "A tag value may hold letters, digits, spaces and _ . : / = + - @ only; \"{c}\" is not allowed."
                )
            })
        };
        if let Some(message) = message {
            errors.push(FieldError::new(&format!("tags.{i}.value"), message));
        }
    }
    let count = tags.iter().filter(|t| !(t.key.is_empty() && t.value.is_empty())).count();
    if count > TAGS_MAX {
        errors.push(FieldError::new("tags", format!("A function can have at most 50 tags; this edit has {count}.")));
    }
}

/// AWS tag characters: Unicode letters, digits and spaces, and `_ . : / = + - @`.
fn is_tag_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == ' ' || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

// ---- Aliases ------------------------------------------------------------------------

/// Lambda API reference (CreateAlias): Name is 1–128 characters of
/// `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`: not all digits, which would read as a version.
fn alias_name_error(name: &str) -> Option<String> {
    let chars = name.chars().count();
    if name.is_empty() {
        Some("An alias needs a name.".to_string())
    } else if chars > ALIAS_NAME_MAX_CHARS {
        Some(format!("An alias name is at most 128 characters; this one has {chars}."))
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
        Some("An alias name may hold letters, digits, - and _ only.".to_string())
    } else if is_version_number(name) {
        Some("An alias name cannot be only digits: that reads as a version.".to_string())
    } else {
        None
    }
}

fn is_version_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit())
}

/// `10240` → `10,240`, as the messages show numbers.
fn thousands(value: impl Into<i64>) -> String {
    let value: i64 = value.into();
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if value < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str, value: &str) -> EnvVar {
        EnvVar { name: name.to_string(), value: value.to_string() }
    }

    fn tag(key: &str, value: &str) -> TagEntry {
        TagEntry { key: key.to_string(), value: value.to_string() }
    }

    /// A valid zip function with every field set.
    fn valid() -> EditableConfig {
        EditableConfig {
            description: "Takes payments".to_string(),
            handler: Some("app.handler".to_string()),
            runtime: Some("python3.12".to_string()),
            memory_mb: 512,
            timeout_seconds: 30,
            ephemeral_storage_mb: 512,
            environment: vec![env("DB_URL", "postgres://db/payments"), env("LOG_LEVEL", "")],
            tracing_mode: "Active".to_string(),
            logging: LoggingSettings {
                log_format: "JSON".to_string(),
                application_log_level: Some("INFO".to_string()),
                system_log_level: Some("WARN".to_string()),
                log_group: "/aws/lambda/payments-api".to_string(),
            },
            tags: vec![tag("team", "payments"), tag("cost-center", "")],
            reserved_concurrency: Some(10),
        }
    }

    fn valid_alias() -> AliasEdit {
        AliasEdit {
            name: "live".to_string(),
            function_version: "3".to_string(),
            description: "Production".to_string(),
            additional_version: None,
            additional_weight: None,
        }
    }

    fn errors_of(config: &EditableConfig) -> Vec<(String, String)> {
        check(config).errors.into_iter().map(|e| (e.field, e.message)).collect()
    }

    fn alias_errors(alias: &AliasEdit) -> Vec<(String, String)> {
        match check_alias(alias) {
            Ok(()) => Vec::new(),
            Err(Error::InvalidFields(fields)) => fields.into_iter().map(|e| (e.field, e.message)).collect(),
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }

    type Mutation = Box<dyn Fn(&mut EditableConfig)>;

    /// Boxes a mutation of the valid config (the bound gives the closure its type).
    fn m(f: impl Fn(&mut EditableConfig) + 'static) -> Mutation {
        Box::new(f)
    }

    fn handler(runtime: &str, handler: &str) -> Mutation {
        let (runtime, handler) = (runtime.to_string(), handler.to_string());
        m(move |c| {
            c.runtime = Some(runtime.clone());
            c.handler = Some(handler.clone());
        })
    }

    #[test]
    fn a_valid_config_passes() {
        let result = check(&valid());
        assert_eq!(result.errors, vec![]);
        assert_eq!(result.warnings, vec![]);
        assert!(validate(&valid()).is_ok());
    }

    #[test]
    fn a_container_image_function_has_no_handler_or_runtime() {
        let mut config = valid();
        config.handler = None;
        config.runtime = None;
        assert_eq!(errors_of(&config), vec![]);
    }

    #[test]
    fn each_bad_value_is_reported_at_its_field() {
        let cases: Vec<(Mutation, &str, &str)> = vec![
            (
                m(|c| c.description = "d".repeat(257)),
                "description",
                "The description is at most 256 characters; this one has 257.",
            ),
            // Handler
            (m(|c| c.handler = None), "handler", "A zip function needs a handler."),
            (m(|c| c.handler = Some(String::new())), "handler", "A zip function needs a handler."),
            (
                m(|c| c.handler = Some(format!("{}.handler", "a".repeat(121)))),
                "handler",
                "The handler is at most 128 characters; this one has 129.",
            ),
            (m(|c| c.handler = Some("app. handler".into())), "handler", "The handler cannot contain spaces."),
            (handler("python3.12", "app"), "handler", "A Python handler is file.function, e.g. app.handler."),
            (handler("python3.12", "app."), "handler", "A Python handler is file.function, e.g. app.handler."),
            (handler("python3.12", "src/.handler"), "handler", "A Python handler is file.function, e.g. app.handler."),
            (handler("nodejs22.x", "index"), "handler", "A Node.js handler is file.export, e.g. index.handler."),
            (
                handler("nodejs22.x", "dist/index.handler()"),
                "handler",
                "A Node.js handler is file.export, e.g. index.handler.",
            ),
            (handler("ruby3.3", "function"), "handler", "A Ruby handler is file.method, e.g. function.handler."),
            (
                handler("java21", "example.Handler::"),
                "handler",
                "A Java handler is package.Class::method or package.Class, e.g. example.Handler::handleRequest.",
            ),
            (
                handler("java21", "example..Handler"),
                "handler",
                "A Java handler is package.Class::method or package.Class, e.g. example.Handler::handleRequest.",
            ),
            (
                handler("dotnet8", "MyApp::MyApp.Function"),
                "handler",
                "A .NET handler is Assembly::Namespace.Class::Method, e.g. MyApp::MyApp.Function::Handler.",
            ),
            (
                handler("dotnet8", "MyApp::MyApp..Function::Handler"),
                "handler",
                "A .NET handler is Assembly::Namespace.Class::Method, e.g. MyApp::MyApp.Function::Handler.",
            ),
            // Runtime
            (m(|c| c.runtime = Some("cobol85".into())), "runtime", "\"cobol85\" is not a Lambda runtime."),
            (m(|c| c.runtime = Some("Python3.12".into())), "runtime", "\"Python3.12\" is not a Lambda runtime."),
            // Sizes and durations
            (m(|c| c.memory_mb = 64), "memory_mb", "Memory is 128 to 10,240 MB; 64 is too little."),
            (m(|c| c.memory_mb = 10241), "memory_mb", "Memory is 128 to 10,240 MB; 10,241 is too much."),
            (m(|c| c.timeout_seconds = 0), "timeout_seconds", "Timeout is 1 to 900 seconds."),
            (m(|c| c.timeout_seconds = 901), "timeout_seconds", "Timeout is 1 to 900 seconds."),
            (
                m(|c| c.ephemeral_storage_mb = 511),
                "ephemeral_storage_mb",
                "Ephemeral storage is 512 to 10,240 MB; 511 is too little.",
            ),
            (
                m(|c| c.ephemeral_storage_mb = 20480),
                "ephemeral_storage_mb",
                "Ephemeral storage is 512 to 10,240 MB; 20,480 is too much.",
            ),
            // Environment
            (m(|c| c.environment.push(env("", "x"))), "env.2.name", "Name the variable or remove the row."),
            (
                m(|c| c.environment.push(env("X", "1"))),
                "env.2.name",
                "A variable name is a letter then letters, digits or _, at least 2 characters.",
            ),
            (
                m(|c| c.environment.push(env("1DB", "1"))),
                "env.2.name",
                "A variable name is a letter then letters, digits or _, at least 2 characters.",
            ),
            (
                m(|c| c.environment.push(env("DB-URL", "1"))),
                "env.2.name",
                "A variable name is a letter then letters, digits or _, at least 2 characters.",
            ),
            (
                m(|c| c.environment.push(env("AWS_REGION", "eu-west-1"))),
                "env.2.name",
                "AWS_REGION is reserved by Lambda and cannot be set.",
            ),
            (
                m(|c| c.environment.push(env("_HANDLER", "x.y"))),
                "env.2.name",
                "_HANDLER is reserved by Lambda and cannot be set.",
            ),
            (
                m(|c| c.environment.push(env("AWS_LAMBDA_FOO", "1"))),
                "env.2.name",
                "AWS_LAMBDA_FOO is reserved by Lambda and cannot be set.",
            ),
            (m(|c| c.environment.push(env("DB_URL", "other"))), "env.2.name", "DB_URL is already set above."),
            // Tracing and logging
            (m(|c| c.tracing_mode = "active".into()), "tracing_mode", "Tracing is PassThrough or Active."),
            (m(|c| c.logging.log_format = "Json".into()), "logging.log_format", "The log format is Text or JSON."),
            (
                m(|c| c.logging.application_log_level = Some("VERBOSE".into())),
                "logging.application_log_level",
                "The application log level is TRACE, DEBUG, INFO, WARN, ERROR or FATAL.",
            ),
            (
                m(|c| c.logging.system_log_level = Some("ERROR".into())),
                "logging.system_log_level",
                "The system log level is DEBUG, INFO or WARN.",
            ),
            (
                m(|c| {
                    c.logging.log_format = "Text".into();
                    c.logging.system_log_level = None;
                }),
                "logging.application_log_level",
                "Log levels apply to the JSON format only.",
            ),
            (
                m(|c| {
                    c.logging.log_format = "Text".into();
                    c.logging.application_log_level = None;
                }),
                "logging.system_log_level",
                "Log levels apply to the JSON format only.",
            ),
            (
                m(|c| c.logging.log_group = String::new()),
                "logging.log_group",
                "Name a log group, e.g. /aws/lambda/my-function.",
            ),
            (
                m(|c| c.logging.log_group = "g".repeat(513)),
                "logging.log_group",
                "The log group is at most 512 characters; this one has 513.",
            ),
            (
                m(|c| c.logging.log_group = "/aws/lambda/my function".into()),
                "logging.log_group",
                "A log group name may hold letters, digits and . - _ / # only; \" \" is not allowed.",
            ),
            // Tags
            (m(|c| c.tags.push(tag("", "x"))), "tags.2.key", "Give the tag a key or remove the row."),
            (
                m(|c| c.tags.push(tag(&"k".repeat(129), ""))),
                "tags.2.key",
                "A tag key is at most 128 characters; this one has 129.",
            ),
            (
                m(|c| c.tags.push(tag("aws:cloudformation:stack-name", "x"))),
                "tags.2.key",
                "Tag keys starting with aws: are reserved for AWS.",
            ),
            (
                m(|c| c.tags.push(tag("AWS:owner", "x"))),
                "tags.2.key",
                "Tag keys starting with aws: are reserved for AWS.",
            ),
            (
                m(|c| c.tags.push(tag("owner#1", "x"))),
                "tags.2.key",
                "A tag key may hold letters, digits, spaces and _ . : / = + - @ only; \"#\" is not allowed.",
            ),
            (m(|c| c.tags.push(tag("team", "other"))), "tags.2.key", "The tag team is already set above."),
            (
                m(|c| c.tags.push(tag("owner", &"v".repeat(257)))),
                "tags.2.value",
                "A tag value is at most 256 characters; this one has 257.",
            ),
            (
                m(|c| c.tags.push(tag("owner", "a&b"))),
                "tags.2.value",
                "A tag value may hold letters, digits, spaces and _ . : / = + - @ only; \"&\" is not allowed.",
            ),
            // Concurrency
            (m(|c| c.reserved_concurrency = Some(-1)), "reserved_concurrency", "Reserved concurrency is 0 or more."),
        ];
        assert!(cases.len() >= 30);
        for (mutate, field, message) in cases {
            let mut config = valid();
            mutate(&mut config);
            let errors = errors_of(&config);
            assert_eq!(errors, vec![(field.to_string(), message.to_string())], "expected {field}: {message}");
            // `validate` refuses the same config with the same field.
            match validate(&config) {
                Err(Error::InvalidFields(fields)) => assert_eq!(fields[0].field, field),
                other => panic!("{field}: expected InvalidFields, got {other:?}"),
            }
        }
    }

    #[test]
    fn handlers_of_each_runtime_family_are_accepted() {
        let cases = [
            ("python3.12", "app.handler"),
            ("python3.12", "src/app.handler"),
            ("python3.12", "pkg.module.handler"),
            ("nodejs22.x", "index.handler"),
            ("nodejs22.x", "dist/index.handler"),
            ("nodejs22.x", "index.$handler"),
            ("ruby3.3", "function.handler"),
            ("ruby3.3", "source.LambdaFunctions::Handler.process"),
            ("java21", "example.Handler::handleRequest"),
            ("java21", "example.Handler"),
            ("java21", "example.Outer$Inner::handle"),
            ("dotnet8", "MyApp::MyApp.Function::Handler"),
            ("dotnet8", "MyApp"),
            ("provided.al2023", "bootstrap"),
            ("provided.al2023", "anything-goes_here/ok"),
        ];
        for (runtime, h) in cases {
            let mut config = valid();
            handler(runtime, h)(&mut config);
            assert_eq!(errors_of(&config), vec![], "{runtime} {h}");
        }
    }

    #[test]
    fn an_unknown_runtime_suggests_close_ones_of_its_family() {
        let mut config = valid();
        config.runtime = Some("python3.99".into());
        let errors = errors_of(&config);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "runtime");
        let message = &errors[0].1;
        assert!(message.starts_with("\"python3.99\" is not a Lambda runtime; did you mean python3."), "{message}");
        // Deprecated ones are not suggested; the newest are.
        assert!(!message.contains("python3.8") && message.contains("python3.14"), "{message}");
    }

    #[test]
    fn a_deprecated_runtime_is_a_warning_not_an_error() {
        let mut config = valid();
        config.runtime = Some("python3.8".into());
        let result = check(&config);
        assert_eq!(result.errors, vec![]);
        assert_eq!(result.warnings, vec![FieldError::new("runtime", "python3.8 is deprecated; consider python3.14.")]);
        assert!(validate(&config).is_ok());

        config.runtime = Some("go1.x".into());
        config.handler = Some("main".into());
        assert_eq!(
            check(&config).warnings,
            vec![FieldError::new("runtime", "go1.x is deprecated; consider provided.al2023.")]
        );
        assert!(check(&config).errors.is_empty());
    }

    #[test]
    fn deprecated_runtimes_and_their_replacements_are_known_to_the_sdk() {
        let known = aws_sdk_lambda::types::Runtime::values();
        for runtime in DEPRECATED_RUNTIMES {
            assert!(known.contains(runtime), "{runtime} is not an SDK runtime");
            let replacement = newest_of_family(runtime);
            assert!(known.contains(&replacement), "{replacement}");
            assert!(!DEPRECATED_RUNTIMES.contains(&replacement), "{replacement} is deprecated");
        }
    }

    #[test]
    fn blank_rows_are_ignored() {
        let mut config = valid();
        config.environment.insert(1, env("", ""));
        config.environment.push(env("", ""));
        config.tags.insert(0, tag("", ""));
        config.tags.push(tag("", ""));
        assert_eq!(errors_of(&config), vec![]);
        // Rows keep their index: an error after a blank row names the row it is on.
        config.environment.push(env("DB_URL", "again"));
        assert_eq!(errors_of(&config), vec![("env.4.name".to_string(), "DB_URL is already set above.".to_string())]);
    }

    #[test]
    fn documented_aws_lambda_variables_may_be_set() {
        let mut config = valid();
        config.environment.push(env("AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrapper"));
        config.environment.push(env("AWS_LAMBDA_DOTNET_PREJIT", "Always"));
        assert_eq!(errors_of(&config), vec![]);
    }

    #[test]
    fn environment_bytes_counts_names_and_values() {
        assert_eq!(environment_bytes(&[]), 0);
        assert_eq!(environment_bytes(&[env("AB", "xyz"), env("CD", "")]), 7);
        // Bytes, not characters: "é" is two bytes in UTF-8.
        assert_eq!(environment_bytes(&[env("NAME", "é")]), 6);
        let result = check(&valid());
        assert_eq!(result.environment_bytes, environment_bytes(&valid().environment));
        assert_eq!(result.environment_limit_bytes, 4096);
    }

    #[test]
    fn the_environment_may_be_4096_bytes_but_not_4097() {
        let mut config = valid();
        // "BIG" plus 4093 bytes of value is exactly 4096 bytes.
        config.environment = vec![env("BIG", &"x".repeat(4093))];
        let result = check(&config);
        assert_eq!(result.environment_bytes, 4096);
        assert_eq!(result.errors, vec![]);

        config.environment = vec![env("BIG", &"x".repeat(4094))];
        let result = check(&config);
        assert_eq!(result.environment_bytes, 4097);
        assert_eq!(
            result.errors,
            vec![FieldError::new(
                "environment",
                "The environment is 4,097 bytes; Lambda allows 4,096 (4 KB) in total."
            )]
        );
    }

    #[test]
    fn fifty_tags_pass_and_fifty_one_fail() {
        let mut config = valid();
        config.tags = (0..50).map(|i| tag(&format!("key{i}"), "v")).collect();
        assert_eq!(errors_of(&config), vec![]);
        config.tags.push(tag("key50", "v"));
        assert_eq!(
            errors_of(&config),
            vec![("tags".to_string(), "A function can have at most 50 tags; this edit has 51.".to_string())]
        );
    }

    #[test]
    fn tags_take_unicode_letters_and_spaces() {
        let mut config = valid();
        config.tags = vec![tag("Équipe paiements", "Zürich/été @2024 a+b=c")];
        assert_eq!(errors_of(&config), vec![]);
    }

    #[test]
    fn text_logs_without_levels_pass() {
        let mut config = valid();
        config.logging.log_format = "Text".into();
        config.logging.application_log_level = None;
        config.logging.system_log_level = None;
        assert_eq!(errors_of(&config), vec![]);
    }

    #[test]
    fn zero_reserved_concurrency_passes() {
        let mut config = valid();
        config.reserved_concurrency = Some(0);
        assert_eq!(errors_of(&config), vec![]);
        config.reserved_concurrency = None;
        assert_eq!(errors_of(&config), vec![]);
    }

    #[test]
    fn valid_aliases_pass() {
        assert_eq!(alias_errors(&valid_alias()), vec![]);
        let mut alias = valid_alias();
        alias.function_version = "$LATEST".into();
        alias.name = "blue_green-2".into();
        assert_eq!(alias_errors(&alias), vec![]);
        let mut alias = valid_alias();
        alias.additional_version = Some("4".into());
        alias.additional_weight = Some(0.1);
        assert_eq!(alias_errors(&alias), vec![]);
        alias.additional_weight = Some(0.0);
        assert_eq!(alias_errors(&alias), vec![]);
        alias.additional_weight = Some(1.0);
        assert_eq!(alias_errors(&alias), vec![]);
    }

    #[test]
    fn bad_alias_values_are_reported_at_their_field() {
        type AliasMutation = Box<dyn Fn(&mut AliasEdit)>;
        fn am(f: impl Fn(&mut AliasEdit) + 'static) -> AliasMutation {
            Box::new(f)
        }
        let weighted = |version: &str, weight: Option<f64>| -> AliasMutation {
            let version = version.to_string();
            am(move |a| {
                a.additional_version = Some(version.clone());
                a.additional_weight = weight;
            })
        };
        let cases: Vec<(AliasMutation, &str, &str)> = vec![
            (am(|a| a.name = String::new()), "alias.name", "An alias needs a name."),
            (
                am(|a| a.name = "a".repeat(129)),
                "alias.name",
                "An alias name is at most 128 characters; this one has 129.",
            ),
            (am(|a| a.name = "live.v2".into()), "alias.name", "An alias name may hold letters, digits, - and _ only."),
            (
                am(|a| a.name = "42".into()),
                "alias.name",
                "An alias name cannot be only digits: that reads as a version.",
            ),
            (
                am(|a| a.function_version = "v3".into()),
                "alias.function_version",
                "The version is $LATEST or a version number, e.g. 3.",
            ),
            (
                am(|a| {
                    a.function_version = "$LATEST".into();
                    a.additional_version = Some("2".into());
                    a.additional_weight = Some(0.1);
                }),
                "alias.function_version",
                "Weighted routing needs the alias on a published version, not $LATEST.",
            ),
            (
                am(|a| a.function_version = String::new()),
                "alias.function_version",
                "The version is $LATEST or a version number, e.g. 3.",
            ),
            (
                weighted("$LATEST", Some(0.1)),
                "alias.additional_version",
                "Weighted routing needs a published version, not $LATEST.",
            ),
            (
                weighted("v4", Some(0.1)),
                "alias.additional_version",
                "The additional version is a version number, e.g. 2.",
            ),
            (
                weighted("3", Some(0.1)),
                "alias.additional_version",
                "The additional version must differ from the alias's version.",
            ),
            (
                weighted("4", None),
                "alias.additional_weight",
                "Give the additional version's share of traffic, from 0 to 1.",
            ),
            (
                weighted("4", Some(1.5)),
                "alias.additional_weight",
                "The additional weight is a number from 0 to 1, e.g. 0.1.",
            ),
            (
                weighted("4", Some(-0.1)),
                "alias.additional_weight",
                "The additional weight is a number from 0 to 1, e.g. 0.1.",
            ),
            (
                weighted("4", Some(f64::NAN)),
                "alias.additional_weight",
                "The additional weight is a number from 0 to 1, e.g. 0.1.",
            ),
            (
                am(|a| a.additional_weight = Some(0.2)),
                "alias.additional_version",
                "Choose the additional version that receives the weight.",
            ),
            (
                am(|a| a.description = "d".repeat(257)),
                "alias.description",
                "The description is at most 256 characters; this one has 257.",
            ),
        ];
        for (mutate, field, message) in cases {
            let mut alias = valid_alias();
            mutate(&mut alias);
            assert_eq!(
                alias_errors(&alias),
                vec![(field.to_string(), message.to_string())],
                "expected {field}: {message}"
            );
        }
    }

    #[test]
    fn version_descriptions_are_at_most_256_characters() {
        assert!(check_version_description("").is_ok());
        assert!(check_version_description(&"é".repeat(256)).is_ok());
        match check_version_description(&"d".repeat(257)) {
            Err(Error::InvalidFields(fields)) => assert_eq!(
                fields,
                vec![FieldError::new(
                    "version.description",
                    "The description is at most 256 characters; this one has 257."
                )]
            ),
            other => panic!("expected InvalidFields, got {other:?}"),
        }
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4096u32), "4,096");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-20480), "-20,480");
    }
}
