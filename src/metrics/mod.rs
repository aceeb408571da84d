//! Lambda's CloudWatch metrics: the time ranges and the period each one is read at
//! (`period`), and the GetMetricData queries that read them (`query`).

pub mod period;
pub mod query;
pub mod saved;
