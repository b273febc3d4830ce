//! Transcript tests of `spur stats`: exact stdout, stderr and exit code of the real binary.

mod support;
use support::spur;

use std::path::{Path, PathBuf};

fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("SPUR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if dir.join("golden").is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "SKIPPED: reference data folder {} not found (set SPUR_SHARED_DATA)",
        dir.display()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "{msg}; CI is set, so this is a failure"
    );
    eprintln!("\n*** {msg} ***\n");
    None
}

#[test]
fn stats_json_on_a_small_fixture() {
    let r = spur(&["stats", "tests/data/small.csv", "--json"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect_test::expect_file!["data/small.csv.stats.json"].assert_eq(&r.stdout);
}

#[test]
fn stats_human_on_a_small_fixture() {
    let r = spur(&["stats", "tests/data/small.csv"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect_test::expect_file!["data/small.csv.stats.txt"].assert_eq(&r.stdout);
}

#[test]
fn mapped_columns_and_errors() {
    let r = spur(&[
        "stats",
        "tests/data/small.csv",
        "--case",
        "resource",
        "--json",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("\"cases\": 3"), "{}", r.stdout);
    let r = spur(&["stats", "tests/data/small.csv", "--case", "nope"]);
    assert_eq!(r.code, 1);
    expect_test::expect![[r#"
        spur: tests/data/small.csv: no case column: looked for `nope` (as mapped) among the columns [case, activity, timestamp, resource, cost]; map one explicitly
    "#]]
    .assert_eq(&r.stderr);
    let r = spur(&["stats", "tests/data/missing.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: cannot read tests/data/missing.csv"),
        "{}",
        r.stderr
    );
    let r = spur(&["stats"]);
    assert_eq!(r.code, 2);
}

#[test]
fn stats_json_equals_golden_running_example() {
    let Some(dir) = shared_data() else { return };
    for (name, golden) in [
        ("running-example.xes", "running-example.xes"),
        ("running-example.csv", "running-example.csv"),
        ("running-example.parquet", "running-example.csv"),
    ] {
        let log = dir.join("eventlogs").join(name);
        let r = spur(&["stats", log.to_str().expect("utf-8 path"), "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let got: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
        let want: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("golden").join(format!("{golden}.json"))).expect("golden"),
        )
        .expect("golden JSON");
        assert_eq!(got, want, "{name}");
    }
}
