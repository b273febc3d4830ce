//! Transcript tests of `spur filter`: exact output, the written log, exit codes of errors.

mod support;
use support::spur;

const LOG: &str = "tests/data/small.csv";

#[test]
fn prints_each_step_as_a_table() {
    let r = spur(&[
        "filter",
        LOG,
        "has:check",
        "events:cost=..10",
        "not:size:..1",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect_test::expect![[r#"
        step      cases        of    kept      events         of    kept  filter
        1             2         3   66.7%           6          8   75.0%  has:check
        2             2         2  100.0%           4          6   66.7%  events:cost=..10
        3             1         2   50.0%           3          4   75.0%  not:size:..1
        result: 1 cases, 3 events
    "#]]
    .assert_eq(&r.stdout);
}

#[test]
fn json_reports_filters_steps_and_totals() {
    let r = spur(&["filter", LOG, "df:register->decide", "--json"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect_test::expect![[r#"
        {
          "filters": [
            {
              "kind": "directly_follows",
              "from": "register",
              "to": "decide",
              "keep": true
            }
          ],
          "steps": [
            {
              "filter": "df:register->decide",
              "cases_before": 3,
              "cases_after": 1,
              "events_before": 8,
              "events_after": 2
            }
          ],
          "cases": 1,
          "events": 2
        }
    "#]]
    .assert_eq(&r.stdout);
}

#[test]
fn writes_the_filtered_log_in_the_format_of_its_name() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    for name in ["filtered.csv", "filtered.xes"] {
        let out = dir.join(name);
        let out = out.to_str().expect("utf-8 path");
        let r = spur(&[
            "filter",
            LOG,
            "time:2024-02-01..2024-02-02:events",
            "-o",
            out,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stderr.contains("2 cases, 4 events"), "{}", r.stderr);
        let back = spur(&["stats", out, "--json"]);
        assert_eq!(back.code, 0, "{}", back.stderr);
        let stats: serde_json::Value = serde_json::from_str(&back.stdout).expect("json");
        assert_eq!(
            (stats["cases"].as_u64(), stats["events"].as_u64()),
            (Some(2), Some(4))
        );
    }
}

#[test]
fn bad_syntax_is_a_usage_error_with_the_accepted_forms() {
    let r = spur(&["filter", LOG, "has:check", "df:register"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.starts_with(
            "spur: cannot read filter `df:register`: expected FROM->TO\naccepted filter forms"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("ef:A->B[<=GAP]"), "{}", r.stderr);
    for args in [
        vec!["filter", LOG],
        vec!["filter", LOG, "has:check", "--frobnicate"],
        vec!["filter", LOG, "has:check", "-o", "out.docx"],
        vec!["filter", "tests/data/missing.csv", "has:check"],
    ] {
        let r = spur(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    let r = spur(&["filter", "--forms"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("variants:top=K"));
}

#[test]
fn a_filter_that_does_not_fit_the_log_is_refused() {
    let r = spur(&["filter", LOG, "has:chek"]);
    assert_eq!(r.code, 1);
    expect_test::expect![[r#"
        spur: tests/data/small.csv: the log has no activity `chek` (did you mean `check`?); activities: check, decide, register
    "#]]
    .assert_eq(&r.stderr);
    let r = spur(&["filter", LOG, "events:colour=red"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("no event attribute `colour`; it has: concept:name, org:resource, cost"),
        "{}",
        r.stderr
    );
}
