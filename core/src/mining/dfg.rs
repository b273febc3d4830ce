//! The directly-follows graph: frequency, and time between the two events (seconds).

use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// Time between the events of a directly-follows pair, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgePerformance {
    /// Pairs where both events have a timestamp.
    pub measured: u64,
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub total: f64,
}

/// One edge `from → to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DfgEdge {
    pub from: String,
    pub to: String,
    pub count: u64,
    /// Only from [`dfg_performance`], and only when a pair had timestamps.
    pub performance: Option<EdgePerformance>,
}

/// The directly-follows graph, edges sorted by `(from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dfg {
    pub edges: Vec<DfgEdge>,
}

/// Up to this many activities, edges are counted in a dense `n × n` array.
const DENSE_MAX_ACTIVITIES: usize = 1024;

/// Edge counts keyed by `from * n + to`.
fn count_edges(log: &EventLog) -> (usize, Vec<(u64, u64)>) {
    let n = log.activities().len();
    let acts = log.activity_codes();
    let starts = log.case_starts();
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    if n <= DENSE_MAX_ACTIVITIES {
        let mut m = vec![0u64; n * n];
        for w in starts.windows(2) {
            for p in acts[w[0] as usize..w[1] as usize].windows(2) {
                m[p[0] as usize * n + p[1] as usize] += 1;
            }
        }
        pairs.extend(
            m.iter()
                .enumerate()
                .filter(|(_, &c)| c > 0)
                .map(|(k, &c)| (k as u64, c)),
        );
    } else {
        let mut h: hashbrown::HashMap<u64, u64> = hashbrown::HashMap::new();
        for w in starts.windows(2) {
            for p in acts[w[0] as usize..w[1] as usize].windows(2) {
                *h.entry(p[0] as u64 * n as u64 + p[1] as u64).or_default() += 1;
            }
        }
        pairs.extend(h);
    }
    (n, pairs)
}

fn named(log: &EventLog, n: usize, key: u64) -> (String, String) {
    let (a, b) = ((key / n as u64) as u32, (key % n as u64) as u32);
    (
        log.activities().resolve(a).to_string(),
        log.activities().resolve(b).to_string(),
    )
}

/// Directly-follows counts.
pub fn dfg(log: &EventLog) -> Dfg {
    let (n, pairs) = count_edges(log);
    let mut edges: Vec<DfgEdge> = pairs
        .into_iter()
        .map(|(k, count)| {
            let (from, to) = named(log, n, k);
            DfgEdge {
                from,
                to,
                count,
                performance: None,
            }
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    Dfg { edges }
}

/// Directly-follows counts plus the time between the two events (seconds).
pub fn dfg_performance(log: &EventLog) -> Dfg {
    let Some((ts, valid)) = log.timestamps() else {
        return dfg(log);
    };
    let n = log.activities().len() as u64;
    let acts = log.activity_codes();
    // (edge key, duration ms) for every timed pair; sorted, each edge's durations are a run.
    let mut timed: Vec<(u64, i64)> = Vec::with_capacity(acts.len());
    let mut counts: hashbrown::HashMap<u64, u64> = hashbrown::HashMap::new();
    for w in log.case_starts().windows(2) {
        for i in w[0] as usize..(w[1] as usize).saturating_sub(1) {
            let key = acts[i] as u64 * n + acts[i + 1] as u64;
            *counts.entry(key).or_default() += 1;
            if valid.get(i) && valid.get(i + 1) {
                timed.push((key, ts[i + 1] - ts[i]));
            }
        }
    }
    timed.sort_unstable();
    let mut perf: hashbrown::HashMap<u64, EdgePerformance> = hashbrown::HashMap::new();
    for run in timed.chunk_by(|a, b| a.0 == b.0) {
        // Sums are exact integers divided once, so an SQL engine gets the same bits (`sql`).
        let len = run.len();
        let sum: i128 = run.iter().map(|&(_, d)| i128::from(d)).sum();
        perf.insert(
            run[0].0,
            EdgePerformance {
                measured: len as u64,
                mean: super::time::mean_seconds(sum, len as u64),
                median: super::time::median_seconds(
                    run[(len - 1) / 2].1,
                    run[len / 2].1,
                    len as u64,
                ),
                min: run[0].1 as f64 / 1000.0,
                max: run[len - 1].1 as f64 / 1000.0,
                total: sum as f64 / 1000.0,
            },
        );
    }
    let mut edges: Vec<DfgEdge> = counts
        .into_iter()
        .map(|(k, count)| {
            let (from, to) = named(log, n as usize, k);
            DfgEdge {
                from,
                to,
                count,
                performance: perf.remove(&k),
            }
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    Dfg { edges }
}
