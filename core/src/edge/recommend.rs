//! `POST /recommend`: a validated request body, the recommender in service (the store's `reco`
//! slot, decoded once per swap) and the customer's profile from the feature store when the body
//! names one. Always 200 once the body is valid: no model is `degraded: "no_model"`, a session
//! the model does not know `"unknown_items"` (see [`crate::reco::response`]). With a
//! `session_id` the session's stored clicks and basket are read from its events object through
//! [`Host::session_features`] and combined with the body's ([`super::session`] has the rule);
//! the answer then carries `session: {id, found, clicks_from_store, basket_from_store, error?}`.

use super::body::{self, Limit};
use super::http::{BodyStream, Host, Request, Response};
use super::route::echo;
use super::session::{self, SessionSource};
use super::store::{Models, Serving};
use super::Config;
use crate::model::{Model, ModelKind};
use crate::reco::request::{parse_recommend_request, MAX_BODY_BYTES};
use crate::reco::response::{respond, RecommendResponse};
use serde::Serialize;

/// The edge's answer: the shared reco shape plus, with a `session_id`, where its data came from.
#[derive(Serialize)]
struct Answer {
    #[serde(flatten)]
    reco: RecommendResponse,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<SessionSource>,
}

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
    let mut request = match parse_recommend_request(&bytes) {
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
    let session = match request.session_id.clone() {
        Some(id) => {
            let stored = host.session_features(&id).await;
            let c = session::combine(&id, stored, &request.clicks, &request.basket);
            if let Some(e) = &c.source.error {
                host.log(&format!(
                    "/recommend: session {}: answered without its stored clicks: {e}",
                    echo(&id, 64)
                ));
            }
            request.clicks = c.clicks;
            request.basket = c.basket;
            Some(c.source)
        }
        None => None,
    };
    let reco = models.serving(ModelKind::Recommender, |s| match s {
        Some(Serving {
            model: Model::Reco(m),
            header,
            ..
        }) => respond(Some((header, m)), &request, profile),
        _ => respond(None, &request, profile),
    });
    Response::json(200, &Answer { reco, session })
}
