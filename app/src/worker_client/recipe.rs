//! Typed call for the process screen's recipe: the worker replays it on the imported log.

use super::{client, unexpected};
use crate::protocol::{FromWorker, LogCounts, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::recipe::{Recipe, Replay};
use wasm_bindgen::JsCast;

/// Why a replay failed: the step it stopped at (when known) and the located message.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub step: Option<String>,
    pub message: String,
}

/// Replay `recipe` on the worker's log; its filtered log becomes the view of the other calls.
pub async fn replay(recipe: Recipe) -> Result<(Replay, LogCounts), Failure> {
    let plain = |e: crate::protocol::ErrorDto| Failure {
        step: None,
        message: e.message,
    };
    let (reply, payload) = client()
        .map_err(plain)?
        .call_with(|job| ToWorker::Replay { job, recipe }, None, None)
        .await
        .map_err(plain)?;
    match reply {
        FromWorker::Replayed { counts, .. } => {
            let bytes = match payload.dyn_ref::<ArrayBuffer>() {
                Some(buf) => Uint8Array::new(buf).to_vec(),
                None => Vec::new(),
            };
            let replay = serde_json::from_slice::<Replay>(&bytes).map_err(|e| Failure {
                step: None,
                message: format!("cannot read the worker's replay: {e}"),
            })?;
            Ok((replay, counts))
        }
        FromWorker::ReplayFailed { step, error, .. } => Err(Failure {
            step,
            message: error.message,
        }),
        other => Err(plain(unexpected(other))),
    }
}
