//! A left-to-right layered layout of a BPMN diagram, computed in core so the written file opens
//! laid out in bpmn.io / Camunda Modeler (which draw only what the diagram interchange says).
//!
//! Layers are longest paths from the start events after dropping the edges a depth-first search
//! finds going back (the loops' redo flows), so every forward flow points right; within a layer
//! nodes are ordered once by the mean row of their predecessors (a barycenter sweep), which keeps
//! branches of a gateway side by side. A flow spanning several layers holds a row slot in each
//! (a dummy vertex), so it never crosses a node; vertical segments run in the gaps between
//! layers, and back flows (loops) along lanes below all rows.

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

impl BpmnLayout {
    /// The right and bottom edges of the drawing: every node box and flow waypoint.
    pub fn extent(&self) -> (f64, f64) {
        let boxes = self.nodes.iter().map(|r| (r.x + r.width, r.y + r.height));
        let points = self.flows.iter().flatten().copied();
        boxes
            .chain(points)
            .fold((0.0f64, 0.0f64), |(mx, my), (x, y)| (mx.max(x), my.max(y)))
    }
}

const LAYER_W: f64 = 160.0;
const ROW_H: f64 = 110.0;
const MARGIN: f64 = 60.0;
/// At most this many row slots for long flows.
const MAX_DUMMIES: usize = 200_000;

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
    // A forward flow across several layers gets a dummy vertex in each layer between, so it
    // takes a row slot there instead of crossing the nodes (vertices n.. are dummies).
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); b.flows.len()];
    let mut dummy_layer: Vec<usize> = Vec::new();
    // Bounded: a hostile diagram (many flows over many layers) is drawn with straight long
    // flows instead of growing quadratically.
    let spans: usize = b
        .flows
        .iter()
        .enumerate()
        .filter(|&(k, _)| !back[k])
        .map(|(_, f)| layer[f.target].saturating_sub(layer[f.source] + 1))
        .fold(0usize, usize::saturating_add);
    let use_dummies = spans <= MAX_DUMMIES;
    for (k, f) in b.flows.iter().enumerate() {
        if back[k] {
            continue;
        }
        let mut prev = f.source;
        let between = if use_dummies {
            layer[f.source] + 1..layer[f.target]
        } else {
            0..0
        };
        for l in between {
            let d = n + dummy_layer.len();
            dummy_layer.push(l);
            preds.push(vec![prev]);
            chains[k].push(d);
            prev = d;
        }
        preds[f.target].push(prev);
    }
    let total = n + dummy_layer.len();
    let layer_of = |v: usize| if v < n { layer[v] } else { dummy_layer[v - n] };
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for &v in order.iter().rev() {
        rows[layer[v]].push(v);
    }
    for d in n..total {
        rows[layer_of(d)].push(d);
    }
    // One barycenter sweep left to right.
    let mut row_of = vec![0.0f64; total];
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
    let zero = Bounds {
        x: 0.0,
        y: 0.0,
        width: 0.0,
        height: 0.0,
    };
    let mut boxes = vec![zero; total];
    for (l, row) in rows.iter().enumerate() {
        // Rows of a short layer are centered on the tallest one.
        let offset = (tallest - row.len() as f64) * ROW_H / 2.0;
        for (pos, &v) in row.iter().enumerate() {
            let (w, h) = if v < n {
                size(&b.nodes[v].kind)
            } else {
                (0.0, 0.0)
            };
            let cx = MARGIN + LAYER_W * l as f64 + 50.0;
            let cy = MARGIN + offset + ROW_H * pos as f64 + 40.0;
            boxes[v] = Bounds {
                x: cx - w / 2.0,
                y: cy - h / 2.0,
                width: w,
                height: h,
            };
        }
    }
    // Vertical segments run in the gaps between layers; back flows along a lane below all rows.
    let gap_after = |l: usize| MARGIN + LAYER_W * l as f64 + 50.0 + LAYER_W / 2.0;
    let bottom = MARGIN + tallest * ROW_H + 10.0;
    let mid_y = |v: usize| boxes[v].y + boxes[v].height / 2.0;
    let mut back_lane = 0.0;
    let flows = b
        .flows
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let (s, t) = (boxes[f.source], boxes[f.target]);
            let (ls, lt) = (layer[f.source], layer[f.target]);
            let (sy, ty) = (mid_y(f.source), mid_y(f.target));
            let mut pts = vec![(s.x + s.width, sy)];
            if back[k] || lt <= ls {
                back_lane += 12.0;
                let lane = bottom + back_lane;
                let before_t = gap_after(lt) - LAYER_W;
                pts.extend([
                    (gap_after(ls), sy),
                    (gap_after(ls), lane),
                    (before_t, lane),
                    (before_t, ty),
                ]);
            } else {
                let mut y = sy;
                for (i, &d) in chains[k].iter().chain([&f.target]).enumerate() {
                    let next = mid_y(d);
                    if (next - y).abs() >= 0.5 {
                        let gx = gap_after(ls + i);
                        pts.extend([(gx, y), (gx, next)]);
                    }
                    y = next;
                }
            }
            pts.push((t.x, ty));
            pts
        })
        .collect();
    boxes.truncate(n);
    let nodes = boxes;
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
        // No flow runs through a node: a long branch (e beside b → c → d) takes its own row.
        let t =
            ProcessTree::parse("->( 'a', X( ->( 'b', 'c', 'd' ), 'e' ), *( 'f', 'g' ) )").unwrap();
        let b2 = tree_to_bpmn(&t);
        let l2 = layout(&b2);
        for (k, pts) in l2.flows.iter().enumerate() {
            for w in pts.windows(2) {
                let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                for (i, r) in l2.nodes.iter().enumerate() {
                    let (lo_x, hi_x, lo_y, hi_y) = (x0.min(x1), x0.max(x1), y0.min(y1), y0.max(y1));
                    let inside = lo_x < r.x + r.width - 0.5
                        && hi_x > r.x + 0.5
                        && lo_y < r.y + r.height - 0.5
                        && hi_y > r.y + 0.5;
                    assert!(!inside, "flow {k} {pts:?} crosses node {i} {r:?}");
                }
            }
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
