//! The handover-of-work network equals pm4py's (`discover_handover_of_work_network`, beta = 0)
//! on the shared running example; the expected values were computed by `bench/roles_pm4py.py`
//! and are committed in `core/test_data/roles/`.

mod support;
use spur_core::import::{import_bytes, ImportOptions};
use spur_core::toolkit::roles::roles;
use support::{close, shared_data};

#[test]
fn handover_equals_pm4py_on_the_running_example() {
    let Some(dir) = shared_data("roles") else {
        return;
    };
    let path = dir.join("eventlogs/running-example.xes");
    let bytes = std::fs::read(&path).expect("running-example.xes");
    let (log, _) =
        import_bytes("running-example.xes", &bytes, &ImportOptions::default()).expect("imports");
    let want: serde_json::Value = serde_json::from_str(include_str!(
        "../test_data/roles/running-example.handover.json"
    ))
    .expect("expected JSON");
    let got = roles(&log, None).expect("roles").handover;
    assert_eq!(Some(got.pairs), want["pairs"].as_u64());
    let want_edges = want["edges"].as_array().expect("edges");
    assert_eq!(got.edges.len(), want_edges.len());
    for w in want_edges {
        let (from, to) = (w["from"].as_str(), w["to"].as_str());
        let g = got
            .edges
            .iter()
            .find(|e| Some(e.from.as_str()) == from && Some(e.to.as_str()) == to)
            .unwrap_or_else(|| panic!("edge {from:?} -> {to:?} missing"));
        assert_eq!(Some(g.count), w["count"].as_u64(), "{from:?} -> {to:?}");
        let v = w["value"].as_f64().expect("value");
        assert!(
            close(g.value, v) || (g.value - v).abs() < 1e-11,
            "{from:?} -> {to:?}: {} vs {v}",
            g.value
        );
    }
}
