//! The Recommendations screen's messages' small parts. The clickstream stays in the worker (as
//! its source 0, previewed and mapped like the Load screen's files); the model artifact travels
//! as a transferred payload. Core's serde result structs (`Evaluation`, `Recommendations`)
//! travel as they are.

use serde::{Deserialize, Serialize};
use spur_core::reco::evaluate::Evaluation;
use spur_core::reco::model::RecoSummary;
use spur_core::reco::Recommendations;

/// Sessions of the demo shop (`spur reco generate`'s default).
pub const DEMO_SESSIONS: usize = 20_000;
/// Items of the demo shop.
pub const DEMO_ITEMS: usize = 1000;
/// Seed of the demo shop (`spur reco generate --seed`; the CLI's default is 0, the demo's 1).
pub const DEMO_SEED: u64 = 1;
/// The chart's k runs 1…this.
pub const CURVE_MAX_K: usize = 50;
/// Popular items offered as buttons for "try a session".
pub const SHOWN_ITEMS: usize = 60;

/// The clicks the worker read from its source with the chosen mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClicksRead {
    pub name: String,
    pub sessions: u64,
    pub clicks: u64,
    pub items: u64,
    /// Whether the log had timestamps (a time split needs them).
    pub timed: bool,
    /// Days from the first to the last session end (0 without timestamps).
    pub days: f64,
    /// Sessions with a customer, items with a category (what the optional columns gave).
    pub with_customer: u64,
    pub with_category: u64,
    /// Rejected/repaired rows, one line per kind (first lines located).
    pub notes: Vec<String>,
}

/// How to train and evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoTrainRequest {
    /// Sessions ending in the last this many days are the test set.
    pub test_days: f64,
    /// The cut-off the summary figures and tuning use.
    pub k: usize,
    pub seed: u64,
}

/// Where a training run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoStage {
    /// Tuning on the training days (validation positions × neighbourhoods).
    Tuning,
    /// The next-item test on the last days.
    Testing,
    /// Training the shipped model on every session (tuning again).
    Training,
    /// Encoding the artifact.
    Writing,
}

impl RecoStage {
    pub fn label(self) -> &'static str {
        match self {
            RecoStage::Tuning => "evaluation: tuning the blend on the training days",
            RecoStage::Testing => "evaluation: next-item test on the last days",
            RecoStage::Training => "training the model to ship on all sessions",
            RecoStage::Writing => "writing the model artifact",
        }
    }
}

/// An item offered in "try a session".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemChip {
    pub item: String,
    pub category: Option<String>,
    pub events: u32,
}

/// A trained model: the held-out evaluation, its chart, and the artifact's facts (the bytes are
/// the payload).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoTrained {
    pub evaluation: Evaluation,
    /// HR@k / MRR@k, k = 1…[`CURVE_MAX_K`], drawn by `spur_core::chart::curves`.
    pub chart_svg: String,
    pub summary: RecoSummary,
    pub sha256: String,
    pub artifact_bytes: usize,
    pub created_at_ms: i64,
    /// Wall time in the worker of the evaluation (train on the older days + test).
    pub evaluate_ms: f64,
    /// Wall time in the worker of training the shipped model on all sessions (tuning included).
    pub train_ms: f64,
    /// The most popular items, for building a session by clicking.
    pub popular: Vec<ItemChip>,
}

/// An item's strongest sequential-rule neighbours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neighbours {
    pub item: String,
    pub category: Option<String>,
    pub found: bool,
    /// (item, weight in (0, 1], category), strongest first.
    pub neighbours: Vec<(String, f32, Option<String>)>,
}

/// A session to score with the trained model.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TrySession {
    pub clicks: Vec<String>,
    pub basket: Vec<String>,
    pub k: usize,
}

/// The recommendations for a tried session, from the model as the artifact decodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tried {
    pub recommendations: Recommendations,
    /// The artifact that answered.
    pub sha256: String,
    pub micros: f64,
}
