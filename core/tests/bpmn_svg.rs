//! The model picture (`render_bpmn_svg`, what `spur discover -o MODEL.svg` writes and the
//! browser's Model card shows), data-driven from `test_data/bpmn/svg/cases.tsv`: each row is a
//! tiny log (traces separated by `;`), the activities whose tasks must be drawn, and how many
//! exclusive, parallel and inclusive gateways the discovered model has. Counting the `data-*`
//! hooks checks the picture draws every node of the diagram and names the tasks the tests and
//! the app look up.

use spur_core::discovery::{discover_tree, render_bpmn_svg, tree_to_bpmn, InductiveOptions};
use spur_core::import::{import_bytes, ImportOptions};
use std::fmt::Write as _;
use std::path::PathBuf;

fn count(svg: &str, needle: &str) -> usize {
    svg.matches(needle).count()
}

#[test]
fn each_tiny_log_draws_one_task_per_activity_and_its_gateways() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/bpmn/svg/cases.tsv");
    let table = std::fs::read_to_string(&path).expect("test_data/bpmn/svg/cases.tsv");
    let mut rows = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [traces, tasks, xor, and, or] = cols.as_slice() else {
            panic!("{line}: want 5 tab-separated columns");
        };
        let mut csv = String::from("case,activity,time\n");
        for (c, trace) in traces.split(';').enumerate() {
            for (i, a) in trace.split(' ').enumerate() {
                let _ = writeln!(csv, "c{c},{a},2024-01-01T00:00:{i:02}");
            }
        }
        let (log, _) =
            import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default()).expect("imports");
        let tree = discover_tree(&log, InductiveOptions { noise: 0.0 });
        let svg = render_bpmn_svg(&tree_to_bpmn(&tree));
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        let mut drawn: Vec<String> = svg
            .split("data-activity=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next().map(str::to_string))
            .collect();
        drawn.sort();
        let want: Vec<String> = tasks.split(' ').map(str::to_string).collect();
        assert_eq!(drawn, want, "{line}: tasks of {tree}");
        for (kind, n) in [("xor", xor), ("and", and), ("or", or)] {
            let n: usize = n.parse().expect("a count");
            let got = count(&svg, &format!("data-kind=\"{kind}\""));
            assert_eq!(got, n, "{line}: {kind} gateways of {tree}");
        }
        assert_eq!(count(&svg, "data-kind=\"start\""), 1, "{line}");
        assert_eq!(count(&svg, "data-kind=\"end\""), 1, "{line}");
        let flows = tree_to_bpmn(&tree).flows.len();
        assert_eq!(count(&svg, "class=\"flow\""), flows, "{line}");
        rows += 1;
    }
    assert!(rows >= 4);
}
