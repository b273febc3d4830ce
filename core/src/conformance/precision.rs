//! ETConformance precision with pm4py 2.7's token-replay variant
//! (`algo/evaluation/precision/variants/etconformance_token.py`): every proper prefix of every
//! trace is replayed (stopping at the first missing token); at each fitting prefix the visible
//! transitions the model enables (through silent moves) that the log never takes next are
//! escaping edges; precision = 1 − escaping / allowed, weighted by prefix counts, plus the
//! initial marking weighted by the number of traces.

use super::net::ReplayNet;
use super::token_replay::{replay_trace, PRECISION_MODE};
use hashbrown::{HashMap, HashSet};

/// Precision of the traces (label sequences) on a prepared net.
pub(crate) fn etc_precision(rn: &ReplayNet<'_>, traces: &[Vec<&str>]) -> f64 {
    let mut prefixes: HashMap<&[&str], (HashSet<&str>, u64)> = HashMap::new();
    let mut order: Vec<&[&str]> = Vec::new();
    for t in traces {
        for i in 1..t.len() {
            let key = &t[..i];
            let e = prefixes.entry(key).or_insert_with(|| {
                order.push(key);
                (HashSet::new(), 0)
            });
            e.0.insert(t[i]);
            e.1 += 1;
        }
    }
    let starts: HashSet<&str> = traces.iter().filter_map(|t| t.first().copied()).collect();
    let initial = rn.eventually_enabled_labels(&rn.initial);
    let n_traces = traces.len() as u64;
    let mut sum_at = n_traces * initial.len() as u64;
    let mut sum_ee = n_traces * initial.iter().filter(|l| !starts.contains(*l)).count() as u64;
    for key in order {
        let (next, count) = &prefixes[key];
        let r = replay_trace(rn, key, PRECISION_MODE);
        if !r.is_fit {
            continue;
        }
        let enabled = rn.eventually_enabled_labels(&r.reached);
        sum_at += enabled.len() as u64 * count;
        sum_ee += enabled.iter().filter(|l| !next.contains(*l)).count() as u64 * count;
    }
    if sum_at > 0 {
        1.0 - sum_ee as f64 / sum_at as f64
    } else {
        1.0
    }
}
