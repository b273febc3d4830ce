//! `spur stats … --summary-out S.json` (issue 18): the log summary file DuckDB computes from
//! the Parquet dataset must be byte for byte the one `spur stats LOG` writes in memory, on
//! shared logs (with and without filters), read back by core, and agree with the golden
//! numbers; a second dataset or an unwritable path is refused.

use super::{duckdb, shared_data};
use crate::support::{fresh_dir, s, spur};
use spur_core::mining::LogSummary;

#[test]
fn duckdb_writes_the_same_summary_bytes_as_memory() {
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let dir = fresh_dir("engine-summary");
    let cases: [(&str, &[&str]); 5] = [
        ("running-example.xes", &[]),
        ("receipt.xes", &[]),
        // Start timestamps order its cases: positions, durations and bins follow them.
        ("interval_event_log.xes", &[]),
        (
            "receipt.xes",
            &[
                "--filter",
                "has:T02 Check confirmation of receipt",
                "--filter",
                "size:3..9",
            ],
        ),
        // A partitioned dataset (a folder of files split by case): the same bytes.
        ("receipt.xes", &["--partitions"]),
    ];
    for (i, (name, filters)) in cases.iter().enumerate() {
        let log = data.join("eventlogs").join(name);
        let partitioned = filters.first() == Some(&"--partitions");
        let filters: &[&str] = if partitioned { &[] } else { filters };
        let parquet = dir.join(format!("{name}.parquet"));
        if !parquet.exists() {
            let c = spur(&["convert", s(&log), s(&parquet)]);
            assert_eq!(c.code, 0, "{name}: {}", c.stderr);
        }
        let parquet = if partitioned {
            let folder = dir.join(format!("{name}.parts"));
            let c = spur(&["convert", s(&log), s(&folder), "--partitions", "3"]);
            assert_eq!(c.code, 0, "{name}: {}", c.stderr);
            folder
        } else {
            parquet
        };
        let (mem, duck) = (
            dir.join(format!("{i}.mem.json")),
            dir.join(format!("{i}.duck.json")),
        );
        let mut memory = vec!["stats", s(&log), "--json", "--summary-out", s(&mem)];
        let mut engine = vec![
            "stats",
            s(&parquet),
            "--json",
            "--engine",
            "duckdb",
            "--summary-out",
            s(&duck),
        ];
        memory.extend(filters);
        engine.extend(filters);
        let (m, e) = (spur(&memory), spur(&engine));
        assert_eq!((m.code, m.stderr.as_str()), (0, ""), "{name}");
        assert_eq!((e.code, e.stderr.as_str()), (0, ""), "{name}");
        // The statistics printed beside the file are the same too.
        assert!(e.stdout == m.stdout, "{name} {filters:?}: stdout differs");
        let (mb, db) = (
            std::fs::read_to_string(&mem).expect("memory summary"),
            std::fs::read_to_string(&duck).expect("duckdb summary"),
        );
        assert!(
            mb.starts_with("{\"format\":\"spur-log-summary/1\","),
            "{name}"
        );
        if mb != db {
            let at = mb
                .bytes()
                .zip(db.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let from = at.saturating_sub(80);
            panic!(
                "{name} {filters:?}: the summaries differ at byte {at}:\nmemory: {}\nduckdb: {}",
                &mb[from..(at + 80).min(mb.len())],
                &db[from..(at + 80).min(db.len())]
            );
        }
        let summary = LogSummary::from_json(&db).expect("core reads it back");
        assert_eq!(
            summary.to_json(),
            db,
            "{name}: the round trip changes bytes"
        );
        if filters.is_empty() {
            // The counts are pm4py's (the golden file of the same log).
            let golden: serde_json::Value = serde_json::from_slice(
                &std::fs::read(data.join("golden").join(format!("{name}.json"))).expect("golden"),
            )
            .expect("golden json");
            assert_eq!(Some(summary.events), golden["events"].as_u64(), "{name}");
            assert_eq!(Some(summary.cases), golden["cases"].as_u64(), "{name}");
            assert_eq!(
                summary.variants.len(),
                golden["variants"].as_array().map_or(0, Vec::len),
                "{name}"
            );
            let timed: u64 = summary
                .case_durations
                .histogram
                .as_ref()
                .map_or(0, |h| h.counts.iter().sum());
            assert_eq!(timed, summary.cases, "{name}: every case is in a bin");
        } else {
            let whole = LogSummary::from_json(
                &std::fs::read_to_string(dir.join("1.mem.json")).expect("unfiltered"),
            )
            .expect("reads");
            assert!(
                0 < summary.cases && summary.cases < whole.cases,
                "{name}: the filters narrowed nothing ({} of {} cases)",
                summary.cases,
                whole.cases
            );
        }
    }
}

#[test]
fn a_summary_file_gives_the_logs_map_and_statistics_without_the_events() {
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let dir = fresh_dir("engine-summary-read");
    for name in ["receipt.xes", "interval_event_log.xes"] {
        let log = data.join("eventlogs").join(name);
        let parquet = dir.join(format!("{name}.parquet"));
        assert_eq!(spur(&["convert", s(&log), s(&parquet)]).code, 0);
        // Written by DuckDB: what the browser would get for a log too big to load.
        let summary = dir.join(format!("{name}.summary.json"));
        let w = spur(&[
            "stats",
            s(&parquet),
            "--engine",
            "duckdb",
            "--summary-out",
            s(&summary),
        ]);
        assert_eq!(w.code, 0, "{}", w.stderr);
        for extra in [vec!["--json"], vec!["--json", "--paths", "0.5"], vec![]] {
            let mut memory = vec!["map", s(&log)];
            let mut from_file = vec!["map", s(&summary)];
            memory.extend(&extra);
            from_file.extend(&extra);
            let (m, f) = (spur(&memory), spur(&from_file));
            assert_eq!((m.code, f.code), (0, 0), "{name} {extra:?}: {}", f.stderr);
            assert_eq!(f.stderr, m.stderr, "{name} {extra:?}");
            assert!(f.stdout == m.stdout, "{name} {extra:?}: the maps differ");
        }
        let (m, f) = (
            spur(&["stats", s(&log), "--json"]),
            spur(&["stats", s(&summary), "--json"]),
        );
        assert_eq!((f.code, f.stderr.as_str()), (0, ""), "{name}");
        assert!(f.stdout == m.stdout, "{name}: the statistics differ");
        let r = spur(&["map", s(&summary), "--activities", "0.5"]);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{}", r.stderr);
        assert!(
            r.stderr.contains("--activities below 1 needs the events"),
            "{}",
            r.stderr
        );
    }
    // An altered summary is refused by name, never drawn.
    let good = std::fs::read_to_string(dir.join("receipt.xes.summary.json")).expect("written");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, good.replacen("\"cases\":1434", "\"cases\":1435", 1)).expect("bad");
    for command in ["map", "stats"] {
        let r = spur(&[command, s(&bad)]);
        assert_eq!((r.code, r.stdout.as_str()), (1, ""), "{command}");
        assert!(
            r.stderr
                .contains("field `start_activities`: the counts sum to 1434, but `cases` is 1435"),
            "{command}: {}",
            r.stderr
        );
    }
}

#[test]
fn a_log_without_timestamps_gives_the_same_summary_with_no_times() {
    let Some(_) = duckdb() else { return };
    let dir = fresh_dir("engine-summary-untimed");
    let csv = dir.join("untimed.csv");
    std::fs::write(&csv, "case,activity\n1,a\n1,b\n1,b\n2,a\n3,b\n3,a\n").expect("csv");
    let parquet = dir.join("untimed.parquet");
    assert_eq!(spur(&["convert", s(&csv), s(&parquet)]).code, 0);
    let (mem, duck) = (dir.join("mem.json"), dir.join("duck.json"));
    let m = spur(&["stats", s(&csv), "--summary-out", s(&mem)]);
    let e = spur(&[
        "stats",
        s(&parquet),
        "--engine",
        "duckdb",
        "--summary-out",
        s(&duck),
    ]);
    assert_eq!((m.code, e.code), (0, 0), "{}{}", m.stderr, e.stderr);
    let (mb, db) = (
        std::fs::read_to_string(&mem).expect("memory"),
        std::fs::read_to_string(&duck).expect("duckdb"),
    );
    assert_eq!(db, mb);
    assert!(
        mb.contains("\"case_durations\":{\"summary\":null,\"histogram\":null}")
            && mb.contains("\"time_range\":null,\"events_over_time\":null")
            && mb.contains("\"case_sizes\":[[1,1],[2,1],[3,1]]"),
        "{mb}"
    );
}

#[test]
fn summary_out_takes_one_dataset_and_a_writable_path() {
    let dir = fresh_dir("engine-summary-bad");
    let parquet = dir.join("small.parquet");
    assert_eq!(
        spur(&["convert", "tests/data/small.csv", s(&parquet)]).code,
        0
    );
    let r = spur(&[
        "stats",
        s(&parquet),
        s(&parquet),
        "--engine",
        "duckdb",
        "--summary-out",
        s(&dir.join("x.json")),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--summary-out writes the summary of one dataset (got 2)"),
        "{}",
        r.stderr
    );
    let nowhere = dir.join("no/such/folder/s.json");
    let r = spur(&[
        "stats",
        "tests/data/small.csv",
        "--summary-out",
        s(&nowhere),
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert!(
        r.stderr.starts_with(&format!(
            "spur: cannot write the summary to {}: ",
            s(&nowhere)
        )),
        "{}",
        r.stderr
    );
}
