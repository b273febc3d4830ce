//! ETConformance precision with pm4py 2.7's token-replay variant
//! (`algo/evaluation/precision/variants/etconformance_token.py`): every proper prefix of every
//! trace is replayed (stopping at the first missing token); at each fitting prefix the visible
//! transitions the model enables (through silent moves) that the log never takes next are
//! escaping edges; precision = 1 − escaping / allowed, weighted by prefix counts, plus the
//! initial marking weighted by the number of traces.

use super::net::{Marking, ReplayNet};
use super::token_replay::prepare_event;
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
    // Replay is a left fold over the events and precision stops at the first missing token, so
    // the state after a prefix extends the state after its parent: one step per distinct prefix.
    let mut state: HashMap<&[&str], Option<Marking>> = HashMap::new();
    for t in traces {
        let mut cur = Some(rn.initial.clone());
        for i in 1..t.len() {
            let key = &t[..i];
            if let Some(s) = state.get(key) {
                cur = s.clone();
                continue;
            }
            cur = cur.and_then(|mut m| match prepare_event(rn, &mut m, t[i - 1]) {
                None => Some(m),
                Some((tr, _, true)) => Some(rn.fire(tr, &m)),
                Some((_, _, false)) => None,
            });
            state.insert(key, cur.clone());
        }
    }
    let mut labels_of: HashMap<Vec<(u32, i64)>, Vec<&str>> = HashMap::new();
    for key in order {
        let (next, count) = &prefixes[key];
        let Some(Some(reached)) = state.get(key) else {
            continue;
        };
        let mut sorted = reached.0.clone();
        sorted.sort_unstable();
        let enabled = labels_of
            .entry(sorted)
            .or_insert_with(|| rn.eventually_enabled_labels(reached));
        sum_at += enabled.len() as u64 * count;
        sum_ee += enabled.iter().filter(|l| !next.contains(*l)).count() as u64 * count;
    }
    if sum_at > 0 {
        1.0 - sum_ee as f64 / sum_at as f64
    } else {
        1.0
    }
}
