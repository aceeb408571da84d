//! The Invoke and InvokeWithResponseStream calls, and what they answer as plain data.

use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_sdk_lambda::operation::invoke::InvokeError;
use aws_sdk_lambda::operation::invoke_with_response_stream::InvokeWithResponseStreamError;
use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    InvocationType, InvokeWithResponseStreamResponseEvent, LogType, ResponseStreamingInvocationType,
};
use base64::Engine;
use serde::Serialize;

use super::request::CheckedRequest;
use crate::events::kind::InvocationKind;
use crate::Error;

/// What Lambda answered to one call (a function error is an answer, not an `Err`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CallAnswer {
    pub status_code: Option<i32>,
    pub function_error: Option<String>,
    pub executed_version: Option<String>,
    /// The request id AWS gave the call (x-amzn-RequestId).
    pub request_id: Option<String>,
    pub payload: Option<Vec<u8>>,
    /// The decoded 4 KB tail.
    pub log_tail: Option<String>,
    /// Set when the service refused the log tail and the call was repeated without it.
    pub tail_refused: bool,
    /// A streamed invocation's error, from its InvokeComplete event.
    pub stream_error: Option<(String, String)>,
}

/// A piece of a streamed response, pushed as it arrives.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StreamChunk {
    /// The chunk as text (UTF-8 sequences split across chunks are joined first).
    pub text: String,
    /// Bytes received so far.
    pub received_bytes: u32,
}

pub(crate) async fn run(
    client: &aws_sdk_lambda::Client,
    endpoint: &str,
    request: &CheckedRequest,
    on_chunk: &mut (dyn FnMut(StreamChunk) + Send),
) -> Result<CallAnswer, Error> {
    let with_tail = matches!(request.kind, InvocationKind::Request | InvocationKind::Stream);
    let first = attempt(client, endpoint, request, with_tail, on_chunk).await;
    match first {
        // Lambda Managed Instances refuse LogType=Tail (aws-facts.md, "Invoke"); like the
        // SAM CLI, invoke again without it and say so. The refusal carries no code of its
        // own (InvalidParameterValueException), so its message is what tells it apart.
        Err(Refusal::TailNotSupported) => {
            let mut answer = attempt(client, endpoint, request, false, on_chunk).await.map_err(Refusal::into_error)?;
            answer.tail_refused = true;
            Ok(answer)
        }
        other => other.map_err(Refusal::into_error),
    }
}

enum Refusal {
    TailNotSupported,
    Other(Error),
}

impl Refusal {
    fn into_error(self) -> Error {
        match self {
            Refusal::TailNotSupported => Error::Service("Tail logs are not supported.".into()),
            Refusal::Other(err) => err,
        }
    }
}

async fn attempt(
    client: &aws_sdk_lambda::Client,
    endpoint: &str,
    request: &CheckedRequest,
    with_tail: bool,
    on_chunk: &mut (dyn FnMut(StreamChunk) + Send),
) -> Result<CallAnswer, Refusal> {
    let log_type = if with_tail { LogType::Tail } else { LogType::None };
    if request.kind == InvocationKind::Stream {
        return stream(client, endpoint, request, log_type, on_chunk).await;
    }
    let invocation_type = match request.kind {
        InvocationKind::Event => InvocationType::Event,
        InvocationKind::DryRun => InvocationType::DryRun,
        InvocationKind::Request | InvocationKind::Stream => InvocationType::RequestResponse,
    };
    let output = client
        .invoke()
        .function_name(&request.function_name)
        .set_qualifier(request.qualifier.clone())
        .invocation_type(invocation_type)
        .log_type(log_type)
        .set_client_context(request.client_context.clone())
        .payload(Blob::new(request.payload.as_bytes()))
        .send()
        .await
        .map_err(|err| refusal(err, endpoint, request))?;
    Ok(CallAnswer {
        status_code: Some(output.status_code),
        function_error: output.function_error.clone(),
        executed_version: output.executed_version.clone(),
        request_id: output.request_id().map(str::to_string),
        payload: output.payload.as_ref().map(|blob| blob.as_ref().to_vec()),
        log_tail: output.log_result.as_deref().map(decode_tail),
        tail_refused: false,
        stream_error: None,
    })
}

async fn stream(
    client: &aws_sdk_lambda::Client,
    endpoint: &str,
    request: &CheckedRequest,
    log_type: LogType,
    on_chunk: &mut (dyn FnMut(StreamChunk) + Send),
) -> Result<CallAnswer, Refusal> {
    let mut output = client
        .invoke_with_response_stream()
        .function_name(&request.function_name)
        .set_qualifier(request.qualifier.clone())
        .invocation_type(ResponseStreamingInvocationType::RequestResponse)
        .log_type(log_type)
        .set_client_context(request.client_context.clone())
        .payload(Blob::new(request.payload.as_bytes()))
        .send()
        .await
        .map_err(|err| refusal(err, endpoint, request))?;
    let mut answer = CallAnswer {
        status_code: Some(output.status_code),
        executed_version: output.executed_version.clone(),
        request_id: output.request_id().map(str::to_string),
        ..CallAnswer::default()
    };
    let mut payload = Vec::new();
    let mut undecoded = Vec::new();
    loop {
        let event = output.event_stream.recv().await.map_err(|err| {
            Refusal::Other(Error::Network {
                endpoint: endpoint.to_string(),
                detail: format!(
                    "the response stream broke off: {}",
                    aws_smithy_types::error::display::DisplayErrorContext(&err)
                ),
            })
        })?;
        match event {
            Some(InvokeWithResponseStreamResponseEvent::PayloadChunk(chunk)) => {
                let bytes = chunk.payload.map(|b| b.into_inner()).unwrap_or_default();
                payload.extend_from_slice(&bytes);
                undecoded.extend_from_slice(&bytes);
                let text = take_complete_utf8(&mut undecoded);
                on_chunk(StreamChunk { text, received_bytes: payload.len() as u32 });
            }
            Some(InvokeWithResponseStreamResponseEvent::InvokeComplete(complete)) => {
                answer.log_tail = complete.log_result.as_deref().map(decode_tail);
                if let Some(code) = complete.error_code {
                    answer.function_error = Some("Unhandled".into());
                    answer.stream_error = Some((code, complete.error_details.unwrap_or_default()));
                }
                break;
            }
            Some(_) => {} // events added to the API later
            None => break,
        }
    }
    answer.payload = Some(payload);
    Ok(answer)
}

/// What the two Invoke operations' errors say, by their modelled exception types.
trait InvokeFailure: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static {
    /// Lambda Managed Instances refuse LogType=Tail with an InvalidParameterValueException
    /// that has no code of its own: its message is what tells it apart (as in the SAM CLI).
    fn tail_not_supported(&self) -> bool;
    fn function_missing(&self) -> bool;
    fn payload_too_large(&self) -> bool;
}

const TAIL_NOT_SUPPORTED: &str = "Tail logs are not supported";

/// The two operations' error enums have the same modelled exceptions.
macro_rules! invoke_failure {
    ($error:ident) => {
        impl InvokeFailure for $error {
            fn tail_not_supported(&self) -> bool {
                matches!(self, $error::InvalidParameterValueException(e) if e.message().is_some_and(|m| m.contains(TAIL_NOT_SUPPORTED)))
            }
            fn function_missing(&self) -> bool {
                self.is_resource_not_found_exception()
            }
            fn payload_too_large(&self) -> bool {
                self.is_request_too_large_exception()
            }
        }
    };
}

invoke_failure!(InvokeError);
invoke_failure!(InvokeWithResponseStreamError);

/// Classifies a failed call; exceptions a user can act on are said plainly.
fn refusal<E, R>(err: aws_sdk_lambda::error::SdkError<E, R>, endpoint: &str, request: &CheckedRequest) -> Refusal
where
    E: InvokeFailure,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match err.as_service_error() {
        Some(e) if e.tail_not_supported() => Refusal::TailNotSupported,
        Some(e) if e.function_missing() => Refusal::Other(Error::NotFound(match &request.qualifier {
            Some(q) => format!("There is no function \"{}\" with version or alias \"{q}\".", request.function_name),
            None => format!("There is no function named \"{}\".", request.function_name),
        })),
        Some(e) if e.payload_too_large() => Refusal::Other(Error::InvalidInput(format!(
            "AWS refused the payload as too large for a {} invocation.",
            request.kind.label()
        ))),
        _ => Refusal::Other(Error::from_sdk(err, endpoint)),
    }
}

/// The tail is base64 of the last 4 KB of the log, cut at any byte.
fn decode_tail(encoded: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Removes and returns the longest valid UTF-8 prefix of `buffer`, keeping an incomplete
/// trailing sequence for the next chunk (invalid bytes become U+FFFD).
fn take_complete_utf8(buffer: &mut Vec<u8>) -> String {
    let complete = match std::str::from_utf8(buffer) {
        Ok(_) => buffer.len(),
        Err(err) if err.error_len().is_none() => err.valid_up_to(),
        Err(_) => buffer.len(),
    };
    let rest = buffer.split_off(complete);
    let text = String::from_utf8_lossy(buffer).into_owned();
    *buffer = rest;
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::operation::invoke::InvokeOutput;
    use aws_sdk_lambda::types::error::{InvalidParameterValueException, ResourceNotFoundException};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn request() -> CheckedRequest {
        CheckedRequest {
            function_name: "managed-fn".into(),
            qualifier: None,
            kind: InvocationKind::Request,
            payload: "{}".into(),
            client_context: None,
        }
    }

    #[tokio::test]
    async fn a_function_that_refuses_the_log_tail_is_invoked_again_without_it() {
        // What Lambda Managed Instances answer to LogType=Tail (aws-facts.md, "Invoke").
        let refused = mock!(aws_sdk_lambda::Client::invoke)
            .match_requests(|r| r.log_type() == Some(&LogType::Tail))
            .then_error(|| {
                InvokeError::InvalidParameterValueException(
                    InvalidParameterValueException::builder()
                        .message("Tail logs are not supported for functions on Lambda Managed Instances")
                        .build(),
                )
            });
        let answered = mock!(aws_sdk_lambda::Client::invoke)
            .match_requests(|r| r.log_type() == Some(&LogType::None))
            .then_output(|| InvokeOutput::builder().status_code(200).payload(Blob::new("\"ok\"")).build());
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&refused, &answered]);
        let answer = run(&client, "test", &request(), &mut |_| {}).await.unwrap();
        assert!(answer.tail_refused);
        assert_eq!(answer.payload.as_deref(), Some(&b"\"ok\""[..]));
        assert_eq!(answer.log_tail, None);
        assert_eq!((refused.num_calls(), answered.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn other_refusals_are_not_retried_and_a_missing_function_is_named() {
        let missing = mock!(aws_sdk_lambda::Client::invoke).then_error(|| {
            InvokeError::ResourceNotFoundException(
                ResourceNotFoundException::builder().message("Function not found").build(),
            )
        });
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&missing]);
        let err = run(&client, "test", &request(), &mut |_| {}).await.unwrap_err();
        assert_eq!(err.to_string(), "There is no function named \"managed-fn\".");
        assert_eq!(missing.num_calls(), 1);
    }

    #[test]
    fn a_utf8_sequence_split_across_chunks_is_joined() {
        let mut buffer = "héllo".as_bytes()[..2].to_vec();
        assert_eq!(take_complete_utf8(&mut buffer), "h");
        buffer.extend_from_slice(&"héllo".as_bytes()[2..]);
        assert_eq!(take_complete_utf8(&mut buffer), "éllo");
        assert!(buffer.is_empty());
    }

    #[test]
    fn the_tail_is_decoded_even_when_cut_inside_a_character() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&"é line".as_bytes()[1..]);
        assert_eq!(decode_tail(&encoded), "\u{FFFD} line");
    }
}
