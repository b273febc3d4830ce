//! The object-centric map: the OC-DFG of several object types in one picture, an edge colour per
//! type, as object-centric process mining tools draw it.
//!
//! The input is pm4py's OC-DFG ([`OcDfg`], exactly what `spur ocel ocdfg` prints), so the
//! picture shows the CLI's numbers. Each chosen type gets a start node (a pill with the type's
//! name) joined to its start activities and an end node joined from its end activities; its
//! directly-follows edges are drawn in its colour, labelled with the chosen measure (event
//! couples by default, pm4py's default). Activities are shared by every type. Parallel edges of
//! different types between the same two activities are drawn side by side. Beyond
//! [`OverlayOptions::max_edges`] edges of a type, its strongest are drawn and the caller is told
//! how many were left out (the start/end edges are always drawn).
//!
//! SVG hooks: `<svg class="ocdfg-map">`; edges `<g class="oc-edge" data-type data-from data-to
//! data-event-couples data-unique-objects data-total-objects>` (start/end edges carry
//! `data-kind="start|end"` and the activity's measures); activities `<g class="node activity"
//! data-activity data-events>`; type nodes `<g class="node type-start|type-end" data-type>`.

use super::layout::{layered, node_size, LayoutGraph, LayoutOptions, Point};
use super::model::NodeKind;
use super::svg::FONT;
use super::svg::{arrowhead, esc, fit_label, format_count, num, path};
use crate::ocel::ocdfg::{ActivityMeasures, OcDfg, OcTypeDfg};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Which of pm4py's three OC-DFG measures labels and weighs the edges.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OcMeasure {
    /// Distinct pairs of events (pm4py's default).
    #[default]
    EventCouples,
    /// Distinct objects that took the edge.
    UniqueObjects,
    /// Distinct (event, event, object) triples.
    TotalObjects,
}

impl OcMeasure {
    /// Parse `event_couples`, `unique_objects` or `total_objects` (also with `-`).
    pub fn parse(s: &str) -> Option<OcMeasure> {
        match s.trim().replace('-', "_").as_str() {
            "event_couples" | "ec" => Some(OcMeasure::EventCouples),
            "unique_objects" | "uo" => Some(OcMeasure::UniqueObjects),
            "total_objects" | "to" => Some(OcMeasure::TotalObjects),
            _ => None,
        }
    }

    /// How the legend names it.
    pub fn label(self) -> &'static str {
        match self {
            OcMeasure::EventCouples => "event couples",
            OcMeasure::UniqueObjects => "unique objects",
            OcMeasure::TotalObjects => "total objects",
        }
    }
}

/// What [`overlay`] draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OverlayOptions {
    /// Object types to draw; empty: every type. A type's colour is fixed by its place in the
    /// OC-DFG, so it does not change when other types are shown or hidden.
    pub types: Vec<String>,
    pub measure: OcMeasure,
    /// Directly-follows edges drawn at most per type (default 40).
    pub max_edges: usize,
}

impl Default for OverlayOptions {
    fn default() -> Self {
        OverlayOptions {
            types: Vec::new(),
            measure: OcMeasure::default(),
            max_edges: 40,
        }
    }
}

/// One drawn object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverlayType {
    pub object_type: String,
    /// Its stroke colour (`#rrggbb`).
    pub color: String,
    /// Its directly-follows edges, drawn or not.
    pub edges_total: usize,
    pub edges_drawn: usize,
}

/// The drawn object-centric map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overlay {
    pub types: Vec<OverlayType>,
    /// Requested types the OC-DFG does not have.
    pub unknown_types: Vec<String>,
    /// Activities drawn.
    pub activities: usize,
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

/// Tableau 10: distinct hues that stay apart for colour-blind readers better than a rainbow.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The colour of the `k`-th object type of the OC-DFG.
pub fn type_color(k: usize) -> &'static str {
    PALETTE[k % PALETTE.len()]
}

enum Node<'a> {
    Activity(&'a str, u64),
    /// A type's start node, with its colour index.
    TypeStart(&'a str, usize),
    TypeEnd(&'a str, usize),
}

struct Edge<'a> {
    /// The type's colour index.
    ty: usize,
    type_name: &'a str,
    from: usize,
    to: usize,
    kind: &'static str,
    from_name: &'a str,
    to_name: &'a str,
    couples: u64,
    unique: u64,
    total: u64,
}

impl Edge<'_> {
    fn measure(&self, m: OcMeasure) -> u64 {
        match m {
            OcMeasure::EventCouples => self.couples,
            OcMeasure::UniqueObjects => self.unique,
            OcMeasure::TotalObjects => self.total,
        }
    }
}

/// Select, lay out and draw the chosen types' OC-DFG (see the module documentation).
/// `events` gives each activity's number of events in the whole log
/// ([`event_type_counts`](crate::ocel::stats::event_type_counts)), shown on its node; an
/// activity missing there shows the most any drawn type saw.
pub fn overlay(dfg: &OcDfg, events: &[(String, u64)], opts: &OverlayOptions) -> Overlay {
    let mut unknown_types = Vec::new();
    let chosen: Vec<&OcTypeDfg> = if opts.types.is_empty() {
        dfg.object_types.iter().collect()
    } else {
        let mut seen = Vec::new();
        for t in &opts.types {
            match dfg.object_types.iter().find(|d| &d.object_type == t) {
                Some(d) if !seen.iter().any(|s: &&OcTypeDfg| s.object_type == *t) => seen.push(d),
                Some(_) => {}
                None => unknown_types.push(t.clone()),
            }
        }
        seen
    };
    // Activities of the chosen types, with their events (below: the whole log's count).
    let mut act_events: BTreeMap<&str, u64> = BTreeMap::new();
    for d in &chosen {
        for a in &d.activities {
            let slot = act_events.entry(a.activity.as_str()).or_default();
            *slot = (*slot).max(a.events);
        }
    }
    for (name, n) in act_events.iter_mut() {
        if let Some((_, all)) = events.iter().find(|(a, _)| a == name) {
            *n = *all;
        }
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut act_index: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, events) in &act_events {
        act_index.insert(name, nodes.len());
        nodes.push(Node::Activity(name, *events));
    }
    let mut edges: Vec<Edge> = Vec::new();
    let mut types = Vec::new();
    let measure_of = |a: &ActivityMeasures| (a.events, a.unique_objects, a.total_objects);
    for (k, d) in chosen.iter().enumerate() {
        // A type keeps its colour whichever other types are chosen: its place in the OC-DFG.
        let hue = dfg
            .object_types
            .iter()
            .position(|t| t.object_type == d.object_type)
            .unwrap_or(k);
        let start = nodes.len();
        nodes.push(Node::TypeStart(&d.object_type, hue));
        let end = nodes.len();
        nodes.push(Node::TypeEnd(&d.object_type, hue));
        let at = |name: &str| act_index.get(name).copied();
        for a in &d.start_activities {
            if let Some(to) = at(&a.activity) {
                let (couples, unique, total) = measure_of(a);
                edges.push(Edge {
                    ty: hue,
                    type_name: &d.object_type,
                    from: start,
                    to,
                    kind: "start",
                    from_name: &d.object_type,
                    to_name: &a.activity,
                    couples,
                    unique,
                    total,
                });
            }
        }
        let mut df: Vec<Edge> = d
            .edges
            .iter()
            .filter_map(|e| {
                Some(Edge {
                    ty: hue,
                    type_name: &d.object_type,
                    from: at(&e.from)?,
                    to: at(&e.to)?,
                    kind: "df",
                    from_name: &e.from,
                    to_name: &e.to,
                    couples: e.event_couples,
                    unique: e.unique_objects,
                    total: e.total_objects,
                })
            })
            .collect();
        let edges_total = df.len();
        if df.len() > opts.max_edges {
            // Strongest first by the chosen measure; ties by name for a stable picture.
            df.sort_by(|x, y| {
                y.measure(opts.measure)
                    .cmp(&x.measure(opts.measure))
                    .then_with(|| (x.from_name, x.to_name).cmp(&(y.from_name, y.to_name)))
            });
            df.truncate(opts.max_edges);
        }
        let edges_drawn = df.len();
        edges.extend(df);
        for a in &d.end_activities {
            if let Some(from) = at(&a.activity) {
                let (couples, unique, total) = measure_of(a);
                edges.push(Edge {
                    ty: hue,
                    type_name: &d.object_type,
                    from,
                    to: end,
                    kind: "end",
                    from_name: &a.activity,
                    to_name: &d.object_type,
                    couples,
                    unique,
                    total,
                });
            }
        }
        types.push(OverlayType {
            object_type: d.object_type.clone(),
            color: type_color(hue).to_string(),
            edges_total,
            edges_drawn,
        });
    }
    let max_measure = edges
        .iter()
        .map(|e| e.measure(opts.measure))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let graph = LayoutGraph {
        sizes: nodes
            .iter()
            .map(|n| match n {
                Node::Activity(name, _) => node_size(NodeKind::Activity, name),
                Node::TypeStart(t, _) => (pill_width(t), 30.0),
                Node::TypeEnd(..) => (22.0, 22.0),
            })
            .collect(),
        edges: edges
            .iter()
            .map(|e| {
                let w = e.measure(opts.measure) as f64 / max_measure;
                (e.from, e.to, 0.2 + w.sqrt())
            })
            .collect(),
        first: None,
        last: None,
        order_hint: None,
    };
    let layout = layered(&graph, &LayoutOptions::default());
    let svg = render(&nodes, &edges, &layout, opts.measure, max_measure);
    Overlay {
        types,
        unknown_types,
        activities: act_events.len(),
        svg,
        width: layout.width,
        height: layout.height,
    }
}

fn pill_width(t: &str) -> f64 {
    (t.chars().count() as f64 * 7.0 + 24.0).clamp(60.0, 200.0)
}

fn render(
    nodes: &[Node],
    edges: &[Edge],
    layout: &super::Layout,
    measure: OcMeasure,
    max_measure: f64,
) -> String {
    let (w, h) = (num(layout.width), num(layout.height));
    let mut s = String::with_capacity(512 + 600 * (nodes.len() + edges.len()));
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="ocdfg-map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}" font-size="12" role="img" aria-label="Object-centric directly-follows map ({m})">
<rect class="background" width="{w}" height="{h}" fill="#ffffff"/>
<g class="edges">
"##,
        m = measure.label()
    );
    // Parallel edges (same two nodes, different types) side by side.
    let mut siblings: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (k, e) in edges.iter().enumerate() {
        let key = (e.from.min(e.to), e.from.max(e.to));
        siblings.entry(key).or_default().push(k);
    }
    let mut offset = vec![0.0f64; edges.len()];
    for group in siblings.values() {
        let n = group.len() as f64;
        for (i, &k) in group.iter().enumerate() {
            offset[k] = (i as f64 - (n - 1.0) / 2.0) * 6.0;
        }
    }
    for (k, e) in edges.iter().enumerate() {
        let Some(route) = layout.edges.get(k) else {
            continue;
        };
        if route.points.len() < 2 {
            continue;
        }
        let points: Vec<Point> = route
            .points
            .iter()
            .map(|p| Point {
                x: p.x + offset[k],
                y: p.y,
            })
            .collect();
        let value = e.measure(measure);
        let width = 1.0 + 4.0 * (value as f64 / max_measure).sqrt();
        let color = type_color(e.ty);
        let (d, tip, dir) = path(&points, route.self_loop, 7.0 + width);
        let title = match e.kind {
            "start" => format!(
                "{} objects start at {}: {} events, {} objects",
                e.from_name,
                e.to_name,
                format_count(e.couples),
                format_count(e.unique)
            ),
            "end" => format!(
                "{} objects end at {}: {} events, {} objects",
                e.to_name,
                e.from_name,
                format_count(e.couples),
                format_count(e.unique)
            ),
            _ => format!(
                "{} → {} ({}): {} event couples, {} unique objects, {} total objects",
                e.from_name,
                e.to_name,
                e.type_name,
                format_count(e.couples),
                format_count(e.unique),
                format_count(e.total)
            ),
        };
        let _ = write!(
            s,
            r#"<g class="oc-edge" data-kind="{kind}" data-type="{ty}" data-from="{f}" data-to="{t}" data-event-couples="{c}" data-unique-objects="{u}" data-total-objects="{to}"><title>{title}</title><path d="{d}" fill="none" stroke="{color}" stroke-width="{sw}" stroke-opacity="0.85"/>{arrow}"#,
            kind = e.kind,
            ty = esc(e.type_name),
            f = esc(e.from_name),
            t = esc(e.to_name),
            c = e.couples,
            u = e.unique,
            to = e.total,
            title = esc(&title),
            sw = num(width),
            arrow = arrowhead(tip, dir, width, color),
        );
        let at = Point {
            x: route.label.x + offset[k] + if route.reversed { -5.0 } else { 5.0 },
            y: route.label.y + 4.0,
        };
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}"{} fill="{color}" font-size="11" font-weight="600" paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round">{}</text></g>"##,
            num(at.x),
            num(at.y),
            if route.reversed {
                r#" text-anchor="end""#
            } else {
                ""
            },
            format_count(value)
        );
    }
    s.push_str("</g>\n<g class=\"nodes\">\n");
    for (i, node) in nodes.iter().enumerate() {
        let Some(b) = layout.nodes.get(i) else {
            continue;
        };
        match node {
            Node::Activity(name, events) => {
                let _ = writeln!(
                    s,
                    r##"<g class="node activity" data-activity="{n}" data-events="{events}"><title>{n}: {c} events</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#f4f6f8" stroke="#33414e" stroke-width="1"/><text x="{cx}" y="{ty}" text-anchor="middle" fill="#1d2a36" font-weight="600">{shown}</text><text x="{cx}" y="{cy}" text-anchor="middle" fill="#5b6b7a" font-size="11">{c}</text></g>"##,
                    n = esc(name),
                    c = format_count(*events),
                    x = num(b.x - b.width / 2.0),
                    y = num(b.y - b.height / 2.0),
                    w = num(b.width),
                    h = num(b.height),
                    cx = num(b.x),
                    ty = num(b.y - 2.0),
                    cy = num(b.y + 13.0),
                    shown = esc(&fit_label(name, b.width)),
                );
            }
            Node::TypeStart(t, hue) => {
                let color = type_color(*hue);
                let _ = writeln!(
                    s,
                    r##"<g class="node type-start" data-type="{n}"><title>{n} objects start here</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="15" fill="{color}"/><text x="{cx}" y="{cy}" text-anchor="middle" fill="#ffffff" font-weight="700">{n}</text></g>"##,
                    n = esc(t),
                    x = num(b.x - b.width / 2.0),
                    y = num(b.y - b.height / 2.0),
                    w = num(b.width),
                    h = num(b.height),
                    cx = num(b.x),
                    cy = num(b.y + 4.0),
                );
            }
            Node::TypeEnd(t, hue) => {
                let color = type_color(*hue);
                let _ = writeln!(
                    s,
                    r##"<g class="node type-end" data-type="{n}"><title>{n} objects end here</title><circle cx="{cx}" cy="{cy}" r="10" fill="#ffffff" stroke="{color}" stroke-width="3"/><circle cx="{cx}" cy="{cy}" r="5" fill="{color}"/></g>"##,
                    n = esc(t),
                    cx = num(b.x),
                    cy = num(b.y),
                );
            }
        }
    }
    s.push_str("</g>\n</svg>\n");
    s
}

#[cfg(test)]
mod tests;
