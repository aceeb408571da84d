//! Development tools for Lambda Deck: a local AWS (MiniStack) that tests and the demo
//! start on a free loopback port, and the seeders that fill it with functions.

pub mod demo;
pub mod local_aws;

pub use local_aws::LocalAws;
