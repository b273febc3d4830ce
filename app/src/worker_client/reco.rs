//! The Recommendations screen's calls, all on its own worker ([`Lane::Reco`]): the clickstream
//! is kept there as source 0 (sent once, then previewed and read by options), and so is the
//! model just trained; the artifact comes back as a transferred buffer.

use super::process::{import_progress, ImportProgress};
use super::sources::{listing_on, newest, replace_on};
use super::{client_on, restart_lane, unexpected, Lane};
use crate::protocol::reco::{
    ClicksRead, Neighbours, RecoStage, RecoTrainRequest, RecoTrained, Tried, TrySession,
};
use crate::protocol::sources::SourceInfo;
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::import::ImportOptions;
use spur_core::reco::ClickColumns;
use wasm_bindgen::JsCast;

const LANE: Lane = Lane::Reco;

/// Generate the demo shop in the worker; its clicks CSV becomes the source, pre-mapped.
pub async fn demo(sessions: usize, items: usize, seed: u64) -> Result<SourceInfo, ErrorDto> {
    let (list, _) = listing_on(
        LANE,
        |job| ToWorker::RecoDemo {
            job,
            sessions,
            items,
            seed,
        },
        None,
    )
    .await?;
    newest(list)
}

/// Keep the file in `bytes` (transferred) as the only source; its info and preview.
pub async fn open(name: String, bytes: ArrayBuffer) -> Result<SourceInfo, ErrorDto> {
    replace_on(LANE, name, bytes).await
}

/// Read the source with `options` and the shop `columns` as the clickstream.
pub async fn read(
    options: ImportOptions,
    columns: ClickColumns,
    on_progress: impl Fn(ImportProgress) + 'static,
) -> Result<ClicksRead, ErrorDto> {
    let progress = import_progress(on_progress);
    let (reply, _) = client_on(LANE)?
        .call_with(
            |job| ToWorker::RecoRead {
                job,
                options,
                columns,
            },
            None,
            Some(progress),
        )
        .await?;
    match reply {
        FromWorker::RecoRead { clicks, .. } => Ok(clicks),
        other => Err(unexpected(other)),
    }
}

/// Evaluate and train; `on_progress(stage, done, total)`; the result and the artifact's bytes.
pub async fn train(
    request: RecoTrainRequest,
    on_progress: impl Fn(RecoStage, u64, u64) + 'static,
) -> Result<(RecoTrained, Vec<u8>), ErrorDto> {
    let progress = Box::new(move |m: &FromWorker| {
        if let FromWorker::RecoProgress {
            stage, done, total, ..
        } = m
        {
            on_progress(*stage, *done, *total);
        }
    });
    let (reply, payload) = client_on(LANE)?
        .call_with(
            |job| ToWorker::RecoTrain { job, request },
            None,
            Some(progress),
        )
        .await?;
    match reply {
        FromWorker::RecoTrained { trained, .. } => {
            let bytes = payload
                .dyn_ref::<ArrayBuffer>()
                .map(|b| Uint8Array::new(b).to_vec())
                .unwrap_or_default();
            Ok((*trained, bytes))
        }
        other => Err(unexpected(other)),
    }
}

/// Stop a training run: the screen's worker is terminated (what it held is lost).
pub fn cancel() {
    restart_lane(LANE, "cancelled");
}

/// The trained model's neighbours of `item`.
pub async fn neighbours(item: String) -> Result<Neighbours, ErrorDto> {
    let (reply, _) = client_on(LANE)?
        .call_with(|job| ToWorker::RecoNeighbours { job, item }, None, None)
        .await?;
    match reply {
        FromWorker::RecoNeighbours { neighbours, .. } => Ok(neighbours),
        other => Err(unexpected(other)),
    }
}

/// Recommendations for `session` from the trained model.
pub async fn try_session(session: TrySession) -> Result<Tried, ErrorDto> {
    let (reply, _) = client_on(LANE)?
        .call_with(|job| ToWorker::RecoTry { job, session }, None, None)
        .await?;
    match reply {
        FromWorker::RecoTried { tried, .. } => Ok(tried),
        other => Err(unexpected(other)),
    }
}
