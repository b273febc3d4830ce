//! Protocol types of the process screen's Model card (issue 14): discover a model on the current
//! (filtered) view, and check the view against a model the analyst uploads. Everything
//! analytic is core's (`discovery`, `conformance`); these are the request options and the
//! shapes of the answers. Models are small (bounded by the activities), so their texts travel
//! in the reply header; the uploaded model file is the request's transferred payload.

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
    /// `.bpmn` or the text is a BPMN document), as `spur conformance --method`. Progress:
    /// `FromWorker::Progress` with the parts done (replay, precision, alignments). Reply:
    /// [`ModelReply::Checked`].
    Check { name: String, method: Method },
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
}

/// Replies to [`ModelRequest`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ModelReply {
    Discovered { model: Box<DiscoveredModel> },
    Checked { report: Box<ConformanceReport> },
}
