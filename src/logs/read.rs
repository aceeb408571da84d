//! Reading an interval of a log group with FilterLogEvents, paced under the account's
//! quota: the tail's backfill, re-reads and polls, `ldeck logs get` and an invocation's
//! full log all read through here.

use aws_sdk_cloudwatchlogs::Client;

use super::pattern::FilterPattern;
use crate::pacing::RateLimiter;
use crate::Error;

/// Pages of up to 10,000 events (or 1 MB) each.
const PAGE_SIZE: i32 = 10_000;

/// One event of a log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadEvent {
    pub log_stream: String,
    pub timestamp_ms: i64,
    pub message: String,
    pub event_id: Option<String>,
}

/// What a reading found.
#[derive(Debug, Default)]
pub struct Reading {
    pub events: Vec<ReadEvent>,
    /// False when the page limit stopped the reading before the service's last page.
    pub complete: bool,
    /// The log group does not exist (a function that never ran has none yet).
    pub group_missing: bool,
}

/// The interval to read and how.
#[derive(Debug, Clone, Copy)]
pub struct Interval<'a> {
    pub start_ms: i64,
    /// `None`: up to now.
    pub end_ms: Option<i64>,
    pub filter: Option<&'a FilterPattern>,
    /// Pages read at most; partial and empty pages do not mean the end (aws-facts.md), so
    /// only a missing next token does.
    pub max_pages: usize,
}

/// Reads `interval` of `log_group`, one paced call per page.
pub async fn read_interval(
    client: &Client,
    endpoint: &str,
    log_group: &str,
    interval: Interval<'_>,
    pacer: &RateLimiter,
) -> Result<Reading, Error> {
    let request = client
        .filter_log_events()
        .log_group_name(log_group)
        .start_time(interval.start_ms)
        .set_end_time(interval.end_ms)
        .set_filter_pattern(interval.filter.map(|pattern| pattern.as_str().to_owned()));
    let mut pages = request.into_paginator().page_size(PAGE_SIZE).send();
    let mut reading = Reading::default();
    for _ in 0..interval.max_pages {
        pacer.acquire().await;
        match pages.next().await {
            None => {
                reading.complete = true;
                return Ok(reading);
            }
            Some(Ok(page)) => reading.events.extend(page.events().iter().map(|event| ReadEvent {
                log_stream: event.log_stream_name.clone().unwrap_or_default(),
                timestamp_ms: event.timestamp.unwrap_or_default(),
                message: event.message.clone().unwrap_or_default(),
                event_id: event.event_id.clone(),
            })),
            // The group is created with the function's first log line.
            Some(Err(err)) if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => {
                reading.group_missing = true;
                reading.complete = true;
                return Ok(reading);
            }
            Some(Err(err)) if err.as_service_error().is_some_and(|e| e.is_invalid_parameter_exception()) => {
                let detail = err.as_service_error().and_then(|e| e.meta().message()).unwrap_or("refused").to_owned();
                return Err(Error::InvalidInput(format!("CloudWatch Logs refused the request: {detail}")));
            }
            Some(Err(err)) => return Err(Error::from_sdk(err, endpoint)),
        }
    }
    Ok(reading)
}
