//! `spur stats DATASET --engine duckdb|spark` (issue 18): for every golden log, the statistics
//! DuckDB and Spark compute from the Parquet `spur convert` writes must print exactly the JSON
//! `spur stats LOG` prints in memory; bad datasets and a missing or unreachable engine must be
//! refused with a clear message.
//!
//! DuckDB comes from `bash scripts/setup.sh` (`.tools/bin/duckdb`), `$SPUR_DUCKDB` or PATH;
//! Spark from the same script (`.tools/spark-venv`, PySpark on Java 17+) or
//! `$SPUR_SPARK_PYTHON`. Without them these tests skip with a message — unless `CI` is set,
//! where that is a failure. Spark's JVM takes seconds to start, so the Spark test asks one
//! `spur` command (one session) for every golden log and the bad datasets at once.

/// The Spark tests (one session for every golden log, refusals without a JVM).
#[path = "engine/spark.rs"]
mod spark;
/// `--summary-out`: the same summary bytes from DuckDB as in memory.
#[path = "engine/summary.rs"]
mod summary;
mod support;
/// `--engine-timeout`: an engine that does not answer in time is stopped, and the error says
/// how to raise the limit.
#[path = "engine/timeout.rs"]
mod timeout;
use support::{fresh_dir, s, spur};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("SPUR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if dir.join("golden").is_dir() {
        return Some(dir);
    }
    skip(&format!(
        "reference data folder {} not found (set SPUR_SHARED_DATA)",
        dir.display()
    ));
    None
}

fn skip(why: &str) {
    let msg = format!("SKIPPED: {why}");
    assert!(
        std::env::var_os("CI").is_none(),
        "{msg}; CI is set, so this is a failure"
    );
    eprintln!("\n*** {msg} ***\n");
}

/// The DuckDB CLI the `spur` binary will find (same order as `engine::find_duckdb`).
fn duckdb() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SPUR_DUCKDB") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .map(|d| d.join("duckdb"))
        .chain(std::iter::once(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/bin/duckdb"),
        ))
        .find(|p| p.is_file());
    if found.is_none() {
        skip("DuckDB is not installed (run `bash scripts/setup.sh`, or `pip install duckdb-cli`)");
    }
    found
}

/// Every golden log converted to Parquet (as `spur convert` writes it; two also partitioned
/// into folders) with its in-memory `spur stats --json`, made once for all the tests of this
/// binary (bpic2012 takes seconds).
struct Golden {
    names: Vec<String>,
    parquet: Vec<PathBuf>,
    /// The in-memory JSON of every log, one after the other (what `spur stats A B… --engine`
    /// must print).
    memory: String,
}

fn golden() -> Option<&'static Golden> {
    static GOLDEN: OnceLock<Option<Golden>> = OnceLock::new();
    GOLDEN
        .get_or_init(|| {
            let data = shared_data()?;
            let dir = fresh_dir("engine-golden");
            let mut names: Vec<String> = std::fs::read_dir(data.join("golden"))
                .expect("golden folder")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
                .collect();
            names.sort();
            assert!(names.len() >= 8, "golden logs: {names:?}");
            let mut memory = String::new();
            let mut parquet = Vec::new();
            let mut names_too = Vec::new();
            for name in &names {
                let log = data.join("eventlogs").join(name);
                let file = dir.join(format!("{name}.parquet"));
                let r = spur(&["convert", s(&log), s(&file)]);
                assert_eq!(r.code, 0, "{name}: {}", r.stderr);
                let r = spur(&["stats", s(&log), "--json"]);
                assert_eq!(r.code, 0, "{name}: {}", r.stderr);
                memory.push_str(&r.stdout);
                parquet.push(file);
                // Two logs also as partitioned datasets (a folder of files split by case
                // hash): the same statistics as the single file.
                let parts = match name.as_str() {
                    "receipt.xes" => "4",
                    "interval_event_log.xes" => "3",
                    _ => continue,
                };
                let folder = dir.join(format!("{name}.parts"));
                let c = spur(&["convert", s(&log), s(&folder), "--partitions", parts]);
                assert_eq!(c.code, 0, "{name}: {}", c.stderr);
                memory.push_str(&r.stdout);
                parquet.push(folder);
                names_too.push(format!("{name} in {parts} files"));
            }
            names.extend(names_too);
            Some(Golden {
                names,
                parquet,
                memory,
            })
        })
        .as_ref()
}

#[test]
fn duckdb_stats_equal_in_memory_stats_on_every_golden_log() {
    let (Some(golden), Some(_)) = (golden(), duckdb()) else {
        return;
    };
    let mut args = vec!["stats"];
    args.extend(golden.parquet.iter().map(|p| s(p)));
    args.extend(["--engine", "duckdb", "--json"]);
    let engine = spur(&args);
    assert_eq!((engine.code, engine.stderr.as_str()), (0, ""));
    assert!(
        engine.stdout == golden.memory,
        "DuckDB's JSON differs from the in-memory JSON on {:?}",
        golden.names
    );
}

#[test]
fn filters_give_the_same_statistics_in_duckdb_and_in_memory() {
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let log = data.join("eventlogs/receipt.xes");
    let parquet = fresh_dir("engine-filter").join("receipt.parquet");
    assert_eq!(spur(&["convert", s(&log), s(&parquet)]).code, 0);
    for filters in [
        vec!["has:T02 Check confirmation of receipt"],
        vec!["time:2011-01-01..2011-06-01:events", "size:3..6"],
        vec![
            "df:T02 Check confirmation of receipt->T04 Determine confirmation of receipt",
            "not-ef:T06 Determine necessity of stop advice->T05 Print and send confirmation of receipt<=1h",
            "variants:top=5",
        ],
        vec!["case-attr:channel=Desk,Post", "events:org:group!=EMPTY"],
        vec!["between:T02 Check confirmation of receipt->T05 Print and send confirmation of receipt"],
    ] {
        let mut memory = vec!["stats", s(&log), "--json"];
        let mut engine = vec!["stats", s(&parquet), "--json", "--engine", "duckdb"];
        for f in &filters {
            memory.extend(["--filter", f]);
            engine.extend(["--filter", f]);
        }
        let (m, e) = (spur(&memory), spur(&engine));
        assert_eq!((e.code, e.stderr.as_str()), (0, ""), "{filters:?}");
        assert!(m.stdout.contains("\"events\": "), "{}", m.stdout);
        assert!(e.stdout == m.stdout, "{filters:?}: DuckDB's JSON differs");
    }
    // A typo is refused with the in-memory words, never counted as zero cases.
    let typo = "has:T02 Check confirmation of receit";
    let m = spur(&["stats", s(&log), "--filter", typo]);
    let e = spur(&["stats", s(&parquet), "--engine", "duckdb", "--filter", typo]);
    assert_eq!((m.code, e.code, e.stdout.as_str()), (1, 1, ""));
    let words = |r: &support::Run| r.stderr.splitn(3, ": ").nth(2).map(str::to_string);
    assert_eq!(words(&e), words(&m));
    assert!(e
        .stderr
        .contains("(did you mean `T02 Check confirmation of receipt`?)"));
    // A negated event-level filter is refused with the in-memory words too.
    let negated = "not:events:org:group=EMPTY";
    let m = spur(&["stats", s(&log), "--filter", negated]);
    let e = spur(&[
        "stats",
        s(&parquet),
        "--engine",
        "duckdb",
        "--filter",
        negated,
    ]);
    assert_eq!((m.code, e.code, e.stdout.as_str()), (1, 1, ""));
    assert_eq!(words(&e), words(&m));
    assert!(e.stderr.contains("cannot be negated"), "{}", e.stderr);
}

#[test]
fn spur_filter_counts_the_same_steps_in_duckdb_and_in_memory() {
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let log = data.join("eventlogs/receipt.xes");
    let parquet = fresh_dir("engine-filter-steps").join("receipt.parquet");
    assert_eq!(spur(&["convert", s(&log), s(&parquet)]).code, 0);
    let filters = [
        "has:T02 Check confirmation of receipt",
        "time:2011-01-01..2011-06-01:events",
        "size:3..6",
        "end:Confirmation of receipt,T10 Determine necessity to stop indication",
    ];
    for json in [true, false] {
        let mut memory = vec!["filter", s(&log)];
        let mut engine = vec!["filter", s(&parquet), "--engine", "duckdb"];
        memory.extend(filters);
        engine.extend(filters);
        if json {
            memory.push("--json");
            engine.push("--json");
        }
        let (m, e) = (spur(&memory), spur(&engine));
        assert_eq!((m.code, e.code, e.stderr.as_str()), (0, 0, ""));
        assert_eq!(e.stdout, m.stdout);
    }
    let r = spur(&[
        "filter",
        s(&parquet),
        "size:3..6",
        "--engine",
        "duckdb",
        "-o",
        "x.csv",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("leave out --engine"), "{}", r.stderr);
}

#[test]
fn spur_map_draws_the_same_map_from_duckdb_as_in_memory() {
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let dir = fresh_dir("engine-map");
    for name in ["receipt.xes", "interval_event_log.xes"] {
        let log = data.join("eventlogs").join(name);
        let parquet = dir.join(format!("{name}.parquet"));
        assert_eq!(spur(&["convert", s(&log), s(&parquet)]).code, 0);
        for extra in [
            vec!["--json"],
            vec![],
            vec!["--json", "--paths", "0.5"],
            vec!["--json", "--activities", "0.6", "--paths", "0.8"],
        ] {
            let mut memory = vec!["map", s(&log)];
            let mut engine = vec!["map", s(&parquet), "--engine", "duckdb"];
            memory.extend(&extra);
            engine.extend(&extra);
            let (m, e) = (spur(&memory), spur(&engine));
            assert_eq!((m.code, e.code), (0, 0), "{name} {extra:?}: {}", e.stderr);
            assert_eq!(e.stderr, m.stderr, "{name} {extra:?}");
            assert!(e.stdout == m.stdout, "{name} {extra:?}: the maps differ");
        }
    }
}

#[test]
fn the_machines_time_zone_changes_nothing() {
    // DuckDB's session zone is the machine's; a daylight-saving change must not move durations.
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let log = data.join("eventlogs/receipt.xes");
    let parquet = fresh_dir("engine-tz").join("receipt.parquet");
    assert_eq!(spur(&["convert", s(&log), s(&parquet)]).code, 0);
    let memory = spur(&["stats", s(&log), "--json"]);
    let out = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args(["stats", s(&parquet), "--engine", "duckdb", "--json"])
        .env("TZ", "America/New_York")
        .output()
        .expect("spur runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout) == memory.stdout,
        "differs under TZ=America/New_York"
    );
}

#[test]
fn a_dataset_without_row_numbers_uses_duckdbs_file_order() {
    // The shared Parquet was written by pandas: no `__spur_row`, DuckDB numbers the rows.
    let (Some(data), Some(_)) = (shared_data(), duckdb()) else {
        return;
    };
    let log = data.join("eventlogs/running-example.parquet");
    let memory = spur(&["stats", s(&log), "--json"]);
    let engine = spur(&["stats", s(&log), "--engine", "duckdb", "--json"]);
    assert_eq!(engine.code, 0, "{}", engine.stderr);
    assert_eq!(engine.stdout, memory.stdout);
}

#[test]
fn bad_datasets_are_refused_naming_the_column() {
    let Some(duck) = duckdb() else { return };
    let dir = fresh_dir("engine-bad");
    let write = |name: &str, select: &str| {
        let path = dir.join(name);
        let sql = format!("COPY ({select}) TO '{}' (FORMAT parquet)", s(&path));
        let out = Command::new(&duck)
            .args(["-c", &sql])
            .output()
            .expect("duckdb runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        path
    };
    let no_activity = write(
        "no-activity.parquet",
        "SELECT 'c1' AS \"case:concept:name\", TIMESTAMP '2024-01-01 10:00' AS \"time:timestamp\"",
    );
    let r = spur(&["stats", s(&no_activity), "--engine", "duckdb", "--json"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr.contains("no activity column: looked for `concept:name`, `activity`, `activity_name`, `event` among the columns [`case:concept:name`, `time:timestamp`]"),
        "{}",
        r.stderr
    );
    let text_time = write(
        "text-time.parquet",
        "SELECT 'c1' AS \"case\", 'a' AS activity, '2024-01-01 10:00' AS \"timestamp\"",
    );
    let r = spur(&["stats", s(&text_time), "--engine", "duckdb"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr.contains("column `timestamp` (timestamp) has type VARCHAR; timestamp needs a TIMESTAMP or DATE type (write the dataset with `spur convert LOG OUT.parquet`)"),
        "{}",
        r.stderr
    );
    let float_case = write(
        "float-case.parquet",
        "SELECT 1.5 AS \"case\", 'a' AS activity",
    );
    let r = spur(&["stats", s(&float_case), "--engine", "duckdb"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("column `case` (case) has type DECIMAL"),
        "{}",
        r.stderr
    );
    let untimed = write(
        "untimed.parquet",
        "SELECT 'c1' AS \"case\", 'a' AS activity",
    );
    let r = spur(&[
        "stats",
        s(&untimed),
        "--engine",
        "duckdb",
        "--filter",
        "duration:1h..2d",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr.contains("needs timestamps, and this log has none"),
        "{}",
        r.stderr
    );
    let r = spur(&["stats", s(&dir.join("nope.parquet")), "--engine", "duckdb"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn a_missing_engine_says_how_to_install_it() {
    let parquet = fresh_dir("engine-missing").join("small.parquet");
    assert_eq!(
        spur(&["convert", "tests/data/small.csv", s(&parquet)]).code,
        0
    );
    let out = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args(["stats", s(&parquet), "--engine", "duckdb"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SPUR_DUCKDB", "/nonexistent/duckdb")
        .output()
        .expect("spur runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot run /nonexistent/duckdb")
            && stderr.contains("`bash scripts/setup.sh`")
            && stderr.contains("`pip install duckdb-cli`"),
        "{stderr}"
    );
    let r = spur(&["stats", "tests/data/small.csv", "--engine", "duckdb"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(r.stderr, "spur: tests/data/small.csv: not a Parquet file; --engine reads Parquet datasets: write one with `spur convert tests/data/small.csv OUT.parquet`\n");
    let r = spur(&["stats", "tests/data/small.csv", "--engine", "spork"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--engine takes one of: duckdb, spark (got `spork`)"),
        "{}",
        r.stderr
    );
    let r = spur(&["stats", s(&parquet), "--master", "local[2]"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--master needs --engine spark"),
        "{}",
        r.stderr
    );
}

#[test]
fn convert_partitions_only_into_a_folder_without_parquet() {
    let dir = fresh_dir("engine-partitions");
    let folder = dir.join("small");
    let r = spur(&[
        "convert",
        "tests/data/small.csv",
        s(&folder),
        "--partitions",
        "0",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--partitions takes a number from 1 to 10000"),
        "{}",
        r.stderr
    );
    let r = spur(&[
        "convert",
        "tests/data/small.csv",
        s(&folder),
        "--partitions",
        "3",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let again = spur(&[
        "convert",
        "tests/data/small.csv",
        s(&folder),
        "--partitions",
        "3",
    ]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("already holds Parquet files"),
        "{}",
        again.stderr
    );
}
