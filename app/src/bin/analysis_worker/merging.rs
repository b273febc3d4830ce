//! "Merge and import" that can be cancelled without losing anything (issue 15): every source is
//! read in slices of core's [`Opening`] (a `setTimeout(0)` between slices, as [`crate::importing`]
//! does), then core merges them in one step, and the merged log is installed one step later.
//! `CancelImport` between two steps drops what was read or merged so far: the kept sources, the
//! current log and its view were never touched, so the Load screen goes back to its source list
//! and the log that was open stays. Reading in one go, as before, could only be stopped by
//! restarting the worker, which lost them.

use super::importing;
use super::process::{self, failed};
use super::sources::{self, refusal, NOTES_PER_SOURCE};
use super::stream::{self, Origin};
use super::{after_messages, now_ms, post_with};
use spur_app::protocol::sources::{MergeDone, SourceSpec};
use spur_app::protocol::{FromWorker, JobId};
use spur_core::log::EventLog;
use spur_core::open::Opening;
use spur_core::toolkit::merge::MergeReport;
use spur_core::toolkit::merge::{self, sources as merge_sources, MergeOptions, MergeSource};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

/// Where a merge is.
enum Stage {
    /// Reading source `specs[k]`.
    Reading { k: usize, opening: Box<Opening> },
    /// Every source is read: merge them next.
    Merging,
    /// Merged: install it next (a Cancel that came during the merge is read first).
    Merged(Box<(EventLog, MergeReport)>),
}

struct Running {
    job: JobId,
    specs: Vec<SourceSpec>,
    opts: MergeOptions,
    stage: Stage,
    logs: Vec<EventLog>,
    notes: Vec<String>,
    /// Bytes of every source to read, bytes and events of the sources read already.
    total: u64,
    before: u64,
    events_before: u64,
}

/// The answer that ends a merge early (a source that cannot be read).
type Stop = Box<FromWorker>;

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
}

/// Start merging the sources `specs` with `opts`. The answer comes later; a running merge is
/// answered as cancelled.
pub fn start(job: JobId, specs: Vec<SourceSpec>, opts: MergeOptions, post: &dyn Fn(FromWorker)) {
    if let Some(old) = stop() {
        post(cancelled(old));
    }
    if specs.is_empty() {
        return post(failed(
            job,
            "no_source",
            "no source to merge: choose files first".into(),
        ));
    }
    let mut total = 0;
    for spec in &specs {
        match sources::with_source_bytes(spec.index, |_, _, b| b.len() as u64) {
            Some(n) => total += n,
            None => return post(sources::no_source(job, spec.index)),
        }
    }
    let mut running = Running {
        job,
        specs,
        opts,
        stage: Stage::Merging,
        logs: Vec::new(),
        notes: Vec::new(),
        total,
        before: 0,
        events_before: 0,
    };
    match open(&running, 0) {
        Ok(stage) => running.stage = stage,
        Err(reply) => return post(*reply),
    }
    RUNNING.with(|r| *r.borrow_mut() = Some(running));
    after_messages(tick);
}

/// Stop the running merge, if any: its job, to be answered as cancelled.
pub fn stop() -> Option<JobId> {
    RUNNING.with(|r| r.borrow_mut().take()).map(|m| m.job)
}

/// The answer of a merge stopped by Cancel.
pub fn cancelled(job: JobId) -> FromWorker {
    failed(
        job,
        "cancelled",
        "Merge cancelled: the sources and the log that was open before are still loaded".into(),
    )
}

/// Start reading source `specs[k]` (the secondaries' case column defaulting to the entity, as
/// `spur merge` does).
fn open(m: &Running, k: usize) -> Result<Stage, Stop> {
    let Some(spec) = m.specs.get(k) else {
        return Ok(Stage::Merging);
    };
    let options = merge_sources::source_options(k, &spec.options, &m.opts.entity);
    let opened = sources::with_source_bytes(spec.index, |name, format, bytes| {
        match refusal(name, format) {
            Some(error) => Err(Box::new(FromWorker::Failed { job: m.job, error })),
            None => Ok(Box::new(Opening::new(name, bytes, &options))),
        }
    });
    match opened {
        Some(Ok(opening)) => Ok(Stage::Reading { k, opening }),
        Some(Err(reply)) => Err(reply),
        None => Err(Box::new(sources::no_source(m.job, spec.index))),
    }
}

fn tick() {
    let Some(mut m) = RUNNING.with(|r| r.borrow_mut().take()) else {
        return; // cancelled, or replaced (the new one scheduled its own ticks)
    };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = |reply: FromWorker| post_with(&scope, &reply, None);
    match step(&mut m) {
        Ok(Some(reply)) => post(reply),
        Ok(None) => {
            RUNNING.with(|r| *r.borrow_mut() = Some(m));
            after_messages(tick);
        }
        Err(reply) => post(*reply),
    }
}

/// One slice of the merge; `Some`: its answer (it ended).
fn step(m: &mut Running) -> Result<Option<FromWorker>, Stop> {
    match std::mem::replace(&mut m.stage, Stage::Merging) {
        Stage::Reading { k, opening } => read(m, k, opening).map(|()| None),
        Stage::Merging => {
            let sources: Vec<MergeSource<'_>> = m
                .specs
                .iter()
                .zip(&m.logs)
                .map(|(spec, log)| MergeSource {
                    name: &spec.label,
                    log,
                })
                .collect();
            let Some((first, rest)) = sources.split_first() else {
                return Err(Box::new(failed(
                    m.job,
                    "no_source",
                    "no source was read".into(),
                )));
            };
            let merged = merge::merge(*first, rest, &m.opts)
                .map_err(|e| Box::new(failed(m.job, "merge_failed", format!("merge: {e}"))))?;
            m.logs.clear();
            m.stage = Stage::Merged(Box::new(merged));
            Ok(None)
        }
        Stage::Merged(merged) => {
            let (merged, report) = *merged;
            stream::remember(Origin::Merged);
            Ok(Some(FromWorker::Merged {
                job: m.job,
                summary: process::install(merged),
                done: MergeDone {
                    report,
                    notes: std::mem::take(&mut m.notes),
                },
            }))
        }
    }
}

/// Read source `specs[k]` for one slice; when it is read, keep its log and open the next.
fn read(m: &mut Running, k: usize, mut opening: Box<Opening>) -> Result<(), Stop> {
    let job = m.job;
    let index = m.specs.get(k).map_or(0, |s| s.index);
    let start = now_ms();
    let read = sources::with_source_bytes(index, |name, _, bytes| {
        let progress = importing::read_slice(&mut opening, bytes, start);
        let done = opening
            .is_read()
            .then(|| (name.to_string(), bytes.len() as u64));
        (progress, done)
    });
    let Some((progress, done)) = read else {
        return Err(Box::new(sources::no_source(job, index)));
    };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Some(p) = progress {
        let reply = FromWorker::ImportProgress {
            job,
            bytes: m.before + p.bytes,
            total_bytes: m.total,
            events: m.events_before + p.events,
        };
        post_with(&scope, &reply, None);
    }
    let Some((name, size)) = done else {
        m.stage = Stage::Reading { k, opening };
        return Ok(());
    };
    let opened = sources::with_source_bytes(index, |_, _, bytes| opening.finish(bytes))
        .ok_or_else(|| Box::new(sources::no_source(job, index)))?;
    let (log, report) =
        opened.map_err(|e| Box::new(failed(job, e.code(), format!("{name}: {e}"))))?;
    let notes = report.notes(NOTES_PER_SOURCE);
    m.notes
        .extend(notes.into_iter().map(|line| format!("{name}: {line}")));
    m.before += size;
    m.events_before += log.num_events() as u64;
    m.logs.push(log);
    m.stage = open(m, k + 1)?;
    Ok(())
}
