//! `spur run RECIPE LOG`: the laundry recipe replayed on a simulated, merged laundry log gives
//! exactly the numbers of `spur compare` / `spur before` on the same data; refusals are located.

mod support;
use support::{fresh_dir, spur, Run};

use std::path::{Path, PathBuf};

const RECIPE: &str = "../core/test_data/recipes/laundry.json";

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    fresh_dir(&format!("run-{name}"))
}

/// `spur simulate laundry` + `spur merge`, as in the README; returns the merged CSV.
fn merged_laundry(d: &Path) -> String {
    let sim = d.join("laundry");
    let sim_s = sim.to_string_lossy().into_owned();
    let r = spur(&["simulate", "laundry", "-o", &sim_s, "--bookings", "400"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let merged = sim.join("merged.csv").to_string_lossy().into_owned();
    let src = |f: &str, spec: &str| format!("{sim_s}/{f}:{spec}");
    let r = spur(&[
        "merge",
        "--entity",
        "machine",
        "--closes",
        "logged out",
        &src("states.csv", "case=booking,activity=state"),
        &src("commands.csv", "activity=command,resource=sender"),
        &src("errors.csv", "activity=error"),
        "-o",
        &merged,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    merged
}

fn json(r: &Run) -> serde_json::Value {
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    serde_json::from_str(&r.stdout).expect("stdout is JSON")
}

#[test]
fn laundry_recipe_gives_the_numbers_of_the_single_commands() {
    let d = dir("laundry");
    let log = merged_laundry(&d);
    let replay = json(&spur(&["run", RECIPE, &log, "--json"]));
    let steps = replay["steps"].as_array().expect("steps");
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "roles",
            "resets-vs-rest",
            "resets",
            "state-before-reset",
            "map"
        ]
    );

    let compare = json(&spur(&[
        "compare",
        &log,
        "--a",
        "has:reset",
        "--rest",
        "--json",
    ]));
    assert_eq!(steps[1]["output"], compare);

    // The filter keeps every case with a reset, so every reset keeps its previous state.
    let before = json(&spur(&[
        "before",
        &log,
        "reset",
        "--where",
        "source=states",
        "--by",
        "@previous",
        "--describe",
        "sender_role",
        "--json",
    ]));
    assert_eq!(steps[3]["output"], before);
    assert!(before["occurrences"].as_u64().unwrap_or(0) > 0);

    let filtered = d.join("resets.csv").to_string_lossy().into_owned();
    let r = spur(&["filter", &log, "has:reset", "-o", &filtered]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let map = json(&spur(&["map", &filtered, "--json"]));
    assert_eq!(steps[4]["output"]["map"], map["map"]);
    assert_eq!(steps[2]["cases"], steps[4]["cases"]);

    let human = spur(&["run", RECIPE, &log]);
    assert_eq!((human.code, human.stderr.as_str()), (0, ""));
    let lines: Vec<&str> = human.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", human.stdout);
    assert!(lines[0].starts_with("laundry: where do the resets come from?: 5 steps"));
    assert!(lines[3].starts_with("#2 resets (filter): "), "{}", lines[3]);
}

#[test]
fn refusals_are_located_with_their_exit_codes() {
    let d = dir("refusals");
    let bad = d.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"version": 1, "steps": [{"id": "x", "kind": "filter", "filter": {"kind": "has_activity", "activities": ["rest"]}}]}"#,
    )
    .expect("write");
    let bad = bad.to_string_lossy().into_owned();
    let r = spur(&["run", &bad, "tests/data/laundry.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "recipe step 0 (`x`, filter): the log has no activity `rest` (did you mean `reset`?)"
        ),
        "{}",
        r.stderr
    );

    let v2 = d.join("v2.json");
    std::fs::write(&v2, r#"{"version": 2, "steps": []}"#).expect("write");
    let r = spur(&["run", &v2.to_string_lossy(), "tests/data/laundry.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("recipe version 2 is not supported"),
        "{}",
        r.stderr
    );

    // The recipe maps XES-style names; the flags put the small log's own names over them.
    let r = spur(&["run", RECIPE, "tests/data/laundry.csv"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("no case column"), "{}", r.stderr);
    let r = spur(&[
        "run",
        RECIPE,
        "tests/data/laundry.csv",
        "--case",
        "case",
        "--activity",
        "activity",
        "--timestamp",
        "timestamp",
        "--resource",
        "resource",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);

    assert_eq!(spur(&["run", RECIPE]).code, 2);
    assert_eq!(spur(&["run", RECIPE, "x.csv", "--bogus"]).code, 2);
}
