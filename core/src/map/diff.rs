//! The directly-follows difference of two groups as one picture: the union of both groups'
//! edges, laid out with the map's Sugiyama layout, each edge coloured by how much more often the
//! cases of A contain it than the cases of B.
//!
//! The input is the `dfg` of a [`Comparison`](crate::toolkit::compare::Comparison) (the very
//! [`EdgeDifference`] rows `spur compare` prints), so the picture shows the CLI's numbers.
//! Tones: [`Tone::A`] (red) when `share_a − share_b ≥ similar`, [`Tone::B`] (blue) when it is
//! `≤ −similar`, else [`Tone::Similar`] (grey); the colour deepens with |difference|. The stroke
//! width follows the edge's larger share, the label gives both shares (`A 36% · B 0%`).
//! Beyond [`DiffOptions::max_edges`] edges, the half with the largest |difference| and then
//! the most frequent of the rest are drawn (the caller says how many were left out).
//!
//! SVG hooks: `<svg class="dfg-diff">`, edges `<g class="diff-edge tone-{a|b|same}"
//! data-from data-to data-share-a data-share-b data-diff data-tone>`, nodes
//! `<g class="node activity" data-activity>`. Cheap: linear in the edges plus the layout of a
//! graph of at most `max_edges` edges.

use super::layout::{layered, node_size, LayoutGraph, LayoutOptions, Point};
use super::model::NodeKind;
use super::svg::FONT;
use super::svg::{arrowhead, blend, esc, fit_label, num, path};
use crate::text::pct_label;
use crate::toolkit::compare::EdgeDifference;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// What [`dfg_diff`] draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiffOptions {
    /// Edges drawn at most (default 60).
    pub max_edges: usize,
    /// |share difference| below this is "similar" (default 0.05 = 5 percentage points).
    pub similar: f64,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            max_edges: 60,
            similar: 0.05,
        }
    }
}

/// Which group an edge leans to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// In a larger share of A's cases.
    A,
    /// In a larger share of B's cases.
    B,
    /// Within the `similar` band.
    Similar,
}

impl Tone {
    /// The tone of a share difference `A − B` (non-finite: similar).
    pub fn of(diff: f64, similar: f64) -> Tone {
        if diff.is_finite() && diff >= similar {
            Tone::A
        } else if diff.is_finite() && diff <= -similar {
            Tone::B
        } else {
            Tone::Similar
        }
    }

    /// `a`, `b` or `same` (the `data-tone` and class suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::A => "a",
            Tone::B => "b",
            Tone::Similar => "same",
        }
    }
}

/// One drawn edge: indices into [`DfgDiff::activities`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffEdge {
    pub from: usize,
    pub to: usize,
    pub share_a: f64,
    pub share_b: f64,
    /// `share_a − share_b`.
    pub diff: f64,
    pub tone: Tone,
    /// The stroke colour (`#rrggbb`).
    pub color: String,
    /// The stroke width.
    pub width: f64,
}

/// The drawn difference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DfgDiff {
    /// The activities of the drawn edges, by how often they occur in them (descending), then name.
    pub activities: Vec<String>,
    pub edges: Vec<DiffEdge>,
    /// Edges of the input (drawn or not).
    pub edges_total: usize,
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

const SIMILAR: &str = "#9aa5b1";

/// Select, colour, lay out and draw the edges (see the module documentation).
pub fn dfg_diff(edges: &[EdgeDifference], opts: &DiffOptions) -> DfgDiff {
    let similar = if opts.similar.is_finite() {
        opts.similar.max(0.0)
    } else {
        0.05
    };
    let chosen = select(edges, opts.max_edges);
    // Activities by weight in the drawn edges, then name.
    let mut weight: Vec<(&str, f64)> = Vec::new();
    for e in &chosen {
        for name in [e.from.as_str(), e.to.as_str()] {
            let w = e.share_a.max(e.share_b);
            match weight.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 += w,
                None => weight.push((name, w)),
            }
        }
    }
    weight.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    let activities: Vec<String> = weight.iter().map(|(n, _)| n.to_string()).collect();
    let index = |name: &str| activities.iter().position(|a| a == name).unwrap_or(0);
    let drawn: Vec<DiffEdge> = chosen
        .iter()
        .map(|e| {
            let diff = e.share_a - e.share_b;
            let tone = Tone::of(diff, similar);
            let t = diff.abs().clamp(0.0, 1.0).sqrt();
            let color = match tone {
                Tone::A => blend((226, 150, 140), (178, 24, 43), t),
                Tone::B => blend((150, 180, 226), (33, 102, 172), t),
                Tone::Similar => SIMILAR.to_string(),
            };
            let freq = e.share_a.max(e.share_b);
            let freq = if freq.is_finite() {
                freq.clamp(0.0, 1.0)
            } else {
                0.0
            };
            DiffEdge {
                from: index(&e.from),
                to: index(&e.to),
                share_a: e.share_a,
                share_b: e.share_b,
                diff,
                tone,
                color,
                width: 1.2 + 5.8 * freq.sqrt(),
            }
        })
        .collect();
    let graph = LayoutGraph {
        sizes: activities
            .iter()
            .map(|a| node_size(NodeKind::Activity, a))
            .collect(),
        edges: drawn
            .iter()
            .map(|e| (e.from, e.to, 0.2 + e.share_a.max(e.share_b).max(0.0)))
            .collect(),
        first: None,
        last: None,
        order_hint: None,
    };
    let layout = layered(&graph, &LayoutOptions::default());
    let svg = render(&activities, &drawn, &layout);
    DfgDiff {
        activities,
        edges: drawn,
        edges_total: edges.len(),
        svg,
        width: layout.width,
        height: layout.height,
    }
}

/// All edges when they fit; else the `max/2` largest differences (the input's order, which is
/// |difference| descending), then the most frequent of the rest.
fn select(edges: &[EdgeDifference], max: usize) -> Vec<&EdgeDifference> {
    if edges.len() <= max {
        return edges.iter().collect();
    }
    let mut by_diff: Vec<&EdgeDifference> = edges.iter().collect();
    by_diff.sort_by(|x, y| {
        y.share_diff
            .abs()
            .total_cmp(&x.share_diff.abs())
            .then_with(|| (&x.from, &x.to).cmp(&(&y.from, &y.to)))
    });
    let (first, rest) = by_diff.split_at(max / 2);
    let mut rest = rest.to_vec();
    rest.sort_by(|x, y| {
        y.share_a
            .max(y.share_b)
            .total_cmp(&x.share_a.max(x.share_b))
            .then_with(|| (&x.from, &x.to).cmp(&(&y.from, &y.to)))
    });
    first
        .iter()
        .copied()
        .chain(rest.into_iter().take(max - max / 2))
        .collect()
}

fn render(activities: &[String], edges: &[DiffEdge], layout: &super::Layout) -> String {
    let (w, h) = (num(layout.width), num(layout.height));
    let mut s = String::with_capacity(512 + 700 * (activities.len() + edges.len()));
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="dfg-diff" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}" font-size="12" role="img" aria-label="Directly-follows difference of A and B">
<rect class="background" width="{w}" height="{h}" fill="#ffffff"/>
<g class="edges">
"##
    );
    for (k, e) in edges.iter().enumerate() {
        let Some(route) = layout.edges.get(k) else {
            continue;
        };
        if route.points.len() < 2 {
            continue;
        }
        let (from, to) = (&activities[e.from], &activities[e.to]);
        let (d, tip, dir) = path(&route.points, route.self_loop, 7.0 + e.width);
        let label = format!(
            "A {} \u{b7} B {}",
            pct_label(e.share_a),
            pct_label(e.share_b)
        );
        let _ = write!(
            s,
            r#"<g class="diff-edge tone-{tone}" data-from="{f}" data-to="{t}" data-share-a="{sa}" data-share-b="{sb}" data-diff="{df}" data-tone="{tone}"><title>{f} → {t}: A {pa} of cases, B {pb} ({sign}{dp} points)</title><path d="{d}" fill="none" stroke="{c}" stroke-width="{sw}"/>{arrow}"#,
            tone = e.tone.as_str(),
            f = esc(from),
            t = esc(to),
            sa = e.share_a,
            sb = e.share_b,
            df = e.diff,
            pa = pct_label(e.share_a),
            pb = pct_label(e.share_b),
            sign = if e.diff > 0.0 { "+" } else { "" },
            dp = num(e.diff * 100.0),
            c = e.color,
            sw = num(e.width),
            arrow = arrowhead(tip, dir, e.width, &e.color),
        );
        let at = Point {
            x: route.label.x + if route.reversed { -5.0 } else { 5.0 },
            y: route.label.y + 4.0,
        };
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}"{} fill="#33414e" font-size="11" paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round">{}</text></g>"##,
            num(at.x),
            num(at.y),
            if route.reversed {
                r#" text-anchor="end""#
            } else {
                ""
            },
            esc(&label)
        );
    }
    s.push_str("</g>\n<g class=\"nodes\">\n");
    for (i, name) in activities.iter().enumerate() {
        let Some(b) = layout.nodes.get(i) else {
            continue;
        };
        let _ = writeln!(
            s,
            r##"<g class="node activity" data-activity="{n}"><title>{n}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="#eef3f8" stroke="#1e4f7f" stroke-width="1"/><text x="{cx}" y="{cy}" text-anchor="middle" fill="#1d2a36" font-weight="600">{shown}</text></g>"##,
            n = esc(name),
            x = num(b.x - b.width / 2.0),
            y = num(b.y - b.height / 2.0),
            w = num(b.width),
            h = num(b.height),
            cx = num(b.x),
            cy = num(b.y + 4.0),
            shown = esc(&fit_label(name, b.width)),
        );
    }
    s.push_str("</g>\n</svg>\n");
    s
}

#[cfg(test)]
mod tests;
