//! Lambda's CloudWatch metrics: the time ranges and the period each one is read at
//! (`period`), the GetMetricData queries that read them (`query`), the last readings kept
//! for offline use (`saved`), the charts drawn from them (`chart`), and what the Monitor
//! tab, a comparison and the list's trends read (`monitor`).

pub mod chart;
pub mod monitor;
pub mod period;
pub mod query;
pub mod saved;
pub mod view;
