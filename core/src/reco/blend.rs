//! The blend: each signal normalised to `[0, 1]` for a session, then weighted. Candidates are
//! the union of the signals' items and the most popular items, so a session nothing knows
//! still gets an answer (popularity, said so in the reason).

use super::model::RecoModel;
use super::vsknn::merge_sum;
use serde::{Deserialize, Serialize};

/// Blend weights (non-negative, finite).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlendWeights {
    pub knn: f64,
    pub rules: f64,
    pub repeat: f64,
    pub pop: f64,
}

impl Default for BlendWeights {
    fn default() -> Self {
        BlendWeights {
            knn: 1.0,
            rules: 0.5,
            repeat: 0.1,
            pop: 0.0,
        }
    }
}

/// One candidate item with its normalised signals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub item: u32,
    pub knn: f64,
    pub rules: f64,
    pub repeat: f64,
    pub pop: f64,
    /// The click whose rules gave this item most (for "often viewed after X").
    pub rule_from: Option<u32>,
}

impl Candidate {
    pub fn score(&self, w: &BlendWeights) -> f64 {
        w.knn * self.knn + w.rules * self.rules + w.repeat * self.repeat + w.pop * self.pop
    }
}

/// How many recent clicks the rules are read from (decay 1 / distance).
const RULE_CLICKS: usize = 3;

fn normalise(v: &mut [(u32, f64)]) {
    let max = v.iter().map(|x| x.1).fold(0.0, f64::max);
    if max > 0.0 {
        for x in v.iter_mut() {
            x.1 /= max;
        }
    }
}

/// The candidates of a session (`clicks` are model item codes), sorted by item code.
/// `popular` = how many of the most popular items join as candidates.
pub fn candidates(model: &RecoModel, clicks: &[u32], popular: usize) -> Vec<Candidate> {
    let mut knn = if clicks.is_empty() {
        Vec::new()
    } else {
        model
            .sessions
            .score(clicks, &model.idf, &model.params.vsknn)
    };
    normalise(&mut knn);
    // Rules of the last few distinct clicks; remember the strongest source per target.
    let mut rules: Vec<(u32, f64)> = Vec::new();
    let mut from: Vec<(u32, f64, u32)> = Vec::new();
    let mut seen: Vec<u32> = Vec::new();
    for &c in clicks.iter().rev() {
        if seen.len() == RULE_CLICKS {
            break;
        }
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        let d = 1.0 / seen.len() as f64;
        for (t, w) in model.rules.of(c) {
            let v = w as f64 * d;
            rules.push((t, v));
            from.push((t, v, c));
        }
    }
    let mut rules = merge_sum(rules);
    normalise(&mut rules);
    from.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    from.dedup_by_key(|x| x.0);
    let n = clicks.len();
    let mut repeat = merge_sum(
        clicks
            .iter()
            .enumerate()
            .map(|(p, &c)| (c, 1.0 / (n - p) as f64))
            .collect(),
    );
    normalise(&mut repeat);
    let mut all: Vec<u32> = knn
        .iter()
        .chain(&rules)
        .chain(&repeat)
        .map(|x| x.0)
        .chain(model.popular.iter().take(popular).copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    let get = |v: &[(u32, f64)], i: u32| {
        v.binary_search_by_key(&i, |x| x.0)
            .map_or(0.0, |at| v[at].1)
    };
    let max_pop = model
        .popular
        .first()
        .map_or(0, |&i| model.item_events[i as usize]) as f64;
    all.into_iter()
        .map(|item| Candidate {
            item,
            knn: get(&knn, item),
            rules: get(&rules, item),
            repeat: get(&repeat, item),
            pop: if max_pop > 0.0 {
                model.item_events.get(item as usize).copied().unwrap_or(0) as f64 / max_pop
            } else {
                0.0
            },
            rule_from: from
                .binary_search_by_key(&item, |x| x.0)
                .ok()
                .map(|at| from[at].2),
        })
        .collect()
}

/// Order for ranking: blended score, then popularity, then item code.
pub fn better(a: (f64, &Candidate), b: (f64, &Candidate)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0)
        .then(b.1.pop.total_cmp(&a.1.pop))
        .then(a.1.item.cmp(&b.1.item))
}

/// The top `k` candidates under `w`, best first, with their scores.
pub fn rank(cands: &[Candidate], w: &BlendWeights, k: usize) -> Vec<(Candidate, f64)> {
    let mut scored: Vec<(Candidate, f64)> = cands.iter().map(|c| (*c, c.score(w))).collect();
    scored.sort_by(|a, b| better((a.1, &a.0), (b.1, &b.0)));
    scored.truncate(k);
    scored
}

/// 1-based rank of `target` among `cands` under `w`, or `None` when it is no candidate.
pub fn rank_of(cands: &[Candidate], w: &BlendWeights, target: u32) -> Option<usize> {
    let at = cands.binary_search_by_key(&target, |c| c.item).ok()?;
    let t = &cands[at];
    let ts = t.score(w);
    Some(
        1 + cands
            .iter()
            .filter(|c| better((c.score(w), c), (ts, t)) == std::cmp::Ordering::Less)
            .count(),
    )
}
