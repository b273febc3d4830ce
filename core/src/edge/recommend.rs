//! `POST /recommend`: a validated request body, the recommender in service (the store's `reco`
//! slot, decoded once per swap) and the customer's profile from the feature store when the body
//! names one. Always 200 once the body is valid: no model is `degraded: "no_model"`, a session
//! the model does not know `"unknown_items"` (see [`crate::reco::response`]).

use super::body::{self, Limit};
use super::http::{BodyStream, Host, Request, Response};
use super::store::{Models, Serving};
use super::Config;
use crate::model::{Model, ModelKind};
use crate::reco::request::{parse_recommend_request, MAX_BODY_BYTES};
use crate::reco::response::respond;

pub async fn recommend(
    config: &Config,
    models: &Models,
    host: &impl Host,
    req: &Request<'_>,
    body: &mut impl BodyStream,
) -> Response {
    let limit = Limit {
        bytes: MAX_BODY_BYTES,
        code: "body_too_large",
        what: "body",
        advice: ": send at most 200 clicks and 200 basket items",
    };
    let bytes = match body::read_body(req, body, &limit).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let request = match parse_recommend_request(&bytes) {
        Ok(r) => r,
        Err(e) => return Response::error(e.status(), e.code(), e.to_string()),
    };
    models
        .refresh(
            host,
            ModelKind::Recommender,
            req.now_ms,
            config.check_interval_ms,
        )
        .await;
    let profile = match &request.customer_id {
        Some(id) => models.profiles.lookup(host, id, req.now_ms).await,
        None => None,
    };
    let answer = models.serving(ModelKind::Recommender, |s| match s {
        Some(Serving {
            model: Model::Reco(m),
            header,
            ..
        }) => respond(Some((header, m)), &request, profile),
        _ => respond(None, &request, profile),
    });
    Response::json(200, &answer)
}
