//! BPMN process diagrams (the subset process mining uses: start/end events, tasks, exclusive,
//! parallel and inclusive gateways, sequence flows) and pm4py's process tree → BPMN conversion
//! (`objects/conversion/process_tree/variants/to_bpmn.py`, what `pm4py.convert_to_bpmn` runs).
//!
//! pm4py builds the diagram with a silent task for every tau leaf and between the children of a
//! sequence, then deletes those tasks, rewiring a silent task with one flow in and one out into
//! a single flow and dropping dead-end ones with their flows. [`tree_to_bpmn`] does the same, so
//! the diagram has pm4py's nodes and flows; ids are deterministic (pm4py draws UUIDs).

use super::tree::{Operator, ProcessTree};
use serde::{Deserialize, Serialize};

/// What a BPMN node is. Nodes Spur does not model (intermediate events, event-based gateways)
/// are `Other`: kept so flows through them resolve, skipped by the Petri-net conversion as pm4py
/// skips them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BpmnKind {
    StartEvent,
    EndEvent,
    Task,
    ExclusiveGateway,
    ParallelGateway,
    InclusiveGateway,
    /// The element's local name.
    Other(String),
}

/// A gateway's direction, written as `gatewayDirection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GatewayDirection {
    Unspecified,
    Diverging,
    Converging,
}

/// A node: its XML id, its name (a task's activity), its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BpmnNode {
    pub id: String,
    pub name: String,
    pub kind: BpmnKind,
    pub direction: GatewayDirection,
}

/// A sequence flow between two nodes (by index).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BpmnFlow {
    pub id: String,
    pub source: usize,
    pub target: usize,
}

/// A BPMN process.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bpmn {
    pub process_id: String,
    pub nodes: Vec<BpmnNode>,
    pub flows: Vec<BpmnFlow>,
}

/// pm4py's diagram under construction: removed nodes and flows are tombstoned.
struct Build {
    nodes: Vec<(BpmnNode, bool)>,
    flows: Vec<(usize, usize, bool)>,
    taus: Vec<usize>,
    xors: usize,
    ands: usize,
    ors: usize,
    tasks: usize,
}

impl Build {
    fn node(&mut self, id: String, name: &str, kind: BpmnKind, dir: GatewayDirection) -> usize {
        self.nodes.push((
            BpmnNode {
                id,
                name: name.to_string(),
                kind,
                direction: dir,
            },
            true,
        ));
        self.nodes.len() - 1
    }
    fn task(&mut self, label: &str) -> usize {
        self.tasks += 1;
        let id = format!("task_{}", self.tasks);
        self.node(id, label, BpmnKind::Task, GatewayDirection::Unspecified)
    }
    fn tau(&mut self) -> usize {
        let t = self.task("");
        self.taus.push(t);
        t
    }
    /// A split/join pair of one gateway kind.
    fn gateways(&mut self, kind: BpmnKind) -> (usize, usize) {
        let (prefix, n) = match kind {
            BpmnKind::ParallelGateway => {
                self.ands += 1;
                ("and", self.ands)
            }
            BpmnKind::InclusiveGateway => {
                self.ors += 1;
                ("or", self.ors)
            }
            _ => {
                self.xors += 1;
                ("xor", self.xors)
            }
        };
        let split = self.node(
            format!("{prefix}_{n}_split"),
            "",
            kind.clone(),
            GatewayDirection::Diverging,
        );
        let join = self.node(
            format!("{prefix}_{n}_join"),
            "",
            kind,
            GatewayDirection::Converging,
        );
        (split, join)
    }
    fn flow(&mut self, a: usize, b: usize) {
        self.flows.push((a, b, true));
    }

    /// pm4py's `recursively_add_tree`: (initial connector, final connector).
    fn add(&mut self, tree: &ProcessTree, initial: usize, fin: usize) -> (usize, usize) {
        match tree {
            ProcessTree::Tau | ProcessTree::Activity(_) => {
                let t = match tree {
                    ProcessTree::Activity(a) => self.task(a),
                    _ => self.tau(),
                };
                self.flow(initial, t);
                self.flow(t, fin);
                (t, t)
            }
            ProcessTree::Node(op @ (Operator::Xor | Operator::Parallel | Operator::Or), kids) => {
                let kind = match op {
                    Operator::Xor => BpmnKind::ExclusiveGateway,
                    Operator::Parallel => BpmnKind::ParallelGateway,
                    _ => BpmnKind::InclusiveGateway,
                };
                let (split, join) = self.gateways(kind);
                for k in kids {
                    self.add(k, split, join);
                }
                self.flow(initial, split);
                self.flow(join, fin);
                (split, join)
            }
            ProcessTree::Node(Operator::Sequence, kids) => {
                let (mut from, mut to) = (initial, self.tau());
                let (mut first, mut last) = (initial, fin);
                for (i, k) in kids.iter().enumerate() {
                    let (a, b) = self.add(k, from, to);
                    from = b;
                    if i == 0 {
                        first = a;
                    }
                    to = if i + 2 == kids.len() { fin } else { self.tau() };
                    last = b;
                }
                (first, last)
            }
            ProcessTree::Node(Operator::Loop, kids) => {
                // The loop's "split" is its exit choice, its "join" its entry merge.
                let (split, join) = self.gateways(BpmnKind::ExclusiveGateway);
                if let Some(body) = kids.first() {
                    self.add(body, join, split);
                }
                for redo in kids.iter().skip(1) {
                    self.add(redo, split, join);
                }
                self.flow(initial, join);
                self.flow(split, fin);
                (join, split)
            }
        }
    }

    /// pm4py's `delete_tau_transitions`, in the order the silent tasks were made.
    fn delete_taus(&mut self) {
        for &t in &self.taus.clone() {
            let ins: Vec<usize> = (0..self.flows.len())
                .filter(|&f| self.flows[f].2 && self.flows[f].1 == t)
                .collect();
            let outs: Vec<usize> = (0..self.flows.len())
                .filter(|&f| self.flows[f].2 && self.flows[f].0 == t)
                .collect();
            for &f in ins.iter().chain(&outs) {
                self.flows[f].2 = false;
            }
            // pm4py raises on a silent task with several flows on a side; trees never make one.
            if let ([i], [o]) = (ins.as_slice(), outs.as_slice()) {
                let (a, b) = (self.flows[*i].0, self.flows[*o].1);
                self.flow(a, b);
            }
            self.nodes[t].1 = false;
        }
    }
}

/// Convert a process tree into a BPMN diagram as `pm4py.convert_to_bpmn` does.
pub fn tree_to_bpmn(tree: &ProcessTree) -> Bpmn {
    let mut b = Build {
        nodes: Vec::new(),
        flows: Vec::new(),
        taus: Vec::new(),
        xors: 0,
        ands: 0,
        ors: 0,
        tasks: 0,
    };
    let start = b.node(
        "start".into(),
        "start",
        BpmnKind::StartEvent,
        GatewayDirection::Unspecified,
    );
    let end = b.node(
        "end".into(),
        "end",
        BpmnKind::EndEvent,
        GatewayDirection::Unspecified,
    );
    b.add(tree, start, end);
    b.delete_taus();
    let mut map = vec![usize::MAX; b.nodes.len()];
    let mut out = Bpmn {
        process_id: "spur_process".into(),
        ..Bpmn::default()
    };
    for (i, (n, alive)) in b.nodes.into_iter().enumerate() {
        if alive {
            map[i] = out.nodes.len();
            out.nodes.push(n);
        }
    }
    for (a, z, alive) in b.flows {
        if alive {
            let id = format!("flow_{}", out.flows.len() + 1);
            out.flows.push(BpmnFlow {
                id,
                source: map[a],
                target: map[z],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(b: &Bpmn) -> Vec<String> {
        let mut v: Vec<String> = b
            .flows
            .iter()
            .map(|f| {
                let n = |i: usize| {
                    let node = &b.nodes[i];
                    if node.name.is_empty() {
                        node.id.clone()
                    } else {
                        node.name.clone()
                    }
                };
                format!("{}->{}", n(f.source), n(f.target))
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn sequence_choice_and_loop_as_pm4py_draws_them() {
        let t = ProcessTree::parse("->( 'a', X( 'b', tau ), *( 'c', 'd' ) )").unwrap();
        let b = tree_to_bpmn(&t);
        assert_eq!(
            shape(&b),
            [
                "a->xor_1_split",
                "c->xor_2_split",
                "d->xor_2_join",
                "start->a",
                "xor_1_join->xor_2_join",
                "xor_1_split->b",
                "xor_1_split->xor_1_join",
                "b->xor_1_join",
                "xor_2_join->c",
                "xor_2_split->d",
                "xor_2_split->end",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        // No silent task survives.
        assert_eq!(b.nodes.iter().filter(|n| n.name.is_empty()).count(), 4);
    }
}
