//! How a function is invoked: the one enum the event library, the payload checks and
//! the invocation share.

use serde::{Deserialize, Serialize};

/// How a function is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InvocationKind {
    /// RequestResponse with the 4 KB log tail.
    #[default]
    Request,
    /// Event: queued, answered with 202 and nothing else.
    Event,
    /// DryRun: checks the payload and the permission, runs nothing (204).
    DryRun,
    /// InvokeWithResponseStream: the payload arrives in chunks.
    Stream,
}

impl InvocationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvocationKind::Request => "request",
            InvocationKind::Event => "event",
            InvocationKind::DryRun => "dry_run",
            InvocationKind::Stream => "stream",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "request" => Some(InvocationKind::Request),
            "event" => Some(InvocationKind::Event),
            "dry_run" | "dry-run" => Some(InvocationKind::DryRun),
            "stream" => Some(InvocationKind::Stream),
            _ => None,
        }
    }

    /// How messages name it.
    pub fn label(self) -> &'static str {
        match self {
            InvocationKind::Request => "synchronous (RequestResponse)",
            InvocationKind::Event => "asynchronous (Event)",
            InvocationKind::DryRun => "dry-run",
            InvocationKind::Stream => "streaming",
        }
    }
}
