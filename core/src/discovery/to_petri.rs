//! Process tree → workflow net, exactly as pm4py's
//! `objects/conversion/process_tree/variants/to_petri_net.py` (then its simple reduction of
//! single-entry/single-exit silent transitions, then removal of dangling places), so place,
//! transition and arc counts equal pm4py's.

use super::petri::{Arc, PetriNet, Place, Transition};
use super::tree::{Operator, ProcessTree};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Node {
    P(usize),
    T(usize),
}

/// A net under construction: removed places/transitions/arcs are tombstoned.
struct Work {
    places: Vec<(String, bool)>,
    transitions: Vec<(String, Option<String>, bool)>,
    /// (from, to, alive)
    arcs: Vec<(Node, Node, bool)>,
    n_places: usize,
    n_hidden: usize,
    n_visible: usize,
}

impl Work {
    fn new_place(&mut self) -> usize {
        self.n_places += 1;
        self.places.push((format!("p_{}", self.n_places), true));
        self.places.len() - 1
    }
    fn new_hidden(&mut self, kind: &str) -> usize {
        self.n_hidden += 1;
        self.transitions
            .push((format!("{kind}_{}", self.n_hidden), None, true));
        self.transitions.len() - 1
    }
    fn new_visible(&mut self, label: &str) -> usize {
        self.n_visible += 1;
        self.transitions.push((
            format!("t_{}", self.n_visible),
            Some(label.to_string()),
            true,
        ));
        self.transitions.len() - 1
    }
    fn arc(&mut self, from: Node, to: Node) {
        self.arcs.push((from, to, true));
    }
    fn in_arcs(&self, n: Node) -> impl Iterator<Item = usize> + '_ {
        self.arcs
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.2 && a.1 == n)
            .map(|(i, _)| i)
    }
    fn out_arcs(&self, n: Node) -> impl Iterator<Item = usize> + '_ {
        self.arcs
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.2 && a.0 == n)
            .map(|(i, _)| i)
    }
    fn remove(&mut self, n: Node) {
        for a in self.arcs.iter_mut() {
            if a.0 == n || a.1 == n {
                a.2 = false;
            }
        }
        match n {
            Node::P(p) => self.places[p].1 = false,
            Node::T(t) => self.transitions[t].2 = false,
        }
    }
}

fn first_child(t: &ProcessTree) -> Option<&ProcessTree> {
    match t {
        ProcessTree::Node(_, c) => c.first(),
        _ => None,
    }
}
fn last_child(t: &ProcessTree) -> Option<&ProcessTree> {
    match t {
        ProcessTree::Node(_, c) => c.last(),
        _ => None,
    }
}
fn op(t: &ProcessTree) -> Option<Operator> {
    match t {
        ProcessTree::Node(o, _) => Some(*o),
        _ => None,
    }
}

/// pm4py's `get_first/last_terminal_child_transitions(...)` length > 1 (a leaf child counts 1).
fn terminal_children_many(t: &ProcessTree, first: bool) -> bool {
    let pick = if first { first_child } else { last_child };
    let mut cur = t;
    while let Some(c) = pick(cur) {
        if op(c).is_some() {
            cur = c;
        } else {
            return false;
        }
    }
    false
}

fn ends_with_loop(t: &ProcessTree, first: bool) -> bool {
    let pick = if first { first_child } else { last_child };
    // check_initial_loop / check_terminal_loop (which recurses on the last child, even from
    // check_initial_loop, as pm4py does).
    let mut cur = t;
    let mut use_first = first;
    loop {
        let c = if use_first {
            first_child(cur)
        } else {
            last_child(cur)
        };
        let _ = pick;
        match c.and_then(|c| op(c).map(|o| (c, o))) {
            Some((_, Operator::Loop)) => return true,
            Some((c, _)) => {
                cur = c;
                use_first = false;
            }
            None => return false,
        }
    }
}

fn loop_to_operator(t: &ProcessTree, first: bool) -> bool {
    let mut cur = t;
    loop {
        if op(cur) == Some(Operator::Loop) {
            return true;
        }
        match if first {
            first_child(cur)
        } else {
            last_child(cur)
        } {
            Some(c) => {
                if op(c) == Some(Operator::Loop) {
                    return true;
                }
                cur = c;
            }
            None => return false,
        }
    }
}

fn tau_mandatory(t: &ProcessTree, first: bool) -> bool {
    ends_with_loop(t, first)
        || terminal_children_many(t, first)
        || loop_to_operator(t, first)
        || matches!(op(t), Some(Operator::Xor | Operator::Parallel))
}

/// Convert a process tree into a workflow net with pm4py's construction.
pub fn tree_to_net(tree: &ProcessTree) -> PetriNet {
    let mut w = Work {
        places: Vec::new(),
        transitions: Vec::new(),
        arcs: Vec::new(),
        n_places: 0,
        n_hidden: 0,
        n_visible: 0,
    };
    let source = w.new_place();
    w.places[source].0 = "source".into();
    let sink = w.new_place();
    w.places[sink].0 = "sink".into();
    let initial = if tau_mandatory(tree, true) {
        let p = w.new_place();
        let t = w.new_hidden("tau");
        w.arc(Node::P(source), Node::T(t));
        w.arc(Node::T(t), Node::P(p));
        p
    } else {
        source
    };
    let fin = if tau_mandatory(tree, false) {
        let p = w.new_place();
        let t = w.new_hidden("tau");
        w.arc(Node::P(p), Node::T(t));
        w.arc(Node::T(t), Node::P(sink));
        p
    } else {
        sink
    };
    add(&mut w, tree, Node::P(initial), Some(Node::P(fin)));
    reduce(&mut w);
    // Dangling places go (one pass, as pm4py).
    for p in 0..w.places.len() {
        if !w.places[p].1 {
            continue;
        }
        if p != sink && w.out_arcs(Node::P(p)).next().is_none() {
            w.remove(Node::P(p));
        }
        if w.places[p].1 && p != source && w.in_arcs(Node::P(p)).next().is_none() {
            w.remove(Node::P(p));
        }
    }
    finish(w, source, sink)
}

/// `recursively_add_tree`; returns the final place.
fn add(w: &mut Work, tree: &ProcessTree, init: Node, fin: Option<Node>) -> usize {
    let initial_place = match init {
        Node::T(t) => {
            let p = w.new_place();
            w.arc(Node::T(t), Node::P(p));
            p
        }
        Node::P(p) => p,
    };
    let final_place = match fin {
        Some(Node::P(p)) => p,
        other => {
            let p = w.new_place();
            if let Some(Node::T(t)) = other {
                w.arc(Node::P(p), Node::T(t));
            }
            p
        }
    };
    match tree {
        ProcessTree::Tau | ProcessTree::Activity(_) => {
            let t = match tree {
                ProcessTree::Activity(a) => w.new_visible(a),
                _ => w.new_hidden("skip"),
            };
            w.arc(Node::P(initial_place), Node::T(t));
            w.arc(Node::T(t), Node::P(final_place));
        }
        ProcessTree::Node(Operator::Xor, kids) => {
            for k in kids {
                add(w, k, Node::P(initial_place), Some(Node::P(final_place)));
            }
        }
        ProcessTree::Node(Operator::Or, kids) => {
            let split = w.new_hidden("tauSplit");
            w.arc(Node::P(initial_place), Node::T(split));
            let join = w.new_hidden("tauJoin");
            w.arc(Node::T(join), Node::P(final_place));
            let terminal = w.new_place();
            w.arc(Node::P(terminal), Node::T(join));
            let first = w.new_place();
            w.arc(Node::T(split), Node::P(first));
            for k in kids {
                let init_p = w.new_place();
                w.arc(Node::T(split), Node::P(init_p));
                let start_p = w.new_place();
                let end_p = w.new_place();
                let ts = w.new_hidden("inclusiveStart");
                let tl = w.new_hidden("inclusiveLater");
                let tk = w.new_hidden("inclusiveSkip");
                for (a, b) in [
                    (Node::P(first), Node::T(ts)),
                    (Node::P(init_p), Node::T(ts)),
                    (Node::T(ts), Node::P(start_p)),
                    (Node::T(ts), Node::P(terminal)),
                    (Node::P(terminal), Node::T(tl)),
                    (Node::P(init_p), Node::T(tl)),
                    (Node::T(tl), Node::P(start_p)),
                    (Node::T(tl), Node::P(terminal)),
                    (Node::P(terminal), Node::T(tk)),
                    (Node::P(init_p), Node::T(tk)),
                    (Node::T(tk), Node::P(terminal)),
                    (Node::T(tk), Node::P(end_p)),
                    (Node::P(end_p), Node::T(join)),
                ] {
                    w.arc(a, b);
                }
                add(w, k, Node::P(start_p), Some(Node::P(end_p)));
            }
        }
        ProcessTree::Node(Operator::Parallel, kids) => {
            let split = w.new_hidden("tauSplit");
            w.arc(Node::P(initial_place), Node::T(split));
            let join = w.new_hidden("tauJoin");
            w.arc(Node::T(join), Node::P(final_place));
            for k in kids {
                add(w, k, Node::T(split), Some(Node::T(join)));
            }
        }
        ProcessTree::Node(Operator::Sequence, kids) => {
            let mut inter = initial_place;
            for (i, k) in kids.iter().enumerate() {
                let fin = (i + 1 == kids.len()).then_some(Node::P(final_place));
                inter = add(w, k, Node::P(inter), fin);
            }
        }
        ProcessTree::Node(Operator::Loop, kids) => {
            let new_initial = w.new_place();
            let init_loop = w.new_hidden("init_loop");
            w.arc(Node::P(initial_place), Node::T(init_loop));
            w.arc(Node::T(init_loop), Node::P(new_initial));
            let loop_t = w.new_hidden("loop");
            if kids.len() == 1 {
                add(
                    w,
                    &kids[0],
                    Node::P(new_initial),
                    Some(Node::P(final_place)),
                );
                w.arc(Node::P(final_place), Node::T(loop_t));
                w.arc(Node::T(loop_t), Node::P(new_initial));
            } else if let Some(first) = kids.first() {
                let int1 = add(w, first, Node::P(new_initial), None);
                let mut int2: Option<usize> = None;
                for k in &kids[1..] {
                    int2 = Some(add(w, k, Node::P(int1), int2.map(Node::P)));
                }
                add(
                    w,
                    &ProcessTree::Tau,
                    Node::P(int1),
                    Some(Node::P(final_place)),
                );
                if let Some(p) = int2 {
                    w.arc(Node::P(p), Node::T(loop_t));
                }
                w.arc(Node::T(loop_t), Node::P(new_initial));
            }
        }
    }
    final_place
}

/// pm4py's `apply_simple_reduction`: merge silent transitions with one input place that only
/// they consume (into the place's producer), and with one output place that only they produce
/// (into the place's consumer), until nothing changes.
fn reduce(w: &mut Work) {
    loop {
        let before = (alive_t(w), alive_p(w));
        while reduce_once(w, true) {}
        while reduce_once(w, false) {}
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

fn reduce_once(w: &mut Work, entry: bool) -> bool {
    for t in 0..w.transitions.len() {
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
        return true;
    }
    false
}

fn finish(w: Work, source: usize, sink: usize) -> PetriNet {
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
