//! The Leads screen's calls into the worker: open a lead table, re-inspect it, train, score.
//!
//! The worker keeps the table and the last model between calls, so only the first call of a
//! table sends its bytes; the model artifact and the ranked CSV come back as transferred buffers.

use super::{client, OnProgress};
use crate::protocol::leads::{LeadTable, LeadsScored, LeadsTrainRequest, LeadsTrained};
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use std::rc::Rc;

fn unexpected(other: &FromWorker) -> ErrorDto {
    ErrorDto {
        code: "protocol".into(),
        message: format!("unexpected reply {other:?}"),
    }
}

fn inspected(reply: FromWorker) -> Result<LeadTable, ErrorDto> {
    match reply {
        FromWorker::LeadsInspected { table, .. } => Ok(table),
        FromWorker::Failed { error, .. } => Err(error),
        other => Err(unexpected(&other)),
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

/// Evaluate and train on the current table; returns the result and the model artifact bytes.
pub async fn train(
    request: LeadsTrainRequest,
    on_progress: impl Fn(u64, u64) + 'static,
) -> Result<(LeadsTrained, Vec<u8>), ErrorDto> {
    let progress: OnProgress = Rc::new(on_progress);
    let (reply, payload) = client()?
        .call(
            |job| ToWorker::LeadsTrain { job, request },
            ArrayBuffer::new(0),
            Some(progress),
        )
        .await?;
    match reply {
        FromWorker::LeadsTrained { trained, .. } => Ok((*trained, bytes(payload))),
        FromWorker::Failed { error, .. } => Err(error),
        other => Err(unexpected(&other)),
    }
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
        FromWorker::Failed { error, .. } => Err(error),
        other => Err(unexpected(&other)),
    }
}
