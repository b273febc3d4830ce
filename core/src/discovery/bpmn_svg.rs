//! The discovered model as an SVG picture, drawn in core so `spur discover -o MODEL.svg` and the
//! browser's Model card show the same drawing byte for byte. It uses the same layout as the BPMN
//! file's diagram interchange ([`super::bpmn_layout`]), so what the analyst sees here is what
//! bpmn.io shows when the downloaded `.bpmn` is opened.
//!
//! Shapes: start events are thin circles, end events thick ones, tasks rounded boxes with their
//! activity (long labels wrapped to two lines and cut), gateways diamonds with × (exclusive), a
//! plus (parallel) or ○ (inclusive); flows are polylines with an arrowhead. Hooks for tests and
//! styling: `data-activity` on a task's group, `data-kind` on every node
//! (`start`, `end`, `task`, `xor`, `and`, `or`, `other`), `class="flow"` on flows.

use super::bpmn::{Bpmn, BpmnKind};
use super::bpmn_layout::layout;
use super::marks::{ModelMarks, DEVIATION};
use crate::map::svg::{esc, FONT};
use std::fmt::Write as _;

/// Characters per label line in a task box (100 units wide at 11px).
const LINE_CHARS: usize = 15;

fn kind_name(kind: &BpmnKind) -> &'static str {
    match kind {
        BpmnKind::StartEvent => "start",
        BpmnKind::EndEvent => "end",
        BpmnKind::Task => "task",
        BpmnKind::ExclusiveGateway => "xor",
        BpmnKind::ParallelGateway => "and",
        BpmnKind::InclusiveGateway => "or",
        BpmnKind::Other(_) => "other",
    }
}

/// Split a label into at most two lines of [`LINE_CHARS`], breaking at a space when one is near
/// and ending the second line with … when the label is longer.
fn label_lines(label: &str) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= LINE_CHARS {
        return vec![label.to_string()];
    }
    let head: String = chars[..LINE_CHARS].iter().collect();
    let cut = head
        .rfind(' ')
        .filter(|&i| i >= LINE_CHARS / 2)
        .map_or(LINE_CHARS, |i| head[..i].chars().count());
    let first: String = chars[..cut].iter().collect();
    let rest: Vec<char> = chars[cut..]
        .iter()
        .copied()
        .skip_while(|c| *c == ' ')
        .collect();
    let second: String = if rest.len() > LINE_CHARS {
        let mut s: String = rest[..LINE_CHARS - 1].iter().collect();
        s.push('\u{2026}');
        s
    } else {
        rest.iter().collect()
    };
    vec![first, second]
}

/// Draw the diagram as a standalone SVG document (its own `viewBox`, no external styles).
pub fn render_bpmn_svg(b: &Bpmn) -> String {
    render_bpmn_svg_marked(b, &ModelMarks::default())
}

/// [`render_bpmn_svg`] with deviations marked: deviating tasks outlined and labelled with their
/// skips and out-of-place events, and a note naming deviating activities the diagram lacks.
pub fn render_bpmn_svg_marked(b: &Bpmn, marks: &ModelMarks) -> String {
    let lay = layout(b);
    let (max_x, max_y) = lay.extent();
    let mut note = String::new();
    let is_task = |a: &str| {
        b.nodes
            .iter()
            .any(|n| n.kind == BpmnKind::Task && n.name == a)
    };
    let note_h = marks.note(&mut note, &is_task, max_y + 24.0);
    let mut o = String::new();
    open_svg(
        &mut o,
        "bpmn",
        "bpmn-arrow",
        max_x + 40.0,
        max_y + 40.0 + note_h,
    );
    for (f, pts) in b.flows.iter().zip(&lay.flows) {
        let points: Vec<String> = pts.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let _ = writeln!(
            o,
            "<polyline class=\"flow\" data-from=\"{}\" data-to=\"{}\" points=\"{}\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.5\" marker-end=\"url(#bpmn-arrow)\"/>",
            esc(&b.nodes[f.source].id),
            esc(&b.nodes[f.target].id),
            points.join(" ")
        );
    }
    for (n, r) in b.nodes.iter().zip(&lay.nodes) {
        let (cx, cy) = (r.x + r.width / 2.0, r.y + r.height / 2.0);
        let kind = kind_name(&n.kind);
        let _ = write!(
            o,
            "<g class=\"node\" data-kind=\"{kind}\" data-id=\"{}\"",
            esc(&n.id)
        );
        if n.kind == BpmnKind::Task {
            let _ = write!(
                o,
                " data-activity=\"{}\"{}",
                esc(&n.name),
                marks.attributes(&n.name)
            );
        }
        o.push('>');
        let diamond = format!(
            "<polygon points=\"{cx},{} {},{cy} {cx},{} {},{cy}\" fill=\"#fff8e1\" stroke=\"#8a6d00\" stroke-width=\"1.5\"/>",
            r.y,
            r.x + r.width,
            r.y + r.height,
            r.x
        );
        match &n.kind {
            BpmnKind::StartEvent | BpmnKind::EndEvent | BpmnKind::Other(_) => {
                let stroke = if n.kind == BpmnKind::EndEvent {
                    3.5
                } else {
                    1.5
                };
                let _ = write!(
                    o,
                    "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"{stroke}\"/>",
                    r.width / 2.0
                );
            }
            BpmnKind::Task => {
                let (stroke, sw) = match marks.get(&n.name) {
                    Some(_) => (DEVIATION, 3.0),
                    None => ("#2b4c7e", 1.5),
                };
                let _ = write!(
                    o,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"10\" fill=\"#eef4ff\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
                    r.x, r.y, r.width, r.height
                );
                marks.badge(&mut o, &n.name, r.x, r.y, r.width);
                let lines = label_lines(&n.name);
                let top = cy - 7.0 * (lines.len() as f64 - 1.0) + 4.0;
                let _ = write!(o, "<title>{}</title>", esc(&n.name));
                for (i, line) in lines.iter().enumerate() {
                    let _ = write!(
                        o,
                        "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                        top + 14.0 * i as f64,
                        esc(line)
                    );
                }
            }
            BpmnKind::ExclusiveGateway => {
                o.push_str(&diamond);
                let d = r.width / 6.0;
                let _ = write!(
                    o,
                    "<path d=\"M{},{} L{},{} M{},{} L{},{}\" stroke=\"#222\" stroke-width=\"3\"/>",
                    cx - d,
                    cy - d,
                    cx + d,
                    cy + d,
                    cx + d,
                    cy - d,
                    cx - d,
                    cy + d
                );
            }
            BpmnKind::ParallelGateway => {
                o.push_str(&diamond);
                let d = r.width / 4.5;
                let _ = write!(
                    o,
                    "<path d=\"M{cx},{} L{cx},{} M{},{cy} L{},{cy}\" stroke=\"#222\" stroke-width=\"3\"/>",
                    cy - d,
                    cy + d,
                    cx - d,
                    cx + d
                );
            }
            BpmnKind::InclusiveGateway => {
                o.push_str(&diamond);
                let _ = write!(
                    o,
                    "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill=\"none\" stroke=\"#222\" stroke-width=\"2.5\"/>",
                    r.width / 5.0
                );
            }
        }
        o.push_str("</g>\n");
    }
    o.push_str(&note);
    o.push_str("</svg>\n");
    o
}

/// The `<svg>` element of a model picture `w` × `h` and its arrowhead marker `marker`: shared by
/// the BPMN and the Petri net pictures so they look alike.
pub(super) fn open_svg(o: &mut String, class: &str, marker: &str, w: f64, h: f64) {
    let _ = writeln!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"{FONT}\" font-size=\"11\">"
    );
    let _ = writeln!(
        o,
        "<defs><marker id=\"{marker}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_wrap_to_two_lines() {
        assert_eq!(label_lines("Pay"), vec!["Pay".to_string()]);
        let l = label_lines("Register the request at the front desk today");
        assert_eq!(l.len(), 2);
        assert!(l.iter().all(|s| s.chars().count() <= LINE_CHARS));
        assert!(l[1].ends_with('\u{2026}'));
    }
}
