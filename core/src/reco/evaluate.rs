//! The next-item protocol of the session-based recommendation literature (session-rec's
//! `evaluation.py`): test items unknown to training are removed, sessions left with fewer than
//! two clicks dropped; for every position i ≥ 1 the model recommends from clicks[0..i) and is
//! checked against clicks[i]. HR@k (= precision@k there), MRR@k, item coverage and popularity
//! bias for Spur; popularity and item-kNN in the same run.

use super::blend;
use super::clicks::ClickLog;
use super::itemknn::ItemKnn;
use super::model::{RecoModel, RecoParams};
use super::train::{train, TrainOptions};
use super::tune::{Control, TuneProgress};
use super::RecoError;
use serde::{Deserialize, Serialize};

/// Spur's figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub hr: f64,
    pub mrr: f64,
    /// Distinct recommended items / items known to the model.
    pub coverage: f64,
    /// Mean popularity (events / most popular item's events) of the recommended items.
    pub popularity_bias: f64,
}

/// A baseline's figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineMetrics {
    pub hr: f64,
    pub mrr: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baselines {
    pub pop: BaselineMetrics,
    pub item_knn: BaselineMetrics,
}

/// The result: the shape `spur reco evaluate --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub train_sessions: u64,
    pub test_sessions: u64,
    pub test_positions: u64,
    pub k: u32,
    pub spur: Metrics,
    pub baselines: Baselines,
    pub params: RecoParams,
}

/// Per-k figures (for the HR@k / MRR@k chart, k = 1…`max_k`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    pub k: Vec<u32>,
    pub spur_hr: Vec<f64>,
    pub spur_mrr: Vec<f64>,
    pub pop_hr: Vec<f64>,
    pub pop_mrr: Vec<f64>,
    pub item_knn_hr: Vec<f64>,
    pub item_knn_mrr: Vec<f64>,
}

/// Test sessions in the model's item codes (unknown items removed, ≥ 2 clicks).
pub fn test_sessions(model: &RecoModel, test: &ClickLog) -> Vec<Vec<u32>> {
    test.sessions
        .iter()
        .map(|s| {
            s.clicks
                .iter()
                .filter_map(|&c| test.items.get(c as usize).and_then(|n| model.item(n)))
                .collect::<Vec<u32>>()
        })
        .filter(|s| s.len() >= 2)
        .collect()
}

#[derive(Default)]
struct Acc {
    hits: Vec<u64>,
    rr: Vec<f64>,
}

impl Acc {
    fn new(k: usize) -> Self {
        Acc {
            hits: vec![0; k + 1],
            rr: vec![0.0; k + 1],
        }
    }
    fn add(&mut self, rank: Option<usize>) {
        if let Some(r) = rank.filter(|&r| r < self.hits.len()) {
            self.hits[r] += 1;
            self.rr[r] += 1.0 / r as f64;
        }
    }
    /// (HR@j, MRR@j) for j = 1..=k.
    fn curve(&self, n: u64) -> (Vec<f64>, Vec<f64>) {
        let d = n.max(1) as f64;
        let (mut h, mut r) = (0u64, 0.0);
        let mut hr = Vec::new();
        let mut mrr = Vec::new();
        for j in 1..self.hits.len() {
            h += self.hits[j];
            r += self.rr[j];
            hr.push(h as f64 / d);
            mrr.push(r / d);
        }
        (hr, mrr)
    }
}

/// Evaluate a trained model on test sessions (model codes), at cut-off `k`; curves up to
/// `max_k` (≥ k). `progress(done, total)` may stop the run.
pub fn evaluate_model(
    model: &RecoModel,
    sessions: &[Vec<u32>],
    k: usize,
    max_k: usize,
    progress: &mut dyn FnMut(u64, u64) -> Control,
) -> Result<(Evaluation, Curve), RecoError> {
    let k = k.max(1);
    let max_k = max_k.max(k);
    let total: u64 = sessions.iter().map(|s| s.len() as u64 - 1).sum();
    let (mut spur, mut pop, mut iknn) = (Acc::new(max_k), Acc::new(max_k), Acc::new(max_k));
    let mut recommended = vec![false; model.items.len()];
    let mut pop_sum = 0.0;
    let max_pop = model
        .popular
        .first()
        .map_or(1, |&i| model.item_events[i as usize].max(1)) as f64;
    let mut knn = ItemKnn::new(&model.sessions, max_k);
    let top_pop: Vec<u32> = model.popular.iter().take(max_k).copied().collect();
    let mut done = 0u64;
    for s in sessions {
        for i in 1..s.len() {
            let (clicks, target) = (&s[..i], s[i]);
            let cands = blend::candidates(model, clicks, max_k);
            let ranked = blend::rank(&cands, &model.params.blend, max_k);
            spur.add(
                ranked
                    .iter()
                    .position(|c| c.0.item == target)
                    .map(|p| p + 1),
            );
            let mut list_pop = 0.0;
            for (c, _) in ranked.iter().take(k) {
                recommended[c.item as usize] = true;
                list_pop += model.item_events[c.item as usize] as f64 / max_pop;
            }
            pop_sum += list_pop / ranked.len().clamp(1, k) as f64;
            pop.add(top_pop.iter().position(|&x| x == target).map(|p| p + 1));
            let last = clicks[clicks.len() - 1];
            iknn.add(
                knn.top(last)
                    .iter()
                    .position(|&x| x == target)
                    .map(|p| p + 1),
            );
            done += 1;
            if done.is_multiple_of(1024) && progress(done, total) == Control::Stop {
                return Err(RecoError::Cancelled);
            }
        }
    }
    let (s_hr, s_mrr) = spur.curve(total);
    let (p_hr, p_mrr) = pop.curve(total);
    let (i_hr, i_mrr) = iknn.curve(total);
    let at = k - 1;
    let coverage =
        recommended.iter().filter(|&&r| r).count() as f64 / model.items.len().max(1) as f64;
    let eval = Evaluation {
        train_sessions: model.train_sessions,
        test_sessions: sessions.len() as u64,
        test_positions: total,
        k: k as u32,
        spur: Metrics {
            hr: s_hr[at],
            mrr: s_mrr[at],
            coverage,
            popularity_bias: pop_sum / total.max(1) as f64,
        },
        baselines: Baselines {
            pop: BaselineMetrics {
                hr: p_hr[at],
                mrr: p_mrr[at],
            },
            item_knn: BaselineMetrics {
                hr: i_hr[at],
                mrr: i_mrr[at],
            },
        },
        params: model.params,
    };
    let curve = Curve {
        k: (1..=max_k as u32).collect(),
        spur_hr: s_hr,
        spur_mrr: s_mrr,
        pop_hr: p_hr,
        pop_mrr: p_mrr,
        item_knn_hr: i_hr,
        item_knn_mrr: i_mrr,
    };
    Ok((eval, curve))
}

/// Progress of a whole evaluation: training (tuning) first, then testing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EvalProgress {
    Training(TuneProgress),
    Testing { done: u64, total: u64 },
}

/// Train on `train` and evaluate on `test` at cut-off `k` (curves to `max_k`).
pub fn evaluate(
    train_log: &ClickLog,
    test_log: &ClickLog,
    options: &TrainOptions,
    k: usize,
    max_k: usize,
    progress: &mut dyn FnMut(&EvalProgress) -> Control,
) -> Result<(Evaluation, Curve, RecoModel), RecoError> {
    let opts = TrainOptions {
        k,
        ..options.clone()
    };
    let model = train(train_log, &opts, &mut |p| {
        progress(&EvalProgress::Training(p.clone()))
    })?;
    let sessions = test_sessions(&model, test_log);
    if sessions.is_empty() {
        return Err(RecoError::NoSessions { min: 2 });
    }
    let (e, c) = evaluate_model(&model, &sessions, k, max_k, &mut |done, total| {
        progress(&EvalProgress::Testing { done, total })
    })?;
    Ok((e, c, model))
}
