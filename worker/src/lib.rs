//! spur-edge: the Cloudflare Worker. Only I/O: it reads the request head, lends workerd's KV
//! and the request's body stream to [`spur_core::edge::handle`], and writes its response.
//!
//! Every decision (routing, body limits, CORS, the admin token, parsing, scoring, which model
//! serves) is spur-core's, so the whole request path is tested and fuzzed natively too.
//! Settings: the `ADMIN_TOKEN` secret, and the vars `ALLOWED_ORIGINS` (app origins allowed to
//! call the admin endpoints) and `MODEL_CHECK_SECONDS` (how often an isolate looks for a new
//! model in KV).

use futures_util::StreamExt;
use spur_core::edge::{self, BodyStream, Config, Host, Models};
use std::cell::OnceCell;
use std::rc::Rc;
use worker::{event, kv::KvStore, ByteStream, Context, Env, Headers, Request, Response, Result};

pub mod events;

/// The KV namespace binding that holds the models.
pub const KV_BINDING: &str = "SPUR_MODELS";

thread_local! {
    // One isolate serves one request at a time on one thread; requests interleave only at
    // awaits, and core never holds a borrow across one.
    static MODELS: Rc<Models> = Rc::new(Models::default());
    static CONFIG: OnceCell<Rc<Config>> = const { OnceCell::new() };
}

/// The isolate's settings, read from the environment once.
fn config(env: &Env) -> Rc<Config> {
    CONFIG.with(|c| {
        c.get_or_init(|| {
            let var = |name| env.var(name).ok().map(|v| v.to_string());
            Rc::new(Config::from_vars(
                env.secret("ADMIN_TOKEN").ok().map(|s| s.to_string()),
                var("ALLOWED_ORIGINS").as_deref(),
                var("MODEL_CHECK_SECONDS").as_deref(),
            ))
        })
        .clone()
    })
}

/// KV and the events objects, looked up only when core asks (a cached request touches no
/// binding).
struct Kv<'a> {
    env: &'a Env,
}

impl Kv<'_> {
    fn store(&self) -> std::result::Result<KvStore, String> {
        self.env
            .kv(KV_BINDING)
            .map_err(|e| format!("no {KV_BINDING} KV binding: {e}"))
    }
}

impl Host for Kv<'_> {
    async fn get(&self, key: &str) -> std::result::Result<Option<Vec<u8>>, String> {
        let store = self.store()?;
        store.get(key).bytes().await.map_err(|e| e.to_string())
    }
    async fn put(&self, key: &str, value: &[u8]) -> std::result::Result<(), String> {
        let store = self.store()?;
        store
            .put_bytes(key, value)
            .map_err(|e| e.to_string())?
            .execute()
            .await
            .map_err(|e| e.to_string())
    }
    async fn session_features(&self, id: &str) -> std::result::Result<Vec<u8>, String> {
        events::session_features(self.env, id).await
    }
    fn log(&self, line: &str) {
        worker::console_error!("{line}");
    }
}

/// How the body reaches core. With a `Content-Length` header HTTP framing bounds the body to
/// that many bytes, and core refuses a length over the endpoint's limit before it asks for a
/// byte, so one `arrayBuffer()` call is as safe as the stream and saves a promise per chunk
/// (the bulk of a small request's time in the worker). Without one (chunked), core reads the
/// stream and stops at its limit + 1 byte.
enum Body {
    Whole(Option<Request>),
    Stream(Option<ByteStream>),
}

impl BodyStream for Body {
    async fn next_chunk(&mut self) -> Option<std::result::Result<Vec<u8>, String>> {
        match self {
            Body::Whole(req) => {
                let mut req = req.take()?;
                match req.bytes().await {
                    Ok(b) if b.is_empty() => None,
                    Ok(b) => Some(Ok(b)),
                    Err(e) => Some(Err(e.to_string())),
                }
            }
            Body::Stream(stream) => {
                let chunk = stream.as_mut()?.next().await?;
                Some(chunk.map_err(|e| e.to_string()))
            }
        }
    }
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let config = config(&env);
    let method = req.method().to_string();
    let path = req.path();
    let headers: Vec<(String, String)> = ["content-length", "authorization", "origin"]
        .into_iter()
        .filter_map(|name| Some((name.to_string(), req.headers().get(name).ok()??)))
        .collect();
    let head = edge::Request {
        method: &method,
        path: &path,
        headers: &headers,
        now_ms: worker::Date::now().as_millis() as i64,
    };
    let has_length = headers.iter().any(|(name, _)| name == "content-length");
    let mut body = if has_length {
        Body::Whole(Some(req))
    } else {
        Body::Stream(req.stream().ok())
    };
    let answer = match edge::events::route(&method, &path) {
        Some(Ok(())) => events::post_events(&env, &head, &mut body).await,
        Some(Err(refusal)) => refusal,
        None => {
            let host = Kv { env: &env };
            let models = MODELS.with(Rc::clone);
            edge::handle(&config, &models, &host, &head, &mut body).await
        }
    };
    let out = Headers::new();
    for (name, value) in &answer.headers {
        out.set(name, value)?;
    }
    Ok(Response::from_bytes(answer.body)?
        .with_status(answer.status)
        .with_headers(out))
}
