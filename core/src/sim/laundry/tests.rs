//! Laundry simulator tests: determinism, clean import, truth equal to a plain scan of the CSV
//! text, and a merge that puts every planted reset into its booking.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::log::{EventLog, Value};
use crate::toolkit::entity::ENTITY_CASE_PREFIX;
use crate::toolkit::merge::{merge, MergeOptions, MergeSource, SOURCE_ATTR};
use std::collections::BTreeMap;

fn small() -> LaundryConfig {
    LaundryConfig {
        bookings: 6_000,
        machines: 20,
        days: 40,
        rate_random_reset: 0.002,
        // Higher rates than the default so a small run plants enough of each.
        rate_reserved: 0.02,
        rate_card: 0.02,
        rate_finish: 0.04,
        ..LaundryConfig::default()
    }
}

fn import(name: &str, bytes: &[u8], case: &str, activity: &str) -> EventLog {
    let mut o = ImportOptions::default();
    o.mapping.case = Some(case.into());
    o.mapping.activity = Some(activity.into());
    let (log, report) = import_bytes(name, bytes, &o).expect("imports");
    assert_eq!(
        (report.rejected, report.repaired),
        (0, 0),
        "{name}: {:?}",
        report.issues.first()
    );
    log
}

fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    std::str::from_utf8(bytes)
        .expect("utf8")
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generate(&small());
    assert_eq!(a, generate(&small()));
    let b = generate(&LaundryConfig { seed: 7, ..small() });
    assert_ne!(a.states, b.states);
    assert_eq!(a.truth.bookings, 6_000);
}

#[test]
fn sources_import_cleanly_and_truth_matches_a_plain_scan() {
    let data = generate(&small());
    let t = &data.truth;
    let states = import("states.csv", &data.states, "booking", "state");
    let commands = import("commands.csv", &data.commands, "machine", "command");
    let errors = import("errors.csv", &data.errors, "machine", "error");
    assert_eq!(states.num_events() as u64, t.state_rows);
    assert_eq!(states.num_cases() as u64, t.bookings);
    assert_eq!(commands.num_events() as u64, t.command_rows);
    assert_eq!(errors.num_events() as u64, t.error_rows);

    // Scan: per machine, the state rows in time order (timestamps sort as text).
    let state_rows = rows(&data.states);
    let mut by_machine: BTreeMap<&str, Vec<&Vec<String>>> = BTreeMap::new();
    for r in &state_rows {
        by_machine.entry(r[1].as_str()).or_default().push(r);
    }
    let mut by_state: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_role: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut same, mut other) = (0, 0);
    let command_rows = rows(&data.commands);
    for c in command_rows.iter().filter(|c| c[1] == "reset") {
        let list = &by_machine[c[0].as_str()];
        let i = list.partition_point(|s| s[3] <= c[2]);
        let previous = list[i - 1];
        *by_state.entry(previous[2].as_str()).or_default() += 1;
        *by_role.entry(c[4].as_str()).or_default() += 1;
        if previous[2] == "reserved" {
            if let Some(next) = list.get(i) {
                if next[4] == previous[4] && next[3].as_str() <= plus_minutes(&c[2], 5).as_str() {
                    same += 1;
                } else {
                    other += 1;
                }
            }
        }
    }
    let count = |s: &str| by_state.get(s).copied().unwrap_or(0);
    assert_eq!(count("reserved"), t.resets_reserved);
    assert_eq!(count("waiting for door opening"), t.resets_card);
    assert_eq!(count("finish booking"), t.resets_finish);
    assert_eq!(count("running"), t.resets_random);
    assert_eq!(by_state.values().sum::<u64>(), t.resets);
    assert_eq!(by_role.get("hotline").copied(), Some(t.resets_by_hotline));
    assert_eq!(
        by_role.get("object manager").copied(),
        Some(t.resets_by_object_manager)
    );
    assert_eq!(
        (same, other),
        (t.rebooked_same_customer, t.rebooked_other_customer)
    );
    let sensor = rows(&data.errors)
        .iter()
        .filter(|e| e[1] == "sensor error")
        .count() as u64;
    assert_eq!(sensor, t.sensor_errors);
    // Every cause was planted, and the finish resets wait far longer.
    assert!(t.resets_reserved > 0 && t.resets_card > 0 && t.resets_finish > 0);
    assert!(t.resets_random > 0 && t.sensor_errors > 0);
    assert!(t.mean_minutes_to_reset_finish > 5.0 * t.mean_minutes_to_reset_card);
    assert!(t.resets_after_sensor_error * 10 < t.resets);
}

/// `YYYY-MM-DD HH:MM:SS` plus `m` minutes (no day roll-over needed within a test's slack: a
/// roll-over only makes the bound larger than text comparison can see, so clamp to 23:59:59).
fn plus_minutes(ts: &str, m: i64) -> String {
    let (date, time) = ts.split_at(11);
    let parts: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().expect("number"))
        .collect();
    let secs = (parts[0] * 3600 + parts[1] * 60 + parts[2] + m * 60).min(86_399);
    format!(
        "{date}{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[test]
fn merging_puts_every_planted_reset_into_its_booking() {
    let data = generate(&LaundryConfig::default());
    let states = import("states.csv", &data.states, "booking", "state");
    let commands = import("commands.csv", &data.commands, "machine", "command");
    let errors = import("errors.csv", &data.errors, "machine", "error");
    let (log, report) = merge(
        MergeSource {
            name: "states",
            log: &states,
        },
        &[
            MergeSource {
                name: "commands",
                log: &commands,
            },
            MergeSource {
                name: "errors",
                log: &errors,
            },
        ],
        &MergeOptions {
            entity: "machine".into(),
            closes: vec!["logged out".into()],
        },
    )
    .expect("merges");
    let t = &data.truth;
    assert_eq!(
        report.events,
        t.state_rows + t.command_rows + t.error_rows,
        "every row is one event"
    );
    let reset = log.activities().lookup("reset").expect("resets exist");
    let src = log.event_attribute(SOURCE_ATTR).expect("source");
    let mut in_booking = 0;
    for i in 0..log.num_events() {
        if log.activity_codes()[i] != reset {
            continue;
        }
        assert_eq!(src.get(i), Some(Value::Str("commands")));
        let case = log.case_ids().resolve(log.case_codes()[i]);
        assert!(!case.starts_with(ENTITY_CASE_PREFIX), "reset {i} in {case}");
        in_booking += 1;
    }
    assert_eq!(in_booking, t.resets);
    assert_eq!(report.cases, t.bookings);
    assert_eq!(report.unplaced, 0);
}
