//! Segments learnt with the outcome: a shallow decision tree whose leaves are readable rules.
//!
//! Growth is best-first on the reduction of binomial deviance (log-loss), with a minimum leaf
//! size, a depth limit, at most 32 leaves, and a significance floor (a split must reduce the
//! deviance by more than a χ²(1) critical value) so segments are stable, not noise. Numeric
//! tests are `x ≤ t` with missing values sent to the better side; categorical tests are sets of
//! levels found by ordering levels by win rate (optimal for a binary outcome). Each leaf keeps
//! its size, wins, a Beta-smoothed win rate and the mean value of its won deals.
//!
//! Not here: the scorer blended on top ([`super::logistic`]) and the training pipeline
//! ([`super::ranking`]).

use super::encode::{format_number, Encoder, FeatureSpec, Raw};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Hard cap on leaves, whatever the config says.
pub const MAX_LEAVES: usize = 32;

/// How to grow the segment tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeConfig {
    pub max_leaves: usize,
    /// Smallest segment, in training rows; 0 picks `max(30, rows / 50)`.
    pub min_leaf: usize,
    pub max_depth: usize,
    /// A split must reduce the deviance (2 × log-likelihood gain) by more than this.
    pub min_deviance_gain: f64,
    /// Strength (pseudo-rows) of the Beta prior centred on the overall win rate.
    pub prior_strength: f64,
}

impl Default for TreeConfig {
    fn default() -> Self {
        TreeConfig {
            max_leaves: 16,
            min_leaf: 0,
            max_depth: 5,
            min_deviance_gain: 10.83,
            prior_strength: 20.0,
        }
    }
}

/// A test at an inner node; rows passing it go left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Test {
    /// `x ≤ threshold`; a missing value goes left when `missing_left`.
    LessEq { threshold: f64, missing_left: bool },
    /// The level code is one of `codes` (sorted).
    In { codes: Vec<u32> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Node {
    Split {
        feature: u32,
        test: Test,
        left: u32,
        right: u32,
    },
    Leaf {
        segment: u32,
    },
}

/// One segment: a leaf with its rule and statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub id: u32,
    pub rule: String,
    pub size: usize,
    pub wins: usize,
    /// Beta-smoothed win rate.
    pub win_rate: f64,
    /// Mean value of the won deals in the segment (smoothed towards the overall mean).
    pub mean_won_value: Option<f64>,
}

/// The learnt tree. Node 0 is the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub segments: Vec<Segment>,
}

impl Tree {
    /// Segment of a raw row.
    pub fn segment_of(&self, raw: &[Raw]) -> usize {
        let mut at = 0usize;
        for _ in 0..=self.nodes.len() {
            match self.nodes.get(at) {
                Some(Node::Leaf { segment }) => return *segment as usize,
                Some(Node::Split {
                    feature,
                    test,
                    left,
                    right,
                }) => {
                    let goes_left = match (test, raw.get(*feature as usize)) {
                        (
                            Test::LessEq {
                                threshold,
                                missing_left,
                            },
                            Some(Raw::Number(x)),
                        ) => x.map_or(*missing_left, |x| x <= *threshold),
                        (Test::In { codes }, Some(Raw::Level(c))) => codes.binary_search(c).is_ok(),
                        (Test::LessEq { missing_left, .. }, _) => *missing_left,
                        (Test::In { .. }, _) => false,
                    };
                    at = if goes_left { *left } else { *right } as usize;
                }
                None => break,
            }
        }
        0 // only reachable with a corrupt tree; the artifact decoder validates trees
    }

    /// Whether every child index is in range and every leaf names an existing segment, and the
    /// structure is a tree reachable from the root (checked when decoding an artifact).
    pub fn is_valid(&self, features: usize) -> bool {
        if self.nodes.is_empty() {
            return false;
        }
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                return false;
            }
            match &self.nodes[i] {
                Node::Leaf { segment } => {
                    if *segment as usize >= self.segments.len() {
                        return false;
                    }
                }
                Node::Split {
                    feature,
                    left,
                    right,
                    ..
                } => {
                    if *feature as usize >= features
                        || *left as usize >= self.nodes.len()
                        || *right as usize >= self.nodes.len()
                    {
                        return false;
                    }
                    stack.push(*left as usize);
                    stack.push(*right as usize);
                }
            }
        }
        true
    }
}

struct Candidate {
    gain: f64,
    feature: usize,
    test: Test,
    left: Vec<usize>,
    right: Vec<usize>,
}

struct Open {
    node: usize,
    rows: Vec<usize>,
    depth: usize,
    best: Option<Candidate>,
}

/// Grow the segment tree on raw rows with their outcomes and (optional) deal values.
pub fn grow(
    encoder: &Encoder,
    rows: &[Vec<Raw>],
    outcome: &[bool],
    value: &[Option<f64>],
    config: &TreeConfig,
) -> Tree {
    let n = rows.len();
    let min_leaf = if config.min_leaf == 0 {
        (n / 50).max(30)
    } else {
        config.min_leaf
    };
    let max_leaves = config.max_leaves.clamp(1, MAX_LEAVES);
    let mut nodes = vec![Node::Leaf { segment: 0 }];
    let root: Vec<usize> = (0..n).collect();
    let best = best_split(encoder, rows, outcome, &root, min_leaf);
    let mut open = vec![Open {
        node: 0,
        rows: root,
        depth: 0,
        best,
    }];
    let mut done: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut leaves = 1;
    while leaves < max_leaves {
        let pick = open
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                o.depth < config.max_depth
                    && o.best
                        .as_ref()
                        .is_some_and(|c| 2.0 * c.gain > config.min_deviance_gain)
            })
            .max_by(|a, b| {
                let ga = a.1.best.as_ref().map_or(0.0, |c| c.gain);
                let gb = b.1.best.as_ref().map_or(0.0, |c| c.gain);
                ga.total_cmp(&gb).then(b.0.cmp(&a.0))
            })
            .map(|(i, _)| i);
        let Some(i) = pick else { break };
        let o = open.swap_remove(i);
        let Some(c) = o.best else { continue };
        let (l, r) = (nodes.len(), nodes.len() + 1);
        nodes.push(Node::Leaf { segment: 0 });
        nodes.push(Node::Leaf { segment: 0 });
        nodes[o.node] = Node::Split {
            feature: c.feature as u32,
            test: c.test,
            left: l as u32,
            right: r as u32,
        };
        for (node, part) in [(l, c.left), (r, c.right)] {
            let best = best_split(encoder, rows, outcome, &part, min_leaf);
            open.push(Open {
                node,
                rows: part,
                depth: o.depth + 1,
                best,
            });
        }
        leaves += 1;
    }
    done.extend(open.into_iter().map(|o| (o.node, o.rows)));
    done.sort_by_key(|(node, _)| *node);

    let total_wins = outcome.iter().filter(|&&w| w).count();
    let base = if n == 0 {
        0.0
    } else {
        total_wins as f64 / n as f64
    };
    let won_values: Vec<f64> = (0..n)
        .filter(|&i| outcome[i])
        .filter_map(|i| value.get(i).copied().flatten())
        .collect();
    let base_value =
        (!won_values.is_empty()).then(|| super::bounds::smoothed_mean(&won_values, 0.0, 0.0));
    let mut segments = Vec::with_capacity(done.len());
    for (id, (node, part)) in done.iter().enumerate() {
        nodes[*node] = Node::Leaf { segment: id as u32 };
        let wins = part.iter().filter(|&&i| outcome[i]).count();
        let vals: Vec<f64> = part
            .iter()
            .filter(|&&i| outcome[i])
            .filter_map(|&i| value.get(i).copied().flatten())
            .collect();
        let m = config.prior_strength;
        let mean_won_value = base_value.map(|bv| super::bounds::smoothed_mean(&vals, m, bv));
        segments.push(Segment {
            id: id as u32,
            rule: String::new(),
            size: part.len(),
            wins,
            win_rate: (wins as f64 + m * base) / (part.len() as f64 + m),
            mean_won_value,
        });
    }
    let mut tree = Tree { nodes, segments };
    let rules = rules(&tree, encoder);
    for (s, r) in tree.segments.iter_mut().zip(rules) {
        s.rule = r;
    }
    tree
}

/// Binomial log-likelihood (in nats) of `wins` out of `n` at the MLE rate.
fn loglik(wins: f64, n: f64) -> f64 {
    let term = |k: f64| if k > 0.0 { k * (k / n).ln() } else { 0.0 };
    if n <= 0.0 {
        0.0
    } else {
        term(wins) + term(n - wins)
    }
}

fn best_split(
    encoder: &Encoder,
    rows: &[Vec<Raw>],
    outcome: &[bool],
    part: &[usize],
    min_leaf: usize,
) -> Option<Candidate> {
    if part.len() < 2 * min_leaf {
        return None;
    }
    let n = part.len() as f64;
    let wins = part.iter().filter(|&&i| outcome[i]).count() as f64;
    let parent = loglik(wins, n);
    let mut best: Option<(f64, usize, Test)> = None;
    let mut consider = |gain: f64, feature: usize, test: Test| {
        if best.as_ref().is_none_or(|b| gain > b.0 + 1e-12) {
            best = Some((gain, feature, test));
        }
    };
    for (f, spec) in encoder.features.iter().enumerate() {
        match spec {
            FeatureSpec::Numeric { .. } => {
                let mut present: Vec<(f64, bool)> = Vec::with_capacity(part.len());
                let (mut mn, mut mw) = (0f64, 0f64);
                for &i in part {
                    match rows[i][f] {
                        Raw::Number(Some(x)) => present.push((x, outcome[i])),
                        _ => {
                            mn += 1.0;
                            mw += outcome[i] as u8 as f64;
                        }
                    }
                }
                present.sort_by(|a, b| a.0.total_cmp(&b.0));
                let step = (present.len() / 64).max(1);
                let (mut ln, mut lw) = (0f64, 0f64);
                let mut j = 0;
                while j < present.len() {
                    // advance over a group of equal values, then at most `step` rows
                    let target = (j + step).min(present.len());
                    while j < target
                        || (j < present.len() && j > 0 && present[j].0 == present[j - 1].0)
                    {
                        ln += 1.0;
                        lw += present[j].1 as u8 as f64;
                        j += 1;
                    }
                    if j >= present.len() {
                        break;
                    }
                    let threshold = present[j - 1].0;
                    // With no missing value in the node, unseen missing values follow the larger side.
                    let sides: &[bool] = if mn > 0.0 {
                        &[true, false]
                    } else if 2.0 * ln >= n {
                        &[true]
                    } else {
                        &[false]
                    };
                    for &missing_left in sides {
                        let (a_n, a_w) = if missing_left {
                            (ln + mn, lw + mw)
                        } else {
                            (ln, lw)
                        };
                        let (b_n, b_w) = (n - a_n, wins - a_w);
                        if a_n < min_leaf as f64 || b_n < min_leaf as f64 {
                            continue;
                        }
                        let gain = loglik(a_w, a_n) + loglik(b_w, b_n) - parent;
                        consider(
                            gain,
                            f,
                            Test::LessEq {
                                threshold,
                                missing_left,
                            },
                        );
                    }
                }
            }
            FeatureSpec::Categorical { levels, .. } => {
                let mut counts = vec![(0f64, 0f64); levels.len()];
                for &i in part {
                    if let Raw::Level(c) = rows[i][f] {
                        if let Some(slot) = counts.get_mut(c as usize) {
                            slot.0 += 1.0;
                            slot.1 += outcome[i] as u8 as f64;
                        }
                    }
                }
                let mut order: Vec<usize> =
                    (0..levels.len()).filter(|&c| counts[c].0 > 0.0).collect();
                let rate = |c: usize| (counts[c].1 + 1.0) / (counts[c].0 + 2.0);
                order.sort_by(|&a, &b| rate(b).total_cmp(&rate(a)).then(a.cmp(&b)));
                let (mut ln, mut lw) = (0f64, 0f64);
                for k in 0..order.len().saturating_sub(1) {
                    ln += counts[order[k]].0;
                    lw += counts[order[k]].1;
                    if ln < min_leaf as f64 || n - ln < min_leaf as f64 {
                        continue;
                    }
                    let gain = loglik(lw, ln) + loglik(wins - lw, n - ln) - parent;
                    let mut codes: Vec<u32> = order[..=k].iter().map(|&c| c as u32).collect();
                    codes.sort_unstable();
                    consider(gain, f, Test::In { codes });
                }
            }
        }
    }
    let (gain, feature, test) = best?;
    let mut probe = Tree {
        nodes: vec![
            Node::Split {
                feature: feature as u32,
                test: test.clone(),
                left: 1,
                right: 2,
            },
            Node::Leaf { segment: 0 },
            Node::Leaf { segment: 1 },
        ],
        segments: vec![],
    };
    let (left, right): (Vec<usize>, Vec<usize>) =
        part.iter().partition(|&&i| probe.segment_of(&rows[i]) == 0);
    probe.nodes.clear();
    Some(Candidate {
        gain,
        feature,
        test,
        left,
        right,
    })
}

/// Readable rule of every segment, conditions on one feature merged
/// (`industry = energy AND 4 < hours_to_first_response ≤ 24`).
fn rules(tree: &Tree, encoder: &Encoder) -> Vec<String> {
    #[derive(Clone)]
    enum Cond {
        Range {
            lo: Option<f64>,
            hi: Option<f64>,
            missing: Option<bool>,
        },
        Set(BTreeSet<u32>),
    }
    let mut out = vec![String::new(); tree.segments.len()];
    let mut stack: Vec<(usize, Vec<(usize, Cond)>)> = vec![(0, vec![])];
    while let Some((at, conds)) = stack.pop() {
        match tree.nodes.get(at) {
            Some(Node::Leaf { segment }) => {
                let text: Vec<String> = conds
                    .iter()
                    .map(|(f, c)| {
                        let name = encoder.features.get(*f).map_or("?", |s| s.name());
                        let seen_missing = matches!(
                            encoder.features.get(*f),
                            Some(FeatureSpec::Numeric {
                                missing_indicator: true,
                                ..
                            })
                        );
                        match c {
                            Cond::Range { lo, hi, missing } => {
                                let missing = if seen_missing { *missing } else { None };
                                let mut s = match (lo, hi) {
                                    (Some(lo), Some(hi)) => format!(
                                        "{} < {name} ≤ {}",
                                        format_number(*lo),
                                        format_number(*hi)
                                    ),
                                    (Some(lo), None) => format!("{name} > {}", format_number(*lo)),
                                    (None, Some(hi)) => format!("{name} ≤ {}", format_number(*hi)),
                                    (None, None) => format!("{name} missing"),
                                };
                                match &missing {
                                    Some(true) if lo.is_some() || hi.is_some() => {
                                        s = format!("({s} OR {name} missing)")
                                    }
                                    Some(false) if lo.is_none() && hi.is_none() => {
                                        s = format!("{name} present")
                                    }
                                    _ => {}
                                }
                                s
                            }
                            Cond::Set(set) => {
                                let levels = match encoder.features.get(*f) {
                                    Some(FeatureSpec::Categorical { levels, .. }) => levels.clone(),
                                    _ => vec![],
                                };
                                let label =
                                    |c: &u32| levels.get(*c as usize).cloned().unwrap_or_default();
                                let excluded: Vec<u32> = (0..levels.len() as u32)
                                    .filter(|c| !set.contains(c))
                                    .collect();
                                if set.len() == 1 {
                                    format!(
                                        "{name} = {}",
                                        set.iter().map(label).collect::<String>()
                                    )
                                } else if set.len() <= excluded.len() + 1 || excluded.is_empty() {
                                    format!(
                                        "{name} in {{{}}}",
                                        set.iter().map(label).collect::<Vec<_>>().join(", ")
                                    )
                                } else if excluded.len() == 1 {
                                    format!("{name} ≠ {}", label(&excluded[0]))
                                } else {
                                    format!(
                                        "{name} not in {{{}}}",
                                        excluded.iter().map(label).collect::<Vec<_>>().join(", ")
                                    )
                                }
                            }
                        }
                    })
                    .collect();
                if let Some(slot) = out.get_mut(*segment as usize) {
                    *slot = if text.is_empty() {
                        "all leads".into()
                    } else {
                        text.join(" AND ")
                    };
                }
            }
            Some(Node::Split {
                feature,
                test,
                left,
                right,
            }) => {
                let f = *feature as usize;
                let existing = conds.iter().position(|(g, _)| *g == f);
                for (child, goes_left) in [(*left, true), (*right, false)] {
                    let mut next = conds.clone();
                    let prev = existing.map(|p| next[p].1.clone());
                    let cond = match test {
                        Test::LessEq {
                            threshold,
                            missing_left,
                        } => {
                            let (mut lo, mut hi, mut missing) = match prev {
                                Some(Cond::Range { lo, hi, missing }) => (lo, hi, missing),
                                _ => (None, None, None),
                            };
                            if goes_left {
                                hi = Some(hi.map_or(*threshold, |h: f64| h.min(*threshold)));
                            } else {
                                lo = Some(lo.map_or(*threshold, |l: f64| l.max(*threshold)));
                            }
                            let allow = *missing_left == goes_left;
                            missing = Some(missing.unwrap_or(true) && allow);
                            Cond::Range { lo, hi, missing }
                        }
                        Test::In { codes } => {
                            let width = match encoder.features.get(f) {
                                Some(FeatureSpec::Categorical { levels, .. }) => {
                                    levels.len() as u32
                                }
                                _ => 0,
                            };
                            let base: BTreeSet<u32> = match prev {
                                Some(Cond::Set(s)) => s,
                                _ => (0..width).collect(),
                            };
                            Cond::Set(
                                base.into_iter()
                                    .filter(|c| codes.binary_search(c).is_ok() == goes_left)
                                    .collect(),
                            )
                        }
                    };
                    match existing {
                        Some(p) => next[p].1 = cond,
                        None => next.push((f, cond)),
                    }
                    stack.push((child as usize, next));
                }
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
