//! The lead-prioritisation messages' small parts: what the Leads screen asks for and the
//! summaries it gets back. Core's serde result structs travel as they are; bulk bytes (the lead
//! table, the model artifact, the ranked CSV) never appear here: they are transferred payloads.

use serde::{Deserialize, Serialize};
use spur_core::leads::evaluate::{Evaluation, SegmentSummary};
use spur_core::leads::ranking::Score;
use spur_core::leads::table::{ColumnInfo, Rejected};

/// Rows of the synthetic CRM behind "Use demo leads".
pub const DEMO_ROWS: usize = 20_000;
/// Seed of the synthetic CRM behind "Use demo leads".
pub const DEMO_SEED: u64 = 1;
/// Most scored leads shown on screen (the downloaded CSV has them all).
pub const SHOWN_SCORES: usize = 500;
/// Rejected rows listed by name (the count covers them all).
pub const SHOWN_REJECTED: usize = 10;
/// Stages of a training run: progress reports `done` of this many (import, held-out
/// evaluation, training on all rows, writing the artifact).
pub const TRAIN_STAGES: u64 = 4;

/// The lead table the worker holds, as imported with the proposed outcome and value columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadTable {
    pub name: String,
    /// Usable rows (outcome readable, right field count).
    pub rows: usize,
    /// Every column with its inferred type and its role under `outcome`/`value`.
    pub columns: Vec<ColumnInfo>,
    /// The outcome column the table was imported with (a proposal the user may change).
    pub outcome: String,
    /// The proposed deal-value column.
    pub value: Option<String>,
    /// Columns that alone nearly decide the outcome on every row (core's `leaks::detect`);
    /// training screens the training rows again and leaves them out unless included.
    pub suspected_leaks: Vec<String>,
    pub rejected: usize,
    /// The first [`SHOWN_REJECTED`] rejected rows.
    pub first_rejected: Vec<Rejected>,
}

/// The user's choices for training, applied to the table the worker holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsTrainRequest {
    pub outcome: String,
    pub value: Option<String>,
    pub exclude: Vec<String>,
    /// Suspected leaks to use anyway (core's `LeakConfig::include`); others are left out.
    #[serde(default)]
    pub include: Vec<String>,
    /// Seed of the stratified held-out split (unused when the table has a date column).
    pub seed: u64,
}

/// Held-out comparison and the model trained on every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsTrained {
    /// Train on one part, compare rankings on the held-out part (`spur leads evaluate`).
    pub evaluation: Evaluation,
    /// Segments of the model in the artifact, trained on all rows (`spur leads train`).
    pub segments: Vec<SegmentSummary>,
    pub training_rows: usize,
    pub rejected: usize,
    pub artifact_bytes: usize,
    pub sha256: String,
    /// Wall time of the held-out evaluation in the worker.
    pub evaluate_seconds: f64,
    /// Wall time of training the artifact's model on all rows in the worker.
    pub train_seconds: f64,
}

/// New leads scored by the trained model, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadsScored {
    pub name: String,
    /// Leads scored (the ranked CSV payload has all of them).
    pub rows: usize,
    /// The best [`SHOWN_SCORES`] leads in rank order.
    pub top: Vec<Score>,
    /// Rows skipped because their field count differs from the header's.
    pub skipped: usize,
    /// The first [`SHOWN_REJECTED`] skipped rows.
    pub first_skipped: Vec<Rejected>,
}
