//! `spur bench-log LOG`: Spur's event-log pipeline timed step by step, in-process, with the
//! step names of the pm4py peer script (`shared/bench/pm4py_bench.py`) so `bench/run.sh` can
//! print ratios: `import` (read the file + parse it into an EventLog), `dfg`,
//! `performance_dfg`, `variants`, `case_durations`. Each is the median of `--repeats` runs.
//! Prints one JSON object: seconds per step, peak RSS (VmHWM), the log's heap bytes per event.

use crate::convert::{parse_options, read_log};
use anyhow::{bail, Context};
use spur_core::mining;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

const HELP: &str = "usage: spur bench-log LOG [--repeats N] [--case C --activity A --timestamp T …]
  Times import, dfg, performance_dfg, variants and case_durations (median of N, default 5)
  and prints JSON comparable with shared/bench/pm4py_bench.py.";

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

/// Peak resident set size of this process in MB (Linux `VmHWM`), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn time<T>(repeats: usize, mut f: impl FnMut() -> T) -> f64 {
    median(
        (0..repeats)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = parse_options(args)?;
    let mut repeats = 5usize;
    let mut files = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--repeats" => {
                repeats = it
                    .next()
                    .context("--repeats needs a value")?
                    .parse::<usize>()?
                    .max(1);
            }
            s if s.starts_with("--") => {
                bail!("unknown option `{s}` for `spur bench-log`\n\n{HELP}")
            }
            s => files.push(s.to_string()),
        }
    }
    let [path] = files.as_slice() else {
        bail!("bench-log takes one LOG (got {})\n\n{HELP}", files.len());
    };

    let mut import_times = Vec::new();
    let mut log = None;
    for _ in 0..repeats {
        drop(log.take());
        let t = Instant::now();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
        let read = match read_log(path, &bytes, &options) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("spur: {path}: {e}");
                return Ok(ExitCode::from(1));
            }
        };
        drop(bytes);
        import_times.push(t.elapsed().as_secs_f64());
        log = Some(read.log);
    }
    let Some(log) = log else {
        bail!("no repeat ran")
    };
    let seconds = serde_json::json!({
        "import": median(import_times),
        "dfg": time(repeats, || mining::dfg(&log)),
        "performance_dfg": time(repeats, || mining::dfg_performance(&log)),
        "variants": time(repeats, || mining::variants(&log)),
        "case_durations": time(repeats, || mining::case_durations(&log)),
    });
    let events = log.num_events();
    let out = serde_json::json!({
        "tool": "spur",
        "version": env!("CARGO_PKG_VERSION"),
        "target": if cfg!(target_arch = "wasm32") { "wasm32" } else { "native" },
        "log": path,
        "repeats": repeats,
        "seconds": seconds,
        "events": events,
        "cases": log.num_cases(),
        "heap_bytes_per_event": if events > 0 { log.heap_bytes() as f64 / events as f64 } else { 0.0 },
        "peak_rss_mb": peak_rss_mb(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}
