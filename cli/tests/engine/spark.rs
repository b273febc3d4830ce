//! `spur stats --engine spark` (issue 18): every golden log (two also partitioned) and the bad
//! datasets in one `spur` command — one Spark session, since the JVM takes seconds to start —
//! must print exactly the in-memory JSON and name what is wrong; a missing PySpark or Java and
//! an unreachable master are refused before any JVM starts.

use super::{duckdb, golden, skip};
use crate::support::{self, fresh_dir, s, spur};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python with PySpark the `spur` binary will find (same order as `engine::spark`), and
/// Java; `None` (a skip, or a failure under CI) when either is missing.
fn spark() -> Option<PathBuf> {
    let python = std::env::var_os("SPUR_SPARK_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/spark-venv/bin/python"))
                .filter(|p| p.is_file())
        });
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    match python {
        Some(p) if java => Some(p),
        _ => {
            skip("Spark is not installed (run `bash scripts/setup.sh`: PySpark into .tools/spark-venv, Java 17+)");
            None
        }
    }
}

/// `spur stats` with a Spark python that cannot work, without starting a JVM.
fn spark_refusal(env: &[(&str, &str)], master: &str) -> (i32, String) {
    let parquet = fresh_dir("engine-spark-missing").join("small.parquet");
    assert_eq!(
        spur(&["convert", "tests/data/small.csv", s(&parquet)]).code,
        0
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_spur"));
    command
        .args([
            "stats",
            s(&parquet),
            "--engine",
            "spark",
            "--master",
            master,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("spur runs");
    assert!(out.stdout.is_empty(), "no numbers on a failure");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn spark_stats_equal_in_memory_stats_on_every_golden_log_and_bad_datasets_are_named() {
    let (Some(golden), Some(_)) = (golden(), spark()) else {
        return;
    };
    let started = std::time::Instant::now();
    let dir = fresh_dir("engine-spark");
    let mut datasets = golden.parquet.clone();
    // Bad datasets after the good ones: each is refused by name, the rest still answered.
    let mut refusals: Vec<&str> = Vec::new();
    if let Some(duck) = duckdb() {
        let bad = [
            (
                "no-activity.parquet",
                "SELECT 'c1' AS \"case:concept:name\", TIMESTAMP '2024-01-01 10:00' AS \"time:timestamp\", 0::BIGINT AS __spur_row",
                "no activity column: looked for `concept:name`, `activity`, `activity_name`, `event` among the columns [`case:concept:name`, `time:timestamp`, `__spur_row`]",
            ),
            (
                "text-time.parquet",
                "SELECT 'c1' AS \"case\", 'a' AS activity, '2024-01-01 10:00' AS \"timestamp\", 0::BIGINT AS __spur_row",
                "column `timestamp` (timestamp) has type string; timestamp needs a TIMESTAMP or DATE type (write the dataset with `spur convert LOG OUT.parquet`)",
            ),
            (
                "no-row.parquet",
                "SELECT 'c1' AS \"case\", 'a' AS activity",
                "the dataset has no `__spur_row` column, which Spark needs to keep ties in time in file order; write it with `spur convert LOG OUT.parquet`",
            ),
        ];
        for (file, select, message) in bad {
            let path = dir.join(file);
            let sql = format!("COPY ({select}) TO '{}' (FORMAT parquet)", s(&path));
            let out = Command::new(&duck)
                .args(["-c", &sql])
                .output()
                .expect("duckdb");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            datasets.push(path);
            refusals.push(message);
        }
    }
    let mut args = vec!["stats"];
    args.extend(datasets.iter().map(|p| s(p)));
    // bpic2012's plan is one answer: a loaded CI machine must not hit the 60 s default.
    args.extend([
        "--engine",
        "spark",
        "--master",
        "local[2]",
        "--engine-timeout",
        "600",
        "--json",
    ]);
    // Small logs and a short-lived JVM: the C1 compiler alone starts faster (about 40% less
    // time here); the numbers do not depend on it.
    let out = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(
            "SPUR_SPARK_CONF",
            "spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1",
        )
        .output()
        .expect("spur runs");
    let r = support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    };
    assert!(
        r.stdout == golden.memory,
        "Spark's JSON differs from the in-memory JSON\nstderr: {}",
        r.stderr
    );
    for message in &refusals {
        assert!(
            r.stderr.contains(message),
            "{message}\nstderr: {}",
            r.stderr
        );
    }
    assert_eq!(r.code, if refusals.is_empty() { 0 } else { 1 });
    eprintln!(
        "Spark: {} datasets (golden logs, two partitioned) and {} bad ones in {:.1} s",
        golden.names.len(),
        refusals.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn a_missing_or_unreachable_spark_says_what_is_missing() {
    // None of these starts a JVM: the driver checks first.
    let (code, stderr) = spark_refusal(&[("SPUR_SPARK_PYTHON", "/nonexistent/python")], "local[*]");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("cannot run /nonexistent/python")
            && stderr.contains("`bash scripts/setup.sh`")
            && stderr.contains("`pip install pyspark==4.3.0`"),
        "{stderr}"
    );
    let Ok(python3) = which("python3") else {
        return;
    };
    let (code, stderr) = spark_refusal(&[("SPUR_SPARK_PYTHON", &python3)], "local[*]");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("PySpark is not installed for")
            && stderr.contains("openjdk-17-jre-headless"),
        "{stderr}"
    );
    let Some(python) = spark() else { return };
    let (code, stderr) = spark_refusal(
        &[
            ("SPUR_SPARK_PYTHON", s(&python)),
            ("PATH", "/nonexistent"),
            ("JAVA_HOME", "/nonexistent"),
        ],
        "local[*]",
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("Java (17 or newer) is not installed")
            && stderr.contains("apt-get install openjdk-17-jre-headless"),
        "{stderr}"
    );
    let (code, stderr) = spark_refusal(&[("SPUR_SPARK_PYTHON", s(&python))], "spark://127.0.0.1:9");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the Spark master spark://127.0.0.1:9 is not reachable")
            && stderr.contains("--master local[*]"),
        "{stderr}"
    );
}

/// The absolute path of a program on PATH.
fn which(program: &str) -> Result<String, ()> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .and_then(|p| p.to_str().map(str::to_string))
        .ok_or(())
}

/// The processes (not zombies) whose environment holds `marker`.
fn processes_with(marker: &str) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
        .filter(|pid| {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| rest.starts_with('Z')))
                .unwrap_or(true);
            !zombie && environ.split(|&b| b == 0).any(|kv| kv == marker.as_bytes())
        })
        .collect()
}

#[test]
fn a_spark_that_does_not_start_in_time_is_stopped_with_its_jvm() {
    let Some(python) = spark() else { return };
    let parquet = fresh_dir("engine-spark-timeout").join("small.parquet");
    assert_eq!(
        spur(&["convert", "tests/data/small.csv", s(&parquet)]).code,
        0
    );
    let marker = format!("SPUR_TIMEOUT_TEST={}", std::process::id());
    // The scan sees a process that carries a marker (so an empty scan below means something).
    let probe_value = format!("probe-{}", std::process::id());
    let mut probe = Command::new("sleep")
        .arg("30")
        .env("SPUR_TIMEOUT_TEST", &probe_value)
        .spawn()
        .expect("sleep runs");
    // Until `sleep` has exec'd, /proc shows the forked test's environment: poll for up to 5 s.
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = processes_with(&format!("SPUR_TIMEOUT_TEST={probe_value}"));
        if !seen.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = probe.kill();
    let _ = probe.wait();
    assert_eq!(seen, [probe.id().to_string()]);
    let started = std::time::Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_spur"))
        .args([
            "stats",
            s(&parquet),
            "--engine",
            "spark",
            "--master",
            "local[1]",
            "--engine-timeout",
            "1.5",
        ])
        .env("SPUR_SPARK_PYTHON", &python)
        .env("SPUR_TIMEOUT_TEST", std::process::id().to_string())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("spur runs");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr,
        format!("spur: {}: Spark gave no answer within 1.5 s (the Spark session's start), so Spur stopped it; raise the limit with --engine-timeout SECONDS (default 60 s)\n", s(&parquet))
    );
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    // The driver and the JVM it was starting are gone.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let left = processes_with(&marker);
    assert!(left.is_empty(), "still running: {left:?}");
}
