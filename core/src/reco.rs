//! Checkout recommendations from a clickstream: "what should we offer next?" for a session.
//!
//! Input is any event log read by the importers, with case = session, activity = item and the
//! timestamp ([`clicks`]). The model blends four signals, each normalised to `[0, 1]`:
//! - session-based nearest neighbours, V-SKNN ([`vsknn`], Ludewig & Jannach 2018): the current
//!   session is compared with the most recent past sessions sharing an item, position-weighted,
//!   and their items are scored with IDF weights;
//! - sequential rules ([`rules`]): "viewed B within a few clicks after A", with decay by distance;
//! - the repeat-click signal (items of the session itself, recent ones first);
//! - popularity (also the fallback when nothing else knows the session).
//!
//! The blend weights and the V-SKNN neighbourhood are picked on a validation split cut from the
//! end of the training data ([`tune`]). Scoring applies business rules ([`recommend`]). The model
//! travels as a `reco` artifact ([`artifact`]); [`evaluate`] runs the next-item protocol against
//! popularity and item-kNN baselines; [`generate`] writes a synthetic shop with planted
//! co-click structure.
//!
//! Deterministic: no clock, no entropy; seeds are arguments.

pub mod artifact;
pub mod blend;
pub mod clicks;
pub mod evaluate;
pub mod generate;
pub mod itemknn;
pub mod model;
pub mod profile;
pub mod recommend;
pub mod request;
pub mod response;
pub mod rules;
pub mod train;
pub mod tune;
pub mod vsknn;

pub use clicks::{ClickColumns, ClickLog};
pub use model::RecoModel;
pub use recommend::{recommend, Recommendation, Recommendations, Request};
pub use train::{train, TrainOptions};

/// Why clicks could not become a model or a recommendation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecoError {
    #[error("column `{column}` ({role}) is not in the log")]
    MissingColumn { role: &'static str, column: String },
    #[error("the log has no sessions with at least {min} clicks")]
    NoSessions { min: usize },
    #[error("the log has no timestamps; a time split (--test-days) needs them")]
    NoTimestamps,
    #[error("{what} is {got}; the limit is {limit}")]
    Limit {
        what: &'static str,
        got: usize,
        limit: usize,
    },
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("cancelled")]
    Cancelled,
}

impl RecoError {
    /// Stable code for `{"error":{"code":...}}`.
    pub fn code(&self) -> &'static str {
        match self {
            RecoError::MissingColumn { .. } => "missing_column",
            RecoError::NoSessions { .. } => "no_sessions",
            RecoError::NoTimestamps => "no_timestamps",
            RecoError::Limit { .. } => "limit_exceeded",
            RecoError::Invalid { .. } => "invalid",
            RecoError::Cancelled => "cancelled",
        }
    }
}
