//! Transcript tests of `spur leads activities`: the generator writes leads and their activity
//! log, the command states the planted effects (readable and `--json`), and refusals exit with
//! the documented codes and messages.

mod support;
use support::{s, scratch, spur};

#[test]
fn generated_activity_log_states_the_planted_effects() {
    let (leads, acts) = (scratch("leads.csv"), scratch("acts.csv"));
    let r = spur(&[
        "leads",
        "generate",
        "-o",
        s(&leads),
        "--activity",
        s(&acts),
        "--rows",
        "8000",
        "--seed",
        "3",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = spur(&[
        "leads",
        "activities",
        s(&leads),
        s(&acts),
        "--outcome",
        "won",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("8000 leads with activities analysed ("),
        "{}",
        r.stdout
    );
    for needle in [
        "\nFindings:\n  1. `deal lost` occurs in 0.0 % of won and 100.0 % of lost leads",
        ". Leads whose first `first response` came within 4 h were won ",
        ". Leads whose first `first response` fell on Mon–Thu were won ",
        ". The channel of the first `first response` makes no difference",
        "\nWin rate by bucket, top 5 features:\n",
        "\nVariants (without outcome markers):\n",
        "\nDirectly-follows difference, share of won vs lost leads:\n",
    ] {
        assert!(
            r.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            r.stdout
        );
    }
    let r = spur(&[
        "leads",
        "activities",
        s(&leads),
        s(&acts),
        "--outcome",
        "won",
        "--id",
        "id",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["join"]["analysed"], 8000);
    assert_eq!(v["join"]["cases_without_lead"], 0);
    let markers: Vec<&str> = v["outcome_markers"]
        .as_array()
        .expect("markers")
        .iter()
        .map(|m| m["activity"].as_str().expect("name"))
        .collect();
    assert_eq!(markers, ["deal lost", "deal won", "offer"]);
    let feature = v["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["name"] == "hours to first first response")
        .expect("response-time feature");
    assert_eq!(feature["kind"], "hours_to_first");
    assert_eq!(feature["buckets"][0]["label"], "≤ 4 h");
    assert!(feature["informative"].as_bool().expect("flag"));
    for key in ["findings", "variants"] {
        assert!(v[key].as_array().is_some_and(|a| !a.is_empty()), "{key}");
    }
    assert!(v["comparison"]["dfg"].is_array());
    assert!(v["findings"][0]["text"].is_string() && v["findings"][0]["kind"] == "outcome_marker");
}

#[test]
fn refusals_and_usage() {
    let (leads, acts) = (scratch("r-leads.csv"), scratch("r-acts.csv"));
    std::fs::write(&leads, "id,won\nA,yes\nB,no\n").expect("write");
    std::fs::write(
        &acts,
        "case,activity,timestamp\nX,call,2024-01-01 10:00\nY,call,2024-01-01 11:00\n",
    )
    .expect("write");
    let r = spur(&[
        "leads",
        "activities",
        s(&leads),
        s(&acts),
        "--outcome",
        "won",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "spur: no case of the activity log matches a lead id (log cases look like `X`, lead ids like `A`); check the id column and the log's case column\n"
    );
    let r = spur(&[
        "leads",
        "activities",
        s(&leads),
        s(&acts),
        "--outcome",
        "won",
        "--id",
        "lead",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.ends_with(
            "the lead table has no id column `lead` (columns: id, won); name it with --id\n"
        ),
        "{}",
        r.stderr
    );
    let r = spur(&["leads", "activities", s(&leads), s(&acts)]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: --outcome COL is required"),
        "{}",
        r.stderr
    );
    let r = spur(&["leads", "activities", s(&leads), "--outcome", "won"]);
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .starts_with("spur: expected LEADS.csv and ACTIVITY_LOG, got 1 files"));
    let r = spur(&[
        "leads",
        "activities",
        s(&leads),
        "missing.csv",
        "--outcome",
        "won",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: cannot read missing.csv"),
        "{}",
        r.stderr
    );
}
