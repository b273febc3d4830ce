//! `PUT /admin/model`: replace the lead model in service. Guarded by the `ADMIN_TOKEN` secret.

use crate::error::ApiError;
use crate::model_store;
use serde_json::json;
use worker::{Env, Request, Response};

/// Largest artifact accepted (a lead model is a few KB; this leaves room for big encoders).
pub const MAX_ARTIFACT_BYTES: usize = 8 << 20;

pub async fn put_model(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    authorize(&req, env)?;
    let bytes = super::read_body(
        &mut req,
        MAX_ARTIFACT_BYTES,
        "artifact_too_large",
        "artifact",
        "",
    )
    .await?;
    let loaded = model_store::replace(env, &bytes).await?;
    Ok(Response::from_json(&json!({
        "status": "in_service",
        "model": super::health::describe(&loaded.header),
    }))?)
}

/// `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
fn authorize(req: &Request, env: &Env) -> Result<(), ApiError> {
    let expected = env
        .secret("ADMIN_TOKEN")
        .map(|s| s.to_string())
        .or_else(|_| env.var("ADMIN_TOKEN").map(|v| v.to_string()))
        .map_err(|_| ApiError::new(503, "admin_disabled", "no ADMIN_TOKEN secret is configured; set one with `wrangler secret put ADMIN_TOKEN`"))?;
    let given = req
        .headers()
        .get("authorization")
        .ok()
        .flatten()
        .unwrap_or_default();
    let given = given.strip_prefix("Bearer ").unwrap_or("");
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(ApiError::new(
            401,
            "unauthorized",
            "send `Authorization: Bearer <ADMIN_TOKEN>` to replace the model",
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
