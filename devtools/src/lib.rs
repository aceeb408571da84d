//! Development tools for Lambda Deck: a local AWS (MiniStack) that tests and the demo
//! start on a free loopback port, the seeders that fill it with functions, and synthetic
//! saved data for tests and benchmarks.

pub mod bench;
pub mod demo;
pub mod local_aws;
pub mod static_page;
pub mod synthetic;

pub use local_aws::LocalAws;
