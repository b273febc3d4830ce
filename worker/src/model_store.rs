//! The lead model in service: kept in KV (shared by every isolate), decoded by spur-core, cached
//! per isolate, and swapped atomically.
//!
//! KV holds the artifact bytes under [`MODEL_KEY`] and their SHA-256 under [`SHA_KEY`]. Each
//! request reads only the small SHA key; the artifact is fetched and decoded when it changed.
//! A new artifact is decoded *before* it is stored, and a stored one that fails to decode is
//! logged and skipped, so a bad upload never takes the previous model out of service.

use crate::error::ApiError;
use spur_core::leads::ranking::LeadModel;
use spur_core::model::{decode_leads, Header};
use std::cell::RefCell;
use std::rc::Rc;
use worker::Env;

pub const KV_BINDING: &str = "SPUR_MODELS";
pub const MODEL_KEY: &str = "lead-model";
pub const SHA_KEY: &str = "lead-model:sha256";

/// A decoded model and the header it came with.
pub struct Loaded {
    pub header: Header,
    pub model: LeadModel,
}

thread_local! {
    // An isolate runs one request at a time on one thread: a RefCell is enough.
    static CURRENT: RefCell<Option<Rc<Loaded>>> = const { RefCell::new(None) };
}

fn cached() -> Option<Rc<Loaded>> {
    CURRENT.with(|c| c.borrow().clone())
}

fn install(loaded: Loaded) -> Rc<Loaded> {
    let loaded = Rc::new(loaded);
    CURRENT.with(|c| *c.borrow_mut() = Some(loaded.clone()));
    loaded
}

/// The model in service, refreshed from KV when another upload replaced it.
pub async fn current(env: &Env) -> Result<Option<Rc<Loaded>>, ApiError> {
    let kv = env.kv(KV_BINDING)?;
    let stored_sha = kv.get(SHA_KEY).text().await?;
    let cached = cached();
    match (&stored_sha, &cached) {
        (None, _) => return Ok(cached),
        (Some(sha), Some(c)) if *sha == c.header.sha256 => return Ok(cached),
        _ => {}
    }
    let Some(bytes) = kv.get(MODEL_KEY).bytes().await? else {
        return Ok(cached);
    };
    match decode_leads(&bytes) {
        Ok((header, model)) => Ok(Some(install(Loaded { header, model }))),
        Err(e) => {
            worker::console_error!(
                "stored lead model refused ({}): {e}; keeping the previous one",
                e.code()
            );
            Ok(cached)
        }
    }
}

/// Validate and put a new artifact in service. The previous model stays if this one is refused.
pub async fn replace(env: &Env, bytes: &[u8]) -> Result<Rc<Loaded>, ApiError> {
    let (header, model) =
        decode_leads(bytes).map_err(|e| ApiError::new(e.status(), e.code(), e.to_string()))?;
    let kv = env.kv(KV_BINDING)?;
    kv.put_bytes(MODEL_KEY, bytes)?.execute().await?;
    kv.put(SHA_KEY, header.sha256.clone())?.execute().await?;
    Ok(install(Loaded { header, model }))
}
