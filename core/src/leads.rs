//! Lead prioritisation: import a lead table, explore it with clusters, learn explainable
//! segments and a scorer from past outcomes, evaluate the ranking honestly on held-out leads,
//! and score new leads (the [`ranking::LeadModel`] inside the model artifact).
//!
//! For the shells:
//! - edge / browser scoring: [`crate::model::decode_leads`]`(&bytes) -> Result<(Header,
//!   LeadModel), ArtifactError>` once per model, then
//!   [`ranking::LeadModel::score_body`]`(&self, body: &[u8]) -> Result<Vec<Score>,
//!   RequestError>` per request (or [`ranking::LeadModel::score`] on leads parsed by
//!   [`request::parse_score_request`]). Errors carry `code()` and `status()`.
//! - training (browser, CLI): [`table::import_csv`] → [`ranking::train`] →
//!   [`crate::model::encode_leads`]`(&model, created_at_ms)`.
//! - analysis views: [`evaluate::evaluate`] (held-out comparison), [`profile::explore`]
//!   (clusters), [`profile::attribute_effects`] (one-attribute win rates).
//!
//! Module map: [`request`] (the scoring API's wire type), [`csv`] and [`table`] (bytes →
//! [`table::Dataset`]), [`encode`] (features → numbers), [`kmeans`] and [`kprototypes`]
//! (clusters), [`profile`] (what distinguishes a cluster, attribute effects), [`tree`]
//! (segments as readable rules), [`logistic`] (the stronger scorer), [`ranking`] (training and
//! scoring), [`metrics`] and [`evaluate`] (held-out comparison), [`leaks`] (columns that give
//! the outcome away, screened on the training rows and left out by default), [`generate`]
//! (synthetic CRM),
//! [`rng`] (the seeded generator every random choice uses), [`activities`] (sales-activity
//! mining: the actions and timings that separate won from lost leads, on the event-log
//! toolkit).

#[cfg(test)]
mod acceptance;
pub mod activities;
pub mod bounds;
pub mod csv;
pub mod encode;
pub mod evaluate;
pub mod generate;
#[cfg(test)]
mod hostile;
pub mod kmeans;
pub mod kprototypes;
pub mod leaks;
pub mod logistic;
pub mod metrics;
pub mod profile;
pub mod ranking;
pub mod request;
pub mod rng;
pub mod score_table;
pub mod table;
pub mod tree;
