//! Data-driven tests of the DFG difference picture: small logs split into two groups, the
//! compare module's edge differences drawn, the tones/colours/widths read back as a table and
//! one tiny picture kept as a snapshot.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::log::EventLog;
use crate::toolkit::compare::{compare, CompareOptions};

fn log(cases: &[(&str, &str)]) -> EventLog {
    let mut csv = String::from("case,activity,timestamp\n");
    for (case, acts) in cases {
        for (i, a) in acts.split(' ').enumerate() {
            csv.push_str(&format!("{case},{a},2024-01-01 {:02}:00\n", 8 + i));
        }
    }
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0
}

/// Group A = the cases whose id starts with `a`, B = the rest.
fn drawn(cases: &[(&str, &str)], opts: &DiffOptions) -> DfgDiff {
    let l = log(cases);
    let mask: Vec<bool> = (0..l.num_cases() as u32)
        .map(|c| l.case_ids().resolve(c).starts_with('a'))
        .collect();
    let rest: Vec<bool> = mask.iter().map(|x| !x).collect();
    let c = compare(&l, &mask, &rest, &CompareOptions::default()).expect("two groups");
    dfg_diff(&c.dfg, opts)
}

fn table(d: &DfgDiff) -> String {
    let mut s = format!(
        "activities: {}\nedges: {} of {}\n",
        d.activities.join(", "),
        d.edges.len(),
        d.edges_total
    );
    for e in &d.edges {
        s.push_str(&format!(
            "{} -> {}  A {:.2} B {:.2}  {:+.2} {:<4} {} w{:.1}\n",
            d.activities[e.from],
            d.activities[e.to],
            e.share_a,
            e.share_b,
            e.diff,
            e.tone.as_str(),
            e.color,
            e.width
        ));
    }
    s
}

#[test]
fn edges_are_toned_by_share_difference() {
    // A (3 cases) goes through `check`; B (4 cases) skips it and sometimes loops on `pay`.
    let d = drawn(
        &[
            ("a1", "start check pay"),
            ("a2", "start check pay"),
            ("a3", "start pay"),
            ("b1", "start pay"),
            ("b2", "start pay"),
            ("b3", "start pay pay"),
            ("b4", "start check pay"),
        ],
        &DiffOptions::default(),
    );
    expect_test::expect![[r#"
        activities: pay, start, check
        edges: 4 of 4
        start -> pay  A 0.33 B 0.75  -0.42 b    #4a82bf w6.2
        check -> pay  A 0.67 B 0.25  +0.42 a    #c3454d w5.9
        start -> check  A 0.67 B 0.25  +0.42 a    #c3454d w5.9
        pay -> pay  A 0.00 B 0.25  -0.25 b    #5c8dc7 w4.1
    "#]]
    .assert_eq(&table(&d));
    // Every edge is drawn once, with its tone and both shares; the self-loop too.
    assert_eq!(d.svg.matches("class=\"diff-edge ").count(), 4);
    assert_eq!(d.svg.matches("class=\"node activity\"").count(), 3);
    assert!(d.svg.contains(r#"data-from="pay" data-to="pay""#));
    assert!(d.svg.contains("A 0% · B 25%"));
}

#[test]
fn small_differences_are_similar() {
    let d = drawn(
        &[
            ("a1", "x y"),
            ("a2", "x y"),
            ("b1", "x y"),
            ("b2", "x y"),
            ("b3", "x z"),
        ],
        &DiffOptions {
            similar: 0.4,
            ..DiffOptions::default()
        },
    );
    expect_test::expect![[r#"
        activities: x, y, z
        edges: 2 of 2
        x -> y  A 1.00 B 0.67  +0.33 same #9aa5b1 w7.0
        x -> z  A 0.00 B 0.33  -0.33 same #9aa5b1 w4.5
    "#]]
    .assert_eq(&table(&d));
    assert_eq!(Tone::of(f64::NAN, 0.05), Tone::Similar);
    assert_eq!(Tone::of(0.05, 0.05), Tone::A);
    assert_eq!(Tone::of(-0.05, 0.05), Tone::B);
}

#[test]
fn many_edges_keep_the_largest_differences_then_the_most_frequent() {
    // a → n{k} in every A case for k < 6, b → n{k} in B: 12 edges, 4 drawn.
    let mut cases = Vec::new();
    let names: Vec<String> = (0..6).map(|k| format!("a{k}")).collect();
    let names_b: Vec<String> = (0..6).map(|k| format!("b{k}")).collect();
    let seqs: Vec<String> = (0..6).map(|k| format!("s n{k}")).collect();
    for k in 0..6 {
        cases.push((names[k].as_str(), seqs[k].as_str()));
        cases.push((names_b[k].as_str(), seqs[k].as_str()));
    }
    cases.push(("a9", "s n0"));
    let d = drawn(
        &cases,
        &DiffOptions {
            max_edges: 4,
            ..DiffOptions::default()
        },
    );
    assert_eq!((d.edges.len(), d.edges_total), (4, 6));
    // Largest differences first (n0: 2/7 vs 1/6), then the most frequent of the rest.
    let first = &d.edges[0];
    assert_eq!(
        (&d.activities[first.from][..], &d.activities[first.to][..]),
        ("s", "n0")
    );
    // Nothing to draw is an empty picture, not a panic.
    let empty = dfg_diff(&[], &DiffOptions::default());
    assert!(empty.edges.is_empty() && empty.svg.starts_with("<svg"));
}

#[test]
fn hostile_names_are_escaped() {
    let d = drawn(
        &[("a1", "<x>&y z"), ("b1", "z <x>&y")],
        &DiffOptions::default(),
    );
    assert!(!d.svg.contains("<x>"));
    assert!(d.svg.contains("&lt;x&gt;&amp;y"));
}

#[test]
fn tiny_picture_snapshot() {
    let d = drawn(
        &[
            ("a1", "book reset"),
            ("a2", "book run"),
            ("b1", "book run"),
            ("b2", "book run"),
        ],
        &DiffOptions::default(),
    );
    expect_test::expect_file!["../../../test_data/map/diff-tiny.svg"].assert_eq(&d.svg);
}
