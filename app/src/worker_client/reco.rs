//! The Recommendations screen's calls, on its own worker ([`Lane::Reco`]): the clickstream
//! file is kept there as source 0 (sent once, then previewed by options), and so is the model
//! just trained. Reading the clicks and training, which cannot look at messages while they run,
//! go to a training worker ([`Lane::RecoTrain`]) given a copy of the file: [`cancel`] terminates
//! that one only, and the next run gives a new one the file again. The artifact comes back as a
//! transferred buffer and is handed to the screen's worker for neighbours and sessions.

use super::process::{import_progress, ImportProgress};
use super::sources::{listing_on, newest, replace_on};
use super::{bytes_on, client_on, restart_lane, unexpected, Lane, OnMessage};
use crate::protocol::reco::{
    ClicksRead, Neighbours, RecoStage, RecoTrainRequest, RecoTrained, Tried, TrySession,
};
use crate::protocol::sources::SourceInfo;
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::import::ImportOptions;
use spur_core::reco::ClickColumns;
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;

const LANE: Lane = Lane::Reco;
/// Where the clicks are read and the model trained.
const TRAIN_LANE: Lane = Lane::RecoTrain;

thread_local! {
    /// How the clicks were last read, to read them again in a new training worker.
    static READ_WITH: RefCell<Option<(ImportOptions, ClickColumns)>> = const { RefCell::new(None) };
    /// Whether the training worker holds the clicks read so (false after Cancel or a new file).
    static PRIMED: Cell<bool> = const { Cell::new(false) };
}

/// The screen's file changed: the training worker's clicks are stale.
fn forget_clicks() {
    PRIMED.with(|p| p.set(false));
    READ_WITH.with(|r| *r.borrow_mut() = None);
}

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
    forget_clicks();
    newest(list)
}

/// Keep the file in `bytes` (transferred) as the only source; its info and preview.
pub async fn open(name: String, bytes: ArrayBuffer) -> Result<SourceInfo, ErrorDto> {
    forget_clicks();
    replace_on(LANE, name, bytes).await
}

/// Give the training worker a copy of the screen's file and read it there as clicks.
async fn read_in_training_worker(
    options: ImportOptions,
    columns: ClickColumns,
    progress: Option<OnMessage>,
) -> Result<ClicksRead, ErrorDto> {
    PRIMED.with(|p| p.set(false));
    let (name, bytes) = bytes_on(LANE, |job| ToWorker::SourceBytes { job, index: 0 }).await?;
    replace_on(TRAIN_LANE, name, bytes).await?;
    let (reply, _) = client_on(TRAIN_LANE)?
        .call_with(
            |job| ToWorker::RecoRead {
                job,
                options: options.clone(),
                columns: columns.clone(),
            },
            None,
            progress,
        )
        .await?;
    match reply {
        FromWorker::RecoRead { clicks, .. } => {
            READ_WITH.with(|r| *r.borrow_mut() = Some((options, columns)));
            PRIMED.with(|p| p.set(true));
            Ok(clicks)
        }
        other => Err(unexpected(other)),
    }
}

/// Read the source with `options` and the shop `columns` as the clickstream (in the training
/// worker).
pub async fn read(
    options: ImportOptions,
    columns: ClickColumns,
    on_progress: impl Fn(ImportProgress) + 'static,
) -> Result<ClicksRead, ErrorDto> {
    read_in_training_worker(options, columns, Some(import_progress(on_progress))).await
}

/// Evaluate and train in the training worker (reading the clicks there again if Cancel
/// stopped it since); `on_progress(stage, done, total)`; the result and the artifact's bytes.
/// Once trained, the screen's worker answers with the new model, unless `wanted()` says the run
/// was cancelled meanwhile (then the previous model stays).
pub async fn train(
    request: RecoTrainRequest,
    on_progress: impl Fn(RecoStage, u64, u64) + 'static,
    wanted: impl Fn() -> bool,
) -> Result<(RecoTrained, Vec<u8>), ErrorDto> {
    if !PRIMED.with(Cell::get) {
        let Some((options, columns)) = READ_WITH.with(|r| r.borrow().clone()) else {
            return Err(ErrorDto {
                code: "no_clicks".into(),
                message: "no clickstream read yet: read the clicks first".into(),
            });
        };
        read_in_training_worker(options, columns, None).await?;
    }
    let progress = Box::new(move |m: &FromWorker| {
        if let FromWorker::RecoProgress {
            stage, done, total, ..
        } = m
        {
            on_progress(*stage, *done, *total);
        }
    });
    let (reply, payload) = client_on(TRAIN_LANE)?
        .call_with(
            |job| ToWorker::RecoTrain { job, request },
            None,
            Some(progress),
        )
        .await?;
    let (trained, bytes) = match reply {
        FromWorker::RecoTrained { trained, .. } => {
            let bytes = payload
                .dyn_ref::<ArrayBuffer>()
                .map(|b| Uint8Array::new(b).to_vec())
                .unwrap_or_default();
            (*trained, bytes)
        }
        other => return Err(unexpected(other)),
    };
    if !wanted() {
        return Err(ErrorDto {
            code: "cancelled".into(),
            message: "training cancelled".into(),
        });
    }
    let (reply, _) = client_on(LANE)?
        .call_with(
            |job| ToWorker::RecoUseModel { job },
            Some(Uint8Array::from(bytes.as_slice()).buffer()),
            None,
        )
        .await?;
    match reply {
        FromWorker::ModelKept { .. } => Ok((trained, bytes)),
        other => Err(unexpected(other)),
    }
}

/// Stop a reading or training run: only the training worker is terminated; the screen's
/// worker keeps the file and the last model.
pub fn cancel() {
    restart_lane(TRAIN_LANE, "cancelled");
    PRIMED.with(|p| p.set(false));
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
