//! The edge API's request path, sans-IO: method, path, headers and a body stream in, a response
//! out. Every decision the Cloudflare Worker (`worker/`) makes lives here (routing, body limits,
//! CORS, the admin token, parsing, scoring, the model store's rules); the worker only lends
//! I/O through [`Host`] (KV, logs) and [`BodyStream`], and translates the [`Response`]. The same
//! path runs natively in tests and under the fuzz target ([`memory`]).
//!
//! Every refusal is `{"error":{"code","message"}}`: 4xx for the caller's mistakes, 503 when
//! admin is disabled or no model is in service, 500 only for storage failures.

mod admin;
mod body;
mod cors;
pub mod events;
pub mod http;
pub mod memory;
pub mod profiles;
mod recommend;
mod route;
pub mod session;
pub mod ship;
pub mod store;

pub use admin::MIN_TOKEN_BYTES;
pub use body::content_length;
pub use http::{BodyStream, Bytes, Host, Request, Response};
pub use route::{Endpoint, API};
pub use store::{Models, Pointer};

use crate::leads::request::{parse_score_request, MAX_BODY_BYTES};
use crate::model::{Model, ModelKind, MAX_ARTIFACT_BYTES};
use body::Limit;
use route::Verb;

/// Default for [`Config::check_interval_ms`]: the `MODEL_CHECK_SECONDS` var's default.
pub const DEFAULT_CHECK_SECONDS: u32 = 5;

/// The deployment's settings (the worker reads them from its secret and vars).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `ADMIN_TOKEN`; admin is disabled unless it is at least [`MIN_TOKEN_BYTES`] long.
    pub admin_token: Option<String>,
    /// `ALLOWED_ORIGINS`: the app origins that may call the admin endpoints from a browser.
    pub allowed_origins: Vec<String>,
    /// How often an isolate reads a kind's pointer from KV, at most (`MODEL_CHECK_SECONDS`).
    pub check_interval_ms: i64,
}

impl Config {
    /// From the raw secret and vars; an unreadable `MODEL_CHECK_SECONDS` falls back to
    /// [`DEFAULT_CHECK_SECONDS`].
    pub fn from_vars(
        admin_token: Option<String>,
        allowed_origins: Option<&str>,
        check_seconds: Option<&str>,
    ) -> Config {
        let seconds = check_seconds
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && (0.0..=86_400.0).contains(s))
            .unwrap_or(DEFAULT_CHECK_SECONDS as f64);
        Config {
            admin_token,
            allowed_origins: allowed_origins.map(cors::parse_origins).unwrap_or_default(),
            check_interval_ms: (seconds * 1000.0) as i64,
        }
    }
}

/// Answer one request. `models` is the isolate's cache (kept between requests). A `HEAD`
/// request gets its answer's status and headers without a body, errors included.
pub async fn handle(
    config: &Config,
    models: &Models,
    host: &impl Host,
    req: &Request<'_>,
    body: &mut impl BodyStream,
) -> Response {
    let mut response = answer(config, models, host, req, body).await;
    if req.method == "HEAD" {
        response.body.clear();
    }
    response
}

async fn answer(
    config: &Config,
    models: &Models,
    host: &impl Host,
    req: &Request<'_>,
    body: &mut impl BodyStream,
) -> Response {
    let (endpoint, verb) = match route::route(req.method, req.path) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let cors = match cors::headers(endpoint, req.header("origin"), &config.allowed_origins) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let mut response = match verb {
        Verb::Options => return cors::preflight(endpoint, cors),
        Verb::Head | Verb::Call => call(config, models, host, req, body, endpoint).await,
    };
    response.headers.extend(cors);
    response
}

async fn call(
    config: &Config,
    models: &Models,
    host: &impl Host,
    req: &Request<'_>,
    body: &mut impl BodyStream,
    endpoint: Endpoint,
) -> Response {
    match endpoint {
        Endpoint::Health => {
            for kind in ModelKind::ALL {
                models
                    .refresh(host, kind, req.now_ms, config.check_interval_ms)
                    .await;
            }
            health(models)
        }
        Endpoint::Score => {
            let limit = Limit {
                bytes: MAX_BODY_BYTES,
                code: "body_too_large",
                what: "body",
                advice: ": split the batch",
            };
            let bytes = match body::read_body(req, body, &limit).await {
                Ok(b) => b,
                Err(r) => return r,
            };
            let leads = match parse_score_request(&bytes) {
                Ok(l) => l,
                Err(e) => return Response::error(e.status(), e.code(), e.to_string()),
            };
            models
                .refresh(host, ModelKind::Leads, req.now_ms, config.check_interval_ms)
                .await;
            models.serving(ModelKind::Leads, |s| match s {
                Some(store::Serving {
                    model: Model::Leads(m),
                    header,
                    ..
                }) => Response::json(
                    200,
                    &Scored {
                        model: &header.sha256,
                        scores: m.score(&leads),
                    },
                ),
                _ => Response::error(
                    503,
                    "model_unavailable",
                    format!(
                        "{} lead(s) are valid, but no lead model is in service yet; train one with `spur leads train` and PUT it to /admin/model",
                        leads.len()
                    ),
                ),
            })
        }
        Endpoint::Recommend => recommend::recommend(config, models, host, req, body).await,
        Endpoint::AdminProfiles | Endpoint::AdminProfile => {
            if let Err(r) =
                admin::authorize(config.admin_token.as_deref(), req.header("authorization"))
            {
                return r;
            }
            if endpoint == Endpoint::AdminProfile {
                return profiles::get_profile(host, req.path).await;
            }
            let limit = Limit {
                bytes: profiles::MAX_PROFILES_BODY_BYTES,
                code: "body_too_large",
                what: "body",
                advice: ": split the profiles into several uploads",
            };
            match body::read_body(req, body, &limit).await {
                Ok(bytes) => {
                    profiles::put_profiles(&models.profiles, host, &bytes, req.now_ms).await
                }
                Err(r) => r,
            }
        }
        Endpoint::AdminModel => {
            if let Err(r) =
                admin::authorize(config.admin_token.as_deref(), req.header("authorization"))
            {
                return r;
            }
            let limit = Limit {
                bytes: MAX_ARTIFACT_BYTES,
                code: "artifact_too_large",
                what: "artifact",
                advice: "",
            };
            match body::read_body(req, body, &limit).await {
                Ok(bytes) => admin::put_model(models, host, &bytes).await,
                Err(r) => r,
            }
        }
    }
}

/// The answer of `POST /leads/score`.
#[derive(serde::Serialize)]
struct Scored<'a> {
    /// SHA-256 of the artifact that scored.
    model: &'a str,
    scores: Vec<crate::leads::ranking::Score>,
}

/// `GET /health`: liveness and the models in service, from the isolate's cache.
fn health(models: &Models) -> Response {
    let mut by_kind = serde_json::Map::new();
    for kind in ModelKind::ALL {
        by_kind.insert(kind.name().into(), models.serving(kind, store::describe));
    }
    Response::json(
        200,
        &serde_json::json!({
            "status": "ok",
            "service": "spur-edge",
            "version": env!("CARGO_PKG_VERSION"),
            "model": models.serving(ModelKind::Leads, store::describe),
            "models": by_kind,
        }),
    )
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_reco;
#[cfg(test)]
mod tests_session;
