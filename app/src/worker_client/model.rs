//! Typed calls for the process screen's Model card (issue 14): discover a model on the current
//! view, and check the view against an uploaded PNML/BPMN model. Cancel is the process lane's
//! restart ([`super::process::cancel`]): a running alignment is synchronous in the worker, so
//! only terminating it stops it.

use super::{client, unexpected, OnMessage};
use crate::protocol::model::{DiscoveredModel, ModelReply, ModelRequest};
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

/// Check the current view against the model file `name` whose bytes are `bytes` (transferred);
/// `on_progress(done, total)` sees the conformance parts finished so far.
pub async fn check(
    name: String,
    bytes: ArrayBuffer,
    method: Method,
    on_progress: impl Fn(u64, u64) + 'static,
) -> Result<ConformanceReport, ErrorDto> {
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
            reply: ModelReply::Checked { report },
            ..
        } => Ok(*report),
        other => Err(unexpected(other)),
    }
}
