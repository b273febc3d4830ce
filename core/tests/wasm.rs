//! spur-core compiled to wasm32 and run in headless Chromium (wasm-bindgen-test): the same
//! answers as natively, in the engine users run. Run by scripts/test.sh.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn summary_counts_in_the_browser() {
    let log = "case,activity,timestamp\n1,a,2024-01-01T00:00:00\n1,b,2024-01-02T00:00:00\n2,a,2024-01-01T00:00:00\n";
    let s = spur_core::summary::summarize("x.csv", log.as_bytes()).expect("valid log");
    assert_eq!((s.events, s.cases, s.activities.len()), (3, 2, 2));
}

#[wasm_bindgen_test]
fn errors_are_located_in_the_browser() {
    let e = spur_core::summary::summarize("x.csv", b"case,activity\n1,a\n2,\"b\n").unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");
}

#[wasm_bindgen_test]
fn lead_requests_validate_in_the_browser() {
    let leads = spur_core::leads::request::parse_score_request(br#"{"leads":[{"id":"a"}]}"#)
        .expect("valid");
    assert_eq!(leads.len(), 1);
    let e = spur_core::leads::request::parse_score_request(br#"{"x":1}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_field");
}

#[wasm_bindgen_test]
fn xes_import_and_statistics_in_the_browser() {
    let xes = br#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace><string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T10:00:00+01:00"/></event>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2024-01-01T10:30:00+01:00"/></event>
  </trace>
  <trace><string key="concept:name" value="c2"/>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-02T10:00:00Z"/></event>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2024-01-02T11:00:00Z"/></event>
  </trace>
</log>"#;
    let (log, _report) =
        spur_core::import::import_bytes("x.xes", xes, &Default::default()).expect("valid XES");
    let stats = spur_core::mining::stats(&log);
    assert_eq!((stats.events, stats.cases), (4, 2));
    assert_eq!(stats.dfg, vec![("a".to_string(), "b".to_string(), 2)]);
    let d = stats.case_duration_seconds.expect("timestamps present");
    assert_eq!((d.min, d.max), (1800.0, 3600.0));
}

/// Cross-shell: the pinned scores of `test_data/leads/cross-shell/` (see `tests/cross_shell.rs`).
#[wasm_bindgen_test]
fn lead_scores_in_the_browser_equal_native() {
    let model = include_bytes!("../test_data/leads/cross-shell/model.spur");
    let leads = include_bytes!("../test_data/leads/cross-shell/leads.json");
    let want: Vec<serde_json::Value> = serde_json::from_str(include_str!(
        "../test_data/leads/cross-shell/expected-scores.json"
    ))
    .expect("valid json");
    let (_, model) = spur_core::model::decode_leads(model).expect("valid artifact");
    let scores = model.score_body(leads).expect("valid leads");
    assert_eq!(scores.len(), want.len());
    for (s, w) in scores.iter().zip(&want) {
        assert_eq!(s.id.as_deref(), w["id"].as_str());
        assert_eq!(serde_json::json!(s.segment_id), w["segment_id"]);
        let w = w["value"].as_f64().expect("a number");
        assert!((s.value - w).abs() <= 1e-12, "{}: {} vs {w}", w, s.value);
    }
}

#[wasm_bindgen_test]
fn reco_answers_in_the_browser_equal_native() {
    use spur_core::reco::{artifact, recommend, request, Recommendations};
    let model = include_bytes!("../test_data/reco/cross-shell/model.spur");
    let requests: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../test_data/reco/cross-shell/requests.json"))
            .expect("valid json");
    let expected: Vec<Recommendations> =
        serde_json::from_str(include_str!("../test_data/reco/cross-shell/expected.json"))
            .expect("valid json");
    let (_, m) = artifact::decode(model).expect("valid artifact");
    for (r, want) in requests.iter().zip(&expected) {
        let req = request::parse_recommend_request(r.to_string().as_bytes()).expect("valid");
        assert_eq!(&recommend(&m, &req.to_request(None)), want, "{r}");
    }
}
