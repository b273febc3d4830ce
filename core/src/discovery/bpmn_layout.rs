//! A left-to-right layered layout of a BPMN diagram, computed in core so the written file opens
//! laid out in bpmn.io / Camunda Modeler (which draw only what the diagram interchange says).
//!
//! Layers are longest paths from the start events after dropping the edges a depth-first search
//! finds going back (the loops' redo flows), so every forward flow points right; within a layer
//! nodes are ordered once by the mean row of their predecessors (a barycenter sweep), which keeps
//! branches of a gateway side by side. Back flows are routed below both ends.

use super::bpmn::{Bpmn, BpmnKind};

/// A node's box, top-left corner and size, in BPMN DI coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Boxes per node and waypoints per flow (same indices as the diagram's).
#[derive(Debug, Clone, PartialEq)]
pub struct BpmnLayout {
    pub nodes: Vec<Bounds>,
    pub flows: Vec<Vec<(f64, f64)>>,
}

const LAYER_W: f64 = 160.0;
const ROW_H: f64 = 110.0;
const MARGIN: f64 = 60.0;

fn size(kind: &BpmnKind) -> (f64, f64) {
    match kind {
        BpmnKind::Task => (100.0, 80.0),
        BpmnKind::StartEvent | BpmnKind::EndEvent | BpmnKind::Other(_) => (36.0, 36.0),
        _ => (50.0, 50.0),
    }
}

/// Lay the diagram out left to right.
pub fn layout(b: &Bpmn) -> BpmnLayout {
    let n = b.nodes.len();
    let mut succ: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, f) in b.flows.iter().enumerate() {
        succ[f.source].push((f.target, k));
    }
    // Depth-first from the start events (then from anything unvisited): back edges close loops.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut back = vec![false; b.flows.len()];
    let mut order: Vec<usize> = Vec::with_capacity(n); // post-order
    let roots = (0..n)
        .filter(|&i| b.nodes[i].kind == BpmnKind::StartEvent)
        .chain(0..n);
    for r in roots {
        if state[r] != 0 {
            continue;
        }
        state[r] = 1;
        let mut stack = vec![(r, 0usize)];
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            if let Some(&(t, k)) = succ[v].get(i) {
                top.1 += 1;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => back[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                order.push(v);
                stack.pop();
            }
        }
    }
    // Longest-path layers over the forward edges, in topological (reverse post-) order.
    let mut layer = vec![0usize; n];
    for &v in order.iter().rev() {
        for &(t, k) in &succ[v] {
            if !back[k] {
                layer[t] = layer[t].max(layer[v] + 1);
            }
        }
    }
    let layers = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for &v in order.iter().rev() {
        rows[layer[v]].push(v);
    }
    // One barycenter sweep left to right.
    let mut row_of = vec![0.0f64; n];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, f) in b.flows.iter().enumerate() {
        if !back[k] {
            preds[f.target].push(f.source);
        }
    }
    for row in rows.iter_mut() {
        let key = |v: usize, pos: usize| {
            if preds[v].is_empty() {
                pos as f64
            } else {
                preds[v].iter().map(|&p| row_of[p]).sum::<f64>() / preds[v].len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize, usize)> = row
            .iter()
            .enumerate()
            .map(|(pos, &v)| (key(v, pos), pos, v))
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        *row = keyed.into_iter().map(|x| x.2).collect();
        for (pos, &v) in row.iter().enumerate() {
            row_of[v] = pos as f64;
        }
    }
    let tallest = rows.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64;
    let mut nodes = vec![
        Bounds {
            x: 0.0,
            y: 0.0,
            width: 0.0,
            height: 0.0
        };
        n
    ];
    for (l, row) in rows.iter().enumerate() {
        // Rows of a short layer are centered on the tallest one.
        let offset = (tallest - row.len() as f64) * ROW_H / 2.0;
        for (pos, &v) in row.iter().enumerate() {
            let (w, h) = size(&b.nodes[v].kind);
            let cx = MARGIN + LAYER_W * l as f64 + 50.0;
            let cy = MARGIN + offset + ROW_H * pos as f64 + 40.0;
            nodes[v] = Bounds {
                x: cx - w / 2.0,
                y: cy - h / 2.0,
                width: w,
                height: h,
            };
        }
    }
    let flows = b
        .flows
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let (s, t) = (nodes[f.source], nodes[f.target]);
            let (scx, scy) = (s.x + s.width / 2.0, s.y + s.height / 2.0);
            let (tcx, tcy) = (t.x + t.width / 2.0, t.y + t.height / 2.0);
            if back[k] || t.x <= s.x {
                let below = (s.y + s.height).max(t.y + t.height) + 25.0;
                vec![
                    (scx, s.y + s.height),
                    (scx, below),
                    (tcx, below),
                    (tcx, t.y + t.height),
                ]
            } else if (scy - tcy).abs() < 0.5 {
                vec![(s.x + s.width, scy), (t.x, tcy)]
            } else {
                // Leave the source sideways, turn once in the gap before the target.
                let mid = t.x - 25.0;
                vec![(s.x + s.width, scy), (mid, scy), (mid, tcy), (t.x, tcy)]
            }
        })
        .collect();
    BpmnLayout { nodes, flows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{tree_to_bpmn, ProcessTree};

    #[test]
    fn forward_flows_point_right_and_loops_go_below() {
        let t = ProcessTree::parse("->( 'a', *( 'b', 'c' ), X( 'd', 'e' ) )").unwrap();
        let b = tree_to_bpmn(&t);
        let l = layout(&b);
        for (k, f) in b.flows.iter().enumerate() {
            let (s, e) = (l.nodes[f.source], l.nodes[f.target]);
            let back = b.nodes[f.target].id.ends_with("_join") && b.nodes[f.source].name == "c";
            assert_eq!(e.x > s.x, !back, "{:?}", l.flows[k]);
        }
        // No two nodes overlap.
        for i in 0..l.nodes.len() {
            for j in i + 1..l.nodes.len() {
                let (a, c) = (l.nodes[i], l.nodes[j]);
                let apart = a.x + a.width <= c.x
                    || c.x + c.width <= a.x
                    || a.y + a.height <= c.y
                    || c.y + c.height <= a.y;
                assert!(apart, "{i} {j} overlap");
            }
        }
    }
}
