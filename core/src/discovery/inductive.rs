//! The inductive miner framework, as pm4py 2.7's `IMUVCL` (noise 0) and `IMFUVCL` (IMf).
//!
//! Recursion: empty traces (× with tau; IMf drops them when they are at most `noise` of the
//! traces), base cases (empty log, one single-activity variant), a cut on the DFG (IMf: on the
//! noise-filtered DFG when the full one has none), else a fall-through: activity once per
//! trace, activity concurrent, strict tau loop, tau loop, flower. The tree is then folded.

use super::cuts;
use super::removal::Removals;
use super::sublog::{Dfg, SubLog, SubLogBuilder};
use super::tree::{Operator, ProcessTree};
use crate::log::EventLog;

/// Inductive-miner settings.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InductiveOptions {
    /// IMf noise threshold in [0, 1); 0 runs plain IM (pm4py's choice too).
    pub noise: f64,
}

/// Discover a process tree from the log's traces (pm4py `discover_process_tree_inductive`).
pub fn discover_tree(log: &EventLog, options: InductiveOptions) -> ProcessTree {
    let mut b = SubLogBuilder::default();
    super::traces::for_each_case_trace(log, |t| b.add(t, 1));
    let names: Vec<&str> = log.activities().iter().collect();
    discover_tree_from(&b.finish(), &names, options)
}

/// Discover from variants given as activity-name sequences with counts.
pub fn discover_tree_from_variants(
    variants: &[(Vec<String>, u64)],
    options: InductiveOptions,
) -> ProcessTree {
    let mut interner = crate::log::interner::Interner::new();
    let mut b = SubLogBuilder::default();
    for (t, n) in variants {
        let codes: Vec<u32> = t.iter().map(|a| interner.intern(a)).collect();
        b.add(&codes, *n);
    }
    let names: Vec<&str> = interner.iter().collect();
    discover_tree_from(&b.finish(), &names, options)
}

fn discover_tree_from(log: &SubLog, names: &[&str], options: InductiveOptions) -> ProcessTree {
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_by(|&a, &b| names[a as usize].cmp(names[b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, &a) in order.iter().enumerate() {
        rank[a as usize] = r as u32;
    }
    let miner = Miner {
        names,
        rank,
        noise: if options.noise > 0.0 {
            Some(options.noise)
        } else {
            None
        },
    };
    miner.apply(log, None).fold()
}

struct Miner<'a> {
    names: &'a [&'a str],
    rank: Vec<u32>,
    /// `Some` = IMf.
    noise: Option<f64>,
}

fn node(op: Operator, children: Vec<ProcessTree>) -> ProcessTree {
    ProcessTree::Node(op, children)
}

impl Miner<'_> {
    fn dfg(&self, log: &SubLog) -> Dfg {
        Dfg::of(log, &self.rank)
    }

    fn recurse(&self, op: Operator, logs: &[SubLog]) -> ProcessTree {
        node(op, logs.iter().map(|l| self.apply(l, None)).collect())
    }

    /// `IMUVCL.apply` / `IMFUVCL.apply`. `filtered` is IMf's second iteration (a noise-filtered
    /// DFG of the same log); it gives `None` when that DFG has no cut either.
    fn apply(&self, log: &SubLog, filtered: Option<&Dfg>) -> ProcessTree {
        self.try_apply(log, filtered).unwrap_or(ProcessTree::Tau)
    }

    fn try_apply(&self, log: &SubLog, filtered: Option<&Dfg>) -> Option<ProcessTree> {
        let owned;
        let mut log = log;
        if log.has_empty_trace() {
            let rest = without_empty(log);
            if rest.variants.is_empty() {
                if self.noise.is_none() {
                    return Some(ProcessTree::Tau);
                }
                // IMf: `empty_traces[1]` is empty, so it falls to the base cases (tau).
            } else {
                let drop = match self.noise {
                    None => false,
                    Some(noise) => {
                        let (all, kept) = (log.total(), rest.total());
                        ((all - kept) as f64) <= noise * all as f64
                    }
                };
                if !drop {
                    return Some(node(
                        Operator::Xor,
                        vec![
                            self.apply(&SubLog::default(), None),
                            self.apply(&rest, None),
                        ],
                    ));
                }
                owned = rest;
                log = &owned;
            }
        }
        if let Some(leaf) = self.base_case(log) {
            return Some(leaf);
        }
        let full = self.dfg(log);
        let dfg = filtered.unwrap_or(&full);
        if let Some(cut) = cuts::find(dfg) {
            let logs = cuts::project(log, dfg, &cut, self.names.len());
            return Some(self.recurse(cut.op, &logs));
        }
        if let Some(noise) = self.noise {
            if filtered.is_some() {
                return None;
            }
            let noisy = full.filter_noise(noise);
            if let Some(t) = self.try_apply(log, Some(&noisy)) {
                return Some(t);
            }
        }
        Some(self.fall_through(log, &full))
    }

    /// Empty log → tau; a single variant of at most one activity → that leaf.
    fn base_case(&self, log: &SubLog) -> Option<ProcessTree> {
        if log.variants.is_empty() {
            return Some(ProcessTree::Tau);
        }
        if let [(t, _)] = log.variants.as_slice() {
            return match t.as_slice() {
                [] => Some(ProcessTree::Tau),
                [a] => Some(ProcessTree::Activity(self.names[*a as usize].to_string())),
                _ => None,
            };
        }
        None
    }

    /// pm4py's fall-throughs, in order (the empty-traces one never applies here: empty traces
    /// were handled on entry).
    fn fall_through(&self, log: &SubLog, dfg: &Dfg) -> ProcessTree {
        let alphabet = &dfg.acts;
        if let Some(a) = self.activity_once_per_trace(log, alphabet) {
            return self.split_activity(log, a);
        }
        // Only the DFG of the log without `a` matters for the cut test.
        let removals = Removals::new(log, dfg, &self.rank);
        for (x, &a) in alphabet.iter().enumerate() {
            if cuts::find(&removals.without(x)).is_some() {
                return self.split_activity(log, a);
            }
        }
        if let Some(p) = tau_loop(log, true) {
            return node(Operator::Loop, vec![self.apply(&p, None), ProcessTree::Tau]);
        }
        if let Some(p) = tau_loop(log, false) {
            return node(Operator::Loop, vec![self.apply(&p, None), ProcessTree::Tau]);
        }
        // Flower: *( tau, X( every activity ) ).
        let mut b = SubLogBuilder::default();
        for &a in alphabet {
            b.add(&[a], 1);
        }
        node(
            Operator::Loop,
            vec![ProcessTree::Tau, self.apply(&b.finish(), None)],
        )
    }

    /// The first activity (by name) that occurs exactly once in every trace.
    fn activity_once_per_trace(&self, log: &SubLog, alphabet: &[u32]) -> Option<u32> {
        alphabet.iter().copied().find(|&a| {
            log.variants
                .iter()
                .all(|(t, _)| t.iter().filter(|&&e| e == a).count() == 1)
        })
    }

    /// ∧( the activity's own log, the log without it ).
    fn split_activity(&self, log: &SubLog, a: u32) -> ProcessTree {
        let (mut only, mut rest) = (SubLogBuilder::default(), SubLogBuilder::default());
        let (mut mine, mut other) = (Vec::new(), Vec::new());
        for (t, n) in &log.variants {
            mine.clear();
            other.clear();
            for &e in t {
                if e == a {
                    mine.push(e)
                } else {
                    other.push(e)
                }
            }
            only.add(&mine, *n);
            rest.add(&other, *n);
        }
        self.recurse(Operator::Parallel, &[only.finish(), rest.finish()])
    }
}

fn without_empty(log: &SubLog) -> SubLog {
    SubLog {
        variants: log
            .variants
            .iter()
            .filter(|v| !v.0.is_empty())
            .cloned()
            .collect(),
    }
}

/// pm4py's strict tau loop (`strict`: cut between an end and a following start activity) and
/// tau loop (cut before every start activity): the projected log when it has more traces.
fn tau_loop(log: &SubLog, strict: bool) -> Option<SubLog> {
    let mut codes = 0usize;
    for (t, _) in &log.variants {
        codes = codes.max(t.iter().map(|&a| a as usize + 1).max().unwrap_or(0));
    }
    let (mut start, mut end) = (vec![false; codes], vec![false; codes]);
    for (t, _) in &log.variants {
        if let (Some(&f), Some(&l)) = (t.first(), t.last()) {
            start[f as usize] = true;
            end[l as usize] = true;
        }
    }
    let mut b = SubLogBuilder::default();
    let mut pieces = 0u64;
    for (t, n) in &log.variants {
        let mut x = 0;
        for i in 1..t.len() {
            if start[t[i] as usize] && (!strict || end[t[i - 1] as usize]) {
                b.add(&t[x..i], *n);
                pieces += n;
                x = i;
            }
        }
        b.add(&t[x..], *n);
        pieces += n;
    }
    (pieces > log.total()).then(|| b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mine(traces: &[&str], noise: f64) -> String {
        let variants: Vec<(Vec<String>, u64)> = traces
            .iter()
            .map(|t| (t.split_whitespace().map(str::to_string).collect(), 1))
            .collect();
        discover_tree_from_variants(&variants, InductiveOptions { noise })
            .canonical()
            .to_string()
    }

    #[test]
    fn small_logs_give_pm4py_trees() {
        assert_eq!(mine(&["a b c", "a c b"], 0.0), "->( 'a', +( 'b', 'c' ) )");
        assert_eq!(mine(&["a b", "a c"], 0.0), "->( 'a', X( 'b', 'c' ) )");
        assert_eq!(mine(&["a", "a a"], 0.0), "*( 'a', tau )");
        assert_eq!(mine(&["a b", ""], 0.0), "X( ->( 'a', 'b' ), tau )");
        assert_eq!(mine(&["a b a b a"], 0.0), "*( 'a', 'b' )");
    }
}
