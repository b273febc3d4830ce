//! The feature store: customer profiles in KV under `profile:<customer_id>` (the profile's JSON),
//! written by `PUT /admin/profiles` (NDJSON, each line validated on its own), read back by
//! `GET /admin/profiles/{id}`, and read by `/recommend` through a small per-isolate cache
//! ([`ProfileCache`]: at most [`CACHE_ENTRIES`] customers, each for [`CACHE_TTL_MS`], misses
//! included) so a busy customer costs one KV read per TTL, not one per request.

use super::http::{Host, Response};
use super::route::{echo, PROFILE_PREFIX};
use crate::reco::profile::{parse_profile, parse_profiles_ndjson, CustomerProfile};
use std::cell::RefCell;
use std::collections::HashMap;

/// Largest `PUT /admin/profiles` body, in bytes.
pub const MAX_PROFILES_BODY_BYTES: usize = 1 << 20;
/// Most profile lines per upload: each accepted one is a KV write, and a Worker invocation
/// may make at most 1,000 KV operations.
pub const MAX_PROFILES_PER_UPLOAD: usize = 900;
/// Rejected lines listed in an answer (the count is always complete).
const MAX_LISTED: usize = 100;
/// Customers a cache holds, and how long an entry (found or not) is trusted.
pub const CACHE_ENTRIES: usize = 1024;
pub const CACHE_TTL_MS: i64 = 30_000;

/// The KV key of a customer's profile.
pub fn profile_key(customer_id: &str) -> String {
    format!("profile:{customer_id}")
}

/// Per-isolate cache of profiles (and of customers without one). Never borrowed across an await.
#[derive(Debug, Default)]
pub struct ProfileCache {
    entries: RefCell<HashMap<String, (i64, Option<CustomerProfile>)>>,
}

impl ProfileCache {
    fn fresh(&self, id: &str, now_ms: i64) -> Option<Option<CustomerProfile>> {
        let entries = self.entries.borrow();
        let (at, p) = entries.get(id)?;
        (now_ms >= *at && now_ms - at < CACHE_TTL_MS).then(|| p.clone())
    }

    fn store(&self, id: &str, now_ms: i64, profile: Option<CustomerProfile>) {
        let mut entries = self.entries.borrow_mut();
        if entries.len() >= CACHE_ENTRIES && !entries.contains_key(id) {
            // Drop the expired ones; if none is, the oldest.
            entries.retain(|_, (at, _)| now_ms >= *at && now_ms - *at < CACHE_TTL_MS);
            if entries.len() >= CACHE_ENTRIES {
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    entries.remove(&k);
                }
            }
        }
        entries.insert(id.to_string(), (now_ms, profile));
    }

    /// Entries held (tests).
    pub fn len(&self) -> usize {
        self.entries.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The customer's profile: cached, or read from KV. A storage failure or a stored profile
    /// that no longer parses is logged and answered as "no profile": recommending never fails
    /// for the feature store's sake.
    pub async fn lookup(
        &self,
        host: &impl Host,
        customer_id: &str,
        now_ms: i64,
    ) -> Option<CustomerProfile> {
        if let Some(hit) = self.fresh(customer_id, now_ms) {
            return hit;
        }
        let key = profile_key(customer_id);
        let found = match host.get(&key).await {
            Ok(Some(bytes)) => match parse_profile(&bytes) {
                Ok(p) if p.customer_id == customer_id => Some(p),
                Ok(_) => {
                    host.log(&format!("{key} holds another customer's profile; ignored"));
                    None
                }
                Err(e) => {
                    host.log(&format!("{key} is not a valid profile: {e}; ignored"));
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                host.log(&format!("reading {key} failed: {e}; answering without it"));
                return None;
            }
        };
        self.store(customer_id, now_ms, found.clone());
        found
    }
}

/// `PUT /admin/profiles`: store every valid line, list the refused ones by line number. Nothing
/// is stored when no line is valid (400) or there are too many lines (413).
pub async fn put_profiles(
    cache: &ProfileCache,
    host: &impl Host,
    bytes: &[u8],
    now_ms: i64,
) -> Response {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Response::error(
            400,
            "empty_body",
            "the body is empty: send NDJSON, one {\"customer_id\": ..., \"preferred_categories\": [...]} per line",
        );
    }
    let lines = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .count();
    if lines > MAX_PROFILES_PER_UPLOAD {
        return Response::error(
            413,
            "too_many_profiles",
            format!(
                "{lines} profile lines; at most {MAX_PROFILES_PER_UPLOAD} per upload: split the file"
            ),
        );
    }
    let (accepted, refused) = parse_profiles_ndjson(bytes);
    let rejected: Vec<serde_json::Value> = refused
        .iter()
        .take(MAX_LISTED)
        .map(|(line, e)| serde_json::json!({ "line": line, "error": echo(&e.to_string(), 200) }))
        .collect();
    if accepted.is_empty() {
        let first = refused
            .first()
            .map(|(line, e)| format!("line {line}: {}", echo(&e.to_string(), 200)))
            .unwrap_or_default();
        let mut r = Response::error(
            400,
            "no_valid_profiles",
            format!(
                "none of the {} line(s) is a valid profile ({first}); nothing was stored",
                refused.len()
            ),
        );
        r.body = serde_json::to_vec(&serde_json::json!({
            "error": { "code": "no_valid_profiles", "message": error_message(&r), "rejected": rejected },
        }))
        .unwrap_or(r.body);
        return r;
    }
    let mut stored = 0usize;
    for p in &accepted {
        let json = serde_json::to_vec(p).unwrap_or_default();
        if let Err(e) = host.put(&profile_key(&p.customer_id), &json).await {
            return Response::error(
                500,
                "storage",
                format!(
                    "profile storage (KV) failed after {stored} of {} profiles: {}; retry the upload (it is idempotent)",
                    accepted.len(),
                    echo(&e, 200)
                ),
            );
        }
        cache.store(&p.customer_id, now_ms, Some(p.clone()));
        stored += 1;
    }
    Response::json(
        200,
        &serde_json::json!({
            "status": "stored",
            "accepted": stored,
            "rejected_count": refused.len(),
            "rejected": rejected,
        }),
    )
}

fn error_message(r: &Response) -> String {
    serde_json::from_slice::<serde_json::Value>(&r.body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `GET /admin/profiles/{id}`: the stored profile (straight from KV, not the cache).
pub async fn get_profile(host: &impl Host, path: &str) -> Response {
    let raw = path.strip_prefix(PROFILE_PREFIX).unwrap_or_default();
    let Some(id) = percent_decode(raw) else {
        return Response::error(
            400,
            "invalid_customer_id",
            format!(
                "`{}` is not a percent-encoded UTF-8 customer id",
                echo(raw, 64)
            ),
        );
    };
    if id.is_empty() || id.len() > crate::reco::profile::MAX_ID_BYTES {
        return Response::error(
            400,
            "invalid_customer_id",
            format!(
                "the customer id is {} bytes; 1 to {} allowed",
                id.len(),
                crate::reco::profile::MAX_ID_BYTES
            ),
        );
    }
    match host.get(&profile_key(&id)).await {
        Ok(Some(bytes)) => match parse_profile(&bytes) {
            Ok(p) => Response::json(200, &p),
            Err(e) => Response::error(
                500,
                "storage",
                format!(
                    "the stored profile is unreadable: {}",
                    echo(&e.to_string(), 200)
                ),
            ),
        },
        Ok(None) => Response::error(
            404,
            "profile_not_found",
            format!(
                "no profile for customer `{}`; upload one with PUT /admin/profiles",
                echo(&id, 64)
            ),
        ),
        Err(e) => Response::error(
            500,
            "storage",
            format!("profile storage (KV) failed: {}; retry", echo(&e, 200)),
        ),
    }
}

/// `%XX` escapes decoded; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
