//! Reading Lambda's log lines: shared by invocation results and the live tail.

pub mod report;
