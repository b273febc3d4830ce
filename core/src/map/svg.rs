//! The process map as a standalone SVG document, the same bytes in the browser and from
//! `spur map`.
//!
//! Activities are rounded boxes shaded by frequency, start and end are circles, paths are smooth
//! curves (vertical tangents through the layout's points) whose thickness follows the view's
//! number, with an arrowhead drawn as a polygon (no shared `<marker>` ids, so several maps can sit
//! in one page) and a label with the count or a duration in human units. Every node and edge is a
//! `<g>` with stable `id` and `data-*` attributes for clicks and tests:
//! nodes `class="node" data-node="{id}" data-count` (+ `data-activity="{name}"`), edges
//! `class="edge" data-from="{node id}" data-to="{node id}" data-count`. All text is XML-escaped.

use super::layout::{Layout, Point, CHAR_WIDTH, NODE_PADDING};
use super::marks::{MapMarks, DEVIATION};
use super::model::{MapView, NodeKind, ProcessMap};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct SvgOptions {
    /// Frequency or a duration on the paths.
    pub view: MapView,
    /// Leave out the path labels (cleaner on very dense maps).
    pub hide_edge_labels: bool,
}

/// The font stack of every SVG core draws (maps, charts, models), so they look alike.
pub(crate) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const EDGE_FREQ: &str = "#4a5d70";
const EDGE_PERF: &str = "#b4462b";
const EDGE_NONE: &str = "#aab4be";

/// Render `map` at the positions of `layout` (which must come from the same map; nodes or
/// edges missing from it are left out).
pub fn render_svg(map: &ProcessMap, layout: &Layout, opts: &SvgOptions) -> String {
    render_svg_marked(map, layout, opts, &MapMarks::default())
}

/// [`render_svg`] with a conformance check's deviations drawn: deviating paths in red with
/// their moves in the label and `data-log-moves`/`data-model-moves`, deviating activities
/// outlined in red.
pub fn render_svg_marked(
    map: &ProcessMap,
    layout: &Layout,
    opts: &SvgOptions,
    marks: &MapMarks,
) -> String {
    let mut s = String::with_capacity(512 + 600 * (map.nodes.len() + map.edges.len()));
    let (w, h) = (num(layout.width), num(layout.height));
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="spur-map" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="{FONT}" font-size="12" role="img" aria-label="Process map">
<rect class="background" width="{w}" height="{h}" fill="#ffffff"/>
<g class="edges">
"##
    );
    let max_value = map
        .edges
        .iter()
        .filter_map(|e| e.value(opts.view))
        .fold(0.0f64, f64::max);
    for (k, e) in map.edges.iter().enumerate() {
        let (Some(route), Some(from), Some(to)) = (
            layout.edges.get(k),
            map.nodes.get(e.from),
            map.nodes.get(e.to),
        ) else {
            continue;
        };
        if route.points.len() < 2 {
            continue;
        }
        let value = e.value(opts.view);
        let (color, width, dash) = match value {
            Some(v) if max_value > 0.0 => {
                let t = (v.max(0.0) / max_value).sqrt();
                let c = if opts.view == MapView::Frequency {
                    EDGE_FREQ
                } else {
                    EDGE_PERF
                };
                (c, 1.2 + 5.8 * t, "")
            }
            Some(_) => (EDGE_FREQ, 1.2, ""),
            None => (EDGE_NONE, 1.0, r#" stroke-dasharray="4 3""#),
        };
        let mut label = match (opts.view, value) {
            (MapView::Frequency, _) => format_count(e.count),
            (_, Some(v)) => human_duration(v),
            (_, None) => String::new(),
        };
        let deviation = marks.edge(from, to);
        let (color, width) = match deviation {
            Some((l, m)) => {
                label.push_str(&format!(" \u{26a0} {}", format_count(l + m)));
                (DEVIATION, width.max(2.5))
            }
            None => (color, width),
        };
        let (d, tip, dir) = path(&route.points, route.self_loop, 7.0 + width);
        let _ = write!(
            s,
            r#"<g class="edge{rev}" id="e-{fi}-{ti}" data-from="{fi}" data-to="{ti}" data-count="{count}"{dev}>"#,
            rev = if route.reversed { " back" } else { "" },
            fi = esc(&from.id),
            ti = esc(&to.id),
            count = e.count,
            dev = moves_attributes(deviation),
        );
        let _ = write!(
            s,
            "<title>{} \u{2192} {}: {}",
            esc(&from.label),
            esc(&to.label),
            format_count(e.count)
        );
        for (name, v) in [
            ("mean", e.mean_s),
            ("median", e.median_s),
            ("total", e.total_s),
        ] {
            if let Some(v) = v {
                let _ = write!(s, ", {name} {}", human_duration(v));
            }
        }
        if let Some((l, m)) = deviation {
            let _ = write!(
                s,
                "; deviations: {} out of place, {} skipped",
                format_count(l),
                format_count(m)
            );
        }
        let _ = write!(
            s,
            r#"</title><path d="{d}" fill="none" stroke="{color}" stroke-width="{}"{dash}/>"#,
            num(width)
        );
        s.push_str(&arrowhead(tip, dir, width, color));
        if !opts.hide_edge_labels && !label.is_empty() {
            let _ = write!(
                s,
                r##"<text x="{}" y="{}"{} fill="#33414e" font-size="11" paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round">{}</text>"##,
                // Back edges label on their left, so a pair a→b, b→a keeps both readable.
                num(route.label.x + if route.reversed { -5.0 } else { 5.0 }),
                num(route.label.y + 4.0),
                if route.reversed {
                    r#" text-anchor="end""#
                } else {
                    ""
                },
                esc(&label)
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n<g class=\"nodes\">\n");
    let max_count = map
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Activity)
        .map(|n| n.count)
        .max()
        .unwrap_or(0);
    for (i, node) in map.nodes.iter().enumerate() {
        let Some(b) = layout.nodes.get(i) else {
            continue;
        };
        let id = esc(&node.id);
        match node.kind {
            NodeKind::Start | NodeKind::End => {
                let (fill, glyph) = if node.kind == NodeKind::Start {
                    (
                        "#3f8f5b",
                        format!("M{} {}l7 5l-7 5z", num(b.x - 3.0), num(b.y - 5.0)),
                    )
                } else {
                    (
                        "#b0413e",
                        format!("M{} {}h8v8h-8z", num(b.x - 4.0), num(b.y - 4.0)),
                    )
                };
                let _ = writeln!(
                    s,
                    r##"<g class="node {kind}" id="n-{id}" data-node="{id}" data-count="{c}"><title>{label}: {cases} cases</title><circle cx="{x}" cy="{y}" r="{r}" fill="{fill}"/><path d="{glyph}" fill="#ffffff"/></g>"##,
                    kind = if node.kind == NodeKind::Start {
                        "start"
                    } else {
                        "end"
                    },
                    c = node.count,
                    label = esc(&node.label),
                    cases = format_count(node.count),
                    x = num(b.x),
                    y = num(b.y),
                    r = num(b.width.min(b.height) / 2.0),
                );
            }
            NodeKind::Activity => {
                let t = if max_count > 0 {
                    (node.count as f64 / max_count as f64).sqrt()
                } else {
                    0.0
                };
                let fill = blend((232, 241, 250), (30, 90, 150), t);
                let ink = if t > 0.55 { "#ffffff" } else { "#1d2a36" };
                let shown = fit_label(&node.label, b.width);
                let deviation = marks.activity(&node.label);
                let (stroke, sw) = match deviation {
                    Some(_) => (DEVIATION, 3),
                    None => ("#1e4f7f", 1),
                };
                let _ = writeln!(
                    s,
                    r##"<g class="node activity" id="n-{id}" data-node="{id}" data-activity="{name}" data-count="{c}"{dev}><title>{name}: {count} events{why}</title><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/><text x="{cx}" y="{ly}" text-anchor="middle" fill="{ink}" font-weight="600">{shown}</text><text x="{cx}" y="{cy}" text-anchor="middle" fill="{ink}" font-size="11">{count}</text></g>"##,
                    name = esc(&node.label),
                    c = node.count,
                    count = format_count(node.count),
                    dev = moves_attributes(deviation),
                    why = deviation.map_or(String::new(), |(l, m)| format!(
                        "; deviations: {} out of place, {} skipped",
                        format_count(l),
                        format_count(m)
                    )),
                    x = num(b.x - b.width / 2.0),
                    y = num(b.y - b.height / 2.0),
                    w = num(b.width),
                    h = num(b.height),
                    cx = num(b.x),
                    ly = num(b.y - 3.0),
                    cy = num(b.y + 13.0),
                    shown = esc(&shown),
                );
            }
        }
    }
    s.push_str("</g>\n</svg>\n");
    s
}

/// The arrowhead polygon of an edge `width` wide whose path ends at `tip` going `dir`.
pub(super) fn arrowhead(tip: Point, dir: (f64, f64), width: f64, color: &str) -> String {
    let (aw, al) = (3.5 + width * 0.7, 7.0 + width);
    let (px, py) = (-dir.1, dir.0);
    let base = (tip.x - dir.0 * al, tip.y - dir.1 * al);
    format!(
        r#"<polygon points="{},{} {},{} {},{}" fill="{color}"/>"#,
        num(tip.x),
        num(tip.y),
        num(base.0 + px * aw),
        num(base.1 + py * aw),
        num(base.0 - px * aw),
        num(base.1 - py * aw),
    )
}

/// The SVG path of a route, shortened at the end by `arrow` for the arrowhead; returns the path,
/// the arrow's tip and its unit direction.
pub(super) fn path(p: &[Point], self_loop: bool, arrow: f64) -> (String, Point, (f64, f64)) {
    let mut d = String::new();
    let (a, b) = (p[0], p[p.len() - 1]);
    if self_loop {
        let (c1, c2) = ((a.x + 42.0, a.y - 16.0), (b.x + 42.0, b.y + 16.0));
        let dir = unit(b.x - c2.0, b.y - c2.1);
        let end = (b.x - dir.0 * arrow, b.y - dir.1 * arrow);
        let _ = write!(
            d,
            "M{} {}C{} {} {} {} {} {}",
            num(a.x),
            num(a.y),
            num(c1.0),
            num(c1.1),
            num(c2.0),
            num(c2.1),
            num(end.0),
            num(end.1)
        );
        return (d, b, dir);
    }
    let _ = write!(d, "M{} {}", num(a.x), num(a.y));
    let dir = if b.y >= p[p.len() - 2].y {
        (0.0, 1.0)
    } else {
        (0.0, -1.0)
    };
    for (i, s) in p.windows(2).enumerate() {
        let (u, mut v) = (s[0], s[1]);
        if i + 2 == p.len() {
            v.y -= dir.1 * arrow.min((v.y - u.y).abs() * 0.5);
        }
        let dy = (v.y - u.y) / 2.0;
        let _ = write!(
            d,
            "C{} {} {} {} {} {}",
            num(u.x),
            num(u.y + dy),
            num(v.x),
            num(v.y - dy),
            num(v.x),
            num(v.y)
        );
    }
    (d, b, dir)
}

fn unit(x: f64, y: f64) -> (f64, f64) {
    let l = (x * x + y * y).sqrt();
    if l > 0.0 {
        (x / l, y / l)
    } else {
        (0.0, 1.0)
    }
}

pub(super) fn blend(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// A coordinate with one decimal (non-finite values become 0).
pub(super) fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{v:.1}");
    match s.strip_suffix(".0") {
        Some(int) if int != "-0" => int.to_string(),
        Some(_) => "0".into(),
        None => s,
    }
}

/// The label as it fits a box `width` wide (cut with an ellipsis).
pub(super) fn fit_label(label: &str, width: f64) -> String {
    let max = ((width - NODE_PADDING) / CHAR_WIDTH).floor().max(3.0) as usize;
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut s: String = label.chars().take(max - 1).collect();
    s.push('\u{2026}');
    s
}

/// Escape text and attribute values (`& < > " '`).
/// `data-log-moves`/`data-model-moves` of a deviating path or activity.
fn moves_attributes(moves: Option<(u64, u64)>) -> String {
    moves.map_or(String::new(), |(l, m)| {
        format!(r#" data-log-moves="{l}" data-model-moves="{m}""#)
    })
}

pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 forbids are dropped rather than breaking the document.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// `1234567` → `1,234,567`.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds in the largest fitting unit: `45 s`, `12 min`, `2.3 h`, `4 d`, `1.2 y` (one decimal
/// below 10).
pub fn human_duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "?".into();
    }
    let sign = if secs < 0.0 { "-" } else { "" };
    let a = secs.abs();
    let (v, unit) = if a < 60.0 {
        (a, "s")
    } else if a < 3600.0 {
        (a / 60.0, "min")
    } else if a < 86_400.0 {
        (a / 3600.0, "h")
    } else if a < 365.0 * 86_400.0 {
        (a / 86_400.0, "d")
    } else {
        (a / (365.0 * 86_400.0), "y")
    };
    let shown = if v < 9.95 {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
    } else {
        format!("{v:.0}")
    };
    format!("{sign}{shown} {unit}")
}
