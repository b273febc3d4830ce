//! Tests of the process map: small logs in, map tables and SVG counts out; a snapshot of a tiny
//! map; layout invariants on hand-made and random graphs.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::log::EventLog;

fn log(csv: &str) -> EventLog {
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0
}

/// `a b c` ×2, `a c` ×1, `a b b c` ×1, one hour apart.
fn abc() -> EventLog {
    let mut csv = String::from("case,activity,timestamp\n");
    for (case, acts) in [(1, "abc"), (2, "abc"), (3, "ac"), (4, "abbc")] {
        for (i, a) in acts.chars().enumerate() {
            csv.push_str(&format!("{case},{a},2024-01-0{case} {:02}:00\n", 8 + i));
        }
    }
    log(&csv)
}

/// The map as `from -> to count` lines (node labels).
fn table(m: &ProcessMap) -> String {
    let mut s = String::new();
    for n in &m.nodes {
        s.push_str(&format!("node {} {} {}\n", n.id, n.label, n.count));
    }
    for e in &m.edges {
        s.push_str(&format!(
            "{} -> {} {} {:?}\n",
            m.nodes[e.from].label, m.nodes[e.to].label, e.count, e.mean_s
        ));
    }
    s
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn full_map_of_a_small_log() {
    let m = process_map(&abc(), &MapOptions::default());
    expect_test::expect![[r#"
        node start Start 4
        node a0 a 4
        node a1 b 4
        node a2 c 4
        node end End 4
        Start -> a 4 None
        a -> b 3 Some(3600.0)
        a -> c 1 Some(3600.0)
        b -> b 1 Some(3600.0)
        b -> c 3 Some(3600.0)
        c -> End 4 None
    "#]]
    .assert_eq(&table(&m));
    assert_eq!(
        (
            m.activities_total,
            m.activities_shown,
            m.paths_total,
            m.paths_shown
        ),
        (3, 3, 6, 6)
    );
}

#[test]
fn hiding_an_activity_projects_the_log() {
    // `b` is the rarest (ties by name after a, c): 4 of 12 events; 0.6 keeps a and c.
    let mut csv = String::from("case,activity,timestamp\n");
    for (case, acts) in [(1, "abc"), (2, "ac"), (3, "aac"), (4, "acc")] {
        for (i, a) in acts.chars().enumerate() {
            csv.push_str(&format!("{case},{a},2024-01-0{case} {:02}:00\n", 8 + i));
        }
    }
    let m = process_map(
        &log(&csv),
        &MapOptions {
            activity_share: 0.6,
            path_share: 1.0,
        },
    );
    expect_test::expect![[r#"
        node start Start 4
        node a0 a 5
        node a1 c 5
        node end End 4
        Start -> a 4 None
        a -> a 1 Some(3600.0)
        a -> c 4 Some(4500.0)
        c -> c 1 Some(3600.0)
        c -> End 4 None
    "#]]
    .assert_eq(&table(&m));
    // Share 0 still shows one activity.
    let one = process_map(
        &log(&csv),
        &MapOptions {
            activity_share: 0.0,
            path_share: f64::NAN,
        },
    );
    assert_eq!(one.activities_shown, 1);
}

#[test]
fn path_share_zero_keeps_every_node_connected() {
    let m = process_map(
        &abc(),
        &MapOptions {
            activity_share: 1.0,
            path_share: 0.0,
        },
    );
    expect_test::expect![[r#"
        node start Start 4
        node a0 a 4
        node a1 b 4
        node a2 c 4
        node end End 4
        Start -> a 4 None
        a -> b 3 Some(3600.0)
        b -> c 3 Some(3600.0)
        c -> End 4 None
    "#]]
    .assert_eq(&table(&m));
    // A self-loop stronger than every other path of `b` does not count as its connection.
    let looped = log("case,activity\n1,a\n1,b\n1,b\n1,b\n1,b\n1,c\n2,a\n2,c\n3,a\n3,c\n");
    let l = process_map(
        &looped,
        &MapOptions {
            activity_share: 1.0,
            path_share: 0.0,
        },
    );
    for m in [m, l] {
        assert_connected(&m);
    }
}

fn assert_connected(m: &ProcessMap) {
    for (i, n) in m.nodes.iter().enumerate() {
        let ins = m.edges.iter().any(|e| e.to == i && e.from != i);
        let outs = m.edges.iter().any(|e| e.from == i && e.to != i);
        assert!(
            (ins || n.kind == NodeKind::Start) && (outs || n.kind == NodeKind::End),
            "{} is cut off",
            n.label
        );
    }
}

#[test]
fn svg_has_one_element_per_node_and_edge() {
    let m = process_map(&abc(), &MapOptions::default());
    let l = layout_map(&m, &LayoutOptions::default());
    for view in [MapView::Frequency, MapView::Mean, MapView::Total] {
        let svg = render_svg(
            &m,
            &l,
            &SvgOptions {
                view,
                hide_edge_labels: false,
            },
        );
        assert_eq!(count(&svg, "class=\"node "), m.nodes.len());
        assert_eq!(count(&svg, "data-activity=\""), 3);
        assert_eq!(count(&svg, "data-from=\""), m.edges.len());
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
    }
    let mean = render_svg(
        &m,
        &l,
        &SvgOptions {
            view: MapView::Mean,
            hide_edge_labels: false,
        },
    );
    assert!(mean.contains(">1 h</text>"), "{mean}");
}

#[test]
fn hostile_names_are_escaped() {
    let l = log("case,activity\n1,\"<script>alert('x')</script>\"\n1,\"\"\"&'\"\n");
    let m = process_map(&l, &MapOptions::default());
    let svg = render_svg(
        &m,
        &layout_map(&m, &LayoutOptions::default()),
        &SvgOptions::default(),
    );
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("data-activity=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\""));
    assert!(svg.contains("data-activity=\"&quot;&amp;&#39;\""));
    // Every `<` opens a known element, every `&` starts an entity.
    for (i, _) in svg.match_indices('&') {
        let rest = &svg[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                .iter()
                .any(|e| rest.starts_with(e)),
            "bare & at {i}"
        );
    }
}

#[test]
fn tiny_map_snapshot() {
    let l = log("case,activity,timestamp\n1,Register,2024-01-01 08:00\n1,Pay,2024-01-01 10:30\n2,Register,2024-01-02 08:00\n2,Pay,2024-01-06 08:00\n");
    let m = process_map(&l, &MapOptions::default());
    let svg = render_svg(
        &m,
        &layout_map(&m, &LayoutOptions::default()),
        &SvgOptions {
            view: MapView::Median,
            hide_edge_labels: false,
        },
    );
    expect_test::expect_file!["../../test_data/map/tiny.svg"].assert_eq(&svg);
}

#[test]
fn human_units() {
    let shown: Vec<String> = [
        0.0,
        4.26,
        45.0,
        90.0,
        8280.0,
        345_600.0,
        4e7,
        -30.0,
        f64::NAN,
    ]
    .iter()
    .map(|&s| human_duration(s))
    .collect();
    assert_eq!(
        shown,
        ["0 s", "4.3 s", "45 s", "1.5 min", "2.3 h", "4 d", "1.3 y", "-30 s", "?"]
    );
    assert_eq!(format_count(1_234_567), "1,234,567");
    assert_eq!(format_count(999), "999");
}

/// No two boxes of a layer overlap; every non-reversed edge goes down a layer or more, every
/// reversed one up; coordinates are finite and inside the drawing.
fn check_layout(g: &LayoutGraph, l: &Layout) {
    assert_eq!(l.nodes.len(), g.sizes.len());
    assert_eq!(l.edges.len(), g.edges.len());
    for layer in 0..l.layers {
        let mut boxes: Vec<&NodeBox> = l.nodes.iter().filter(|b| b.layer == layer).collect();
        boxes.sort_by_key(|a| a.order);
        for w in boxes.windows(2) {
            assert!(
                w[0].x + w[0].width / 2.0 <= w[1].x - w[1].width / 2.0 + 1e-6,
                "overlap in layer {layer}: {:?} {:?}",
                w[0],
                w[1]
            );
        }
    }
    for b in &l.nodes {
        assert!(b.x.is_finite() && b.y.is_finite());
        assert!(b.x - b.width / 2.0 >= -1e-6 && b.x + b.width / 2.0 <= l.width + 1e-6);
        assert!(b.y >= 0.0 && b.y <= l.height);
    }
    for (k, &(a, b, _)) in g.edges.iter().enumerate() {
        let r = &l.edges[k];
        assert!(r.points.iter().all(|p| p.x.is_finite() && p.y.is_finite()));
        if a == b {
            assert!(r.self_loop && !r.reversed);
            continue;
        }
        let (la, lb) = (l.nodes[a].layer, l.nodes[b].layer);
        if r.reversed {
            assert!(la > lb, "reversed edge {a}->{b} not going up");
        } else {
            assert!(la < lb, "edge {a}->{b} not going down ({la} -> {lb})");
        }
    }
}

#[test]
fn layout_of_a_map_with_cycles() {
    let m = process_map(&abc(), &MapOptions::default());
    let l = layout_map(&m, &LayoutOptions::default());
    let g = LayoutGraph {
        sizes: m
            .nodes
            .iter()
            .map(|n| node_size(n.kind, &n.label))
            .collect(),
        edges: m.edges.iter().map(|e| (e.from, e.to, 1.0)).collect(),
        first: Some(0),
        last: Some(m.nodes.len() - 1),
        order_hint: Some(m.nodes.iter().map(|n| n.position).collect()),
    };
    check_layout(&g, &l);
    // Start alone on top, end alone at the bottom.
    assert_eq!(l.nodes[0].layer, 0);
    assert_eq!(l.nodes[m.nodes.len() - 1].layer, l.layers - 1);
    assert_eq!(l.nodes.iter().filter(|b| b.layer == 0).count(), 1);
}

#[test]
fn hostile_layout_inputs_do_not_panic() {
    let g = LayoutGraph {
        sizes: vec![(f64::NAN, -1.0), (f64::INFINITY, 1e300), (10.0, 10.0)],
        edges: vec![(0, 1, f64::NAN), (1, 0, -3.0), (2, 9, 1.0), (2, 2, 0.0)],
        first: Some(7),
        last: Some(1),
        order_hint: Some(vec![0.0, f64::NAN, 1.0]),
    };
    let l = layered(&g, &LayoutOptions::default());
    assert!(l.edges[2].points.is_empty());
    assert!(l.width.is_finite() && l.height.is_finite());
    let empty = layered(&LayoutGraph::default(), &LayoutOptions::default());
    assert!(empty.nodes.is_empty());
}

/// Deterministic pseudo-random graph (xorshift), `n` nodes, `m` edges.
fn random_graph(n: usize, m: usize, mut seed: u64) -> LayoutGraph {
    let hinted = seed % 2 == 1;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    LayoutGraph {
        sizes: (0..n)
            .map(|_| (40.0 + (next() % 160) as f64, 30.0 + (next() % 20) as f64))
            .collect(),
        edges: (0..m)
            .map(|_| {
                let a = (next() % n as u64) as usize;
                let b = (next() % n as u64) as usize;
                (a, b, 1.0 + (next() % 100) as f64)
            })
            .collect(),
        first: None,
        last: None,
        order_hint: hinted.then(|| (0..n).map(|i| ((i * 7919) % 13) as f64).collect()),
    }
}

#[test]
fn pathological_graph_finishes() {
    let g = random_graph(1000, 3000, 0x9e37_79b9_7f4a_7c15);
    let l = layered(&g, &LayoutOptions::default());
    check_layout(&g, &l);
}

proptest::proptest! {
    #[test]
    fn random_graphs_lay_out(n in 1usize..40, m in 0usize..120, seed in 1u64..u64::MAX) {
        let g = random_graph(n, m, seed);
        let l = layered(&g, &LayoutOptions::default());
        check_layout(&g, &l);
        proptest::prop_assert_eq!(&l, &layered(&g, &LayoutOptions::default()));
    }
}

#[test]
fn deviations_are_drawn_on_the_paths_and_activities_where_they_happen() {
    use crate::conformance::{alignment_fitness, DEFAULT_ALIGNMENT_BUDGET};
    use crate::discovery::{tree_to_net, ProcessTree};
    // Model a → b → c: case 3 (`a c`) skips b on the path a → c; case 4 (`a b b c`) repeats b,
    // a log move entering the second b (the path b → b).
    let net = tree_to_net(&ProcessTree::parse("->( 'a', 'b', 'c' )").unwrap());
    let log = abc();
    let check = alignment_fitness(&log, &net, DEFAULT_ALIGNMENT_BUDGET);
    let rows = check
        .deviations
        .iter()
        .map(|(a, l, m)| (a.as_str(), *l, *m));
    let marks = MapMarks::new(&check.edge_deviations, rows);
    let map = process_map(&log, &MapOptions::default());
    let layout = layout_map(&map, &LayoutOptions::default());
    let plain = render_svg(&map, &layout, &SvgOptions::default());
    let marked = render_svg_marked(&map, &layout, &SvgOptions::default(), &marks);
    assert_eq!(
        render_svg_marked(&map, &layout, &SvgOptions::default(), &MapMarks::default()),
        plain
    );
    assert_eq!(count(&plain, "data-log-moves"), 0);
    assert_eq!(
        count(&marked, r#"data-log-moves="0" data-model-moves="1""#),
        1
    ); // path a→c
    assert_eq!(
        count(&marked, r#"data-log-moves="1" data-model-moves="0""#),
        1
    ); // path b→b
    assert_eq!(
        count(&marked, r#"data-log-moves="1" data-model-moves="1""#),
        1
    ); // activity b
    assert!(marked.contains("data-activity=\"b\" data-count=\"4\" data-log-moves"));
    assert_eq!(marks.hidden(&map), 0);
    let narrow = process_map(
        &log,
        &MapOptions {
            path_share: 0.0,
            ..MapOptions::default()
        },
    );
    assert!(marks.hidden(&narrow) > 0);
}
