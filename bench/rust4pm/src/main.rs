//! rust4pm peer for `bench/run.sh`: imports an XES(.gz) with `process_mining`'s importer and
//! discovers its directly-follows graph, timing each step (median of N repeats), and prints one
//! JSON object with the same step names as `pm4py_bench.py` (`import`, `dfg`).
//!
//! usage: spur-bench-rust4pm LOG [--repeats N]

use std::time::Instant;

use process_mining::core::event_data::case_centric::xes::{import_xes_path, XESImportOptions};
use process_mining::discovery::case_centric::dfg::discover_dfg;

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut log = None;
    let mut repeats = 3usize;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--repeats" => {
                repeats = args
                    .get(i + 1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(3)
                    .max(1);
                i += 1;
            }
            other => log = Some(other.to_string()),
        }
        i += 1;
    }
    let Some(log) = log else {
        eprintln!("usage: spur-bench-rust4pm LOG [--repeats N]");
        std::process::exit(2);
    };
    let options = || XESImportOptions {
        verbose: false,
        ..Default::default()
    };

    let mut import_times = Vec::new();
    let mut parsed = None;
    for _ in 0..repeats {
        drop(parsed.take());
        let t = Instant::now();
        let l = match import_xes_path(&log, options()) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("rust4pm: cannot import {log}: {e:?}");
                std::process::exit(1);
            }
        };
        import_times.push(t.elapsed().as_secs_f64());
        parsed = Some(l);
    }
    let Some(parsed) = parsed else { return };
    let events: usize = parsed.traces.iter().map(|t| t.events.len()).sum();

    let mut dfg_times = Vec::new();
    let mut edges = 0;
    for _ in 0..repeats {
        let t = Instant::now();
        let dfg = discover_dfg(&parsed);
        dfg_times.push(t.elapsed().as_secs_f64());
        edges = dfg.directly_follows_relations.len();
    }
    println!(
        "{{\"tool\": \"rust4pm\", \"version\": \"process_mining 0.6.2\", \"log\": {:?}, \"events\": {}, \"cases\": {}, \"dfg_edges\": {}, \"seconds\": {{\"import\": {}, \"dfg\": {}}}, \"peak_rss_mb\": {:.1}}}",
        log,
        events,
        parsed.traces.len(),
        edges,
        median(import_times),
        median(dfg_times),
        peak_rss_mb()
    );
}
