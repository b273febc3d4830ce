//! The analysis Web Worker: a short driver loop around spur-core.
//!
//! Receives `[header, ArrayBuffer]`, calls core, posts the result header back. All heavy work of
//! the app runs here so that the page never freezes.

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
        let reply = handle(&msg.data());
        post(&reply_scope, &reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

fn handle(data: &JsValue) -> FromWorker {
    let parts = Array::from(data);
    let header = parts.get(0).as_string().unwrap_or_default();
    let request: ToWorker = match serde_json::from_str(&header) {
        Ok(r) => r,
        Err(e) => {
            return FromWorker::Failed {
                job: 0,
                error: ErrorDto {
                    code: "protocol".into(),
                    message: format!("bad request to the worker: {e}"),
                },
            }
        }
    };
    match request {
        ToWorker::Summarize { job, name } => {
            let bytes = match parts.get(1).dyn_into::<ArrayBuffer>() {
                Ok(buf) => Uint8Array::new(&buf).to_vec(),
                Err(_) => Vec::new(),
            };
            match spur_core::summary::summarize(&name, &bytes) {
                Ok(summary) => FromWorker::Summarized { job, summary },
                Err(e) => FromWorker::Failed {
                    job,
                    error: ErrorDto {
                        code: e.code().into(),
                        message: format!("{name}: {e}"),
                    },
                },
            }
        }
    }
}

fn post(scope: &DedicatedWorkerGlobalScope, reply: &FromWorker) {
    let text = serde_json::to_string(reply).unwrap_or_else(|e| {
        format!(r#"{{"type":"failed","job":0,"error":{{"code":"internal","message":"{e}"}}}}"#)
    });
    let _ = scope.post_message(&Array::of1(&JsValue::from_str(&text)));
}
