//! Spur's filters keep what pm4py's keep on the shared real logs.
//!
//! `core/test_data/filters/pm4py-filters.json` holds, per log and filter, the case and event
//! counts pm4py's pandas filters produce (written by `bench/pm4py-filters.py`, pm4py version
//! recorded in the file). Each entry's `filter` is Spur's text form of the same filter; this
//! test applies it and compares the counts exactly.
//!
//! One documented difference: pm4py's `filter_between` makes every sub-case a case of its own
//! (`id##@@n`), Spur keeps the sub-case events under their original case. For `between:`
//! entries the event counts must be equal and Spur's case count must equal the number of
//! original cases pm4py's sub-cases come from (`source_cases`).

mod support;
use serde::Deserialize;
use spur_core::import::{import_bytes, ImportOptions};
use spur_core::log::EventLog;
use spur_core::toolkit::filter::{apply, Filter};
use std::collections::BTreeMap;
use support::shared_data;

#[derive(Deserialize)]
struct Reference {
    pm4py_version: String,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    log: String,
    filter: String,
    pm4py: String,
    cases: usize,
    events: usize,
    source_cases: Option<usize>,
}

#[test]
fn filters_agree_with_pm4py_on_the_shared_logs() {
    let Some(data) = shared_data("filter_pm4py") else {
        return;
    };
    let text = include_str!("../test_data/filters/pm4py-filters.json");
    let reference: Reference = serde_json::from_str(text).expect("reference JSON");
    assert!(reference.pm4py_version.starts_with("2."));
    let mut logs: BTreeMap<String, EventLog> = BTreeMap::new();
    let mut failures = Vec::new();
    for e in &reference.entries {
        let log = logs.entry(e.log.clone()).or_insert_with(|| {
            let bytes = std::fs::read(data.join("eventlogs").join(&e.log)).expect("log file");
            import_bytes(&e.log, &bytes, &ImportOptions::default())
                .expect("imports")
                .0
        });
        let filter: Filter = e.filter.parse().unwrap_or_else(|err| panic!("{err}"));
        let out = match apply(log, &filter) {
            Ok(out) => out,
            Err(err) => {
                failures.push(format!("{} {}: {err}", e.log, e.filter));
                continue;
            }
        };
        let want_cases = e.source_cases.unwrap_or(e.cases);
        let got = (out.log.num_cases(), out.log.num_events());
        if got != (want_cases, e.events) {
            failures.push(format!(
                "{} `{}` (pm4py {}): Spur keeps {} cases / {} events, pm4py {} / {}",
                e.log, e.filter, e.pm4py, got.0, got.1, want_cases, e.events
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} disagree:\n{}",
        failures.len(),
        reference.entries.len(),
        failures.join("\n")
    );
}
