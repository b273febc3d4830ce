//! `PUT /admin/model` and what guards it: the `ADMIN_TOKEN` (digests compared in constant time,
//! refused when shorter than [`MIN_TOKEN_BYTES`]) and the upload's place in the model store
//! (the artifact's kind picks the slot; only a newer model goes into service).

use super::http::{Host, Response};
use super::store::{artifact_key, describe, pointer_key, Models, Pointer, Serving};
use crate::model;
use sha2::{Digest, Sha256};
use std::cmp::Ordering;

/// Shortest accepted admin token, in bytes (e.g. `openssl rand -hex 32` gives 64).
pub const MIN_TOKEN_BYTES: usize = 32;

/// How to configure the token, for 503 messages.
const HOW_TO_SET: &str = "set a random token of at least 32 bytes with `wrangler secret put ADMIN_TOKEN` (locally: Miniflare's `bindings: { ADMIN_TOKEN }`)";

/// `Authorization: Bearer <token>` (scheme in any case) against the configured token. A missing,
/// empty or short configured token disables admin (503); a wrong or absent one is a 401.
pub fn authorize(configured: Option<&str>, authorization: Option<&str>) -> Result<(), Response> {
    let expected = match configured {
        None => return Err(disabled("no ADMIN_TOKEN is configured")),
        Some("") => return Err(disabled("ADMIN_TOKEN is empty")),
        Some(t) if t.len() < MIN_TOKEN_BYTES => {
            return Err(disabled(&format!(
                "ADMIN_TOKEN is {} bytes, shorter than {MIN_TOKEN_BYTES}",
                t.len()
            )))
        }
        Some(t) => t,
    };
    let given = authorization
        .map(str::trim)
        .and_then(|v| v.split_once([' ', '\t']))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .unwrap_or("");
    // Digests have one length, so the comparison's time says nothing about the token's length.
    let (a, b) = (Sha256::digest(given.as_bytes()), Sha256::digest(expected));
    let differ = a
        .iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    if given.is_empty() || differ != 0 {
        return Err(Response::error(
            401,
            "unauthorized",
            "send `Authorization: Bearer <ADMIN_TOKEN>` to replace a model",
        ));
    }
    Ok(())
}

fn disabled(why: &str) -> Response {
    Response::error(
        503,
        "admin_disabled",
        format!("admin endpoints are disabled: {why}; {HOW_TO_SET}"),
    )
}

/// Decode an uploaded artifact and put it in service in the slot of its kind, forward only.
pub async fn put_model(models: &Models, host: &impl Host, bytes: &[u8]) -> Response {
    let artifact = match model::decode(bytes) {
        Ok(a) => a,
        Err(e) => return Response::error(e.status(), e.code(), e.to_string()),
    };
    let kind = artifact.header.kind;
    let ours = Pointer::of(&artifact.header);
    let stored = match host.get(&pointer_key(kind)).await {
        Ok(b) => b.and_then(|b| Pointer::parse(&b, kind).ok()),
        Err(e) => return storage_failed(&e),
    };
    let serving = Serving {
        pointer: ours.clone(),
        header: artifact.header,
        model: artifact.model,
    };
    if let Some(cur) = newest([stored, models.pointer(kind)]) {
        if cur.sha256 == ours.sha256 {
            // The same model again: already stored; make sure this isolate serves it too.
            models.install(serving);
            return in_service(models, kind, "in_service");
        }
        if cur.order(&ours) == Ordering::Greater {
            return not_newer(&ours, &cur);
        }
    }
    if let Err(e) = host.put(&artifact_key(kind, &ours.sha256), bytes).await {
        return storage_failed(&e);
    }
    if let Err(e) = host.put(&pointer_key(kind), &ours.to_json()).await {
        return storage_failed(&e);
    }
    let installed = models.install(serving);
    // No compare-and-swap in KV: if an older pointer landed after ours (an upload that started
    // earlier and finished later), put back the newest this isolate knows.
    let best = newest([Some(ours.clone()), models.pointer(kind)]).unwrap_or(ours.clone());
    match host.get(&pointer_key(kind)).await {
        Ok(Some(b)) if Pointer::parse(&b, kind).is_ok_and(|p| p.order(&best).is_ge()) => {}
        _ => {
            if let Err(e) = host.put(&pointer_key(kind), &best.to_json()).await {
                host.log(&format!(
                    "restoring the {} pointer failed: {e}",
                    kind.name()
                ));
            }
        }
    }
    if installed {
        in_service(models, kind, "in_service")
    } else {
        not_newer(&ours, &best)
    }
}

fn newest(pointers: [Option<Pointer>; 2]) -> Option<Pointer> {
    pointers.into_iter().flatten().max_by(|a, b| a.order(b))
}

fn in_service(models: &Models, kind: model::ModelKind, status: &str) -> Response {
    let model = models.serving(kind, describe);
    Response::json(
        200,
        &serde_json::json!({ "status": status, "model": model }),
    )
}

fn not_newer(ours: &Pointer, newer: &Pointer) -> Response {
    Response::error(
        409,
        "model_not_newer",
        format!(
            "a newer {} model is in service (created at {} ms, {}); this one (created at {} ms) was not put in service: models only move forward, so train a new one to replace it",
            newer.kind.name(),
            newer.version,
            newer.sha256,
            ours.version
        ),
    )
}

fn storage_failed(e: &str) -> Response {
    Response::error(
        500,
        "storage",
        format!(
            "model storage (KV) failed: {}; retry",
            super::route::echo(e, 200)
        ),
    )
}
