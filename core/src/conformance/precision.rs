//! ETConformance precision with pm4py 2.7's token-replay variant
//! (`algo/evaluation/precision/variants/etconformance_token.py`): every proper prefix of every
//! trace is replayed (stopping at the first missing token); at each fitting prefix the visible
//! transitions the model enables (through silent moves) that the log never takes next are
//! escaping edges; precision = 1 − escaping / allowed, weighted by prefix counts, plus the
//! initial marking weighted by the number of traces.
//!
//! The prefixes are the nodes of a trie keyed by (parent, activity code): each event costs one
//! lookup of two integers instead of hashing the whole prefix's strings, which is what made the
//! first version 5–7× slower in wasm than natively (string hashing with 128-bit multiplies).

use super::codes::IntMap;
use super::net::{Marking, ReplayNet, Tokens};
use super::token_replay::prepare_event;
use crate::log::EventLog;
use hashbrown::hash_map::Entry;
use hashbrown::HashMap;

/// One distinct proper prefix of the log's traces.
struct Prefix {
    /// Activity codes that follow this prefix somewhere in the log.
    next: Vec<u32>,
    /// Traces that have this prefix and continue after it.
    count: u64,
    /// The marking after replaying the prefix, `None` once a token was missing.
    reached: Option<Marking>,
}

/// Precision of the log's traces on a prepared net.
pub(crate) fn etc_precision(rn: &ReplayNet<'_>, log: &EventLog) -> f64 {
    let names: Vec<&str> = log.activities().iter().collect();
    let code: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    let by_code = rn.by_code(&names);
    let mut starts = vec![false; names.len()];
    // Node 0 is the empty prefix; it is replayed but not counted (pm4py counts the initial
    // marking once per trace instead).
    let mut nodes = vec![Prefix {
        next: Vec::new(),
        count: 0,
        reached: Some(rn.initial.clone()),
    }];
    let mut child: IntMap<(u32, u32), u32> = IntMap::default();
    for c in 0..log.num_cases() as u32 {
        let t = log.case_activities(c);
        if let Some(&first) = t.first() {
            starts[first as usize] = true;
        }
        let mut node = 0u32;
        for i in 1..t.len() {
            let (parent, a) = (node, t[i - 1]);
            node = match child.entry((parent, a)) {
                Entry::Occupied(e) => *e.get(),
                Entry::Vacant(e) => {
                    // Replay is a left fold over the events, so a prefix's state extends its
                    // parent's: one replay step per distinct prefix.
                    let reached =
                        nodes[parent as usize].reached.clone().and_then(
                            |mut m| match prepare_event(rn, &mut m, by_code[a as usize]) {
                                None => Some(m),
                                Some((tr, _, true)) => {
                                    rn.fire_in(tr, &mut m);
                                    Some(m)
                                }
                                Some((_, _, false)) => None,
                            },
                        );
                    let id = nodes.len() as u32;
                    nodes.push(Prefix {
                        next: Vec::new(),
                        count: 0,
                        reached,
                    });
                    *e.insert(id)
                }
            };
            let prefix = &mut nodes[node as usize];
            if !prefix.next.contains(&t[i]) {
                prefix.next.push(t[i]);
            }
            prefix.count += 1;
        }
    }
    // Enabled labels as activity codes (`None`: a label the log never shows, always escaping).
    let codes = |labels: Vec<&str>| -> Vec<Option<u32>> {
        labels.into_iter().map(|l| code.get(l).copied()).collect()
    };
    let initial = codes(rn.eventually_enabled_labels(&rn.initial));
    let n_traces = log.num_cases() as u64;
    let mut sum_at = n_traces * initial.len() as u64;
    let mut sum_ee = n_traces
        * initial
            .iter()
            .filter(|l| !l.is_some_and(|c| starts[c as usize]))
            .count() as u64;
    let mut labels_of: IntMap<Tokens, Vec<Option<u32>>> = IntMap::default();
    for prefix in &nodes[1..] {
        let Some(reached) = &prefix.reached else {
            continue;
        };
        let mut sorted = reached.0.clone();
        sorted.sort_unstable();
        let enabled = labels_of
            .entry(sorted)
            .or_insert_with(|| codes(rn.eventually_enabled_labels(reached)));
        let escaping = enabled
            .iter()
            .filter(|l| !l.is_some_and(|c| prefix.next.contains(&c)))
            .count();
        sum_at += enabled.len() as u64 * prefix.count;
        sum_ee += escaping as u64 * prefix.count;
    }
    if sum_at > 0 {
        1.0 - sum_ee as f64 / sum_at as f64
    } else {
        1.0
    }
}
