//! Data-driven tests: a small laundry log in, a query as JSON, the result as compact text out.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use expect_test::{expect, Expect};
use std::fmt::Write as _;

/// Bookings b1–b5 on machines M1–M3: a reset in `reserved` followed by a re-booking of the same
/// customer 2 minutes later; a reset in `finish booking` 4 hours after the state, after a sensor
/// error, followed 3 hours later by another customer; a remote start then reset; a reset with no
/// state before it.
const LAUNDRY: &str = "\
case,activity,timestamp,resource,source,machine,customer,sender_role
b1,reserved,2024-01-01 10:00,,states,M1,c1,
b1,reset,2024-01-01 10:05,ann,commands,M1,,hotline
b2,reserved,2024-01-01 10:07,,states,M1,c1,
b2,finish booking,2024-01-01 11:00,,states,M1,c1,
b2,reset,2024-01-01 15:00,olaf,commands,M1,,object manager
b3,waiting for door opening,2024-01-01 10:00,,states,M2,c2,
b3,start booking,2024-01-01 10:01,ann,commands,M2,,hotline
b3,reset,2024-01-01 10:02,ann,commands,M2,,hotline
b4,reserved,2024-01-01 18:00,,states,M1,c3,
entity:M1,sensor error,2024-01-01 14:30,,errors,M1,,
b5,reset,2024-01-01 09:00,olaf,commands,M3,,object manager
";

fn log_of(csv: &str) -> EventLog {
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("test log imports")
        .0
}

fn check(csv: &str, query: &str, want: Expect) {
    let query: Query = serde_json::from_str(query).expect("query JSON");
    let got = match before_after(&log_of(csv), &query) {
        Ok(r) => render(&r),
        Err(e) => format!("error: {e}\n"),
    };
    want.assert_eq(&got);
}

fn render(r: &BeforeAfter) -> String {
    let mut o = format!("{}: {}\n", r.activity, r.occurrences);
    block(&mut o, "", &r.overall);
    if let Some(by) = &r.by {
        let _ = writeln!(o, "by {}:", by.attribute);
        for g in &by.groups {
            let _ = writeln!(o, "  {} ({:.2}):", g.value, g.share);
            block(&mut o, "    ", &g.block);
        }
    }
    o
}

fn block(o: &mut String, indent: &str, b: &Block) {
    for (name, s) in [("before", &b.before), ("after", &b.after)] {
        let dist: Vec<String> = s
            .distribution
            .0
            .iter()
            .map(|r| format!("{} {}", r.value, r.count))
            .collect();
        let _ = writeln!(
            o,
            "{indent}{name}: {}{}",
            dist.join(", "),
            quantiles(&s.seconds)
        );
        if let Some(same) = &s.same {
            let _ = writeln!(
                o,
                "{indent}  same {}: {}/{}, equal{}, different{}",
                same.attribute,
                same.equal,
                same.compared,
                quantiles(&same.seconds_when_equal),
                quantiles(&same.seconds_when_different)
            );
        }
    }
    for d in &b.describe {
        let dist: Vec<String> = d
            .distribution
            .0
            .iter()
            .map(|r| format!("{} {}", r.value, r.count))
            .collect();
        let _ = writeln!(o, "{indent}{}: {}", d.attribute, dist.join(", "));
    }
    if let Some(p) = &b.preceded_by {
        let _ = writeln!(
            o,
            "{indent}preceded by {} within {}s: {} ({:.2})",
            p.activity, p.within_seconds, p.count, p.share
        );
    }
}

fn quantiles(q: &Option<Quantiles>) -> String {
    match q {
        None => String::new(),
        Some(q) => format!(
            " [n={} min {} median {} max {} mean {}]",
            q.count, q.min, q.median, q.max, q.mean
        ),
    }
}

#[test]
fn previous_event_and_next_within_the_case() {
    check(
        LAUNDRY,
        r#"{"activity": "reset"}"#,
        expect![[r#"
            reset: 4
            before: (case start) 1, finish booking 1, reserved 1, start booking 1 [n=3 min 60 median 300 max 14400 mean 4920]
            after: (none) 4
        "#]],
    );
}

#[test]
fn previous_state_with_a_condition_and_role_shares_per_state() {
    check(
        LAUNDRY,
        r#"{"activity": "reset", "before": {"only": {"attribute": "source", "value": "states"}},
            "by": "previous", "describe": ["sender_role"]}"#,
        expect![[r#"
            reset: 4
            before: (case start) 1, finish booking 1, reserved 1, waiting for door opening 1 [n=3 min 120 median 300 max 14400 mean 4940]
            after: (none) 4
            sender_role: hotline 2, object manager 2
            by @previous:
              (case start) (0.25):
                before: (case start) 1
                after: (none) 1
                sender_role: object manager 1
              finish booking (0.25):
                before: finish booking 1 [n=1 min 14400 median 14400 max 14400 mean 14400]
                after: (none) 1
                sender_role: object manager 1
              reserved (0.25):
                before: reserved 1 [n=1 min 300 median 300 max 300 mean 300]
                after: (none) 1
                sender_role: hotline 1
              waiting for door opening (0.25):
                before: waiting for door opening 1 [n=1 min 120 median 120 max 120 mean 120]
                after: (none) 1
                sender_role: hotline 1
        "#]],
    );
}

#[test]
fn next_booking_on_the_machine_same_customer_split_and_sensor_errors() {
    check(
        LAUNDRY,
        r#"{"activity": "reset",
            "after": {"scope": {"entity": {"attribute": "machine", "other_cases": true}}},
            "same_as": "customer", "by": {"attribute": "sender_role"},
            "preceded_by": {"activity": "sensor error", "within_ms": 3600000,
                            "scope": {"entity": {"attribute": "machine"}}}}"#,
        expect![[r#"
            reset: 4
            before: (case start) 1, finish booking 1, reserved 1, start booking 1 [n=3 min 60 median 300 max 14400 mean 4920]
              same customer: 3/3, equal [n=3 min 60 median 300 max 14400 mean 4920], different
            after: (none) 2, reserved 2 [n=2 min 120 median 5460 max 10800 mean 5460]
              same customer: 1/2, equal [n=1 min 120 median 120 max 120 mean 120], different [n=1 min 10800 median 10800 max 10800 mean 10800]
            preceded by sensor error within 3600s: 1 (0.25)
            by sender_role:
              hotline (0.50):
                before: reserved 1, start booking 1 [n=2 min 60 median 180 max 300 mean 180]
                  same customer: 2/2, equal [n=2 min 60 median 180 max 300 mean 180], different
                after: (none) 1, reserved 1 [n=1 min 120 median 120 max 120 mean 120]
                  same customer: 1/1, equal [n=1 min 120 median 120 max 120 mean 120], different
                preceded by sensor error within 3600s: 0 (0.00)
              object manager (0.50):
                before: (case start) 1, finish booking 1 [n=1 min 14400 median 14400 max 14400 mean 14400]
                  same customer: 1/1, equal [n=1 min 14400 median 14400 max 14400 mean 14400], different
                after: (none) 1, reserved 1 [n=1 min 10800 median 10800 max 10800 mean 10800]
                  same customer: 0/1, equal, different [n=1 min 10800 median 10800 max 10800 mean 10800]
                preceded by sensor error within 3600s: 1 (0.50)
        "#]],
    );
}

#[test]
fn entity_scope_without_other_cases_and_events_without_entity() {
    let csv = "case,activity,timestamp,machine\n\
               a,x,2024-01-01 10:00,M1\n\
               b,y,2024-01-01 10:01,M1\n\
               a,z,2024-01-01 10:02,M1\n\
               c,x,2024-01-01 10:03,\n";
    check(
        csv,
        r#"{"activity": "x", "before": {"scope": {"entity": {"attribute": "machine"}}},
            "after": {"scope": {"entity": {"attribute": "machine"}}}, "by": "next"}"#,
        expect![[r#"
            x: 2
            before: (no entity) 1, (none) 1
            after: (no entity) 1, y 1 [n=1 min 60 median 60 max 60 mean 60]
            by @next:
              (no entity) (0.50):
                before: (no entity) 1
                after: (no entity) 1
              y (0.50):
                before: (none) 1
                after: y 1 [n=1 min 60 median 60 max 60 mean 60]
        "#]],
    );
}

#[test]
fn bad_queries_name_the_problem() {
    check(
        LAUNDRY,
        r#"{"activity": "Reset"}"#,
        expect![[r#"
            error: the log has no activity `Reset` (did you mean `reset`?)
        "#]],
    );
    check(
        LAUNDRY,
        r#"{"activity": "reset", "same_as": "costumer"}"#,
        expect![[r#"
            error: the log has no attribute `costumer` (did you mean `customer`?); its attributes are: activity, resource, source, machine, customer, sender_role
        "#]],
    );
    check(
        LAUNDRY,
        r#"{"activity": "reset", "before": {"only": {"attribute": "source", "value": "state"}}}"#,
        expect![[r#"
            error: attribute `source` never has the value `state` (did you mean `states`?)
        "#]],
    );
    check(
        LAUNDRY,
        r#"{"activity": "reset", "after": {"scope": {"entity": {"attribute": "mashine"}}}}"#,
        expect![[r#"
            error: the log has no event attribute `mashine` to use as entity; name one of its event attributes (source, machine, customer, sender_role)
        "#]],
    );
    check(
        LAUNDRY,
        r#"{"activity": "reset", "preceded_by": {"activity": "sensor error", "within_ms": -1}}"#,
        expect![[r#"
            error: the `preceded by` window must not be negative (got -1 ms)
        "#]],
    );
}

#[test]
fn result_json_shape() {
    let q: Query = serde_json::from_str(r#"{"activity": "start booking", "same_as": "resource"}"#)
        .expect("query");
    let r = before_after(&log_of(LAUNDRY), &q).expect("ok");
    let json = serde_json::to_value(&r).expect("json");
    expect![[r#"{"activity":"start booking","by":null,"occurrences":1,"overall":{"after":{"distribution":[{"count":1,"share":1.0,"value":"reset"}],"same":{"attribute":"resource","compared":1,"equal":1,"seconds_when_different":null,"seconds_when_equal":{"count":1,"max":60.0,"mean":60.0,"median":60.0,"min":60.0,"p10":60.0,"p25":60.0,"p75":60.0,"p90":60.0},"share":1.0},"seconds":{"count":1,"max":60.0,"mean":60.0,"median":60.0,"min":60.0,"p10":60.0,"p25":60.0,"p75":60.0,"p90":60.0}},"before":{"distribution":[{"count":1,"share":1.0,"value":"waiting for door opening"}],"same":{"attribute":"resource","compared":1,"equal":1,"seconds_when_different":null,"seconds_when_equal":{"count":1,"max":60.0,"mean":60.0,"median":60.0,"min":60.0,"p10":60.0,"p25":60.0,"p75":60.0,"p90":60.0},"share":1.0},"seconds":{"count":1,"max":60.0,"mean":60.0,"median":60.0,"min":60.0,"p10":60.0,"p25":60.0,"p75":60.0,"p90":60.0}},"describe":[],"occurrences":1,"preceded_by":null}}"#]]
    .assert_eq(&json.to_string());
}
