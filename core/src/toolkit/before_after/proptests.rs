//! Property test: on random small logs (machines, sources, customers, timestamps with ties,
//! entity-level events), [`before_after`] equals a naive reference that walks from each
//! occurrence to its neighbour.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::log::Value;
use proptest::prelude::*;

/// (case, activity, minute, machine, source, customer) rows.
type Row = (u8, u8, u16, u8, u8, u8);

fn csv_of(rows: &[Row]) -> String {
    let mut s = String::from("case,activity,timestamp,machine,source,customer\n");
    for &(case, act, minute, machine, source, customer) in rows {
        let case = if case == 5 {
            "entity:M1".to_string()
        } else {
            format!("c{case}")
        };
        let machine = ["M1", "M2", ""][machine as usize % 3];
        let customer = ["u1", "u2", ""][customer as usize % 3];
        let _ = std::fmt::Write::write_fmt(
            &mut s,
            format_args!(
                "{case},{},2024-01-01 {:02}:{:02},{machine},{},{customer}\n",
                ["a", "b", "x"][act as usize % 3],
                10 + minute / 60,
                minute % 60,
                ["s", "c"][source as usize % 2],
            ),
        );
    }
    s
}

/// The reference: walk from `i` through `order` (event indices in scope order) to the first
/// event that passes `ok`.
fn walk(order: &[usize], i: usize, forward: bool, ok: impl Fn(usize) -> bool) -> Option<usize> {
    let p = order.iter().position(|&e| e == i)?;
    if forward {
        order[p + 1..].iter().copied().find(|&e| ok(e))
    } else {
        order[..p].iter().rev().copied().find(|&e| ok(e))
    }
}

fn naive_side(log: &EventLog, side: &Side, forward: bool, same: &str) -> SideResult {
    let acts = log.activity_codes();
    let case = log.case_codes();
    let x = log.activities().lookup("x").unwrap_or(u32::MAX);
    let str_of = |name: &str, e: usize| match log.event_attribute(name).and_then(|c| c.get(e)) {
        Some(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let cond_ok = |e: usize| match &side.only {
        None => true,
        Some(c) => str_of(&c.attribute, e).as_deref() == Some(c.value.as_str()),
    };
    let value = |e: usize| {
        str_of(same, e).or_else(|| log.case_events(case[e]).find_map(|j| str_of(same, j)))
    };
    let mut labels = Vec::new();
    let (mut seconds, mut compared, mut equal) = (Vec::new(), 0u64, 0u64);
    for i in (0..log.num_events()).filter(|&i| acts[i] == x) {
        let nb = match &side.scope {
            Scope::Case => {
                let order: Vec<usize> = log.case_events(case[i]).collect();
                Some(walk(&order, i, forward, cond_ok))
            }
            Scope::Entity {
                attribute,
                other_cases,
            } => str_of(attribute, i).map(|m| {
                let mut order: Vec<usize> = (0..log.num_events())
                    .filter(|&e| str_of(attribute, e).as_deref() == Some(m.as_str()))
                    .collect();
                order.sort_by_key(|&e| (log.timestamp(e), e));
                walk(&order, i, forward, |e| {
                    cond_ok(e)
                        && (!other_cases
                            || (case[e] != case[i]
                                && !log.case_ids().resolve(case[e]).starts_with("entity:")))
                })
            }),
        };
        labels.push(match nb {
            None => NO_ENTITY.to_string(),
            Some(None) if !forward && side.scope == Scope::Case => CASE_START.to_string(),
            Some(None) => NOTHING.to_string(),
            Some(Some(j)) => {
                let (ti, tj) = (log.timestamp(i).unwrap_or(0), log.timestamp(j).unwrap_or(0));
                let dt = (if forward { tj - ti } else { ti - tj }) as f64 / 1000.0;
                seconds.push(dt);
                if let (Some(a), Some(b)) = (value(i), value(j)) {
                    compared += 1;
                    equal += u64::from(a == b);
                }
                log.activities().resolve(acts[j]).to_string()
            }
        });
    }
    SideResult {
        distribution: Distribution::from_counts(labels.into_iter().map(|l| (l, 1))),
        seconds: Quantiles::of(&mut seconds),
        same: Some(Same {
            attribute: same.to_string(),
            compared,
            equal,
            share: if compared == 0 {
                0.0
            } else {
                equal as f64 / compared as f64
            },
            seconds_when_equal: None,
            seconds_when_different: None,
        }),
    }
}

fn scope_of(kind: u8) -> Scope {
    match kind % 3 {
        0 => Scope::Case,
        1 => Scope::Entity {
            attribute: "machine".into(),
            other_cases: false,
        },
        _ => Scope::Entity {
            attribute: "machine".into(),
            other_cases: true,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn equals_the_naive_reference(
        rows in prop::collection::vec((0u8..6, 0u8..3, 0u16..240, 0u8..3, 0u8..2, 0u8..3), 1..40),
        before_kind in 0u8..3,
        after_kind in 0u8..3,
        conditions in 0u8..4,
    ) {
        let csv = csv_of(&rows);
        let log = import_bytes("p.csv", csv.as_bytes(), &ImportOptions::default()).expect("imports").0;
        prop_assume!(log.activities().lookup("x").is_some());
        let only = |on: bool| on.then(|| Condition { attribute: "source".into(), value: "s".into() });
        let has_s = log.event_attribute("source").is_some_and(|c| (0..c.len()).any(|i| c.get(i) == Some(Value::Str("s"))));
        let query = Query {
            activity: "x".into(),
            before: Side { scope: scope_of(before_kind), only: only(conditions & 1 == 1 && has_s) },
            after: Side { scope: scope_of(after_kind), only: only(conditions & 2 == 2 && has_s) },
            same_as: log.event_attribute("customer").map(|_| "customer".to_string()),
            ..Query::default()
        };
        prop_assume!(log.event_attribute("machine").is_some());
        let got = before_after(&log, &query).expect("answers");
        for (side, forward, got) in [(&query.before, false, &got.overall.before), (&query.after, true, &got.overall.after)] {
            let want = naive_side(&log, side, forward, "customer");
            prop_assert_eq!(&got.distribution, &want.distribution, "{}", csv);
            prop_assert_eq!(&got.seconds, &want.seconds, "{}", csv);
            if let (Some(g), Some(w)) = (&got.same, &want.same) {
                prop_assert_eq!((g.compared, g.equal), (w.compared, w.equal), "{}", csv);
            }
        }
    }
}
