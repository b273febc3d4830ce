//! Leak screening: columns that predict the outcome almost perfectly on their own were most
//! likely filled in after the outcome was known (a status the sales team sets when the deal
//! closes, a field only won deals get). A model trained with them scores past leads well and no
//! new lead; so they are found on the training rows, reported, and left out unless the caller
//! names them in [`LeakConfig::include`].
//!
//! A column is suspected when the one-attribute rule (smoothed win rate per category or per
//! decile, as the evaluation's best-single-rule baseline) reaches an AUC above
//! [`LeakConfig::threshold`] on the rows it is learnt from, or when whether it is filled in
//! alone does (the missing-indicator AUC). Identifier-like and caller-excluded columns never
//! reach the [`Dataset`]'s features, so they are never reported here.

use super::evaluate::rule_scores;
use super::metrics;
use super::table::{Dataset, FeatureData};
use serde::{Deserialize, Serialize};

/// Default AUC above which a single column is a suspected leak.
pub const DEFAULT_THRESHOLD: f64 = 0.9;

/// What the shells print for a column whose values give the outcome away.
pub const REASON_VALUES: &str =
    "suspected leak: predicts the outcome almost perfectly on its own — filled in after the outcome?";
/// What the shells print for a column whose being filled in gives the outcome away.
pub const REASON_MISSING: &str = "suspected leak: whether it is filled in predicts the outcome almost perfectly on its own — filled in after the outcome?";

/// How to screen for leaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeakConfig {
    /// Single-column AUC above which a column is a suspected leak.
    pub threshold: f64,
    /// Suspected columns the caller wants used anyway (still reported, `included: true`).
    pub include: Vec<String>,
}

impl Default for LeakConfig {
    fn default() -> Self {
        LeakConfig {
            threshold: DEFAULT_THRESHOLD,
            include: Vec::new(),
        }
    }
}

/// Which signal gave a column away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeakKind {
    /// Its values alone rank won above lost leads.
    Values,
    /// Whether it is missing alone does.
    Missingness,
}

/// One suspected leak, as `spur leads evaluate --json` lists it under `leaks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leak {
    pub column: String,
    /// The higher of the value rule's and the missing indicator's AUC on the screened rows.
    pub auc: f64,
    /// [`REASON_VALUES`] or [`REASON_MISSING`].
    pub reason: String,
    pub kind: LeakKind,
    /// `true` when the column is used anyway: the caller named it in [`LeakConfig::include`]
    /// (or it is the table's last feature, see [`screen`]).
    pub included: bool,
}

/// Suspected leaks among `data`'s features (screen the training rows only), strongest first.
/// `prior` is the smoothing of the one-attribute rule (the tree's `prior_strength`).
pub fn detect(data: &Dataset, config: &LeakConfig, prior: f64) -> Vec<Leak> {
    let mut leaks: Vec<Leak> = (0..data.features.len())
        .filter_map(|f| {
            let values = metrics::auc(&rule_scores(data, data, f, prior), &data.outcome);
            let missing = missing_auc(data, f);
            let (auc, kind, reason) = if missing > config.threshold {
                (missing.max(values), LeakKind::Missingness, REASON_MISSING)
            } else if values > config.threshold {
                (values, LeakKind::Values, REASON_VALUES)
            } else {
                return None;
            };
            let column = data.features[f].name.clone();
            Some(Leak {
                included: config.include.contains(&column),
                column,
                auc,
                reason: reason.into(),
                kind,
            })
        })
        .collect();
    leaks.sort_by(|a, b| b.auc.total_cmp(&a.auc).then(a.column.cmp(&b.column)));
    leaks
}

/// AUC of "is the value missing" (either direction) for feature `f`.
fn missing_auc(data: &Dataset, f: usize) -> f64 {
    let flags: Vec<f64> = match &data.features[f].data {
        FeatureData::Numeric(v) => v.iter().map(|x| x.is_none() as u8 as f64).collect(),
        FeatureData::Categorical { codes, .. } => {
            codes.iter().map(|&c| (c == 0) as u8 as f64).collect()
        }
    };
    let auc = metrics::auc(&flags, &data.outcome);
    auc.max(1.0 - auc)
}

/// `data` without the features named in `columns` (rows, outcome and levels unchanged).
pub fn without(data: &Dataset, columns: &[String]) -> Dataset {
    let mut out = data.clone();
    out.features.retain(|f| !columns.contains(&f.name));
    out
}

/// The columns of `leaks` to leave out: every one the caller did not include.
pub fn excluded(leaks: &[Leak]) -> Vec<String> {
    leaks
        .iter()
        .filter(|l| !l.included)
        .map(|l| l.column.clone())
        .collect()
}

/// Screen `data` and drop the suspected leaks the caller did not include; the last feature is
/// never dropped (a table whose only feature leaks trains on it, and says so).
pub fn screen(data: &Dataset, config: &LeakConfig, prior: f64) -> (Dataset, Vec<Leak>) {
    let mut leaks = detect(data, config, prior);
    if leaks.iter().filter(|l| !l.included).count() >= data.features.len() {
        // Keep the weakest so that something remains to train on; it stays reported.
        if let Some(last) = leaks.iter_mut().rev().find(|l| !l.included) {
            last.included = true;
        }
    }
    (without(data, &excluded(&leaks)), leaks)
}

#[cfg(test)]
mod tests;
