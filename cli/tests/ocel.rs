//! Transcript tests of `spur ocel` and of `spur convert` on OCEL files: stats as JSON, flatten
//! into an event log, JSON → SQLite → JSON round trips, and the exit codes of refusals (1 =
//! input refused, 2 = usage).

mod support;
use support::spur;

fn scratch(name: &str) -> String {
    support::scratch(name).to_string_lossy().into_owned()
}

const LOG: &str = "../core/test_data/ocel/ok/001_ocel2_minimal.jsonocel";

#[test]
fn stats_flatten_and_round_trips() {
    let stats = spur(&["ocel", "stats", LOG, "--json"]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    let v: serde_json::Value = serde_json::from_str(&stats.stdout).expect("JSON");
    assert_eq!(
        (
            v["events"].as_u64(),
            v["objects"].as_u64(),
            v["e2o"].as_u64(),
            v["o2o"].as_u64()
        ),
        (Some(2), Some(3), Some(4), Some(2))
    );
    assert_eq!(
        v["flattened"]["order"]["variants"],
        serde_json::json!([[["place", "pay"], 1]])
    );
    assert_eq!(v["flattened"]["item"]["cases"], 2);

    let csv = scratch("items.csv");
    let flat = spur(&["ocel", "flatten", LOG, "--type", "item", "-o", &csv]);
    assert_eq!(flat.code, 0, "{}", flat.stderr);
    let text = std::fs::read_to_string(&csv).expect("written");
    assert!(
        text.starts_with("case:concept:name,concept:name,time:timestamp"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3, "{text}");

    let sqlite = scratch("log.sqlite");
    let json = scratch("back.jsonocel");
    assert_eq!(spur(&["convert", LOG, &sqlite]).code, 0);
    assert_eq!(spur(&["convert", &sqlite, &json]).code, 0);
    let again = spur(&["ocel", "stats", &json, "--json"]);
    assert_eq!(again.stdout, stats.stdout);
}

#[test]
fn refusals_say_what_is_wrong() {
    let r = spur(&[
        "ocel",
        "flatten",
        LOG,
        "--type",
        "parcel",
        "-o",
        &scratch("x.csv"),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("no object type `parcel` (there are: order, item)"),
        "{}",
        r.stderr
    );
    let r = spur(&[
        "ocel",
        "stats",
        "../core/test_data/ocel/err/001_truncated.jsonocel",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("line 2, column 31"), "{}", r.stderr);
    let r = spur(&["convert", LOG, &scratch("x.csv")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("spur ocel flatten"), "{}", r.stderr);
    let r = spur(&["ocel", "frobnicate", LOG]);
    assert_eq!(r.code, 2);
}
