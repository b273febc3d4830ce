//! Typed calls for the Load screen's sources: files are sent to the worker once
//! ([`add`]) and then previewed, imported or merged by index.

use super::process::{import_progress, ImportProgress};
use super::{client, client_on, unexpected, Lane};
use crate::protocol::sources::{MergeDone, Preview, SourceInfo, SourceSpec};
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::import::ImportOptions;
use spur_core::summary::Summary;
use spur_core::toolkit::merge::MergeOptions;
use wasm_bindgen::JsCast;

type Listed = (Vec<SourceInfo>, Option<MergeOptions>);

async fn listing(
    make: impl FnOnce(u32) -> ToWorker,
    payload: Option<ArrayBuffer>,
) -> Result<Listed, ErrorDto> {
    listing_on(Lane::Main, make, payload).await
}

/// A call answered by `SourcesListed`, on the worker of `lane`.
pub(super) async fn listing_on(
    lane: Lane,
    make: impl FnOnce(u32) -> ToWorker,
    payload: Option<ArrayBuffer>,
) -> Result<Listed, ErrorDto> {
    let (reply, _) = client_on(lane)?.call_with(make, payload, None).await?;
    match reply {
        FromWorker::SourcesListed { sources, merge, .. } => Ok((sources, merge)),
        other => Err(unexpected(other)),
    }
}

/// Forget the worker's sources.
pub async fn clear() -> Result<(), ErrorDto> {
    listing(|job| ToWorker::SourcesClear { job }, None)
        .await
        .map(|_| ())
}

/// Keep `bytes` (transferred) as the next source; its info and preview come back.
pub async fn add(name: String, bytes: ArrayBuffer) -> Result<SourceInfo, ErrorDto> {
    let (list, _) = listing(|job| ToWorker::SourceAdd { job, name }, Some(bytes)).await?;
    newest(list)
}

/// Make the file in `bytes` (transferred) the only source of `lane`'s worker (the Reco and
/// Leads-activities screens keep one file each); its info and preview.
pub(super) async fn replace_on(
    lane: Lane,
    name: String,
    bytes: ArrayBuffer,
) -> Result<SourceInfo, ErrorDto> {
    listing_on(lane, |job| ToWorker::SourcesClear { job }, None).await?;
    let (list, _) = listing_on(lane, |job| ToWorker::SourceAdd { job, name }, Some(bytes)).await?;
    newest(list)
}

/// The last source a listing names: the one just added or generated.
pub(super) fn newest(mut list: Vec<SourceInfo>) -> Result<SourceInfo, ErrorDto> {
    list.pop().ok_or_else(|| ErrorDto {
        code: "protocol".into(),
        message: "the worker listed no source".into(),
    })
}

/// Generate the laundry demo's three sources in the worker, pre-mapped, with merge options.
pub async fn laundry() -> Result<Listed, ErrorDto> {
    listing(|job| ToWorker::SourcesLaundry { job }, None).await
}

/// Re-sniff source `index` with `options` (as a merge source on `entity`, if not empty).
pub async fn preview(
    lane: Lane,
    index: usize,
    options: ImportOptions,
    entity: String,
) -> Result<Preview, ErrorDto> {
    super::ready(lane).await;
    let (reply, _) = client_on(lane)?
        .call_with(
            |job| ToWorker::SourcePreview {
                job,
                index,
                options,
                entity,
            },
            None,
            None,
        )
        .await?;
    match reply {
        FromWorker::SourcePreviewed { preview, .. } => Ok(preview),
        other => Err(unexpected(other)),
    }
}

/// Import source `index` with `options` as the current log (as [`super::process::import`]).
pub async fn import(
    index: usize,
    options: ImportOptions,
    progress: impl Fn(ImportProgress) + 'static,
) -> Result<(Summary, Vec<String>, bool), ErrorDto> {
    let (reply, _) = client()?
        .call_with(
            |job| ToWorker::SourceImport {
                job,
                index,
                options,
            },
            None,
            Some(import_progress(progress)),
        )
        .await?;
    match reply {
        FromWorker::Imported {
            summary,
            notes,
            summary_file,
            ..
        } => Ok((summary, notes, summary_file)),
        other => Err(unexpected(other)),
    }
}

/// Import and merge `sources` (the first is the primary) into the current log.
pub async fn merge(
    sources: Vec<SourceSpec>,
    merge: MergeOptions,
    progress: impl Fn(ImportProgress) + 'static,
) -> Result<(Summary, MergeDone), ErrorDto> {
    let (reply, _) = client()?
        .call_with(
            |job| ToWorker::SourcesMerge {
                job,
                sources,
                merge,
            },
            None,
            Some(import_progress(progress)),
        )
        .await?;
    match reply {
        FromWorker::Merged { summary, done, .. } => Ok((summary, done)),
        other => Err(unexpected(other)),
    }
}

async fn bytes(make: impl FnOnce(u32) -> ToWorker) -> Result<(String, Vec<u8>), ErrorDto> {
    let (reply, payload) = client()?.call_with(make, None, None).await?;
    match reply {
        FromWorker::Bytes { name, .. } => {
            let data = payload
                .dyn_ref::<ArrayBuffer>()
                .map(|b| Uint8Array::new(b).to_vec())
                .unwrap_or_default();
            Ok((name, data))
        }
        other => Err(unexpected(other)),
    }
}

/// The bytes of source `index`, with its file name.
pub async fn source_bytes(index: usize) -> Result<(String, Vec<u8>), ErrorDto> {
    bytes(|job| ToWorker::SourceBytes { job, index }).await
}

/// The current log as CSV (core's exporter).
pub async fn export_csv() -> Result<Vec<u8>, ErrorDto> {
    bytes(|job| ToWorker::ExportCsv { job })
        .await
        .map(|(_, b)| b)
}
