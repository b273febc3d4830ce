//! The client side of "Ship to edge" (the web app's button): which URL to call, what an
//! answer of `PUT /admin/model` means for the user and what to do next, and which model
//! `GET /health` says is in service. Sans-IO so the browser shell only does the `fetch`es and
//! every wording is tested here.

use crate::model::ModelKind;
use serde::{Deserialize, Serialize};

/// The edge's base URL from what the user typed: `http(s)://host[:port][/prefix]`, no trailing
/// slash, no query or fragment.
pub fn base_url(input: &str) -> Result<String, String> {
    let typed = input.trim();
    let url = typed.trim_end_matches('/');
    let rest = typed
        .strip_prefix("https://")
        .or_else(|| typed.strip_prefix("http://"))
        .map(|r| r.trim_end_matches('/'))
        .ok_or_else(|| {
            format!(
                "`{}` is not an http(s) URL: enter the edge's address, e.g. https://spur-edge.example.workers.dev or http://127.0.0.1:8787",
                short(url)
            )
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("the edge URL has no host: enter e.g. http://127.0.0.1:8787".into());
    }
    if rest.contains(['?', '#', ' ', '\t']) {
        return Err(format!(
            "`{}`: leave out query, fragment and spaces; enter only the edge's base address",
            short(url)
        ));
    }
    Ok(url.to_string())
}

fn short(s: &str) -> String {
    if s.chars().count() > 80 {
        s.chars().take(79).chain(['\u{2026}']).collect()
    } else {
        s.to_string()
    }
}

/// A refused or failed upload, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipError {
    /// `cors_refused`, `unreachable`, `unauthorized`, `admin_disabled`, `model_not_newer`,
    /// `too_large`, `bad_artifact` or `edge_error`.
    pub code: String,
    /// What happened and what to do next.
    pub message: String,
}

fn ship_error(code: &str, message: String) -> ShipError {
    ShipError {
        code: code.into(),
        message,
    }
}

/// The `{"error":{"code","message"}}` of an edge answer, if the body is one.
fn edge_error(body: &[u8]) -> Option<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let e = v.get("error")?;
    Some((
        e.get("code")?.as_str()?.to_string(),
        e.get("message")
            .and_then(|m| m.as_str())
            .unwrap_or("")
            .to_string(),
    ))
}

/// The request never got an answer the page may read. Browsers report a CORS refusal and a
/// network failure alike; `health_ok` (whether the public `GET /health` answered) tells them
/// apart: the edge is up, so it refused this page's `origin`.
pub fn unreachable(url: &str, origin: &str, health_ok: bool) -> ShipError {
    if health_ok {
        ship_error(
            "cors_refused",
            format!(
                "the edge at {url} is up but refused this page's origin {origin} for admin calls (CORS): add {origin} to the edge's ALLOWED_ORIGINS var (comma-separated; `wrangler.toml` [vars], or Miniflare's bindings locally) and ship again"
            ),
        )
    } else {
        ship_error(
            "unreachable",
            format!(
                "no answer from {url}: check the URL and that the edge runs (locally: `node tests/support/edge.mjs`, then http://127.0.0.1:8787); a page served over https cannot call an http edge"
            ),
        )
    }
}

/// What a non-2xx answer of `PUT /admin/model` means.
pub fn refused(status: u16, body: &[u8]) -> ShipError {
    let (code, message) = edge_error(body).unwrap_or_default();
    let said = if message.is_empty() {
        String::new()
    } else {
        format!(" (the edge said: {})", short(&message))
    };
    match (status, code.as_str()) {
        (401, _) => ship_error(
            "unauthorized",
            format!("the edge refused the admin token (401): paste the ADMIN_TOKEN the edge was configured with (`wrangler secret put ADMIN_TOKEN`){said}"),
        ),
        (503, "admin_disabled") | (503, "") => ship_error(
            "admin_disabled",
            format!("admin is disabled on this edge (503): give it an ADMIN_TOKEN of at least {} bytes with `wrangler secret put ADMIN_TOKEN`, then ship again{said}", super::MIN_TOKEN_BYTES),
        ),
        (403, "origin_not_allowed") => ship_error(
            "cors_refused",
            format!("the edge refused this page's origin (403): add it to the ALLOWED_ORIGINS var{said}"),
        ),
        (409, _) => ship_error(
            "model_not_newer",
            format!("the edge already serves a newer model of this kind (409): train again to make a newer one{said}"),
        ),
        (413, _) => ship_error(
            "too_large",
            format!("the artifact is larger than the edge accepts (413){said}"),
        ),
        (400 | 415 | 422, _) => ship_error(
            "bad_artifact",
            format!("the edge could not read the artifact ({status}){said}: train again; if it persists, the app and the edge are of different Spur versions"),
        ),
        _ => ship_error(
            "edge_error",
            format!("the edge answered {status}{}{said}; try again", if code.is_empty() { String::new() } else { format!(" {code}") }),
        ),
    }
}

/// A model in service, as `GET /health` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Served {
    pub kind: String,
    pub sha256: String,
    pub created_at_ms: i64,
}

/// The model of `kind` that `/health`'s body says is in service (`None`: none loaded or the
/// body is not a health answer).
pub fn served(health_body: &[u8], kind: ModelKind) -> Option<Served> {
    let v: serde_json::Value = serde_json::from_slice(health_body).ok()?;
    let m = v.get("models")?.get(kind.name())?;
    if m.get("loaded")?.as_bool() != Some(true) {
        return None;
    }
    Some(Served {
        kind: kind.name().to_string(),
        sha256: m.get("sha256")?.as_str()?.to_string(),
        created_at_ms: m.get("created_at_ms").and_then(|t| t.as_i64()).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_takes_http_and_https_only() {
        assert_eq!(
            base_url(" http://127.0.0.1:8787/ ").as_deref(),
            Ok("http://127.0.0.1:8787")
        );
        assert_eq!(
            base_url("https://e.example/api").as_deref(),
            Ok("https://e.example/api")
        );
        assert!(base_url("127.0.0.1:8787").unwrap_err().contains("http(s)"));
        assert!(base_url("http://").unwrap_err().contains("no host"));
        assert!(base_url("http://x/?a=1").unwrap_err().contains("query"));
    }

    #[test]
    fn refusals_say_what_to_do() {
        let body = br#"{"error":{"code":"unauthorized","message":"send a token"}}"#;
        let e = refused(401, body);
        assert_eq!(e.code, "unauthorized");
        assert!(e.message.contains("ADMIN_TOKEN") && e.message.contains("send a token"));
        let e = refused(
            503,
            br#"{"error":{"code":"admin_disabled","message":"no"}}"#,
        );
        assert_eq!(e.code, "admin_disabled");
        assert!(e.message.contains("32 bytes"));
        assert_eq!(refused(409, b"").code, "model_not_newer");
        assert_eq!(refused(413, b"not json").code, "too_large");
        assert_eq!(refused(400, b"{}").code, "bad_artifact");
        let e = refused(500, br#"{"error":{"code":"storage","message":"KV down"}}"#);
        assert_eq!(e.code, "edge_error");
        assert!(e.message.contains("500 storage"), "{}", e.message);
    }

    #[test]
    fn no_answer_is_cors_when_health_answers() {
        let e = unreachable("http://e", "http://127.0.0.1:9", true);
        assert_eq!(e.code, "cors_refused");
        assert!(e.message.contains("ALLOWED_ORIGINS") && e.message.contains("http://127.0.0.1:9"));
        assert_eq!(unreachable("http://e", "o", false).code, "unreachable");
    }

    #[test]
    fn served_reads_the_health_answer() {
        let body = br#"{"status":"ok","models":{"leads":{"loaded":false,"version":null},
            "reco":{"loaded":true,"kind":"reco","sha256":"ab12","created_at_ms":5}}}"#;
        assert_eq!(
            served(body, ModelKind::Recommender),
            Some(Served {
                kind: "reco".into(),
                sha256: "ab12".into(),
                created_at_ms: 5
            })
        );
        assert_eq!(served(body, ModelKind::Leads), None);
        assert_eq!(served(b"nope", ModelKind::Leads), None);
    }
}
