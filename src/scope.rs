//! What saved data and request pacing are keyed by: a profile and a region.

use serde::{Deserialize, Serialize};

/// A profile and a region: the local store keeps each one's data apart, and every
/// control-plane call of one is paced together (`pacing.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Scope {
    pub profile: String,
    pub region: String,
}
