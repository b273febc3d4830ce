//! Golden test: Spur's statistics equal pm4py's on the real logs of `../shared/data`.
//!
//! For every `golden/<logfile>.json`, `eventlogs/<logfile>` is imported and [`mining::stats`] is
//! compared with it: counts exactly, case durations to 1e-6 relative. The data stays outside
//! the repository; it is found at `$SPUR_SHARED_DATA` or `<workspace>/../shared/data`. When it is
//! missing the test says so loudly and skips, except under `CI`, where it fails.

mod support;
use serde_json::Value;
use spur_core::import::{import_bytes, ImportOptions};
use spur_core::mining;
use std::path::PathBuf;
use support::{close, shared_data};

/// Differences between `got` and `want`, as readable lines.
fn diff(got: &Value, want: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(g), Some(w)) = (got.as_object(), want.as_object()) else {
        return vec!["not JSON objects".into()];
    };
    for (key, wv) in w {
        let Some(gv) = g.get(key) else {
            out.push(format!("{key}: missing"));
            continue;
        };
        if key == "case_duration_seconds" {
            match (gv.as_object(), wv.as_object()) {
                (Some(go), Some(wo)) => {
                    for (k, x) in wo {
                        let (a, b) = (go.get(k).and_then(Value::as_f64), x.as_f64());
                        if !matches!((a, b), (Some(a), Some(b)) if close(a, b)) {
                            out.push(format!("case_duration_seconds.{k}: got {a:?}, want {b:?}"));
                        }
                    }
                }
                _ if gv == wv => {}
                _ => out.push(format!("case_duration_seconds: got {gv}, want {wv}")),
            }
        } else if gv != wv {
            let (gs, ws) = (gv.to_string(), wv.to_string());
            let at = gs
                .bytes()
                .zip(ws.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let from = at.saturating_sub(80);
            out.push(format!(
                "{key}: differs at byte {at}\n  got  …{}…\n  want …{}…",
                &gs.get(from..(at + 120).min(gs.len())).unwrap_or(""),
                &ws.get(from..(at + 120).min(ws.len())).unwrap_or("")
            ));
        }
    }
    for key in g.keys().filter(|k| !w.contains_key(*k)) {
        out.push(format!("{key}: not in the golden file"));
    }
    out
}

#[test]
fn stats_equal_pm4py_on_every_golden_log() {
    let Some(dir) = shared_data("golden") else {
        return;
    };
    let mut golden: Vec<PathBuf> = std::fs::read_dir(dir.join("golden"))
        .expect("golden dir readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    golden.sort();
    assert!(!golden.is_empty(), "no golden files in {}", dir.display());
    let mut failures = Vec::new();
    for g in &golden {
        let log_name = g
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name")
            .to_string();
        let want: Value = serde_json::from_slice(&std::fs::read(g).expect("golden readable"))
            .expect("golden is JSON");
        let bytes =
            std::fs::read(dir.join("eventlogs").join(&log_name)).expect("event log readable");
        let (log, report) = match import_bytes(&log_name, &bytes, &ImportOptions::default()) {
            Ok(x) => x,
            Err(e) => {
                failures.push(format!("{log_name}: import failed: {e}"));
                continue;
            }
        };
        let got = serde_json::to_value(mining::stats(&log)).expect("stats serialise");
        let d = diff(&got, &want);
        eprintln!(
            "{log_name}: {} events, {} cases, {} rejected, {} repaired: {}",
            log.num_events(),
            log.num_cases(),
            report.rejected,
            report.repaired,
            if d.is_empty() { "ok" } else { "DIFFERS" }
        );
        for line in &d {
            failures.push(format!("{log_name}: {line}"));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}
