//! `--engine-timeout SECONDS` (issue 18): an engine that gives no answer in time is killed —
//! with what it started — and the error names the engine, the limit and how to raise it; no
//! number is printed. DuckDB with a tiny limit and a stand-in that never answers (whose
//! grandchild must die too), Spark with a limit shorter than its JVM's start, and the flag's
//! usage errors.

use super::{duckdb, shared_data};
use crate::support::{fresh_dir, s, spur};
use std::process::Command;
use std::time::{Duration, Instant};

/// `spur ARGS…` in `cli/` with `env`; exit code, stdout, stderr and how long it took.
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("spur runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

/// Is process `pid` still running (not gone, not a zombie)?
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let state = s.rsplit_once(") ")?.1.chars().next()?;
            Some(state != 'Z' && state != 'X')
        })
        .unwrap_or(false)
}

#[test]
fn a_duckdb_that_does_not_answer_in_time_is_stopped() {
    let dir = fresh_dir("engine-timeout");
    let parquet = dir.join("small.parquet");
    assert_eq!(
        spur(&["convert", "tests/data/small.csv", s(&parquet)]).code,
        0
    );
    // A stand-in for DuckDB that never answers, and whose own child holds the pipes.
    let pid_file = dir.join("sleep.pid");
    let fake = dir.join("duckdb");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nsleep 30 &\necho $! > '{}'\nwait\n",
            s(&pid_file)
        ),
    )
    .expect("script");
    let chmod = Command::new("chmod").args(["+x", s(&fake)]).status();
    assert!(chmod.is_ok_and(|st| st.success()));
    let (code, stdout, stderr, took) = run(
        &[
            "stats",
            s(&parquet),
            "--engine",
            "duckdb",
            "--engine-timeout",
            "0.5",
        ],
        &[("SPUR_DUCKDB", s(&fake))],
    );
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    assert_eq!(
        stderr,
        format!("spur: {}: DuckDB gave no answer within 0.5 s (one dataset's queries), so Spur stopped it; raise the limit with --engine-timeout SECONDS (default 60 s)\n", s(&parquet))
    );
    assert!(took < Duration::from_secs(10), "took {took:?}: not stopped");
    let pid = std::fs::read_to_string(&pid_file).expect("the stand-in started its child");
    assert!(!running(pid.trim()), "the engine's child {pid} still runs");

    // The real DuckDB with a tiny limit (it cannot even start in a millisecond), on every
    // command that takes --engine.
    if let (Some(data), Some(_)) = (shared_data(), duckdb()) {
        let receipt = dir.join("receipt.parquet");
        let log = data.join("eventlogs/receipt.xes");
        assert_eq!(spur(&["convert", s(&log), s(&receipt)]).code, 0);
        for args in [
            vec!["stats", s(&receipt), "--json"],
            vec!["map", s(&receipt)],
            vec!["filter", s(&receipt), "size:2..4"],
        ] {
            let mut a = args.clone();
            a.extend(["--engine", "duckdb", "--engine-timeout", "0.001"]);
            let (code, stdout, stderr, _) = run(&a, &[]);
            assert_eq!((code, stdout.as_str()), (1, ""), "{args:?}: {stderr}");
            assert!(
                stderr.contains("DuckDB gave no answer within 0.001 s")
                    && stderr.contains("raise the limit with --engine-timeout SECONDS"),
                "{args:?}: {stderr}"
            );
            // A generous limit answers.
            let mut a = args.clone();
            a.extend(["--engine", "duckdb", "--engine-timeout", "120"]);
            let (code, _, stderr, _) = run(&a, &[]);
            assert_eq!(code, 0, "{args:?}: {stderr}");
        }
    }
}

#[test]
fn engine_timeout_usage_errors_are_named() {
    for (args, want) in [
        (
            vec![
                "stats",
                "x.parquet",
                "--engine",
                "duckdb",
                "--engine-timeout",
                "0",
            ],
            "--engine-timeout takes a number of seconds above 0 (at most 604800), got `0`",
        ),
        (
            vec![
                "stats",
                "x.parquet",
                "--engine",
                "duckdb",
                "--engine-timeout",
                "soon",
            ],
            "got `soon`",
        ),
        (
            vec!["stats", "x.parquet", "--engine-timeout", "5"],
            "--engine-timeout needs --engine duckdb|spark",
        ),
        (
            vec!["map", "x.parquet", "--engine-timeout", "5"],
            "--engine-timeout needs --engine duckdb|spark",
        ),
        (
            vec![
                "filter",
                "x.parquet",
                "size:1..2",
                "--engine",
                "spark",
                "--engine-timeout",
                "-1",
            ],
            "got `-1`",
        ),
    ] {
        let r = spur(&args);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (2, ""),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    }
}
