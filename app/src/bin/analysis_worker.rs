//! The analysis Web Worker: a short driver loop around spur-core.
//!
//! Receives `[header, ArrayBuffer]`, calls core, posts the result header back. All heavy work of
//! the app runs here so that the page never freezes.

#[path = "analysis_worker/leads.rs"]
mod leads;

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
        let (reply, payload) = handle(&reply_scope, &msg.data());
        post_with(&reply_scope, &reply, payload);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) -> leads::Reply {
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
            return (FromWorker::Failed { job: 0, error }, None);
        }
    };
    match request {
        ToWorker::Summarize { job, name } => {
            let bytes = payload();
            let reply = match spur_core::summary::summarize(&name, &bytes) {
                Ok(summary) => FromWorker::Summarized { job, summary },
                Err(e) => FromWorker::Failed {
                    job,
                    error: ErrorDto {
                        code: e.code().into(),
                        message: format!("{name}: {e}"),
                    },
                },
            };
            (reply, None)
        }
        ToWorker::LeadsDemo { job, rows, seed } => leads::demo(job, rows, seed),
        ToWorker::LeadsOpen { job, name } => leads::open(job, name, payload()),
        ToWorker::LeadsInspect { job, outcome } => leads::inspect(job, outcome),
        ToWorker::LeadsTrain { job, request } => {
            let progress = |done, total| post(scope, &FromWorker::Progress { job, done, total });
            leads::train(job, &request, &js_sys::Date::now, &progress)
        }
        ToWorker::LeadsScore { job, name } => leads::score(job, name, &payload()),
    }
}

/// Post a reply; `payload` bytes are copied once into a fresh `ArrayBuffer` that is transferred.
fn post_with(scope: &DedicatedWorkerGlobalScope, reply: &FromWorker, payload: Option<Vec<u8>>) {
    let Some(bytes) = payload else {
        return post(scope, reply);
    };
    let text = header(reply);
    let buf = Uint8Array::from(bytes.as_slice()).buffer();
    let msg = Array::of2(&JsValue::from_str(&text), &buf);
    let _ = scope.post_message_with_transfer(&msg, &Array::of1(&buf));
}

fn header(reply: &FromWorker) -> String {
    serde_json::to_string(reply).unwrap_or_else(|e| {
        format!(r#"{{"type":"failed","job":0,"error":{{"code":"internal","message":"{e}"}}}}"#)
    })
}

fn post(scope: &DedicatedWorkerGlobalScope, reply: &FromWorker) {
    let text = header(reply);
    let _ = scope.post_message(&Array::of1(&JsValue::from_str(&text)));
}
