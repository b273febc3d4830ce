//! A layered (Sugiyama) layout, top to bottom, for process maps and any small directed graph.
//!
//! Steps: cycle removal and layering (`rank`), dummy vertices for long edges and crossing
//! reduction (`order`), horizontal placement (`place`), then vertical placement by layer
//! and edge routing here: each edge leaves its source's bottom and enters its target's top at a
//! port spread by the direction it goes, passes through its dummies, and reversed (back) edges
//! are routed along their oriented chain and turned around, so their arrows point up. Self-loops
//! get two points on the node's right side for the renderer's arc.
//!
//! Deterministic (no hashing, ties by index, no transcendental math) and bounded: the number of
//! sweeps shrinks with the size of the layered graph, and nothing recurses.

mod order;
mod place;
mod rank;

use super::model::{NodeKind, ProcessMap};
use serde::{Deserialize, Serialize};

/// A point in layout coordinates (y grows downward, as in SVG).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Where a node sits: its centre, size, layer and place in the layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeBox {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub layer: usize,
    pub order: usize,
}

/// How an edge is drawn: `points` from the source's border to the target's (through one point
/// per layer crossed), and where its label goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgeRoute {
    /// Empty only for an edge whose end is not a node of the graph.
    pub points: Vec<Point>,
    pub label: Point,
    /// Drawn against the layer direction (a back edge of a cycle).
    pub reversed: bool,
    /// From a node to itself: `points` are the two ends of the loop on the node's right side.
    pub self_loop: bool,
}

/// A laid-out graph: boxes and routes indexed like the input's nodes and edges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeBox>,
    pub edges: Vec<EdgeRoute>,
    /// Number of layers.
    pub layers: usize,
    /// Weighted crossings left after ordering (segments' weights multiplied).
    pub crossings: f64,
}

/// Spacing and effort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutOptions {
    /// Minimum horizontal space between two vertices of a layer.
    pub node_gap: f64,
    /// Vertical space between two layers.
    pub layer_gap: f64,
    /// Space around the drawing.
    pub margin: f64,
    /// Width reserved for an edge passing through a layer.
    pub dummy_width: f64,
    /// Upper bound on crossing-reduction sweeps (fewer on large graphs).
    pub max_sweeps: usize,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            node_gap: 28.0,
            layer_gap: 64.0,
            margin: 24.0,
            dummy_width: 16.0,
            max_sweeps: 24,
        }
    }
}

/// The input of [`layered`]: node sizes, weighted edges, and optionally a node to put alone on
/// top (a source) and one alone at the bottom (a sink).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayoutGraph {
    /// `(width, height)` per node.
    pub sizes: Vec<(f64, f64)>,
    /// `(from, to, weight)`; out-of-range ends get an empty route.
    pub edges: Vec<(usize, usize, f64)>,
    pub first: Option<usize>,
    pub last: Option<usize>,
    /// A preferred top-to-bottom order (one finite key per node): edges against it are the
    /// reversed ones. Without it (or if malformed) a greedy feedback arc set decides.
    pub order_hint: Option<Vec<f64>>,
}

/// Space right of a node for its self-loop.
const LOOP_ROOM: f64 = 34.0;
/// Average glyph width of the 12 px label font, for node sizing.
pub const CHAR_WIDTH: f64 = 7.0;
/// Horizontal padding inside an activity box.
pub const NODE_PADDING: f64 = 28.0;

/// The size of a map node: activities fit their label (within bounds), start/end are circles.
pub fn node_size(kind: NodeKind, label: &str) -> (f64, f64) {
    match kind {
        NodeKind::Start | NodeKind::End => (28.0, 28.0),
        NodeKind::Activity => {
            let chars = label.chars().count() as f64;
            ((chars * CHAR_WIDTH + NODE_PADDING).clamp(96.0, 250.0), 46.0)
        }
    }
}

/// Lay out a process map: node sizes from labels, edge weights from frequencies, start on top
/// and end at the bottom.
pub fn layout_map(map: &ProcessMap, opts: &LayoutOptions) -> Layout {
    let graph = LayoutGraph {
        sizes: map
            .nodes
            .iter()
            .map(|n| node_size(n.kind, &n.label))
            .collect(),
        edges: map
            .edges
            .iter()
            .map(|e| (e.from, e.to, (e.count.max(1) as f64).sqrt()))
            .collect(),
        first: map.nodes.iter().position(|n| n.kind == NodeKind::Start),
        last: map.nodes.iter().position(|n| n.kind == NodeKind::End),
        order_hint: Some(map.nodes.iter().map(|n| n.position).collect()),
    };
    layered(&graph, opts)
}

/// Lay out any directed graph in layers, top to bottom.
pub fn layered(graph: &LayoutGraph, opts: &LayoutOptions) -> Layout {
    let n = graph.sizes.len();
    let sane = |v: f64, lo: f64| if v.is_finite() { v.max(lo) } else { lo };
    let size: Vec<(f64, f64)> = graph
        .sizes
        .iter()
        .map(|&(w, h)| (sane(w, 1.0).min(1e4), sane(h, 1.0).min(1e4)))
        .collect();
    let gap = sane(opts.node_gap, 0.0).min(1e4);
    let layer_gap = sane(opts.layer_gap, 0.0).min(1e4);
    let margin = sane(opts.margin, 0.0).min(1e4);
    let dummy_width = sane(opts.dummy_width, 1.0).min(1e4);
    // Valid, non-loop edges take part in layering; their index in `graph.edges` is kept.
    let valid: Vec<usize> = (0..graph.edges.len())
        .filter(|&k| {
            let (a, b, _) = graph.edges[k];
            a < n && b < n && a != b
        })
        .collect();
    let wedges: Vec<rank::WEdge> = valid
        .iter()
        .map(|&k| {
            let (a, b, w) = graph.edges[k];
            rank::WEdge {
                from: a,
                to: b,
                weight: if w.is_finite() && w > 0.0 { w } else { 1.0 },
            }
        })
        .collect();
    let reversed = match &graph.order_hint {
        Some(h) if h.len() == n && h.iter().all(|k| k.is_finite()) => wedges
            .iter()
            .map(|e| (h[e.from], e.from) > (h[e.to], e.to))
            .collect(),
        _ => rank::feedback_arcs(n, &wedges),
    };
    let oriented: Vec<(usize, usize, f64)> = wedges
        .iter()
        .zip(&reversed)
        .map(|(e, &r)| {
            if r {
                (e.to, e.from, e.weight)
            } else {
                (e.from, e.to, e.weight)
            }
        })
        .collect();
    let layer_of = rank::assign_layers(n, &oriented, graph.first, graph.last, 32);
    let mut g = order::Layered::new(n, &layer_of, &oriented);
    let work = g.layer.len() + g.down.iter().map(Vec::len).sum::<usize>();
    let sweeps = (4_000_000 / work.max(1)).clamp(2, opts.max_sweeps.max(2));
    g.reduce_crossings(sweeps);
    let mut pos = vec![0usize; g.layer.len()];
    for layer in &g.layers {
        for (i, &v) in layer.iter().enumerate() {
            pos[v] = i;
        }
    }
    let crossings = g.crossings(&pos);

    let has_loop: Vec<bool> = {
        let mut l = vec![false; n];
        for &(a, b, _) in &graph.edges {
            if a == b && a < n {
                l[a] = true;
            }
        }
        l
    };
    let width: Vec<f64> = (0..g.layer.len())
        .map(|v| {
            if v < n {
                size[v].0 + if has_loop[v] { 2.0 * LOOP_ROOM } else { 0.0 }
            } else {
                dummy_width
            }
        })
        .collect();
    let place_sweeps = (2_000_000 / work.max(1)).clamp(2, 12);
    let x = place::place_x(&g, &width, gap, gap * 0.4, place_sweeps);
    // Vertical: each layer as tall as its tallest real node.
    let mut layer_y = Vec::with_capacity(g.layers.len());
    let mut top = margin;
    for layer in &g.layers {
        let h = layer
            .iter()
            .filter(|&&v| v < n)
            .map(|&v| size[v].1)
            .fold(0.0, f64::max);
        layer_y.push(top + h / 2.0);
        top += h + layer_gap;
    }
    let y = |v: usize| layer_y[g.layer[v]];
    let nodes: Vec<NodeBox> = (0..n)
        .map(|v| NodeBox {
            x: x[v] + margin,
            y: y(v),
            width: size[v].0,
            height: size[v].1,
            layer: g.layer[v],
            order: pos[v],
        })
        .collect();
    let (out_port, in_port) = ports(&g, &x, &valid, &size);
    let mut edges: Vec<EdgeRoute> = graph
        .edges
        .iter()
        .map(|&(a, b, _)| {
            let at = |v: usize| {
                nodes.get(v).map_or(Point { x: 0.0, y: 0.0 }, |nb| Point {
                    x: nb.x + nb.width / 2.0,
                    y: nb.y,
                })
            };
            let self_loop = a == b && a < n;
            let right = at(a);
            let h = nodes.get(a).map_or(0.0, |nb| nb.height / 4.0);
            EdgeRoute {
                points: if self_loop {
                    vec![
                        Point {
                            x: right.x,
                            y: right.y - h,
                        },
                        Point {
                            x: right.x,
                            y: right.y + h,
                        },
                    ]
                } else {
                    Vec::new()
                },
                label: Point {
                    x: right.x + LOOP_ROOM * 0.8,
                    y: right.y,
                },
                reversed: false,
                self_loop,
            }
        })
        .collect();
    for (i, &k) in valid.iter().enumerate() {
        let chain = &g.chains[i];
        if chain.len() < 2 {
            continue;
        }
        let (first, last) = (chain[0], chain[chain.len() - 1]);
        let mut pts = vec![Point {
            x: x[first] + margin + out_port[i],
            y: y(first) + size[first].1 / 2.0,
        }];
        pts.extend(chain[1..chain.len() - 1].iter().map(|&d| Point {
            x: x[d] + margin,
            y: y(d),
        }));
        pts.push(Point {
            x: x[last] + margin + in_port[i],
            y: y(last) - size[last].1 / 2.0,
        });
        let label = if chain.len() > 2 {
            pts[pts.len() / 2]
        } else {
            Point {
                x: (pts[0].x + pts[1].x) / 2.0,
                y: (pts[0].y + pts[1].y) / 2.0,
            }
        };
        if reversed[i] {
            pts.reverse();
        }
        edges[k] = EdgeRoute {
            points: pts,
            label,
            reversed: reversed[i],
            self_loop: false,
        };
    }
    let right = (0..g.layer.len())
        .map(|v| x[v] + width[v] / 2.0)
        .fold(0.0, f64::max);
    Layout {
        width: right + 2.0 * margin,
        height: (top - layer_gap + margin).max(2.0 * margin),
        nodes,
        edges,
        layers: g.layers.len(),
        crossings,
    }
}

/// Horizontal offsets from the node centre where each valid edge leaves its upper end and enters
/// its lower end: a node's edges are spread over the middle of its side, ordered by where the
/// other end lies, so edges of one node do not cross at the node.
fn ports(
    g: &order::Layered,
    x: &[f64],
    valid: &[usize],
    size: &[(f64, f64)],
) -> (Vec<f64>, Vec<f64>) {
    let n = size.len();
    let mut outs: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    for i in 0..valid.len() {
        let c = &g.chains[i];
        if c.len() >= 2 {
            outs[c[0]].push((x[c[1]], i));
            ins[c[c.len() - 1]].push((x[c[c.len() - 2]], i));
        }
    }
    let spread = |lists: &mut [Vec<(f64, usize)>], out: &mut [f64]| {
        for (v, list) in lists.iter_mut().enumerate() {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let m = list.len() as f64;
            let span = size[v].0 * 0.7;
            for (k, &(_, i)) in list.iter().enumerate() {
                out[i] = ((k as f64 + 1.0) / (m + 1.0) - 0.5) * span;
            }
        }
    };
    let (mut o, mut p) = (vec![0.0; valid.len()], vec![0.0; valid.len()]);
    spread(&mut outs, &mut o);
    spread(&mut ins, &mut p);
    (o, p)
}
