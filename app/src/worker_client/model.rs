//! Typed calls for the process screen's Model card (issue 14): discover a model on the current
//! view, and check the view against an uploaded PNML/BPMN model. The worker aligns in slices,
//! so [`cancel_check`] stops a check and the loaded log stays.

use super::{client, unexpected, OnMessage};
use crate::protocol::model::{CheckTimes, DiscoveredModel, ModelReply, ModelRequest};
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::ArrayBuffer;
use spur_core::conformance::{ConformanceReport, Method};

/// The inductive miner on the current (filtered) view, at `noise` (0: IM, above: IMf).
pub async fn discover(noise: f64) -> Result<DiscoveredModel, ErrorDto> {
    let request = ModelRequest::Discover { noise };
    let (reply, _) = client()?
        .call_with(|job| ToWorker::Model { job, request }, None, None)
        .await?;
    match reply {
        FromWorker::Model {
            reply: ModelReply::Discovered { model },
            ..
        } => Ok(*model),
        other => Err(unexpected(other)),
    }
}

/// A finished check: core's report and the checked model drawn with its deviations.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub report: ConformanceReport,
    pub svg: String,
    pub times: CheckTimes,
}

/// Check the current view against the model file `name` whose bytes are `bytes` (transferred);
/// `on_progress(done, total)` counts token replay and precision (unless only alignments run),
/// then each variant aligned.
pub async fn check(
    name: String,
    bytes: ArrayBuffer,
    method: Method,
    on_progress: impl Fn(u64, u64) + 'static,
) -> Result<Checked, ErrorDto> {
    let request = ModelRequest::Check { name, method };
    let progress: OnMessage = Box::new(move |m: &FromWorker| {
        if let FromWorker::Progress { done, total, .. } = m {
            on_progress(*done, *total);
        }
    });
    let (reply, _) = client()?
        .call_with(
            |job| ToWorker::Model { job, request },
            Some(bytes),
            Some(progress),
        )
        .await?;
    match reply {
        FromWorker::Model {
            reply: ModelReply::Checked { report, svg, times },
            ..
        } => Ok(Checked {
            report: *report,
            svg,
            times,
        }),
        other => Err(unexpected(other)),
    }
}

/// Stop the running check (its `check` call fails with code `cancelled`); true if one ran.
pub async fn cancel_check() -> Result<bool, ErrorDto> {
    let request = ModelRequest::Cancel;
    let (reply, _) = client()?
        .call_with(|job| ToWorker::Model { job, request }, None, None)
        .await?;
    match reply {
        FromWorker::Model {
            reply: ModelReply::Cancelled { running },
            ..
        } => Ok(running),
        other => Err(unexpected(other)),
    }
}
