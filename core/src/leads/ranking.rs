//! Training the lead model and scoring leads with it: segments + blended scorer + reasons.
//!
//! [`train`] learns, from a [`Dataset`]: the [`Encoder`], the segment [`Tree`] (readable rules
//! with smoothed win rates and won-deal values) and, when `blend` is on, a logistic regression
//! over the encoded features plus the segment's log-odds (so interactions found by the tree and
//! additive effects such as response time both count). [`LeadModel::score`] gives each lead
//! a probability, an expected value, its segment and rule, and the features that moved its
//! score most (contributions in log-odds against the average training lead).
//!
//! The model is plain data (serde) and is shipped inside the model artifact
//! ([`crate::model`]); the browser, the edge and the CLI call the same `score`.

use super::encode::{Encoder, FeatureSpec, Raw, Record};
use super::leaks::{self, Leak, LeakConfig};
use super::logistic::{self, sigmoid, Logistic};
use super::request::{self, Lead, RequestError};
use super::table::Dataset;
use super::tree::{self, Tree, TreeConfig};
use serde::{Deserialize, Serialize};

/// Most rows the logistic scorer is fitted on (the segments always see every row).
pub const MAX_SCORER_ROWS: usize = 200_000;

/// How to train a lead model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub tree: TreeConfig,
    /// Blend the segments with a logistic regression (else rank by segment win rate alone).
    pub blend: bool,
    /// L2 penalty of the logistic regression.
    pub l2: f64,
    /// Leak screening: suspected leaks are left out unless named in `leaks.include`.
    #[serde(default)]
    pub leaks: LeakConfig,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            tree: TreeConfig::default(),
            blend: true,
            l2: 1.0,
            leaks: LeakConfig::default(),
        }
    }
}

/// The trained model: everything needed to score a lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadModel {
    pub encoder: Encoder,
    pub tree: Tree,
    /// Weights over the encoded features followed by the segment log-odds.
    pub scorer: Option<Logistic>,
    /// Mean of each scorer input over the training rows (the "average lead" of the reasons).
    pub input_means: Vec<f64>,
    pub base_rate: f64,
    pub mean_won_value: Option<f64>,
    pub outcome_column: String,
    pub value_column: Option<String>,
    pub training_rows: usize,
}

/// Why a lead scored as it did: one feature's push, in log-odds against the average lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub value: String,
    pub effect: f64,
    /// `hours_to_first_response = 2.5 (+0.41)`.
    pub text: String,
}

/// The score of one lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The lead's `id`, when it has one.
    pub id: Option<String>,
    /// Probability that the lead becomes a deal.
    pub value: f64,
    /// `value` × the segment's mean won-deal value, when the model knows values.
    pub expected_value: Option<f64>,
    pub segment_id: u32,
    pub rule: String,
    pub segment_win_rate: f64,
    /// Strongest contributions first (at most 3).
    pub reasons: Vec<Reason>,
}

/// What a model was trained on (goes into the artifact header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub rows: usize,
    pub base_rate: f64,
    pub segments: usize,
    pub blended: bool,
    pub outcome: String,
    pub value: Option<String>,
    pub features: Vec<String>,
}

/// Learn a lead model from `data`, without the suspected leaks it does not include
/// ([`train_screened`] also says which they were).
pub fn train(data: &Dataset, config: &TrainConfig) -> LeadModel {
    train_screened(data, config).0
}

/// Screen `data` for leaks ([`leaks::screen`] on every row given), then [`fit`] on the rest.
pub fn train_screened(data: &Dataset, config: &TrainConfig) -> (LeadModel, Vec<Leak>) {
    let (kept, leaks) = leaks::screen(data, &config.leaks, config.tree.prior_strength);
    (fit(&kept, config), leaks)
}

/// Learn a lead model from every feature of `data` (no leak screening).
pub fn fit(data: &Dataset, config: &TrainConfig) -> LeadModel {
    let encoder = Encoder::fit(data);
    let n = data.rows();
    let raws: Vec<Vec<Raw>> = (0..n).map(|i| encoder.raw_row(data, i)).collect();
    let values: Vec<Option<f64>> = match &data.value {
        Some(v) => v.clone(),
        None => vec![None; n],
    };
    let tree = tree::grow(&encoder, &raws, &data.outcome, &values, &config.tree);
    let base_rate = data.win_rate();
    let won: Vec<f64> = (0..n)
        .filter(|&i| data.outcome[i])
        .filter_map(|i| values[i])
        .collect();
    let mean_won_value = (!won.is_empty()).then(|| super::bounds::smoothed_mean(&won, 0.0, 0.0));
    let width = encoder.width() + 1;
    let mut x = Vec::with_capacity(n * width);
    for raw in &raws {
        encoder.encode_into(raw, &mut x);
        x.push(logistic::logit(
            tree.segments[tree.segment_of(raw)].win_rate,
        ));
    }
    let mut input_means = vec![0f64; width];
    for row in x.chunks_exact(width) {
        for (m, v) in input_means.iter_mut().zip(row) {
            *m += v / n.max(1) as f64;
        }
    }
    // Newton steps cost rows × inputs²: beyond 200,000 rows the scorer is fitted on every
    // k-th row (deterministic), which changes its weights by far less than their noise.
    let scorer = (config.blend && n > 0).then(|| {
        let step = n.div_ceil(MAX_SCORER_ROWS);
        if step <= 1 {
            return logistic::fit(&x, width, &data.outcome, config.l2, 12);
        }
        let rows: Vec<usize> = (0..n).step_by(step).collect();
        let xs: Vec<f64> = rows
            .iter()
            .flat_map(|&i| x[i * width..(i + 1) * width].iter().copied())
            .collect();
        let ys: Vec<bool> = rows.iter().map(|&i| data.outcome[i]).collect();
        logistic::fit(&xs, width, &ys, config.l2, 12)
    });
    LeadModel {
        encoder,
        tree,
        scorer,
        input_means,
        base_rate,
        mean_won_value,
        outcome_column: data.outcome_column.clone(),
        value_column: data.value_column.clone(),
        training_rows: n,
    }
}

impl LeadModel {
    /// Score leads from the scoring API (as parsed by `request::parse_score_request`).
    pub fn score(&self, leads: &[Lead]) -> Vec<Score> {
        leads
            .iter()
            .map(|l| self.score_record(l, l.id.clone()))
            .collect()
    }

    /// The edge's and the browser's one call for `POST /leads/score`: validate the body with
    /// [`request::parse_score_request`] (one lead or `{"leads": [...]}`, at most 1,000) and score
    /// every lead, in request order.
    pub fn score_body(&self, body: &[u8]) -> Result<Vec<Score>, RequestError> {
        request::parse_score_request(body).map(|leads| self.score(&leads))
    }

    /// Score any record (a CSV row, a lead); `id` is echoed back.
    pub fn score_record(&self, record: &dyn Record, id: Option<String>) -> Score {
        let raw = self.encoder.raw_record(record);
        self.score_raw(&raw, id)
    }

    /// Probability only, for raw rows (evaluation's hot path).
    pub fn probability_raw(&self, raw: &[Raw]) -> f64 {
        let seg = &self.tree.segments[self.tree.segment_of(raw)];
        match &self.scorer {
            None => seg.win_rate,
            Some(s) => {
                let x = self.inputs(raw, seg.win_rate);
                sigmoid(s.logit(&x))
            }
        }
    }

    fn inputs(&self, raw: &[Raw], segment_rate: f64) -> Vec<f64> {
        let mut x = Vec::with_capacity(self.input_means.len());
        self.encoder.encode_into(raw, &mut x);
        x.push(logistic::logit(segment_rate));
        x
    }

    /// The full score of a raw row.
    pub fn score_raw(&self, raw: &[Raw], id: Option<String>) -> Score {
        let sid = self.tree.segment_of(raw);
        let seg = &self.tree.segments[sid];
        let mut reasons = Vec::new();
        let value = match &self.scorer {
            None => seg.win_rate,
            Some(s) => {
                let x = self.inputs(raw, seg.win_rate);
                let mut at = 0;
                for (f, spec) in self.encoder.features.iter().enumerate() {
                    let width = match spec {
                        FeatureSpec::Numeric {
                            missing_indicator, ..
                        } => 1 + *missing_indicator as usize,
                        FeatureSpec::Categorical { levels, .. } => levels.len(),
                    };
                    let effect: f64 = (at..at + width)
                        .map(|j| {
                            s.weights.get(j).copied().unwrap_or(0.0)
                                * (x[j] - self.input_means.get(j).copied().unwrap_or(0.0))
                        })
                        .sum();
                    at += width;
                    let value = raw
                        .get(f)
                        .map_or_else(String::new, |r| self.encoder.describe(f, *r));
                    reasons.push(Reason {
                        text: format!("{} = {value} ({effect:+.2})", spec.name()),
                        feature: spec.name().to_string(),
                        value,
                        effect,
                    });
                }
                let j = x.len() - 1;
                let effect = s.weights.get(j).copied().unwrap_or(0.0)
                    * (x[j] - self.input_means.get(j).copied().unwrap_or(0.0));
                reasons.push(Reason {
                    text: format!("segment {sid}: {} ({effect:+.2})", seg.rule),
                    feature: "segment".into(),
                    value: seg.rule.clone(),
                    effect,
                });
                reasons.sort_by(|a, b| {
                    b.effect
                        .abs()
                        .total_cmp(&a.effect.abs())
                        .then(a.feature.cmp(&b.feature))
                });
                reasons.retain(|r| r.effect.abs() >= 0.05);
                reasons.truncate(3);
                sigmoid(s.logit(&x))
            }
        };
        Score {
            id,
            value,
            expected_value: seg.mean_won_value.map(|v| v * value),
            segment_id: sid as u32,
            rule: seg.rule.clone(),
            segment_win_rate: seg.win_rate,
            reasons,
        }
    }

    /// What the model was trained on.
    pub fn summary(&self) -> TrainingSummary {
        TrainingSummary {
            rows: self.training_rows,
            base_rate: self.base_rate,
            segments: self.tree.segments.len(),
            blended: self.scorer.is_some(),
            outcome: self.outcome_column.clone(),
            value: self.value_column.clone(),
            features: self
                .encoder
                .features
                .iter()
                .map(|f| f.name().to_string())
                .collect(),
        }
    }
}

/// Indices of `scores` from best to worst (by value, then expected value; stable).
pub fn rank(scores: &[Score]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].value.total_cmp(&scores[a].value));
    idx
}
