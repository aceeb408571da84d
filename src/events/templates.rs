//! Test-event templates: the events AWS services send to a function, filled in for the
//! user (region, account, function name, the current time in each source's format, fresh
//! request ids), to start a saved test event from — like the console's "Template" list
//! and `sam local generate-event`.
//!
//! Each template is JSON text with `{{placeholders}}` rather than a `serde_json::Value`:
//! without serde_json's `preserve_order` its maps sort their keys, and the point of a
//! template is that the fields a user edits (the body, the bucket and key, the message)
//! come first. Rendering substitutes JSON-escaped values, re-indents the text the way
//! `serde_json::to_string_pretty` does (2 spaces), and checks that it parses.
//!
//! Placeholders are the context's values (`{{region}}`, `{{account}}`,
//! `{{function_name}}`), its time (`{{iso_ms}}`, `{{epoch_ms}}`, …, see `Vars::new`),
//! payloads built for real (`{{kinesis_data}}`, `{{awslogs_data}}`), and ids generated
//! per render, `{{kind:label}}`: the same label gives the same id within one event (a
//! request id in a header and in the request context), a new render gives new ids.
//! Kinds: `uuid`, and a character set with a length: `hex32`, `HEX16`, `num56`,
//! `lower10`, `UPPER17`, `alnum15`.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_smithy_types::date_time::DateTime;
use base64::Engine;
use serde::Serialize;

use super::payload::{relayout, Layout};
use crate::Error;

/// What a template is filled with: where the function runs, and when "now" is.
#[derive(Debug, Clone)]
pub struct TemplateContext {
    pub region: String,
    pub account: String,
    pub now: SystemTime,
    pub function_name: String,
}

/// One entry of the template list the user picks from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateInfo {
    /// Kebab-case, stable: what [`render`] takes.
    pub id: String,
    pub title: String,
    /// The AWS service that sends this event ("API Gateway", "S3", …), to group by.
    pub source: String,
}

/// The templates, in the order the list shows them.
pub fn templates() -> Vec<TemplateInfo> {
    TEMPLATES
        .iter()
        .map(|t| TemplateInfo { id: t.id.to_string(), title: t.title.to_string(), source: t.source.to_string() })
        .collect()
}

/// The event of template `id`, filled with `context`, as pretty-printed JSON.
pub fn render(id: &str, context: &TemplateContext) -> Result<String, Error> {
    let template = TEMPLATES.iter().find(|t| t.id == id).ok_or_else(|| {
        let ids: Vec<&str> = TEMPLATES.iter().map(|t| t.id).collect();
        Error::InvalidInput(format!("Unknown template \"{id}\", one of: {}.", ids.join(", ")))
    })?;
    let mut vars = Vars::new(context);
    fill(template.json, &mut vars, Layout::Pretty)
        .map_err(|e| Error::Internal(format!("template \"{}\" does not render: {e}", template.id)))
}

struct Template {
    id: &'static str,
    title: &'static str,
    source: &'static str,
    json: &'static str,
}

const TEMPLATES: &[Template] = &[
    Template {
        id: "apigateway-rest-proxy",
        title: "API Gateway REST API (proxy integration)",
        source: "API Gateway",
        json: APIGATEWAY_REST_PROXY,
    },
    Template {
        id: "apigateway-http-v2",
        title: "API Gateway HTTP API (payload format 2.0)",
        source: "API Gateway",
        json: APIGATEWAY_HTTP_V2,
    },
    Template { id: "alb", title: "Application Load Balancer request", source: "Elastic Load Balancing", json: ALB },
    Template { id: "function-url", title: "Lambda function URL request", source: "Lambda", json: FUNCTION_URL },
    Template { id: "s3-put", title: "S3 object created (Put)", source: "S3", json: S3_PUT },
    Template { id: "s3-delete", title: "S3 object removed (Delete)", source: "S3", json: S3_DELETE },
    Template { id: "sqs", title: "SQS message", source: "SQS", json: SQS },
    Template { id: "sns", title: "SNS notification", source: "SNS", json: SNS },
    Template {
        id: "dynamodb-stream",
        title: "DynamoDB stream (INSERT and MODIFY)",
        source: "DynamoDB",
        json: DYNAMODB_STREAM,
    },
    Template { id: "kinesis", title: "Kinesis Data Streams record", source: "Kinesis", json: KINESIS },
    Template { id: "eventbridge", title: "EventBridge custom event", source: "EventBridge", json: EVENTBRIDGE },
    Template { id: "scheduled", title: "Scheduled event (EventBridge rule)", source: "EventBridge", json: SCHEDULED },
    Template {
        id: "cloudwatch-logs",
        title: "CloudWatch Logs subscription filter",
        source: "CloudWatch Logs",
        json: CLOUDWATCH_LOGS,
    },
    Template {
        id: "cognito-pre-signup",
        title: "Cognito user pool pre sign-up",
        source: "Cognito",
        json: COGNITO_PRE_SIGNUP,
    },
];

// The shapes follow the AWS documentation of each source (API Gateway "Lambda proxy
// integrations" and "HTTP API payload format", Lambda "function URL payloads", ELB
// "Lambda functions as targets", S3 "Event message structure", and Lambda's "Using
// Lambda with …" pages); key order puts what users change first.

/// REST API proxy integration: the 1.0 payload (no `version` field, as REST APIs send it).
const APIGATEWAY_REST_PROXY: &str = r#"{
  "body": "{\"orderId\": \"1234\", \"quantity\": 2}",
  "httpMethod": "POST",
  "path": "/orders/1234",
  "queryStringParameters": {"verbose": "true"},
  "headers": {
    "Accept": "application/json",
    "Content-Type": "application/json",
    "Host": "{{lower10:api}}.execute-api.{{region}}.amazonaws.com",
    "User-Agent": "curl/8.5.0",
    "X-Amzn-Trace-Id": "Root=1-{{epoch_hex}}-{{hex24:trace}}",
    "X-Forwarded-For": "203.0.113.10",
    "X-Forwarded-Port": "443",
    "X-Forwarded-Proto": "https"
  },
  "pathParameters": {"orderId": "1234"},
  "resource": "/orders/{orderId}",
  "multiValueQueryStringParameters": {"verbose": ["true"]},
  "multiValueHeaders": {
    "Accept": ["application/json"],
    "Content-Type": ["application/json"],
    "Host": ["{{lower10:api}}.execute-api.{{region}}.amazonaws.com"],
    "User-Agent": ["curl/8.5.0"],
    "X-Amzn-Trace-Id": ["Root=1-{{epoch_hex}}-{{hex24:trace}}"],
    "X-Forwarded-For": ["203.0.113.10"],
    "X-Forwarded-Port": ["443"],
    "X-Forwarded-Proto": ["https"]
  },
  "stageVariables": null,
  "requestContext": {
    "accountId": "{{account}}",
    "apiId": "{{lower10:api}}",
    "domainName": "{{lower10:api}}.execute-api.{{region}}.amazonaws.com",
    "domainPrefix": "{{lower10:api}}",
    "extendedRequestId": "{{alnum15:extended}}=",
    "httpMethod": "POST",
    "identity": {
      "accessKey": null,
      "accountId": null,
      "caller": null,
      "cognitoAuthenticationProvider": null,
      "cognitoAuthenticationType": null,
      "cognitoIdentityId": null,
      "cognitoIdentityPoolId": null,
      "principalOrgId": null,
      "sourceIp": "203.0.113.10",
      "user": null,
      "userAgent": "curl/8.5.0",
      "userArn": null
    },
    "path": "/prod/orders/1234",
    "protocol": "HTTP/1.1",
    "requestId": "{{uuid:request}}",
    "requestTime": "{{clf_time}}",
    "requestTimeEpoch": {{epoch_ms}},
    "resourceId": "{{lower6:resource}}",
    "resourcePath": "/orders/{orderId}",
    "stage": "prod"
  },
  "isBase64Encoded": false
}"#;

/// HTTP API, payload format 2.0: lower-case headers, `rawPath`, `cookies`, the method
/// under `requestContext.http`.
const APIGATEWAY_HTTP_V2: &str = r#"{
  "body": "{\"orderId\": \"1234\", \"quantity\": 2}",
  "rawPath": "/orders/1234",
  "rawQueryString": "verbose=true",
  "queryStringParameters": {"verbose": "true"},
  "headers": {
    "accept": "application/json",
    "content-type": "application/json",
    "host": "{{lower10:api}}.execute-api.{{region}}.amazonaws.com",
    "user-agent": "curl/8.5.0",
    "x-amzn-trace-id": "Root=1-{{epoch_hex}}-{{hex24:trace}}",
    "x-forwarded-for": "203.0.113.10",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https"
  },
  "cookies": ["theme=dark"],
  "pathParameters": {"orderId": "1234"},
  "routeKey": "POST /orders/{orderId}",
  "version": "2.0",
  "requestContext": {
    "http": {
      "method": "POST",
      "path": "/orders/1234",
      "protocol": "HTTP/1.1",
      "sourceIp": "203.0.113.10",
      "userAgent": "curl/8.5.0"
    },
    "accountId": "{{account}}",
    "apiId": "{{lower10:api}}",
    "domainName": "{{lower10:api}}.execute-api.{{region}}.amazonaws.com",
    "domainPrefix": "{{lower10:api}}",
    "requestId": "{{alnum15:request}}=",
    "routeKey": "POST /orders/{orderId}",
    "stage": "$default",
    "time": "{{clf_time}}",
    "timeEpoch": {{epoch_ms}}
  },
  "isBase64Encoded": false
}"#;

/// ALB target (multi-value headers off): headers lower-case, the target group in
/// `requestContext.elb`.
const ALB: &str = r#"{
  "body": "{\"orderId\": \"1234\", \"quantity\": 2}",
  "httpMethod": "POST",
  "path": "/orders/1234",
  "queryStringParameters": {"verbose": "true"},
  "headers": {
    "accept": "application/json",
    "content-type": "application/json",
    "host": "my-load-balancer-{{num10:lb}}.{{region}}.elb.amazonaws.com",
    "user-agent": "curl/8.5.0",
    "x-amzn-trace-id": "Root=1-{{epoch_hex}}-{{hex24:trace}}",
    "x-forwarded-for": "203.0.113.10",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https"
  },
  "requestContext": {
    "elb": {
      "targetGroupArn": "arn:aws:elasticloadbalancing:{{region}}:{{account}}:targetgroup/my-target-group/{{hex16:tg}}"
    }
  },
  "isBase64Encoded": false
}"#;

/// Function URL with auth type NONE: the HTTP API 2.0 shape on `<url-id>.lambda-url.
/// <region>.on.aws`; Lambda then sends `accountId` "anonymous" and no authorizer.
const FUNCTION_URL: &str = r#"{
  "body": "{\"orderId\": \"1234\", \"quantity\": 2}",
  "rawPath": "/orders/1234",
  "rawQueryString": "verbose=true",
  "queryStringParameters": {"verbose": "true"},
  "headers": {
    "accept": "application/json",
    "content-type": "application/json",
    "host": "{{lower32:url}}.lambda-url.{{region}}.on.aws",
    "user-agent": "curl/8.5.0",
    "x-amzn-tls-cipher-suite": "ECDHE-RSA-AES128-GCM-SHA256",
    "x-amzn-tls-version": "TLSv1.2",
    "x-amzn-trace-id": "Root=1-{{epoch_hex}}-{{hex24:trace}}",
    "x-forwarded-for": "203.0.113.10",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https"
  },
  "cookies": ["theme=dark"],
  "routeKey": "$default",
  "version": "2.0",
  "requestContext": {
    "http": {
      "method": "POST",
      "path": "/orders/1234",
      "protocol": "HTTP/1.1",
      "sourceIp": "203.0.113.10",
      "userAgent": "curl/8.5.0"
    },
    "accountId": "anonymous",
    "apiId": "{{lower32:url}}",
    "domainName": "{{lower32:url}}.lambda-url.{{region}}.on.aws",
    "domainPrefix": "{{lower32:url}}",
    "requestId": "{{uuid:request}}",
    "routeKey": "$default",
    "stage": "$default",
    "time": "{{clf_time}}",
    "timeEpoch": {{epoch_ms}}
  },
  "isBase64Encoded": false
}"#;

/// S3 notification, event version 2.1. Keys arrive URL-encoded (a space is `+`).
const S3_PUT: &str = r#"{
  "Records": [
    {
      "s3": {
        "bucket": {
          "name": "my-bucket",
          "ownerIdentity": {"principalId": "A{{UPPER13:owner}}"},
          "arn": "arn:aws:s3:::my-bucket"
        },
        "object": {
          "key": "uploads/report.csv",
          "size": 1024,
          "eTag": "{{hex32:etag}}",
          "sequencer": "00{{HEX16:sequencer}}"
        },
        "s3SchemaVersion": "1.0",
        "configurationId": "{{function_name}}-trigger"
      },
      "eventName": "ObjectCreated:Put",
      "eventTime": "{{iso_ms}}",
      "awsRegion": "{{region}}",
      "eventSource": "aws:s3",
      "eventVersion": "2.1",
      "userIdentity": {"principalId": "AWS:AIDA{{UPPER17:principal}}"},
      "requestParameters": {"sourceIPAddress": "203.0.113.10"},
      "responseElements": {
        "x-amz-request-id": "{{HEX16:request}}",
        "x-amz-id-2": "{{alnum64:host}}"
      }
    }
  ]
}"#;

/// A delete carries no size or ETag, only the key and its sequencer.
const S3_DELETE: &str = r#"{
  "Records": [
    {
      "s3": {
        "bucket": {
          "name": "my-bucket",
          "ownerIdentity": {"principalId": "A{{UPPER13:owner}}"},
          "arn": "arn:aws:s3:::my-bucket"
        },
        "object": {
          "key": "uploads/report.csv",
          "sequencer": "00{{HEX16:sequencer}}"
        },
        "s3SchemaVersion": "1.0",
        "configurationId": "{{function_name}}-trigger"
      },
      "eventName": "ObjectRemoved:Delete",
      "eventTime": "{{iso_ms}}",
      "awsRegion": "{{region}}",
      "eventSource": "aws:s3",
      "eventVersion": "2.1",
      "userIdentity": {"principalId": "AWS:AIDA{{UPPER17:principal}}"},
      "requestParameters": {"sourceIPAddress": "203.0.113.10"},
      "responseElements": {
        "x-amz-request-id": "{{HEX16:request}}",
        "x-amz-id-2": "{{alnum64:host}}"
      }
    }
  ]
}"#;

/// SQS batch of one. `md5OfBody` is the MD5 of the body as written here (computed once
/// with md5sum), so the untouched event is self-consistent; Lambda does not check it.
const SQS: &str = r#"{
  "Records": [
    {
      "body": "{\"orderId\": \"1234\", \"status\": \"created\"}",
      "messageAttributes": {},
      "messageId": "{{uuid:message}}",
      "receiptHandle": "AQEB{{alnum120:receipt}}",
      "attributes": {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "{{epoch_ms}}",
        "SenderId": "AIDA{{UPPER17:sender}}",
        "ApproximateFirstReceiveTimestamp": "{{epoch_ms}}"
      },
      "md5OfBody": "e09b3a18adeb9c736c4cc35285d5c754",
      "eventSource": "aws:sqs",
      "eventSourceARN": "arn:aws:sqs:{{region}}:{{account}}:my-queue",
      "awsRegion": "{{region}}"
    }
  ]
}"#;

/// SNS to Lambda: the record's keys are PascalCase, the message under `Sns`.
const SNS: &str = r#"{
  "Records": [
    {
      "Sns": {
        "Message": "{\"orderId\": \"1234\", \"status\": \"created\"}",
        "Subject": "Order created",
        "MessageAttributes": {},
        "Type": "Notification",
        "MessageId": "{{uuid:message}}",
        "TopicArn": "arn:aws:sns:{{region}}:{{account}}:my-topic",
        "Timestamp": "{{iso_ms}}",
        "SignatureVersion": "1",
        "Signature": "{{alnum170:signature}}==",
        "SigningCertUrl": "https://sns.{{region}}.amazonaws.com/SimpleNotificationService-{{hex32:cert}}.pem",
        "UnsubscribeUrl": "https://sns.{{region}}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:{{region}}:{{account}}:my-topic:{{uuid:subscription}}"
      },
      "EventSubscriptionArn": "arn:aws:sns:{{region}}:{{account}}:my-topic:{{uuid:subscription}}",
      "EventSource": "aws:sns",
      "EventVersion": "1.0"
    }
  ]
}"#;

/// A NEW_AND_OLD_IMAGES stream: an INSERT, then a MODIFY of the same item. Images are in
/// DynamoDB JSON; `ApproximateCreationDateTime` is epoch seconds; sequence numbers grow.
const DYNAMODB_STREAM: &str = r#"{
  "Records": [
    {
      "dynamodb": {
        "NewImage": {
          "orderId": {"S": "1234"},
          "status": {"S": "created"},
          "total": {"N": "42.5"},
          "express": {"BOOL": false}
        },
        "Keys": {"orderId": {"S": "1234"}},
        "ApproximateCreationDateTime": {{epoch_s}},
        "SequenceNumber": "1{{num20:sequence1}}",
        "SizeBytes": 61,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventName": "INSERT",
      "eventID": "{{hex32:event1}}",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "{{region}}",
      "eventSourceARN": "arn:aws:dynamodb:{{region}}:{{account}}:table/my-table/stream/{{stream_label}}"
    },
    {
      "dynamodb": {
        "NewImage": {
          "orderId": {"S": "1234"},
          "status": {"S": "shipped"},
          "total": {"N": "42.5"},
          "express": {"BOOL": false}
        },
        "OldImage": {
          "orderId": {"S": "1234"},
          "status": {"S": "created"},
          "total": {"N": "42.5"},
          "express": {"BOOL": false}
        },
        "Keys": {"orderId": {"S": "1234"}},
        "ApproximateCreationDateTime": {{epoch_s}},
        "SequenceNumber": "2{{num20:sequence2}}",
        "SizeBytes": 112,
        "StreamViewType": "NEW_AND_OLD_IMAGES"
      },
      "eventName": "MODIFY",
      "eventID": "{{hex32:event2}}",
      "eventVersion": "1.1",
      "eventSource": "aws:dynamodb",
      "awsRegion": "{{region}}",
      "eventSourceARN": "arn:aws:dynamodb:{{region}}:{{account}}:table/my-table/stream/{{stream_label}}"
    }
  ]
}"#;

/// Kinesis: `data` is base64 of [`KINESIS_DATA`]; the arrival time is epoch seconds with
/// milliseconds; `invokeIdentityArn` is the function's execution role.
const KINESIS: &str = r#"{
  "Records": [
    {
      "kinesis": {
        "data": "{{kinesis_data}}",
        "partitionKey": "order-1234",
        "kinesisSchemaVersion": "1.0",
        "sequenceNumber": "49{{num54:sequence}}",
        "approximateArrivalTimestamp": {{epoch_s_ms}}
      },
      "eventSource": "aws:kinesis",
      "eventVersion": "1.0",
      "eventID": "shardId-000000000000:49{{num54:sequence}}",
      "eventName": "aws:kinesis:record",
      "invokeIdentityArn": "arn:aws:iam::{{account}}:role/{{function_name}}-role",
      "awsRegion": "{{region}}",
      "eventSourceARN": "arn:aws:kinesis:{{region}}:{{account}}:stream/my-stream"
    }
  ]
}"#;

/// The record a producer put on the stream (decoded `kinesis.data`).
const KINESIS_DATA: &str = r#"{"orderId": "1234", "status": "created", "createdAt": "{{iso_ms}}"}"#;

/// A custom event from PutEvents (custom sources cannot start with "aws.").
const EVENTBRIDGE: &str = r#"{
  "detail": {"orderId": "1234", "status": "created"},
  "detail-type": "Order Created",
  "source": "com.example.orders",
  "version": "0",
  "id": "{{uuid:event}}",
  "account": "{{account}}",
  "time": "{{iso_s}}",
  "region": "{{region}}",
  "resources": []
}"#;

/// A schedule rule's event: handlers branch on the time and on which rule fired.
const SCHEDULED: &str = r#"{
  "time": "{{iso_s}}",
  "resources": ["arn:aws:events:{{region}}:{{account}}:rule/{{function_name}}-schedule"],
  "version": "0",
  "id": "{{uuid:event}}",
  "detail-type": "Scheduled Event",
  "source": "aws.events",
  "account": "{{account}}",
  "region": "{{region}}",
  "detail": {}
}"#;

/// A subscription filter's delivery: `data` is base64 of the gzip of [`LOGS_PAYLOAD`].
const CLOUDWATCH_LOGS: &str = r#"{
  "awslogs": {"data": "{{awslogs_data}}"}
}"#;

/// What a subscription filter on the function's own log group sends (compact, gzipped).
const LOGS_PAYLOAD: &str = r#"{
  "messageType": "DATA_MESSAGE",
  "owner": "{{account}}",
  "logGroup": "/aws/lambda/{{function_name}}",
  "logStream": "{{log_date}}/[$LATEST]{{hex32:stream}}",
  "subscriptionFilters": ["{{function_name}}-subscription"],
  "logEvents": [
    {
      "id": "{{num56:event1}}",
      "timestamp": {{epoch_ms}},
      "message": "{{iso_ms}}\t{{uuid:request}}\tINFO\tProcessing order 1234\n"
    },
    {
      "id": "{{num56:event2}}",
      "timestamp": {{epoch_ms}},
      "message": "{{iso_ms}}\t{{uuid:request}}\tERROR\tOrder 1234 could not be charged\n"
    }
  ]
}"#;

/// User pool trigger on self-service sign-up; the `response` flags are what the function
/// may set. `validationData` is null when the client sends none.
const COGNITO_PRE_SIGNUP: &str = r#"{
  "request": {
    "userAttributes": {"email": "jane.doe@example.com", "name": "Jane Doe"},
    "validationData": null
  },
  "userName": "jane.doe",
  "triggerSource": "PreSignUp_SignUp",
  "version": "1",
  "region": "{{region}}",
  "userPoolId": "{{region}}_{{alnum9:pool}}",
  "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "{{lower26:client}}"},
  "response": {"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}
}"#;

/// The latest time ISO-8601 formatting handles (9999-12-31T23:59:59Z).
const MAX_EPOCH_SECONDS: u64 = 253_402_300_799;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The values placeholders are replaced with, for one render.
struct Vars {
    fixed: Vec<(&'static str, String)>,
    /// Ids and built payloads, kept so that a label repeats its value within the event.
    generated: Vec<(String, String)>,
    ids: IdGen,
}

impl Vars {
    fn new(context: &TemplateContext) -> Self {
        let millis = context
            .now
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
            .min(MAX_EPOCH_SECONDS * 1000 + 999);
        let (secs, ms) = (millis / 1000, millis % 1000);
        // "2023-11-14T22:13:20Z": fixed width for the clamped range, so it can be sliced.
        let iso_s = crate::timestamps::format(DateTime::from_secs(secs as i64));
        let (date, time) = (&iso_s[..10], &iso_s[11..19]);
        let month = iso_s[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12);
        let fixed = vec![
            ("region", context.region.clone()),
            ("account", context.account.clone()),
            ("function_name", context.function_name.clone()),
            // S3 eventTime, SNS Timestamp, log lines: ISO-8601 with milliseconds.
            ("iso_ms", format!("{date}T{time}.{ms:03}Z")),
            // EventBridge `time`: whole seconds.
            ("iso_s", iso_s.clone()),
            // API Gateway requestTime / time: "14/Nov/2023:22:13:20 +0000".
            ("clf_time", format!("{}/{}/{}:{time} +0000", &iso_s[8..10], MONTHS[month - 1], &iso_s[..4])),
            ("epoch_ms", millis.to_string()),
            ("epoch_s", secs.to_string()),
            // Kinesis approximateArrivalTimestamp: seconds with a fraction, as serde prints it.
            ("epoch_s_ms", serde_json::to_string(&(secs as f64 + ms as f64 / 1000.0)).unwrap_or_default()),
            // X-Ray trace ids start with the epoch seconds in hex.
            ("epoch_hex", format!("{secs:08x}")),
            // A DynamoDB stream label is its creation time, without the zone.
            ("stream_label", format!("{date}T{time}.{ms:03}")),
            ("log_date", date.replace('-', "/")),
        ];
        Vars { fixed, generated: Vec::new(), ids: IdGen::new(context.now) }
    }

    fn value(&mut self, name: &str) -> Result<String, String> {
        if let Some((_, value)) = self.fixed.iter().find(|(n, _)| *n == name) {
            return Ok(value.clone());
        }
        if let Some((_, value)) = self.generated.iter().find(|(n, _)| n == name) {
            return Ok(value.clone());
        }
        let value = match name {
            "kinesis_data" => {
                let record = fill(KINESIS_DATA, self, Layout::Compact)?;
                base64::engine::general_purpose::STANDARD.encode(record)
            }
            "awslogs_data" => {
                let payload = fill(LOGS_PAYLOAD, self, Layout::Compact)?;
                base64::engine::general_purpose::STANDARD.encode(gzip(payload.as_bytes())?)
            }
            _ => self.ids.generate(name).ok_or_else(|| format!("unknown placeholder {{{{{name}}}}}"))?,
        };
        self.generated.push((name.to_string(), value.clone()));
        Ok(value)
    }
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).and_then(|()| encoder.finish()).map_err(|e| format!("gzip failed: {e}"))
}

/// Renders one template text: placeholders replaced, laid out, checked to parse.
fn fill(template: &str, vars: &mut Vars, layout: Layout) -> Result<String, String> {
    let mut text = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        text.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or("a placeholder is not closed")?;
        // Escaped as JSON string content: values sit inside quotes (numbers are digits,
        // which escaping leaves alone), and a quote in a value cannot break the event.
        text.push_str(&json_escape(&vars.value(&after[..end])?));
        rest = &after[end + 2..];
    }
    text.push_str(rest);
    let text = relayout(&text, layout);
    serde_json::from_str::<serde_json::Value>(&text).map_err(|e| format!("not valid JSON: {e}"))?;
    Ok(text)
}

fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::from(value).to_string();
    quoted.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(&quoted).to_string()
}

/// Counts renders, so two renders in the same instant still get different ids.
static RENDERS: AtomicU64 = AtomicU64::new(0);

/// Ids that look like AWS's and differ per render: splitmix64 seeded from the context's
/// time, the clock and a counter. Not for anything secret.
struct IdGen {
    state: u64,
}

impl IdGen {
    fn new(now: SystemTime) -> Self {
        let nanos = |t: SystemTime| t.duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        let count = RENDERS.fetch_add(1, Ordering::Relaxed);
        IdGen {
            state: nanos(now) ^ nanos(SystemTime::now()).rotate_left(29) ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn chars(&mut self, set: &[u8], len: usize) -> String {
        (0..len).map(|_| set[(self.next() % set.len() as u64) as usize] as char).collect()
    }

    /// `kind:label` → a fresh id of that kind; `None` for an unknown kind.
    fn generate(&mut self, name: &str) -> Option<String> {
        let (kind, _label) = name.split_once(':')?;
        if kind == "uuid" {
            // A version-4 UUID: version nibble 4, variant 8-b.
            let hex = self.chars(b"0123456789abcdef", 32);
            let variant = self.chars(b"89ab", 1);
            return Some(format!(
                "{}-{}-4{}-{variant}{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[13..16],
                &hex[17..20],
                &hex[20..]
            ));
        }
        let digits = kind.find(|c: char| c.is_ascii_digit())?;
        let len: usize = kind[digits..].parse().ok()?;
        let set: &[u8] = match &kind[..digits] {
            "hex" => b"0123456789abcdef",
            "HEX" => b"0123456789ABCDEF",
            "num" => b"0123456789",
            "lower" => b"abcdefghijklmnopqrstuvwxyz0123456789",
            "UPPER" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "alnum" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            _ => return None,
        };
        Some(self.chars(set, len))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::time::Duration;

    use serde_json::Value;

    use super::*;
    use crate::ErrorCode;

    /// 2023-11-14T22:13:20.123Z
    const NOW_MS: u64 = 1_700_000_000_123;

    fn context() -> TemplateContext {
        TemplateContext {
            region: "ap-southeast-2".to_string(),
            account: "210987654321".to_string(),
            now: UNIX_EPOCH + Duration::from_millis(NOW_MS),
            function_name: "orders-api".to_string(),
        }
    }

    fn rendered(id: &str) -> (String, Value) {
        let text = render(id, &context()).unwrap();
        let value = serde_json::from_str(&text).unwrap();
        (text, value)
    }

    fn ids() -> Vec<String> {
        templates().into_iter().map(|t| t.id).collect()
    }

    fn decode_base64(data: &Value) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap()).unwrap()
    }

    #[test]
    fn every_template_renders_valid_pretty_json() {
        let ids = ids();
        assert_eq!(ids.len(), 14);
        for id in &ids {
            assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{id}");
            assert_eq!(ids.iter().filter(|other| *other == id).count(), 1, "{id} listed twice");
            let (text, value) = rendered(id);
            assert!(value.is_object(), "{id}");
            assert!(!text.contains("{{"), "{id} left a placeholder");
            // Laid out exactly as serde_json's pretty printer lays out the same tokens.
            let sorted_compact = serde_json::to_string(&value).unwrap();
            assert_eq!(relayout(&sorted_compact, Layout::Pretty), serde_json::to_string_pretty(&value).unwrap());
            assert_eq!(relayout(&text, Layout::Pretty), text, "{id}");
        }
    }

    #[test]
    fn arns_and_fields_carry_the_context_region_and_account() {
        let context = context();
        // (id, region appears, account appears): S3 and Cognito events carry no account,
        // a NONE-auth function URL says "anonymous", and the CloudWatch Logs event only
        // carries the account inside its compressed data (checked below).
        let expectations = [
            ("apigateway-rest-proxy", true, true),
            ("apigateway-http-v2", true, true),
            ("alb", true, true),
            ("function-url", true, false),
            ("s3-put", true, false),
            ("s3-delete", true, false),
            ("sqs", true, true),
            ("sns", true, true),
            ("dynamodb-stream", true, true),
            ("kinesis", true, true),
            ("eventbridge", true, true),
            ("scheduled", true, true),
            ("cloudwatch-logs", false, false),
            ("cognito-pre-signup", true, false),
        ];
        assert_eq!(expectations.iter().map(|e| e.0.to_string()).collect::<Vec<_>>(), ids());
        let mut arns_seen = 0;
        for (id, has_region, has_account) in expectations {
            let (text, value) = rendered(id);
            assert_eq!(text.contains(&context.region), has_region, "{id}: region");
            assert_eq!(text.contains(&context.account), has_account, "{id}: account");
            for arn in strings(&value).into_iter().filter(|s| s.starts_with("arn:aws:")) {
                arns_seen += 1;
                let parts: Vec<&str> = arn.splitn(6, ':').collect();
                let service = parts[2];
                if service != "s3" && service != "iam" {
                    assert_eq!(parts[3], context.region, "{id}: {arn}");
                }
                if service != "s3" {
                    assert_eq!(parts[4], context.account, "{id}: {arn}");
                }
            }
        }
        assert!(arns_seen >= 10, "{arns_seen}");
    }

    /// Every string in a JSON value, however deep.
    fn strings(value: &Value) -> Vec<String> {
        match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items.iter().flat_map(strings).collect(),
            Value::Object(map) => map.values().flat_map(strings).collect(),
            _ => Vec::new(),
        }
    }

    /// The first key of the object that follows the keys of `path`, by text position.
    fn first_key(text: &str, path: &[&str]) -> String {
        let mut at = 0;
        for key in path {
            at += text[at..].find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("no {key}"));
        }
        let open = at + text[at..].find('{').unwrap();
        let start = open + text[open..].find('"').unwrap() + 1;
        text[start..start + text[start..].find('"').unwrap()].to_string()
    }

    #[test]
    fn the_fields_users_edit_come_first() {
        let expectations: &[(&str, &[&str], &str)] = &[
            ("apigateway-rest-proxy", &[], "body"),
            ("apigateway-http-v2", &[], "body"),
            ("apigateway-http-v2", &["requestContext"], "http"),
            ("alb", &[], "body"),
            ("function-url", &[], "body"),
            ("function-url", &["requestContext"], "http"),
            ("s3-put", &["Records"], "s3"),
            ("s3-put", &["Records", "s3"], "bucket"),
            ("s3-put", &["Records", "s3", "bucket"], "name"),
            ("s3-put", &["Records", "s3", "object"], "key"),
            ("s3-delete", &["Records", "s3", "bucket"], "name"),
            ("s3-delete", &["Records", "s3", "object"], "key"),
            ("sqs", &["Records"], "body"),
            ("sns", &["Records"], "Sns"),
            ("sns", &["Records", "Sns"], "Message"),
            ("dynamodb-stream", &["Records"], "dynamodb"),
            ("dynamodb-stream", &["Records", "dynamodb"], "NewImage"),
            ("kinesis", &["Records"], "kinesis"),
            ("kinesis", &["Records", "kinesis"], "data"),
            ("eventbridge", &[], "detail"),
            ("scheduled", &[], "time"),
            ("cloudwatch-logs", &[], "awslogs"),
            ("cognito-pre-signup", &[], "request"),
            ("cognito-pre-signup", &["request"], "userAttributes"),
        ];
        for id in ids() {
            assert!(expectations.iter().any(|e| e.0 == id), "{id} has no first-field expectation");
        }
        for (id, path, key) in expectations {
            assert_eq!(first_key(&rendered(id).0, path), *key, "{id} {path:?}");
        }
        // API Gateway: the request line and its parts before the request context.
        let text = rendered("apigateway-rest-proxy").0;
        let order = ["body", "httpMethod", "path", "queryStringParameters", "headers", "requestContext"];
        let positions: Vec<usize> = order.iter().map(|k| text.find(&format!("\n  \"{k}\":")).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }

    #[test]
    fn cloudwatch_logs_data_decodes_to_the_functions_log_group() {
        let (_, value) = rendered("cloudwatch-logs");
        let mut json = String::new();
        flate2::read::GzDecoder::new(&decode_base64(&value["awslogs"]["data"])[..]).read_to_string(&mut json).unwrap();
        assert!(json.starts_with("{\"messageType\":\"DATA_MESSAGE\",\"owner\":"), "compact, in AWS's order: {json}");
        let payload: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(payload["messageType"], "DATA_MESSAGE");
        assert_eq!(payload["owner"], "210987654321");
        assert_eq!(payload["logGroup"], "/aws/lambda/orders-api");
        assert!(payload["logStream"].as_str().unwrap().starts_with("2023/11/14/[$LATEST]"));
        assert_eq!(payload["subscriptionFilters"][0], "orders-api-subscription");
        let events = payload["logEvents"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        for event in events {
            assert_eq!(event["timestamp"], NOW_MS);
            assert_eq!(event["id"].as_str().unwrap().len(), 56);
            assert!(event["message"].as_str().unwrap().starts_with("2023-11-14T22:13:20.123Z\t"));
        }
        assert_ne!(events[0]["id"], events[1]["id"]);
    }

    #[test]
    fn kinesis_data_decodes_to_the_sample_record() {
        let (_, value) = rendered("kinesis");
        let record = &value["Records"][0];
        let data: Value = serde_json::from_slice(&decode_base64(&record["kinesis"]["data"])).unwrap();
        assert_eq!(data["orderId"], "1234");
        assert_eq!(data["createdAt"], "2023-11-14T22:13:20.123Z");
        let sequence = record["kinesis"]["sequenceNumber"].as_str().unwrap();
        assert_eq!(sequence.len(), 56);
        assert_eq!(record["eventID"], format!("shardId-000000000000:{sequence}"));
        assert_eq!(record["invokeIdentityArn"], "arn:aws:iam::210987654321:role/orders-api-role");
    }

    #[test]
    fn an_unknown_template_is_invalid_input_naming_the_valid_ones() {
        let err = render("s3-copy", &context()).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        let message = err.to_string();
        assert!(message.contains("\"s3-copy\""), "{message}");
        for id in ids() {
            assert!(message.contains(&id), "{message} lacks {id}");
        }
    }

    #[test]
    fn times_are_the_context_time_in_each_sources_format() {
        let rest = rendered("apigateway-rest-proxy").1;
        assert_eq!(rest["requestContext"]["requestTimeEpoch"], NOW_MS);
        assert_eq!(rest["requestContext"]["requestTime"], "14/Nov/2023:22:13:20 +0000");
        assert!(rest["headers"]["X-Amzn-Trace-Id"].as_str().unwrap().starts_with("Root=1-6553f100-"));
        for id in ["apigateway-http-v2", "function-url"] {
            let http = rendered(id).1;
            assert_eq!(http["requestContext"]["timeEpoch"], NOW_MS, "{id}");
            assert_eq!(http["requestContext"]["time"], "14/Nov/2023:22:13:20 +0000", "{id}");
        }
        for id in ["s3-put", "s3-delete"] {
            assert_eq!(rendered(id).1["Records"][0]["eventTime"], "2023-11-14T22:13:20.123Z", "{id}");
        }
        let sqs = rendered("sqs").1;
        assert_eq!(sqs["Records"][0]["attributes"]["SentTimestamp"], "1700000000123");
        assert_eq!(rendered("sns").1["Records"][0]["Sns"]["Timestamp"], "2023-11-14T22:13:20.123Z");
        let dynamodb = rendered("dynamodb-stream").1;
        for record in dynamodb["Records"].as_array().unwrap() {
            assert_eq!(record["dynamodb"]["ApproximateCreationDateTime"], 1_700_000_000);
        }
        assert_eq!(rendered("kinesis").1["Records"][0]["kinesis"]["approximateArrivalTimestamp"], 1_700_000_000.123);
        assert_eq!(rendered("eventbridge").1["time"], "2023-11-14T22:13:20Z");
        let scheduled = rendered("scheduled").1;
        assert_eq!(scheduled["time"], "2023-11-14T22:13:20Z");
        assert_eq!(scheduled["resources"][0], "arn:aws:events:ap-southeast-2:210987654321:rule/orders-api-schedule");
        assert_eq!(scheduled["source"], "aws.events");
        assert_eq!(scheduled["detail-type"], "Scheduled Event");
    }

    #[test]
    fn ids_repeat_within_an_event_and_change_between_renders() {
        let (first, second) = (rendered("apigateway-rest-proxy").1, rendered("apigateway-rest-proxy").1);
        let context = &first["requestContext"];
        let host = format!("{}.execute-api.ap-southeast-2.amazonaws.com", context["apiId"].as_str().unwrap());
        assert_eq!(first["headers"]["Host"], host);
        assert_eq!(context["domainName"], host);
        assert_eq!(first["headers"]["X-Amzn-Trace-Id"], first["multiValueHeaders"]["X-Amzn-Trace-Id"][0]);
        let request_id = context["requestId"].as_str().unwrap();
        assert_eq!(request_id.len(), 36);
        assert_eq!(&request_id[14..15], "4");
        assert_ne!(second["requestContext"]["requestId"], context["requestId"]);

        let url = rendered("function-url").1;
        let url_id = url["requestContext"]["apiId"].as_str().unwrap();
        assert_eq!(url_id.len(), 32);
        assert_eq!(url["requestContext"]["domainPrefix"], url_id);
        assert_eq!(url["requestContext"]["domainName"], format!("{url_id}.lambda-url.ap-southeast-2.on.aws"));
        assert_eq!(url["headers"]["host"], url["requestContext"]["domainName"]);
    }

    #[test]
    fn values_are_json_escaped_and_unknown_placeholders_fail() {
        let mut odd = context();
        odd.function_name = "quote\"and\\slash".to_string();
        let text = render("scheduled", &odd).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["resources"][0], "arn:aws:events:ap-southeast-2:210987654321:rule/quote\"and\\slash-schedule");

        let mut vars = Vars::new(&context());
        let err = fill(r#"{"a": "{{nope}}"}"#, &mut vars, Layout::Pretty).unwrap_err();
        assert!(err.contains("{{nope}}"), "{err}");
    }
}
