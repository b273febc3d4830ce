//! The answer of `POST /recommend` (and `spur reco recommend --json`), one shape for every
//! shell: `{items: [{item, score, reason}], model: {kind, sha256, created_at}, profile,
//! degraded: null | "no_model" | "unknown_items"}`.

use super::model::RecoModel;
use super::profile::CustomerProfile;
use super::recommend::{recommend, Recommendation};
use super::request::RecommendRequest;
use crate::import::timestamp::format_iso;
use crate::model::{Header, ModelKind};
use serde::{Deserialize, Serialize};

/// Which model answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub kind: ModelKind,
    pub sha256: String,
    /// ISO 8601 UTC.
    pub created_at: String,
}

/// The response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendResponse {
    pub items: Vec<Recommendation>,
    pub model: Option<ModelInfo>,
    /// Whether a customer profile was found and used.
    pub profile: bool,
    pub degraded: Option<String>,
}

/// Answer `req` with the model in service (`None`: no model yet, an empty answer flagged
/// `no_model`, never an error) and the customer's profile when the feature store had one.
pub fn respond(
    model: Option<(&Header, &RecoModel)>,
    req: &RecommendRequest,
    profile: Option<CustomerProfile>,
) -> RecommendResponse {
    match model {
        None => RecommendResponse {
            items: Vec::new(),
            model: None,
            profile: profile.is_some(),
            degraded: Some("no_model".into()),
        },
        Some((header, m)) => {
            let r = recommend(m, &req.to_request(profile));
            RecommendResponse {
                items: r.items,
                model: Some(ModelInfo {
                    kind: header.kind,
                    sha256: header.sha256.clone(),
                    created_at: format_iso(header.created_at_ms),
                }),
                profile: r.profile,
                degraded: r.degraded,
            }
        }
    }
}
