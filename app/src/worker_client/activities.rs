//! The Leads screen's activity-log calls (issue 19). The log is kept by the screen's own worker
//! ([`Lane::Activities`]) as its source 0, so the Load screen's preview editor works on it
//! unchanged; mining sends the lead table (fetched from the main worker, which keeps it) as a
//! transferred payload; Cancel restarts only that worker. Opening the log in the process screen
//! moves its bytes from the activity worker to the main one, which joins the outcomes.

use super::sources::{listing_on, newest, replace_on};
use super::{bytes_on, client, client_on, restart_lane, unexpected, Lane};
use crate::protocol::activities::{ActivitiesMined, ActivitiesRequest};
use crate::protocol::sources::SourceInfo;
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::ArrayBuffer;
use spur_core::import::ImportOptions;
use spur_core::summary::Summary;

const LANE: Lane = Lane::Activities;

/// How far a mining run got.
#[derive(Debug, Clone, PartialEq)]
pub enum MineProgress {
    /// Reading the activity log: bytes of total, events so far.
    Reading { bytes: u64, total: u64, events: u64 },
    /// Mining: `done` in 0..=1 and core's step name.
    Mining { done: f64, step: String },
}

/// Generate the demo CRM's activity log in the activity worker; it becomes source 0.
pub async fn demo(rows: usize, seed: u64) -> Result<SourceInfo, ErrorDto> {
    let (list, _) = listing_on(
        LANE,
        |job| ToWorker::ActivitiesDemo { job, rows, seed },
        None,
    )
    .await?;
    newest(list)
}

/// Keep the file in `bytes` (transferred) as the activity log; its info and preview.
pub async fn open(name: String, bytes: ArrayBuffer) -> Result<SourceInfo, ErrorDto> {
    replace_on(LANE, name, bytes).await
}

/// Mine the activity log against the main worker's lead table; `on_progress` sees the read and
/// the mining steps. `wanted()` is asked once the table has come: a run cancelled meanwhile is
/// not sent (it would occupy the fresh worker for nothing).
pub async fn mine(
    request: ActivitiesRequest,
    wanted: impl Fn() -> bool,
    on_progress: impl Fn(MineProgress) + 'static,
) -> Result<ActivitiesMined, ErrorDto> {
    let (_, table) = bytes_on(Lane::Main, |job| ToWorker::LeadsTableBytes { job }).await?;
    if !wanted() {
        return Err(ErrorDto {
            code: "cancelled".into(),
            message: "cancelled".into(),
        });
    }
    let progress = Box::new(move |m: &FromWorker| match m {
        FromWorker::ImportProgress {
            bytes,
            total_bytes,
            events,
            ..
        } => on_progress(MineProgress::Reading {
            bytes: *bytes,
            total: *total_bytes,
            events: *events,
        }),
        FromWorker::ActivitiesProgress { done, step, .. } => on_progress(MineProgress::Mining {
            done: *done,
            step: step.clone(),
        }),
        _ => {}
    });
    let (reply, _) = client_on(LANE)?
        .call_with(
            |job| ToWorker::ActivitiesMine { job, request },
            Some(table),
            Some(progress),
        )
        .await?;
    match reply {
        FromWorker::ActivitiesMined { mined, .. } => Ok(*mined),
        other => Err(unexpected(other)),
    }
}

/// Stop a run: the activity worker is terminated (the lead table and the process log, in the
/// main worker, stay); the screen then sends the activity log to the fresh one.
pub fn cancel() {
    restart_lane(LANE, "cancelled");
}

/// Open the activity log in the process screen: its bytes go from the activity worker to the
/// main one, which reads it with `options`, marks each case won/lost from the lead table and
/// makes it the current log. Returns its summary and import notes.
pub async fn open_in_process(
    options: ImportOptions,
    outcome: String,
    id: String,
) -> Result<(String, Summary, Vec<String>), ErrorDto> {
    let (name, bytes) = bytes_on(LANE, |job| ToWorker::SourceBytes { job, index: 0 }).await?;
    let asked = name.clone();
    let (reply, _) = client()?
        .call_with(
            |job| ToWorker::ActivitiesOpen {
                job,
                name: asked,
                options,
                outcome,
                id,
            },
            Some(bytes),
            None,
        )
        .await?;
    match reply {
        FromWorker::Imported { summary, notes, .. } => Ok((name, summary, notes)),
        other => Err(unexpected(other)),
    }
}
