//! Typed calls for object-centric logs (issue 17): open a kept OCEL source or the orders demo,
//! draw the object-centric map, flatten on a type into the process screen's log.

use super::process::{import_progress, ImportProgress};
use super::{client, unexpected, OnMessage};
use crate::protocol::ocel::{OcelReply, OcelRequest};
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::map::overlay::{OverlayOptions, OverlayType};
use spur_core::ocel::overview::OcelOverview;
use spur_core::summary::Summary;
use wasm_bindgen::JsCast;

/// An imported OCEL: its name, overview and the worker's timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub name: String,
    pub overview: OcelOverview,
    pub read_ms: f64,
    pub overview_ms: f64,
    pub memory_bytes: u64,
}

/// A drawn object-centric map.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnOverlay {
    pub map_ms: f64,
    pub types: Vec<OverlayType>,
    pub activities: usize,
    pub svg: String,
}

async fn ask(
    request: OcelRequest,
    progress: Option<OnMessage>,
) -> Result<(FromWorker, wasm_bindgen::JsValue), ErrorDto> {
    client()?
        .call_with(|job| ToWorker::Ocel { job, request }, None, progress)
        .await
}

fn opened(reply: FromWorker) -> Result<Opened, ErrorDto> {
    match reply {
        FromWorker::Ocel {
            reply:
                OcelReply::Opened {
                    name,
                    overview,
                    read_ms,
                    overview_ms,
                    memory_bytes,
                },
            ..
        } => Ok(Opened {
            name,
            overview: *overview,
            read_ms,
            overview_ms,
            memory_bytes,
        }),
        other => Err(unexpected(other)),
    }
}

/// Import kept source `index` as the worker's OCEL; `on_progress` sees the events read.
pub async fn open(
    index: usize,
    on_progress: impl Fn(ImportProgress) + 'static,
) -> Result<Opened, ErrorDto> {
    let progress = import_progress(on_progress);
    opened(ask(OcelRequest::Open { index }, Some(progress)).await?.0)
}

/// Generate the orders demo as the worker's OCEL.
pub async fn demo(orders: u32, seed: u64) -> Result<Opened, ErrorDto> {
    opened(ask(OcelRequest::Demo { orders, seed }, None).await?.0)
}

/// The object-centric map of the chosen types.
pub async fn map(options: OverlayOptions) -> Result<DrawnOverlay, ErrorDto> {
    let (reply, payload) = ask(OcelRequest::Map { options }, None).await?;
    match reply {
        FromWorker::Ocel {
            reply:
                OcelReply::Mapped {
                    map_ms,
                    types,
                    activities,
                    ..
                },
            ..
        } => Ok(DrawnOverlay {
            map_ms,
            types,
            activities,
            svg: payload
                .dyn_ref::<ArrayBuffer>()
                .map(|b| String::from_utf8_lossy(&Uint8Array::new(b).to_vec()).into_owned())
                .unwrap_or_default(),
        }),
        other => Err(unexpected(other)),
    }
}

/// Flatten on `object_type`: the result becomes the process screen's log.
pub async fn flatten(object_type: String) -> Result<(Summary, Vec<String>), ErrorDto> {
    match ask(OcelRequest::Flatten { object_type }, None).await?.0 {
        FromWorker::Imported { summary, notes, .. } => Ok((summary, notes)),
        other => Err(unexpected(other)),
    }
}
