//! Optimal alignments on the synchronous product of a trace and an accepting Petri net, with
//! pm4py's standard cost function: log move and visible model move 10000, silent model move 1,
//! synchronous move 0. Search is Dijkstra/A* (heuristic: events whose label the model lacks
//! cost at least a log move each, which is admissible), so the cost is the optimum pm4py's
//! state-equation A* finds; ties between equally cheap alignments may pick different moves.
//!
//! Every search has a budget of visited states: when it runs out the trace is reported as
//! exhausted instead of searching on.

use crate::discovery::PetriNet;
use hashbrown::{HashMap, HashSet};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// pm4py's `STD_MODEL_LOG_MOVE_COST`.
pub const MOVE_COST: u64 = 10_000;
/// pm4py's `STD_TAU_COST`.
pub const TAU_COST: u64 = 1;

/// One step of an alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Event and transition agree.
    Sync(usize),
    /// The log has an event the model does not allow here (trace position).
    Log(usize),
    /// The model fires a transition the log lacks (transition index; silent ones included).
    Model(usize),
}

/// The optimal alignment of one trace, or why there is none.
#[derive(Debug, Clone)]
pub enum Aligned {
    Done {
        cost: u64,
        moves: Vec<Move>,
    },
    /// The state budget ran out.
    Exhausted,
    /// The final marking is unreachable.
    Unreachable,
}

/// What the search needs of a net, owned, so a long run (see [`super::AlignmentRun`]) can keep
/// it between slices without borrowing the net.
#[derive(Debug, Clone)]
pub(crate) struct AlignNet {
    start: Vec<u32>,
    goal: Vec<u32>,
    pre: Vec<Vec<(u32, u32)>>,
    post: Vec<Vec<(u32, u32)>>,
    /// Label of each transition (`None`: silent).
    pub labels: Vec<Option<String>>,
    known: HashSet<String>,
}

impl AlignNet {
    pub fn new(net: &PetriNet) -> AlignNet {
        let arcs = |sets: Vec<Vec<(usize, u32)>>| -> Vec<Vec<(u32, u32)>> {
            sets.into_iter()
                .map(|v| v.into_iter().map(|(p, w)| (p as u32, w)).collect())
                .collect()
        };
        let marking = |m: &[(usize, u32)]| {
            let mut out = vec![0u32; net.places.len()];
            for &(p, n) in m {
                if let Some(slot) = out.get_mut(p) {
                    *slot = slot.saturating_add(n);
                }
            }
            out
        };
        let labels: Vec<Option<String>> = net.transitions.iter().map(|t| t.label.clone()).collect();
        AlignNet {
            start: marking(&net.initial_marking),
            goal: marking(&net.final_marking),
            pre: arcs(net.presets()),
            post: arcs(net.postsets()),
            known: labels.iter().flatten().cloned().collect(),
            labels,
        }
    }
}

type State = (Vec<u32>, u32);

/// Align `trace` (labels) on the net, visiting at most `budget` states.
pub(crate) fn align<S: AsRef<str>>(an: &AlignNet, trace: &[S], budget: usize) -> Aligned {
    // Lower bound on the rest of the trace: events no transition can mirror.
    let mut h = vec![0u64; trace.len() + 1];
    for i in (0..trace.len()).rev() {
        h[i] = h[i + 1]
            + if an.known.contains(trace[i].as_ref()) {
                0
            } else {
                MOVE_COST
            };
    }
    let enabled = |m: &[u32], t: usize| an.pre[t].iter().all(|&(p, w)| m[p as usize] >= w);
    let fire = |m: &[u32], t: usize| {
        let mut out = m.to_vec();
        for &(p, w) in &an.pre[t] {
            out[p as usize] -= w;
        }
        for &(p, w) in &an.post[t] {
            out[p as usize] = out[p as usize].saturating_add(w);
        }
        out
    };
    // Arena of states: (state, parent index, move into it).
    let mut arena: Vec<(State, usize, Option<Move>)> = Vec::new();
    let mut best: HashMap<State, u64> = HashMap::new();
    let mut closed: HashSet<usize> = HashSet::new();
    let mut heap: BinaryHeap<Reverse<(u64, u64, usize)>> = BinaryHeap::new();
    let s0: State = (an.start.clone(), 0);
    best.insert(s0.clone(), 0);
    arena.push((s0, usize::MAX, None));
    heap.push(Reverse((h[0], 0, 0)));
    let mut visited = 0usize;
    while let Some(Reverse((_, g, idx))) = heap.pop() {
        let (m, pos) = arena[idx].0.clone();
        if best.get(&(m.clone(), pos)).is_some_and(|&b| b < g) || !closed.insert(idx) {
            continue;
        }
        if pos as usize == trace.len() && m == an.goal {
            let mut moves = Vec::new();
            let mut i = idx;
            while let Some(mv) = arena[i].2.clone() {
                moves.push(mv);
                i = arena[i].1;
            }
            moves.reverse();
            return Aligned::Done { cost: g, moves };
        }
        visited += 1;
        if visited > budget {
            return Aligned::Exhausted;
        }
        let mut push = |next: State,
                        cost: u64,
                        mv: Move,
                        arena: &mut Vec<(State, usize, Option<Move>)>,
                        heap: &mut BinaryHeap<Reverse<(u64, u64, usize)>>| {
            let g2 = g + cost;
            if best.get(&next).is_some_and(|&b| b <= g2) {
                return;
            }
            best.insert(next.clone(), g2);
            let f = g2 + h[next.1 as usize];
            arena.push((next, idx, Some(mv)));
            heap.push(Reverse((f, g2, arena.len() - 1)));
        };
        let p = pos as usize;
        if p < trace.len() {
            push(
                (m.clone(), pos + 1),
                MOVE_COST,
                Move::Log(p),
                &mut arena,
                &mut heap,
            );
        }
        for (t, label) in an.labels.iter().enumerate() {
            if !enabled(&m, t) {
                continue;
            }
            let next = fire(&m, t);
            let Some(label) = label else {
                push((next, pos), TAU_COST, Move::Model(t), &mut arena, &mut heap);
                continue;
            };
            if p < trace.len() && label == trace[p].as_ref() {
                push(
                    (next.clone(), pos + 1),
                    0,
                    Move::Sync(t),
                    &mut arena,
                    &mut heap,
                );
            }
            push(
                (next, pos),
                MOVE_COST,
                Move::Model(t),
                &mut arena,
                &mut heap,
            );
        }
    }
    Aligned::Unreachable
}
