//! Converting the SDK's function configuration into the plain list row.

use aws_sdk_lambda::types::FunctionConfiguration;

use super::types::FunctionSummary;

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
            state: config.state.map(|s| s.as_str().to_string()),
            last_update_status: config.last_update_status.map(|s| s.as_str().to_string()),
            tags: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::Runtime;

    #[test]
    fn unknown_runtimes_are_kept_verbatim() {
        let config = FunctionConfiguration::builder().function_name("f").runtime(Runtime::from("python9.9")).build();
        assert_eq!(FunctionSummary::from(config).runtime.as_deref(), Some("python9.9"));
    }
}
