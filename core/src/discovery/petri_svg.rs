//! A Petri net as an SVG picture, for models the analyst uploads as PNML (a discovered model is
//! drawn as BPMN, [`super::render_bpmn_svg`]). It borrows the BPMN picture's left-to-right
//! layered layout ([`super::bpmn_layout`]): places stand in as events (the initial marking's as
//! start events, so layering begins there), transitions as tasks (silent ones as gateway-sized
//! slots), arcs as flows. Shapes follow the usual notation: places are circles (a token dot in
//! the initial marking, a double ring in the final one), visible transitions labelled boxes,
//! silent transitions filled black bars. Deviations from a check mark the transitions of the
//! deviating activities ([`ModelMarks`]).
//!
//! Hooks: `data-kind` `place` / `transition` / `silent` on each node's group, `data-activity` on
//! visible transitions, `class="arc"` on arcs.

use super::bpmn::{Bpmn, BpmnFlow, BpmnKind, BpmnNode, GatewayDirection};
use super::bpmn_layout::layout;
use super::bpmn_svg::open_svg;
use super::marks::{ModelMarks, DEVIATION};
use super::petri::{Arc, PetriNet};
use crate::map::svg::esc;
use std::fmt::Write as _;

/// The net as a diagram the BPMN layout understands: places first, then transitions.
fn as_diagram(net: &PetriNet) -> Bpmn {
    let initial = |p: usize| net.initial_marking.iter().any(|&(q, n)| q == p && n > 0);
    let fin = |p: usize| net.final_marking.iter().any(|&(q, n)| q == p && n > 0);
    let node = |id: String, name: String, kind: BpmnKind| BpmnNode {
        id,
        name,
        kind,
        direction: GatewayDirection::Unspecified,
    };
    let mut nodes: Vec<BpmnNode> = (0..net.places.len())
        .map(|p| {
            let kind = if initial(p) {
                BpmnKind::StartEvent
            } else if fin(p) {
                BpmnKind::EndEvent
            } else {
                BpmnKind::Other("place".into())
            };
            node(format!("p{p}"), net.places[p].name.clone(), kind)
        })
        .collect();
    nodes.extend(
        net.transitions
            .iter()
            .enumerate()
            .map(|(t, tr)| match &tr.label {
                Some(l) => node(format!("t{t}"), l.clone(), BpmnKind::Task),
                None => node(format!("t{t}"), tr.name.clone(), BpmnKind::ParallelGateway),
            }),
    );
    let np = net.places.len();
    let valid = |p: usize, t: usize| p < np && t < net.transitions.len();
    let flows = net
        .arcs
        .iter()
        .enumerate()
        .filter_map(|(k, a)| {
            let (source, target) = match *a {
                Arc::In {
                    place, transition, ..
                } => valid(place, transition).then_some((place, np + transition))?,
                Arc::Out {
                    transition, place, ..
                } => valid(place, transition).then_some((np + transition, place))?,
            };
            Some(BpmnFlow {
                id: format!("a{k}"),
                source,
                target,
            })
        })
        .collect();
    Bpmn {
        process_id: net.name.clone(),
        nodes,
        flows,
    }
}

/// Draw `net` as a standalone SVG document, deviations marked.
pub fn render_petri_svg(net: &PetriNet, marks: &ModelMarks) -> String {
    let d = as_diagram(net);
    let lay = layout(&d);
    let (max_x, max_y) = lay.extent();
    let mut note = String::new();
    let has = |a: &str| {
        net.transitions
            .iter()
            .any(|t| t.label.as_deref() == Some(a))
    };
    let note_h = marks.note(&mut note, &has, max_y + 24.0);
    let mut o = String::new();
    open_svg(
        &mut o,
        "petri-net",
        "pn-arrow",
        max_x + 40.0,
        max_y + 40.0 + note_h,
    );
    for (f, pts) in d.flows.iter().zip(&lay.flows) {
        let points: Vec<String> = pts.iter().map(|(x, y)| format!("{x},{y}")).collect();
        let _ = writeln!(
            o,
            "<polyline class=\"arc\" data-from=\"{}\" data-to=\"{}\" points=\"{}\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.3\" marker-end=\"url(#pn-arrow)\"/>",
            esc(&d.nodes[f.source].id),
            esc(&d.nodes[f.target].id),
            points.join(" ")
        );
    }
    for (n, r) in d.nodes.iter().zip(&lay.nodes) {
        let (cx, cy) = (r.x + r.width / 2.0, r.y + r.height / 2.0);
        match n.kind {
            BpmnKind::Task => {
                let (stroke, sw) = match marks.get(&n.name) {
                    Some(_) => (DEVIATION, 3.0),
                    None => ("#2b4c7e", 1.5),
                };
                let _ = write!(
                    o,
                    "<g class=\"node\" data-kind=\"transition\" data-id=\"{}\" data-activity=\"{}\"{}><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#eef4ff\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>",
                    esc(&n.id),
                    esc(&n.name),
                    marks.attributes(&n.name),
                    esc(&n.name),
                    r.x,
                    r.y + 15.0,
                    r.width,
                    r.height - 30.0
                );
                let label: String = if n.name.chars().count() > 16 {
                    n.name.chars().take(15).chain(['\u{2026}']).collect()
                } else {
                    n.name.clone()
                };
                let _ = write!(
                    o,
                    "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    cy + 4.0,
                    esc(&label)
                );
                marks.badge(&mut o, &n.name, r.x, r.y + 15.0, r.width);
            }
            BpmnKind::ParallelGateway => {
                let _ = write!(
                    o,
                    "<g class=\"node\" data-kind=\"silent\" data-id=\"{}\"><title>{} (silent)</title><rect x=\"{}\" y=\"{}\" width=\"12\" height=\"{}\" fill=\"#222\"/>",
                    esc(&n.id),
                    esc(&n.name),
                    cx - 6.0,
                    r.y,
                    r.height
                );
            }
            _ => {
                let rr = r.width / 2.0;
                let _ = write!(
                    o,
                    "<g class=\"node\" data-kind=\"place\" data-id=\"{}\"><title>{}</title><circle cx=\"{cx}\" cy=\"{cy}\" r=\"{rr}\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"1.5\"/>",
                    esc(&n.id),
                    esc(&n.name)
                );
                match n.kind {
                    BpmnKind::StartEvent => {
                        let _ =
                            write!(o, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"5\" fill=\"#222\"/>");
                    }
                    BpmnKind::EndEvent => {
                        let _ = write!(
                            o,
                            "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{}\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>",
                            rr - 5.0
                        );
                    }
                    _ => {}
                }
            }
        }
        o.push_str("</g>\n");
    }
    o.push_str(&note);
    o.push_str("</svg>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{tree_to_net, ProcessTree};

    #[test]
    fn every_place_transition_and_arc_is_drawn_and_deviations_are_marked() {
        let net = tree_to_net(&ProcessTree::parse("->( 'a', X( 'b', tau ), 'c' )").unwrap());
        let marks = ModelMarks::new([("b", 0, 3), ("x", 2, 0)]);
        let svg = render_petri_svg(&net, &marks);
        let count = |needle: &str| svg.matches(needle).count();
        assert_eq!(count("data-kind=\"place\""), net.places.len());
        let visible = net.transitions.iter().filter(|t| t.label.is_some()).count();
        assert_eq!(count("data-kind=\"transition\""), visible);
        assert_eq!(
            count("data-kind=\"silent\""),
            net.transitions.len() - visible
        );
        assert_eq!(count("class=\"arc\""), net.arcs.len());
        assert!(svg.contains("data-activity=\"b\" data-log-moves=\"0\" data-model-moves=\"3\""));
        assert!(svg.contains(">skipped 3</text>"));
        assert!(svg.contains("Not in the model (events out of place): x (2)"));
        assert_eq!(count("data-model-moves"), 1);
    }
}
