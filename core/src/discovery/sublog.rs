//! The inductive miner's working data: a variant-compressed log (pm4py's UVCL) and its
//! directly-follows graph over a dense local alphabet.
//!
//! Activities are the log's activity codes; [`Dfg`] renumbers the activities it sees in name
//! order (pm4py sorts activity names wherever order matters, so name order is index order).

use hashbrown::HashTable;
use std::hash::BuildHasher;

/// A multiset of traces (activity-code sequences) with their counts, duplicates merged.
#[derive(Debug, Clone, Default)]
pub(crate) struct SubLog {
    pub variants: Vec<(Vec<u32>, u64)>,
}

/// Builds a [`SubLog`], adding counts of equal traces (pm4py's `Counter.update`).
///
/// The table holds indices into the variants, so a trace is copied once, when it is new: the
/// miner projects every variant into sub-logs at every step, and allocation is what costs most
/// there (the more so in wasm, whose allocator is slower than the system's).
#[derive(Default)]
pub(crate) struct SubLogBuilder {
    index: HashTable<usize>,
    hasher: foldhash::fast::FixedState,
    log: SubLog,
}

impl SubLogBuilder {
    pub fn add(&mut self, trace: &[u32], count: u64) {
        let hash = self.hasher.hash_one(trace);
        let variants = &mut self.log.variants;
        let hasher = &self.hasher;
        match self.index.entry(
            hash,
            |&i| variants[i].0 == trace,
            |&i| hasher.hash_one(variants[i].0.as_slice()),
        ) {
            hashbrown::hash_table::Entry::Occupied(e) => variants[*e.get()].1 += count,
            hashbrown::hash_table::Entry::Vacant(e) => {
                e.insert(variants.len());
                variants.push((trace.to_vec(), count));
            }
        }
    }

    pub fn finish(self) -> SubLog {
        self.log
    }
}

impl SubLog {
    pub fn total(&self) -> u64 {
        self.variants.iter().map(|v| v.1).sum()
    }

    pub fn has_empty_trace(&self) -> bool {
        self.variants.iter().any(|v| v.0.is_empty())
    }

    /// The activities of the log, sorted by `rank` (the name order).
    pub fn alphabet(&self, rank: &[u32]) -> Vec<u32> {
        let mut present = vec![false; rank.len()];
        for (t, _) in &self.variants {
            for &a in t {
                present[a as usize] = true;
            }
        }
        let mut seen: Vec<u32> = (0..rank.len() as u32)
            .filter(|&a| present[a as usize])
            .collect();
        seen.sort_unstable_by_key(|&a| rank[a as usize]);
        seen
    }
}

/// A directly-follows graph over local indices `0..acts.len()` (name order).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dfg {
    /// Local index → log activity code, in name order.
    pub acts: Vec<u32>,
    /// `edges[a * n + b]` = count of `a` directly followed by `b` (0 = no edge).
    pub edges: Vec<u64>,
    pub start: Vec<u64>,
    pub end: Vec<u64>,
}

impl Dfg {
    /// pm4py's `discover_dfg_uvcl`: every consecutive pair, start and end of non-empty traces.
    pub fn of(log: &SubLog, rank: &[u32]) -> Dfg {
        Dfg::of_without(log, rank, None)
    }

    /// The DFG of `log` with every event of `skip` removed first (the activity-concurrent
    /// fall-through's test), without building that log.
    pub fn of_without(log: &SubLog, rank: &[u32], skip: Option<u32>) -> Dfg {
        let mut acts = log.alphabet(rank);
        if let Some(x) = skip {
            acts.retain(|&a| a != x);
        }
        let mut local = vec![usize::MAX; rank.len()];
        for (i, &a) in acts.iter().enumerate() {
            local[a as usize] = i;
        }
        let n = acts.len();
        let mut dfg = Dfg {
            acts,
            edges: vec![0; n * n],
            start: vec![0; n],
            end: vec![0; n],
        };
        for (t, count) in &log.variants {
            let mut prev = usize::MAX;
            for &a in t {
                if Some(a) == skip {
                    continue;
                }
                let x = local[a as usize];
                if prev == usize::MAX {
                    dfg.start[x] += count;
                } else {
                    dfg.edges[prev * n + x] += count;
                }
                prev = x;
            }
            if prev != usize::MAX {
                dfg.end[prev] += count;
            }
        }
        dfg
    }

    pub fn len(&self) -> usize {
        self.acts.len()
    }

    pub fn edge(&self, a: usize, b: usize) -> bool {
        self.edges[a * self.len() + b] > 0
    }

    pub fn has_edges(&self) -> bool {
        self.edges.iter().any(|&c| c > 0)
    }

    /// pm4py's `get_vertices`: activities on an edge or a start or end activity.
    pub fn vertices(&self) -> Vec<usize> {
        let n = self.len();
        (0..n)
            .filter(|&a| {
                self.start[a] > 0
                    || self.end[a] > 0
                    || (0..n).any(|b| self.edge(a, b) || self.edge(b, a))
            })
            .collect()
    }

    /// Which nodes reach which by one or more edges (networkx `descendants` of every node at
    /// once): Warshall's closure on rows of bits, n²·⌈n/64⌉ word operations where a search from
    /// every node (which the sequence cut asked for twice per call) cost 2n³ edge lookups.
    pub fn reachability(&self) -> Reach {
        let n = self.len();
        let words = n.div_ceil(64);
        let mut bits = vec![0u64; n * words];
        for a in 0..n {
            for b in 0..n {
                if self.edge(a, b) {
                    bits[a * words + b / 64] |= 1 << (b % 64);
                }
            }
        }
        for k in 0..n {
            let (kw, kb) = (k / 64, 1u64 << (k % 64));
            for i in 0..n {
                if i != k && bits[i * words + kw] & kb != 0 {
                    for w in 0..words {
                        bits[i * words + w] |= bits[k * words + w];
                    }
                }
            }
        }
        Reach { words, bits }
    }

    /// IMf's noise filter (pm4py `IMFUVCL.__filter_dfg_noise`): keep an edge when its count is
    /// above `noise` × the most frequent outgoing edge (or end count) of its source, a start
    /// activity when at least `noise` × the most frequent start; end activities stay.
    pub fn filter_noise(&self, noise: f64) -> Dfg {
        let n = self.len();
        let mut out = self.clone();
        for a in 0..n {
            let row = &self.edges[a * n..(a + 1) * n];
            let Some(&max_edge) = row.iter().max() else {
                continue;
            };
            if max_edge == 0 {
                continue;
            }
            let max_out = max_edge.max(self.end[a]);
            for (b, &c) in row.iter().enumerate() {
                // Kept when strictly above the threshold (noise is a finite number).
                if c > 0 && (c as f64) <= noise * max_out as f64 {
                    out.edges[a * n + b] = 0;
                }
            }
        }
        let max_start = self.start.iter().copied().max().unwrap_or(0);
        for a in 0..n {
            if self.start[a] > 0 && (self.start[a] as f64) < max_start as f64 * noise {
                out.start[a] = 0;
            }
        }
        out
    }
}

/// The transitive closure of a [`Dfg`] ([`Dfg::reachability`]).
pub struct Reach {
    words: usize,
    bits: Vec<u64>,
}

impl Reach {
    /// `b` is a descendant of `a`: reachable by one or more edges, and not `a` itself.
    pub fn reaches(&self, a: usize, b: usize) -> bool {
        a != b && self.bits[a * self.words + b / 64] & (1 << (b % 64)) != 0
    }
}
