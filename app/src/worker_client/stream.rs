//! Typed calls of the Stream replay screen: open the loaded log, start, advance, download.

use super::{client, unexpected};
use crate::protocol::stream::{StreamReply, StreamRequest, StreamSource, StreamStep, StreamUpdate};
use crate::protocol::{ErrorDto, FromWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::stream::replay::{ReplayMode, ReplaySetup};
use wasm_bindgen::JsCast;

async fn call(request: StreamRequest) -> Result<(StreamReply, Vec<u8>), ErrorDto> {
    let (reply, payload) = client()?
        .call_with(
            |job| crate::protocol::ToWorker::Stream { job, request },
            None,
            None,
        )
        .await?;
    match reply {
        FromWorker::Streamed { reply, .. } => {
            let bytes = payload
                .dyn_ref::<ArrayBuffer>()
                .map(|b| Uint8Array::new(b).to_vec())
                .unwrap_or_default();
            Ok((reply, bytes))
        }
        other => Err(unexpected(other)),
    }
}

fn protocol(reply: StreamReply) -> ErrorDto {
    ErrorDto {
        code: "protocol".into(),
        message: format!("unexpected stream reply {reply:?}"),
    }
}

/// The loaded log's columns and default settings.
pub async fn open() -> Result<StreamSource, ErrorDto> {
    match call(StreamRequest::Open).await? {
        (StreamReply::Opened { source }, _) => Ok(*source),
        (other, _) => Err(protocol(other)),
    }
}

/// Start (or restart) the replay with `setup`.
pub async fn start(setup: ReplaySetup) -> Result<StreamUpdate, ErrorDto> {
    match call(StreamRequest::Start { setup }).await? {
        (StreamReply::Updated { update }, _) => Ok(*update),
        (other, _) => Err(protocol(other)),
    }
}

/// Move the replay by `step`; the update as `show` sees it.
pub async fn advance(step: StreamStep, show: ReplayMode) -> Result<StreamUpdate, ErrorDto> {
    match call(StreamRequest::Advance { step, show }).await? {
        (StreamReply::Updated { update }, _) => Ok(*update),
        (other, _) => Err(protocol(other)),
    }
}

/// The JSON lines `mode` emitted so far, with a file name.
pub async fn download(mode: ReplayMode) -> Result<(String, Vec<u8>), ErrorDto> {
    match call(StreamRequest::Download { mode }).await? {
        (StreamReply::Download { name }, bytes) => Ok((name, bytes)),
        (other, _) => Err(protocol(other)),
    }
}
