//! A Petri net prepared for replay: arcs per transition, place order by name, the transition
//! pm4py picks per label, and pm4py's shortest silent paths between places.

use super::codes::IntMap;
use crate::discovery::PetriNet;
use hashbrown::HashMap;
use smallvec::SmallVec;

/// A marking as pm4py's `Counter`: places with tokens in insertion order (pm4py's replay depends
/// on that order in one tie-break), no zero entries except where pm4py leaves them. Up to
/// eight marked places are held inline: replay copies markings at every event, and allocating
/// each copy was most of its time in wasm32.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Marking(pub Tokens);

/// A marking's (place, tokens) entries.
pub(crate) type Tokens = SmallVec<[(u32, i64); 8]>;

impl Marking {
    pub fn get(&self, p: u32) -> i64 {
        self.0.iter().find(|e| e.0 == p).map_or(0, |e| e.1)
    }
    /// `m[p] = v` (appends a new key).
    pub fn set(&mut self, p: u32, v: i64) {
        match self.0.iter_mut().find(|e| e.0 == p) {
            Some(e) => e.1 = v,
            None => self.0.push((p, v)),
        }
    }
    pub fn remove(&mut self, p: u32) {
        self.0.retain(|e| e.0 != p);
    }
    pub fn contains(&self, p: u32) -> bool {
        self.0.iter().any(|e| e.0 == p)
    }
    /// Same tokens regardless of insertion order (Python dict equality).
    pub fn same(&self, other: &Marking) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|&(p, v)| other.get(p) == v)
    }
}

/// The transitions an event of one activity can use: those labelled with it, and the one pm4py
/// maps the label to when none of them is enabled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventTransitions<'s> {
    pub mapped: usize,
    pub labelled: &'s [usize],
}

pub(crate) struct ReplayNet<'a> {
    pub net: &'a PetriNet,
    /// Input arcs of each transition, one entry per arc: (place, weight).
    pub pre: Vec<Vec<(u32, i64)>>,
    pub post: Vec<Vec<(u32, i64)>>,
    /// Rank of each place by name (pm4py sorts places by name).
    pub place_rank: Vec<u32>,
    /// Label → transition (pm4py: the last one by transition name).
    pub by_label: HashMap<&'a str, usize>,
    /// Label → every transition with it, by index.
    pub label_transitions: HashMap<&'a str, Vec<usize>>,
    /// `paths[p]`: target place → silent transitions leading there (pm4py's
    /// `get_places_shortest_path_by_hidden`, depth 50).
    pub paths: Vec<IntMap<u32, Vec<usize>>>,
    pub initial: Marking,
    pub final_marking: Marking,
}

impl<'a> ReplayNet<'a> {
    pub fn new(net: &'a PetriNet) -> ReplayNet<'a> {
        let pre: Vec<Vec<(u32, i64)>> = net
            .presets()
            .into_iter()
            .map(|v| v.into_iter().map(|(p, w)| (p as u32, w as i64)).collect())
            .collect();
        let post: Vec<Vec<(u32, i64)>> = net
            .postsets()
            .into_iter()
            .map(|v| v.into_iter().map(|(p, w)| (p as u32, w as i64)).collect())
            .collect();
        let mut order: Vec<usize> = (0..net.places.len()).collect();
        order.sort_by(|&a, &b| net.places[a].name.cmp(&net.places[b].name));
        let mut place_rank = vec![0u32; net.places.len()];
        for (r, &p) in order.iter().enumerate() {
            place_rank[p] = r as u32;
        }
        let mut torder: Vec<usize> = (0..net.transitions.len()).collect();
        torder.sort_by(|&a, &b| net.transitions[a].name.cmp(&net.transitions[b].name));
        let mut by_label = HashMap::new();
        for t in torder {
            if let Some(l) = net.transitions[t].label.as_deref() {
                by_label.insert(l, t);
            }
        }
        let mut label_transitions: HashMap<&str, Vec<usize>> = HashMap::new();
        for (t, tr) in net.transitions.iter().enumerate() {
            if let Some(l) = tr.label.as_deref() {
                label_transitions.entry(l).or_default().push(t);
            }
        }
        let mut out_of_place: Vec<Vec<usize>> = vec![Vec::new(); net.places.len()];
        for (t, ins) in pre.iter().enumerate() {
            for &(p, _) in ins {
                out_of_place[p as usize].push(t);
            }
        }
        let silent: Vec<bool> = net.transitions.iter().map(|t| t.label.is_none()).collect();
        let mut paths = vec![IntMap::default(); net.places.len()];
        for (p, slot) in paths.iter_mut().enumerate() {
            let mut found: IntMap<u32, Vec<usize>> = IntMap::default();
            shortest_paths(
                &out_of_place,
                &post,
                &silent,
                p,
                &mut Vec::new(),
                0,
                &mut found,
            );
            *slot = found;
        }
        let marking = |m: &[(usize, u32)]| {
            let mut mk = Marking::default();
            for &(p, n) in m {
                mk.set(p as u32, mk.get(p as u32) + n as i64);
            }
            mk
        };
        ReplayNet {
            net,
            pre,
            post,
            place_rank,
            by_label,
            label_transitions,
            paths,
            initial: marking(&net.initial_marking),
            final_marking: marking(&net.final_marking),
        }
    }

    /// The transitions labelled `label`.
    pub fn with_label(&self, label: &str) -> &[usize] {
        self.label_transitions.get(label).map_or(&[], Vec::as_slice)
    }

    /// For each of the log's activity names (by activity code), the transitions an event of it
    /// can use (see [`EventTransitions`]): looked up once per log, so replaying an event costs no
    /// string hashing (whose 128-bit multiplies and byte-wise compares wasm32 runs slowly).
    pub fn by_code<'s>(&'s self, names: &[&str]) -> Vec<Option<EventTransitions<'s>>> {
        names
            .iter()
            .map(|&n| {
                self.by_label.get(n).map(|&mapped| EventTransitions {
                    mapped,
                    labelled: self.with_label(n),
                })
            })
            .collect()
    }

    pub fn enabled(&self, t: usize, m: &Marking) -> bool {
        self.pre[t].iter().all(|&(p, w)| m.get(p) >= w)
    }

    /// pm4py's `semantics.execute` (the caller checked enabledness).
    pub fn fire(&self, t: usize, m: &Marking) -> Marking {
        let mut out = m.clone();
        self.fire_in(t, &mut out);
        out
    }

    /// [`Self::fire`] in place: replay fires once per event, and a new marking each time was
    /// most of its allocations.
    pub fn fire_in(&self, t: usize, m: &mut Marking) {
        for &(p, w) in &self.pre[t] {
            let v = m.get(p) - w;
            if v == 0 {
                m.remove(p);
            } else {
                m.set(p, v);
            }
        }
        for &(p, w) in &self.post[t] {
            m.set(p, m.get(p) + w);
        }
    }

    /// Places of a marking sorted by name.
    pub fn sorted_places(&self, m: &Marking) -> SmallVec<[u32; 8]> {
        let mut v: SmallVec<[u32; 8]> = m.0.iter().map(|e| e.0).collect();
        v.sort_by_key(|&p| self.place_rank[p as usize]);
        v
    }

    /// pm4py's `get_visible_transitions_eventually_enabled_by_marking`: labels reachable
    /// through silent firings only (with its (transition, marking) visited set).
    pub fn eventually_enabled_labels(&self, m: &Marking) -> Vec<&'a str> {
        let sorted_enabled = |mk: &Marking| {
            let mut v: Vec<usize> = (0..self.pre.len())
                .filter(|&t| self.enabled(t, mk))
                .collect();
            v.sort_by(|&a, &b| {
                self.net.transitions[a]
                    .name
                    .cmp(&self.net.transitions[b].name)
            });
            v
        };
        let mut list = sorted_enabled(m);
        let mut marking_of: IntMap<usize, Marking> = list.iter().map(|&t| (t, m.clone())).collect();
        let mut visited: IntMap<(usize, Tokens), ()> = IntMap::default();
        let mut labels: Vec<&'a str> = Vec::new();
        let mut i = 0;
        // A bound for unbounded silent cycles; IM nets need a handful of steps.
        while i < list.len() && i < 200_000 {
            let t = list[i];
            let mk = marking_of.get(&t).cloned().unwrap_or_default();
            let mut key = mk.0.clone();
            key.sort_unstable();
            if !visited.contains_key(&(t, key.clone())) {
                match self.net.transitions[t].label.as_deref() {
                    Some(l) => labels.push(l),
                    None => {
                        if self.enabled(t, &mk) {
                            let next = self.fire(t, &mk);
                            for t2 in sorted_enabled(&next) {
                                list.push(t2);
                                marking_of.insert(t2, next.clone());
                            }
                        }
                    }
                }
                visited.insert((t, key), ());
            }
            i += 1;
        }
        labels.sort_unstable();
        labels.dedup();
        labels
    }
}

fn shortest_paths(
    out_of_place: &[Vec<usize>],
    post: &[Vec<(u32, i64)>],
    silent: &[bool],
    current: usize,
    actual: &mut Vec<usize>,
    depth: usize,
    found: &mut IntMap<u32, Vec<usize>>,
) {
    if depth > 50 {
        return;
    }
    for &t in &out_of_place[current] {
        if !silent[t] {
            continue;
        }
        for &(p2, _) in &post[t] {
            let better = found.get(&p2).is_none_or(|v| actual.len() + 1 < v.len());
            if better {
                actual.push(t);
                found.insert(p2, actual.clone());
                shortest_paths(
                    out_of_place,
                    post,
                    silent,
                    p2 as usize,
                    actual,
                    depth + 1,
                    found,
                );
                actual.pop();
            }
        }
    }
}
