//! Custom endpoint URLs (LocalStack, MiniStack, VPC endpoints): checked before use, and
//! the Live Tail host fix-up they need.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::Error;

/// Rejects endpoint URLs that cannot work before anything is sent.
pub fn validate_endpoint_url(url: &str) -> Result<(), Error> {
    let invalid = |why: &str| Error::InvalidInput(format!("Invalid endpoint URL \"{url}\": {why}"));
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| invalid("it must start with http:// or https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(invalid("it has no host"));
    }
    if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
        if port.parse::<u16>().is_err() {
            return Err(invalid("the port is not a number from 0 to 65535"));
        }
    }
    if host.contains(char::is_whitespace) {
        return Err(invalid("it contains spaces"));
    }
    Ok(())
}

/// `host[:port]` of an http(s) URL.
pub(super) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())
}

/// StartLiveTail is modelled with the host prefix `stream-`, so the SDK sends it to
/// `stream-<endpoint host>`. With a custom endpoint (a local emulator on 127.0.0.1) that
/// host does not exist; this puts the configured host back before the request is signed.
/// See aws-facts.md (CloudWatch Logs) and local-aws.md.
#[derive(Debug)]
pub(super) struct StripLiveTailHostPrefix {
    pub(super) endpoint_host: String,
}

impl Intercept for StripLiveTailHostPrefix {
    fn name(&self) -> &'static str {
        "StripLiveTailHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let prefixed = format!("stream-{}", self.endpoint_host);
        if host_of(request.uri()) == Some(prefixed.as_str()) {
            let fixed = request.uri().replacen(&prefixed, &self.endpoint_host, 1);
            request.set_uri(fixed)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_are_validated_before_use() {
        assert!(validate_endpoint_url("http://127.0.0.1:4566").is_ok());
        assert!(validate_endpoint_url("https://lambda.eu-west-1.amazonaws.com/").is_ok());
        for bad in ["127.0.0.1:4566", "ftp://x", "http://", "http://host:port", "http://:80"] {
            let err = validate_endpoint_url(bad).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn host_of_keeps_the_port() {
        assert_eq!(host_of("http://127.0.0.1:4566/path"), Some("127.0.0.1:4566"));
        assert_eq!(host_of("https://example.com"), Some("example.com"));
        assert_eq!(host_of("no-scheme"), None);
    }
}
