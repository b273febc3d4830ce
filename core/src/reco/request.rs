//! The body of `POST /recommend`, validated strictly in core so that every shell refuses the
//! same inputs with the same codes: `{session_id?, customer_id?, clicks: [item…],
//! basket: [item…], k?}` with k in 1..=100, at most 200 clicks and 200 basket items, item ids
//! of 1..=256 bytes, no unknown fields.

use super::profile::CustomerProfile;
use super::recommend::{Request, MAX_CLICKS, MAX_K};
use serde::{Deserialize, Serialize};

/// Largest body accepted, in bytes (200 + 200 ids of 256 bytes fit).
pub const MAX_BODY_BYTES: usize = 128 << 10;
/// Longest item / session / customer id, in bytes.
pub const MAX_ID_BYTES: usize = 256;
/// k when the request does not say.
pub const DEFAULT_K: usize = 10;

/// A validated `/recommend` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecommendRequest {
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub clicks: Vec<String>,
    #[serde(default)]
    pub basket: Vec<String>,
    #[serde(default)]
    pub k: Option<u64>,
}

impl RecommendRequest {
    /// The scoring request, with the customer's profile when the feature store had one.
    pub fn to_request(&self, profile: Option<CustomerProfile>) -> Request {
        Request {
            clicks: self.clicks.clone(),
            basket: self.basket.clone(),
            k: self.k.map_or(DEFAULT_K, |k| k as usize),
            profile,
            ..Request::default()
        }
    }
}

/// Why a request was refused (always the caller's mistake: a 4xx).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    #[error("the body is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the body is empty: send {{\"clicks\": [...], \"basket\": [...]}}")]
    Empty,
    #[error("invalid JSON at line {line}, column {column}{}: {message}", in_field(.field))]
    Syntax {
        line: usize,
        column: usize,
        message: String,
        /// The field whose value broke (e.g. a non-UTF-8 `session_id`), when inside one.
        field: Option<String>,
    },
    #[error("field `{path}`: {message}")]
    Field { path: String, message: String },
}

impl RequestError {
    /// Stable code for `{"error":{"code":...}}`.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::TooLarge { .. } => "body_too_large",
            RequestError::Empty => "empty_body",
            RequestError::Syntax { .. } => "invalid_json",
            RequestError::Field { .. } => "invalid_field",
        }
    }

    /// HTTP status an adapter should answer with.
    pub fn status(&self) -> u16 {
        match self {
            RequestError::TooLarge { .. } => 413,
            _ => 400,
        }
    }
}

fn in_field(field: &Option<String>) -> String {
    field
        .as_deref()
        .map(|f| format!(", in field `{f}`"))
        .unwrap_or_default()
}

fn field(path: impl Into<String>, message: impl Into<String>) -> RequestError {
    RequestError::Field {
        path: path.into(),
        message: message.into(),
    }
}

fn check_id(path: &str, s: &str) -> Result<(), RequestError> {
    if s.is_empty() || s.len() > MAX_ID_BYTES {
        return Err(field(
            path,
            format!("{} bytes; 1 to {MAX_ID_BYTES} allowed", s.len()),
        ));
    }
    Ok(())
}

/// Parse and validate a `/recommend` body.
pub fn parse_recommend_request(body: &[u8]) -> Result<RecommendRequest, RequestError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(RequestError::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(RequestError::Empty);
    }
    // serde reads a struct from an array too (`[["a"]]` as clicks): only an object is a request.
    if body.trim_ascii_start().first() == Some(&b'[') {
        return Err(field("$", "an array; send a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let r: RecommendRequest = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            RequestError::Syntax {
                line: inner.line(),
                column: inner.column(),
                message: strip_location(&inner.to_string()),
                field: (path != "." && path != "?").then_some(path),
            }
        } else {
            field(
                if path == "." { "$".to_string() } else { path },
                strip_location(&inner.to_string()),
            )
        }
    })?;
    de.end().map_err(|e| RequestError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_location(&e.to_string()),
        field: None,
    })?;
    if let Some(k) = r.k {
        if k == 0 || k as usize > MAX_K {
            return Err(field("k", format!("{k}; 1 to {MAX_K} allowed")));
        }
    }
    for (name, list) in [("clicks", &r.clicks), ("basket", &r.basket)] {
        if list.len() > MAX_CLICKS {
            return Err(field(
                name,
                format!("{} items; at most {MAX_CLICKS}", list.len()),
            ));
        }
        for (i, s) in list.iter().enumerate() {
            check_id(&format!("{name}[{i}]"), s)?;
        }
    }
    if let Some(s) = &r.session_id {
        check_id("session_id", s)?;
    }
    if let Some(s) = &r.customer_id {
        check_id("customer_id", s)?;
    }
    Ok(r)
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &[u8]) -> &'static str {
        parse_recommend_request(body).map_or_else(|e| e.code(), |_| "ok")
    }

    #[test]
    fn accepts_the_documented_shape() {
        let r = parse_recommend_request(
            br#"{"session_id":"s1","customer_id":"C1","clicks":["a","b"],"basket":["x"],"k":5}"#,
        )
        .expect("valid");
        assert_eq!(r.clicks, ["a", "b"]);
        assert_eq!(r.to_request(None).k, 5);
        assert_eq!(
            parse_recommend_request(br#"{"clicks":[]}"#)
                .expect("valid")
                .to_request(None)
                .k,
            DEFAULT_K
        );
    }

    #[test]
    fn hostile_bodies_get_stable_codes() {
        let many = format!(r#"{{"clicks":[{}]}}"#, vec!["\"a\""; 10_000].join(","));
        let long = format!(r#"{{"clicks":["{}"]}}"#, "x".repeat(300));
        for (body, want) in [
            (&b""[..], "empty_body"),
            (b"  \n", "empty_body"),
            (b"{", "invalid_json"),
            (b"{\"clicks\":[\"a\"]} trailing", "invalid_json"),
            (b"[1,2]", "invalid_field"),
            (b"{\"clicks\":\"a\"}", "invalid_field"),
            (b"{\"clicks\":[1]}", "invalid_field"),
            (b"{\"clicks\":[],\"k\":0}", "invalid_field"),
            (b"{\"clicks\":[],\"k\":101}", "invalid_field"),
            (b"{\"clicks\":[],\"k\":-1}", "invalid_field"),
            (b"{\"clicks\":[],\"k\":2.5}", "invalid_field"),
            (b"{\"clicks\":[],\"extra\":1}", "invalid_field"),
            (b"{\"clicks\":[\"\"]}", "invalid_field"),
            (b"{\"clicks\":[\"\xff\xfe\"]}", "invalid_json"),
            (long.as_bytes(), "invalid_field"),
            (many.as_bytes(), "invalid_field"),
            (&vec![b' '; MAX_BODY_BYTES + 1], "body_too_large"),
        ] {
            assert_eq!(code(body), want, "{}", String::from_utf8_lossy(body));
        }
        let e = parse_recommend_request(b"{\"clicks\":[],\"extra\":1}").unwrap_err();
        assert!(e.to_string().contains("unknown field `extra`"), "{e}");
    }
}
