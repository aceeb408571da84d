//! Shareable test events: the ones the Lambda console, the SAM CLI (`sam remote test-event`)
//! and the VS Code toolkit all read and write.
//!
//! They live in the EventBridge Schemas registry `lambda-testevent-schemas`, one OpenAPI 3
//! schema per function named `_<function-name>-schema`, each event being
//! `components.examples.<event-name>.value` of the schema's content. What is written here
//! follows the SAM CLI (samcli/lib/shared_test_events/lambda_shared_test_event.py and
//! samcli/lib/schemas/schemas_api_caller.py): a new schema gets a generated
//! `components.schemas.Event`; an existing one is changed only in the one example added,
//! replaced or removed, so events written by other people and tools stay as they were.

use std::fmt::Debug;

use aws_sdk_schemas::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_schemas::operation::create_registry::CreateRegistryError;
use aws_sdk_schemas::operation::create_schema::CreateSchemaError;
use aws_sdk_schemas::operation::delete_schema::DeleteSchemaError;
use aws_sdk_schemas::operation::delete_schema_version::DeleteSchemaVersionError;
use aws_sdk_schemas::operation::describe_schema::DescribeSchemaError;
use aws_sdk_schemas::operation::list_schema_versions::ListSchemaVersionsError;
use aws_sdk_schemas::operation::update_schema::UpdateSchemaError;
use aws_sdk_schemas::types::Type;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::aws::AwsConnection;
use crate::functions::names::check_function_name;
use crate::Error;

/// The registry the console, SAM and the toolkit agree on.
pub const REGISTRY: &str = "lambda-testevent-schemas";
/// SAM's MAX_EVENT_SIZE: Lambda's 6 MB synchronous invocation payload limit.
pub const MAX_EVENT_BYTES: usize = 6_144_000;
/// SAM's MAX_SCHEMA_VERSIONS: every save makes a schema version; older ones are deleted.
const MAX_SCHEMA_VERSIONS: usize = 5;

/// One shareable test event of a function.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SharedEvent {
    pub name: String,
    /// The event, pretty printed.
    pub json: String,
}

/// The schema holding a function's shared events. An ARN names the same schema as the bare
/// name: SAM resolves ARNs to the function's name, and the qualifier plays no part.
pub fn schema_name(function_name: &str) -> Result<String, Error> {
    let reference = check_function_name(function_name)?;
    Ok(format!("_{}-schema", reference.name))
}

/// Every shared event of the function, sorted by name; none when the registry or the
/// function's schema does not exist.
pub async fn list_shared_events(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    function_name: &str,
) -> Result<Vec<SharedEvent>, Error> {
    let schema = schema_name(function_name)?;
    let Some(document) = describe(client, endpoint, &schema, Task::Read).await? else {
        return Ok(Vec::new());
    };
    let Some(examples) = document.get("components").and_then(|c| c.get("examples")).and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    // An example without an inline `value` (an OpenAPI `externalValue`) cannot be invoked.
    let mut events: Vec<SharedEvent> = examples
        .iter()
        .filter_map(|(name, example)| example.get("value").map(|value| shared_event(name, value)))
        .collect();
    events.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(events)
}

/// One shared event; `NotFound` naming it when the function has no event of that name.
pub async fn get_shared_event(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    function_name: &str,
    name: &str,
) -> Result<SharedEvent, Error> {
    let schema = schema_name(function_name)?;
    check_event_name(name)?;
    let document = describe(client, endpoint, &schema, Task::Read).await?;
    document
        .as_ref()
        .and_then(|d| d.get("components"))
        .and_then(|c| c.get("examples"))
        .and_then(|e| e.get(name))
        .and_then(|example| example.get("value"))
        .map(|value| shared_event(name, value))
        .ok_or_else(|| no_such_event(function_name, name))
}

/// Saves `json` as the shared event `name` of the function, creating the registry and the
/// schema when missing. An existing event of that name is replaced only with `overwrite`;
/// the other events of the function are left exactly as they were.
pub async fn publish_shared_event(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    function_name: &str,
    name: &str,
    json: &str,
    overwrite: bool,
) -> Result<(), Error> {
    let schema = schema_name(function_name)?;
    check_event_name(name)?;
    let event = parse_event(json)?;
    let Some(mut document) = describe(client, endpoint, &schema, Task::Publish).await? else {
        create_registry(client, endpoint).await?;
        let content = serde_json::to_string(&new_document(name, event)).map_err(internal)?;
        return match client
            .create_schema()
            .registry_name(REGISTRY)
            .schema_name(&schema)
            .r#type(Type::OpenApi3)
            .content(content)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) => Err(failure(err, endpoint, Task::Publish)),
        };
    };
    let examples = examples_mut(&mut document, &schema)?;
    match examples.get_mut(name) {
        Some(_) if !overwrite => {
            return Err(Error::InvalidInput(format!(
                "A shared test event named \"{name}\" already exists for function {function_name}: choose another name, or replace it."
            )))
        }
        // The same event again: UpdateSchema would refuse a content without changes.
        Some(example) if example.get("value") == Some(&event) => return Ok(()),
        // Replaced in place, keeping the example's position and any other fields it has.
        Some(Value::Object(example)) => {
            example.insert("value".to_string(), event);
        }
        _ => {
            examples.insert(name.to_string(), json!({ "value": event }));
        }
    }
    update(client, endpoint, &schema, &document, Task::Publish).await?;
    keep_recent_versions(client, endpoint, &schema, Task::PruneAfterPublish).await
}

/// Deletes the shared event `name`; the schema goes with the function's last event, as the
/// SAM CLI does.
pub async fn delete_shared_event(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    function_name: &str,
    name: &str,
) -> Result<(), Error> {
    let schema = schema_name(function_name)?;
    check_event_name(name)?;
    let Some(mut document) = describe(client, endpoint, &schema, Task::Delete).await? else {
        return Err(no_such_event(function_name, name));
    };
    let examples = examples_mut(&mut document, &schema)?;
    if !examples.contains_key(name) {
        return Err(no_such_event(function_name, name));
    }
    if examples.len() == 1 {
        return match client.delete_schema().registry_name(REGISTRY).schema_name(&schema).send().await {
            Ok(_) => Ok(()),
            // Deleted meanwhile: what was asked is done.
            Err(err) if not_found(&err) => Ok(()),
            Err(err) => Err(failure(err, endpoint, Task::Delete)),
        };
    }
    // `retain` keeps the order of the other events (`remove` would move the last one).
    examples.retain(|key, _| key != name);
    update(client, endpoint, &schema, &document, Task::Delete).await?;
    keep_recent_versions(client, endpoint, &schema, Task::PruneAfterDelete).await
}

/// [`list_shared_events`] on a connection.
pub async fn list(connection: &AwsConnection, function_name: &str) -> Result<Vec<SharedEvent>, Error> {
    let result = list_shared_events(&connection.schemas(), &connection.endpoint_label(), function_name).await;
    explained(connection, result).await
}

/// [`get_shared_event`] on a connection.
pub async fn get(connection: &AwsConnection, function_name: &str, name: &str) -> Result<SharedEvent, Error> {
    let result = get_shared_event(&connection.schemas(), &connection.endpoint_label(), function_name, name).await;
    explained(connection, result).await
}

/// [`publish_shared_event`] on a connection.
pub async fn publish(
    connection: &AwsConnection,
    function_name: &str,
    name: &str,
    json: &str,
    overwrite: bool,
) -> Result<(), Error> {
    let (client, endpoint) = (connection.schemas(), connection.endpoint_label());
    let result = publish_shared_event(&client, &endpoint, function_name, name, json, overwrite).await;
    explained(connection, result).await
}

/// [`delete_shared_event`] on a connection.
pub async fn delete(connection: &AwsConnection, function_name: &str, name: &str) -> Result<(), Error> {
    let result = delete_shared_event(&connection.schemas(), &connection.endpoint_label(), function_name, name).await;
    explained(connection, result).await
}

async fn explained<T>(connection: &AwsConnection, result: Result<T, Error>) -> Result<T, Error> {
    match result {
        Ok(value) => Ok(value),
        Err(err) => Err(connection.explain(err).await),
    }
}

/// Event names are checked as the SAM CLI checks them, and no further: `--name` must not be
/// empty (`not_empty_callback`, samcli/commands/remote/test_event/utils.py, used by
/// samcli/commands/remote/test_event/put/cli.py), and the VS Code toolkit hands the name to
/// SAM unchecked (packages/core/src/lambda/vue/remoteInvoke/remoteInvokeBackend.ts). The
/// console's own form rules (a 25-character limit is sometimes quoted) appear in no public
/// source, so they are not guessed at here.
fn check_event_name(name: &str) -> Result<(), Error> {
    if name.is_empty() {
        return Err(Error::InvalidInput("A shared test event needs a name.".into()));
    }
    Ok(())
}

/// Parses the event and measures it as it will be sent (compact), against SAM's limit.
fn parse_event(json: &str) -> Result<Value, Error> {
    let event: Value =
        serde_json::from_str(json).map_err(|e| Error::InvalidInput(format!("The event is not valid JSON: {e}.")))?;
    let size = serde_json::to_string(&event).map_err(internal)?.len();
    if size > MAX_EVENT_BYTES {
        return Err(Error::InvalidInput(format!(
            "The event is {size} bytes: a shared test event may have at most {MAX_EVENT_BYTES} bytes, Lambda's invocation payload limit."
        )));
    }
    Ok(event)
}

fn shared_event(name: &str, value: &Value) -> SharedEvent {
    // Serializing a `Value` cannot fail.
    SharedEvent { name: name.to_string(), json: serde_json::to_string_pretty(value).unwrap_or_default() }
}

fn no_such_event(function_name: &str, name: &str) -> Error {
    Error::NotFound(format!("Function {function_name} has no shared test event named \"{name}\"."))
}

fn internal(err: serde_json::Error) -> Error {
    Error::Internal(err.to_string())
}

/// The schema's content as JSON; `None` when the registry or the schema does not exist.
async fn describe(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    schema: &str,
    task: Task,
) -> Result<Option<Value>, Error> {
    match client.describe_schema().registry_name(REGISTRY).schema_name(schema).send().await {
        Ok(output) => {
            let content = output.content.unwrap_or_default();
            let document: Value = serde_json::from_str(&content).map_err(|e| unreadable(schema, &e.to_string()))?;
            if !document.is_object() {
                return Err(unreadable(schema, "its content is not a JSON object"));
            }
            Ok(Some(document))
        }
        Err(err) if not_found(&err) => Ok(None),
        Err(err) => Err(failure(err, endpoint, task)),
    }
}

/// The events of a schema to change. Like SAM, refuses a document without `components`
/// (the part the events live in) and adds `examples` when it is missing.
fn examples_mut<'a>(document: &'a mut Value, schema: &str) -> Result<&'a mut Map<String, Value>, Error> {
    let Some(components) = document.get_mut("components").and_then(Value::as_object_mut) else {
        return Err(unreadable(schema, "it has no components"));
    };
    components
        .entry("examples")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| unreadable(schema, "its examples are not an object"))
}

fn unreadable(schema: &str, detail: &str) -> Error {
    Error::Service(format!(
        "Schema {schema} of registry {REGISTRY} is not an OpenAPI document of test events ({detail}). Fix or delete it in the EventBridge console."
    ))
}

/// The document the console writes for a function's first event: an OpenAPI 3 schema of
/// the event (`components.schemas.Event`, which SAM gets from GetDiscoveredSchema) and the
/// event as its one example.
fn new_document(name: &str, event: Value) -> Value {
    let schema = event_schema(&event);
    let mut examples = Map::new();
    examples.insert(name.to_string(), json!({ "value": event }));
    json!({
        "openapi": "3.0.0",
        "info": { "version": "1.0.0", "title": "Event" },
        "paths": {},
        "components": { "schemas": { "Event": schema }, "examples": examples },
    })
}

/// A schema of the event's top-level keys and their types, as the console writes it.
fn event_schema(event: &Value) -> Value {
    let Value::Object(fields) = event else { return type_of(event) };
    let properties: Map<String, Value> = fields.iter().map(|(key, value)| (key.clone(), type_of(value))).collect();
    let required: Vec<&String> = fields.iter().filter(|(_, value)| !value.is_null()).map(|(key, _)| key).collect();
    let mut schema = json!({ "type": "object" });
    // OpenAPI 3.0 wants `required` non-empty when present.
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema["properties"] = Value::Object(properties);
    schema
}

fn type_of(value: &Value) -> Value {
    let name = match value {
        // OpenAPI 3.0 has no null type: any value fits.
        Value::Null => return json!({}),
        Value::Bool(_) => "boolean",
        // Not "integer": a later event of the same schema may carry a fraction.
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    json!({ "type": name })
}

/// Creates the registry on the first event of the account and region; one created meanwhile
/// (by someone else, or existing already) is just as good.
async fn create_registry(client: &aws_sdk_schemas::Client, endpoint: &str) -> Result<(), Error> {
    match client.create_registry().registry_name(REGISTRY).send().await {
        Ok(_) => Ok(()),
        Err(err) if err.as_service_error().is_some_and(CreateRegistryError::is_conflict_exception) => Ok(()),
        Err(err) if err.code() == Some("ConflictException") => Ok(()),
        Err(err) => Err(failure(err, endpoint, Task::Publish)),
    }
}

async fn update(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    schema: &str,
    document: &Value,
    task: Task,
) -> Result<(), Error> {
    let content = serde_json::to_string(document).map_err(internal)?;
    match client
        .update_schema()
        .registry_name(REGISTRY)
        .schema_name(schema)
        .r#type(Type::OpenApi3)
        .content(content)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(err) => Err(failure(err, endpoint, task)),
    }
}

/// Deletes the oldest versions of the schema beyond the newest five, as SAM does, so that
/// saves do not pile versions up. Versions are numbers ("1", "2", …) compared as numbers;
/// one that is not a number is left alone.
async fn keep_recent_versions(
    client: &aws_sdk_schemas::Client,
    endpoint: &str,
    schema: &str,
    task: Task,
) -> Result<(), Error> {
    let mut pages = client.list_schema_versions().registry_name(REGISTRY).schema_name(schema).into_paginator().send();
    let mut versions: Vec<(u64, String)> = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|err| failure(err, endpoint, task))?;
        versions.extend(
            page.schema_versions
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.schema_version)
                .filter_map(|v| v.parse::<u64>().ok().map(|number| (number, v))),
        );
    }
    versions.sort();
    let excess = versions.len().saturating_sub(MAX_SCHEMA_VERSIONS);
    for (_, version) in versions.into_iter().take(excess) {
        match client
            .delete_schema_version()
            .registry_name(REGISTRY)
            .schema_name(schema)
            .schema_version(&version)
            .send()
            .await
        {
            Ok(_) => {}
            // Deleted meanwhile (another save pruning at the same time).
            Err(err) if not_found(&err) => {}
            Err(err) => return Err(failure(err, endpoint, task)),
        }
    }
    Ok(())
}

/// What was being done when Schemas refused: it decides the permissions the message names.
#[derive(Debug, Clone, Copy)]
enum Task {
    Read,
    Publish,
    Delete,
    PruneAfterPublish,
    PruneAfterDelete,
}

impl Task {
    fn refused(self) -> Error {
        let needs = |permissions: &str| {
            format!(
                "Sharing test events needs EventBridge Schemas permissions ({permissions}) on registry {REGISTRY}; ask your administrator."
            )
        };
        let prune = format!(
            "to keep at most {MAX_SCHEMA_VERSIONS} versions of its schema, schemas:ListSchemaVersions and schemas:DeleteSchemaVersion are needed on registry"
        );
        Error::AccessDenied(match self {
            Task::Read => needs("schemas:DescribeSchema"),
            Task::Publish => needs(
                "schemas:DescribeSchema, schemas:CreateRegistry, schemas:CreateSchema, schemas:UpdateSchema, schemas:ListSchemaVersions and schemas:DeleteSchemaVersion",
            ),
            Task::Delete => needs(
                "schemas:DescribeSchema, schemas:UpdateSchema, schemas:DeleteSchema, schemas:ListSchemaVersions and schemas:DeleteSchemaVersion",
            ),
            Task::PruneAfterPublish => {
                format!("The event was saved, but {prune} {REGISTRY}; ask your administrator.")
            }
            Task::PruneAfterDelete => {
                format!("The event was deleted, but {prune} {REGISTRY}; ask your administrator.")
            }
        })
    }
}

/// The typed errors of the Schemas operations used here, asked for the two kinds this module
/// treats apart (modeled variants; the error code covers unmodeled ones).
trait SchemasError: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static {
    fn is_forbidden(&self) -> bool;
    fn is_not_found(&self) -> bool;
}

macro_rules! schemas_error {
    ($error:ty, forbidden: $($forbidden:ident)|+, not_found: $($not_found:ident)?) => {
        impl SchemasError for $error {
            fn is_forbidden(&self) -> bool {
                $(self.$forbidden())||+
            }
            fn is_not_found(&self) -> bool {
                false $(|| self.$not_found())?
            }
        }
    };
}

schemas_error!(DescribeSchemaError, forbidden: is_forbidden_exception | is_unauthorized_exception, not_found: is_not_found_exception);
schemas_error!(CreateRegistryError, forbidden: is_forbidden_exception | is_unauthorized_exception, not_found:);
schemas_error!(CreateSchemaError, forbidden: is_forbidden_exception, not_found:);
schemas_error!(UpdateSchemaError, forbidden: is_forbidden_exception, not_found: is_not_found_exception);
schemas_error!(DeleteSchemaError, forbidden: is_forbidden_exception | is_unauthorized_exception, not_found: is_not_found_exception);
schemas_error!(ListSchemaVersionsError, forbidden: is_forbidden_exception | is_unauthorized_exception, not_found: is_not_found_exception);
schemas_error!(DeleteSchemaVersionError, forbidden: is_forbidden_exception | is_unauthorized_exception, not_found: is_not_found_exception);

fn not_found<E: SchemasError, R>(err: &SdkError<E, R>) -> bool {
    err.as_service_error().is_some_and(E::is_not_found) || err.code() == Some("NotFoundException")
}

/// A refusal by Schemas is explained with the permissions needed; anything else is
/// classified like every AWS error.
fn failure<E, R>(err: SdkError<E, R>, endpoint: &str, task: Task) -> Error
where
    E: SchemasError,
    R: Debug + Send + Sync + 'static,
{
    let refused = err.as_service_error().is_some_and(E::is_forbidden)
        || matches!(
            err.code(),
            Some("ForbiddenException" | "UnauthorizedException" | "AccessDeniedException" | "AccessDenied")
        );
    if refused {
        task.refused()
    } else {
        Error::from_sdk(err, endpoint)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::ErrorCode;
    use aws_sdk_schemas::operation::create_registry::CreateRegistryOutput;
    use aws_sdk_schemas::operation::create_schema::CreateSchemaOutput;
    use aws_sdk_schemas::operation::delete_schema::DeleteSchemaOutput;
    use aws_sdk_schemas::operation::delete_schema_version::DeleteSchemaVersionOutput;
    use aws_sdk_schemas::operation::describe_schema::DescribeSchemaOutput;
    use aws_sdk_schemas::operation::list_schema_versions::ListSchemaVersionsOutput;
    use aws_sdk_schemas::operation::update_schema::UpdateSchemaOutput;
    use aws_sdk_schemas::types::error::{ConflictException, ForbiddenException, NotFoundException};
    use aws_sdk_schemas::types::SchemaVersionSummary;
    use aws_sdk_schemas::Client;
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};

    const FUNCTION: &str = "payments-api";
    const SCHEMA: &str = "_payments-api-schema";

    /// What the Lambda console writes for a function with two shareable events (keys in the
    /// order the console writes them, not sorted).
    const CONSOLE_DOCUMENT: &str = r#"{
  "openapi": "3.0.0",
  "info": {
    "version": "1.0.0",
    "title": "Event"
  },
  "paths": {},
  "components": {
    "schemas": {
      "Event": {
        "type": "object",
        "required": ["orderId", "amount", "customer"],
        "properties": {
          "orderId": { "type": "string" },
          "amount": { "type": "number" },
          "customer": { "type": "object" }
        }
      }
    },
    "examples": {
      "order-created": {
        "value": {
          "orderId": "o-1001",
          "amount": 42.5,
          "customer": { "id": "c-7", "name": "Zoë", "tier": "gold" },
          "items": [{ "sku": "B-2", "qty": 3 }, { "sku": "A-1", "qty": 1 }]
        }
      },
      "hello-world": {
        "value": {
          "key3": "value3",
          "key1": "value1",
          "key2": "value2"
        }
      }
    }
  }
}"#;

    /// What SAM (and the console) leave behind for a function with one event.
    const ONE_EVENT_DOCUMENT: &str = r#"{"openapi": "3.0.0", "info": {"version": "1.0.0", "title": "Event"}, "paths": {}, "components": {"schemas": {"Event": {"type": "object", "required": ["key1"], "properties": {"key1": {"type": "string"}}}}, "examples": {"only-one": {"value": {"key1": "value1"}}}}}"#;

    fn describe_returning(content: &'static str) -> Rule {
        mock!(Client::describe_schema)
            .match_requests(|req| req.registry_name() == Some(REGISTRY) && req.schema_name() == Some(SCHEMA))
            .then_output(move || {
                DescribeSchemaOutput::builder().schema_name(SCHEMA).schema_version("3").content(content).build()
            })
    }

    fn describe_not_found() -> Rule {
        mock!(Client::describe_schema).then_error(|| {
            DescribeSchemaError::NotFoundException(
                NotFoundException::builder().code("NotFoundException").message("Schema not found.").build(),
            )
        })
    }

    /// An UpdateSchema rule that keeps the content it was sent.
    fn update_capturing() -> (Rule, Arc<Mutex<Option<String>>>) {
        let sent = Arc::new(Mutex::new(None));
        let captured = Arc::clone(&sent);
        let rule = mock!(Client::update_schema)
            .match_requests(move |req| {
                let ours = req.registry_name() == Some(REGISTRY)
                    && req.schema_name() == Some(SCHEMA)
                    && req.r#type() == Some(&Type::OpenApi3);
                *captured.lock().unwrap() = req.content().map(str::to_string);
                ours
            })
            .then_output(|| UpdateSchemaOutput::builder().schema_version("4").build());
        (rule, sent)
    }

    fn versions(numbers: &'static [&'static str]) -> Rule {
        mock!(Client::list_schema_versions).then_output(move || {
            let mut output = ListSchemaVersionsOutput::builder();
            for number in numbers {
                output = output.schema_versions(
                    SchemaVersionSummary::builder().schema_name(SCHEMA).schema_version(*number).build(),
                );
            }
            output.build()
        })
    }

    fn no_calls() -> Client {
        // Any request panics: no rule matches it.
        mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [] as [&Rule; 0])
    }

    fn parsed(content: &str) -> Value {
        serde_json::from_str(content).unwrap()
    }

    fn example<'a>(document: &'a Value, name: &str) -> &'a Value {
        &document["components"]["examples"][name]
    }

    #[tokio::test]
    async fn lists_the_events_of_a_console_schema_sorted_by_name() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        let events = list_shared_events(&client, "test", FUNCTION).await.unwrap();

        let names: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["hello-world", "order-created"]);
        assert_eq!(events[0].json, "{\n  \"key3\": \"value3\",\n  \"key1\": \"value1\",\n  \"key2\": \"value2\"\n}");
        assert_eq!(parsed(&events[1].json), example(&parsed(CONSOLE_DOCUMENT), "order-created")["value"]);
    }

    #[tokio::test]
    async fn a_missing_registry_or_schema_lists_no_events() {
        let describe = describe_not_found();
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        assert!(list_shared_events(&client, "test", FUNCTION).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_arn_names_the_same_schema_as_the_function_name() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:payments-api:live";
        assert_eq!(list_shared_events(&client, "test", arn).await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn gets_one_event_or_names_the_missing_one() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        let event = get_shared_event(&client, "test", FUNCTION, "hello-world").await.unwrap();
        assert_eq!(event.name, "hello-world");
        assert_eq!(parsed(&event.json), json!({ "key1": "value1", "key2": "value2", "key3": "value3" }));

        let err = get_shared_event(&client, "test", FUNCTION, "nope").await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }

    #[tokio::test]
    async fn publishing_adds_the_event_and_keeps_the_others_as_written() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let (update, sent) = update_capturing();
        let list = versions(&["1", "2", "3", "4"]);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &update, &list]);

        publish_shared_event(
            &client,
            "test",
            FUNCTION,
            "refund",
            "{ \"orderId\": \"o-1001\", \"refund\": true }",
            false,
        )
        .await
        .unwrap();

        assert_eq!(update.num_calls(), 1);
        let before = parsed(CONSOLE_DOCUMENT);
        let after = parsed(sent.lock().unwrap().as_deref().unwrap());
        for name in ["order-created", "hello-world"] {
            assert_eq!(example(&after, name), example(&before, name), "{name} untouched");
            // Key order too: the console shows events as they were written.
            assert_eq!(
                serde_json::to_string(example(&after, name)).unwrap(),
                serde_json::to_string(example(&before, name)).unwrap()
            );
        }
        assert_eq!(example(&after, "refund")["value"], json!({ "orderId": "o-1001", "refund": true }));
        // The rest of the console's document is kept as it was, the generated schema included.
        assert_eq!(after["components"]["schemas"], before["components"]["schemas"]);
        assert_eq!(
            (&after["openapi"], &after["info"], &after["paths"]),
            (&before["openapi"], &before["info"], &before["paths"])
        );
        let names: Vec<&String> = after["components"]["examples"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["order-created", "hello-world", "refund"]);
    }

    #[tokio::test]
    async fn publishing_an_existing_name_is_refused_without_overwrite_and_nothing_is_written() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        // No UpdateSchema rule: an update would panic.
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        let err = publish_shared_event(&client, "test", FUNCTION, "hello-world", "{}", false).await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("\"hello-world\" already exists"), "{err}");
        assert_eq!(describe.num_calls(), 1);
    }

    #[tokio::test]
    async fn overwriting_replaces_the_event_in_place() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let (update, sent) = update_capturing();
        let list = versions(&["1", "2", "3"]);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &update, &list]);

        publish_shared_event(&client, "test", FUNCTION, "order-created", "{\"orderId\": \"o-2\"}", true).await.unwrap();

        let after = parsed(sent.lock().unwrap().as_deref().unwrap());
        assert_eq!(example(&after, "order-created"), &json!({ "value": { "orderId": "o-2" } }));
        assert_eq!(example(&after, "hello-world"), example(&parsed(CONSOLE_DOCUMENT), "hello-world"));
        let names: Vec<&String> = after["components"]["examples"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["order-created", "hello-world"]);
    }

    #[tokio::test]
    async fn publishing_the_first_event_creates_the_registry_and_the_schema() {
        let describe = describe_not_found();
        let registry = mock!(Client::create_registry)
            .match_requests(|req| req.registry_name() == Some(REGISTRY))
            .then_output(|| CreateRegistryOutput::builder().registry_name(REGISTRY).build());
        let sent = Arc::new(Mutex::new(None));
        let captured = Arc::clone(&sent);
        let create = mock!(Client::create_schema)
            .match_requests(move |req| {
                *captured.lock().unwrap() = req.content().map(str::to_string);
                req.registry_name() == Some(REGISTRY)
                    && req.schema_name() == Some(SCHEMA)
                    && req.r#type() == Some(&Type::OpenApi3)
            })
            .then_output(|| CreateSchemaOutput::builder().schema_version("1").build());
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &registry, &create]);

        let event = r#"{"orderId": "o-1", "amount": 3, "paid": false, "note": null, "items": []}"#;
        publish_shared_event(&client, "test", FUNCTION, "first", event, false).await.unwrap();

        assert_eq!((registry.num_calls(), create.num_calls()), (1, 1));
        let document = parsed(sent.lock().unwrap().as_deref().unwrap());
        assert_eq!(
            document,
            json!({
                "openapi": "3.0.0",
                "info": { "version": "1.0.0", "title": "Event" },
                "paths": {},
                "components": {
                    "schemas": { "Event": {
                        "type": "object",
                        "required": ["orderId", "amount", "paid", "items"],
                        "properties": {
                            "orderId": { "type": "string" },
                            "amount": { "type": "number" },
                            "paid": { "type": "boolean" },
                            "note": {},
                            "items": { "type": "array" }
                        }
                    } },
                    "examples": { "first": { "value": parsed(event) } }
                }
            })
        );
    }

    #[tokio::test]
    async fn a_registry_that_already_exists_is_not_an_error() {
        let describe = describe_not_found();
        let registry = mock!(Client::create_registry).then_error(|| {
            CreateRegistryError::ConflictException(
                ConflictException::builder().code("ConflictException").message("Registry already exists").build(),
            )
        });
        let create = mock!(Client::create_schema).then_output(|| CreateSchemaOutput::builder().build());
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &registry, &create]);

        publish_shared_event(&client, "test", FUNCTION, "first", "{}", false).await.unwrap();

        assert_eq!(create.num_calls(), 1);
    }

    #[tokio::test]
    async fn a_save_keeps_the_five_newest_schema_versions() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let (update, _) = update_capturing();
        // Unordered, and "10" sorts before "3" as text: the oldest are 3, 4 and 5.
        let list = versions(&["10", "3", "9", "4", "8", "5", "7", "6"]);
        let deleted = Arc::new(Mutex::new(Vec::new()));
        let captured = Arc::clone(&deleted);
        let delete_version = mock!(Client::delete_schema_version)
            .match_requests(move |req| {
                captured.lock().unwrap().push(req.schema_version().unwrap_or_default().to_string());
                req.registry_name() == Some(REGISTRY) && req.schema_name() == Some(SCHEMA)
            })
            .then_output(|| DeleteSchemaVersionOutput::builder().build());
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &update, &list, &delete_version]);

        publish_shared_event(&client, "test", FUNCTION, "refund", "{}", false).await.unwrap();

        assert_eq!(*deleted.lock().unwrap(), ["3", "4", "5"]);
    }

    #[tokio::test]
    async fn deleting_the_last_event_deletes_the_schema() {
        let describe = describe_returning(ONE_EVENT_DOCUMENT);
        let delete_schema = mock!(Client::delete_schema)
            .match_requests(|req| req.registry_name() == Some(REGISTRY) && req.schema_name() == Some(SCHEMA))
            .then_output(|| DeleteSchemaOutput::builder().build());
        // No UpdateSchema rule: the schema is not rewritten without events.
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &delete_schema]);

        delete_shared_event(&client, "test", FUNCTION, "only-one").await.unwrap();

        assert_eq!(delete_schema.num_calls(), 1);
    }

    #[tokio::test]
    async fn deleting_one_of_two_events_updates_the_schema() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let (update, sent) = update_capturing();
        let list = versions(&["1", "2"]);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe, &update, &list]);

        delete_shared_event(&client, "test", FUNCTION, "order-created").await.unwrap();

        let after = parsed(sent.lock().unwrap().as_deref().unwrap());
        let examples = after["components"]["examples"].as_object().unwrap();
        assert_eq!(examples.keys().collect::<Vec<_>>(), ["hello-world"]);
        assert_eq!(example(&after, "hello-world"), example(&parsed(CONSOLE_DOCUMENT), "hello-world"));
        assert_eq!(after["components"]["schemas"], parsed(CONSOLE_DOCUMENT)["components"]["schemas"]);
    }

    #[tokio::test]
    async fn deleting_a_missing_event_is_not_found() {
        let describe = describe_returning(CONSOLE_DOCUMENT);
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        let err = delete_shared_event(&client, "test", FUNCTION, "nope").await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::NotFound);
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }

    #[tokio::test]
    async fn forbidden_is_explained_with_the_permissions_needed() {
        let describe = mock!(Client::describe_schema).then_error(|| {
            DescribeSchemaError::ForbiddenException(ForbiddenException::builder().code("ForbiddenException").build())
        });
        let client = mock_client!(aws_sdk_schemas, RuleMode::MatchAny, [&describe]);

        let err = list_shared_events(&client, "test", FUNCTION).await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::AccessDenied);
        assert_eq!(
            err.to_string(),
            "Access denied: Sharing test events needs EventBridge Schemas permissions (schemas:DescribeSchema) on registry lambda-testevent-schemas; ask your administrator."
        );
    }

    #[tokio::test]
    async fn an_event_over_the_payload_limit_is_refused_before_any_call() {
        let client = no_calls();
        let event = format!("{{\"data\":\"{}\"}}", "x".repeat(MAX_EVENT_BYTES));

        let err = publish_shared_event(&client, "test", FUNCTION, "big", &event, true).await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.to_string().contains("6144000 bytes"), "{err}");
    }

    #[tokio::test]
    async fn bad_names_and_bad_json_are_refused_before_any_call() {
        let client = no_calls();

        let checks = [
            publish_shared_event(&client, "test", FUNCTION, "", "{}", false).await,
            publish_shared_event(&client, "test", FUNCTION, "ok", "{not json", false).await,
            publish_shared_event(&client, "test", "not a function!", "ok", "{}", false).await,
            delete_shared_event(&client, "test", FUNCTION, "").await,
        ];

        for result in checks {
            assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidInput);
        }
    }
}
