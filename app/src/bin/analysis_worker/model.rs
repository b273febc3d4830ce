//! The worker side of the process screen's Model card (issue 14): discover a model on the current
//! (filtered) view and check the view against an uploaded model. Core does all of it, exactly as
//! `spur discover` and `spur conformance` call it, so the card's numbers equal the CLI's; this
//! module reads the uploaded bytes, reports progress, and drives core's `AlignmentRun` a slice
//! of variants at a time (a `setTimeout(0)` between slices), so a Cancel message is read between
//! slices and stops the check while the log stays loaded. The last check's deviations are kept
//! for the map ([`with_marks`]).

use super::process::{failed, no_log, with_view};
use super::{after_messages, now_ms, post_with};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::model::{CheckTimes, DiscoveredModel, ModelReply, ModelRequest};
use spur_app::protocol::{FromWorker, JobId};
use spur_core::conformance::{
    etc_precision, token_replay_fitness, AlignmentRun, ConformanceReport, Method, TbrFitness,
    DEFAULT_ALIGNMENT_BUDGET,
};
use spur_core::discovery::{
    discover_tree, read_model, render_bpmn_svg, tree_to_bpmn, tree_to_net, write_bpmn, write_pnml,
    DiscoveryReport, InductiveOptions, ModelFile, ModelMarks,
};
use spur_core::map::MapMarks;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

/// Answer one Model-card request; `post` sends a message (progress, or another job's
/// answer). `None`: the answer comes later (a check's alignments run in slices).
pub fn handle(
    job: JobId,
    request: ModelRequest,
    payload: JsValue,
    post: &dyn Fn(FromWorker),
) -> Option<(FromWorker, Option<ArrayBuffer>)> {
    let reply = match request {
        ModelRequest::Discover { noise } => discover(job, noise),
        ModelRequest::Check { name, method } => {
            let bytes = match payload.dyn_ref::<ArrayBuffer>() {
                Some(buf) => Uint8Array::new(buf).to_vec(),
                None => Vec::new(),
            };
            check(job, &name, &bytes, method, post)?
        }
        ModelRequest::Cancel => cancel(job, post),
    };
    Some((reply, None))
}

fn discover(job: JobId, noise: f64) -> FromWorker {
    if !(0.0..1.0).contains(&noise) {
        return failed(
            job,
            "bad_noise",
            format!("the noise threshold is in [0, 1), got {noise}: pick one of the listed values"),
        );
    }
    with_view(|log| {
        let start = now_ms();
        let tree = discover_tree(log, InductiveOptions { noise });
        let mined_ms = now_ms() - start;
        let net = tree_to_net(&tree);
        let bpmn = tree_to_bpmn(&tree);
        let size = net.size();
        let model = DiscoveredModel {
            report: DiscoveryReport {
                tree: tree.to_string(),
                places: size.places,
                transitions: size.transitions,
                visible_transitions: size.visible_transitions,
                arcs: size.arcs,
            },
            svg: render_bpmn_svg(&bpmn),
            pnml: write_pnml(&net),
            bpmn: write_bpmn(&bpmn),
            mined_ms,
        };
        FromWorker::Model {
            job,
            reply: ModelReply::Discovered {
                model: Box::new(model),
            },
        }
    })
    .unwrap_or_else(|| no_log(job))
}

/// A check whose alignments are still running, resumed slice by slice.
struct Running {
    job: JobId,
    /// Steps before the alignments (token replay and precision), for the progress count.
    offset: u64,
    /// The alignments, `None` for a token-replay-only check.
    run: Option<AlignmentRun>,
    tbr: Option<(TbrFitness, f64)>,
    model: ModelFile,
    /// Case ids of the checked view, kept in case the view changes before the end.
    cases: Vec<String>,
    times: CheckTimes,
}

thread_local! {
    static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    /// The last finished check's deviations, drawn on the map on request.
    static MARKS: RefCell<Option<MapMarks>> = const { RefCell::new(None) };
}

/// The last check's deviations, for the map (`None`: no check yet).
pub(crate) fn with_marks<R>(f: impl FnOnce(Option<&MapMarks>) -> R) -> R {
    MARKS.with(|m| f(m.borrow().as_ref()))
}

/// How long one slice of alignments may run before the worker looks at its messages again.
const SLICE_MS: f64 = 60.0;

fn check(
    job: JobId,
    name: &str,
    bytes: &[u8],
    method: Method,
    progress: &dyn Fn(FromWorker),
) -> Option<FromWorker> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        let message = format!("{name}: not UTF-8 text: choose a PNML or BPMN file (XML)");
        return Some(failed(job, "bad_model", message));
    };
    let model = match read_model(name, text) {
        Ok(m) => m,
        Err(e) => {
            let message = format!("{name}: {e}; choose a PNML or BPMN 2.0 file");
            return Some(failed(job, "bad_model", message));
        }
    };
    // A new check replaces a running one, which is answered as cancelled.
    if let Some(old) = RUNNING.with(|r| r.borrow_mut().take()) {
        progress(cancelled(old.job));
    }
    let started = with_view(|log| {
        let offset = if method == Method::Alignments { 0 } else { 2 };
        // The run owns the variants, so it is built first and only when aligning: its count is
        // the progress total, and a replay-only check never pays for it.
        let mut times = CheckTimes::default();
        let start = now_ms();
        let run = (method != Method::Tbr)
            .then(|| AlignmentRun::new(log, &model.net, DEFAULT_ALIGNMENT_BUDGET));
        let prepared_ms = now_ms() - start;
        let total = offset + run.as_ref().map_or(0, |r| r.total() as u64);
        let step = |done: u64| progress(FromWorker::Progress { job, done, total });
        // The parts `spur conformance` runs, in its order.
        step(0);
        let mut tbr = None;
        if method != Method::Alignments {
            let start = now_ms();
            let fitness = token_replay_fitness(log, &model.net);
            times.tbr_ms = Some(now_ms() - start);
            step(1);
            let start = now_ms();
            let precision = etc_precision(log, &model.net);
            times.precision_ms = Some(now_ms() - start);
            step(2);
            tbr = Some((fitness, precision));
        }
        if run.is_some() {
            times.alignments_ms = Some(prepared_ms);
        }
        let ids = log.case_ids();
        let cases = (0..log.num_cases() as u32)
            .map(|c| ids.resolve(c).to_string())
            .collect();
        Running {
            job,
            offset,
            run,
            tbr,
            model: model.clone(),
            cases,
            times,
        }
    });
    let Some(mut running) = started else {
        return Some(no_log(job));
    };
    match running.run.as_mut() {
        None => return Some(finish(running)),
        Some(run) if run.total() == 0 => {
            run.step(0);
            return Some(finish(running));
        }
        Some(_) => {}
    }
    RUNNING.with(|r| *r.borrow_mut() = Some(running));
    schedule();
    None
}

/// Run the next slice after the worker has looked at its messages (a Cancel among them).
fn schedule() {
    after_messages(tick);
}

fn tick() {
    let Some(mut running) = RUNNING.with(|r| r.borrow_mut().take()) else {
        return; // cancelled
    };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let Some(run) = running.run.as_mut() else {
        post_with(&scope, &finish(running), None);
        return;
    };
    let start = now_ms();
    let mut finished = false;
    while now_ms() - start < SLICE_MS && !finished {
        finished = run.step(1);
    }
    let (done, total) = (run.done() as u64, run.total() as u64);
    if let Some(ms) = running.times.alignments_ms.as_mut() {
        *ms += now_ms() - start;
    }
    let (job, offset) = (running.job, running.offset);
    post_with(
        &scope,
        &FromWorker::Progress {
            job,
            done: offset + done,
            total: offset + total,
        },
        None,
    );
    if finished {
        post_with(&scope, &finish(running), None);
    } else {
        RUNNING.with(|r| *r.borrow_mut() = Some(running));
        schedule();
    }
}

fn finish(running: Running) -> FromWorker {
    let Running {
        job,
        run,
        tbr,
        model,
        cases,
        mut times,
        ..
    } = running;
    let start = now_ms();
    let alignments = run.map(AlignmentRun::finish);
    if let Some(ms) = times.alignments_ms.as_mut() {
        *ms += now_ms() - start;
    }
    let report = ConformanceReport::from_parts_named(
        |c| cases.get(c as usize).cloned().unwrap_or_default(),
        tbr,
        alignments,
    );
    let rows = || {
        report
            .deviations
            .iter()
            .map(|d| (d.activity.as_str(), d.log_moves, d.model_moves))
    };
    let svg = model.render_svg(&ModelMarks::new(rows()));
    let marks = MapMarks::new(&report.edge_deviations, rows());
    MARKS.with(|m| *m.borrow_mut() = Some(marks));
    FromWorker::Model {
        job,
        reply: ModelReply::Checked {
            report: Box::new(report),
            svg,
            times,
        },
    }
}

fn cancelled(job: JobId) -> FromWorker {
    failed(
        job,
        "cancelled",
        "Cancelled: the log is still loaded; check again when ready".into(),
    )
}

/// Stop the running check: its caller gets `cancelled`, this request whether one ran.
fn cancel(job: JobId, progress: &dyn Fn(FromWorker)) -> FromWorker {
    let old = RUNNING.with(|r| r.borrow_mut().take());
    let running = old.is_some();
    if let Some(old) = old {
        progress(cancelled(old.job));
    }
    FromWorker::Model {
        job,
        reply: ModelReply::Cancelled { running },
    }
}
