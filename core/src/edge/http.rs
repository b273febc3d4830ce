//! The edge's view of HTTP: a request head, a response, the one JSON error shape, and the two
//! capabilities an adapter lends to the request path ([`Host`] for storage, session features
//! and logs, [`BodyStream`] for the body). Core performs no I/O itself; the worker implements these over
//! workerd's KV and request stream, tests and the fuzz target over memory.

use serde::Serialize;

/// A request as the adapter received it, minus the body. Header names compare
/// case-insensitively; `now_ms` is the adapter's clock (core reads none).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [(String, String)],
    pub now_ms: i64,
}

impl Request<'_> {
    /// The first value of header `name`, if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to send back. `headers` never holds `content-length` (the adapter's runtime sets it).
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// `value` as JSON with `status`.
    pub fn json(status: u16, value: &impl Serialize) -> Response {
        let body = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
        Response {
            status,
            headers: vec![("content-type", "application/json".into())],
            body,
        }
    }

    /// `{"error":{"code","message"}}` with `status`.
    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Response {
        let message: String = message.into();
        Response::json(
            status,
            &serde_json::json!({ "error": { "code": code, "message": message } }),
        )
    }

    /// No body (`204` and `HEAD`): the status and headers stay.
    pub fn empty(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The value of header `name` (tests and adapters).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The error code, when this is a JSON error (tests, logs).
    pub fn error_code(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v.get("error")?.get("code")?.as_str().map(str::to_string)
    }
}

/// Storage and logging, lent by the adapter. `async fn` without `Send`: workerd runs one
/// isolate on one thread, and the native drivers are single-threaded too.
#[allow(async_fn_in_trait)]
pub trait Host {
    /// The bytes under `key`, or `None`. `Err` is a storage failure, worded for a log.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String>;
    async fn put(&self, key: &str, value: &[u8]) -> Result<(), String>;
    /// The features of session `id` as its events object serves them (`GET /features`: JSON
    /// of [`crate::stream::session_features::FeatureView`]; an object that never saw an event
    /// answers an empty view, not an error). `Err`: the object could not be reached, worded
    /// for a log. Core decides what to do with either (`/recommend` with a `session_id`).
    async fn session_features(&self, id: &str) -> Result<Vec<u8>, String>;
    /// A line for the operator's log (a stored model refused, a storage failure).
    fn log(&self, line: &str);
}

/// The request body, chunk by chunk, as it arrives.
#[allow(async_fn_in_trait)]
pub trait BodyStream {
    /// The next chunk, `None` at the end, `Err` when the client's stream broke.
    async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, String>>;
}

/// A body already in memory, handed out in one chunk (tests, the fuzz target).
pub struct Bytes(pub Option<Vec<u8>>);

impl BodyStream for Bytes {
    async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, String>> {
        self.0.take().filter(|b| !b.is_empty()).map(Ok)
    }
}
