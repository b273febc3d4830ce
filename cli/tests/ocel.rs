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

#[test]
fn map_draws_every_type_and_refuses_unknown_ones() {
    let svg = scratch("oc.svg");
    let r = spur(&["ocel", "map", LOG, "-o", &svg]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("2 object types (item #4e79a7, order #f28e2b)"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&svg).expect("written");
    assert!(text.starts_with("<svg") && text.contains(r#"class="ocdfg-map""#));
    // place → pay of the one order; both items start and end at place.
    assert!(text.contains(r#"data-kind="df" data-type="order" data-from="place" data-to="pay" data-event-couples="1""#), "{text}");
    assert!(text.contains(r#"data-kind="start" data-type="item" data-from="item" data-to="place" data-event-couples="1" data-unique-objects="2""#), "{text}");

    let only = spur(&[
        "ocel",
        "map",
        LOG,
        "--types",
        "order",
        "--measure",
        "total-objects",
        "-o",
        &svg,
    ]);
    assert_eq!(only.code, 0, "{}", only.stderr);
    assert!(!std::fs::read_to_string(&svg)
        .expect("written")
        .contains(r#"data-type="item""#));

    let unknown = spur(&["ocel", "map", LOG, "--types", "order,parcel", "-o", &svg]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("no object type `parcel` (there are: order, item)"),
        "{}",
        unknown.stderr
    );
    let bad = spur(&["ocel", "map", LOG, "--measure", "weight", "-o", &svg]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("--measure takes event_couples"),
        "{}",
        bad.stderr
    );
}

#[test]
fn generated_chunks_concatenate_without_shared_ids() {
    let (a, b) = (scratch("chunk1.jsonocel"), scratch("chunk2.jsonocel"));
    for (out, chunk, seed) in [(&a, "1", "18"), (&b, "2", "19")] {
        let run = spur(&[
            "ocel", "generate", "--orders", "20", "--chunk", chunk, "--seed", seed, "-o", out,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let text = |p: &str| std::fs::read_to_string(p).expect("written");
    let (a, b) = (text(&a), text(&b));
    assert!(a.contains("\"c1-o1\"") && a.contains("\"c1-e1\"") && !a.contains("\"c2-"));
    assert!(b.contains("\"c2-i1\"") && !b.contains("\"c1-"));
    let bad = spur(&["ocel", "generate", "--chunk", "x", "-o", "x.jsonocel"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("--chunk takes a whole number, got `x`"),
        "{}",
        bad.stderr
    );
}
