//! The native side of `bench/wasm/model.mjs`: the same `model_step` code as the wasm exports,
//! timed the same way (W warm-up calls, then the median of N samples, each a batch of calls
//! lasting at least 50 ms), so that the ratio compares the compilers and not two harnesses.
//!
//! usage: model-native LOG MODEL.pnml|MODEL.bpmn [--repeats N] [--warm W] [--steps A,B]

use spur_bench_wasm::{load, model_step, MODEL_STEPS};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (repeats, warm) = (flag("--repeats", 5).max(1), flag("--warm", 2));
    let files: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || !args[i - 1].starts_with("--")))
        .map(|(_, a)| a)
        .collect();
    let [log_path, model_path] = files[..] else {
        eprintln!(
            "usage: model-native LOG MODEL.pnml|MODEL.bpmn [--repeats N] [--warm W] [--steps A,B]"
        );
        std::process::exit(2);
    };
    let read = |p: &str| std::fs::read(p).unwrap_or_else(|e| fail(&format!("{p}: {e}")));
    let model = String::from_utf8(read(model_path)).unwrap_or_else(|_| fail("model is not UTF-8"));
    let (log, net) =
        load(log_path, &read(log_path), model_path, &model).unwrap_or_else(|e| fail(&e));
    let mut ms = Vec::new();
    let only = args
        .iter()
        .position(|a| a == "--steps")
        .and_then(|i| args.get(i + 1));
    let chosen = |name: &str| only.is_none_or(|list| list.split(',').any(|s| s == name));
    for (which, name) in MODEL_STEPS.iter().enumerate() {
        if !chosen(name) {
            continue;
        }
        let mut result = 0.0;
        for _ in 0..warm {
            result = model_step(&log, &net, which as u32);
        }
        // Steps under BATCH_MS are timed in batches of calls, so the clock's resolution and
        // one-off pauses do not decide the figure.
        let t = Instant::now();
        model_step(&log, &net, which as u32);
        let once = t.elapsed().as_secs_f64() * 1e3;
        let batch = (BATCH_MS / once.max(1e-6)).clamp(1.0, 10_000.0) as usize;
        let mut times: Vec<f64> = (0..repeats)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..batch {
                    result = model_step(&log, &net, which as u32);
                }
                t.elapsed().as_secs_f64() * 1e3 / batch as f64
            })
            .collect();
        times.sort_by(f64::total_cmp);
        ms.push(format!(
            "\"{name}\": {{\"ms\": {:.4}, \"result\": {result}}}",
            times[times.len() / 2]
        ));
    }
    println!(
        "{{\"target\": \"native\", \"repeats\": {repeats}, \"warm\": {warm}, {}}}",
        ms.join(", ")
    );
}

/// The least time one timed sample takes (a batch of calls of a fast step).
const BATCH_MS: f64 = 50.0;

fn fail(message: &str) -> ! {
    eprintln!("model-native: {message}");
    std::process::exit(1)
}
