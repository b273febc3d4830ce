//! `POST /events` over Durable Objects, I/O only: the worker fans a batch out to one object per
//! key ([`post_events`]); each object ([`SessionEvents`]) loads its bytes once, keeps the
//! decoded state in memory while it lives, hands it to
//! [`spur_core::edge::events::object_call_on`], stores what core returns *before* answering and
//! sets the alarm core names. Every decision is in `spur_core::edge::events`.

use futures_util::future::join_all;
use spur_core::edge::events::{self, ObjectOutcome};
use spur_core::edge::{BodyStream, Request as EdgeRequest, Response as EdgeResponse};
use spur_core::stream::session_features::ObjectState;
use std::cell::{Cell, RefCell};
use worker::js_sys::{Date as JsDate, Number, Uint8Array};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::{
    durable_object, DurableObject, Env, Method, Request, RequestInit, Response, Result,
    ScheduledTime, State, Storage,
};

/// The Durable Object namespace binding of the per-key event objects.
pub const DO_BINDING: &str = "SPUR_EVENTS";
/// The storage key of an object's state (operator snapshot + features, one blob).
const STATE_KEY: &str = "state";

fn now_ms() -> i64 {
    worker::Date::now().as_millis() as i64
}

/// Forward one key's events (or a features read) to its object.
async fn call_object(
    env: &Env,
    key: &str,
    method: Method,
    path: &str,
    body: Option<&[u8]>,
) -> std::result::Result<(u16, Vec<u8>), String> {
    let go = async {
        let stub = env
            .durable_object(DO_BINDING)?
            .id_from_name(key)?
            .get_stub()?;
        let mut init = RequestInit::new();
        init.with_method(method);
        if let Some(b) = body {
            init.with_body(Some(Uint8Array::from(b).into()));
        }
        let req = Request::new_with_init(&format!("https://events-object{path}"), &init)?;
        let mut resp = stub.fetch_with_request(req).await?;
        Ok::<_, worker::Error>((resp.status_code(), resp.bytes().await?))
    };
    go.await.map_err(|e| e.to_string())
}

/// `POST /events`: plan in core, one sub-request per key (concurrently), merge in core.
pub async fn post_events(
    env: &Env,
    head: &EdgeRequest<'_>,
    body: &mut impl BodyStream,
) -> EdgeResponse {
    let plan = match events::plan(head, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let calls = plan
        .groups
        .iter()
        .map(|(key, b)| call_object(env, key, Method::Post, "/apply", Some(b)));
    let answers = join_all(calls).await;
    events::merge(plan, answers)
}

/// The features of session `session_id` as JSON (`spur_core::stream::session_features::FeatureView`):
/// what `/recommend` reads so a shop need not resend the clicks. `Err` names what failed.
pub async fn session_features(env: &Env, session_id: &str) -> std::result::Result<Vec<u8>, String> {
    match call_object(env, session_id, Method::Get, "/features", None).await? {
        (200, body) => Ok(body),
        (status, body) => Err(format!("{status} {}", String::from_utf8_lossy(&body))),
    }
}

/// One key's events: its windows, ids and features, in its transactional storage.
#[durable_object]
pub struct SessionEvents {
    state: State,
    /// The decoded state as last stored (`None`: not loaded yet, or a write failed and the
    /// next call must read storage again). Safe to keep: the object is storage's only writer,
    /// and core changes it with no await in between.
    memory: RefCell<Option<ObjectState>>,
    /// Whether an alarm is known to be pending (saves a `getAlarm` per batch).
    alarm_pending: Cell<bool>,
}

async fn load(storage: &Storage) -> Result<Option<Vec<u8>>> {
    let v = JsFuture::from(storage.as_raw().get(STATE_KEY)?).await?;
    Ok((!v.is_undefined()).then(|| Uint8Array::new(&v).to_vec()))
}

impl SessionEvents {
    /// Run `f` on the state in memory, reading storage first if it is not there.
    async fn with_state(
        &self,
        storage: &Storage,
        f: impl FnOnce(&mut ObjectState) -> ObjectOutcome,
    ) -> Result<ObjectOutcome> {
        if self.memory.borrow().is_none() {
            let stored = load(storage).await?;
            match events::object_load(stored.as_deref()) {
                Ok(s) => *self.memory.borrow_mut() = Some(s),
                Err(response) => {
                    return Ok(ObjectOutcome {
                        store: None,
                        alarm_at: None,
                        response,
                    })
                }
            }
            // what a previous incarnation of the object left pending
            self.alarm_pending.set(storage.get_alarm().await?.is_some());
        }
        let mut memory = self.memory.borrow_mut();
        match memory.as_mut() {
            Some(state) => Ok(f(state)),
            None => Err(worker::Error::RustError(
                "events object state not loaded".into(),
            )),
        }
    }

    /// Store, then set the alarm, as core said: the answer leaves only after both (one write
    /// per batch; workerd coalesces a put and an alarm change into one transaction). Outside
    /// the alarm handler an alarm already pending is kept (an early ring is harmless: core
    /// checks the idle time and names the next one), which saves an alarm write per batch. A
    /// failed write forgets the state in memory, so the next call reads what was stored.
    async fn commit(&self, storage: &Storage, out: &ObjectOutcome, in_alarm: bool) -> Result<()> {
        let written = async {
            if let Some(bytes) = &out.store {
                storage
                    .put_raw(STATE_KEY, JsValue::from(Uint8Array::from(bytes.as_slice())))
                    .await?;
            }
            match out.alarm_at {
                Some(_) if !in_alarm && self.alarm_pending.get() => {}
                Some(t) => {
                    let date = JsDate::new(&Number::from(t as f64));
                    storage.set_alarm(ScheduledTime::new(date)).await?;
                    self.alarm_pending.set(true);
                }
                None if self.alarm_pending.get() => {
                    storage.delete_alarm().await?;
                    self.alarm_pending.set(false);
                }
                None => {}
            }
            Ok::<_, worker::Error>(())
        };
        let r = written.await;
        if r.is_err() {
            self.memory.replace(None);
        }
        r
    }
}

fn respond(r: EdgeResponse) -> Result<Response> {
    let headers = worker::Headers::new();
    for (name, value) in &r.headers {
        headers.set(name, value)?;
    }
    Ok(Response::from_bytes(r.body)?
        .with_status(r.status)
        .with_headers(headers))
}

impl DurableObject for SessionEvents {
    fn new(state: State, _env: Env) -> Self {
        SessionEvents {
            state,
            memory: RefCell::new(None),
            alarm_pending: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let method = req.method().to_string();
        let path = req.path();
        let body = if method == "POST" {
            req.bytes().await?
        } else {
            Vec::new()
        };
        let storage = self.state.storage();
        let now = now_ms();
        let out = self
            .with_state(&storage, |s| {
                events::object_call_on(s, &method, &path, &body, now)
            })
            .await?;
        self.commit(&storage, &out, false).await?;
        respond(out.response)
    }

    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let now = now_ms();
        let out = self
            .with_state(&storage, |s| events::object_alarm_on(s, now))
            .await?;
        // the ringing alarm is spent: core names the next one, if any
        self.alarm_pending.set(false);
        self.commit(&storage, &out, true).await?;
        respond(out.response)
    }
}
