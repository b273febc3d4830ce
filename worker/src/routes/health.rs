//! `GET /health`: liveness and which model is in service.

use crate::error::ApiError;
use crate::model_store;
use serde_json::{json, Value};
use spur_core::model::Header;
use worker::{Env, Response};

pub async fn get(env: &Env) -> Result<Response, ApiError> {
    let model = match model_store::current(env).await? {
        Some(loaded) => describe(&loaded.header),
        None => json!({ "loaded": false, "version": null }),
    };
    let body = json!({
        "status": "ok",
        "service": "spur-edge",
        "version": env!("CARGO_PKG_VERSION"),
        "model": model,
    });
    Ok(Response::from_json(&body)?)
}

/// What a client needs to know about the model in service.
pub fn describe(header: &Header) -> Value {
    json!({
        "loaded": true,
        "version": header.sha256,
        "format_version": header.version,
        "kind": format!("{:?}", header.kind),
        "created_at_ms": header.created_at_ms,
    })
}
