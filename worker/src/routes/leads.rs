//! `POST /leads/score`: validated by spur-core; scoring arrives with the lead model.

use crate::error::ApiError;
use spur_core::leads::request::{parse_score_request, MAX_BODY_BYTES};
use worker::{Env, Request, Response};

pub async fn score(mut req: Request, _env: &Env) -> Result<Response, ApiError> {
    // Refuse oversize bodies before reading them when the client tells us their size.
    if let Some(len) = req.headers().get("content-length").ok().flatten() {
        if len
            .trim()
            .parse::<usize>()
            .map_or(true, |n| n > MAX_BODY_BYTES)
        {
            return Err(ApiError::new(
                413,
                "body_too_large",
                format!(
                    "the body is {len} bytes; the limit is {MAX_BODY_BYTES} bytes: split the batch"
                ),
            ));
        }
    }
    let body = req.bytes().await?;
    let leads = parse_score_request(&body)?;
    Err(ApiError::new(
        503,
        "model_unavailable",
        format!(
            "{} lead(s) are valid, but no lead model is in service yet; train one with `spur leads train` and PUT it to /admin/model",
            leads.len()
        ),
    ))
}
