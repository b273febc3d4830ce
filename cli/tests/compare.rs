//! Transcript tests of `spur compare`: exact stdout, stderr and exit code of the real binary.

mod support;
use support::spur;

const LOG: &str = "tests/data/compare.csv";

#[test]
fn human_report_ranks_attributes_and_edges() {
    let r = spur(&["compare", LOG, "--a", "has:reset"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect_test::expect_file!["data/compare.csv.has-reset.txt"].assert_eq(&r.stdout);
}

#[test]
fn json_is_the_comparison_and_b_can_be_named() {
    let r = spur(&[
        "compare",
        LOG,
        "--a",
        "has:reset",
        "case-attr:model=W1",
        "--b",
        "has:logged out",
        "--json",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    // Resets on W1 machines: bookings 0, 6, 12, 18; B: the 16 logged-out bookings.
    assert_eq!(
        (v["cases_a"].as_u64(), v["cases_b"].as_u64()),
        (Some(4), Some(16))
    );
    assert_eq!(v["cases_in_both"], 0);
    let first = &v["attributes"][0];
    assert_eq!(first["informative"], true);
    let model = v["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .find(|a| a["name"] == "model")
        .expect("model compared");
    // W1 in all 4 of A and half of B: a large effect (V = 0.41), but 20 cases cannot show it
    // (chi-square p = 0.068), so it is flagged `no_difference`.
    assert_eq!(
        (&model["kind"], &model["source"], &model["no_difference"]),
        (
            &serde_json::json!("categorical"),
            &serde_json::json!("case"),
            &serde_json::json!(true)
        )
    );
    let v_model = model["cramers_v"].as_f64().expect("V");
    assert!(
        (v_model - (10.0f64 / 60.0).sqrt()).abs() < 1e-12,
        "{v_model}"
    );
    let edge = &v["dfg"][0];
    for key in ["from", "to", "count_a", "share_diff", "mean_a", "median_b"] {
        assert!(edge.get(key).is_some(), "edge has `{key}`: {edge}");
    }
    // --rest is the default.
    let rest = spur(&["compare", LOG, "--a", "has:reset", "--rest", "--json"]);
    let plain = spur(&["compare", LOG, "--a", "has:reset", "--json"]);
    assert_eq!((rest.code, &rest.stdout), (0, &plain.stdout));
}

#[test]
fn errors_say_what_to_fix() {
    let r = spur(&["compare", LOG, "--a", "has:nope"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(
            "spur: tests/data/compare.csv: the log has no activity `nope`; activities: book,"
        ),
        "{}",
        r.stderr
    );
    let r = spur(&[
        "compare",
        LOG,
        "--a",
        "has:reset",
        "--b",
        "has:reset",
        "not-has:reset",
    ]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "spur: tests/data/compare.csv: group B selects no case; loosen its filter\n"
        )
    );
    let r = spur(&["compare", LOG, "--a", "between:book->reset"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("keeps events, not cases"), "{}", r.stderr);
    let r = spur(&["compare", LOG, "--a", "bogus"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: cannot read filter `bogus`"),
        "{}",
        r.stderr
    );
    let r = spur(&["compare", LOG]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: compare needs --a FILTER\n"),
        "{}",
        r.stderr
    );
    let r = spur(&[
        "compare",
        LOG,
        "--a",
        "has:reset",
        "--b",
        "has:book",
        "--rest",
    ]);
    assert_eq!(r.code, 2);
    let r = spur(&["compare", "tests/data/missing.csv", "--a", "has:reset"]);
    assert_eq!(r.code, 2);
}
