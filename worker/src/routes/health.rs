//! `GET /health`: liveness and which model is in service.

use crate::error::ApiError;
use serde_json::json;
use worker::{Env, Response};

pub async fn get(_env: &Env) -> Result<Response, ApiError> {
    let body = json!({
        "status": "ok",
        "service": "spur-edge",
        "version": env!("CARGO_PKG_VERSION"),
        "model": { "loaded": false, "version": null },
    });
    Ok(Response::from_json(&body)?)
}
