//! Transcript tests of `spur reco`: generate → evaluate (the JSON shape of the issue) → train →
//! recommend (the CLI scores the same as spur-core), refusals and exit codes.

mod support;
use support::{s, scratch, spur};

const COLS: [&str; 6] = [
    "--session",
    "session_id",
    "--item",
    "item_id",
    "--time",
    "timestamp",
];

fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort_unstable();
    k
}

#[test]
fn generate_evaluate_train_recommend() {
    let dir = scratch("shop");
    let r = spur(&[
        "reco",
        "generate",
        "-o",
        s(&dir),
        "--sessions",
        "4000",
        "--seed",
        "3",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("wrote 4000 sessions, "),
        "{}",
        r.stderr
    );
    let clicks = dir.join("clicks.csv");
    let mut args = vec!["reco", "evaluate", s(&clicks)];
    args.extend(COLS);
    args.extend(["--test-days", "3", "--k", "20", "--seed", "1", "--json"]);
    let r = spur(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(
        keys(&v),
        [
            "baselines",
            "k",
            "params",
            "spur",
            "test_positions",
            "test_sessions",
            "train_sessions"
        ]
    );
    assert_eq!(
        keys(&v["spur"]),
        ["coverage", "hr", "mrr", "popularity_bias"]
    );
    assert_eq!(keys(&v["baselines"]), ["item_knn", "pop"]);
    assert_eq!(keys(&v["baselines"]["pop"]), ["hr", "mrr"]);
    assert_eq!(keys(&v["baselines"]["item_knn"]), ["hr", "mrr"]);
    assert_eq!(v["k"], 20);
    let hr = |p: &serde_json::Value| p["hr"].as_f64().unwrap_or(0.0);
    assert!(hr(&v["spur"]) > hr(&v["baselines"]["item_knn"]), "{v}");
    assert!(hr(&v["spur"]) > hr(&v["baselines"]["pop"]), "{v}");
    // Same run twice: same numbers (deterministic for a seed).
    assert_eq!(spur(&args).stdout, r.stdout);

    let model = dir.join("model.bin");
    let mut args = vec!["reco", "train", s(&clicks)];
    args.extend(COLS);
    args.extend(["-o", s(&model)]);
    let r = spur(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("trained on 4000 sessions"),
        "{}",
        r.stdout
    );

    let bytes = std::fs::read(&model).expect("model written");
    let (header, m) = spur_core::reco::artifact::decode(&bytes).expect("decodes");
    let profile = dir.join("profile.json");
    std::fs::write(
        &profile,
        r#"{"customer_id":"C1","preferred_categories":["cat-001"]}"#,
    )
    .expect("write");
    let r = spur(&[
        "reco",
        "recommend",
        s(&model),
        "--clicks",
        "P00003,P00120",
        "--basket",
        "P00010",
        "--customer-profile",
        s(&profile),
        "--k",
        "7",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(keys(&v), ["degraded", "items", "model", "profile"]);
    assert_eq!(v["model"]["kind"], "reco");
    assert_eq!(v["model"]["sha256"], header.sha256.as_str());
    assert_eq!(v["profile"], true);
    // One model, one score: the CLI equals spur-core.
    let req = spur_core::reco::Request {
        clicks: vec!["P00003".into(), "P00120".into()],
        basket: vec!["P00010".into()],
        k: 7,
        profile: Some(spur_core::reco::profile::CustomerProfile {
            customer_id: "C1".into(),
            preferred_categories: vec!["cat-001".into()],
        }),
        ..Default::default()
    };
    let core = serde_json::to_value(spur_core::reco::recommend(&m, &req).items).expect("json");
    assert_eq!(v["items"], core);
    assert_eq!(v["items"].as_array().map(Vec::len), Some(7));

    // Unknown session: popularity, flagged.
    let r = spur(&["reco", "recommend", s(&model), "--clicks", "nope", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["degraded"], "unknown_items");
    assert_eq!(v["items"][0]["reason"], "fallback: popular");
}

#[test]
fn refusals_and_exit_codes() {
    let bad = scratch("bad.bin");
    std::fs::write(&bad, b"SPURMODL\x01\x00\x02\x00garbage").expect("write");
    let r = spur(&["reco", "recommend", s(&bad), "--clicks", "a"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("truncated"), "{}", r.stderr);
    let r = spur(&["reco", "evaluate", "x.csv", "--bogus"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: unexpected argument '--bogus' found"),
        "{}",
        r.stderr
    );
    let r = spur(&["reco", "frobnicate"]);
    assert_eq!(r.code, 2);
    // A log without timestamps cannot be split by days.
    let log = scratch("untimed.csv");
    std::fs::write(&log, "session,item\n1,a\n1,b\n2,a\n2,c\n").expect("write");
    let r = spur(&[
        "reco",
        "evaluate",
        s(&log),
        "--session",
        "session",
        "--item",
        "item",
        "--test-days",
        "1",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no timestamps"), "{}", r.stderr);
}
