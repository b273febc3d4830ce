//! Transcript tests of `spur leads` and `spur bench`: exit codes, exact messages, the JSON
//! shape of `evaluate --json`, and the CLI scoring the same as spur-core's edge call.

mod support;
use support::{s, scratch, spur};

use std::path::PathBuf;

#[test]
fn generate_evaluate_json_shape() {
    let leads = scratch("eval.csv");
    let r = spur(&[
        "leads",
        "generate",
        "-o",
        s(&leads),
        "--rows",
        "3000",
        "--seed",
        "5",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("wrote 3000 leads ("), "{}", r.stderr);
    let r = spur(&[
        "leads",
        "evaluate",
        s(&leads),
        "--outcome",
        "won",
        "--value",
        "deal_value",
        "--seed",
        "5",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["rows"], 3000);
    assert_eq!(v["test_rows"], 750);
    for key in ["auc", "lift_at_10", "lift_at_20"] {
        assert!(v[key].is_f64(), "{key}");
    }
    assert!(v["baseline_rule"]["column"].is_string());
    assert!(v["baseline_rule"]["auc"].is_f64() && v["baseline_rule"]["lift_at_20"].is_f64());
    assert!(
        v["cluster_rank"]["k"].is_u64()
            && v["cluster_rank"]["auc"].is_f64()
            && v["cluster_rank"]["lift_at_20"].is_f64()
    );
    let segments = v["segments"].as_array().expect("segments");
    assert!(!segments.is_empty() && segments.len() <= 32);
    for seg in segments {
        assert!(
            seg["id"].is_u64()
                && seg["rule"].is_string()
                && seg["size"].is_u64()
                && seg["win_rate"].is_f64()
        );
    }
    assert!(v["auc"].as_f64() > v["baseline_rule"]["auc"].as_f64());
    // The readable form names every ranking.
    let r = spur(&[
        "leads",
        "evaluate",
        s(&leads),
        "--outcome",
        "won",
        "--value",
        "deal_value",
    ]);
    assert_eq!(r.code, 0);
    for line in [
        "spur (segments + scorer)",
        "best single rule (",
        "plain k-means clusters (k=",
        "segments (trained",
    ] {
        assert!(r.stdout.contains(line), "missing {line:?} in\n{}", r.stdout);
    }
}

/// The synthetic CRM's planted leak: listed under `leaks`, left out (the honest held-out AUC),
/// the human output says how to use it, and `--include-column` uses it (the AUC jumps).
#[test]
fn evaluate_flags_the_planted_leak_and_include_column_uses_it() {
    let leads = scratch("leak.csv");
    let r = spur(&[
        "leads",
        "generate",
        "-o",
        s(&leads),
        "--rows",
        "3000",
        "--seed",
        "5",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "leads",
            "evaluate",
            s(&leads),
            "--outcome",
            "won",
            "--value",
            "deal_value",
        ];
        args.extend_from_slice(extra);
        spur(&args)
    };
    let r = run(&["--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let leaks = v["leaks"].as_array().expect("leaks");
    assert_eq!(leaks.len(), 1, "{leaks:?}");
    assert_eq!(leaks[0]["column"], "stage_after_call");
    assert!(leaks[0]["auc"].as_f64() > Some(0.9));
    assert_eq!(
        leaks[0]["reason"],
        "suspected leak: predicts the outcome almost perfectly on its own — filled in after the outcome?"
    );
    assert_eq!(leaks[0]["included"], false);
    let honest = v["auc"].as_f64().expect("auc");
    assert!(honest < 0.85, "{honest}");
    assert_ne!(v["baseline_rule"]["column"], "stage_after_call");
    // Identifiers stay excluded and are not leaks.
    let columns = v["columns"].as_array().expect("columns");
    for id in ["id", "company"] {
        let c = columns.iter().find(|c| c["name"] == id).expect("column");
        assert_eq!(c["role"], "identifier");
    }

    let r = run(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("spur: warning: column `stage_after_call`: suspected leak: predicts the outcome almost perfectly on its own — filled in after the outcome? (AUC 0.9"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("left out; to use it anyway: --include-column stage_after_call"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains("left out (use it anyway: --include-column stage_after_call)"),
        "{}",
        r.stdout
    );

    let r = run(&["--include-column", "stage_after_call", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["leaks"][0]["included"], true);
    let leaky = v["auc"].as_f64().expect("auc");
    assert!(leaky > 0.9 && leaky > honest + 0.15, "{leaky} vs {honest}");

    // train reports the leak and leaves it out of the model the same way (stderr warns too).
    let model = scratch("leak.spur");
    let r = spur(&[
        "leads",
        "train",
        s(&leads),
        "--outcome",
        "won",
        "--value",
        "deal_value",
        "-o",
        s(&model),
        "--json",
        "--include-column",
        "industry",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Naming a column that is no suspected leak changes nothing, and says so.
    assert!(
        r.stderr.contains(
            "spur: note: --include-column industry: not a suspected leak on every row, nothing to include"
        ),
        "{}",
        r.stderr
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["leaks"][0]["column"], "stage_after_call");
    let features = v["summary"]["features"].as_array().expect("features");
    assert!(
        !features.iter().any(|f| f == "stage_after_call"),
        "{features:?}"
    );
}

#[test]
fn train_then_score_matches_the_edge_call() {
    let (leads, model, new) = (
        scratch("train.csv"),
        scratch("model.spur"),
        scratch("new.csv"),
    );
    assert_eq!(
        spur(&[
            "leads",
            "generate",
            "-o",
            s(&leads),
            "--rows",
            "5000",
            "--seed",
            "1"
        ])
        .code,
        0
    );
    assert_eq!(
        spur(&[
            "leads",
            "generate",
            "-o",
            s(&new),
            "--rows",
            "50",
            "--seed",
            "2"
        ])
        .code,
        0
    );
    let r = spur(&[
        "leads",
        "train",
        s(&leads),
        "--outcome",
        "won",
        "--value",
        "deal_value",
        "-o",
        s(&model),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("trained on 5000 leads in "),
        "{}",
        r.stdout
    );
    let r = spur(&["leads", "score", s(&model), s(&new)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("rank,id,score,expected_value,segment,rule,reasons")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 50);
    // Same scores as spur-core's `score_body` on the same leads sent as JSON.
    let bytes = std::fs::read(&model).expect("model file");
    let (_, m) = spur_core::model::decode_leads(&bytes).expect("artifact decodes");
    let generated = spur_core::leads::generate::leads(50, 2);
    let body: Vec<serde_json::Value> = generated
        .iter()
        .map(|l| {
            serde_json::json!({"id": l.id, "company": l.company, "company_size": l.company_size, "industry": l.industry,
                "channel": l.channel, "hours_to_first_response": l.hours_to_first_response,
                "response_weekday": l.response_weekday, "response_channel": l.response_channel})
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "leads": body })).expect("json");
    let scores = m.score_body(&body).expect("valid body");
    let mut last = f64::INFINITY;
    for (rank, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.splitn(4, ',').collect();
        assert_eq!(cells[0], (rank + 1).to_string());
        let score: f64 = cells[2].parse().expect("score");
        assert!(score <= last, "not ranked: {row}");
        last = score;
        let core = scores
            .iter()
            .find(|s| s.id.as_deref() == Some(cells[1]))
            .expect("same ids");
        assert_eq!(format!("{:.4}", core.value), cells[2], "{row}");
    }
}

#[test]
fn refusals_and_usage() {
    let r = spur(&["leads", "evaluate", "x.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: --outcome COL is required"),
        "{}",
        r.stderr
    );
    let bad = scratch("bad.csv");
    std::fs::write(&bad, "industry,won\nenergy,\"1\n").expect("write");
    let r = spur(&[
        "leads",
        "train",
        s(&bad),
        "--outcome",
        "won",
        "-o",
        s(&scratch("never.spur")),
    ]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            format!(
                "spur: {}: line 2, column 2: a quoted field is never closed\n",
                s(&bad)
            )
            .as_str()
        )
    );
    let junk = scratch("junk.spur");
    std::fs::write(&junk, b"SPURMODL\x07\x00").expect("write");
    let r = spur(&["leads", "score", s(&junk), s(&bad)]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        format!("spur: {}: artifact format version 7 is not supported (this build reads version 1) (artifact_unsupported_version)\n", s(&junk))
    );
    let r = spur(&["leads", "frobnicate"]);
    assert_eq!(r.code, 2);
    let r = spur(&[
        "bench",
        "kmeans",
        "--rows",
        "2000",
        "--dims",
        "4",
        "--k",
        "3",
        "--repeats",
        "1",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(
        (v["tool"].as_str(), v["rows"].as_u64(), v["k"].as_u64()),
        (Some("spur"), Some(2000), Some(3))
    );
}

/// Cross-shell: `spur leads score` ranks the fixture leads with the pinned scores of
/// `core/test_data/leads/cross-shell/expected-scores.json` (printed to 4 decimals).
#[test]
fn cli_scores_equal_the_pinned_cross_shell_scores() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/test_data/leads/cross-shell");
    let r = spur(&[
        "leads",
        "score",
        s(&dir.join("model.spur")),
        s(&dir.join("leads.csv")),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected-scores.json")).expect("expected scores"),
    )
    .expect("valid json");
    let mut lines = r.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("rank,id,score,expected_value,segment,rule,reasons")
    );
    let mut seen = 0;
    let mut last = f64::INFINITY;
    for line in lines {
        let fields: Vec<&str> = line.splitn(6, ',').collect();
        let (id, score, segment) = (fields[1], fields[2], fields[4]);
        let w = want.iter().find(|w| w["id"] == id).expect("a pinned lead");
        let pinned = w["value"].as_f64().expect("number");
        assert_eq!(score, format!("{pinned:.4}"), "{id}");
        assert_eq!(segment, w["segment_id"].to_string(), "{id}");
        assert!(pinned <= last, "ranked by score");
        last = pinned;
        seen += 1;
    }
    assert_eq!(seen, want.len());
}

/// `score --json` gives the pinned cross-shell scores at full precision, in rank order.
#[test]
fn cli_score_json_has_full_precision() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/test_data/leads/cross-shell");
    let r = spur(&[
        "leads",
        "score",
        s(&dir.join("model.spur")),
        s(&dir.join("leads.csv")),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).expect("json array");
    let want: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected-scores.json")).expect("expected scores"),
    )
    .expect("valid json");
    assert_eq!(got.len(), want.len());
    let mut last = f64::INFINITY;
    for g in &got {
        let w = want
            .iter()
            .find(|w| w["id"] == g["id"])
            .expect("a pinned lead");
        let value = g["value"].as_f64().expect("number");
        let pinned = w["value"].as_f64().expect("number");
        assert!(
            (value - pinned).abs() <= 1e-12,
            "{}: {value} vs {pinned}",
            g["id"]
        );
        assert_eq!(g["segment_id"], w["segment_id"]);
        assert!(value <= last, "ranked by score");
        last = value;
    }
}
