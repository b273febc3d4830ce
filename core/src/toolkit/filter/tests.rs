//! Data-driven tests of the filters: one small log, a table of filter texts and the cases and
//! event counts they keep; errors and parse errors by message; JSON and text round trips.

use super::*;
use crate::import::{import_bytes, ImportOptions};

/// c3 and c5 share the variant register,check,pay; c4 starts late and resets twice.
const CSV: &str = "case,activity,timestamp,resource,amount,case:model
c1,register,2024-01-01 09:00,ann,100,A
c1,check,2024-01-01 10:00,bob,200,A
c1,reset,2024-01-01 12:00,bob,,A
c1,pay,2024-01-02 09:00,ann,50,A
c2,register,2024-01-03 09:00,ann,300,B
c2,pay,2024-01-03 09:30,cid,10,B
c3,register,2024-01-05 09:00,bob,100,A
c3,check,2024-01-05 09:10,bob,,A
c3,pay,2024-01-05 09:20,ann,20,A
c4,check,2024-02-01 00:00,cid,700,C
c4,reset,2024-02-01 05:00,cid,,C
c4,register,2024-02-03 00:00,ann,5,C
c4,reset,2024-02-03 01:00,ann,,C
c5,register,2024-01-05 09:00,bob,100,A
c5,check,2024-01-05 09:10,bob,,A
c5,pay,2024-01-05 09:20,ann,20,A
";

/// `filter text => kept case ids / kept events`.
const TABLE: &str = "
has:reset => c1 c4 / 8
not-has:reset => c2 c3 c5 / 8
has:reset,register => c1 c2 c3 c4 c5 / 16
start:check => c4 / 4
not-start:register => c4 / 4
end:pay => c1 c2 c3 c5 / 12
end:reset => c4 / 4
df:check->reset => c1 c4 / 8
df:register->check => c1 c3 c5 / 10
not-df:register->pay => c1 c3 c4 c5 / 14
ef:register->pay => c1 c2 c3 c5 / 12
ef:register->pay<=1h => c2 c3 c5 / 8
ef:register->pay<=1d => c1 c2 c3 c5 / 12
ef:reset->reset => c4 / 4
ef:check->register => c4 / 4
not-ef:check->pay => c2 c4 / 6
time:2024-01-01..2024-01-04:contained => c1 c2 / 6
time:2024-01-02..2024-01-04:intersecting => c1 c2 / 6
time:2024-01-02T09:00:00Z..2024-01-04:intersecting => c2 / 2
time:2024-01-03..2024-01-05T09:00:00Z:started_in => c2 c3 c5 / 8
time:2024-01-02..2024-01-03:completed_in => c1 / 4
time:2024-01-03..2024-01-04:events => c2 / 2
case-attr:model=A => c1 c3 c5 / 10
case-attr:model!=A => c2 c4 / 6
case-attr:case:model=B,C => c2 c4 / 6
event-attr:org:resource=cid => c2 c4 / 6
event-attr:resource!=cid => c1 c3 c5 / 10
event-attr:activity=pay => c1 c2 c3 c5 / 12
events:resource=cid => c2 c4 / 3
events:resource!=ann,bob => c2 c4 / 3
event-attr:amount=100..200 => c1 c3 c5 / 10
events:amount=300.. => c2 c4 / 2
events:amount=..20 => c2 c3 c4 c5 / 4
events:amount=100 => c1 c3 c5 / 3
events:amount!=100 => c1 c2 c3 c4 c5 / 13
variants:top=1 => c3 c5 / 6
variants:top=2 => c2 c3 c5 / 8
variants:top=9 => c1 c2 c3 c4 c5 / 16
variants:cover=0.4 => c3 c5 / 6
variants:cover=0.5 => c2 c3 c5 / 8
variants:cover=1 => c1 c2 c3 c4 c5 / 16
variants:register,pay|check,reset,register,reset => c2 c4 / 6
not-variants:register,pay => c1 c3 c4 c5 / 14
duration:..1h => c2 c3 c5 / 8
duration:1d.. => c1 c4 / 8
duration:20m..20m => c3 c5 / 6
size:4.. => c1 c4 / 8
size:..2 => c2 / 2
size:3..3 => c3 c5 / 6
between:check->reset => c1 c4 / 4
between:register->pay => c1 c2 c3 c5 / 12
between:reset->reset => c4 / 3
not:has:reset => c2 c3 c5 / 8
not:all(has:register; size:3..) => c2 / 2
all(has:reset; events:resource=cid) => c4 / 2
all(size:3..; variants:top=1) => c3 c5 / 6
all() => c1 c2 c3 c4 c5 / 16
";

fn log() -> EventLog {
    import_bytes("t.csv", CSV.as_bytes(), &ImportOptions::default())
        .expect("fixture imports")
        .0
}

fn kept(log: &EventLog) -> String {
    let ids: Vec<&str> = log.case_ids().iter().collect();
    format!("{} / {}", ids.join(" "), log.num_events())
}

#[test]
fn each_filter_keeps_the_expected_cases_and_events() {
    let log = log();
    let mut failures = Vec::new();
    for line in TABLE.lines().filter(|l| !l.trim().is_empty()) {
        let (text, want) = line.split_once(" => ").expect("table line");
        let filter: Filter = text.parse().unwrap_or_else(|e| panic!("{e}"));
        let out = apply(&log, &filter).unwrap_or_else(|e| panic!("{text}: {e}"));
        let got = kept(&out.log);
        if got != want {
            failures.push(format!("{text}: got {got}, want {want}"));
        }
        // The step reports what happened, and case filters expose their mask.
        assert_eq!(out.step.filter, filter.to_string());
        assert_eq!(
            (out.step.cases_before, out.step.events_before),
            (5, 16),
            "{text}"
        );
        assert_eq!(out.step.events_after, out.log.num_events(), "{text}");
        assert_eq!(out.case_mask.is_some(), filter.is_case_level(), "{text}");
        if let Some(mask) = &out.case_mask {
            assert_eq!(mask.iter().filter(|&&k| k).count(), out.log.num_cases());
            assert_eq!(case_mask(&log, &filter).as_ref(), Ok(mask));
        }
        // Text round trip.
        assert_eq!(filter.to_string().parse::<Filter>(), Ok(filter.clone()));
        // JSON round trip.
        let json = serde_json::to_string(&filter).expect("json");
        assert_eq!(serde_json::from_str::<Filter>(&json).ok(), Some(filter));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn apply_all_chains_and_reports_every_step() {
    let log = log();
    let filters: Vec<Filter> = ["has:register", "events:resource!=cid", "size:3.."]
        .iter()
        .map(|t| t.parse().expect("parses"))
        .collect();
    let (out, steps) = apply_all(&log, &filters).expect("applies");
    let counts: Vec<(usize, usize, usize, usize)> = steps
        .iter()
        .map(|s| {
            (
                s.cases_before,
                s.cases_after,
                s.events_before,
                s.events_after,
            )
        })
        .collect();
    assert_eq!(counts, [(5, 5, 16, 16), (5, 5, 16, 13), (5, 3, 13, 10)]);
    assert_eq!(kept(&out), "c1 c3 c5 / 10");
    // An activity removed by an earlier step matches nothing later instead of failing.
    let filters: Vec<Filter> = ["not-has:reset", "has:reset"]
        .iter()
        .map(|t| t.parse().expect("parses"))
        .collect();
    let (out, _) = apply_all(&log, &filters).expect("applies");
    assert_eq!(out.num_cases(), 0);
    // But names are checked against the input first.
    let bad: Vec<Filter> = vec![
        "size:1..".parse().expect("ok"),
        "has:rest".parse().expect("ok"),
    ];
    assert!(matches!(
        apply_all(&log, &bad),
        Err(FilterError::UnknownActivity { .. })
    ));
}

#[test]
fn errors_name_the_culprit_and_what_exists() {
    let log = log();
    let cases = [
        (
            "has:rest",
            "no activity `rest` (did you mean `reset`?); activities: check, pay, register, reset",
        ),
        (
            "df:register->Pay",
            "no activity `Pay` (did you mean `pay`?)",
        ),
        (
            "case-attr:colour=A",
            "no case attribute `colour`; it has: model",
        ),
        (
            "events:colour=A",
            "no event attribute `colour`; it has: concept:name, org:resource, amount",
        ),
        (
            "case-attr:model=1..2",
            "attribute `model` holds Str values, so it has no numeric range",
        ),
        (
            "events:resource=1..2",
            "attribute `resource` holds Str values",
        ),
        (
            "events:amount=abc",
            "value `abc` does not fit attribute `amount`, which holds Int values",
        ),
        ("variants:top=0", "top_k must be at least 1"),
        ("variants:cover=1.5", "coverage must be in (0, 1], got 1.5"),
        ("variants:cover=0", "coverage must be in (0, 1], got 0"),
        (
            "time:2024-02-01..2024-01-01",
            "bad range in `time:2024-02-01..2024-01-01:contained`: from is after to",
        ),
        ("duration:2d..1d", "min is above max"),
        ("size:5..2", "min is above max"),
        ("events:amount=5..1", "min is above max"),
        (
            "not:events:resource=cid",
            "`events:resource=cid` keeps events, not cases",
        ),
        ("not:between:a->b", "keeps events, not cases"),
        ("variants:register,nope", "no activity `nope`"),
    ];
    for (text, want) in cases {
        let filter: Filter = text.parse().unwrap_or_else(|e| panic!("{e}"));
        let err = apply(&log, &filter).expect_err(text).to_string();
        assert!(err.contains(want), "{text}: {err}");
    }
    let untimed = import_bytes(
        "t.csv",
        b"case,activity\n1,a\n1,b\n",
        &ImportOptions::default(),
    )
    .expect("ok")
    .0;
    for text in [
        "time:2024-01-01..2024-02-01",
        "duration:..1h",
        "ef:a->b<=1h",
    ] {
        let filter: Filter = text.parse().expect("parses");
        let err = apply(&untimed, &filter).expect_err(text).to_string();
        assert!(err.contains("needs timestamps"), "{text}: {err}");
    }
    let ef: Filter = "ef:a->b".parse().expect("parses");
    assert_eq!(
        apply(&untimed, &ef).map(|o| o.log.num_cases()),
        Ok(1),
        "no gap: no timestamps needed"
    );
}

#[test]
fn parse_errors_say_what_is_wrong_and_list_the_forms() {
    let cases = [
        ("hsa:reset", "unknown filter kind `hsa`"),
        ("reset", "expected KIND:"),
        ("has:", "expected at least one name"),
        ("df:a", "expected FROM->TO"),
        ("ef:a->b<=2x", "`2x` is not a duration"),
        ("time:yesterday..today", "`yesterday` is not a date or time"),
        ("time:2024-01-01", "expected time:FROM..TO"),
        ("case-attr:model", "expected NAME=VALUE"),
        ("case-attr:amount=a..b", "`a` is not a number"),
        ("case-attr:amount!=1..2", "`!=` takes values, not a range"),
        ("variants:top=x", "`x` is not a count of variants"),
        ("size:a..", "`a` is not a number of events"),
        ("size:3", "expected [MIN]..[MAX]"),
        ("has:\"reset", "unterminated quote"),
        (
            "not-time:2024-01-01..2024-01-02",
            "`time` has no `not-` form",
        ),
        ("all(has:a; size:1..", "needs a closing `)`"),
    ];
    for (text, want) in cases {
        let err = text.parse::<Filter>().expect_err(text);
        assert!(err.message.contains(want), "{text}: {}", err.message);
        let shown = err.to_string();
        assert!(shown.starts_with(&format!("cannot read filter `{text}`")));
        assert!(shown.contains("accepted filter forms") && shown.contains("df:A->B"));
    }
}

#[test]
fn names_with_syntax_characters_are_quoted_and_round_trip() {
    let f = Filter::HasActivity {
        activities: vec![
            "a,b".into(),
            "x->y".into(),
            "say \"hi\"".into(),
            " pad".into(),
            "".into(),
        ],
        keep: false,
    };
    let text = f.to_string();
    assert_eq!(text, r#"not-has:"a,b","x->y","say \"hi\""," pad","""#);
    assert_eq!(text.parse::<Filter>(), Ok(f));
    let g: Filter = "events:lifecycle:transition=complete".parse().expect("ok");
    assert_eq!(
        g,
        Filter::EventAttribute {
            attribute: "lifecycle:transition".into(),
            values: vec!["complete".into()],
            keep: true,
            level: Level::Events
        }
    );
    let t: Filter = "ef:a->b<=1.5h".parse().expect("ok");
    assert_eq!(t.to_string(), "ef:a->b<=90m");
}

#[test]
fn json_shape_is_tagged_snake_case_with_iso_times() {
    let f: Filter =
        "all(time:2024-01-01..2024-01-31T12:00:00Z:started_in; not:ef:a->b<=2h; variants:top=3)"
            .parse()
            .expect("parses");
    let json = serde_json::to_string(&f).expect("json");
    assert_eq!(
        json,
        r#"{"kind":"and","filters":[{"kind":"time_range","from":"2024-01-01T00:00:00.000Z","to":"2024-01-31T12:00:00.000Z","mode":"started_in"},{"kind":"not","filter":{"kind":"eventually_follows","from":"a","to":"b","max_gap_ms":7200000,"keep":true}},{"kind":"variants_top_k","top_k":3}]}"#
    );
    // Defaults: keep = true, level = cases, mode = contained; unknown fields are refused.
    let g: Filter =
        serde_json::from_str(r#"{"kind":"event_attribute","attribute":"x","values":["1"]}"#)
            .expect("defaults");
    assert_eq!(g.to_string(), "event-attr:x=1");
    let t: Filter =
        serde_json::from_str(r#"{"kind":"time_range","from":"2024-01-01","to":1706745600000}"#)
            .expect("dates or ms");
    assert_eq!(t.to_string(), "time:2024-01-01..2024-02-01:contained");
    assert!(serde_json::from_str::<Filter>(r#"{"kind":"case_size","min":1,"mni":2}"#).is_err());
    assert!(
        serde_json::from_str::<Filter>(r#"{"kind":"time_range","from":"soon","to":"later"}"#)
            .is_err()
    );
}

#[test]
fn a_chain_that_empties_the_log_keeps_running() {
    let log = log();
    let filters: Vec<Filter> = [
        "has:reset",
        "not-has:reset",
        "duration:1h..",
        "time:2024-01-01..2024-03-01:events",
        "ef:a->b<=1h",
        "variants:top=1",
        "between:check->reset",
    ]
    .iter()
    .map(|t| t.parse().expect("parses"))
    .collect();
    let filters: Vec<Filter> = filters
        .into_iter()
        .map(|f| match f {
            Filter::EventuallyFollows { max_gap_ms, .. } => Filter::EventuallyFollows {
                from: "check".into(),
                to: "pay".into(),
                max_gap_ms,
                keep: true,
            },
            f => f,
        })
        .collect();
    let (out, steps) = apply_all(&log, &filters).expect("an empty log is no error");
    assert_eq!((out.num_cases(), steps.len()), (0, 7));
    assert!(steps[2..].iter().all(|s| s.cases_after == 0));
}
