//! Optimal alignments on the synchronous product of a trace and an accepting Petri net, with
//! pm4py's standard cost function: log move and visible model move 10000, silent model move 1,
//! synchronous move 0. Search is Dijkstra/A* (heuristic: events whose label the model lacks
//! cost at least a log move each, which is admissible), so the cost is the optimum pm4py's
//! state-equation A* finds; ties between equally cheap alignments may pick different moves.
//!
//! Every search has a budget of visited states: when it runs out the trace is reported as
//! exhausted instead of searching on.

use super::codes::{same, IntHash};
use crate::discovery::PetriNet;
use hashbrown::HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::BuildHasherDefault;

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
    /// The transitions consuming from each place, and those consuming from none: the only
    /// candidates for being enabled in a marking are those of its marked places.
    consumers: Vec<Vec<u32>>,
    free: Vec<u32>,
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
        let pre = arcs(net.presets());
        let mut consumers = vec![Vec::new(); net.places.len()];
        let mut free = Vec::new();
        for (t, arcs) in pre.iter().enumerate() {
            if arcs.is_empty() {
                free.push(t as u32);
            }
            for &(p, _) in arcs {
                if let Some(c) = consumers.get_mut(p as usize) {
                    c.push(t as u32);
                }
            }
        }
        AlignNet {
            start: marking(&net.initial_marking),
            goal: marking(&net.final_marking),
            consumers,
            free,
            pre,
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
///
/// A marking's hash is Zobrist's: the wrapping sum of `tokens × key[place]`, so firing a
/// transition updates it through the transition's arcs alone, never rereading every place.
#[derive(Debug, Clone, Default)]
struct Markings {
    places: usize,
    flat: Vec<u32>,
    /// Each marking's Zobrist sum (before [`mix`]).
    sums: Vec<u64>,
    /// Open addressing with linear probing over (sum, marking number), at most half full: a
    /// probe compares the sums in the slot itself, and this plain loop is what wasm32 runs
    /// fastest (hashbrown's group probing is tuned for SSE2, which wasm32 lacks).
    slots: Vec<(u64, u32)>,
}

/// An empty slot of [`Markings::slots`].
const FREE: u32 = u32::MAX;

/// Each place's Zobrist key (splitmix64: fixed, so a search is the same on every run and
/// machine).
fn zobrist_keys(places: usize) -> Vec<u64> {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    (0..places)
        .map(|_| {
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        })
        .collect()
}

/// The Zobrist sum of `m`, from scratch.
fn sum_of(keys: &[u64], m: &[u32]) -> u64 {
    m.iter().zip(keys).fold(0u64, |h, (&n, &k)| {
        h.wrapping_add(u64::from(n).wrapping_mul(k))
    })
}

impl Markings {
    /// Forget every marking, keeping the memory, for markings of `places` places.
    fn reset(&mut self, places: usize) {
        // Empty exactly the slots in use, newest first: a marking's probe path only crosses
        // markings stored before it, so each one is still found where it was put. A search
        // that met few markings thus costs little to forget even after one that met millions.
        for id in (0..self.sums.len() as u32).rev() {
            let at = self.slot_of(self.sums[id as usize], |found| found == id);
            self.slots[at].1 = FREE;
        }
        self.places = places;
        self.flat.clear();
        self.sums.clear();
    }

    /// The slot holding a marking with Zobrist sum `sum` that `is` accepts, or the free slot
    /// where it would go.
    fn slot_of(&self, sum: u64, is: impl Fn(u32) -> bool) -> usize {
        let mask = self.slots.len() - 1;
        let mut at = mix(sum) as usize & mask;
        loop {
            let (s, id) = self.slots[at];
            if id == FREE || (s == sum && is(id)) {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// Double the slots (rehashing every marking) when they would pass half full.
    fn grow(&mut self) {
        if (self.sums.len() + 1) * 2 <= self.slots.len() {
            return;
        }
        let size = (self.slots.len() * 2).max(64);
        self.slots = vec![(0, FREE); size];
        for (id, &sum) in self.sums.iter().enumerate() {
            let at = self.slot_of(sum, |_| false);
            self.slots[at] = (sum, id as u32);
        }
    }

    fn get(&self, id: u32) -> &[u32] {
        let at = id as usize * self.places;
        &self.flat[at..at + self.places]
    }

    /// The number of marking `m` (whose Zobrist sum is `sum`), new or known.
    fn id(&mut self, m: &[u32], sum: u64) -> u32 {
        self.grow();
        let at = self.slot_of(sum, |id| same(self.get(id), m));
        let found = self.slots[at].1;
        if found != FREE {
            return found;
        }
        let id = self.sums.len() as u32;
        self.flat.extend_from_slice(m);
        self.sums.push(sum);
        self.slots[at] = (sum, id);
        id
    }
}

/// A Zobrist sum spread over all 64 bits (the hash table reads the low and the high bits).
fn mix(sum: u64) -> u64 {
    let z = (sum ^ (sum >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^ (z >> 32)
}

/// A search state: (marking number, events of the trace consumed).
type State = (u32, u32);

/// The buffers one search fills, kept from one search to the next so that aligning many traces
/// grows them once (in wasm, growing memory is a copy, and allocation is dearer than natively).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    keys: Vec<u64>,
    markings: Markings,
    arena: Vec<(State, usize, Option<Move>)>,
    closed: Vec<bool>,
    best: HashMap<State, u64, BuildHasherDefault<IntHash>>,
    heap: BinaryHeap<Reverse<(u64, u64, usize)>>,
    m: Vec<u32>,
    next: Vec<u32>,
    candidates: Vec<u32>,
}

/// Align `trace` (labels) on the net, visiting at most `budget` states, in the buffers of
/// `scratch`.
pub(crate) fn align_with<S: AsRef<str>>(
    an: &AlignNet,
    trace: &[S],
    budget: usize,
    scratch: &mut Scratch,
) -> Aligned {
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
    let places = an.start.len();
    if scratch.keys.len() != places {
        scratch.keys = zobrist_keys(places);
    }
    let Scratch {
        keys,
        markings,
        arena,
        closed,
        best,
        heap,
        m,
        next,
        candidates,
    } = scratch;
    let keys: &[u64] = keys;
    markings.reset(places);
    arena.clear();
    closed.clear();
    best.clear();
    heap.clear();
    // Fire `t` on `m` (Zobrist sum `sum`) into `out`; the sum of `out`.
    let fire = |m: &[u32], sum: u64, t: usize, out: &mut Vec<u32>| {
        out.clear();
        out.extend_from_slice(m);
        let mut sum = sum;
        for &(p, w) in &an.pre[t] {
            out[p as usize] -= w;
            sum = sum.wrapping_sub(u64::from(w).wrapping_mul(keys[p as usize]));
        }
        for &(p, w) in &an.post[t] {
            let old = out[p as usize];
            out[p as usize] = old.saturating_add(w);
            let added = u64::from(out[p as usize] - old);
            sum = sum.wrapping_add(added.wrapping_mul(keys[p as usize]));
        }
        sum
    };
    let goal = markings.id(&an.goal, sum_of(keys, &an.goal));
    // `arena`: the states, each with its parent's index and the move into it.
    let s0: State = (markings.id(&an.start, sum_of(keys, &an.start)), 0);
    best.insert(s0, 0);
    arena.push((s0, usize::MAX, None));
    closed.push(false);
    heap.push(Reverse((h[0], 0, 0)));
    let mut visited = 0usize;
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
        let sum = markings.sums[mid as usize];
        // In transition order, as a scan of every transition would meet them (ties between
        // equally cheap states are broken by the order of their pushes).
        candidates.clear();
        candidates.extend_from_slice(&an.free);
        for (p, &tokens) in m.iter().enumerate() {
            if tokens > 0 {
                candidates.extend_from_slice(&an.consumers[p]);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        for &t in candidates.iter() {
            let t = t as usize;
            if !enabled(m, t) {
                continue;
            }
            let code = &an.codes[t];
            let next_sum = fire(m, sum, t, next);
            let to = markings.id(next, next_sum);
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
