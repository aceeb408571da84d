//! Publishing versions and creating, updating and deleting aliases (weighted ones too).
//! Lists come from the function's details (`functions::details`), which these calls
//! refresh afterwards so the saved details show the change.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_lambda::types::AliasRoutingConfiguration;
use tokio_util::sync::CancellationToken;

use super::lambda_error;
use super::types::AliasEdit;
use super::validate::{check_alias, check_version_description};
use crate::aws::AwsConnection;
use crate::functions::names::check_function_to_change;
use crate::functions::FunctionDetails;
use crate::functions::{AliasInfo, VersionInfo, VersionWeight};
use crate::pacing::RateLimiter;
use crate::store::Store;
use crate::Error;

/// PublishVersion: a new version from the function's current code and configuration.
pub async fn publish_version(
    connection: &AwsConnection,
    store: &Arc<Store>,
    function_name: &str,
    description: &str,
) -> Result<VersionInfo, Error> {
    connection.check_writable()?;
    check_function_to_change(function_name)?;
    check_version_description(description)?;
    RateLimiter::for_scope(&connection.scope()).acquire().await;
    let published = connection
        .lambda()
        .publish_version()
        .function_name(function_name)
        .description(description)
        .send()
        .await
        .map_err(|err| mapped(connection, err, function_name))?;
    refresh_saved(connection, store, function_name).await;
    Ok(VersionInfo {
        version: published.version.unwrap_or_default(),
        description: published.description,
        last_modified: published.last_modified,
        runtime: published.runtime.map(|r| r.as_str().to_string()),
        code_sha256: published.code_sha256,
    })
}

/// Points alias `alias.name` at its version (and weight), creating it when it does not
/// exist yet.
pub async fn set_alias(
    connection: &AwsConnection,
    store: &Arc<Store>,
    function_name: &str,
    alias: &AliasEdit,
) -> Result<AliasInfo, Error> {
    connection.check_writable()?;
    check_function_to_change(function_name)?;
    check_alias(alias)?;
    let client = connection.lambda();
    let pacer = RateLimiter::for_scope(&connection.scope());
    // An empty weight map clears a previous weighted routing on update.
    let weights: HashMap<String, f64> = match (&alias.additional_version, alias.additional_weight) {
        (Some(version), Some(weight)) => HashMap::from([(version.clone(), weight)]),
        _ => HashMap::new(),
    };
    let routing = AliasRoutingConfiguration::builder().set_additional_version_weights(Some(weights)).build();
    pacer.acquire().await;
    let updated = client
        .update_alias()
        .function_name(function_name)
        .name(&alias.name)
        .function_version(&alias.function_version)
        .description(&alias.description)
        .routing_config(routing.clone())
        .send()
        .await;
    let (name, version, description, routing) = match updated {
        Ok(out) => (out.name, out.function_version, out.description, out.routing_config),
        Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
            pacer.acquire().await;
            let created = client
                .create_alias()
                .function_name(function_name)
                .name(&alias.name)
                .function_version(&alias.function_version)
                .description(&alias.description)
                .routing_config(routing)
                .send()
                .await
                .map_err(|err| mapped(connection, err, function_name))?;
            (created.name, created.function_version, created.description, created.routing_config)
        }
        Err(err) => return Err(mapped(connection, err, function_name)),
    };
    refresh_saved(connection, store, function_name).await;
    let mut additional_version_weights: Vec<VersionWeight> = routing
        .and_then(|r| r.additional_version_weights)
        .unwrap_or_default()
        .into_iter()
        .map(|(version, weight)| VersionWeight { version, weight })
        .collect();
    additional_version_weights.sort_by(|a, b| a.version.cmp(&b.version));
    Ok(AliasInfo {
        name: name.unwrap_or_else(|| alias.name.clone()),
        function_version: version,
        description,
        additional_version_weights,
    })
}

/// DeleteAlias. Removing an alias that does not exist says so.
pub async fn remove_alias(
    connection: &AwsConnection,
    store: &Arc<Store>,
    function_name: &str,
    alias_name: &str,
) -> Result<(), Error> {
    connection.check_writable()?;
    check_function_to_change(function_name)?;
    check_alias(&AliasEdit {
        name: alias_name.to_string(),
        function_version: "$LATEST".to_string(),
        description: String::new(),
        additional_version: None,
        additional_weight: None,
    })?;
    RateLimiter::for_scope(&connection.scope()).acquire().await;
    connection.lambda().delete_alias().function_name(function_name).name(alias_name).send().await.map_err(|err| {
        if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) {
            Error::NotFound(format!(
                "Function \"{function_name}\" has no alias \"{alias_name}\" (or there is no such function)."
            ))
        } else {
            mapped(connection, err, function_name)
        }
    })?;
    refresh_saved(connection, store, function_name).await;
    Ok(())
}

/// Saves the function's details again after a change; a failure only leaves the older
/// saved copy, so it is not the change's error.
async fn refresh_saved(connection: &AwsConnection, store: &Arc<Store>, function_name: &str) {
    let _ = FunctionDetails::refresh(connection, store, function_name, &CancellationToken::new()).await;
}

fn mapped<E, R>(connection: &AwsConnection, err: aws_sdk_lambda::error::SdkError<E, R>, function_name: &str) -> Error
where
    E: aws_sdk_lambda::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    lambda_error(err, function_name, &connection.endpoint_label())
}
