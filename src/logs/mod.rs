//! Reading Lambda's log lines: the live tail (Live Tail streaming with a polling fallback,
//! many functions merged, no line twice and none lost), `ldeck logs get`, and the REPORT
//! parser that invocation results share.

pub mod batch;
pub mod buffer;
pub mod dedupe;
pub mod export;
pub mod get;
pub mod groups;
pub mod lines;
pub mod pattern;
pub mod read;
pub mod report;
pub mod tail;
pub mod when;
