//! Data-driven tests of activity mining: small logs and lead tables in, the join report, the
//! buckets and the findings out (the synthetic CRM's funnel in `tests/funnel.rs`); and a
//! property test of the bucket counts.

use super::features::{time_bucket, time_labels};
use super::*;
use crate::import::{import_bytes, ImportOptions};
use proptest::prelude::*;
use std::fmt::Write as _;

mod funnel;

fn log(csv: &str) -> EventLog {
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0
}

fn pairs(list: &[(&str, bool)]) -> Vec<(String, bool)> {
    list.iter().map(|(id, w)| (id.to_string(), *w)).collect()
}

/// One line per bucket of the named features: `feature | label leads/won tested`.
fn render(f: &ActivityFindings, names: &[&str]) -> String {
    let mut s = String::new();
    for name in names {
        let Some(x) = f.features.iter().find(|x| x.name == *name) else {
            let _ = writeln!(s, "{name}: absent");
            continue;
        };
        let flag = match (x.informative, x.constant) {
            (true, _) => "informative",
            (_, true) => "constant",
            _ => "no difference",
        };
        let _ = writeln!(s, "{name}: {flag}");
        for b in &x.buckets {
            let t = if b.tested { "" } else { " (untested)" };
            let _ = writeln!(s, "  {} {}/{}{t}", b.label, b.leads, b.won);
        }
    }
    s
}

#[test]
fn time_buckets_and_labels() {
    assert_eq!(
        time_labels(&[4.0, 24.0, 72.0]),
        ["≤ 4 h", "4–24 h", "1–3 d", "> 3 d"]
    );
    assert_eq!(
        time_labels(&[1.0, 12.0, 48.0]),
        ["≤ 1 h", "1–12 h", "12–48 h", "> 2 d"]
    );
    assert_eq!(time_labels(&[0.5]), ["≤ 0.5 h", "> 0.5 h"]);
    let cuts = [4.0, 24.0, 72.0];
    let got: Vec<usize> = [0.0, 4.0, 4.01, 24.0, 24.5, 72.0, 1e6]
        .iter()
        .map(|&h| time_bucket(&cuts, h))
        .collect();
    assert_eq!(got, [0, 0, 1, 1, 2, 2, 3]);
}

/// Eight leads, created Monday 2024-01-01; first responses 2 h, 3 h, 4 h, 10 h (same day),
/// 30 h (Tue), 100 h (Fri) and 125 h and 126 h (Sat). The fast ones are won; won leads and L4
/// have two follow-ups.
fn small() -> (EventLog, Vec<(String, bool)>) {
    let rows = [
        ("L1", 2, "phone", true),
        ("L2", 3, "email", true),
        ("L3", 4, "phone", true),
        ("L4", 10, "email", false),
        ("L5", 30, "phone", true),
        ("L6", 100, "email", false),
        ("L7", 125, "phone", false),
        ("L8", 126, "", false),
    ];
    let mut csv = String::from("case,activity,timestamp,channel\n");
    for (id, hours, channel, won) in rows {
        let at = |h: i64| format!("2024-01-{:02}T{:02}:00:00Z", 1 + h / 24, h % 24);
        let _ = writeln!(csv, "{id},lead created,{},web", at(0));
        let _ = writeln!(csv, "{id},first response,{},{channel}", at(hours));
        if won || id == "L4" {
            let _ = writeln!(csv, "{id},follow-up,{},phone", at(hours + 1));
            let _ = writeln!(csv, "{id},follow-up,{},phone", at(hours + 2));
        }
        let end = if won { "deal won" } else { "deal lost" };
        let _ = writeln!(csv, "{id},{end},{},email", at(200));
    }
    let outcomes = rows.iter().map(|r| (r.0.to_string(), r.3)).collect();
    (log(&csv), outcomes)
}

#[test]
fn buckets_count_leads_and_wins() {
    let (log, outcomes) = small();
    let opts = ActivityOptions {
        min_bucket: 1,
        time_cuts_hours: vec![4.0, 24.0, 72.0],
        ..ActivityOptions::default()
    };
    let f = mine(&log, &outcomes, &opts).expect("mines");
    let got = render(
        &f,
        &[
            "hours to first first response",
            "weekday of first first response",
            "channel of first first response",
            "count of follow-up",
            "has lead created",
            "hours to first follow-up",
        ],
    );
    let want = "\
hours to first first response: informative
  ≤ 4 h 3/3
  4–24 h 1/0
  1–3 d 1/1
  > 3 d 3/0
weekday of first first response: no difference
  Mon 4/3
  Tue 1/1
  Fri 1/0
  Sat 2/0
channel of first first response: no difference
  phone 4/3
  email 3/1
  (missing) 1/0
count of follow-up: informative
  0 3/0
  2 5/4
has lead created: constant
  yes 8/4
hours to first follow-up: no difference
  ≤ 4 h 2/2
  4–24 h 2/1
  1–3 d 1/1
  (none) 3/0 (untested)
";
    assert_eq!(got, want, "{got}");
    let rt = f
        .features
        .iter()
        .find(|x| x.name == "hours to first first response");
    let rt = rt.expect("feature");
    assert_eq!(
        (rt.best.as_deref(), rt.worst.as_deref()),
        (Some("≤ 4 h"), Some("4–24 h"))
    );
    assert_eq!(rt.rate_ratio, None); // the worst bucket won nothing
    let wd = f
        .features
        .iter()
        .find(|x| x.name == "weekday of first first response");
    let groups: Vec<(&str, u64, u64)> = wd
        .expect("feature")
        .day_groups
        .iter()
        .map(|b| (b.label.as_str(), b.leads, b.won))
        .collect();
    assert_eq!(
        groups,
        [("Mon–Thu", 5, 4), ("Fri", 1, 0), ("Sat–Sun", 2, 0)]
    );
    let n = rt.numeric.as_ref().expect("hours are numeric");
    assert_eq!((n.median_won, n.median_lost), (Some(3.5), Some(112.5)));
    assert_eq!(n.cliffs_delta, -0.875); // only 30 h (won) > 10 h (lost) among 16 pairs
    assert!(rt.p_value < 0.05 && (rt.effect - 1.0).abs() < 1e-12);
}

#[test]
fn join_report_counts_what_does_not_match() {
    let (log, mut outcomes) = small();
    outcomes.retain(|(id, _)| id != "L8"); // L8 becomes a case without lead
    outcomes.extend(pairs(&[("L9", true), ("L10", false), ("L1", false)]));
    let f = mine(&log, &outcomes, &ActivityOptions::default()).expect("mines");
    let want = JoinReport {
        leads: 9,
        duplicate_leads: 1,
        cases: 8,
        matched: 7,
        leads_without_activity: 2,
        leads_without_activity_won: 1,
        cases_without_lead: 1,
        cases_only_markers: 0,
        analysed: 7,
        won: 4, // the first row of L1 (won) counts
        lost: 3,
        examples_leads_without_activity: vec!["L9".into(), "L10".into()],
        examples_cases_without_lead: vec!["L8".into()],
    };
    assert_eq!(f.join, want);
    assert!((f.win_rate - 4.0 / 7.0).abs() < 1e-12);
}

#[test]
fn outcome_markers_are_found_and_left_out() {
    let (log, outcomes) = small();
    let f = mine(&log, &outcomes, &ActivityOptions::default()).expect("mines");
    let got: Vec<(&str, Outcome, f64, f64, f64)> = f
        .outcome_markers
        .iter()
        .map(|m| {
            (
                m.activity.as_str(),
                m.marks,
                m.share_won,
                m.share_lost,
                m.terminal_share,
            )
        })
        .collect();
    // follow-up is in all won leads but also in one lost lead of four: an action, no marker.
    assert_eq!(
        got,
        [
            ("deal lost", Outcome::Lost, 0.0, 1.0, 1.0),
            ("deal won", Outcome::Won, 1.0, 0.0, 1.0),
        ]
    );
    let kinds: Vec<FindingKind> = f.findings.iter().map(|x| x.kind).collect();
    assert_eq!(&kinds[..2], [FindingKind::OutcomeMarker; 2]);
    assert_eq!(
        f.findings[1].text,
        "`deal won` occurs in 100.0 % of won and 0.0 % of lost leads and is the last event in 100.0 % of the leads that have it: it marks the outcome (won) and is left out of the actions."
    );
    for x in &f.features {
        assert!(!x.activity.starts_with("deal"), "{}", x.name);
    }
    assert!(f.comparison.dfg.iter().all(|e| !e.to.starts_with("deal")));
    let variants: Vec<(Vec<&str>, u64, u64)> = f
        .variants
        .iter()
        .map(|v| {
            (
                v.activities.iter().map(String::as_str).collect(),
                v.leads,
                v.won,
            )
        })
        .collect();
    let with = vec!["lead created", "first response", "follow-up", "follow-up"];
    assert_eq!(
        variants,
        [(with, 5, 4), (vec!["lead created", "first response"], 3, 0)]
    );
}

#[test]
fn lead_table_outcomes_and_refusals() {
    let csv = "id,won,x\nA,yes,1\nB,lost,2\n,true,3\nC,maybe,4\nD,,5\n";
    let o = outcomes_from_csv(csv.as_bytes(), "id", "won").expect("reads");
    assert_eq!(o.outcomes, pairs(&[("A", true), ("B", false)]));
    let rejected: Vec<(usize, &str)> = o
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (4, "the lead id is missing"),
            (
                5,
                "`maybe` is not an outcome (expected true/false, 1/0, yes/no, won/lost)"
            ),
            (6, "the outcome is missing"),
        ]
    );
    let e = outcomes_from_csv(csv.as_bytes(), "lead", "won").expect_err("no id column");
    assert_eq!(
        e.to_string(),
        "the lead table has no id column `lead` (columns: id, won, x); name it with --id"
    );
    let e = outcomes_from_csv(b"id,won\nA,\n", "id", "won").expect_err("no outcome");
    assert_eq!(
        e.to_string(),
        "no row of the lead table has a readable outcome (1 rows rejected; first: line 2: the outcome is missing); check the outcome column"
    );
    assert!(matches!(
        outcomes_from_csv(b"", "id", "won"),
        Err(ActivityError::Csv(_))
    ));
}

#[test]
fn refusals_name_the_problem() {
    let (log, outcomes) = small();
    let e = mine(&log, &pairs(&[("X1", true)]), &ActivityOptions::default()).expect_err("no match");
    assert_eq!(
        e.to_string(),
        "no case of the activity log matches a lead id (log cases look like `L1`, lead ids like `X1`); check the id column and the log's case column"
    );
    let all_won: Vec<(String, bool)> = outcomes.iter().map(|(id, _)| (id.clone(), true)).collect();
    let e = mine(&log, &all_won, &ActivityOptions::default()).expect_err("one outcome");
    assert_eq!(
        e.to_string(),
        "all 8 matched leads are won: won and lost leads are needed to compare them"
    );
    let opts = ActivityOptions {
        time_cuts_hours: vec![24.0, 4.0],
        ..ActivityOptions::default()
    };
    assert!(matches!(
        mine(&log, &outcomes, &opts),
        Err(ActivityError::BadCuts(_))
    ));
}

#[test]
fn a_log_without_timestamps_has_no_time_features() {
    let csv = "case,activity,channel\nA,call,phone\nA,visit,car\nB,call,email\nC,call,phone\nC,visit,car\nD,call,email\n";
    let f = mine(
        &log(csv),
        &pairs(&[("A", true), ("B", false), ("C", true), ("D", false)]),
        &ActivityOptions::default(),
    )
    .expect("mines");
    let names: Vec<&str> = f.features.iter().map(|x| x.name.as_str()).collect();
    assert!(names
        .iter()
        .all(|n| !n.starts_with("hours") && !n.starts_with("weekday")));
    // visit is in both won and no lost lead: a marker; what remains is the call's channel.
    assert_eq!(f.outcome_markers.len(), 1);
    assert_eq!(names, ["channel of first call", "has call"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Whatever the log: `has A` counts every analysed lead once, wins add up, every tested
    /// table of a feature has at most the analysed leads, and the ranking is ordered.
    #[test]
    fn bucket_counts_add_up(
        cases in proptest::collection::vec(
            (proptest::collection::vec((0u8..4, 0u32..200, 0u8..3), 1..6), any::<bool>()),
            2..25,
        )
    ) {
        let mut csv = String::from("case,activity,timestamp,channel\n");
        let mut outcomes = Vec::new();
        for (c, (events, won)) in cases.iter().enumerate() {
            for (a, hours, ch) in events {
                let _ = writeln!(csv, "c{c},act{a},2024-03-{:02}T{:02}:00:00Z,ch{ch}", 1 + hours / 24, hours % 24);
            }
            outcomes.push((format!("c{c}"), *won));
        }
        let log = log(&csv);
        match mine(&log, &outcomes, &ActivityOptions::default()) {
            Ok(f) => {
                prop_assert_eq!(f.join.won + f.join.lost, f.join.analysed);
                for x in &f.features {
                    let leads: u64 = x.buckets.iter().map(|b| b.leads).sum();
                    let won: u64 = x.buckets.iter().map(|b| b.won).sum();
                    prop_assert!(leads <= f.join.analysed && won <= f.join.won);
                    if x.kind == FeatureKind::Has {
                        prop_assert_eq!((leads, won), (f.join.analysed, f.join.won));
                    }
                    prop_assert!((0.0..=1.0).contains(&x.effect) && (0.0..=1.0).contains(&x.p_value));
                }
                for w in f.features.windows(2) {
                    prop_assert!(w[0].verdict <= w[1].verdict);
                }
            }
            Err(e) => prop_assert!(matches!(e, ActivityError::OneOutcome { .. }), "{}", e),
        }
    }
}

#[test]
fn outcome_attribute_marks_won_and_lost_and_leaves_unknown_cases_empty() {
    let csv = "case,activity,timestamp,outcome\n\
               a,x,2024-01-01T00:00:00Z,old\nb,x,2024-01-01T00:00:00Z,old\n\
               c,x,2024-01-01T00:00:00Z,old\n";
    let mut options = ImportOptions::default();
    options.mapping.case_attributes = vec!["outcome".into()];
    let log = import_bytes("t.csv", csv.as_bytes(), &options)
        .expect("valid")
        .0;
    let out = with_outcome_attribute(
        log,
        &pairs(&[("a", true), ("b", false), ("a", false)]),
        "outcome",
    );
    let column = out.case_attribute("outcome").expect("set");
    let values: Vec<String> = (0..out.num_cases())
        .map(|c| column.get(c).map(|v| v.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(values, ["won", "lost", ""]);
    assert_eq!(
        out.case_attributes().len(),
        1,
        "the old attribute is replaced"
    );
}
