//! The UI's handle on the analysis worker: the one module that knows how to reach spur-core.
//!
//! Components call the `async fn`s here; they never see messages, job ids or the Worker object.
//! One worker per page, created on first use and kept in a thread-local (the UI thread is the
//! only thread that touches it, and Leptos contexts require `Send`, which a Worker is not).

pub mod leads;

use crate::protocol::{ErrorDto, FromWorker, JobId, ToWorker};
use futures_channel::oneshot;
use js_sys::{Array, ArrayBuffer};
use spur_core::summary::Summary;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// A reply and the buffer transferred with it, if any.
type Reply = (FromWorker, Option<ArrayBuffer>);
/// Called with `(done, total)` for each progress message of a job.
type OnProgress = Rc<dyn Fn(u64, u64)>;

struct Pending {
    tx: oneshot::Sender<Reply>,
    progress: Option<OnProgress>,
}

/// Trunk's loader shim for the `analysis_worker` binary (see `app/index.html`).
const WORKER_URL: &str = "./analysis_worker_loader.js";

#[derive(Default)]
struct Shared {
    ready: bool,
    queued: Vec<(String, ArrayBuffer)>,
    pending: HashMap<JobId, Pending>,
    next_job: JobId,
    broken: Option<String>,
}

struct Client {
    worker: Worker,
    shared: Rc<RefCell<Shared>>,
}

thread_local! {
    static CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

fn client() -> Result<Rc<Client>, ErrorDto> {
    CLIENT.with(|slot| {
        if let Some(c) = slot.borrow().as_ref() {
            return Ok(c.clone());
        }
        let c = Rc::new(Client::spawn()?);
        *slot.borrow_mut() = Some(c.clone());
        Ok(c)
    })
}

impl Client {
    fn spawn() -> Result<Client, ErrorDto> {
        let worker = Worker::new(WORKER_URL).map_err(|e| ErrorDto {
            code: "worker_unavailable".into(),
            message: format!("cannot start the analysis worker ({e:?}); reload the page"),
        })?;
        let shared = Rc::new(RefCell::new(Shared::default()));

        let on_message_shared = shared.clone();
        let on_message_worker = worker.clone();
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |msg: MessageEvent| {
            let parts = Array::from(&msg.data());
            let header = parts.get(0).as_string().unwrap_or_default();
            let Ok(reply) = serde_json::from_str::<FromWorker>(&header) else {
                return;
            };
            let mut s = on_message_shared.borrow_mut();
            match reply.job() {
                None => {
                    s.ready = true;
                    for (h, buf) in std::mem::take(&mut s.queued) {
                        send(&on_message_worker, &h, buf);
                    }
                }
                Some(job) => {
                    if let FromWorker::Progress { done, total, .. } = reply {
                        let callback = s.pending.get(&job).and_then(|p| p.progress.clone());
                        drop(s);
                        if let Some(callback) = callback {
                            callback(done, total);
                        }
                        return;
                    }
                    if let Some(p) = s.pending.remove(&job) {
                        let payload = parts.get(1).dyn_into::<ArrayBuffer>().ok();
                        let _ = p.tx.send((reply, payload));
                    }
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_error_shared = shared.clone();
        let on_error = Closure::<dyn Fn(ErrorEvent)>::new(move |e: ErrorEvent| {
            let mut s = on_error_shared.borrow_mut();
            s.broken = Some(format!(
                "the analysis worker stopped: {}; reload the page",
                e.message()
            ));
            // Dropping the senders wakes every waiting call with an error.
            s.pending.clear();
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Ok(Client { worker, shared })
    }

    async fn call(
        &self,
        make: impl FnOnce(JobId) -> ToWorker,
        payload: ArrayBuffer,
        progress: Option<OnProgress>,
    ) -> Result<Reply, ErrorDto> {
        let rx = {
            let mut s = self.shared.borrow_mut();
            if let Some(msg) = &s.broken {
                return Err(ErrorDto {
                    code: "worker_stopped".into(),
                    message: msg.clone(),
                });
            }
            s.next_job = s.next_job.wrapping_add(1).max(1);
            let job = s.next_job;
            let header = serde_json::to_string(&make(job)).map_err(|e| ErrorDto {
                code: "internal".into(),
                message: format!("cannot encode the request: {e}"),
            })?;
            let (tx, rx) = oneshot::channel();
            s.pending.insert(job, Pending { tx, progress });
            if s.ready {
                send(&self.worker, &header, payload);
            } else {
                s.queued.push((header, payload));
            }
            rx
        };
        rx.await.map_err(|_| {
            let msg = self.shared.borrow().broken.clone();
            ErrorDto {
                code: "worker_stopped".into(),
                message: msg
                    .unwrap_or_else(|| "the analysis worker stopped; reload the page".into()),
            }
        })
    }
}

fn send(worker: &Worker, header: &str, payload: ArrayBuffer) {
    let msg = Array::of2(&JsValue::from_str(header), &payload);
    let _ = worker.post_message_with_transfer(&msg, &Array::of1(&payload));
}

/// Count the events, cases and activities of a log, in the worker. The buffer is transferred.
pub async fn summarize(name: String, bytes: ArrayBuffer) -> Result<Summary, ErrorDto> {
    let reply = client()?
        .call(|job| ToWorker::Summarize { job, name }, bytes, None)
        .await?;
    match reply.0 {
        FromWorker::Summarized { summary, .. } => Ok(summary),
        FromWorker::Failed { error, .. } => Err(error),
        other => Err(ErrorDto {
            code: "protocol".into(),
            message: format!("unexpected reply {other:?}"),
        }),
    }
}
