//! The directly-follows difference of two groups of cases: every edge either group has, with
//! its frequency, the share of the group's cases that contain it, and the time between the two
//! events (mean and median seconds, as `mining::dfg_performance` measures it on the group's
//! sub-log) in A and B.
//!
//! Computed on the full log's codes in two passes over the grouped cases (count, then fill
//! per-edge duration buckets), so no sub-log is built and nothing is sorted globally: medians
//! come from `select_nth_unstable` within each edge's bucket.

use super::Groups;
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// One directly-follows edge in A and B. Differences are A − B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeDifference {
    pub from: String,
    pub to: String,
    /// Occurrences of the pair in the group's cases.
    pub count_a: u64,
    pub count_b: u64,
    /// Cases of the group that contain the pair at least once.
    pub cases_a: u64,
    pub cases_b: u64,
    /// `cases / cases in the group`.
    pub share_a: f64,
    pub share_b: f64,
    pub share_diff: f64,
    /// Mean / median seconds between the two events, over the timed pairs (`None`: no pair
    /// of that group had both timestamps).
    pub mean_a: Option<f64>,
    pub mean_b: Option<f64>,
    pub mean_diff: Option<f64>,
    pub median_a: Option<f64>,
    pub median_b: Option<f64>,
    pub median_diff: Option<f64>,
}

/// Edge ids: a dense `from × to` table for small alphabets, a hash map beyond.
enum EdgeIds {
    Dense(Vec<u32>, usize),
    Sparse(hashbrown::HashMap<u64, u32>, usize),
}

impl EdgeIds {
    fn new(n: usize) -> EdgeIds {
        if n <= 256 {
            EdgeIds::Dense(vec![u32::MAX; n * n], n)
        } else {
            EdgeIds::Sparse(hashbrown::HashMap::new(), n)
        }
    }

    /// The id of `from → to`, assigning the next one on first sight.
    fn id(&mut self, from: u32, to: u32, edges: &mut Vec<(u32, u32)>) -> usize {
        let next = edges.len() as u32;
        let slot = match self {
            EdgeIds::Dense(m, n) => &mut m[from as usize * *n + to as usize],
            EdgeIds::Sparse(h, n) => h
                .entry(from as u64 * *n as u64 + to as u64)
                .or_insert(u32::MAX),
        };
        if *slot == u32::MAX {
            *slot = next;
            edges.push((from, to));
        }
        *slot as usize
    }
}

#[derive(Default, Clone)]
struct Side {
    count: u64,
    cases: u64,
    stamp: u32,
    timed: u64,
}

/// The DFG difference, sorted by |share_diff| descending, then `(from, to)`.
pub(super) fn dfg_difference(log: &EventLog, groups: &Groups) -> Vec<EdgeDifference> {
    let acts = log.activity_codes();
    let timestamps = log.timestamps();
    let timed = |i: usize| timestamps.is_some_and(|(_, v)| v.get(i) && v.get(i + 1));
    let mut ids = EdgeIds::new(log.activities().len());
    let mut edges: Vec<(u32, u32)> = Vec::new();
    let mut sides: [Vec<Side>; 2] = [Vec::new(), Vec::new()];
    let mut pair_ids: Vec<u32> = Vec::new(); // edge id per pair, in walk order
    for (c, &m) in groups.member.iter().enumerate() {
        if m == 0 {
            continue;
        }
        let r = log.case_events(c as u32);
        for i in r.start..r.end.saturating_sub(1) {
            let e = ids.id(acts[i], acts[i + 1], &mut edges);
            pair_ids.push(e as u32);
            for (g, side) in sides.iter_mut().enumerate() {
                if m >> g & 1 == 0 {
                    continue;
                }
                if side.len() <= e {
                    side.resize(e + 1, Side::default());
                }
                let s = &mut side[e];
                s.count += 1;
                if s.stamp != c as u32 + 1 {
                    s.stamp = c as u32 + 1;
                    s.cases += 1;
                }
                s.timed += u64::from(timed(i));
            }
        }
    }
    for side in &mut sides {
        side.resize(edges.len(), Side::default());
    }
    // Durations, bucketed per (group, edge) by prefix offsets.
    let mut perf: [Vec<(Option<f64>, Option<f64>)>; 2] = [
        vec![(None, None); edges.len()],
        vec![(None, None); edges.len()],
    ];
    if let Some((ts, _)) = timestamps {
        for g in 0..2 {
            let mut offset = Vec::with_capacity(edges.len() + 1);
            let mut acc = 0usize;
            for s in &sides[g] {
                offset.push(acc);
                acc += s.timed as usize;
            }
            offset.push(acc);
            let mut fill = offset.clone();
            let mut secs = vec![0f64; acc];
            let mut k = 0usize;
            for (c, &m) in groups.member.iter().enumerate() {
                if m == 0 {
                    continue;
                }
                let r = log.case_events(c as u32);
                for i in r.start..r.end.saturating_sub(1) {
                    let e = pair_ids[k] as usize;
                    k += 1;
                    if m >> g & 1 != 0 && timed(i) {
                        secs[fill[e]] = (ts[i + 1] - ts[i]) as f64 / 1000.0;
                        fill[e] += 1;
                    }
                }
            }
            for (e, p) in perf[g].iter_mut().enumerate() {
                let bucket = &mut secs[offset[e]..offset[e + 1]];
                if !bucket.is_empty() {
                    let mean = bucket.iter().sum::<f64>() / bucket.len() as f64;
                    *p = (Some(mean), Some(median(bucket)));
                }
            }
        }
    }
    let (na, nb) = (groups.n_a.max(1) as f64, groups.n_b.max(1) as f64);
    let diff = |a: Option<f64>, b: Option<f64>| Some(a? - b?);
    let mut out: Vec<EdgeDifference> = edges
        .iter()
        .enumerate()
        .map(|(e, &(from, to))| {
            let (a, b) = (&sides[0][e], &sides[1][e]);
            let (share_a, share_b) = (a.cases as f64 / na, b.cases as f64 / nb);
            let ((mean_a, median_a), (mean_b, median_b)) = (perf[0][e], perf[1][e]);
            EdgeDifference {
                from: log.activities().resolve(from).to_string(),
                to: log.activities().resolve(to).to_string(),
                count_a: a.count,
                count_b: b.count,
                cases_a: a.cases,
                cases_b: b.cases,
                share_a,
                share_b,
                share_diff: share_a - share_b,
                mean_a,
                mean_b,
                mean_diff: diff(mean_a, mean_b),
                median_a,
                median_b,
                median_diff: diff(median_a, median_b),
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.share_diff
            .abs()
            .total_cmp(&x.share_diff.abs())
            .then_with(|| (&x.from, &x.to).cmp(&(&y.from, &y.to)))
    });
    out
}

/// numpy's median (mean of the two middle values for an even count) of a non-empty slice,
/// reordering it.
fn median(v: &mut [f64]) -> f64 {
    let n = v.len();
    let (_, &mut hi, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return hi;
    }
    let lo = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo + hi) / 2.0
}
