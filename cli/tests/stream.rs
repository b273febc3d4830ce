//! Transcript tests of `spur stream`: the exact JSON lines on a small stream, per-event vs
//! micro-batch final windows, resuming from a checkpoint after a stop, and refused inputs.

mod support;
use support::spur;

use std::collections::BTreeMap;

const BASE: [&str; 12] = [
    "stream",
    "tests/data/stream.csv",
    "--key",
    "session",
    "--time",
    "time",
    "--id",
    "id",
    "--agg",
    "count,sum:price,min:price,max:price,distinct:item,approx_distinct:item,topk:item:2,dfg",
    "--out-of-order",
    "30s",
];

fn with(extra: &[&str]) -> Vec<String> {
    BASE.iter().chain(extra).map(|s| s.to_string()).collect()
}

/// The last revision of each window, revision dropped (what a consumer ends with).
fn finals(stdout: &str) -> BTreeMap<String, serde_json::Value> {
    let mut m = BTreeMap::new();
    for line in stdout.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        if let Some(o) = v.as_object_mut() {
            if o.contains_key("key") {
                o.remove("revision");
                if let Some(serde_json::Value::Array(r)) = o.remove("replaces") {
                    for b in r {
                        m.remove(&format!("{} {} {}", o["key"], b[0], b[1]));
                    }
                }
                let id = format!("{} {} {}", o["key"], o["start"], o["end"]);
                m.insert(id, v);
            }
        }
    }
    m
}

#[test]
fn json_lines_on_a_small_stream() {
    let args = with(&["--window", "tumbling:10m", "--lateness", "5m", "--json"]);
    let r = spur(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect_test::expect_file!["data/stream.tumbling.jsonl"].assert_eq(&r.stdout);
}

#[test]
fn sliding_and_session_windows() {
    for (window, file) in [
        (
            "sliding:10m/5m",
            expect_test::expect_file!["data/stream.sliding.jsonl"],
        ),
        (
            "session:5m",
            expect_test::expect_file!["data/stream.session.jsonl"],
        ),
    ] {
        let args = with(&["--window", window, "--json"]);
        let r = spur(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!((r.code, r.stderr.as_str()), (0, ""));
        file.assert_eq(&r.stdout);
    }
}

#[test]
fn per_event_and_micro_batch_agree() {
    for window in ["tumbling:10m", "session:5m", "sliding:10m/5m"] {
        let a = with(&["--window", window, "--lateness", "5m", "--json"]);
        let b = with(&[
            "--window",
            window,
            "--lateness",
            "5m",
            "--json",
            "--mode",
            "micro-batch:1m",
        ]);
        let ra = spur(&a.iter().map(String::as_str).collect::<Vec<_>>());
        let rb = spur(&b.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!((ra.code, rb.code), (0, 0));
        assert_eq!(finals(&ra.stdout), finals(&rb.stdout), "{window}");
        assert!(!finals(&ra.stdout).is_empty());
    }
}

#[test]
fn a_stopped_run_resumes_from_its_checkpoint() {
    let dir = std::env::temp_dir().join(format!("spur-stream-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for mode in ["event", "micro-batch:1m"] {
        let ckpt = dir.join(format!("{}.ckpt", mode.replace(':', "_")));
        let _ = std::fs::remove_file(&ckpt);
        let ck = ckpt.to_str().unwrap();
        let full = with(&[
            "--window",
            "session:5m",
            "--lateness",
            "5m",
            "--json",
            "--mode",
            mode,
        ]);
        let whole = spur(&full.iter().map(String::as_str).collect::<Vec<_>>());
        // "Crash" after 9 rows, then run again: the checkpoint (every 2 rows) is restored and
        // the rows since are replayed.
        let mut first = full.clone();
        first.extend(["--checkpoint", ck, "--every", "2", "--stop-after", "9"].map(String::from));
        let r1 = spur(&first.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(r1.code, 0, "{}", r1.stderr);
        assert!(ckpt.exists());
        let mut second = full.clone();
        second.extend(["--checkpoint", ck, "--every", "2"].map(String::from));
        let r2 = spur(&second.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(r2.code, 0, "{}", r2.stderr);
        let both = format!("{}{}", r1.stdout, r2.stdout);
        assert_eq!(finals(&both), finals(&whole.stdout), "{mode}");
        let summary = |s: &str| s.lines().last().unwrap_or("").to_string();
        assert_eq!(summary(&r2.stdout), summary(&whole.stdout), "{mode}");
        // A checkpoint with other settings is refused.
        let mut other = with(&["--window", "session:6m", "--json"]);
        other.extend(["--checkpoint", ck, "--every", "2"].map(String::from));
        let r3 = spur(&other.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(r3.code, 1);
        assert!(r3.stderr.contains("other settings"), "{}", r3.stderr);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refused_inputs_and_usage() {
    let r = spur(&[
        "stream",
        "tests/data/stream-bad.csv",
        "--key",
        "session",
        "--time",
        "time",
        "--window",
        "tumbling:1m",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "spur: tests/data/stream-bad.csv: line 3: a quoted field opened on this line is never closed\n");
    let r = spur(&[
        "stream",
        "tests/data/stream.csv",
        "--key",
        "user",
        "--time",
        "time",
        "--window",
        "tumbling:1m",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no key column"), "{}", r.stderr);
    let r = spur(&[
        "stream",
        "tests/data/stream.csv",
        "--key",
        "session",
        "--time",
        "time",
        "--window",
        "weekly:1m",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: window `weekly:1m`: unknown kind"),
        "{}",
        r.stderr
    );
    let r = spur(&[
        "stream",
        "tests/data/stream.csv",
        "--key",
        "session",
        "--window",
        "tumbling:1m",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("spur: --time is required"),
        "{}",
        r.stderr
    );
}

/// A log without a row order of its own (here XES) is replayed in event-time order with pm4py's
/// column names as the defaults, and ends with the same windows as the same log written as CSV
/// in the order `spur convert` writes it (grouped by case: lateness covers that disorder, so the
/// order of arrival cannot change the final windows).
#[test]
fn an_xes_log_replays_in_event_time_order() {
    let convert = |out: &std::path::Path| {
        let r = spur(&[
            "convert",
            "tests/data/stream.csv",
            support::s(out),
            "--case",
            "session",
            "--activity",
            "activity",
            "--timestamp",
            "time",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    let (xes, csv) = (
        support::scratch("stream.xes"),
        support::scratch("stream-by-case.csv"),
    );
    convert(&xes);
    convert(&csv);
    let window = [
        "--window",
        "tumbling:10m",
        "--agg",
        "count,dfg",
        "--lateness",
        "1h",
    ];
    let mut from_xes = vec!["stream", support::s(&xes), "--json"];
    from_xes.extend(window);
    let rx = spur(&from_xes);
    assert_eq!(rx.code, 0, "{}", rx.stderr);
    assert!(
        rx.stderr.contains("replayed in event-time order"),
        "the user is told how a file without row order is replayed: {}",
        rx.stderr
    );
    // In event-time order nothing is late, so every window is emitted once.
    assert!(!rx.stdout.contains("\"revision\":1"), "{}", rx.stdout);
    let mut from_csv = vec![
        "stream",
        support::s(&csv),
        "--key",
        "case:concept:name",
        "--time",
        "time:timestamp",
        "--activity",
        "concept:name",
        "--json",
    ];
    from_csv.extend(window);
    let rc = spur(&from_csv);
    assert_eq!(rc.code, 0, "{}", rc.stderr);
    assert!(
        rc.stdout.contains("\"revision\":1"),
        "the CSV grouped by case does arrive out of order"
    );
    assert_eq!(finals(&rx.stdout), finals(&rc.stdout));
    assert_eq!(finals(&rx.stdout).len(), 5);
}
