//! Transcript tests of `spur merge` and `spur simulate laundry`: exit codes, stdout, stderr, and
//! the merged file read back.

mod support;
use support::{fresh_dir, spur};

use std::path::{Path, PathBuf};

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    fresh_dir(&format!("merge-{name}"))
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

const STATES: &str = "booking,machine,state,timestamp
b1,M1,reserved,2024-01-01 10:00
b1,M1,logged out,2024-01-01 11:00
b2,M1,reserved,2024-01-01 12:00
";
const COMMANDS: &str = "machine,command,timestamp,sender_role
M1,reset,2024-01-01 10:30,hotline
M1,status query,2024-01-01 11:30,object manager
M1,reset,2024-01-01 12:10,object manager
";

fn fixture(name: &str) -> PathBuf {
    let d = dir(name);
    std::fs::write(d.join("states.csv"), STATES).expect("write");
    std::fs::write(d.join("commands.csv"), COMMANDS).expect("write");
    d
}

#[test]
fn merges_small_sources_with_role_overrides() {
    let d = fixture("small");
    let out = d.join("merged.csv");
    let r = spur(&[
        "merge",
        "--entity",
        "machine",
        "--closes",
        "logged out",
        "--case",
        "booking",
        &format!("{}:activity=state", s(&d.join("states.csv"))),
        &format!("{}:activity=command", s(&d.join("commands.csv"))),
        "-o",
        &s(&out),
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{}", r.stdout);
    let text = r.stdout.replace(&s(&out), "OUT");
    expect_test::expect![[r#"
        merged 2 sources on `machine` into OUT: 6 events, 2 cases + 1 entity-level cases
        source    role          events   attached  entity-level  unplaced
        states    primary            3          3             0         0
        commands  secondary          3          2             1         0
        cases: 1 closed by an end activity, 1 open until the next case on their entity
    "#]]
    .assert_eq(&text);
    let merged = std::fs::read_to_string(&out)
        .expect("output written")
        .replace("\r\n", "\n");
    expect_test::expect![[r#"
        case:concept:name,concept:name,time:timestamp,machine,source,sender_role
        b1,reserved,2024-01-01T10:00:00.000Z,M1,states,
        b1,reset,2024-01-01T10:30:00.000Z,M1,commands,hotline
        b1,logged out,2024-01-01T11:00:00.000Z,M1,states,
        b2,reserved,2024-01-01T12:00:00.000Z,M1,states,
        b2,reset,2024-01-01T12:10:00.000Z,M1,commands,object manager
        entity:M1,status query,2024-01-01T11:30:00.000Z,M1,commands,object manager
    "#]]
    .assert_eq(&merged);
}

#[test]
fn simulate_then_merge_round_trips_every_row() {
    let d = dir("laundry");
    let r = spur(&[
        "simulate",
        "laundry",
        "-o",
        &s(&d),
        "--bookings",
        "2000",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let truth: serde_json::Value = serde_json::from_str(&r.stdout).expect("truth json");
    let rows = ["state_rows", "command_rows", "error_rows"]
        .iter()
        .map(|k| truth[k].as_u64().expect("count"))
        .sum::<u64>();
    assert_eq!(truth["bookings"], 2000);
    for (format, ext) in [("csv", "csv"), ("parquet", "parquet")] {
        let out = d.join(format!("merged.{ext}"));
        let r = spur(&[
            "merge",
            "--entity",
            "machine",
            "--closes",
            "logged out",
            &format!("{}:case=booking,activity=state", s(&d.join("states.csv"))),
            &format!("{}:activity=command", s(&d.join("commands.csv"))),
            &format!("{}:activity=error", s(&d.join("errors.csv"))),
            "-o",
            &s(&out),
            "--json",
        ]);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{format}");
        let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("report json");
        assert_eq!(report["events"].as_u64(), Some(rows));
        assert_eq!(report["cases"], 2000);
        assert_eq!(report["sources"][1]["name"], "commands");
        // The written file reads back with the same number of events.
        let r = spur(&["stats", &s(&out), "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let stats: serde_json::Value = serde_json::from_str(&r.stdout).expect("stats json");
        assert_eq!(stats["events"].as_u64(), Some(rows), "{format}");
    }
    // The human truth names the causes.
    let r = spur(&["simulate", "laundry", "-o", &s(&d), "--bookings", "500"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("in finish booking (no log-out)"),
        "{}",
        r.stdout
    );
}

#[test]
fn refusals_are_located_with_their_exit_codes() {
    let d = fixture("bad");
    let states = format!("{}:case=booking,activity=state", s(&d.join("states.csv")));
    let commands = format!("{}:activity=command", s(&d.join("commands.csv")));
    let out = s(&d.join("m.csv"));
    // The entity attribute is missing from the primary: refused (1), naming what it has.
    let r = spur(&["merge", "--entity", "washer", &states, "-o", &out]);
    assert_eq!(r.code, 1);
    expect_test::expect![[r#"
        spur: merge: the primary source `states` has no event attribute `washer` to use as entity; name one of its event attributes (machine)
    "#]]
    .assert_eq(&r.stderr);
    // A secondary without the entity column: the importer says which column is missing.
    let other = d.join("other.csv");
    std::fs::write(&other, "device,activity,timestamp\nM1,x,2024-01-01 10:00\n").expect("write");
    let r = spur(&[
        "merge",
        "--entity",
        "machine",
        &states,
        &s(&other),
        "-o",
        &out,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("other.csv: no case column: looked for `machine`"),
        "{}",
        r.stderr
    );
    // Two files with one name would be indistinguishable in `source`.
    let r = spur(&["merge", "--entity", "machine", &states, &states, "-o", &out]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("two sources are named `states`"),
        "{}",
        r.stderr
    );
    // Unreadable file: I/O trouble (2), naming it.
    let r = spur(&[
        "merge", "--entity", "machine", &states, "nope.csv", "-o", &out,
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: cannot read nope.csv"),
        "{}",
        r.stderr
    );
    // Usage: missing --entity, unknown role key, unknown output format.
    let r = spur(&["merge", &states, &commands, "-o", &out]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--entity ATTR"), "{}", r.stderr);
    let r = spur(&[
        "merge",
        "--entity",
        "machine",
        "x.csv:colour=red",
        "-o",
        &out,
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown role `colour`"), "{}", r.stderr);
    let r = spur(&["merge", "--entity", "machine", &states, "-o", "m.txt"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot tell the output format"),
        "{}",
        r.stderr
    );
    let r = spur(&["simulate", "bakery"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: unrecognized subcommand 'bakery'")
            && r.stderr.contains("spur simulate <COMMAND>"),
        "{}",
        r.stderr
    );
    let r = spur(&["simulate", "laundry", "--bookings", "lots"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--bookings takes a whole number"),
        "{}",
        r.stderr
    );
}
