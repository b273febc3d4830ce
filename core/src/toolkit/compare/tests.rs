//! Data-driven tests of `compare`: small logs in, the ranked table out; and property tests
//! against a naive reference for the contingency counts and the DFG difference.

use super::judge::is_constant;
use super::*;
use crate::import::{import_bytes, ImportOptions};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

fn log(csv: &str) -> EventLog {
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0
}

/// One line per attribute: rank order, kind, effect, p, flags and the top two values.
fn render(c: &Comparison) -> String {
    let mut s = format!(
        "A {} | B {} | both {}\n",
        c.cases_a, c.cases_b, c.cases_in_both
    );
    for a in &c.attributes {
        let flags = match (a.informative, a.constant, a.no_difference) {
            (true, _, _) => "informative".to_string(),
            (_, true, true) => "constant, no difference".to_string(),
            (_, true, false) => "constant".to_string(),
            _ => "no difference".to_string(),
        };
        let what = match &a.detail {
            Detail::Categorical { values, .. } => values
                .iter()
                .take(2)
                .map(|v| format!("{} {}/{}", v.value, v.count_a, v.count_b))
                .collect::<Vec<_>>()
                .join(", "),
            Detail::Numeric { a, b, .. } => format!(
                "median {}/{}",
                a.median.unwrap_or(f64::NAN),
                b.median.unwrap_or(f64::NAN)
            ),
        };
        let _ = writeln!(
            s,
            "{:<22} {:<7} {:.3} p={:.4} {flags} [{what}]",
            a.name,
            format!("{:?}", a.source).to_lowercase(),
            a.effect,
            a.p_value
        );
    }
    s
}

/// 60 bookings: A = the 20 with a reset. The model is split alike in A and B, the version is
/// the same everywhere, the state before the end differs, resets take longer.
fn laundry() -> (EventLog, Vec<bool>) {
    let mut csv =
        String::from("case,activity,timestamp,resource,state,case:model,case:version,case:price\n");
    for c in 0..60 {
        let reset = c < 20;
        let model = if c % 2 == 0 { "W1" } else { "W2" };
        let version = "v2.0";
        let price = if reset { 3 + c % 3 } else { 2 + c % 3 };
        let state = if reset && c % 4 != 0 {
            "finish"
        } else {
            "idle"
        };
        let who = if reset { "manager" } else { "app" };
        let minutes = if reset { 90 + c } else { 40 + c % 7 };
        let _ = writeln!(
            csv,
            "b{c},book,2024-01-01 10:{:02},app,idle,{model},{version},{price}",
            c % 60
        );
        let _ = writeln!(
            csv,
            "b{c},run,2024-01-01 11:{:02},app,{state},{model},{version},{price}",
            c % 60
        );
        let end = if reset { "reset" } else { "end" };
        let _ = writeln!(
            csv,
            "b{c},{end},2024-01-01 {:02}:{:02},{who},{state},{model},{version},{price}",
            11 + (c % 60 + minutes) / 60,
            (c % 60 + minutes) % 60
        );
    }
    let a = (0..60).map(|c| c < 20).collect();
    (log(&csv), a)
}

#[test]
fn laundry_ranking_and_flags() {
    let (log, a) = laundry();
    let b: Vec<bool> = a.iter().map(|x| !x).collect();
    let c = compare(&log, &a, &b, &CompareOptions::default()).expect("compare");
    expect_test::expect![[r#"
        A 20 | B 40 | both 0
        case duration          derived 1.000 p=0.0000 informative [median 9570/6180]
        contains end           derived 1.000 p=0.0000 informative [true 0/40, false 20/0]
        contains reset         derived 1.000 p=0.0000 informative [false 0/40, true 20/0]
        end activity           derived 1.000 p=0.0000 informative [end 0/40, reset 20/0]
        resource               event   0.577 p=0.0000 informative [app 20/40, manager 20/0]
        state                  event   0.535 p=0.0000 informative [idle 20/40, finish 15/0]
        price                  case    0.519 p=0.0007 informative [median 4/3]
        contains book          derived 0.000 p=1.0000 constant, no difference [true 20/40]
        contains run           derived 0.000 p=1.0000 constant, no difference [true 20/40]
        distinct activities    derived 0.000 p=1.0000 constant, no difference [median 3/3]
        events per case        derived 0.000 p=1.0000 constant, no difference [median 3/3]
        model                  case    0.000 p=1.0000 no difference [W1 10/20, W2 10/20]
        start activity         derived 0.000 p=1.0000 constant, no difference [book 20/40]
        version                case    0.000 p=1.0000 constant, no difference [v2.0 20/40]
    "#]]
    .assert_eq(&render(&c));
    // The DFG difference: the reset edge only in A, the end edge only in B, shared edges last.
    let edges: Vec<String> = c
        .dfg
        .iter()
        .map(|e| {
            format!(
                "{}→{} {}/{} {:+.2} mean {:?}/{:?}",
                e.from, e.to, e.cases_a, e.cases_b, e.share_diff, e.mean_a, e.mean_b
            )
        })
        .collect();
    expect_test::expect![[r#"
        [
            "run→end 0/40 -1.00 mean None/Some(2575.5)",
            "run→reset 20/0 +1.00 mean Some(5970.0)/None",
            "book→run 20/40 +0.00 mean Some(3600.0)/Some(3600.0)",
        ]
    "#]]
    .assert_debug_eq(&edges);
    let json = serde_json::to_value(&c).expect("json");
    assert_eq!(json["attributes"][0]["kind"], "numeric");
    assert_eq!(json["attributes"][0]["unit"], "seconds");
    assert_eq!(json["attributes"][1]["kind"], "categorical");
    let back: Comparison = serde_json::from_value(json).expect("round trip");
    assert_eq!(back, c);
}

#[test]
fn constant_means_one_value_nearly_everywhere() {
    let o = CompareOptions::default();
    assert!(is_constant(&[99, 1], 100, &o));
    assert!(!is_constant(&[98, 2], 100, &o));
    assert!(is_constant(&[7], 100, &o));
    assert!(is_constant(&[], 100, &o));
    // Several values per case: each must be near-always or near-never present.
    assert!(is_constant(&[100, 100, 1], 100, &o));
    assert!(!is_constant(&[100, 60], 100, &o));
    // Many rare values are variation, not a constant.
    assert!(!is_constant(&[1; 100], 100, &o));
}

#[test]
fn rare_values_become_other_and_masks_are_checked() {
    // 30 distinct event values, each in one case of A or B; top 20 shown, rest `(other)`.
    let mut csv = String::from("case,activity,timestamp,tag\n");
    for c in 0..30 {
        let _ = writeln!(csv, "c{c},x,2024-01-01 10:00,t{c:02}");
        let _ = writeln!(csv, "c{c},y,2024-01-01 10:05,common");
    }
    let log = log(&csv);
    let a: Vec<bool> = (0..30).map(|c| c % 2 == 0).collect();
    let b: Vec<bool> = a.iter().map(|x| !x).collect();
    let c = compare(&log, &a, &b, &CompareOptions::default()).expect("compare");
    let tag = c.attributes.iter().find(|x| x.name == "tag").expect("tag");
    let Detail::Categorical { values, .. } = &tag.detail else {
        panic!("tag is categorical")
    };
    assert_eq!(values.len(), 21);
    assert_eq!(
        (
            values[0].value.as_str(),
            values[0].count_a,
            values[0].count_b
        ),
        ("common", 15, 15)
    );
    let other = values.iter().find(|v| v.value == "(other)").expect("other");
    // `common` and t00..t18 are shown (ties by name); t19..t29 are `(other)`: five even cases
    // in A, six odd ones in B.
    assert_eq!((other.count_a, other.count_b), (5, 6));
    assert!(!tag.constant);
    assert_eq!(
        compare(&log, &a[..3], &b, &CompareOptions::default()),
        Err(CompareError::MaskLength {
            group: "A",
            got: 3,
            expected: 30
        })
    );
    let none = vec![false; 30];
    let err = compare(&log, &a, &none, &CompareOptions::default()).expect_err("empty B");
    assert_eq!(
        err.to_string(),
        "group B selects no case; loosen its filter"
    );
}

/// Naive reference: per feature value, the set of cases holding it, per group.
fn naive_event_counts(log: &EventLog, mask: &[bool], attr: &str) -> BTreeMap<String, u64> {
    let col = log.event_attribute(attr).expect("column");
    let mut seen: BTreeSet<(usize, String)> = BTreeSet::new();
    for (c, _) in mask.iter().enumerate().filter(|(_, &m)| m) {
        let mut any = false;
        for i in log.case_events(c as u32) {
            if let Some(v) = col.get(i) {
                seen.insert((c, v.to_string()));
                any = true;
            }
        }
        if !any {
            seen.insert((c, "(missing)".into()));
        }
    }
    let mut out = BTreeMap::new();
    for (_, v) in seen {
        *out.entry(v).or_default() += 1;
    }
    out
}

type Edge = (String, String);
/// (occurrences, cases containing the edge).
type Sides = (u64, u64);

/// Naive reference: (from, to) → (occurrences, cases containing it) in the selected sub-log.
fn naive_dfg(log: &EventLog, mask: &[bool]) -> BTreeMap<Edge, Sides> {
    let sub = log.select_cases(mask);
    let mut out: BTreeMap<Edge, Sides> = BTreeMap::new();
    for c in 0..sub.num_cases() as u32 {
        let names: Vec<&str> = sub
            .case_activities(c)
            .iter()
            .map(|&x| sub.activities().resolve(x))
            .collect();
        let mut in_case = BTreeSet::new();
        for w in names.windows(2) {
            let key = (w[0].to_string(), w[1].to_string());
            out.entry(key.clone()).or_default().0 += 1;
            in_case.insert(key);
        }
        for k in in_case {
            out.entry(k).or_default().1 += 1;
        }
    }
    out
}

proptest! {
    #[test]
    fn counts_agree_with_a_naive_reference(
        cases in prop::collection::vec(
            prop::collection::vec((0u8..4, prop::option::of(0u8..3), 0u32..500), 1..6),
            2..25,
        ),
        pick in prop::collection::vec(0u8..4, 25),
    ) {
        let mut csv = String::from("case,activity,timestamp,tag\n");
        for (c, events) in cases.iter().enumerate() {
            for &(act, tag, t) in events {
                let tag = tag.map(|x| format!("v{x}")).unwrap_or_default();
                let _ = writeln!(csv, "c{c},a{act},2024-01-01 10:{:02}:{:02},{tag}", t / 60, t % 60);
            }
        }
        let log = log(&csv);
        let n = log.num_cases();
        // 0: neither, 1: A, 2: B, 3: both; make sure each group has a case.
        let mut a: Vec<bool> = (0..n).map(|c| pick[c] & 1 != 0).collect();
        let mut b: Vec<bool> = (0..n).map(|c| pick[c] & 2 != 0).collect();
        a[0] = true;
        b[n - 1] = true;
        let c = compare(&log, &a, &b, &CompareOptions::default()).expect("compare");
        if log.event_attribute("tag").is_some() {
            let tag = c.attributes.iter().find(|x| x.name == "tag").expect("tag");
            let Detail::Categorical { values, .. } = &tag.detail else {
                panic!("categorical")
            };
            let got_a: BTreeMap<String, u64> = values.iter()
                .filter(|v| v.count_a > 0).map(|v| (v.value.clone(), v.count_a)).collect();
            let got_b: BTreeMap<String, u64> = values.iter()
                .filter(|v| v.count_b > 0).map(|v| (v.value.clone(), v.count_b)).collect();
            prop_assert_eq!(got_a, naive_event_counts(&log, &a, "tag"));
            prop_assert_eq!(got_b, naive_event_counts(&log, &b, "tag"));
        }
        let got: BTreeMap<Edge, (Sides, Sides)> = c.dfg.iter()
            .map(|e| ((e.from.clone(), e.to.clone()), ((e.count_a, e.cases_a), (e.count_b, e.cases_b))))
            .collect();
        let (ra, rb) = (naive_dfg(&log, &a), naive_dfg(&log, &b));
        let keys: BTreeSet<_> = ra.keys().chain(rb.keys()).cloned().collect();
        let want: BTreeMap<_, _> = keys.into_iter().map(|k| {
            let v = (ra.get(&k).copied().unwrap_or_default(), rb.get(&k).copied().unwrap_or_default());
            (k, v)
        }).collect();
        prop_assert_eq!(got, want);
        // Performance equals dfg_performance on the group's sub-log.
        let perf = crate::mining::dfg_performance(&log.select_cases(&a));
        for e in &perf.edges {
            let d = c.dfg.iter().find(|x| x.from == e.from && x.to == e.to).expect("edge");
            let p = e.performance.as_ref();
            prop_assert_eq!(d.mean_a.map(|x| (x * 1e6).round()), p.map(|p| (p.mean * 1e6).round()));
            prop_assert_eq!(d.median_a, p.map(|p| p.median));
        }
    }
}
