//! spur-edge: the Cloudflare Worker. A thin adapter: routing, body limits, JSON in and out.
//!
//! Every decision is a spur-core call; this crate only translates HTTP to core and back, and
//! maps every refusal to `{"error":{"code","message"}}` with a 4xx status (see [`error`]).

mod error;
mod model_store;
mod routes;

use error::ApiError;
use worker::{event, Context, Env, Method, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let answer = match (req.method(), path.as_str()) {
        (Method::Get, "/health") => routes::health::get(&env).await,
        (Method::Post, "/leads/score") => routes::leads::score(req, &env).await,
        (Method::Put, "/admin/model") => routes::admin::put_model(req, &env).await,
        (_, "/health" | "/leads/score" | "/admin/model") => {
            Err(ApiError::method_not_allowed(&path))
        }
        _ => Err(ApiError::not_found(&path)),
    };
    answer.or_else(|e| e.into_response())
}
