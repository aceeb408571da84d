//! Which log group holds a function's lines, and its ARN (Live Tail takes ARNs).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::aws::AwsConnection;
use crate::functions::names::check_function_name;
use crate::functions::FunctionDetails;
use crate::pacing::RateLimiter;
use crate::store::Store;
use crate::Error;

/// One function of a tail and where its lines are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TailTarget {
    pub function_name: String,
    pub log_group: String,
    /// `arn:<partition>:logs:<region>:<account>:log-group:<group>`, without the trailing
    /// `:*` that DescribeLogGroups adds: StartLiveTail refuses that form (aws-facts.md).
    pub log_group_arn: String,
}

impl TailTarget {
    /// The account the log group is in (the quota of log reads is per account and region).
    pub fn account(&self) -> &str {
        self.log_group_arn.split(':').nth(4).unwrap_or_default()
    }
}

/// The function's log group: LoggingConfig's when it names one, else the default.
pub fn log_group_of(function_name: &str, saved: Option<&FunctionDetails>) -> String {
    saved
        .and_then(|details| details.configuration.as_ref())
        .and_then(|configuration| configuration.logging.as_ref())
        .and_then(|logging| logging.log_group.clone())
        .filter(|group| !group.is_empty())
        .unwrap_or_else(|| format!("/aws/lambda/{function_name}"))
}

/// The log group's ARN in the function's partition, region and account (all three are in
/// the function's ARN: `arn:aws:lambda:us-east-1:123456789012:function:name`).
pub fn log_group_arn(function_arn: &str, log_group: &str) -> Option<String> {
    let parts: Vec<&str> = function_arn.splitn(7, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "lambda", region, account, "function", _] => {
            Some(format!("arn:{partition}:logs:{region}:{account}:log-group:{log_group}"))
        }
        _ => None,
    }
}

/// The functions named by the user, each with its log group: from the saved details when
/// they are there, else from GetFunctionConfiguration (one paced call per function).
/// Names are checked before any call; a name given twice is tailed once.
pub async fn resolve_targets(
    connection: &AwsConnection,
    store: &Arc<Store>,
    names: &[String],
) -> Result<Vec<TailTarget>, Error> {
    if names.is_empty() {
        return Err(Error::InvalidInput("Name at least one function to tail.".into()));
    }
    let mut checked: Vec<String> = Vec::new();
    for typed in names {
        let name = check_function_name(typed)?.name.to_owned();
        if !checked.contains(&name) {
            checked.push(name);
        }
    }
    if checked.len() > usize::from(u16::MAX) {
        return Err(Error::InvalidInput(format!("A tail can follow at most {} functions.", u16::MAX)));
    }
    let scope = connection.scope();
    let mut targets = Vec::with_capacity(checked.len());
    for name in checked {
        let saved = FunctionDetails::load_saved(store, &scope, &name).await.ok().flatten();
        let saved_arn = saved.as_ref().and_then(|d| d.configuration.as_ref()).map(|c| c.summary.function_arn.clone());
        // Details never opened (the list has no LoggingConfig): ask Lambda.
        let target = match saved_arn {
            Some(arn) => target_from(&name, &arn, log_group_of(&name, saved.as_ref()))?,
            None => fetch_target(connection, &name).await?,
        };
        targets.push(target);
    }
    Ok(targets)
}

fn target_from(name: &str, function_arn: &str, log_group: String) -> Result<TailTarget, Error> {
    let log_group_arn = log_group_arn(function_arn, &log_group)
        .ok_or_else(|| Error::Internal(format!("unreadable function ARN {function_arn}")))?;
    Ok(TailTarget { function_name: name.to_owned(), log_group, log_group_arn })
}

async fn fetch_target(connection: &AwsConnection, name: &str) -> Result<TailTarget, Error> {
    RateLimiter::for_scope(&connection.scope()).acquire().await;
    let answer = connection.lambda().get_function_configuration().function_name(name).send().await;
    let configuration = match answer {
        Ok(configuration) => configuration,
        Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
            let region = &connection.summary().region;
            return Err(Error::NotFound(format!("There is no function named \"{name}\" in {region}.")));
        }
        Err(err) => return Err(connection.explain(Error::from_sdk(err, &connection.endpoint_label())).await),
    };
    let log_group = configuration
        .logging_config()
        .and_then(|logging| logging.log_group())
        .filter(|group| !group.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("/aws/lambda/{name}"));
    let arn = configuration.function_arn().unwrap_or_default();
    target_from(name, arn, log_group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_group_arn_follows_the_function_arn() {
        assert_eq!(
            log_group_arn("arn:aws:lambda:eu-west-1:123456789012:function:orders", "/aws/lambda/orders").as_deref(),
            Some("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders")
        );
        assert_eq!(
            log_group_arn("arn:aws-cn:lambda:cn-north-1:1:function:f:live", "custom/group").as_deref(),
            Some("arn:aws-cn:logs:cn-north-1:1:log-group:custom/group")
        );
        assert_eq!(log_group_arn("not-an-arn", "/g"), None);
    }

    #[test]
    fn the_account_is_read_from_the_log_group_arn() {
        let target = TailTarget {
            function_name: "f".into(),
            log_group: "/aws/lambda/f".into(),
            log_group_arn: "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f".into(),
        };
        assert_eq!(target.account(), "000000000000");
    }
}
