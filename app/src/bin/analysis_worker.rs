//! The analysis Web Worker: a short driver loop around spur-core.
//!
//! Receives `[header, ArrayBuffer]`, calls core, posts the result header back. All heavy work of
//! the app runs here so that the page never freezes. The process-analysis requests (import,
//! filters, map, variants, charts) and the log they work on live in [`process`]; the Load
//! screen's sources (kept files, previews, imports, merges) in [`sources`]; an object-centric
//! log (kept, mapped, flattened) in [`ocel`]; the Model card's discovery and conformance
//! checks on the process view in [`model`]; the lead
//! table, training and scoring in [`leads`]; the Leads screen's activity log and its mining in
//! [`activities`] (on an instance of its own); the Recommendations screen's clickstream and
//! model in [`reco`] (that screen runs its own instance of this worker).

#[path = "analysis_worker/activities.rs"]
mod activities;
#[path = "analysis_worker/cases.rs"]
mod cases;
#[path = "analysis_worker/importing.rs"]
mod importing;
#[path = "analysis_worker/leads.rs"]
mod leads;
#[path = "analysis_worker/merging.rs"]
mod merging;
#[path = "analysis_worker/model.rs"]
mod model;
#[path = "analysis_worker/ocel.rs"]
mod ocel;
#[path = "analysis_worker/process.rs"]
mod process;
#[path = "analysis_worker/recipe.rs"]
mod recipe;
#[path = "analysis_worker/reco.rs"]
mod reco;
#[path = "analysis_worker/sources.rs"]
mod sources;
#[path = "analysis_worker/stream.rs"]
mod stream;
#[path = "analysis_worker/summary_file.rs"]
mod summary_file;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use spur_app::protocol::{ErrorDto, FromWorker, ToWorker};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |msg: MessageEvent| {
        // `None`: the job answers later by itself (a check's sliced alignments).
        if let Some((reply, payload)) = handle(&reply_scope, &msg.data()) {
            post_with(&reply_scope, &reply, payload.as_ref());
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

/// Bytes made in the worker, as a fresh `ArrayBuffer` to transfer (copied once).
fn buffer(bytes: Option<Vec<u8>>) -> Option<ArrayBuffer> {
    bytes.map(|b| Uint8Array::from(b.as_slice()).buffer())
}

fn handle(
    scope: &DedicatedWorkerGlobalScope,
    data: &JsValue,
) -> Option<(FromWorker, Option<ArrayBuffer>)> {
    let parts = Array::from(data);
    let payload = || match parts.get(1).dyn_into::<ArrayBuffer>() {
        Ok(buf) => Uint8Array::new(&buf).to_vec(),
        Err(_) => Vec::new(),
    };
    let header = parts.get(0).as_string().unwrap_or_default();
    let request: ToWorker = match serde_json::from_str(&header) {
        Ok(r) => r,
        Err(e) => {
            let error = ErrorDto {
                code: "protocol".into(),
                message: format!("bad request to the worker: {e}"),
            };
            // Answer the job if its id can be read, so its caller does not wait forever.
            let job = serde_json::from_str::<serde_json::Value>(&header)
                .ok()
                .and_then(|v| v.get("job")?.as_u64())
                .and_then(|j| u32::try_from(j).ok())
                .unwrap_or(0);
            return Some((FromWorker::Failed { job, error }, None));
        }
    };
    let lead = |(reply, bytes): leads::Reply| (reply, buffer(bytes));
    Some(match request {
        // --- sources (Load screen): files kept in the worker, previewed, imported, merged.
        // Imports and merges read in slices and answer later; a Cancel between slices keeps
        // every state.
        ToWorker::Import { job, name } => {
            importing::start_payload(job, name, payload(), &|p| post_with(scope, &p, None));
            return None;
        }
        ToWorker::SourceImport {
            job,
            index,
            options,
        } => {
            importing::start_source(job, index, options, &|p| post_with(scope, &p, None));
            return None;
        }
        ToWorker::SourcesMerge {
            job,
            sources,
            merge,
        } => {
            importing::stop(&|p| post_with(scope, &p, None));
            merging::start(job, sources, merge, &|p| post_with(scope, &p, None));
            return None;
        }
        ToWorker::CancelImport { job } => (
            importing::cancel(job, &|p| post_with(scope, &p, None)),
            None,
        ),
        request @ (ToWorker::SourcesClear { .. }
        | ToWorker::SourceAdd { .. }
        | ToWorker::SourcesLaundry { .. }
        | ToWorker::SourcePreview { .. }
        | ToWorker::SourceBytes { .. }
        | ToWorker::ExportCsv { .. }) => sources::handle(request, parts.get(1)),
        request @ (ToWorker::Map { .. } | ToWorker::Variants { .. } | ToWorker::Charts { .. }) => {
            process::handle(request, parts.get(1), &|p| post_with(scope, &p, None))
        }
        // --- recipe
        ToWorker::Replay { job, recipe } => recipe::replay(job, &recipe),
        // --- cases
        ToWorker::CasePage {
            job,
            sort,
            descending,
            search,
            offset,
            limit,
        } => cases::page(job, sort, descending, search, offset, limit),
        ToWorker::CaseDetail { job, case } => cases::detail(job, &case),
        // --- the process screen's Model card
        ToWorker::Model { job, request } => {
            return model::handle(job, request, parts.get(1), &|p| post_with(scope, &p, None))
        }
        // --- stream replay
        ToWorker::Stream { job, request } => stream::handle(job, request),
        // --- object-centric logs
        ToWorker::Ocel { job, request } => {
            ocel::handle(job, request, &|p| post_with(scope, &p, None))
        }
        ToWorker::LeadsDemo { job, rows, seed } => lead(leads::demo(job, rows, seed)),
        ToWorker::LeadsOpen { job, name } => lead(leads::open(job, name, payload())),
        ToWorker::LeadsInspect { job, outcome } => lead(leads::inspect(job, outcome)),
        ToWorker::LeadsTrain { job, request } => {
            let progress = |done, total| post(scope, &FromWorker::Progress { job, done, total });
            lead(leads::train(job, &request, &js_sys::Date::now, &progress))
        }
        ToWorker::LeadsScore { job, name } => lead(leads::score(job, name, &payload())),
        ToWorker::LeadsTableBytes { job } => lead(leads::bytes_reply(job)),
        ToWorker::LeadsTrainTable { job, name, request } => {
            let progress = |done, total| post(scope, &FromWorker::Progress { job, done, total });
            let bytes = payload();
            lead(leads::train_table(
                job,
                name,
                bytes,
                &request,
                &js_sys::Date::now,
                &progress,
            ))
        }
        ToWorker::LeadsUseModel { job } => lead(leads::use_model(job, &payload())),
        // --- sales activities (the Leads screen's activity worker; `ActivitiesOpen`: main)
        ToWorker::ActivitiesDemo { job, rows, seed } => (activities::demo(job, rows, seed), None),
        ToWorker::ActivitiesMine { job, request } => {
            let post = |p| post_with(scope, &p, None);
            let reply = activities::mine(job, &request, &payload(), &now_ms, &post);
            (reply, None)
        }
        ToWorker::ActivitiesOpen {
            job,
            name,
            options,
            outcome,
            id,
        } => (
            activities::open_in_process(job, &name, &payload(), &options, &outcome, &id),
            None,
        ),
        // --- recommendations
        ToWorker::RecoDemo {
            job,
            sessions,
            items,
            seed,
        } => (reco::demo(job, sessions, items, seed), None),
        ToWorker::RecoRead {
            job,
            options,
            columns,
        } => {
            let progress = |p| post_with(scope, &p, None);
            (reco::read(job, &options, &columns, &progress), None)
        }
        ToWorker::RecoTrain { job, request } => {
            let progress = |p| post_with(scope, &p, None);
            let (reply, bytes) = reco::train(job, &request, &now_ms, &progress);
            (reply, buffer(bytes))
        }
        ToWorker::RecoNeighbours { job, item } => (reco::neighbours(job, &item), None),
        ToWorker::RecoTry { job, session } => (reco::try_session(job, session, &now_ms), None),
        ToWorker::RecoUseModel { job } => (reco::use_model(job, &payload()), None),
    })
}

/// Run `f` once the worker has read the messages already waiting (a Cancel among them): how a
/// long job (a check's alignments, an import) is cut into slices on the worker's one thread.
pub(crate) fn after_messages(f: fn()) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let f = Closure::once_into_js(f);
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 0);
}

/// `performance.now()` (sub-millisecond, monotonic), else `Date.now()`.
pub(crate) fn now_ms() -> f64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"));
    performance
        .ok()
        .and_then(|p| {
            let now = js_sys::Reflect::get(&p, &JsValue::from_str("now")).ok()?;
            now.dyn_into::<js_sys::Function>()
                .ok()?
                .call0(&p)
                .ok()?
                .as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

fn post(scope: &DedicatedWorkerGlobalScope, reply: &FromWorker) {
    post_with(scope, reply, None);
}

/// Post `[header, payload?]`, transferring the payload.
fn post_with(
    scope: &DedicatedWorkerGlobalScope,
    reply: &FromWorker,
    payload: Option<&ArrayBuffer>,
) {
    let text = serde_json::to_string(reply).unwrap_or_else(|e| {
        format!(r#"{{"type":"failed","job":0,"error":{{"code":"internal","message":"{e}"}}}}"#)
    });
    let header = JsValue::from_str(&text);
    let _ = match payload {
        Some(buf) => scope.post_message_with_transfer(&Array::of2(&header, buf), &Array::of1(buf)),
        None => scope.post_message(&Array::of1(&header)),
    };
}
