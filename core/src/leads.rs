//! Lead prioritisation: import a lead table, explore it with clusters, learn explainable
//! segments and a scorer from past outcomes, evaluate the ranking honestly on held-out leads,
//! and score new leads (the [`ranking::LeadModel`] inside the model artifact).
//!
//! Module map: [`request`] (the scoring API's wire type), [`csv`] and [`table`] (bytes →
//! [`table::Dataset`]), [`encode`] (features → numbers), [`kmeans`] and [`kprototypes`]
//! (clusters), [`profile`] (what distinguishes a cluster, attribute effects), [`tree`]
//! (segments as readable rules), [`logistic`] (the stronger scorer), [`ranking`] (training and
//! scoring), [`metrics`] and [`evaluate`] (held-out comparison), [`generate`] (synthetic CRM).
//! Sales-activity-log mining is not here: it reuses the event-log analyses.

#[cfg(test)]
mod acceptance;
pub mod csv;
pub mod encode;
pub mod evaluate;
pub mod generate;
#[cfg(test)]
mod hostile;
pub mod kmeans;
pub mod kprototypes;
pub mod logistic;
pub mod metrics;
pub mod profile;
pub mod ranking;
pub mod request;
pub mod rng;
pub mod table;
pub mod tree;
