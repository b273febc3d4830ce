//! The only serialized boundary between the UI thread and the analysis worker.
//!
//! A message is a JS array `[header, payload?]`: `header` is the JSON of [`ToWorker`] or
//! [`FromWorker`]; `payload` is an `ArrayBuffer` that is *transferred*, never copied or
//! JSON-encoded, so a 100 MB log crosses the boundary in constant time. Core's internal types
//! never cross it: only core's serde result structs do.

pub mod leads;

use leads::{LeadTable, LeadsScored, LeadsTrainRequest, LeadsTrained};
use serde::{Deserialize, Serialize};
use spur_core::summary::Summary;

/// Identifies one request so that replies can be matched and stale ones ignored.
pub type JobId = u32;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Read the event log in the transferred payload and count it.
    Summarize { job: JobId, name: String },
    /// Generate the synthetic CRM (`leads::generate`), keep it as the current lead table and
    /// inspect it. No payload.
    LeadsDemo { job: JobId, rows: usize, seed: u64 },
    /// Keep the lead table CSV in the transferred payload as the current table and inspect it.
    LeadsOpen { job: JobId, name: String },
    /// Inspect the current lead table again with `outcome` as the outcome column.
    LeadsInspect { job: JobId, outcome: String },
    /// Evaluate on held-out leads and train the model on the current table; replies with the
    /// model artifact as the payload and reports progress.
    LeadsTrain {
        job: JobId,
        request: LeadsTrainRequest,
    },
    /// Score the CSV in the payload with the last trained model; replies with the ranked CSV as
    /// the payload.
    LeadsScore { job: JobId, name: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is loaded and its message handler installed; earlier messages would
    /// have been dropped, so the client queues until it sees this.
    Ready,
    Progress {
        job: JobId,
        done: u64,
        total: u64,
    },
    Summarized {
        job: JobId,
        summary: Summary,
    },
    Failed {
        job: JobId,
        error: ErrorDto,
    },
    LeadsInspected {
        job: JobId,
        table: LeadTable,
    },
    /// Payload: the model artifact (`.spur`).
    LeadsTrained {
        job: JobId,
        trained: Box<LeadsTrained>,
    },
    /// Payload: the ranked CSV, as `spur leads score` prints it.
    LeadsScored {
        job: JobId,
        scored: LeadsScored,
    },
}

/// An error as the UI shows it: a stable code and a sentence that says what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
}

impl FromWorker {
    pub fn job(&self) -> Option<JobId> {
        match self {
            FromWorker::Ready => None,
            FromWorker::Progress { job, .. }
            | FromWorker::Summarized { job, .. }
            | FromWorker::Failed { job, .. }
            | FromWorker::LeadsInspected { job, .. }
            | FromWorker::LeadsTrained { job, .. }
            | FromWorker::LeadsScored { job, .. } => Some(*job),
        }
    }
}
