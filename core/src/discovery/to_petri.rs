//! Process tree → workflow net, exactly as pm4py's
//! `objects/conversion/process_tree/variants/to_petri_net.py` (then its simple reduction of
//! single-entry/single-exit silent transitions, then removal of dangling places), so place,
//! transition and arc counts equal pm4py's.

use super::net_build::{finish, reduce, Node, Work};
use super::petri::PetriNet;
use super::tree::{Operator, ProcessTree};

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
    let mut w = Work::new();
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
