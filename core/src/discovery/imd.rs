//! IMd: the inductive miner on the directly-follows graph alone, as pm4py 2.7's `IMD`
//! (`discover_process_tree_inductive` with `Variants.IMd`, what pm4py runs on a typed DFG).
//!
//! For logs too large to keep: only the DFG (edge, start and end counts) and whether the log has
//! an empty trace are needed. The recursion is IM's on a DFG plus a "skip" flag: a skippable DFG
//! becomes × (tau, …); base cases are the empty DFG (tau) and a single activity without edges;
//! cuts are IM's (×, strict →, ∧, loop, the same detection as [`super::cuts`]); each child gets
//! the cut's projection of the DFG, where pm4py's sequence and loop projections mark children
//! skippable when an edge or a start/end activity jumps over them; the only fall-through is the
//! flower. The tree is folded at the end, as pm4py does.

use super::cuts;
use super::sublog::Dfg;
use super::tree::{Operator, ProcessTree};
use crate::log::EventLog;

/// A DFG over activity codes: `(from, to, count)` edges, start and end counts.
#[derive(Debug, Clone, Default)]
struct CodeDfg {
    edges: Vec<(u32, u32, u64)>,
    start: Vec<(u32, u64)>,
    end: Vec<(u32, u64)>,
}

impl CodeDfg {
    fn is_empty(&self) -> bool {
        self.edges.is_empty() && self.start.is_empty() && self.end.is_empty()
    }

    /// The local-index [`Dfg`] the cut detection reads, over the DFG's vertices in name order.
    fn local(&self, rank: &[u32]) -> Dfg {
        let mut acts: Vec<u32> = self
            .edges
            .iter()
            .flat_map(|&(a, b, _)| [a, b])
            .chain(self.start.iter().chain(&self.end).map(|x| x.0))
            .collect();
        acts.sort_unstable_by_key(|&a| rank[a as usize]);
        acts.dedup();
        let n = acts.len();
        let at = |a: u32| acts.binary_search_by_key(&rank[a as usize], |&x| rank[x as usize]);
        let mut dfg = Dfg {
            edges: vec![0; n * n],
            start: vec![0; n],
            end: vec![0; n],
            acts: acts.clone(),
        };
        for &(a, b, c) in &self.edges {
            if let (Ok(i), Ok(j)) = (at(a), at(b)) {
                dfg.edges[i * n + j] += c;
            }
        }
        for &(a, c) in &self.start {
            if let Ok(i) = at(a) {
                dfg.start[i] += c;
            }
        }
        for &(a, c) in &self.end {
            if let Ok(i) = at(a) {
                dfg.end[i] += c;
            }
        }
        dfg
    }
}

/// Discover a process tree with IMd from the log's directly-follows graph.
pub fn discover_tree_imd(log: &EventLog) -> ProcessTree {
    let names: Vec<&str> = log.activities().iter().collect();
    let mut counts: hashbrown::HashMap<(u32, u32), u64> = hashbrown::HashMap::new();
    let (mut start, mut end) = (vec![0u64; names.len()], vec![0u64; names.len()]);
    let mut empty = false;
    for t in super::traces::case_traces(log) {
        match (t.first(), t.last()) {
            (Some(&a), Some(&z)) => {
                start[a as usize] += 1;
                end[z as usize] += 1;
            }
            _ => empty = true,
        }
        for w in t.windows(2) {
            *counts.entry((w[0], w[1])).or_default() += 1;
        }
    }
    let nonzero = |v: Vec<u64>| -> Vec<(u32, u64)> {
        v.into_iter()
            .enumerate()
            .filter(|x| x.1 > 0)
            .map(|(a, c)| (a as u32, c))
            .collect()
    };
    let dfg = CodeDfg {
        edges: counts.into_iter().map(|((a, b), c)| (a, b, c)).collect(),
        start: nonzero(start),
        end: nonzero(end),
    };
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.sort_by(|&a, &b| names[a as usize].cmp(names[b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, &a) in order.iter().enumerate() {
        rank[a as usize] = r as u32;
    }
    let miner = Imd {
        names: &names,
        rank,
    };
    miner.apply(&dfg, empty).fold()
}

struct Imd<'a> {
    names: &'a [&'a str],
    rank: Vec<u32>,
}

impl Imd<'_> {
    fn apply(&self, dfg: &CodeDfg, skip: bool) -> ProcessTree {
        // pm4py's EmptyTracesDFG, before the base cases.
        if skip {
            if dfg.is_empty() {
                return ProcessTree::Tau;
            }
            return ProcessTree::Node(
                Operator::Xor,
                vec![ProcessTree::Tau, self.apply(dfg, false)],
            );
        }
        if dfg.is_empty() {
            return ProcessTree::Tau;
        }
        if dfg.edges.is_empty() {
            let mut acts: Vec<u32> = dfg.start.iter().chain(&dfg.end).map(|x| x.0).collect();
            acts.sort_unstable();
            acts.dedup();
            if let [a] = acts.as_slice() {
                return ProcessTree::Activity(self.names[*a as usize].to_string());
            }
        }
        let local = dfg.local(&self.rank);
        if let Some(cut) = cuts::find(&local) {
            let groups: Vec<Vec<u32>> = cut
                .groups
                .iter()
                .map(|g| g.iter().map(|&i| local.acts[i]).collect())
                .collect();
            let children: Vec<(CodeDfg, bool)> = match cut.op {
                Operator::Sequence => project_sequence(dfg, &groups),
                Operator::Loop => project_loop(dfg, &groups),
                _ => groups.iter().map(|g| (restrict(dfg, g), false)).collect(),
            };
            let kids = children
                .iter()
                .map(|(d, skip)| self.apply(d, *skip))
                .collect();
            return ProcessTree::Node(cut.op, kids);
        }
        // The flower: *(tau, every activity as a redo without edges).
        let mut acts: Vec<u32> = dfg
            .edges
            .iter()
            .flat_map(|&(a, b, _)| [a, b])
            .chain(dfg.start.iter().chain(&dfg.end).map(|x| x.0))
            .collect();
        acts.sort_unstable();
        acts.dedup();
        let redo = CodeDfg {
            edges: Vec::new(),
            start: acts.iter().map(|&a| (a, 1)).collect(),
            end: acts.iter().map(|&a| (a, 1)).collect(),
        };
        ProcessTree::Node(
            Operator::Loop,
            vec![ProcessTree::Tau, self.apply(&redo, false)],
        )
    }
}

/// The DFG restricted to a group: its start/end activities and the edges inside it.
fn restrict(dfg: &CodeDfg, g: &[u32]) -> CodeDfg {
    CodeDfg {
        edges: dfg
            .edges
            .iter()
            .copied()
            .filter(|e| g.contains(&e.0) && g.contains(&e.1))
            .collect(),
        start: dfg
            .start
            .iter()
            .copied()
            .filter(|x| g.contains(&x.0))
            .collect(),
        end: dfg
            .end
            .iter()
            .copied()
            .filter(|x| g.contains(&x.0))
            .collect(),
    }
}

/// pm4py's `SequenceCutDFG.project`: a group's start activities are those entered from the
/// previous group (its ends those leaving to the next); a group is skippable when a start or end
/// activity, or an edge, jumps over it.
fn project_sequence(dfg: &CodeDfg, groups: &[Vec<u32>]) -> Vec<(CodeDfg, bool)> {
    let k = groups.len();
    let idx = |a: u32| groups.iter().position(|g| g.contains(&a)).unwrap_or(0);
    let mut skippable = vec![false; k];
    let mut out = Vec::with_capacity(k);
    for (i, g) in groups.iter().enumerate() {
        let mut child = restrict(dfg, g);
        if i == 0 {
            for &(a, _) in &dfg.start {
                for s in skippable.iter_mut().take(idx(a)) {
                    *s = true;
                }
            }
        } else {
            child.start = sum_by(dfg.edges.iter().filter_map(|&(a, b, c)| {
                (groups[i - 1].contains(&a) && g.contains(&b)).then_some((b, c))
            }));
        }
        if i == k - 1 {
            for &(a, _) in &dfg.end {
                for s in skippable.iter_mut().take(i + 1).skip(idx(a) + 1) {
                    *s = true;
                }
            }
        } else {
            child.end = sum_by(dfg.edges.iter().filter_map(|&(a, b, c)| {
                (g.contains(&a) && groups[i + 1].contains(&b)).then_some((a, c))
            }));
        }
        out.push(child);
    }
    for &(a, b, _) in &dfg.edges {
        for s in skippable.iter_mut().take(idx(b)).skip(idx(a) + 1) {
            *s = true;
        }
    }
    out.into_iter().zip(skippable).collect()
}

/// pm4py's `LoopCutDFG.project`: the do part keeps its start/end activities; every redo activity
/// is both start and end; the redo is skippable when some edge goes from an end activity to a
/// start activity (the do part can repeat directly).
fn project_loop(dfg: &CodeDfg, groups: &[Vec<u32>]) -> Vec<(CodeDfg, bool)> {
    let is_start = |a: u32| dfg.start.iter().any(|x| x.0 == a);
    let is_end = |a: u32| dfg.end.iter().any(|x| x.0 == a);
    let redo_skip = dfg.edges.iter().any(|&(a, b, _)| is_end(a) && is_start(b));
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut child = restrict(dfg, g);
            if i == 0 {
                let skip = dfg.start.iter().chain(&dfg.end).any(|x| !g.contains(&x.0));
                return (child, skip);
            }
            child.start = g.iter().map(|&a| (a, 1)).collect();
            child.end = child.start.clone();
            (child, redo_skip)
        })
        .collect()
}

/// Sum counts per activity, in first-seen order.
fn sum_by(items: impl Iterator<Item = (u32, u64)>) -> Vec<(u32, u64)> {
    let mut out: Vec<(u32, u64)> = Vec::new();
    for (a, c) in items {
        match out.iter_mut().find(|x| x.0 == a) {
            Some(x) => x.1 += c,
            None => out.push((a, c)),
        }
    }
    out
}
