//! Golden check of the process map on real logs: with all activities and paths shown, the map's
//! paths are exactly pm4py's directly-follows counts (and start/end activities), and the SVG has
//! one element per node and per edge. Also times layout + rendering (release builds only assert
//! the budget).

mod support;
use serde_json::Value;
use spur_core::import::{import_bytes, ImportOptions};
use spur_core::map::{layout_map, process_map, render_svg, LayoutOptions, MapOptions, SvgOptions};
use std::collections::BTreeMap;
use support::shared_data;

fn counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .expect("count map")
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().expect("count")))
        .collect()
}

#[test]
fn map_paths_equal_the_golden_dfg() {
    let Some(dir) = shared_data("map") else {
        return;
    };
    for name in ["running-example.xes", "bpic2012.xes.gz"] {
        let bytes = std::fs::read(dir.join("eventlogs").join(name)).expect("log readable");
        let want: Value = serde_json::from_slice(
            &std::fs::read(dir.join("golden").join(format!("{name}.json"))).expect("golden"),
        )
        .expect("golden JSON");
        let (log, _) = import_bytes(name, &bytes, &ImportOptions::default()).expect("imports");
        let map = process_map(&log, &MapOptions::default());

        let label = |i: usize| map.nodes[i].label.clone();
        let mut dfg = Vec::new();
        let (mut starts, mut ends) = (BTreeMap::new(), BTreeMap::new());
        for e in &map.edges {
            match (map.nodes[e.from].id.as_str(), map.nodes[e.to].id.as_str()) {
                ("start", _) => {
                    starts.insert(label(e.to), e.count);
                }
                (_, "end") => {
                    ends.insert(label(e.from), e.count);
                }
                _ => dfg.push((label(e.from), label(e.to), e.count)),
            }
        }
        dfg.sort();
        let want_dfg: Vec<(String, String, u64)> =
            serde_json::from_value(want["dfg"].clone()).expect("dfg triples");
        assert_eq!(dfg, want_dfg, "{name}: dfg");
        assert_eq!(starts, counts(&want["start_activities"]), "{name}: starts");
        assert_eq!(ends, counts(&want["end_activities"]), "{name}: ends");
        let activities = counts(&want["activities"]);
        assert_eq!(map.nodes.len(), activities.len() + 2, "{name}: nodes");
        for n in &map.nodes[1..map.nodes.len() - 1] {
            assert_eq!(
                activities.get(&n.label),
                Some(&n.count),
                "{name}: {}",
                n.label
            );
        }

        let started = std::time::Instant::now();
        let layout = layout_map(&map, &LayoutOptions::default());
        let svg = render_svg(&map, &layout, &SvgOptions::default());
        let took = started.elapsed();
        eprintln!(
            "{name}: {} nodes, {} edges, {} layers, crossings {}, layout+svg {took:?}",
            map.nodes.len(),
            map.edges.len(),
            layout.layers,
            layout.crossings
        );
        assert_eq!(svg.matches("<g class=\"node ").count(), map.nodes.len());
        assert_eq!(svg.matches(" data-from=\"").count(), map.edges.len());
        assert_eq!(
            svg.matches(" data-activity=\"").count(),
            activities.len(),
            "{name}"
        );
        if let Some(out) = std::env::var_os("SPUR_MAP_OUT") {
            std::fs::write(std::path::Path::new(&out).join(format!("{name}.svg")), &svg)
                .expect("write svg");
        }
    }
}

/// The readable first map on the real logs: every activity, at most 2.5 paths per node (the
/// acceptance bound; the chooser aims at 2), every activity connected, and the sentence.
#[test]
fn readable_first_map_of_real_logs() {
    use spur_core::map::{readable_map, NodeKind};
    let Some(dir) = shared_data("map readable") else {
        return;
    };
    for name in [
        "running-example.xes",
        "receipt.xes",
        "roadtraffic100traces.xes",
        "reviewing.xes",
        "bpic2012.xes.gz",
    ] {
        let bytes = std::fs::read(dir.join("eventlogs").join(name)).expect("log readable");
        let (log, _) = import_bytes(name, &bytes, &ImportOptions::default()).expect("imports");
        let (map, r) = readable_map(&log);
        let (nodes, edges) = (map.nodes.len(), map.edges.len());
        eprintln!(
            "{name}: {} activities, {} paths at 100 %; readable: {nodes} nodes, {edges} edges ({:.2} per node), path share {:.4}: {}",
            map.activities_total,
            map.paths_total,
            edges as f64 / nodes as f64,
            r.options.path_share,
            r.sentence
        );
        assert_eq!(map.activities_shown, map.activities_total, "{name}");
        assert!(
            edges as f64 <= 2.5 * nodes as f64,
            "{name}: {edges} edges, {nodes} nodes"
        );
        for (i, n) in map.nodes.iter().enumerate() {
            let has_in = map.edges.iter().any(|e| e.to == i && e.from != i);
            let has_out = map.edges.iter().any(|e| e.from == i && e.to != i);
            if n.kind == NodeKind::Activity {
                assert!(has_in && has_out, "{name}: {} floats", n.label);
            }
        }
        assert_eq!(map, process_map(&log, &r.options), "{name}");
        if map.paths_shown < map.paths_total {
            assert!(
                r.sentence.ends_with("paths — drag to show more"),
                "{}",
                r.sentence
            );
        }
    }
}

/// A 1000-node, 4000-edge random graph (many cycles, long edges) lays out without blowing up
/// (iterations are capped; the time is printed, not asserted: see docs/BENCHMARKS.md).
#[test]
fn pathological_graph_is_bounded() {
    use spur_core::map::{layered, LayoutGraph};
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let n = 1000;
    let graph = LayoutGraph {
        sizes: (0..n)
            .map(|i| (60.0 + (i % 7) as f64 * 20.0, 40.0))
            .collect(),
        edges: (0..4000)
            .map(|_| ((next() % n) as usize, (next() % n) as usize, 1.0))
            .collect(),
        ..LayoutGraph::default()
    };
    let started = std::time::Instant::now();
    let layout = layered(&graph, &LayoutOptions::default());
    let took = started.elapsed();
    eprintln!("1000 nodes, 4000 edges: {} layers, {took:?}", layout.layers);
    assert!(layout
        .nodes
        .iter()
        .all(|b| b.x.is_finite() && b.y.is_finite()));
}
