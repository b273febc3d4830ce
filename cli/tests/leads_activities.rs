//! Transcript tests of `spur leads activities`: the generator writes leads and their activity
//! log (a funnel), the command states the funnel and the planted within-stage effects
//! (readable, `--json` and the `-o` chart), takes the user's stages and time zone, and refusals
//! exit with the documented codes and messages.

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
        "\nFunnel (detected stages):\n  stage ",
        "\n  negotiation ",
        "\nFindings (weekday and hour in UTC; actions compare leads that reached the same stage):\n  1. [marker] `deal lost` occurs in 0.0 % of won and 100.0 % of lost leads",
        " of lost leads never got past `first response` (",
        ". [action] Among leads that reached the same stage (`offer`, `negotiation`), those whose first `offer` came ",
        ". [stage] Leads with 3 or more `follow-up` were won ",
        "the difference is gone",
        ". [no difference] The channel of the first `first response` makes no difference",
        "\nWin rate by bucket (all stages), top 5 actions:\n",
        "\n    within stages: `",
        "\nVariants (without outcome markers):\n",
        "\nDirectly-follows difference, share of won vs lost leads:\n",
    ] {
        assert!(
            r.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            r.stdout
        );
    }
    let svg = scratch("funnel.svg");
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
        "-o",
        s(&svg),
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
    assert_eq!(markers, ["deal lost", "deal won"]);
    // The funnel: the planted milestones, fewer leads at each, all of them at the first.
    let stages = v["stages"].as_array().expect("stages");
    let names: Vec<&str> = stages
        .iter()
        .map(|x| x["activity"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "lead created",
            "first response",
            "meeting",
            "offer",
            "negotiation"
        ]
    );
    let reached: Vec<u64> = stages
        .iter()
        .map(|x| x["reached"].as_u64().expect("count"))
        .collect();
    assert_eq!(reached[0], 8000);
    assert!(reached.windows(2).all(|w| w[0] >= w[1]) && reached[4] < reached[2]);
    assert!(stages.iter().all(|x| x["won_rate"].is_f64()));
    assert_eq!(
        (v["time_zone"].as_str(), v["stages_given"].as_bool()),
        (Some("UTC"), Some(false))
    );
    // The chart draws the same numbers.
    let chart = std::fs::read_to_string(&svg).expect("chart written");
    for (name, n) in names.iter().zip(&reached) {
        let bar = format!(r#"data-label="{name}" data-count="{n}""#);
        assert!(chart.contains(&bar), "{bar} not in the chart");
    }
    // Findings: each has a kind and what it is adjusted for; actions are stage-adjusted.
    let findings = v["findings"].as_array().expect("findings");
    let kinds: Vec<&str> = findings
        .iter()
        .map(|x| x["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(&kinds[..3], ["outcome_marker", "outcome_marker", "stage"]);
    let action = findings
        .iter()
        .find(|x| x["kind"] == "action")
        .expect("an action");
    assert_eq!(action["adjusted_for"], serde_json::json!(["stage"]));
    assert_eq!(action["activity"], "offer");
    assert!(action["adjusted"]["odds_ratio"].is_f64());
    let feature = v["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["name"] == "hours to first first response")
        .expect("response-time feature");
    assert_eq!(feature["kind"], "hours_to_first");
    assert_eq!(feature["verdict"], "action");
    assert!(feature["cuts_hours"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
    for key in ["findings", "variants"] {
        assert!(v[key].as_array().is_some_and(|a| !a.is_empty()), "{key}");
    }
    assert!(v["comparison"]["dfg"].is_array());
    assert!(v["findings"][0]["text"].is_string() && v["findings"][0]["kind"] == "outcome_marker");
}

#[test]
fn given_stages_and_time_zone() {
    let (leads, acts) = (scratch("s-leads.csv"), scratch("s-acts.csv"));
    let r = spur(&[
        "leads",
        "generate",
        "-o",
        s(&leads),
        "--activity",
        s(&acts),
        "--rows",
        "1500",
        "--seed",
        "4",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "leads",
            "activities",
            s(&leads),
            s(&acts),
            "--outcome",
            "won",
        ];
        args.extend_from_slice(extra);
        spur(&args)
    };
    let r = run(&["--stages", "meeting, offer", "--tz", "+02:00", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let names: Vec<&str> = v["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|x| x["activity"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["meeting", "offer"]);
    assert_eq!(v["stages_given"], true);
    assert_eq!(v["time_zone"], "UTC+02:00");
    let r = run(&["--stages", "meeting,demo"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("spur: stage `demo` is no activity of the log (activities: "),
        "{}",
        r.stderr
    );
    let r = run(&["--tz", "Europe/Berlin"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: --tz: time zone `Europe/Berlin` is not an offset"),
        "{}",
        r.stderr
    );
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
    assert!(
        r.stderr.contains("required arguments were not provided")
            && r.stderr.contains("<ACTIVITY_LOG>"),
        "{}",
        r.stderr
    );
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
