//! The Leads screen's calls into the worker: open a lead table, re-inspect it, train, score.
//!
//! The worker keeps the table and the last model between calls, so only the first call of a
//! table sends its bytes; the model artifact and the ranked CSV come back as transferred buffers.
//! Training runs on a worker of its own ([`Lane::LeadsTrain`], given a copy of the table) so
//! that [`cancel`] terminates the run alone: the main worker keeps the table and the last model.

use super::{bytes_on, client, client_on, restart_lane, unexpected, Lane, OnProgress};
use crate::protocol::leads::{LeadTable, LeadsScored, LeadsTrainRequest, LeadsTrained};
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use std::rc::Rc;

fn inspected(reply: FromWorker) -> Result<LeadTable, ErrorDto> {
    match reply {
        FromWorker::LeadsInspected { table, .. } => Ok(table),
        other => Err(unexpected(other)),
    }
}

fn bytes(payload: Option<ArrayBuffer>) -> Vec<u8> {
    payload
        .map(|b| Uint8Array::new(&b).to_vec())
        .unwrap_or_default()
}

/// Generate the synthetic CRM in the worker and make it the current table.
pub async fn demo(rows: usize, seed: u64) -> Result<LeadTable, ErrorDto> {
    let (reply, _) = client()?
        .call(
            |job| ToWorker::LeadsDemo { job, rows, seed },
            ArrayBuffer::new(0),
            None,
        )
        .await?;
    inspected(reply)
}

/// Make the CSV in `bytes` (transferred) the current table.
pub async fn open(name: String, bytes: ArrayBuffer) -> Result<LeadTable, ErrorDto> {
    let (reply, _) = client()?
        .call(|job| ToWorker::LeadsOpen { job, name }, bytes, None)
        .await?;
    inspected(reply)
}

/// Import the current table again with another outcome column.
pub async fn inspect(outcome: String) -> Result<LeadTable, ErrorDto> {
    let (reply, _) = client()?
        .call(
            |job| ToWorker::LeadsInspect { job, outcome },
            ArrayBuffer::new(0),
            None,
        )
        .await?;
    inspected(reply)
}

/// Evaluate and train on a copy of the current table in the training worker; returns the
/// result and the model artifact bytes. Once trained, the main worker scores with the new model,
/// unless `wanted()` says the run was cancelled meanwhile (then the previous model stays).
pub async fn train(
    request: LeadsTrainRequest,
    on_progress: impl Fn(u64, u64) + 'static,
    wanted: impl Fn() -> bool,
) -> Result<(LeadsTrained, Vec<u8>), ErrorDto> {
    let (name, table) = bytes_on(Lane::Main, |job| ToWorker::LeadsTableBytes { job }).await?;
    let progress: OnProgress = Rc::new(on_progress);
    let (reply, payload) = client_on(Lane::LeadsTrain)?
        .call(
            |job| ToWorker::LeadsTrainTable { job, name, request },
            table,
            Some(progress),
        )
        .await?;
    let (trained, artifact) = match reply {
        FromWorker::LeadsTrained { trained, .. } => (*trained, bytes(payload)),
        other => return Err(unexpected(other)),
    };
    if !wanted() {
        return Err(cancelled());
    }
    let (reply, _) = client()?
        .call(
            |job| ToWorker::LeadsUseModel { job },
            Uint8Array::from(artifact.as_slice()).buffer(),
            None,
        )
        .await?;
    match reply {
        FromWorker::ModelKept { .. } => Ok((trained, artifact)),
        other => Err(unexpected(other)),
    }
}

fn cancelled() -> ErrorDto {
    ErrorDto {
        code: "cancelled".into(),
        message: "training cancelled".into(),
    }
}

/// Stop a training run: only the training worker is terminated (its next run starts a new one).
pub fn cancel() {
    restart_lane(Lane::LeadsTrain, "cancelled");
}

/// Score the CSV in `bytes` (transferred) with the last model; returns the ranked CSV too.
pub async fn score(
    name: String,
    bytes_in: ArrayBuffer,
) -> Result<(LeadsScored, Vec<u8>), ErrorDto> {
    let (reply, payload) = client()?
        .call(|job| ToWorker::LeadsScore { job, name }, bytes_in, None)
        .await?;
    match reply {
        FromWorker::LeadsScored { scored, .. } => Ok((scored, bytes(payload))),
        other => Err(unexpected(other)),
    }
}
