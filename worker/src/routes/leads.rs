//! `POST /leads/score`: one lead or a batch, scored by the model in service.

use crate::error::ApiError;
use crate::model_store;
use serde_json::json;
use spur_core::leads::request::{parse_score_request, MAX_BODY_BYTES};
use worker::{Env, Request, Response};

pub async fn score(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    // Oversize bodies are refused before parsing; core re-checks the same limit.
    let body = super::read_body(
        &mut req,
        MAX_BODY_BYTES,
        "body_too_large",
        "body",
        ": split the batch",
    )
    .await?;
    let leads = parse_score_request(&body)?;
    let Some(loaded) = model_store::current(env).await? else {
        return Err(ApiError::new(
            503,
            "model_unavailable",
            format!(
                "{} lead(s) are valid, but no lead model is in service yet; train one with `spur leads train` and PUT it to /admin/model",
                leads.len()
            ),
        ));
    };
    let scores = loaded.model.score(&leads);
    Ok(Response::from_json(&json!({
        "model": loaded.header.sha256,
        "scores": scores,
    }))?)
}
