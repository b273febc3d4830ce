//! Parameter search on a validation split: a few V-SKNN neighbourhoods × a grid of blend
//! weights, scored by HR@k + MRR@k on next-item positions. Each neighbourhood computes the
//! signals once per position; every weight vector then only re-ranks. Progress goes to a
//! callback that can stop the search (the browser's Cancel).

use super::blend::{self, BlendWeights, Candidate};
use super::model::{RecoModel, RecoParams};
use super::vsknn::{Decay, VsknnParams};
use super::RecoError;
use crate::leads::rng::Rng;
use serde::{Deserialize, Serialize};

/// HR@k and MRR@k over `positions` next-item predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub k: u32,
    pub hr: f64,
    pub mrr: f64,
    pub positions: u64,
}

/// Whether a long computation goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Stop,
}

/// Where the search is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuneProgress {
    /// Work units done and in all (validation positions × neighbourhoods).
    pub done: u64,
    pub total: u64,
    /// Best parameters so far and their score.
    pub best: Option<(RecoParams, Score)>,
}

/// The V-SKNN neighbourhoods tried.
pub fn neighbourhoods() -> Vec<VsknnParams> {
    let d = VsknnParams::default();
    vec![
        d,
        VsknnParams {
            k: 50,
            sample_size: 1000,
            ..d
        },
        VsknnParams {
            k: 200,
            sample_size: 1000,
            weighting: Decay::Quadratic,
            ..d
        },
    ]
}

/// The blend weights tried (scale-free: the ratios matter).
pub fn blend_grid() -> Vec<BlendWeights> {
    let mut out = Vec::new();
    for knn in [0.0, 0.5, 1.0] {
        for rules in [0.0, 0.25, 0.5, 1.0] {
            for repeat in [0.0, 0.1, 0.3] {
                for pop in [0.0, 0.02] {
                    if knn + rules > 0.0 {
                        out.push(BlendWeights {
                            knn,
                            rules,
                            repeat,
                            pop,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Next-item positions of `sessions` (input length, target), at most `max` of them, sampled
/// with `seed` when there are more.
pub fn positions(sessions: &[Vec<u32>], max: usize, seed: u64) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = sessions
        .iter()
        .enumerate()
        .flat_map(|(s, c)| (1..c.len()).map(move |i| (s, i)))
        .collect();
    if all.len() > max {
        Rng::new(seed).shuffle(&mut all);
        all.truncate(max);
        all.sort_unstable();
    }
    all
}

/// Search; returns the best parameters (the model's other parameters kept) and their score.
pub fn tune(
    model: &mut RecoModel,
    sessions: &[Vec<u32>],
    k: usize,
    max_positions: usize,
    seed: u64,
    progress: &mut dyn FnMut(&TuneProgress) -> Control,
) -> Result<(RecoParams, Option<Score>), RecoError> {
    let pos = positions(sessions, max_positions.max(1), seed);
    let base = model.params;
    if pos.is_empty() {
        return Ok((base, None));
    }
    let hoods = neighbourhoods();
    let grid = blend_grid();
    let total = (hoods.len() * pos.len()) as u64;
    let mut best: Option<(RecoParams, Score)> = None;
    let mut done = 0u64;
    for hood in hoods {
        model.params.vsknn = hood;
        let mut cands: Vec<(Vec<Candidate>, u32)> = Vec::with_capacity(pos.len());
        for (n, &(s, i)) in pos.iter().enumerate() {
            let clicks = &sessions[s][..i];
            cands.push((blend::candidates(model, clicks, k), sessions[s][i]));
            done += 1;
            if (n + 1).is_multiple_of(256)
                && progress(&TuneProgress { done, total, best }) == Control::Stop
            {
                model.params = base;
                return Err(RecoError::Cancelled);
            }
        }
        for w in &grid {
            let (mut hits, mut rr) = (0u64, 0.0);
            for (c, target) in &cands {
                if let Some(r) = blend::rank_of(c, w, *target).filter(|&r| r <= k) {
                    hits += 1;
                    rr += 1.0 / r as f64;
                }
            }
            let score = Score {
                k: k as u32,
                hr: hits as f64 / cands.len() as f64,
                mrr: rr / cands.len() as f64,
                positions: cands.len() as u64,
            };
            let better = best
                .as_ref()
                .is_none_or(|(_, b)| score.hr + score.mrr > b.hr + b.mrr + 1e-12);
            if better {
                best = Some((
                    RecoParams {
                        vsknn: hood,
                        blend: *w,
                        ..base
                    },
                    score,
                ));
            }
        }
        if progress(&TuneProgress { done, total, best }) == Control::Stop {
            model.params = base;
            return Err(RecoError::Cancelled);
        }
    }
    model.params = base;
    Ok(match best {
        Some((p, s)) => (p, Some(s)),
        None => (base, None),
    })
}
