//! Imports that can be cancelled without losing anything (issue 15): `Import` (a file in the
//! payload) and `SourceImport` (a kept source) read the log in slices of core's
//! [`Opening`], a `setTimeout(0)` between slices, so the worker reads its messages while it
//! imports. `CancelImport` among them drops the opening: the current log, its view and the
//! kept sources were never touched (core's log is installed only when the import ends), so the
//! screen that was open stays usable. Restarting the worker, as Cancel did before, lost them.

use super::merging;
use super::process::{self, failed};
use super::sources::{self, format_of, NOTES_PER_SOURCE};
use super::stream::{self, Origin};
use super::summary_file;
use super::{after_messages, now_ms, post_with};
use spur_app::protocol::sources::SourceFormat;
use spur_app::protocol::{FromWorker, JobId};
use spur_core::import::{ImportOptions, Progress};
use spur_core::open::Opening;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::DedicatedWorkerGlobalScope;

/// How long one slice may read before the worker looks at its messages again.
const SLICE_MS: f64 = 50.0;

/// Where the bytes being read are.
enum Bytes {
    /// The request's payload, kept here until the import ends (then the stream replay's origin).
    Payload(Vec<u8>, SourceFormat),
    /// Source `index` of the Load screen, read in place.
    Source(usize),
}

struct Running {
    job: JobId,
    name: String,
    options: ImportOptions,
    bytes: Bytes,
    opening: Opening,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
}

/// Start importing the payload `bytes` of the file `name`. The answer comes later.
pub fn start_payload(job: JobId, name: String, bytes: Vec<u8>, post: &dyn Fn(FromWorker)) {
    let format = format_of(&name, &bytes);
    let options = ImportOptions::default();
    if let Some(refusal) = refuse(job, &name, format) {
        return post(refusal);
    }
    if format == SourceFormat::Summary {
        return post(open_summary(job, &name, &bytes, post));
    }
    let opening = Opening::new(&name, &bytes, &options);
    begin(
        Running {
            job,
            name,
            options,
            bytes: Bytes::Payload(bytes, format),
            opening,
        },
        post,
    );
}

/// Start importing source `index` with `options`. The answer comes later.
pub fn start_source(job: JobId, index: usize, options: ImportOptions, post: &dyn Fn(FromWorker)) {
    let summary = sources::with_source_bytes(index, |name, format, bytes| {
        (format == SourceFormat::Summary).then(|| open_summary(job, name, bytes, post))
    });
    if let Some(Some(reply)) = summary {
        return post(reply);
    }
    let opened = sources::with_source_bytes(index, |name, format, bytes| {
        let opening = Opening::new(name, bytes, &options);
        (name.to_string(), format, opening)
    });
    let Some((name, format, opening)) = opened else {
        return post(sources::no_source(job, index));
    };
    match refuse(job, &name, format) {
        Some(refusal) => post(refusal),
        None => begin(
            Running {
                job,
                name,
                options,
                bytes: Bytes::Source(index),
                opening,
            },
            post,
        ),
    }
}

/// An object-centric log is flattened on the OCEL card, never imported as a plain log.
fn refuse(job: JobId, name: &str, format: SourceFormat) -> Option<FromWorker> {
    (format == SourceFormat::Ocel).then(|| {
        failed(
            job,
            "ocel_source",
            format!(
                "{name} is an object-centric log (OCEL): open it alone (not merged with other \
                 files), then flatten it on an object type"
            ),
        )
    })
}

/// A log summary file is read at once (it is small: the summary of a log, not its events); it
/// ends a running import, as a new import would, and the stream replay has no log to replay.
fn open_summary(job: JobId, name: &str, bytes: &[u8], post: &dyn Fn(FromWorker)) -> FromWorker {
    if let Some(old) = RUNNING.with(|r| r.borrow_mut().take()) {
        post(cancelled(old.job));
    }
    let reply = summary_file::open(job, name, bytes);
    if !matches!(reply, FromWorker::Failed { .. }) {
        stream::remember(Origin::None);
    }
    reply
}

/// A new import replaces a running import or merge, which is answered as cancelled.
fn begin(running: Running, post: &dyn Fn(FromWorker)) {
    if let Some(old) = merging::stop() {
        post(merging::cancelled(old));
    }
    if let Some(old) = RUNNING.with(|r| r.borrow_mut().replace(running)) {
        post(cancelled(old.job));
    }
    schedule();
}

/// Stop the running import, if any (a merge replaces it): its caller gets `cancelled`.
pub fn stop(post: &dyn Fn(FromWorker)) -> bool {
    let old = RUNNING.with(|r| r.borrow_mut().take());
    let running = old.is_some();
    if let Some(old) = old {
        post(cancelled(old.job));
    }
    running
}

/// Stop the running import or merge: its caller gets `cancelled`; this request learns whether
/// one ran.
pub fn cancel(job: JobId, post: &dyn Fn(FromWorker)) -> FromWorker {
    let mut running = stop(post);
    if let Some(old) = merging::stop() {
        post(merging::cancelled(old));
        running = true;
    }
    FromWorker::ImportCancelled { job, running }
}

fn cancelled(job: JobId) -> FromWorker {
    failed(
        job,
        "cancelled",
        "Import cancelled: the log that was open before is still loaded".into(),
    )
}

/// Run the next slice after the worker has looked at its messages (a Cancel among them).
fn schedule() {
    after_messages(tick);
}

fn tick() {
    let Some(mut running) = RUNNING.with(|r| r.borrow_mut().take()) else {
        return; // cancelled, or replaced (the new one scheduled its own ticks)
    };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post = |m: FromWorker| post_with(&scope, &m, None);
    let start = now_ms();
    let read = with_bytes(&running.bytes, |bytes| {
        (
            read_slice(&mut running.opening, bytes, start),
            bytes.len() as u64,
        )
    });
    let Some((progress, total_bytes)) = read else {
        return post(gone(&running));
    };
    if let Some(p) = progress {
        post(FromWorker::ImportProgress {
            job: running.job,
            bytes: p.bytes,
            total_bytes,
            events: p.events,
        });
    }
    if running.opening.is_read() {
        post(finish(running));
    } else {
        RUNNING.with(|r| *r.borrow_mut() = Some(running));
        schedule();
    }
}

/// Read `bytes` from `start` until the opening has read them all or the slice's time is up;
/// where it got, if it read anything. A merge reads each source in these slices too.
pub fn read_slice(opening: &mut Opening, bytes: &[u8], start: f64) -> Option<Progress> {
    let mut progress = None;
    while !opening.is_read() && now_ms() - start < SLICE_MS {
        progress = Some(opening.step(bytes));
    }
    progress
}

/// `f` of the bytes being read; `None`: the source is gone (the sources were cleared).
fn with_bytes<R>(bytes: &Bytes, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    match bytes {
        Bytes::Payload(b, _) => Some(f(b)),
        Bytes::Source(index) => sources::with_source_bytes(*index, |_, _, b| f(b)),
    }
}

/// The answer when the source being read was dropped meanwhile.
fn gone(running: &Running) -> FromWorker {
    let index = match running.bytes {
        Bytes::Source(index) => index,
        Bytes::Payload(..) => 0,
    };
    sources::no_source(running.job, index)
}

/// Read what is left (a table is read whole here), install the log and remember where it came
/// from for the stream replay.
fn finish(running: Running) -> FromWorker {
    let Running {
        job,
        name,
        options,
        bytes,
        opening,
    } = running;
    let Some(opened) = with_bytes(&bytes, |b| opening.finish(b)) else {
        let index = if let Bytes::Source(index) = bytes {
            index
        } else {
            0
        };
        return sources::no_source(job, index);
    };
    match opened {
        Ok((log, report)) => {
            let reply = FromWorker::Imported {
                job,
                summary: process::install(log),
                notes: report.notes(NOTES_PER_SOURCE),
                report: Some(report),
                summary_file: false,
            };
            stream::remember(match bytes {
                Bytes::Payload(bytes, format) => Origin::Bytes {
                    format,
                    name,
                    bytes,
                    options,
                },
                Bytes::Source(index) => Origin::Source { index, options },
            });
            reply
        }
        Err(e) => failed(job, e.code(), format!("{name}: {e}")),
    }
}
