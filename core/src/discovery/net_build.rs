//! A Petri net under construction, shared by the tree → net and BPMN → net conversions: nodes
//! are tombstoned rather than removed (so indices stay valid while pm4py's algorithms rewire),
//! pm4py's `apply_simple_reduction`, and the final compaction into a [`PetriNet`]. Every node
//! keeps the indices of its arcs, so a reduction step costs the degree of the nodes it touches,
//! not the size of the net: a hostile BPMN diagram at the reader's limits converts in
//! milliseconds instead of hours.

use super::petri::{Arc, PetriNet, Place, Transition};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Node {
    P(usize),
    T(usize),
}

/// A net under construction: removed places/transitions/arcs are tombstoned.
pub(super) struct Work {
    pub(super) places: Vec<(String, bool)>,
    pub(super) transitions: Vec<(String, Option<String>, bool)>,
    /// (from, to, alive)
    pub(super) arcs: Vec<(Node, Node, bool)>,
    pub(super) n_places: usize,
    pub(super) n_hidden: usize,
    pub(super) n_visible: usize,
    /// Arc indices into / out of each place and transition (dead arcs filtered on read).
    p_in: Vec<Vec<usize>>,
    p_out: Vec<Vec<usize>>,
    t_in: Vec<Vec<usize>>,
    t_out: Vec<Vec<usize>>,
}

impl Work {
    pub(super) fn new() -> Work {
        Work {
            places: Vec::new(),
            transitions: Vec::new(),
            arcs: Vec::new(),
            n_places: 0,
            n_hidden: 0,
            n_visible: 0,
            p_in: Vec::new(),
            p_out: Vec::new(),
            t_in: Vec::new(),
            t_out: Vec::new(),
        }
    }
    fn push_place(&mut self, name: String) -> usize {
        self.places.push((name, true));
        self.p_in.push(Vec::new());
        self.p_out.push(Vec::new());
        self.places.len() - 1
    }
    fn push_transition(&mut self, name: String, label: Option<String>) -> usize {
        self.transitions.push((name, label, true));
        self.t_in.push(Vec::new());
        self.t_out.push(Vec::new());
        self.transitions.len() - 1
    }
    /// A place with a given name (BPMN conversions name places after flows and nodes).
    pub(super) fn named_place(&mut self, name: String) -> usize {
        self.push_place(name)
    }
    /// A transition with a given name and label.
    pub(super) fn named_transition(&mut self, name: String, label: Option<String>) -> usize {
        self.push_transition(name, label)
    }
    pub(super) fn new_place(&mut self) -> usize {
        self.n_places += 1;
        self.push_place(format!("p_{}", self.n_places))
    }
    pub(super) fn new_hidden(&mut self, kind: &str) -> usize {
        self.n_hidden += 1;
        self.push_transition(format!("{kind}_{}", self.n_hidden), None)
    }
    pub(super) fn new_visible(&mut self, label: &str) -> usize {
        self.n_visible += 1;
        self.push_transition(format!("t_{}", self.n_visible), Some(label.to_string()))
    }
    pub(super) fn arc(&mut self, from: Node, to: Node) {
        let i = self.arcs.len();
        self.arcs.push((from, to, true));
        match from {
            Node::P(p) => self.p_out[p].push(i),
            Node::T(t) => self.t_out[t].push(i),
        }
        match to {
            Node::P(p) => self.p_in[p].push(i),
            Node::T(t) => self.t_in[t].push(i),
        }
    }
    /// Live arcs into `n`, in the order they were made.
    pub(super) fn in_arcs(&self, n: Node) -> impl Iterator<Item = usize> + '_ {
        let list = match n {
            Node::P(p) => &self.p_in[p],
            Node::T(t) => &self.t_in[t],
        };
        list.iter().copied().filter(|&a| self.arcs[a].2)
    }
    /// Live arcs out of `n`, in the order they were made.
    pub(super) fn out_arcs(&self, n: Node) -> impl Iterator<Item = usize> + '_ {
        let list = match n {
            Node::P(p) => &self.p_out[p],
            Node::T(t) => &self.t_out[t],
        };
        list.iter().copied().filter(|&a| self.arcs[a].2)
    }
    pub(super) fn remove(&mut self, n: Node) {
        let arcs: Vec<usize> = self.in_arcs(n).chain(self.out_arcs(n)).collect();
        for a in arcs {
            self.arcs[a].2 = false;
        }
        match n {
            Node::P(p) => self.places[p].1 = false,
            Node::T(t) => self.transitions[t].2 = false,
        }
    }
}

/// pm4py's `apply_simple_reduction`: merge silent transitions with one input place that only
/// they consume (into the place's producer), and with one output place that only they produce
/// (into the place's consumer), until nothing changes.
pub(super) fn reduce(w: &mut Work) {
    loop {
        let before = (alive_t(w), alive_p(w));
        // Each sweep goes on after the transition it merged (pm4py restarts from the first;
        // the outer loop repeats until nothing changes, so the fixpoint is the same).
        for entry in [true, false] {
            let mut from = 0;
            while let Some(t) = reduce_once(w, entry, from) {
                from = t + 1;
            }
        }
        if (alive_t(w), alive_p(w)) == before {
            return;
        }
    }
}

fn alive_t(w: &Work) -> usize {
    w.transitions.iter().filter(|t| t.2).count()
}
fn alive_p(w: &Work) -> usize {
    w.places.iter().filter(|p| p.1).count()
}

/// Merge the first reducible silent transition at index `from` or later; its index.
fn reduce_once(w: &mut Work, entry: bool, from: usize) -> Option<usize> {
    for t in from..w.transitions.len() {
        if !w.transitions[t].2 || w.transitions[t].1.is_some() {
            continue;
        }
        let tn = Node::T(t);
        let side: Vec<usize> = if entry {
            w.in_arcs(tn).collect()
        } else {
            w.out_arcs(tn).collect()
        };
        let [arc] = side.as_slice() else { continue };
        let place = if entry {
            w.arcs[*arc].0
        } else {
            w.arcs[*arc].1
        };
        let (far, near): (Vec<usize>, Vec<usize>) = if entry {
            (w.in_arcs(place).collect(), w.out_arcs(place).collect())
        } else {
            (w.out_arcs(place).collect(), w.in_arcs(place).collect())
        };
        if far.len() != 1 {
            continue;
        }
        // The place's other side must be this transition only (as a set).
        let only_t = near.iter().all(|&a| {
            if entry {
                w.arcs[a].1 == tn
            } else {
                w.arcs[a].0 == tn
            }
        });
        if near.is_empty() || !only_t {
            continue;
        }
        let other = if entry {
            w.arcs[far[0]].0
        } else {
            w.arcs[far[0]].1
        };
        let rewire: Vec<Node> = if entry {
            w.out_arcs(tn).map(|a| w.arcs[a].1).collect()
        } else {
            w.in_arcs(tn).map(|a| w.arcs[a].0).collect()
        };
        w.remove(tn);
        w.remove(place);
        for p in rewire {
            if entry {
                w.arc(other, p);
            } else {
                w.arc(p, other);
            }
        }
        return Some(t);
    }
    None
}

pub(super) fn finish(w: Work, source: usize, sink: usize) -> PetriNet {
    let mut pmap = vec![usize::MAX; w.places.len()];
    let mut net = PetriNet {
        name: "spur_net".into(),
        ..PetriNet::default()
    };
    for (i, (name, alive)) in w.places.iter().enumerate() {
        if *alive {
            pmap[i] = net.places.len();
            net.places.push(Place { name: name.clone() });
        }
    }
    let mut tmap = vec![usize::MAX; w.transitions.len()];
    for (i, (name, label, alive)) in w.transitions.iter().enumerate() {
        if *alive {
            tmap[i] = net.transitions.len();
            net.transitions.push(Transition {
                name: name.clone(),
                label: label.clone(),
            });
        }
    }
    for &(from, to, alive) in &w.arcs {
        if !alive {
            continue;
        }
        match (from, to) {
            (Node::P(p), Node::T(t)) => net.arcs.push(Arc::In {
                place: pmap[p],
                transition: tmap[t],
                weight: 1,
            }),
            (Node::T(t), Node::P(p)) => net.arcs.push(Arc::Out {
                transition: tmap[t],
                place: pmap[p],
                weight: 1,
            }),
            _ => {}
        }
    }
    net.initial_marking = vec![(pmap[source], 1)];
    net.final_marking = vec![(pmap[sink], 1)];
    net
}
