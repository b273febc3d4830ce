//! Honest evaluation: train on one part, rank the held-out part, compare against the rules
//! people would otherwise use.
//!
//! The split is time-based when the dataset has a date column (the newest `test_share` of rows
//! are held out, as a model is used on future leads), else stratified random with a seed.
//! Compared on the same held-out rows: Spur's ranking (segments blended with the scorer), the
//! segments alone, the best single-attribute rule (chosen on the training part), and the plain
//! k-means-cluster win rate (k chosen by sampled silhouette on the training part).
//!
//! Suspected leaks ([`super::leaks`]) are screened on the training part and left out of every
//! ranking (unless `train.leaks.include` names them), so the held-out figures are the honest ones.

use super::encode::{Encoder, Raw};
use super::kmeans::{self, KChoice, KMeansConfig};
use super::leaks::{self, Leak};
use super::metrics::{self, CalibrationBin};
use super::profile::{self, AttributeEffect, ClusterProfile};
use super::ranking::{self, LeadModel, TrainConfig};
use super::rng::Rng;
use super::table::{Dataset, FeatureData};
use serde::{Deserialize, Serialize};

/// How to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalConfig {
    pub seed: u64,
    /// Share of rows held out.
    pub test_share: f64,
    pub train: TrainConfig,
    /// Candidate k for the plain-cluster ranking.
    pub ks: Vec<usize>,
    pub silhouette_sample: usize,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            seed: 0,
            test_share: 0.25,
            train: TrainConfig::default(),
            ks: (2..=10).collect(),
            silhouette_sample: 1000,
        }
    }
}

/// Held-out ranking quality of one ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub auc: f64,
    pub lift_at_10: f64,
    pub lift_at_20: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineRule {
    pub column: String,
    pub auc: f64,
    pub lift_at_10: f64,
    pub lift_at_20: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRank {
    pub k: usize,
    pub auc: f64,
    pub lift_at_10: f64,
    pub lift_at_20: f64,
    /// The silhouette curve k was chosen from.
    pub curve: Vec<KChoice>,
    /// Profiles of the training clusters.
    pub clusters: Vec<ClusterProfile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    pub id: u32,
    pub rule: String,
    pub size: usize,
    pub win_rate: f64,
    pub mean_won_value: Option<f64>,
}

/// The whole comparison; the CLI prints it, the browser renders it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub rows: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    /// `time` (by the named date column) or `stratified`.
    pub split: String,
    pub test_win_rate: f64,
    pub auc: f64,
    pub lift_at_10: f64,
    pub lift_at_20: f64,
    pub win_rate_at_10: f64,
    pub win_rate_at_20: f64,
    pub calibration: Vec<CalibrationBin>,
    pub segments_only: Ranked,
    pub baseline_rule: BaselineRule,
    pub cluster_rank: ClusterRank,
    pub segments: Vec<SegmentSummary>,
    pub effects: Vec<AttributeEffect>,
    /// Columns that alone nearly decide the outcome on the training part (single-column AUC
    /// above `train.leaks.threshold`): most likely recorded after the fact. Every ranking above
    /// was computed without those not `included`.
    pub leaks: Vec<Leak>,
}

/// Row indices of the training and held-out parts, and how they were split.
pub fn split(data: &Dataset, test_share: f64, seed: u64) -> (Vec<usize>, Vec<usize>, String) {
    let n = data.rows();
    let share = test_share.clamp(0.0, 0.9);
    if let (Some(dates), Some(column)) = (&data.date, &data.date_column) {
        let mut idx: Vec<usize> = (0..n).collect();
        // Rows without a date train; dated rows are ordered (stable for ties).
        idx.sort_by_key(|&i| (dates[i].is_some(), dates[i]));
        let test = (n as f64 * share).round() as usize;
        let train = idx[..n - test].to_vec();
        let mut held = idx[n - test..].to_vec();
        held.sort_unstable();
        let mut train = train;
        train.sort_unstable();
        return (train, held, format!("time ({column})"));
    }
    let mut rng = Rng::new(seed);
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for class in [true, false] {
        let mut idx: Vec<usize> = (0..n).filter(|&i| data.outcome[i] == class).collect();
        rng.shuffle(&mut idx);
        let t = (idx.len() as f64 * share).round() as usize;
        test.extend_from_slice(&idx[..t]);
        train.extend_from_slice(&idx[t..]);
    }
    train.sort_unstable();
    test.sort_unstable();
    (train, test, "stratified".into())
}

/// Train on the training part of `data` and compare rankings on the held-out part.
pub fn evaluate(data: &Dataset, config: &EvalConfig) -> Evaluation {
    let (train_idx, test_idx, split_kind) = split(data, config.test_share, config.seed);
    let prior = config.train.tree.prior_strength;
    let (train, leaks) = leaks::screen(&data.subset(&train_idx), &config.train.leaks, prior);
    let test = leaks::without(&data.subset(&test_idx), &leaks::excluded(&leaks));
    let model = ranking::fit(&train, &config.train);
    let enc = &model.encoder;
    let test_raw: Vec<Vec<Raw>> = (0..test.rows()).map(|i| enc.raw_row(&test, i)).collect();
    let scores: Vec<f64> = test_raw.iter().map(|r| model.probability_raw(r)).collect();
    let seg_scores: Vec<f64> = test_raw
        .iter()
        .map(|r| model.tree.segments[model.tree.segment_of(r)].win_rate)
        .collect();
    let y = &test.outcome;
    let ranked = |s: &[f64]| Ranked {
        auc: metrics::auc(s, y),
        lift_at_10: metrics::lift_at(s, y, 0.1),
        lift_at_20: metrics::lift_at(s, y, 0.2),
    };
    Evaluation {
        rows: data.rows(),
        train_rows: train.rows(),
        test_rows: test.rows(),
        split: split_kind,
        test_win_rate: test.win_rate(),
        auc: metrics::auc(&scores, y),
        lift_at_10: metrics::lift_at(&scores, y, 0.1),
        lift_at_20: metrics::lift_at(&scores, y, 0.2),
        win_rate_at_10: metrics::win_rate_at(&scores, y, 0.1),
        win_rate_at_20: metrics::win_rate_at(&scores, y, 0.2),
        calibration: metrics::calibration(&scores, y, 10),
        segments_only: ranked(&seg_scores),
        baseline_rule: best_single_rule(&train, &test, prior),
        cluster_rank: cluster_rank(&model, &train, &test, config),
        segments: segments(&model),
        effects: profile::attribute_effects(&train, 5),
        leaks,
    }
}

/// The segments of a model as summary rows.
pub fn segments(model: &LeadModel) -> Vec<SegmentSummary> {
    model
        .tree
        .segments
        .iter()
        .map(|s| SegmentSummary {
            id: s.id,
            rule: s.rule.clone(),
            size: s.size,
            win_rate: s.win_rate,
            mean_won_value: s.mean_won_value,
        })
        .collect()
}

/// Smoothed win rate per group of one attribute, learnt on `train`, as a scorer.
pub(crate) fn rule_scores(train: &Dataset, other: &Dataset, f: usize, prior: f64) -> Vec<f64> {
    let base = train.win_rate();
    let rate = |w: f64, n: f64| (w + prior * base) / (n + prior);
    match (&train.features[f].data, &other.features[f].data) {
        (
            FeatureData::Categorical { levels, codes },
            FeatureData::Categorical {
                codes: other_codes, ..
            },
        ) => {
            let mut counts = vec![(0f64, 0f64); levels.len()];
            for (i, &c) in codes.iter().enumerate() {
                if let Some(slot) = counts.get_mut(c as usize) {
                    slot.0 += train.outcome[i] as u8 as f64;
                    slot.1 += 1.0;
                }
            }
            other_codes
                .iter()
                .map(|&c| counts.get(c as usize).map_or(base, |(w, n)| rate(*w, *n)))
                .collect()
        }
        (FeatureData::Numeric(v), FeatureData::Numeric(ov)) => {
            let mut present: Vec<f64> = v.iter().flatten().copied().collect();
            present.sort_by(f64::total_cmp);
            let mut cuts: Vec<f64> = (1..10)
                .filter_map(|q| present.get(q * present.len() / 10).copied())
                .collect();
            cuts.dedup();
            let bin =
                |x: Option<f64>| x.map_or(cuts.len() + 1, |x| cuts.partition_point(|&c| c < x));
            let mut counts = vec![(0f64, 0f64); cuts.len() + 2];
            for (i, x) in v.iter().enumerate() {
                counts[bin(*x)].0 += train.outcome[i] as u8 as f64;
                counts[bin(*x)].1 += 1.0;
            }
            ov.iter()
                .map(|x| {
                    let (w, n) = counts[bin(*x)];
                    rate(w, n)
                })
                .collect()
        }
        _ => vec![base; other.rows()],
    }
}

fn best_single_rule(train: &Dataset, test: &Dataset, prior: f64) -> BaselineRule {
    let mut best: Option<(f64, usize)> = None;
    for f in 0..train.features.len() {
        let auc = metrics::auc(&rule_scores(train, train, f, prior), &train.outcome);
        if best.is_none_or(|(b, _)| auc > b) {
            best = Some((auc, f));
        }
    }
    let Some((_, f)) = best else {
        return BaselineRule {
            column: String::new(),
            auc: 0.5,
            lift_at_10: 1.0,
            lift_at_20: 1.0,
        };
    };
    let s = rule_scores(train, test, f, prior);
    BaselineRule {
        column: train.features[f].name.clone(),
        auc: metrics::auc(&s, &test.outcome),
        lift_at_10: metrics::lift_at(&s, &test.outcome, 0.1),
        lift_at_20: metrics::lift_at(&s, &test.outcome, 0.2),
    }
}

fn cluster_rank(
    model: &LeadModel,
    train: &Dataset,
    test: &Dataset,
    config: &EvalConfig,
) -> ClusterRank {
    let enc: &Encoder = &model.encoder;
    let dims = enc.width();
    let train_x = enc.encode_dataset(train);
    let train_f: Vec<f32> = train_x.iter().map(|&v| v as f32).collect();
    let test_f: Vec<f32> = enc.encode_dataset(test).iter().map(|&v| v as f32).collect();
    let base = KMeansConfig {
        k: 8,
        max_iter: 50,
        tol: 1e-6,
        seed: config.seed,
    };
    let (curve, best) =
        kmeans::choose_k(&train_f, dims, &config.ks, &base, config.silhouette_sample);
    let Some(run) = best else {
        return ClusterRank {
            k: 0,
            auc: 0.5,
            lift_at_10: 1.0,
            lift_at_20: 1.0,
            curve,
            clusters: vec![],
        };
    };
    let prior = config.train.tree.prior_strength;
    let rate0 = train.win_rate();
    let mut counts = vec![(0f64, 0f64); run.k];
    for (i, &c) in run.labels.iter().enumerate() {
        counts[c as usize].0 += train.outcome[i] as u8 as f64;
        counts[c as usize].1 += 1.0;
    }
    let rates: Vec<f64> = counts
        .iter()
        .map(|(w, n)| (w + prior * rate0) / (n + prior))
        .collect();
    let s: Vec<f64> = run
        .predict(&test_f)
        .iter()
        .map(|&c| rates[c as usize])
        .collect();
    ClusterRank {
        k: run.k,
        auc: metrics::auc(&s, &test.outcome),
        lift_at_10: metrics::lift_at(&s, &test.outcome, 0.1),
        lift_at_20: metrics::lift_at(&s, &test.outcome, 0.2),
        clusters: profile::cluster_profiles(enc, &train_x, &run.labels, run.k, train),
        curve,
    }
}
