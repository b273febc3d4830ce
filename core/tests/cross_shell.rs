//! The same lead model gives the same scores in every shell. This native test pins the scores of
//! `test_data/leads/cross-shell/` (model artifact + leads) in `expected-scores.json`; the CLI
//! transcript test, the wasm test in Chromium (`tests/wasm.rs`) and the edge test in workerd
//! (`tests/edge/`) compare against the same file. `UPDATE_EXPECT=1` rewrites it.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/leads/cross-shell")
}

#[test]
fn native_scores_equal_the_pinned_scores() {
    let model = std::fs::read(dir().join("model.spur")).expect("model fixture");
    let leads = std::fs::read(dir().join("leads.json")).expect("leads fixture");
    let (_, model) = spur_core::model::decode_leads(&model).expect("valid artifact");
    let scores = model.score_body(&leads).expect("valid leads");
    let got: Vec<serde_json::Value> = scores
        .iter()
        .map(|s| serde_json::json!({ "id": s.id, "value": s.value, "segment_id": s.segment_id }))
        .collect();
    let path = dir().join("expected-scores.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let text = serde_json::to_string_pretty(&got).expect("json");
        std::fs::write(&path, text + "\n").expect("write expected scores");
    }
    let want: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("expected-scores.json"))
            .expect("valid json");
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["id"], w["id"]);
        assert_eq!(g["segment_id"], w["segment_id"], "{}", g["id"]);
        let (g, w) = (
            g["value"].as_f64().unwrap_or(f64::NAN),
            w["value"].as_f64().unwrap_or(0.0),
        );
        assert!((g - w).abs() <= 1e-12, "{g} vs {w}");
    }
}
