//! Protocol types of the process screen's Model card (issue 14): discover a model on the current
//! (filtered) view, and check the view against a model the analyst uploads. Everything
//! analytic is core's (`discovery`, `conformance`); these are the request options and the
//! shapes of the answers. Models are small (bounded by the activities), so their texts travel
//! in the reply header; the uploaded model file is the request's transferred payload.
//!
//! A check's alignments run in slices of variants in the worker, so it stays responsive: it
//! posts progress after each slice and [`ModelRequest::Cancel`] stops the check without
//! touching the loaded log.

use serde::{Deserialize, Serialize};
use spur_core::conformance::{ConformanceReport, Method};
use spur_core::discovery::DiscoveryReport;

/// Requests about a model of the current view.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ModelRequest {
    /// The inductive miner on the view (IM at `noise` 0, IMf above, as `spur discover
    /// --noise`). Reply: [`ModelReply::Discovered`].
    Discover { noise: f64 },
    /// Check the view against the model in the payload (PNML, or BPMN when `name` ends in
    /// `.bpmn` or the text is a BPMN document; core's `read_model`), as `spur conformance
    /// --method`. Progress: `FromWorker::Progress` counting steps: token replay and precision
    /// (two, unless `method` is alignments), then one per variant aligned. Reply:
    /// [`ModelReply::Checked`]; a cancelled check fails with code `cancelled`.
    Check { name: String, method: Method },
    /// Stop the running check (if any). Reply: [`ModelReply::Cancelled`], saying whether one
    /// was running.
    Cancel,
}

/// A discovered model: core's report (tree in pm4py's syntax, net sizes) and its renderings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveredModel {
    pub report: DiscoveryReport,
    /// The BPMN diagram drawn (`spur discover -o MODEL.svg`).
    pub svg: String,
    /// The workflow net as PNML (`-o MODEL.pnml`).
    pub pnml: String,
    /// The BPMN 2.0 XML with its layout (`-o MODEL.bpmn`).
    pub bpmn: String,
    /// Milliseconds the inductive miner took in the worker (`spur discover --timing`'s figure).
    #[serde(default)]
    pub mined_ms: f64,
}

/// Milliseconds of each part of a check in the worker (computation only, as `spur conformance
/// --timing`; the alignments' pauses between slices are not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckTimes {
    pub tbr_ms: Option<f64>,
    pub precision_ms: Option<f64>,
    pub alignments_ms: Option<f64>,
}

/// Replies to [`ModelRequest`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelReply {
    Discovered {
        model: Box<DiscoveredModel>,
    },
    Checked {
        report: Box<ConformanceReport>,
        /// The checked model as given (BPMN diagram or Petri net), deviations marked.
        svg: String,
        #[serde(default)]
        times: CheckTimes,
    },
    Cancelled {
        running: bool,
    },
}
