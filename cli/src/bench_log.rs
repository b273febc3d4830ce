//! `spur bench-log LOG`: Spur's event-log pipeline timed step by step, in-process, with the
//! step names of the pm4py peer script (`shared/bench/pm4py_bench.py`) so `bench/run.sh` can
//! print ratios: `import` (read the file + parse it into an EventLog), `dfg`,
//! `performance_dfg`, `variants`, `case_durations`. Each is the median of `--repeats` runs.
//! Prints one JSON object: seconds per step, peak RSS (VmHWM), the log's heap bytes per event.

use crate::args::ImportArgs;
use crate::convert::read_log;
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::mining;
use std::hint::black_box;
use std::time::Instant;

/// `spur bench-log LOG`: times import, dfg, performance_dfg, variants and case_durations and
/// prints JSON comparable with shared/bench/pm4py_bench.py.
#[derive(clap::Args, Debug)]
pub struct BenchLogArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// Runs per step; the median is reported.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub repeats: usize,
    #[command(flatten)]
    pub import: ImportArgs,
}

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

pub fn run(args: BenchLogArgs) -> Outcome {
    let options = args.import.options()?;
    let repeats = args.repeats.max(1);
    let path = &args.path;

    let mut import_times = Vec::new();
    let mut log = None;
    for _ in 0..repeats {
        drop(log.take());
        let t = Instant::now();
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
        let read = match read_log(path, &bytes, &options) {
            Ok(r) => r,
            Err(e) => {
                return Err(Failure::refused(format!("{path}: {e}")));
            }
        };
        drop(bytes);
        import_times.push(t.elapsed().as_secs_f64());
        log = Some(read.log);
    }
    let Some(log) = log else {
        usage!("no repeat ran")
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
    Ok(())
}
