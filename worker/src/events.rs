//! `POST /events` over Durable Objects, I/O only: the worker fans a batch out to one object per
//! key ([`post_events`]); each object ([`SessionEvents`]) loads its bytes, hands them to
//! [`spur_core::edge::events::object_call`], stores what core returns *before* answering and
//! sets the alarm core names. Every decision is in `spur_core::edge::events`.

use futures_util::future::join_all;
use spur_core::edge::events::{self, ObjectOutcome};
use spur_core::edge::{BodyStream, Request as EdgeRequest, Response as EdgeResponse};
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
}

async fn load(storage: &Storage) -> Result<Option<Vec<u8>>> {
    let v = JsFuture::from(storage.as_raw().get(STATE_KEY)?).await?;
    Ok((!v.is_undefined()).then(|| Uint8Array::new(&v).to_vec()))
}

/// Store, then set the alarm, as core said: the answer leaves only after both. Outside the
/// alarm handler an alarm already pending is kept (an early ring is harmless: core checks the
/// idle time and names the next one), which saves an alarm write per batch.
async fn commit(storage: &Storage, out: &ObjectOutcome, in_alarm: bool) -> Result<()> {
    if let Some(bytes) = &out.store {
        storage
            .put_raw(STATE_KEY, JsValue::from(Uint8Array::from(bytes.as_slice())))
            .await?;
    }
    match out.alarm_at {
        Some(_) if !in_alarm && storage.get_alarm().await?.is_some() => {}
        Some(t) => {
            let date = JsDate::new(&Number::from(t as f64));
            storage.set_alarm(ScheduledTime::new(date)).await?;
        }
        None if out.store.is_some() => storage.delete_alarm().await?,
        None => {}
    }
    Ok(())
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
        SessionEvents { state }
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
        let stored = load(&storage).await?;
        let out = events::object_call(stored.as_deref(), &method, &path, &body, now_ms());
        commit(&storage, &out, false).await?;
        respond(out.response)
    }

    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let stored = load(&storage).await?;
        let out = events::object_alarm(stored.as_deref(), now_ms());
        commit(&storage, &out, true).await?;
        respond(out.response)
    }
}
