//! Typed calls for the process-analysis screens (issue 6). The worker keeps the imported log,
//! so after [`import`] every call sends only its options.

use super::{client, unexpected};
use crate::protocol::{Charts, ErrorDto, FromWorker, ToWorker, VariantList};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::map::{MapOptions, MapView, ProcessMap, Readable};
use spur_core::summary::Summary;
use wasm_bindgen::{JsCast, JsValue};

/// Import progress: bytes read of the total, events accepted so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportProgress {
    pub bytes: u64,
    pub total_bytes: u64,
    pub events: u64,
}

/// A computed process map: the data (names of the node ids) and the SVG drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnMap {
    pub map: ProcessMap,
    /// How core simplified it, when the readable map was asked for.
    pub readable: Option<Readable>,
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

/// The intermediate-message handler of an import: `f` sees each `ImportProgress` (every
/// importing call — logs, sources, clickstreams, OCEL — reports the same way).
pub(super) fn import_progress(f: impl Fn(ImportProgress) + 'static) -> super::OnMessage {
    Box::new(move |m: &FromWorker| {
        if let FromWorker::ImportProgress {
            bytes,
            total_bytes,
            events,
            ..
        } = m
        {
            f(ImportProgress {
                bytes: *bytes,
                total_bytes: *total_bytes,
                events: *events,
            });
        }
    })
}

/// Import the log in `bytes` (transferred) as the worker's current log: its summary, import
/// notes, and whether the file was a log summary file (no events).
pub async fn import(
    name: String,
    bytes: ArrayBuffer,
    on_progress: impl Fn(ImportProgress) + 'static,
) -> Result<(Summary, Vec<String>, bool), ErrorDto> {
    let progress = import_progress(on_progress);
    let (reply, _) = client()?
        .call_with(
            |job| ToWorker::Import { job, name },
            Some(bytes),
            Some(progress),
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

/// How long Cancel waits for the worker to stop an import or a merge between two slices before
/// it restarts the worker instead (a job read in one go, such as an object-centric log, cannot
/// look at Cancel).
const SOFT_CANCEL_MS: i32 = 1500;

/// Stop the running import or merge. `true`: the worker stopped it between two slices and
/// still holds the log, view and sources it had. `false`: nothing stoppable was running (an
/// object-centric log, or an import that had just ended), so the worker was restarted empty,
/// which stops anything.
pub async fn cancel() -> bool {
    let asked = wasm_bindgen_futures::future_to_promise(async {
        let stopped = match client() {
            Ok(c) => matches!(
                c.call_with(|job| ToWorker::CancelImport { job }, None, None)
                    .await,
                Ok((FromWorker::ImportCancelled { running: true, .. }, _))
            ),
            Err(_) => false,
        };
        Ok(JsValue::from_bool(stopped))
    });
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ =
                w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, SOFT_CANCEL_MS);
        }
    });
    let first = js_sys::Promise::race(&js_sys::Array::of2(&asked, &timer));
    let stopped = wasm_bindgen_futures::JsFuture::from(first)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if !stopped {
        super::restart("cancelled");
    }
    stopped
}

/// The process map of the filtered log, drawn (with the last check's deviations when
/// `deviations`); `options: None` asks for the readable map core chooses.
pub async fn map(
    options: Option<MapOptions>,
    view: MapView,
    deviations: bool,
) -> Result<DrawnMap, ErrorDto> {
    let call = |job| ToWorker::Map {
        job,
        options,
        view,
        deviations,
    };
    let (reply, payload) = client()?.call_with(call, None, None).await?;
    match reply {
        FromWorker::Mapped {
            map,
            width,
            height,
            readable,
            ..
        } => Ok(DrawnMap {
            map,
            readable,
            svg: utf8(&payload),
            width,
            height,
        }),
        other => Err(unexpected(other)),
    }
}

/// The `top` most frequent variants of the filtered log.
pub async fn variants(top: usize) -> Result<VariantList, ErrorDto> {
    let (reply, _) = client()?
        .call_with(|job| ToWorker::Variants { job, top }, None, None)
        .await?;
    match reply {
        FromWorker::VariantsListed { list, .. } => Ok(list),
        other => Err(unexpected(other)),
    }
}

/// The statistics charts of the filtered log.
pub async fn charts() -> Result<Charts, ErrorDto> {
    let (reply, _) = client()?
        .call_with(|job| ToWorker::Charts { job }, None, None)
        .await?;
    match reply {
        FromWorker::Charted { charts, .. } => Ok(charts),
        other => Err(unexpected(other)),
    }
}

fn utf8(payload: &JsValue) -> String {
    match payload.dyn_ref::<ArrayBuffer>() {
        Some(buf) => String::from_utf8_lossy(&Uint8Array::new(buf).to_vec()).into_owned(),
        None => String::new(),
    }
}
