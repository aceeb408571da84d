//! StartLiveTail through a custom endpoint: the SDK's `stream-` host prefix must be
//! stripped (local-aws.md), or the request goes to a host that does not exist.

mod support;

use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::{InputLogEvent, StartLiveTailResponseStream};
use support::local_aws;

#[tokio::test]
async fn live_tail_streams_events_from_the_local_endpoint() {
    let local = local_aws().await;
    let logs = local.connection().logs();
    let group = "/aws/lambda/live-tail-probe";
    logs.create_log_group().log_group_name(group).send().await.unwrap();
    logs.create_log_stream().log_group_name(group).log_stream_name("probe").send().await.unwrap();
    let group_arn = format!("arn:aws:logs:us-east-1:000000000000:log-group:{group}");

    let mut tail = logs
        .start_live_tail()
        .log_group_identifiers(&group_arn)
        .send()
        .await
        .expect("StartLiveTail reaches the emulator");

    let message = format!("probe {}", std::process::id());
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name("probe")
        .log_events(InputLogEvent::builder().timestamp(now_ms).message(&message).build().unwrap())
        .send()
        .await
        .unwrap();

    let received = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(event) = tail.response_stream.recv().await.expect("stream event") {
            if let StartLiveTailResponseStream::SessionUpdate(update) = event {
                if let Some(hit) = update.session_results().iter().find(|e| e.message() == Some(message.as_str())) {
                    return hit.log_group_identifier().map(str::to_string);
                }
            }
        }
        None
    })
    .await
    .expect("the event arrives within 15 s");
    assert!(received.is_some_and(|g| g.contains("live-tail-probe")), "event not seen on the stream");
}
