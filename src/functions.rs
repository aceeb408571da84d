//! Lambda functions: listing (every page) and the plain summary the UI and CLI show.

use aws_sdk_lambda::types::FunctionConfiguration;
use serde::Serialize;

use crate::aws::AwsConnection;
use crate::Error;

/// One row of the function list. Values are as AWS returns them (`last_modified` is
/// Lambda's ISO-8601 string, `memory_size` in MB, `timeout` in seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionSummary {
    pub function_name: String,
    pub function_arn: String,
    /// `None` for container-image functions, which have no runtime.
    pub runtime: Option<String>,
    pub memory_size: Option<i32>,
    pub timeout: Option<i32>,
    pub last_modified: Option<String>,
    pub description: Option<String>,
    pub handler: Option<String>,
    pub package_type: Option<String>,
    pub architectures: Vec<String>,
}

impl From<FunctionConfiguration> for FunctionSummary {
    fn from(config: FunctionConfiguration) -> Self {
        FunctionSummary {
            function_name: config.function_name.unwrap_or_default(),
            function_arn: config.function_arn.unwrap_or_default(),
            // `as_str` keeps runtimes this SDK does not know yet (`Unknown` variants).
            runtime: config.runtime.map(|r| r.as_str().to_string()),
            memory_size: config.memory_size,
            timeout: config.timeout,
            last_modified: config.last_modified,
            description: config.description.filter(|d| !d.is_empty()),
            handler: config.handler,
            package_type: config.package_type.map(|p| p.as_str().to_string()),
            architectures: config.architectures.unwrap_or_default().iter().map(|a| a.as_str().to_string()).collect(),
        }
    }
}

/// Every function of the connection's account and region, across all pages
/// (ListFunctions returns at most 50 per page: aws-facts.md).
pub async fn list_functions(connection: &AwsConnection) -> Result<Vec<FunctionSummary>, Error> {
    match list_functions_with(&connection.lambda(), &connection.endpoint_label()).await {
        Ok(functions) => Ok(functions),
        Err(err) => Err(connection.explain(err).await),
    }
}

/// [`list_functions`] on a given client; `endpoint` names it in network errors.
pub async fn list_functions_with(
    client: &aws_sdk_lambda::Client,
    endpoint: &str,
) -> Result<Vec<FunctionSummary>, Error> {
    let mut pages = client.list_functions().max_items(50).into_paginator().send();
    let mut functions = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|err| {
            if err.as_service_error().is_some_and(|e| e.is_too_many_requests_exception()) {
                Error::Throttled("ListFunctions: too many requests".into())
            } else {
                Error::from_sdk(err, endpoint)
            }
        })?;
        functions.extend(page.functions.unwrap_or_default().into_iter().map(FunctionSummary::from));
    }
    Ok(functions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use aws_sdk_lambda::operation::list_functions::{ListFunctionsError, ListFunctionsOutput};
    use aws_sdk_lambda::types::error::TooManyRequestsException;
    use aws_sdk_lambda::types::{Architecture, Runtime};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn config(name: &str) -> FunctionConfiguration {
        FunctionConfiguration::builder()
            .function_name(name)
            .function_arn(format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"))
            .runtime(Runtime::Python312)
            .memory_size(256)
            .timeout(30)
            .architectures(Architecture::Arm64)
            .last_modified("2026-11-01T10:00:00.000+0000")
            .build()
    }

    #[tokio::test]
    async fn follows_next_marker_across_pages() {
        let first = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|req| req.marker().is_none())
            .then_output(|| {
                ListFunctionsOutput::builder().functions(config("a")).functions(config("b")).next_marker("m1").build()
            });
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|req| req.marker() == Some("m1"))
            .then_output(|| ListFunctionsOutput::builder().functions(config("c")).next_marker("m2").build());
        let last = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|req| req.marker() == Some("m2"))
            .then_output(|| ListFunctionsOutput::builder().functions(config("d")).build());
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&first, &second, &last]);

        let functions = list_functions_with(&client, "test").await.unwrap();

        let names: Vec<_> = functions.iter().map(|f| f.function_name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(functions[0].runtime.as_deref(), Some("python3.12"));
        assert_eq!(functions[0].architectures, ["arm64"]);
        assert_eq!(first.num_calls() + second.num_calls() + last.num_calls(), 3);
    }

    #[tokio::test]
    async fn throttling_is_reported_as_throttled() {
        let throttled = mock!(aws_sdk_lambda::Client::list_functions).then_error(|| {
            ListFunctionsError::TooManyRequestsException(
                TooManyRequestsException::builder().message("Rate exceeded").build(),
            )
        });
        let client = mock_client!(aws_sdk_lambda, [&throttled]);

        let err = list_functions_with(&client, "test").await.unwrap_err();

        assert_eq!(err.code(), ErrorCode::Throttled);
    }

    #[test]
    fn unknown_runtimes_are_kept_verbatim() {
        let config = FunctionConfiguration::builder().function_name("f").runtime(Runtime::from("python9.9")).build();
        assert_eq!(FunctionSummary::from(config).runtime.as_deref(), Some("python9.9"));
    }
}
