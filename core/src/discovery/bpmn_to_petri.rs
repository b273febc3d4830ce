//! BPMN → accepting Petri net, as pm4py's `objects/conversion/bpmn/variants/to_petri_net.py`
//! (what `pm4py.convert_to_petri_net` runs on a BPMN read with `pm4py.read_bpmn`), so a diagram
//! replays in Spur to the figures pm4py computes on it.
//!
//! Every flow becomes a place named by the flow's id; every task, event and gateway a
//! transition `ent_<id>` → node → `exi_<id>` (tasks visible with their name, the rest silent);
//! parallel and inclusive gateways with several flows out (in) get a silent transition that
//! forks (joins) through the flow places, every other node a silent transition per flow that
//! picks it (`sfl_`/`tfl_`); start events take the token from `source`, end events give it to
//! `sink`. Inclusive gateways also get pm4py's shortcut from each split flow to the nearest
//! join flow. Then pm4py's simple reduction and the removal of isolated places.

use super::bpmn::{Bpmn, BpmnKind};
use super::net_build::{finish, reduce, Node, Work};
use super::petri::PetriNet;
use std::collections::VecDeque;

/// Convert a BPMN diagram into an accepting Petri net (initial marking: one token on `source`;
/// final marking: one on `sink`).
pub fn bpmn_to_net(bpmn: &Bpmn) -> PetriNet {
    let mut w = Work::new();
    let source = w.named_place("source".into());
    let sink = w.named_place("sink".into());
    let n = bpmn.nodes.len();
    let (mut outs, mut ins) = (vec![0usize; n], vec![0usize; n]);
    let mut flow_place = Vec::with_capacity(bpmn.flows.len());
    for f in &bpmn.flows {
        flow_place.push(w.named_place(f.id.clone()));
        outs[f.source] += 1;
        ins[f.target] += 1;
    }
    let inclusive = |i: usize| bpmn.nodes[i].kind == BpmnKind::InclusiveGateway;
    let (mut exits, mut entries) = (Vec::new(), Vec::new());
    for (k, f) in bpmn.flows.iter().enumerate() {
        // pm4py puts a flow in one set only, the exits first.
        if inclusive(f.source) && outs[f.source] > 1 {
            exits.push(flow_place[k]);
        } else if inclusive(f.target) && ins[f.target] > 1 {
            entries.push(flow_place[k]);
        }
    }
    // Per node: where its incoming flows end and its outgoing flows start (None: unconverted).
    let mut entering: Vec<Option<Node>> = vec![None; n];
    let mut exiting: Vec<Option<Node>> = vec![None; n];
    for (i, node) in bpmn.nodes.iter().enumerate() {
        if matches!(node.kind, BpmnKind::Other(_)) {
            continue;
        }
        let ent = w.named_place(format!("ent_{}", node.id));
        let exi = w.named_place(format!("exi_{}", node.id));
        let label =
            (node.kind == BpmnKind::Task && !node.name.is_empty()).then(|| node.name.clone());
        let t = w.named_transition(node.id.clone(), label);
        w.arc(Node::P(ent), Node::T(t));
        w.arc(Node::T(t), Node::P(exi));
        entering[i] = Some(Node::P(ent));
        exiting[i] = Some(Node::P(exi));
        if matches!(
            node.kind,
            BpmnKind::ParallelGateway | BpmnKind::InclusiveGateway
        ) {
            if outs[i] > 1 {
                let fork = w.named_transition(format!("{}_fork", node.id), None);
                w.arc(Node::P(exi), Node::T(fork));
                exiting[i] = Some(Node::T(fork));
            }
            if ins[i] > 1 {
                let join = w.named_transition(format!("{}_join", node.id), None);
                w.arc(Node::T(join), Node::P(ent));
                entering[i] = Some(Node::T(join));
            }
        }
        match node.kind {
            BpmnKind::StartEvent => {
                let s = w.named_transition(format!("{}_start", node.id), None);
                w.arc(Node::P(source), Node::T(s));
                w.arc(Node::T(s), Node::P(ent));
            }
            BpmnKind::EndEvent => {
                let e = w.named_transition(format!("{}_end", node.id), None);
                w.arc(Node::P(exi), Node::T(e));
                w.arc(Node::T(e), Node::P(sink));
            }
            _ => {}
        }
    }
    for (k, f) in bpmn.flows.iter().enumerate() {
        let (Some(mut from), Some(mut to)) = (exiting[f.source], entering[f.target]) else {
            continue;
        };
        if let Node::P(p) = from {
            let t = w.named_transition(format!("sfl_{}", f.id), None);
            w.arc(Node::P(p), Node::T(t));
            from = Node::T(t);
        }
        if let Node::P(p) = to {
            let t = w.named_transition(format!("tfl_{}", f.id), None);
            w.arc(Node::T(t), Node::P(p));
            to = Node::T(t);
        }
        w.arc(from, Node::P(flow_place[k]));
        w.arc(Node::P(flow_place[k]), to);
    }
    if !exits.is_empty() && !entries.is_empty() {
        inclusive_shortcuts(&mut w, &exits, &entries);
    }
    reduce(&mut w);
    for p in 0..w.places.len() {
        if w.places[p].1
            && p != source
            && p != sink
            && w.in_arcs(Node::P(p)).next().is_none()
            && w.out_arcs(Node::P(p)).next().is_none()
        {
            w.remove(Node::P(p));
        }
    }
    finish(w, source, sink)
}

/// From each inclusive split's flow place, a silent transition to the nearest inclusive join
/// flow place (breadth first over place → place steps through transitions, as pm4py's
/// shortest paths), so a branch not taken can still be skipped.
fn inclusive_shortcuts(w: &mut Work, exits: &[usize], entries: &[usize]) {
    let np = w.places.len();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); np];
    for t in 0..w.transitions.len() {
        let ins: Vec<usize> = w
            .in_arcs(Node::T(t))
            .filter_map(|a| match w.arcs[a].0 {
                Node::P(p) => Some(p),
                Node::T(_) => None,
            })
            .collect();
        let outs: Vec<usize> = w
            .out_arcs(Node::T(t))
            .filter_map(|a| match w.arcs[a].1 {
                Node::P(p) => Some(p),
                Node::T(_) => None,
            })
            .collect();
        for &a in &ins {
            for &b in &outs {
                if !next[a].contains(&b) {
                    next[a].push(b);
                }
            }
        }
    }
    let mut is_entry = vec![false; np];
    for &e in entries {
        is_entry[e] = true;
    }
    for (k, &start) in exits.iter().enumerate() {
        let mut seen = vec![false; np];
        seen[start] = true;
        let mut queue = VecDeque::from([start]);
        let mut found = None;
        while let Some(p) = queue.pop_front() {
            if is_entry[p] {
                found = Some(p);
                break;
            }
            for &q in &next[p] {
                if !seen[q] {
                    seen[q] = true;
                    queue.push_back(q);
                }
            }
        }
        if let Some(target) = found {
            let t = w.named_transition(format!("or_skip_{}", k + 1), None);
            w.arc(Node::P(start), Node::T(t));
            w.arc(Node::T(t), Node::P(target));
        }
    }
}
