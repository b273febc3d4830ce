//! The first two Sugiyama steps: make the graph acyclic (weighted greedy feedback arc set,
//! Eades–Lin–Smyth) and assign each node a layer (longest path, then a bounded
//! network-simplex-like pass that moves each node to the end of its feasible range that its
//! heavier side pulls it to). Iterative throughout: no recursion, linear-ish in the edges.

/// An edge of the layout graph: `from → to` with a weight (heavier edges are kept forward and
/// short).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WEdge {
    pub from: usize,
    pub to: usize,
    pub weight: f64,
}

/// Which edges to reverse so that the graph becomes acyclic. Self-loops are never reversed (the
/// caller leaves them out of layering).
pub(crate) fn feedback_arcs(n: usize, edges: &[WEdge]) -> Vec<bool> {
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); n];
    let (mut out_deg, mut in_deg) = (vec![0usize; n], vec![0usize; n]);
    let (mut out_w, mut in_w) = (vec![0.0f64; n], vec![0.0f64; n]);
    for (k, e) in edges.iter().enumerate() {
        if e.from == e.to {
            continue;
        }
        outs[e.from].push(k);
        ins[e.to].push(k);
        out_deg[e.from] += 1;
        in_deg[e.to] += 1;
        out_w[e.from] += e.weight;
        in_w[e.to] += e.weight;
    }
    let mut removed = vec![false; n];
    // Sequence positions: sources from the front (s1), sinks from the back (s2).
    let mut s1: Vec<usize> = Vec::with_capacity(n);
    let mut s2: Vec<usize> = Vec::new();
    let mut left = n;
    while left > 0 {
        let mut progressed = true;
        while progressed {
            progressed = false;
            for v in 0..n {
                if removed[v] {
                    continue;
                }
                if out_deg[v] == 0 {
                    s2.push(v);
                } else if in_deg[v] == 0 {
                    s1.push(v);
                } else {
                    continue;
                }
                remove(
                    v,
                    edges,
                    &outs,
                    &ins,
                    &removed,
                    (&mut out_deg, &mut in_deg),
                    (&mut out_w, &mut in_w),
                );
                removed[v] = true;
                left -= 1;
                progressed = true;
            }
        }
        if left == 0 {
            break;
        }
        // No source or sink: take the node whose outgoing weight most exceeds its incoming.
        let mut best: Option<usize> = None;
        for v in (0..n).filter(|&v| !removed[v]) {
            let better = match best {
                None => true,
                Some(b) => out_w[v] - in_w[v] > out_w[b] - in_w[b],
            };
            if better {
                best = Some(v);
            }
        }
        let Some(v) = best else { break };
        s1.push(v);
        remove(
            v,
            edges,
            &outs,
            &ins,
            &removed,
            (&mut out_deg, &mut in_deg),
            (&mut out_w, &mut in_w),
        );
        removed[v] = true;
        left -= 1;
    }
    let mut pos = vec![0usize; n];
    for (i, &v) in s1.iter().chain(s2.iter().rev()).enumerate() {
        pos[v] = i;
    }
    edges
        .iter()
        .map(|e| e.from != e.to && pos[e.from] > pos[e.to])
        .collect()
}

fn remove(
    v: usize,
    edges: &[WEdge],
    outs: &[Vec<usize>],
    ins: &[Vec<usize>],
    removed: &[bool],
    deg: (&mut [usize], &mut [usize]),
    w: (&mut [f64], &mut [f64]),
) {
    let (out_deg, in_deg) = deg;
    let (out_w, in_w) = w;
    for &k in &outs[v] {
        let t = edges[k].to;
        if !removed[t] {
            in_deg[t] -= 1;
            in_w[t] -= edges[k].weight;
        }
    }
    for &k in &ins[v] {
        let s = edges[k].from;
        if !removed[s] {
            out_deg[s] -= 1;
            out_w[s] -= edges[k].weight;
        }
    }
}

/// Layers for an acyclic graph (edges already oriented; self-loops ignored): every edge goes to a
/// strictly higher layer. `first` (a source) is put alone on layer 0 and `last` (a sink) alone on
/// the last layer when given. Layers are dense (no empty layer).
pub(crate) fn assign_layers(
    n: usize,
    edges: &[(usize, usize, f64)],
    first: Option<usize>,
    last: Option<usize>,
    max_passes: usize,
) -> Vec<usize> {
    let mut outs: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut in_deg = vec![0usize; n];
    for &(a, b, w) in edges {
        if a != b {
            outs[a].push((b, w));
            ins[b].push((a, w));
            in_deg[b] += 1;
        }
    }
    // Kahn's topological order, smallest index first among the ready nodes.
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&v| in_deg[v] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(v)) = ready.pop() {
        topo.push(v);
        for &(t, _) in &outs[v] {
            in_deg[t] -= 1;
            if in_deg[t] == 0 {
                ready.push(std::cmp::Reverse(t));
            }
        }
    }
    // A cycle (caller error) leaves nodes out: append them so every node gets a layer.
    if topo.len() < n {
        let mut seen = vec![false; n];
        for &v in &topo {
            seen[v] = true;
        }
        topo.extend((0..n).filter(|&v| !seen[v]));
    }
    let mut layer = vec![0usize; n];
    for &v in &topo {
        for &(t, _) in &outs[v] {
            layer[t] = layer[t].max(layer[v] + 1);
        }
    }
    // Tighten: move each node within its feasible range toward its heavier side.
    let top = layer.iter().copied().max().unwrap_or(0);
    for _ in 0..max_passes {
        let mut moved = false;
        for &v in topo.iter().rev() {
            let lo = ins[v].iter().map(|&(u, _)| layer[u] + 1).max();
            let hi = outs[v].iter().map(|&(t, _)| layer[t]).min().map(|m| m - 1);
            let w_in: f64 = ins[v].iter().map(|e| e.1).sum();
            let w_out: f64 = outs[v].iter().map(|e| e.1).sum();
            let target = if w_out > w_in {
                hi.unwrap_or(top)
            } else if w_in > w_out {
                lo.unwrap_or(0)
            } else {
                layer[v]
            };
            let target = target.clamp(lo.unwrap_or(0), hi.unwrap_or(top).max(lo.unwrap_or(0)));
            if target != layer[v] {
                layer[v] = target;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    if let Some(f) = first.filter(|&f| f < n && ins[f].is_empty()) {
        layer[f] = 0;
        if (0..n).any(|v| v != f && layer[v] == 0) {
            for (v, l) in layer.iter_mut().enumerate() {
                if v != f {
                    *l += 1;
                }
            }
        }
    }
    if let Some(l) = last.filter(|&l| l < n && outs[l].is_empty()) {
        let others = (0..n).filter(|&v| v != l).map(|v| layer[v]).max();
        layer[l] = others.map_or(0, |m| m + 1);
    }
    compact(&mut layer);
    layer
}

/// Renumber layers densely, keeping their order.
fn compact(layer: &mut [usize]) {
    let mut used: Vec<usize> = layer.to_vec();
    used.sort_unstable();
    used.dedup();
    for l in layer.iter_mut() {
        *l = used.binary_search(l).unwrap_or(0);
    }
}
