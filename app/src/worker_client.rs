//! The UI's handle on the analysis worker: the one module that knows how to reach spur-core.
//!
//! Components call the `async fn`s here; they never see messages, job ids or the Worker object.
//! One worker per [`Lane`], created on first use and kept in a thread-local (the UI thread is the
//! only thread that touches it, and Leptos contexts require `Send`, which a Worker is not).
//! [`restart`] terminates the main one (cancelling whatever it computes) and the next call starts
//! a new one; the Recommendations screen has a worker of its own ([`Lane::Reco`]) so that its
//! Cancel does not cost the Process and Leads screens what their worker holds, and the Leads
//! screen mines activity logs on one of its own ([`Lane::Activities`]) for the same reason.
//! Synchronous trainings run on workers of their own ([`Lane::LeadsTrain`], [`Lane::RecoTrain`])
//! given a copy of their input, so that Cancel terminates only the run.

pub mod activities;
pub mod cases;
pub mod leads;
pub mod model;
pub mod ocel;
pub mod process;
pub mod recipe;
pub mod reco;
pub mod sources;
pub mod stream;

use crate::protocol::{ErrorDto, FromWorker, JobId, ToWorker};
use futures_channel::oneshot;
use js_sys::{Array, ArrayBuffer};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// Trunk's loader shim for the `analysis_worker` binary (see `app/index.html`).
const WORKER_URL: &str = "./analysis_worker_loader.js";

/// Sees a job's intermediate messages.
pub(crate) type OnMessage = Box<dyn Fn(&FromWorker)>;
/// Called with `(done, total)` for each `Progress` message of a job (the Leads screen).
type OnProgress = Rc<dyn Fn(u64, u64)>;

#[derive(Default)]
struct Shared {
    ready: bool,
    queued: Vec<(String, Option<ArrayBuffer>)>,
    /// Replies with their payload (`undefined` when none).
    pending: HashMap<JobId, oneshot::Sender<(FromWorker, JsValue)>>,
    /// Called with the intermediate messages (progress) of a job.
    progress: HashMap<JobId, OnMessage>,
    next_job: JobId,
    broken: Option<String>,
}

struct Client {
    worker: Worker,
    shared: Rc<RefCell<Shared>>,
}

/// Which worker a call goes to: each is an instance of the same `analysis_worker` with its own
/// state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lane {
    /// The Load, Process and Leads screens.
    #[default]
    Main,
    /// The Recommendations screen (its clickstream, previews and model).
    Reco,
    /// The Leads screen's activity log (issue 19): mined here so that Cancel, which must
    /// terminate a synchronous run, costs neither the lead table nor the process log.
    Activities,
    /// The Leads screen's training runs (a copy of the main worker's table): Cancel terminates
    /// this worker and the main one keeps the table and the last model.
    LeadsTrain,
    /// The Recommendations screen's reading and training runs (a copy of its clickstream file):
    /// Cancel terminates this worker and [`Lane::Reco`] keeps the file and the last model.
    RecoTrain,
}

/// How many lanes there are.
const LANES: usize = 5;

thread_local! {
    static CLIENTS: RefCell<[Option<Rc<Client>>; LANES]> = const { RefCell::new([const { None }; LANES]) };
    /// Lanes whose page is giving a restarted worker its sources back, with the calls waiting.
    static HELD: RefCell<[Option<Vec<oneshot::Sender<()>>>; LANES]> = const { RefCell::new([const { None }; LANES]) };
}

/// Hold calls that read a lane's sources (previews) until [`release`]: after a restart the page
/// sends the sources again in several round trips, and a preview asked meanwhile would find an
/// empty worker.
pub fn hold(lane: Lane) {
    HELD.with(|h| {
        h.borrow_mut()[lane as usize].get_or_insert_with(Vec::new);
    });
}

/// The lane's sources are back (or could not be): the held calls go on.
pub fn release(lane: Lane) {
    if let Some(waiting) = HELD.with(|h| h.borrow_mut()[lane as usize].take()) {
        for w in waiting {
            let _ = w.send(());
        }
    }
}

/// Wait while `lane` is held.
async fn ready(lane: Lane) {
    let wait = HELD.with(|h| {
        h.borrow_mut()[lane as usize].as_mut().map(|waiting| {
            let (tx, rx) = oneshot::channel();
            waiting.push(tx);
            rx
        })
    });
    if let Some(rx) = wait {
        let _ = rx.await;
    }
}

fn client() -> Result<Rc<Client>, ErrorDto> {
    client_on(Lane::Main)
}

fn client_on(lane: Lane) -> Result<Rc<Client>, ErrorDto> {
    CLIENTS.with(|slots| {
        if let Some(c) = slots.borrow()[lane as usize].as_ref() {
            return Ok(c.clone());
        }
        let c = Rc::new(Client::spawn()?);
        slots.borrow_mut()[lane as usize] = Some(c.clone());
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
            let mut s = on_message_shared.borrow_mut();
            let reply = match serde_json::from_str::<FromWorker>(&header) {
                Ok(reply) => reply,
                Err(e) => {
                    // A reply no job can be matched to: fail every waiting call rather than
                    // leave them hanging.
                    fail_all(&mut s, &format!("unreadable reply from the worker: {e}"));
                    return;
                }
            };
            if let FromWorker::Failed { job: 0, error } = &reply {
                // No call has job 0 (ids start at 1) and every request carries its id, so this
                // answers none of the waiting calls: report it, and fail none of them.
                web_sys::console::error_1(
                    &format!("worker reply without a job: {}", error.message).into(),
                );
                return;
            }
            match reply.job() {
                None => {
                    s.ready = true;
                    for (h, buf) in std::mem::take(&mut s.queued) {
                        send(&on_message_worker, &h, buf);
                    }
                }
                Some(job) => {
                    if matches!(
                        reply,
                        FromWorker::Progress { .. }
                            | FromWorker::ImportProgress { .. }
                            | FromWorker::RecoProgress { .. }
                            | FromWorker::ActivitiesProgress { .. }
                    ) {
                        if let Some(on_progress) = s.progress.get(&job) {
                            on_progress(&reply);
                        }
                        return;
                    }
                    s.progress.remove(&job);
                    if let Some(tx) = s.pending.remove(&job) {
                        let _ = tx.send((reply, parts.get(1)));
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
            s.progress.clear();
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Ok(Client { worker, shared })
    }

    /// Send a request with a transferred payload and wait for its final reply.
    /// Send a request with a transferred payload; the reply comes with its payload, and
    /// `progress` sees `(done, total)` of the job's `Progress` messages.
    async fn call(
        &self,
        make: impl FnOnce(JobId) -> ToWorker,
        payload: ArrayBuffer,
        progress: Option<OnProgress>,
    ) -> Result<(FromWorker, Option<ArrayBuffer>), ErrorDto> {
        let on_message = progress.map(|f| -> OnMessage {
            Box::new(move |m: &FromWorker| {
                if let FromWorker::Progress { done, total, .. } = m {
                    f(*done, *total);
                }
            })
        });
        let (reply, payload) = self.call_with(make, Some(payload), on_message).await?;
        Ok((reply, payload.dyn_into::<ArrayBuffer>().ok()))
    }

    /// Send a request (with an optional transferred payload) and wait for its final reply and
    /// the reply's payload; `on_progress` sees the job's intermediate messages.
    async fn call_with(
        &self,
        make: impl FnOnce(JobId) -> ToWorker,
        payload: Option<ArrayBuffer>,
        on_progress: Option<OnMessage>,
    ) -> Result<(FromWorker, JsValue), ErrorDto> {
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
            s.pending.insert(job, tx);
            if let Some(f) = on_progress {
                s.progress.insert(job, f);
            }
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

/// Bytes `lane`'s worker holds (a source, the lead table), moved here as a transferred buffer,
/// with their file name: what a screen hands on to another worker.
async fn bytes_on(
    lane: Lane,
    make: impl FnOnce(JobId) -> ToWorker,
) -> Result<(String, ArrayBuffer), ErrorDto> {
    let (reply, payload) = client_on(lane)?.call_with(make, None, None).await?;
    match reply {
        FromWorker::Bytes { name, .. } => match payload.dyn_into::<ArrayBuffer>() {
            Ok(bytes) => Ok((name, bytes)),
            Err(_) => Err(ErrorDto {
                code: "protocol".into(),
                message: format!("the worker sent {name} without its bytes"),
            }),
        },
        other => Err(unexpected(other)),
    }
}

/// A reply that is not the one a call expects, as the error the UI shows: the worker's own
/// error when it failed, else a protocol error naming the reply.
fn unexpected(reply: FromWorker) -> ErrorDto {
    match reply {
        FromWorker::Failed { error, .. } => error,
        other => ErrorDto {
            code: "protocol".into(),
            message: format!("unexpected reply {other:?}"),
        },
    }
}

/// Answer every waiting call with a `protocol` error saying `why`.
fn fail_all(s: &mut Shared, why: &str) {
    s.progress.clear();
    for (job, tx) in s.pending.drain() {
        let error = ErrorDto {
            code: "protocol".into(),
            message: format!("{why}; reload the page if this persists"),
        };
        let _ = tx.send((FromWorker::Failed { job, error }, JsValue::UNDEFINED));
    }
}

fn send(worker: &Worker, header: &str, payload: Option<ArrayBuffer>) {
    let header = JsValue::from_str(header);
    let _ = match payload {
        Some(payload) => {
            worker.post_message_with_transfer(&Array::of2(&header, &payload), &Array::of1(&payload))
        }
        None => worker.post_message(&Array::of1(&header)),
    };
}

/// Stop the worker now (what it computes is lost, and so is the log it holds); every waiting
/// call fails with `why`. The next call starts a fresh worker.
pub fn restart(why: &str) {
    restart_lane(Lane::Main, why);
}

/// [`restart`] for the worker of `lane`.
pub fn restart_lane(lane: Lane, why: &str) {
    let old = CLIENTS.with(|slots| slots.borrow_mut()[lane as usize].take());
    if let Some(c) = old {
        c.worker.terminate();
        let mut s = c.shared.borrow_mut();
        s.broken = Some(why.to_string());
        s.pending.clear();
        s.progress.clear();
    }
}
