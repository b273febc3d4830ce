//! The request path without a runtime: an in-memory [`Host`] and a `block_on` for futures that
//! never wait (memory answers at once). Native tests and the fuzz target drive [`super::handle`]
//! through these, exactly as the worker does through workerd's KV; the per-key events objects
//! are a map of their stored bytes, driven by the same [`events`] functions as the Durable
//! Objects ([`MemoryEdge::post_events`]).

use super::events;
use super::http::{Bytes, Host, Request, Response};
use super::{handle, Config, Models};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// KV in a map, the events objects' stored bytes in another, and the log lines kept for
/// assertions.
#[derive(Debug, Default)]
pub struct MemoryHost {
    pub kv: RefCell<BTreeMap<String, Vec<u8>>>,
    /// Key → what that key's events object has stored.
    pub objects: RefCell<BTreeMap<String, Vec<u8>>>,
    /// When true, every object call fails, as when workerd cannot reach the object.
    pub objects_down: std::cell::Cell<bool>,
    pub logs: RefCell<Vec<String>>,
}

impl Host for MemoryHost {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        Ok(self.kv.borrow().get(key).cloned())
    }
    async fn put(&self, key: &str, value: &[u8]) -> Result<(), String> {
        self.kv.borrow_mut().insert(key.to_string(), value.to_vec());
        Ok(())
    }
    async fn session_features(&self, id: &str) -> Result<Vec<u8>, String> {
        if self.objects_down.get() {
            return Err(format!("events object {id}: unreachable (test)"));
        }
        let objects = self.objects.borrow();
        let out = events::object_call(
            objects.get(id).map(Vec::as_slice),
            "GET",
            "/features",
            b"",
            0,
        );
        match out.response.status {
            200 => Ok(out.response.body),
            s => Err(format!(
                "events object {id}: {s} {}",
                String::from_utf8_lossy(&out.response.body)
            )),
        }
    }
    fn log(&self, line: &str) {
        self.logs.borrow_mut().push(line.to_string());
    }
}

/// Run a future whose every await is ready at once (memory I/O); `None` if it ever waits.
pub fn block_on<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// One whole edge (config, isolate cache, KV) driven synchronously.
#[derive(Debug)]
pub struct MemoryEdge {
    pub config: Config,
    pub models: Models,
    pub host: MemoryHost,
}

impl MemoryEdge {
    pub fn new(config: Config) -> MemoryEdge {
        MemoryEdge {
            config,
            models: Models::default(),
            host: MemoryHost::default(),
        }
    }

    /// Answer one request.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
        now_ms: i64,
    ) -> Response {
        let req = Request {
            method,
            path,
            headers,
            now_ms,
        };
        let mut body = Bytes(Some(body.to_vec()));
        block_on(handle(
            &self.config,
            &self.models,
            &self.host,
            &req,
            &mut body,
        ))
        .unwrap_or_else(|| Response::error(500, "internal", "memory I/O waited"))
    }

    /// `POST /events` as the worker and its objects serve it: plan, one `/apply` per key
    /// against [`MemoryHost::objects`] (stored only on success), merge.
    pub fn post_events(&self, body: &[u8], now_ms: i64) -> Response {
        let plan = match events::plan_bytes(body) {
            Ok(p) => p,
            Err(r) => return r,
        };
        let mut objects = self.host.objects.borrow_mut();
        let answers = plan
            .groups
            .iter()
            .map(|(key, b)| {
                let out = events::object_call(
                    objects.get(key).map(Vec::as_slice),
                    "POST",
                    "/apply",
                    b,
                    now_ms,
                );
                if let Some(s) = out.store {
                    objects.insert(key.clone(), s);
                }
                Ok((out.response.status, out.response.body))
            })
            .collect();
        events::merge(plan, answers)
    }

    /// Answer a request described by raw bytes (the fuzz target's input): a first line
    /// `METHOD PATH`, header lines `name: value`, an empty line, then the body.
    pub fn call_raw(&self, data: &[u8], now_ms: i64) -> Response {
        let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
            Some(i) => (&data[..i], &data[i + 2..]),
            None => (data, &[][..]),
        };
        let head = String::from_utf8_lossy(head);
        let mut lines = head.lines();
        let first = lines.next().unwrap_or_default();
        let (method, path) = first.split_once(' ').unwrap_or((first, "/"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        self.call(method, path, &headers, body, now_ms)
    }
}
