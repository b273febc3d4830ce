//! Optimal alignments on the synchronous product of a trace and an accepting Petri net, with
//! pm4py's standard cost function: log move and visible model move 10000, silent model move 1,
//! synchronous move 0. Search is Dijkstra/A* (heuristic: events whose label the model lacks
//! cost at least a log move each, which is admissible), so the cost is the optimum pm4py's
//! state-equation A* finds; ties between equally cheap alignments may pick different moves.
//!
//! Every search has a budget of visited states: when it runs out the trace is reported as
//! exhausted instead of searching on.

use crate::discovery::PetriNet;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasher;

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
    /// Each transition's label as a number (`None`: silent): equal numbers, equal labels, so
    /// the search compares integers instead of strings.
    codes: Vec<Option<u32>>,
    /// The number of each distinct visible label.
    code_of: HashMap<String, u32>,
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
        let mut code_of = HashMap::new();
        let codes = labels
            .iter()
            .map(|l| {
                let next = code_of.len() as u32;
                l.as_ref()
                    .map(|l| *code_of.entry(l.clone()).or_insert(next))
            })
            .collect();
        AlignNet {
            start: marking(&net.initial_marking),
            goal: marking(&net.final_marking),
            pre: arcs(net.presets()),
            post: arcs(net.postsets()),
            labels,
            codes,
            code_of,
        }
    }
}

/// The markings one search meets, each stored once in a flat buffer and named by its number:
/// a search state is then two integers, and a new marking costs no allocation of its own
/// (allocation is what the search spent most on, above all in wasm).
struct Markings {
    places: usize,
    flat: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl Markings {
    fn new(places: usize) -> Markings {
        Markings {
            places,
            flat: Vec::new(),
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
        }
    }

    fn get(&self, id: u32) -> &[u32] {
        let at = id as usize * self.places;
        &self.flat[at..at + self.places]
    }

    /// The number of marking `m`, new or known.
    fn id(&mut self, m: &[u32]) -> u32 {
        let Markings {
            places,
            flat,
            index,
            hasher,
        } = self;
        let slice = |id: u32| &flat[id as usize * *places..(id as usize + 1) * *places];
        let hash = hasher.hash_one(m);
        if let Some(&id) = index.find(hash, |&id| slice(id) == m) {
            return id;
        }
        let id = (flat.len() / (*places).max(1)) as u32;
        flat.extend_from_slice(m);
        let rehash = |&id: &u32| {
            let at = id as usize * *places;
            hasher.hash_one(&flat[at..at + *places])
        };
        index.insert_unique(hash, id, rehash);
        id
    }
}

/// A search state: (marking number, events of the trace consumed).
type State = (u32, u32);

/// Align `trace` (labels) on the net, visiting at most `budget` states.
pub(crate) fn align<S: AsRef<str>>(an: &AlignNet, trace: &[S], budget: usize) -> Aligned {
    // Each event's label as the net's number for it (`None`: no transition has it).
    let events: Vec<Option<u32>> = trace
        .iter()
        .map(|e| an.code_of.get(e.as_ref()).copied())
        .collect();
    // Lower bound on the rest of the trace: events no transition can mirror.
    let mut h = vec![0u64; trace.len() + 1];
    for i in (0..trace.len()).rev() {
        h[i] = h[i + 1] + if events[i].is_some() { 0 } else { MOVE_COST };
    }
    let enabled = |m: &[u32], t: usize| an.pre[t].iter().all(|&(p, w)| m[p as usize] >= w);
    let fire = |m: &[u32], t: usize, out: &mut Vec<u32>| {
        out.clear();
        out.extend_from_slice(m);
        for &(p, w) in &an.pre[t] {
            out[p as usize] -= w;
        }
        for &(p, w) in &an.post[t] {
            out[p as usize] = out[p as usize].saturating_add(w);
        }
    };
    let mut markings = Markings::new(an.start.len());
    let goal = markings.id(&an.goal);
    // Arena of states: (state, parent index, move into it).
    let mut arena: Vec<(State, usize, Option<Move>)> = Vec::new();
    let mut closed: Vec<bool> = Vec::new();
    let mut best: HashMap<State, u64> = HashMap::new();
    let mut heap: BinaryHeap<Reverse<(u64, u64, usize)>> = BinaryHeap::new();
    let s0: State = (markings.id(&an.start), 0);
    best.insert(s0, 0);
    arena.push((s0, usize::MAX, None));
    closed.push(false);
    heap.push(Reverse((h[0], 0, 0)));
    let mut visited = 0usize;
    let (mut m, mut next) = (Vec::new(), Vec::new());
    while let Some(Reverse((_, g, idx))) = heap.pop() {
        let (mid, pos) = arena[idx].0;
        if best.get(&(mid, pos)).is_some_and(|&b| b < g)
            || std::mem::replace(&mut closed[idx], true)
        {
            continue;
        }
        if pos as usize == trace.len() && mid == goal {
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
        let mut push = |to: State, cost: u64, mv: Move| {
            let g2 = g + cost;
            if best.get(&to).is_some_and(|&b| b <= g2) {
                return;
            }
            best.insert(to, g2);
            let f = g2 + h[to.1 as usize];
            arena.push((to, idx, Some(mv)));
            closed.push(false);
            heap.push(Reverse((f, g2, arena.len() - 1)));
        };
        let p = pos as usize;
        if p < trace.len() {
            push((mid, pos + 1), MOVE_COST, Move::Log(p));
        }
        m.clear();
        m.extend_from_slice(markings.get(mid));
        for (t, code) in an.codes.iter().enumerate() {
            if !enabled(&m, t) {
                continue;
            }
            fire(&m, t, &mut next);
            let to = markings.id(&next);
            let Some(code) = code else {
                push((to, pos), TAU_COST, Move::Model(t));
                continue;
            };
            if p < trace.len() && events[p] == Some(*code) {
                push((to, pos + 1), 0, Move::Sync(t));
            }
            push((to, pos), MOVE_COST, Move::Model(t));
        }
    }
    Aligned::Unreachable
}
