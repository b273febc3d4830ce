//! IMd (the inductive miner on the DFG alone) gives pm4py 2.7's tree on small logs. Each
//! expected tree is derived by hand from the log's DFG below, and is what pm4py 2.7.23
//! (`inductive_miner.apply(df, variant=Variants.IMd)`) prints for the same log; trees compare
//! up to the order of the children of ×, ∧ and ∨. On the shared logs, the trees pm4py computed
//! (`test_data/discovery/imd-pm4py.tsv`) must come out too.

mod support;
use spur_core::discovery::{discover_tree, discover_tree_imd, InductiveOptions, ProcessTree};
use spur_core::import::{import_bytes, ImportOptions};
use std::fmt::Write as _;

/// A log from `;`-separated traces of space-separated activities.
fn log(spec: &str) -> spur_core::log::EventLog {
    let mut csv = String::from("case,activity,time\n");
    for (c, t) in spec.split(';').enumerate() {
        for (i, a) in t.split(' ').enumerate() {
            let _ = writeln!(csv, "{c},{a},2024-01-01T00:00:{i:02}");
        }
    }
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("imports")
        .0
}

fn check(spec: &str, imd: &str, im: &str) {
    let l = log(spec);
    let want = ProcessTree::parse(imd).unwrap().canonical();
    assert_eq!(discover_tree_imd(&l).canonical(), want, "IMd on {spec}");
    let want = ProcessTree::parse(im).unwrap().canonical();
    assert_eq!(
        discover_tree(&l, InductiveOptions::default()).canonical(),
        want,
        "IM on {spec}"
    );
}

#[test]
fn where_the_dfg_says_enough_imd_equals_im() {
    // a → {b, c both ways} → d: sequence, then b ∥ c.
    check(
        "a b c d;a c b d",
        "->( 'a', +( 'b', 'c' ), 'd' )",
        "->( 'a', +( 'b', 'c' ), 'd' )",
    );
    // c is the only end; a and b can be skipped (start c; edge a → c jumps over b).
    check(
        "a b c;a c;c",
        "->( X( tau, ->( 'a', X( tau, 'b' ) ) ), 'c' )",
        "->( X( tau, ->( 'a', X( tau, 'b' ) ) ), 'c' )",
    );
    // b → a back edge: loop with a as do, b as redo.
    check(
        "a b a b a c;a c",
        "->( *( 'a', 'b' ), 'c' )",
        "->( *( 'a', 'b' ), 'c' )",
    );
}

#[test]
fn where_the_log_knows_more_imd_differs_from_im() {
    // DFG a ⇄ b, both start and end: a ∧ cut. IM sees traces `a` and `b` alone and makes each
    // optional; IMd cannot tell.
    check(
        "a b;b a;a;b",
        "+( 'a', 'b' )",
        "+( X( tau, 'a' ), X( tau, 'b' ) )",
    );
    // Sequence a | {b, c} | d? | e. Inside {b, c}: starts b, c (entered from a), end only c
    // (only c → d leaves to the next group), b ⇄ c: no ∧ cut (b has no end), no loop cut: the
    // flower. The group is skippable (a → d jumps it), and so is d (b → e).
    check(
        "a b c d e;a c b e;a d e",
        "->( 'a', X( tau, *( tau, X( 'b', 'c' ) ) ), X( tau, 'd' ), 'e' )",
        "->( 'a', X( tau, +( 'b', 'c' ) ), X( tau, 'd' ), 'e' )",
    );
}

#[test]
fn imd_equals_pm4py_on_the_shared_logs() {
    let Some(dir) = support::shared_data("IMd golden") else {
        return;
    };
    let table = include_str!("../test_data/discovery/imd-pm4py.tsv");
    let mut checked = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let (name, tree) = line.split_once('\t').expect("LOG\tTREE");
        let bytes = std::fs::read(dir.join("eventlogs").join(name)).expect("log readable");
        let (l, _) = import_bytes(name, &bytes, &ImportOptions::default()).expect("imports");
        let want = ProcessTree::parse(tree)
            .expect("pm4py tree parses")
            .canonical();
        assert_eq!(discover_tree_imd(&l).canonical(), want, "{name}");
        checked += 1;
    }
    assert!(checked >= 5);
}
