//! Golden test: Spur's OCEL statistics equal pm4py's on the shared OCEL 2.0 example, in all
//! three formats (JSON, XML, SQLite), and the formats agree with each other.
//!
//! For every `golden/ocel/<file>.json`, `eventlogs/<file>` is imported with
//! [`import_ocel`] and [`ocel_stats`] is compared with it exactly (object keys in any order).
//!
//! One pm4py bug is reproduced here, not in Spur: pm4py 2.7.23's dataframe variants
//! (`pandas_numpy_variants.apply`) discard their own sort by case (`sort_values` without
//! assignment) and read each case as the contiguous window of rows starting at the case's
//! first row. On a flattened frame (rows in event-time order, cases interleaved) that gives
//! wrong variants (e.g. `Insert Invoice, Insert Invoice` for an invoice that was paid), while
//! pm4py's own DFG and start/end activities of the same frame are right. Spur's variants are
//! the real ones; [`pm4py_window_variants`] computes pm4py's windows so the rest of the file
//! can be compared exactly, and the real variants are checked against the DFG's case count.
//!
//! The data stays outside the repository (`../shared/data`, or `$SPUR_SHARED_DATA`); when it is
//! missing the test skips loudly, except under `CI`, where it fails.

mod support;
use serde_json::Value;
use spur_core::ocel::export::to_json;
use spur_core::ocel::import::import_ocel;
use spur_core::ocel::sqlite::write::to_sqlite;
use spur_core::ocel::stats::{ocel_stats, OcelStats};
use spur_core::ocel::OcelLog;
use std::collections::BTreeMap;
use std::path::PathBuf;
use support::shared_data;

/// Paths where `got` differs from `want`.
fn diff(path: &str, got: &Value, want: &Value, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => diff(&format!("{path}.{k}"), gv, wv, out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
            for k in g.keys().filter(|k| !w.contains_key(*k)) {
                out.push(format!("{path}.{k}: not in the golden file"));
            }
        }
        _ if got != want => out.push(format!("{path}: got {got}, want {want}")),
        _ => {}
    }
}

/// pm4py 2.7.23's variants of the frame flattened on `object_type` (see the module doc): rows
/// in event-time order (an event once per related object of the type, objects in file order),
/// cases sorted by id, each case read as `count` rows from its first row.
fn pm4py_window_variants(log: &OcelLog, object_type: &str) -> Value {
    let ot = log.object_types().lookup(object_type).expect("type");
    let mut rows: Vec<(&str, &str)> = Vec::new();
    for e in log.time_order() {
        let mut objects: Vec<u32> = log.e2o(e as usize).0.to_vec();
        objects.sort_unstable();
        objects.dedup();
        for o in objects {
            if log.object_type_codes()[o as usize] == ot {
                let act = log
                    .event_types()
                    .resolve(log.event_type_codes()[e as usize]);
                rows.push((log.object_ids().resolve(o), act));
            }
        }
    }
    let mut first: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, (case, _)) in rows.iter().enumerate() {
        first.entry(case).or_insert((i, 0)).1 += 1;
    }
    let mut counts: BTreeMap<Vec<&str>, u64> = BTreeMap::new();
    for (start, n) in first.values() {
        let window = rows[*start..(*start + *n).min(rows.len())]
            .iter()
            .map(|r| r.1)
            .collect();
        *counts.entry(window).or_default() += 1;
    }
    let mut v: Vec<(Vec<&str>, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    serde_json::to_value(v).expect("serialise")
}

#[test]
fn ocel_stats_equal_pm4py_in_every_format() {
    let Some(dir) = shared_data("ocel golden") else {
        return;
    };
    let mut golden: Vec<PathBuf> = std::fs::read_dir(dir.join("golden/ocel"))
        .expect("golden/ocel readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    golden.sort();
    assert!(
        golden.len() >= 3,
        "expected the three OCEL formats in golden/ocel"
    );
    let mut failures = Vec::new();
    let mut all: Vec<(String, OcelStats)> = Vec::new();
    for g in &golden {
        let name = g
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8")
            .to_string();
        let want: Value =
            serde_json::from_slice(&std::fs::read(g).expect("golden readable")).expect("JSON");
        let bytes = std::fs::read(dir.join("eventlogs").join(&name)).expect("OCEL readable");
        let (log, report) = match import_ocel(&name, &bytes) {
            Ok(x) => x,
            Err(e) => {
                failures.push(format!("{name}: import failed: {e}"));
                continue;
            }
        };
        let stats = ocel_stats(&log);
        let mut got = serde_json::to_value(&stats).expect("serialise");
        for (ty, flat) in &stats.flattened {
            let cases: u64 = flat.variants.iter().map(|v| v.1).sum();
            let events: u64 = flat.variants.iter().map(|v| v.0.len() as u64 * v.1).sum();
            if (cases, events) != (flat.cases, flat.events) {
                failures.push(format!(
                    "{name}: {ty}: variants do not cover the cases and events"
                ));
            }
            got["flattened"][ty]["variants"] = pm4py_window_variants(&log, ty);
        }
        let mut d = Vec::new();
        diff("", &got, &want, &mut d);
        eprintln!(
            "{name}: {} events, {} objects, {} issues: {}",
            log.num_events(),
            log.num_objects(),
            report.issue_count,
            if d.is_empty() { "ok" } else { "DIFFERS" }
        );
        failures.extend(d.into_iter().map(|l| format!("{name}: {l}")));
        // Export → import keeps every number, in both written formats.
        let again = import_ocel("again.jsonocel", &to_json(&log)).expect("re-import");
        if ocel_stats(&again.0) != stats {
            failures.push(format!(
                "{name}: OCEL 2.0 JSON export/import changes the statistics"
            ));
        }
        let sqlite = to_sqlite(&log).expect("writes SQLite");
        let again = import_ocel("again.sqlite", &sqlite).expect("re-import SQLite");
        if ocel_stats(&again.0) != stats {
            failures.push(format!(
                "{name}: OCEL 2.0 SQLite export/import changes the statistics"
            ));
        }
        all.push((name, stats));
    }
    for w in all.windows(2) {
        if w[0].1 != w[1].1 {
            failures.push(format!(
                "{} and {} give different statistics",
                w[0].0, w[1].0
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "OCEL golden mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn damaged_sqlite_files_give_located_errors() {
    let Some(dir) = shared_data("ocel sqlite damage") else {
        return;
    };
    let bytes = std::fs::read(dir.join("eventlogs/ocel20_example.sqlite")).expect("readable");
    // Truncated at every page boundary and mid-page, and with flipped bytes page by page.
    for cut in (0..bytes.len()).step_by(2048) {
        if let Err(e) = import_ocel("cut.sqlite", &bytes[..cut]) {
            assert!(!e.to_string().is_empty());
        }
    }
    for at in (100..bytes.len()).step_by(97) {
        let mut m = bytes.clone();
        m[at] ^= 0xA5;
        let _ = import_ocel("flipped.sqlite", &m);
    }
    let err = import_ocel("cut.sqlite", &bytes[..4096]).expect_err("schema pages only");
    assert!(err.to_string().contains("outside the file"), "{err}");
}
