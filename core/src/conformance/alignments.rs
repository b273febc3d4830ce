//! Optimal alignments on the synchronous product of a trace and an accepting Petri net, with
//! pm4py's standard cost function: log move and visible model move 10000, silent model move 1,
//! synchronous move 0. Search is Dijkstra/A* (heuristic: events whose label the model lacks
//! cost at least a log move each, which is admissible), so the cost is the optimum pm4py's
//! state-equation A* finds; ties between equally cheap alignments may pick different moves.
//!
//! Every search has a budget of visited states: when it runs out the trace is reported as
//! exhausted instead of searching on.

use super::net::ReplayNet;
use hashbrown::HashMap;
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

type State = (Vec<u32>, u32);

/// Align `trace` (labels) on the net, visiting at most `budget` states.
pub(crate) fn align(rn: &ReplayNet<'_>, trace: &[&str], budget: usize) -> Aligned {
    let n_places = rn.net.places.len();
    let mut start = vec![0u32; n_places];
    for &(p, n) in &rn.initial.0 {
        start[p as usize] += n as u32;
    }
    let mut goal = vec![0u32; n_places];
    for &(p, n) in &rn.final_marking.0 {
        goal[p as usize] += n as u32;
    }
    // Lower bound on the rest of the trace: events no transition can mirror.
    let mut h = vec![0u64; trace.len() + 1];
    for i in (0..trace.len()).rev() {
        h[i] = h[i + 1]
            + if rn.by_label.contains_key(trace[i]) {
                0
            } else {
                MOVE_COST
            };
    }
    let silent: Vec<bool> = rn
        .net
        .transitions
        .iter()
        .map(|t| t.label.is_none())
        .collect();
    let enabled = |m: &[u32], t: usize| rn.pre[t].iter().all(|&(p, w)| m[p as usize] as i64 >= w);
    let fire = |m: &[u32], t: usize| {
        let mut out = m.to_vec();
        for &(p, w) in &rn.pre[t] {
            out[p as usize] -= w as u32;
        }
        for &(p, w) in &rn.post[t] {
            out[p as usize] = out[p as usize].saturating_add(w as u32);
        }
        out
    };
    // Arena of states: (state, parent index, move into it).
    let mut arena: Vec<(State, usize, Option<Move>)> = Vec::new();
    let mut best: HashMap<State, u64> = HashMap::new();
    let mut closed: hashbrown::HashSet<usize> = hashbrown::HashSet::new();
    let mut heap: BinaryHeap<Reverse<(u64, u64, usize)>> = BinaryHeap::new();
    let s0: State = (start, 0);
    best.insert(s0.clone(), 0);
    arena.push((s0, usize::MAX, None));
    heap.push(Reverse((h[0], 0, 0)));
    let mut visited = 0usize;
    while let Some(Reverse((_, g, idx))) = heap.pop() {
        let (m, pos) = arena[idx].0.clone();
        if best.get(&(m.clone(), pos)).is_some_and(|&b| b < g) || !closed.insert(idx) {
            continue;
        }
        if pos as usize == trace.len() && m == goal {
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
        for (t, &is_silent) in silent.iter().enumerate() {
            if !enabled(&m, t) {
                continue;
            }
            let next = fire(&m, t);
            if is_silent {
                push((next, pos), TAU_COST, Move::Model(t), &mut arena, &mut heap);
                continue;
            }
            if p < trace.len() && rn.net.transitions[t].label.as_deref() == Some(trace[p]) {
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
