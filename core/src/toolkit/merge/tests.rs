//! Merge tests: small CSV sources in, the merged table out as `case|activity|source|time`
//! lines; a property test against a brute-force placement.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use expect_test::{expect, Expect};
use proptest::prelude::*;

fn primary(csv: &str) -> EventLog {
    import_bytes("p.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("primary imports")
        .0
}

fn secondary(csv: &str) -> EventLog {
    let mut o = ImportOptions::default();
    o.mapping.case = Some("machine".into());
    import_bytes("s.csv", csv.as_bytes(), &o)
        .expect("secondary imports")
        .0
}

fn render(log: &EventLog, report: &MergeReport) -> String {
    let src = log.event_attribute(SOURCE_ATTR).expect("source attr");
    let mut out = String::new();
    for i in 0..log.num_events() {
        let time = log
            .timestamp(i)
            .map(|t| {
                let m = t.div_euclid(60_000).rem_euclid(1440);
                format!("{:02}:{:02}", m / 60, m % 60)
            })
            .unwrap_or_else(|| "-".into());
        out += &format!(
            "{}|{}|{}|{}\n",
            log.case_ids().resolve(log.case_codes()[i]),
            log.activities().resolve(log.activity_codes()[i]),
            src.get(i).map(|v| v.to_string()).unwrap_or_default(),
            time
        );
    }
    for s in &report.sources {
        out += &format!(
            "{} {}: events {} attached {} entity_level {} unplaced {}\n",
            s.role, s.name, s.events, s.attached, s.entity_level, s.unplaced
        );
    }
    out += &format!(
        "cases {} closed {} entity_cases {} unknown_entities {} multi {}\n",
        report.cases,
        report.closed_cases,
        report.entity_cases,
        report.unknown_entities,
        report.multi_entity_cases
    );
    out
}

fn check(p: &str, secondaries: &[&str], closes: &[&str], expect: Expect) {
    let p = primary(p);
    let logs: Vec<EventLog> = secondaries.iter().map(|s| secondary(s)).collect();
    let names = ["cmd", "err", "x3"];
    let srcs: Vec<MergeSource<'_>> = logs
        .iter()
        .zip(names)
        .map(|(log, name)| MergeSource { name, log })
        .collect();
    let opts = MergeOptions {
        entity: "machine".into(),
        closes: closes.iter().map(|s| s.to_string()).collect(),
    };
    let (log, report) = merge(
        MergeSource {
            name: "states",
            log: &p,
        },
        &srcs,
        &opts,
    )
    .expect("merges");
    assert_eq!(report.events as usize, log.num_events());
    expect.assert_eq(&render(&log, &report));
}

const STATES: &str = "case,activity,timestamp,machine
b1,reserved,2024-01-01 10:00,M1
b1,running,2024-01-01 10:10,M1
b1,logged out,2024-01-01 11:00,M1
b2,reserved,2024-01-01 12:00,M1
b2,running,2024-01-01 12:05,M1
b3,reserved,2024-01-01 12:30,M1
b4,reserved,2024-01-01 10:00,M2
";

#[test]
fn attaches_by_entity_and_time_with_closing_and_open_cases() {
    // 10:00 at b1's start, 11:00 at its closing event (both inside), 11:30 between b1 and b2
    // (entity-level), 12:30 at b3's start (b3: b2 was open until then), M3 unknown, one without
    // a timestamp.
    let cmd = "machine,activity,timestamp,sender
M1,reset,2024-01-01 10:00,h1
M1,reset,2024-01-01 11:00,h1
M1,status,2024-01-01 11:30,o1
M1,reset,2024-01-01 12:29,h2
M1,reset,2024-01-01 12:30,h2
M2,status,2024-01-02 08:00,o1
M3,status,2024-01-01 10:00,o1
M1,status,,o1
";
    let err = "machine,activity,timestamp\nM2,sensor error,2024-01-01 09:59\n";
    check(
        STATES,
        &[cmd, err],
        &["logged out"],
        expect![[r#"
            b1|reserved|states|10:00
            b1|reset|cmd|10:00
            b1|running|states|10:10
            b1|logged out|states|11:00
            b1|reset|cmd|11:00
            b2|reserved|states|12:00
            b2|running|states|12:05
            b2|reset|cmd|12:29
            b3|reserved|states|12:30
            b3|reset|cmd|12:30
            b4|reserved|states|10:00
            b4|status|cmd|08:00
            entity:M1|status|cmd|11:30
            entity:M1|status|cmd|-
            entity:M3|status|cmd|10:00
            entity:M2|sensor error|err|09:59
            primary states: events 7 attached 7 entity_level 0 unplaced 0
            secondary cmd: events 8 attached 5 entity_level 3 unplaced 1
            secondary err: events 1 attached 0 entity_level 1 unplaced 0
            cases 4 closed 1 entity_cases 3 unknown_entities 1 multi 0
        "#]],
    );
}

#[test]
fn without_closing_activities_cases_run_until_the_next_one() {
    let cmd = "machine,activity,timestamp\nM1,status,2024-01-01 11:30\n";
    check(
        STATES,
        &[cmd],
        &[],
        expect![[r#"
            b1|reserved|states|10:00
            b1|running|states|10:10
            b1|logged out|states|11:00
            b1|status|cmd|11:30
            b2|reserved|states|12:00
            b2|running|states|12:05
            b3|reserved|states|12:30
            b4|reserved|states|10:00
            primary states: events 7 attached 7 entity_level 0 unplaced 0
            secondary cmd: events 1 attached 1 entity_level 0 unplaced 0
            cases 4 closed 0 entity_cases 0 unknown_entities 0 multi 0
        "#]],
    );
}

#[test]
fn overlapping_cases_prefer_the_one_that_started_last() {
    // b1 runs 10:00–12:00 (closed), b2 10:30–11:00 (closed) inside it: 10:45 → b2, 11:30 → b1.
    // b3 spans two machines: it runs on the first (M1) and is counted.
    let p = "case,activity,timestamp,machine
b1,start,2024-01-01 10:00,M1
b1,end,2024-01-01 12:00,M1
b2,start,2024-01-01 10:30,M1
b2,end,2024-01-01 11:00,M1
b3,start,2024-01-01 13:00,M1
b3,move,2024-01-01 13:10,M2
";
    let cmd = "machine,activity,timestamp
M1,x,2024-01-01 10:45
M1,y,2024-01-01 11:30
M1,z,2024-01-01 13:05
M2,w,2024-01-01 13:20
";
    check(
        p,
        &[cmd],
        &["end"],
        expect![[r#"
            b1|start|states|10:00
            b1|y|cmd|11:30
            b1|end|states|12:00
            b2|start|states|10:30
            b2|x|cmd|10:45
            b2|end|states|11:00
            b3|start|states|13:00
            b3|z|cmd|13:05
            b3|move|states|13:10
            entity:M2|w|cmd|13:20
            primary states: events 6 attached 6 entity_level 0 unplaced 0
            secondary cmd: events 4 attached 3 entity_level 1 unplaced 0
            cases 3 closed 2 entity_cases 1 unknown_entities 1 multi 1
        "#]],
    );
}

#[test]
fn refusals_name_what_is_wrong() {
    let p = primary(STATES);
    let opts = |e: &str| MergeOptions {
        entity: e.into(),
        closes: vec![],
    };
    let src = MergeSource {
        name: "states",
        log: &p,
    };
    let err = merge(src, &[], &opts("washer")).expect_err("no such attribute");
    expect![[r#"the primary source `states` has no event attribute `washer` to use as entity; name one of its event attributes (machine)"#]]
    .assert_eq(&err.to_string());
    let no_time = primary("case,activity,machine\nb1,a,M1\n");
    let err = merge(
        MergeSource {
            name: "p",
            log: &no_time,
        },
        &[],
        &opts("machine"),
    )
    .expect_err("no timestamps");
    assert_eq!(err, MergeError::PrimaryWithoutTimestamps("p".into()));
    let err = merge(src, &[src], &opts("machine")).expect_err("duplicate");
    assert_eq!(err, MergeError::DuplicateSource("states".into()));
    let with_source = secondary("machine,activity,timestamp,source\nM1,a,2024-01-01 10:00,x\n");
    let err = merge(
        src,
        &[MergeSource {
            name: "s",
            log: &with_source,
        }],
        &opts("machine"),
    )
    .expect_err("reserved");
    assert!(matches!(err, MergeError::ReservedAttribute { .. }), "{err}");
    assert_eq!(
        merge(src, &[], &opts("")).expect_err("empty"),
        MergeError::EmptyEntity
    );
}

#[test]
fn attributes_resources_and_case_attributes_survive() {
    let p = primary(
        "case,activity,timestamp,machine,case:model,resource\nb1,a,2024-01-01 10:00,7,X,alice\n",
    );
    let s = secondary(
        "machine,activity,timestamp,resource,role\n7,reset,2024-01-01 10:05,bob,hotline\n",
    );
    let (log, report) = merge(
        MergeSource { name: "p", log: &p },
        &[MergeSource { name: "s", log: &s }],
        &MergeOptions {
            entity: "machine".into(),
            closes: vec![],
        },
    )
    .expect("merges");
    assert_eq!(report.sources[1].attached, 1);
    let text = |name: &str, i: usize| {
        log.event_attribute(name)
            .and_then(|c| c.get(i))
            .map(|v| v.to_string())
    };
    assert_eq!(text("machine", 1).as_deref(), Some("7"));
    assert_eq!(text("machine", 0).as_deref(), Some("7"));
    assert_eq!(text("role", 1).as_deref(), Some("hotline"));
    assert_eq!(log.resources().resolve(log.resource_codes()[1]), "bob");
    assert_eq!(log.case_attributes().len(), 1);
}

/// Brute force: the case running at `t` on `e` = the latest-starting case whose interval holds t.
fn reference(iv: &Intervals, e: u32, t: i64) -> Option<u32> {
    iv.cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.entity == Some(e))
        .filter_map(|(k, c)| Some((k, c.start?, c.end.unwrap_or(i64::MAX))))
        .filter(|&(_, s, end)| s <= t && t < end)
        .max_by_key(|&(k, s, _)| (s, k))
        .map(|(k, _, _)| k as u32)
}

fn build(events: &[(u8, u8, u8, i64)], case_prefix: &str) -> EventLog {
    let mut b = EventLogBuilder::new();
    for &(case, entity, act, t) in events {
        let c = b.case_code(&format!("{case_prefix}{case}"));
        let a = b.activity_code(["start", "work", "end"][act as usize % 3]);
        let e = b.push_event(c, a, (t >= 0).then_some(t));
        if !case_prefix.is_empty() {
            b.set_event_attr(e, "machine", Value::Str(&format!("M{entity}")));
        }
    }
    b.finish()
}

proptest! {
    #[test]
    fn every_event_lands_once_and_inside_its_case(
        prim in prop::collection::vec((0u8..8, 0u8..3, 0u8..3, 0i64..100), 1..40),
        sec in prop::collection::vec((0u8..4, 0u8..1, 0u8..3, -5i64..110), 0..60),
        close in any::<bool>(),
    ) {
        let p = build(&prim, "b");
        // Secondary case ids are entities: M0..M3 (M3 never appears in the primary).
        let sec: Vec<(u8, u8, u8, i64)> = sec.iter().map(|&(m, _, a, t)| (m, 0, a, t)).collect();
        let mut b = EventLogBuilder::new();
        for &(m, _, a, t) in &sec {
            let c = b.case_code(&format!("M{m}"));
            let a = b.activity_code(["reset", "status", "error"][a as usize % 3]);
            b.push_event(c, a, (t >= 0).then_some(t));
        }
        let s = b.finish();
        let opts = MergeOptions {
            entity: "machine".into(),
            closes: if close { vec!["end".into()] } else { vec![] },
        };
        let (log, report) = merge(
            MergeSource { name: "p", log: &p },
            &[MergeSource { name: "s", log: &s }],
            &opts,
        ).expect("merges");
        prop_assert_eq!(log.num_events(), p.num_events() + s.num_events());
        let src = log.event_attribute(SOURCE_ATTR).expect("source");
        let count = |name: &str| (0..log.num_events())
            .filter(|&i| src.get(i) == Some(Value::Str(name))).count();
        prop_assert_eq!(count("p"), p.num_events());
        prop_assert_eq!(count("s"), s.num_events());
        let iv = case_intervals(&p, "machine", &opts.closes).expect("intervals");
        // Each secondary event: placed where the brute force says, inside that case's interval.
        let machine = log.event_attribute("machine").expect("machine");
        let mut attached = 0;
        for i in (0..log.num_events()).filter(|&i| src.get(i) == Some(Value::Str("s"))) {
            let case_id = log.case_ids().resolve(log.case_codes()[i]);
            let m = machine.get(i).map(|v| v.to_string()).unwrap_or_default();
            let expected = match (iv.entity_code(&m), log.timestamp(i)) {
                (Some(e), Some(t)) => reference(&iv, e, t),
                _ => None,
            };
            match expected {
                Some(c) => {
                    attached += 1;
                    prop_assert_eq!(case_id, p.case_ids().resolve(c));
                    let t = log.timestamp(i).expect("placed events have a time");
                    let ci = iv.cases[c as usize];
                    prop_assert!(ci.start.is_some_and(|s| s <= t));
                    prop_assert!(ci.end.is_none_or(|e| t < e));
                }
                None => prop_assert_eq!(case_id, format!("{ENTITY_CASE_PREFIX}{m}")),
            }
        }
        prop_assert_eq!(report.sources[1].attached, attached);
        prop_assert_eq!(report.entity_level_events, s.num_events() as u64 - attached);
    }
}

#[test]
fn a_million_events_merge_quickly() {
    // Not a timed test: a size check that the merge is linear enough to run in debug builds.
    let mut b = EventLogBuilder::new();
    let acts = [b.activity_code("start"), b.activity_code("end")];
    for k in 0..20_000u32 {
        let c = b.case_code(&format!("b{k}"));
        let t = i64::from(k / 100) * 1_000;
        for (j, &a) in acts.iter().enumerate() {
            let e = b.push_event(c, a, Some(t + j as i64 * 500));
            b.set_event_attr(e, "machine", Value::Str(&format!("M{}", k % 100)));
        }
    }
    let p = b.finish();
    let mut b = EventLogBuilder::new();
    let a = b.activity_code("ping");
    for m in 0..100 {
        let c = b.case_code(&format!("M{m}"));
        for t in 0..1_000 {
            b.push_event(c, a, Some(t * 200));
        }
    }
    let s = b.finish();
    let (log, report) = merge(
        MergeSource { name: "p", log: &p },
        &[MergeSource { name: "s", log: &s }],
        &MergeOptions {
            entity: "machine".into(),
            closes: vec!["end".into()],
        },
    )
    .expect("merges");
    assert_eq!(log.num_events(), 140_000);
    assert_eq!(
        report.sources[1].attached + report.entity_level_events,
        100_000
    );
}
