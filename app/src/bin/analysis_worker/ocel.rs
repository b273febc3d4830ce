//! The worker side of object-centric logs (issue 17): the current OCEL, imported from a kept
//! source or generated, its object-centric map, and flattening it into the process screen's log.
//!
//! The OCEL stays here after flattening, so the analyst can go back to the object types and
//! flatten on another one without reading the file again. Every decision is core's
//! (`spur_core::ocel`, `spur_core::map::overlay`); this file only drives it.

use crate::now_ms;
use crate::process;
use crate::sources::with_source_bytes;
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::ocel::{OcelReply, OcelRequest};
use spur_app::protocol::sources::SourceFormat;
use spur_app::protocol::{FromWorker, JobId};
use spur_core::map::overlay::overlay;
use spur_core::ocel::generate::{generate_orders, OrdersConfig};
use spur_core::ocel::import::{import_ocel_with, OcelFormat, OcelReport};
use spur_core::ocel::ocdfg::{discover_ocdfg, OcDfg};
use spur_core::ocel::overview::overview;
use spur_core::ocel::stats::event_type_counts;
use spur_core::ocel::{flatten::flatten, OcelLog};
use std::cell::RefCell;

/// Largest orders demo (about 11 events per order).
const MAX_DEMO_ORDERS: u32 = 200_000;

struct Kept {
    name: String,
    log: OcelLog,
    /// Computed on the first map request, then reused for every choice of types and measure.
    dfg: Option<OcDfg>,
}

thread_local! {
    static CURRENT: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

/// Answer one OCEL request; `progress` posts an intermediate message.
pub fn handle(
    job: JobId,
    request: OcelRequest,
    progress: &dyn Fn(FromWorker),
) -> (FromWorker, Option<ArrayBuffer>) {
    match request {
        OcelRequest::Open { index } => (open(job, index, progress), None),
        OcelRequest::Demo { orders, seed } => (demo(job, orders, seed), None),
        OcelRequest::Map { options } => CURRENT.with(|c| match c.borrow_mut().as_mut() {
            Some(kept) => {
                let t0 = now_ms();
                let dfg = kept.dfg.get_or_insert_with(|| discover_ocdfg(&kept.log));
                let drawn = overlay(dfg, &event_type_counts(&kept.log), &options);
                let svg = Uint8Array::from(drawn.svg.as_bytes()).buffer();
                (
                    FromWorker::Ocel {
                        job,
                        reply: OcelReply::Mapped {
                            map_ms: now_ms() - t0,
                            types: drawn.types,
                            activities: drawn.activities,
                            width: drawn.width,
                            height: drawn.height,
                        },
                    },
                    Some(svg),
                )
            }
            None => (no_ocel(job), None),
        }),
        OcelRequest::Flatten { object_type } => (flatten_on(job, &object_type), None),
    }
}

fn open(job: JobId, index: usize, progress: &dyn Fn(FromWorker)) -> FromWorker {
    let read = with_source_bytes(index, |name, format, bytes| {
        if format != SourceFormat::Ocel {
            return Err((
                "not_ocel",
                format!("{name} is not an object-centric log (OCEL): load it as an event log"),
            ));
        }
        let total_bytes = bytes.len() as u64;
        let t0 = now_ms();
        let mut report = |events: u64| {
            progress(FromWorker::ImportProgress {
                job,
                bytes: 0,
                total_bytes,
                events,
            });
            true
        };
        import_ocel_with(name, bytes, &mut report)
            .map(|(log, r)| (name.to_string(), log, r, now_ms() - t0))
            .map_err(|e| (e.code(), format!("{name}: {e}")))
    });
    match read {
        Some(Ok((name, log, report, read_ms))) => keep(job, name, log, &report, read_ms),
        Some(Err((code, message))) => process::failed(job, code, message),
        None => process::failed(
            job,
            "no_source",
            format!(
                "source {index} is not loaded (the worker was restarted?): choose the file again"
            ),
        ),
    }
}

fn demo(job: JobId, orders: u32, seed: u64) -> FromWorker {
    if orders == 0 || orders > MAX_DEMO_ORDERS {
        return process::failed(
            job,
            "bad_request",
            format!("the orders demo takes 1 to {MAX_DEMO_ORDERS} orders, not {orders}"),
        );
    }
    let t0 = now_ms();
    let (log, _) = generate_orders(&OrdersConfig {
        orders,
        seed,
        ..OrdersConfig::default()
    });
    let report = OcelReport {
        format: OcelFormat::Json,
        events: log.num_events() as u64,
        objects: log.num_objects() as u64,
        issues: Vec::new(),
        issue_count: 0,
    };
    let read_ms = now_ms() - t0;
    keep(
        job,
        format!("orders demo ({orders} orders)"),
        log,
        &report,
        read_ms,
    )
}

fn keep(job: JobId, name: String, log: OcelLog, report: &OcelReport, read_ms: f64) -> FromWorker {
    let t0 = now_ms();
    let overview = Box::new(overview(&log, report));
    let overview_ms = now_ms() - t0;
    CURRENT.with(|c| {
        *c.borrow_mut() = Some(Kept {
            name: name.clone(),
            log,
            dfg: None,
        })
    });
    FromWorker::Ocel {
        job,
        reply: OcelReply::Opened {
            name,
            overview,
            read_ms,
            overview_ms,
            memory_bytes: memory_bytes(),
        },
    }
}

fn flatten_on(job: JobId, object_type: &str) -> FromWorker {
    let flat = CURRENT.with(|c| {
        c.borrow().as_ref().map(|kept| {
            let types: Vec<&str> = kept.log.object_types().iter().collect();
            flatten(&kept.log, object_type)
                .map(|log| (kept.name.clone(), log))
                .ok_or_else(|| {
                    format!(
                        "{}: no object type `{object_type}` (there are: {})",
                        kept.name,
                        types.join(", ")
                    )
                })
        })
    });
    match flat {
        Some(Ok((name, log))) => {
            let note = format!(
                "{name} flattened on `{object_type}`: one case per {object_type} object ({} cases), \
                 an event once per object it touches ({} events)",
                log.num_cases(),
                log.num_events()
            );
            crate::stream::remember(crate::stream::Origin::Merged);
            FromWorker::Imported {
                job,
                summary: process::install(log),
                notes: vec![note],
                report: None,
                summary_file: false,
            }
        }
        Some(Err(message)) => process::failed(job, "unknown_type", message),
        None => no_ocel(job),
    }
}

/// The size of the worker's wasm memory (grown, never shrunk: its peak).
fn memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::memory_size(0) as u64 * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

fn no_ocel(job: JobId) -> FromWorker {
    process::failed(
        job,
        "no_ocel",
        "no object-centric log is loaded (the worker was restarted?): open the OCEL file again"
            .into(),
    )
}
