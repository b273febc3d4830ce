//! The object-centric map drawn from small OCELs: every OC-DFG edge of the chosen types comes
//! out once with pm4py's three measures, in its type's colour; the per-type cap keeps the
//! strongest edges; unknown types are reported, not drawn.

use super::*;
use crate::ocel::import::import_ocel;
use crate::ocel::ocdfg::discover_ocdfg;
use crate::ocel::stats::event_type_counts;

/// An OCEL 2.0 JSON with two orders (o1: place → pack → ship, o2: place → ship) and items
/// (i1, i2 in o1's place and pack; i3 in o2's place).
const LOG: &str = r#"{
  "objectTypes": [{"name": "order", "attributes": []}, {"name": "item", "attributes": []}],
  "eventTypes": [{"name": "place", "attributes": []}, {"name": "pack", "attributes": []}, {"name": "ship", "attributes": []}],
  "objects": [{"id": "o1", "type": "order"}, {"id": "o2", "type": "order"},
              {"id": "i1", "type": "item"}, {"id": "i2", "type": "item"}, {"id": "i3", "type": "item"}],
  "events": [
    {"id": "e1", "type": "place", "time": "2024-01-01T08:00:00Z", "relationships": [{"objectId": "o1", "qualifier": ""}, {"objectId": "i1", "qualifier": ""}, {"objectId": "i2", "qualifier": ""}]},
    {"id": "e2", "type": "place", "time": "2024-01-01T09:00:00Z", "relationships": [{"objectId": "o2", "qualifier": ""}, {"objectId": "i3", "qualifier": ""}]},
    {"id": "e3", "type": "pack", "time": "2024-01-01T10:00:00Z", "relationships": [{"objectId": "o1", "qualifier": ""}, {"objectId": "i1", "qualifier": ""}, {"objectId": "i2", "qualifier": ""}]},
    {"id": "e4", "type": "ship", "time": "2024-01-01T11:00:00Z", "relationships": [{"objectId": "o1", "qualifier": ""}]},
    {"id": "e5", "type": "ship", "time": "2024-01-01T12:00:00Z", "relationships": [{"objectId": "o2", "qualifier": ""}]}
  ]
}"#;

fn drawn(opts: &OverlayOptions) -> Overlay {
    let (log, _) = import_ocel("t.jsonocel", LOG.as_bytes()).expect("valid OCEL");
    overlay(&discover_ocdfg(&log), &event_type_counts(&log), opts)
}

/// `(kind, type, from, to, couples, unique, total)` of every drawn edge, sorted.
fn edges(svg: &str) -> Vec<(String, String, String, String, u64, u64, u64)> {
    let attr = |g: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        let at = g.find(&key).map(|i| i + key.len()).unwrap_or(0);
        g[at..].split('"').next().unwrap_or("").to_string()
    };
    let mut out: Vec<_> = svg
        .split("<g class=\"oc-edge\"")
        .skip(1)
        .map(|g| {
            let n = |name: &str| attr(g, name).parse::<u64>().unwrap_or(u64::MAX);
            (
                attr(g, "data-kind"),
                attr(g, "data-type"),
                attr(g, "data-from"),
                attr(g, "data-to"),
                n("data-event-couples"),
                n("data-unique-objects"),
                n("data-total-objects"),
            )
        })
        .collect();
    out.sort();
    out
}

fn row(
    k: &str,
    t: &str,
    f: &str,
    to: &str,
    c: u64,
    u: u64,
    n: u64,
) -> (String, String, String, String, u64, u64, u64) {
    (k.into(), t.into(), f.into(), to.into(), c, u, n)
}

#[test]
fn every_edge_of_every_type_is_drawn_with_its_measures() {
    let o = drawn(&OverlayOptions::default());
    assert_eq!(o.activities, 3);
    assert!(o.unknown_types.is_empty());
    let types: Vec<(&str, &str, usize)> = o
        .types
        .iter()
        .map(|t| (t.object_type.as_str(), t.color.as_str(), t.edges_total))
        .collect();
    assert_eq!(types, vec![("item", "#4e79a7", 1), ("order", "#f28e2b", 3)]);
    assert_eq!(
        edges(&o.svg),
        vec![
            // Both items end at pack (one event), start at place (one event).
            row("df", "item", "place", "pack", 1, 2, 2),
            row("df", "order", "pack", "ship", 1, 1, 1),
            row("df", "order", "place", "pack", 1, 1, 1),
            row("df", "order", "place", "ship", 1, 1, 1),
            row("end", "item", "pack", "item", 1, 2, 2),
            row("end", "item", "place", "item", 1, 1, 1),
            row("end", "order", "ship", "order", 2, 2, 2),
            row("start", "item", "item", "place", 2, 3, 3),
            row("start", "order", "order", "place", 2, 2, 2),
        ]
    );
    assert_eq!(o.svg.matches("class=\"node type-start\"").count(), 2);
    assert!(o.svg.contains(r#"data-activity="place" data-events="2""#));
}

#[test]
fn chosen_types_keep_their_order_and_unknown_ones_are_reported() {
    let o = drawn(&OverlayOptions {
        types: vec!["order".into(), "pallet".into(), "order".into()],
        ..OverlayOptions::default()
    });
    assert_eq!(o.types.len(), 1);
    assert_eq!(o.types[0].object_type, "order");
    assert_eq!(o.types[0].color, type_color(1), "order keeps its colour");
    assert_eq!(o.unknown_types, vec!["pallet".to_string()]);
    // Nodes show the whole log's events of an activity, not only the drawn type's.
    assert!(o.svg.contains(r#"data-activity="place" data-events="2""#));
    assert!(edges(&o.svg).iter().all(|e| e.1 == "order"));
}

#[test]
fn the_cap_keeps_each_types_strongest_edges() {
    let o = drawn(&OverlayOptions {
        types: vec!["order".into()],
        measure: OcMeasure::UniqueObjects,
        max_edges: 2,
    });
    assert_eq!((o.types[0].edges_total, o.types[0].edges_drawn), (3, 2));
    let df: Vec<_> = edges(&o.svg).into_iter().filter(|e| e.0 == "df").collect();
    // All three have one object: ties go by name, so place → ship is the one left out.
    assert_eq!(
        df,
        vec![
            row("df", "order", "pack", "ship", 1, 1, 1),
            row("df", "order", "place", "pack", 1, 1, 1),
        ]
    );
}

#[test]
fn an_empty_dfg_draws_an_empty_map() {
    let o = overlay(
        &OcDfg {
            object_types: Vec::new(),
        },
        &[],
        &OverlayOptions::default(),
    );
    assert_eq!((o.activities, o.types.len()), (0, 0));
    assert!(o.svg.starts_with("<svg") && o.svg.trim_end().ends_with("</svg>"));
}

#[test]
fn measures_parse() {
    assert_eq!(
        OcMeasure::parse("unique-objects"),
        Some(OcMeasure::UniqueObjects)
    );
    assert_eq!(OcMeasure::parse("ec"), Some(OcMeasure::EventCouples));
    assert_eq!(OcMeasure::parse("objects"), None);
}
