//! `spur bench stream`: throughput of the stream operator per window type and aggregate, memory
//! per open window, and per-event vs micro-batch latency (arrival → emit) on a simulated
//! arrival clock with measured processing times. Prints Markdown tables for
//! `docs/BENCHMARKS.md`.
//!
//! Events are generated before timing (keys `k0…`, times advancing 0.5 ms per event with up
//! to 1 s of disorder, ids `e0…`), so the figures are the operator's: push + poll per event.

use crate::exit::Outcome;
use spur_core::stream::{AggSpec, Event, Mode, Operator, Runner, StreamConfig, Value, WindowSpec};
use std::time::Instant;

struct Gen {
    s: u64,
}
impl Gen {
    fn next(&mut self) -> u64 {
        self.s = self.s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn events(n: usize, keys: usize, ids: bool, values: bool) -> Vec<Event> {
    let mut g = Gen { s: 42 };
    let key_names: Vec<String> = (0..keys).map(|k| format!("k{k}")).collect();
    let acts = ["view", "cart", "pay", "search", "home"];
    (0..n)
        .map(|i| {
            let r = g.next();
            Event {
                id: ids.then(|| format!("e{i}")),
                key: key_names[(r % keys as u64) as usize].clone(),
                time: 1_700_000_000_000 + i as i64 / 2 - ((r >> 20) % 1000) as i64,
                source: 0,
                values: if values {
                    vec![
                        Some(Value::Num(((r >> 32) % 100) as f64)),
                        Some(Value::Text(format!("item{}", (r >> 40) % 5000))),
                        Some(Value::Text(acts[((r >> 50) % 5) as usize].into())),
                    ]
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// This thread's user + system CPU seconds (Linux `/proc`, 10 ms ticks), to report figures
/// that a loaded machine does not inflate as much as wall time.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The same keys, but all within ~40 s of event time: windows hold many events each, so the
/// per-event cost dominates rather than window creation and emission.
fn events_dense(n: usize, keys: usize) -> Vec<Event> {
    let mut evs = events(n, keys, false, false);
    let span = 40_000i64;
    for (i, e) in evs.iter_mut().enumerate() {
        e.time = 1_700_000_000_000 + (i as i64 * span) / n.max(1) as i64;
    }
    evs
}

struct Row {
    name: String,
    events: usize,
    secs: f64,
    cpu: Option<f64>,
    windows: u64,
    peak_open: usize,
    bytes_per_window: f64,
}

fn throughput(name: &str, cfg: StreamConfig, evs: &[Event]) -> Row {
    let mut op = Operator::new(cfg).expect("valid bench config");
    let mut peak_open = 0;
    let mut bytes_per_window = 0.0;
    let mut secs = 0.0;
    let every = (evs.len() / 10).clamp(1, 200_000);
    let cpu0 = cpu_secs();
    let mut t = Instant::now();
    for (i, e) in evs.iter().enumerate() {
        op.push(e, 0);
        let _ = op.poll();
        if (i + 1) % every == 0 {
            // Memory sampling is not timed.
            secs += t.elapsed().as_secs_f64();
            let open = op.open_windows();
            if open > peak_open {
                peak_open = open;
                bytes_per_window = op.memory_bytes() as f64 / open as f64;
            }
            t = Instant::now();
        }
    }
    op.advance_watermark(i64::MAX);
    let _ = op.poll();
    secs += t.elapsed().as_secs_f64();
    let cpu = cpu_secs().zip(cpu0).map(|(b, a)| b - a);
    Row {
        name: name.into(),
        events: evs.len(),
        secs,
        cpu,
        windows: op.stats().windows,
        peak_open,
        bytes_per_window,
    }
}

fn cfg(window: WindowSpec, aggs: Vec<AggSpec>, ids: bool) -> StreamConfig {
    let mut c = StreamConfig::new(
        window,
        vec!["price".into(), "item".into(), "activity".into()],
        aggs,
    );
    c.out_of_orderness = 1_000;
    if !ids {
        c.max_dedup_entries = 1;
    }
    c
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Arrivals every `gap_us` µs; processing times measured; one server (this thread).
fn latency(mode: Mode, evs: &[Event], gap_us: f64) -> (f64, f64, f64, f64) {
    let c = cfg(
        WindowSpec::Tumbling {
            size: 60_000,
            offset: 0,
        },
        vec![AggSpec::Count],
        true,
    );
    let mut r = Runner::new(Operator::new(c).expect("valid"), mode).expect("valid mode");
    let mut free = 0.0f64; // µs
    let mut lat = Vec::with_capacity(evs.len());
    let mut busy = 0.0;
    for (i, e) in evs.iter().enumerate() {
        let arrival = i as f64 * gap_us;
        let t0 = Instant::now();
        let emit = r.offer((arrival / 1000.0) as i64, e.clone());
        let service = t0.elapsed().as_secs_f64() * 1e6;
        busy += service;
        if let Some(emit) = emit {
            let ready = match mode {
                Mode::PerEvent => arrival,
                Mode::MicroBatch { .. } => emit.at as f64 * 1000.0,
            };
            let finish = ready.max(free) + service;
            free = finish;
            match mode {
                Mode::PerEvent => lat.push(finish - arrival),
                // The batch holds the events before this one (which opened the next batch).
                Mode::MicroBatch { .. } => {
                    let n = emit.arrivals.len().min(i);
                    lat.extend((i - n..i).map(|j| finish - j as f64 * gap_us));
                }
            }
        }
    }
    let _ = r.finish();
    let tput = evs.len() as f64 / (busy / 1e6);
    let p50 = percentile(&mut lat, 0.5) / 1000.0;
    let p99 = percentile(&mut lat, 0.99) / 1000.0;
    let max = percentile(&mut lat, 1.0) / 1000.0;
    (tput, p50, p99, max)
}

/// The flags of `spur bench stream`.
#[derive(clap::Args, Debug)]
pub struct BenchStreamArgs {
    /// Events per scenario.
    #[arg(long, value_name = "N", default_value_t = 2_000_000)]
    events: usize,
    /// Keys.
    #[arg(long, value_name = "K", default_value_t = 100_000)]
    keys: usize,
    /// Microseconds between events.
    #[arg(long, value_name = "US", default_value_t = 20)]
    gap_us: usize,
    /// Run only the scenarios whose name contains this text.
    #[arg(long, value_name = "SCENARIO-TEXT")]
    only: Option<String>,
}

pub fn run(args: BenchStreamArgs) -> Outcome {
    let n = args.events;
    let keys = args.keys.max(1);
    let gap_us = args.gap_us.max(1);
    let only = args.only;
    let plain = events(n, keys, false, false);
    let with_ids = events(n, keys, true, false);
    let m = (n / 4).max(1);
    let rich = events(m, keys, true, true);
    let tumbling = WindowSpec::Tumbling {
        size: 60_000,
        offset: 0,
    };
    let dense = events_dense(n, keys);
    let mut plan: Vec<(String, StreamConfig, &[Event])> = vec![
        (
            "tumbling 1m, count, dense (~20 events per key-window)".into(),
            cfg(tumbling, vec![AggSpec::Count], false),
            &dense,
        ),
        (
            "tumbling 1m, count".into(),
            cfg(tumbling, vec![AggSpec::Count], false),
            &plain,
        ),
        (
            "tumbling 1m, count, ids (dedup)".into(),
            cfg(tumbling, vec![AggSpec::Count], true),
            &with_ids,
        ),
        (
            "sliding 1m/10s, count".into(),
            cfg(
                WindowSpec::Sliding {
                    size: 60_000,
                    slide: 10_000,
                    offset: 0,
                },
                vec![AggSpec::Count],
                false,
            ),
            &plain,
        ),
        (
            "session 30s, count".into(),
            cfg(
                WindowSpec::Session { gap: 30_000 },
                vec![AggSpec::Count],
                false,
            ),
            &plain,
        ),
    ];
    for (name, agg) in [
        ("sum", AggSpec::Sum { field: 0 }),
        ("min+max+mean", AggSpec::Mean { field: 0 }),
        ("distinct", AggSpec::Distinct { field: 1 }),
        ("approx_distinct", AggSpec::ApproxDistinct { field: 1 }),
        ("topk:5", AggSpec::TopK { field: 1, k: 5 }),
        (
            "dfg",
            AggSpec::Dfg {
                activity: 2,
                case: None,
            },
        ),
    ] {
        let aggs = if name == "min+max+mean" {
            vec![AggSpec::Min { field: 0 }, AggSpec::Max { field: 0 }, agg]
        } else {
            vec![AggSpec::Count, agg]
        };
        plan.push((
            format!("tumbling 1m, ids, {name}"),
            cfg(tumbling, aggs, true),
            &rich,
        ));
    }
    // A scenario's exact name selects it alone; other text selects every name containing it.
    let exact = only
        .as_deref()
        .is_some_and(|o| plan.iter().any(|(name, ..)| name == o));
    let wanted = |name: &str| {
        only.as_deref()
            .is_none_or(|o| if exact { name == o } else { name.contains(o) })
    };
    let rows: Vec<Row> = plan
        .into_iter()
        .filter(|(name, ..)| wanted(name))
        .map(|(name, cfg, evs)| throughput(&name, cfg, evs))
        .collect();
    println!("events: {n} ({m} for the aggregate rows), keys: {keys}, one thread, push + poll per event\n");
    println!("| scenario | events | wall s | events/s (wall) | CPU s | events/s (CPU) | windows emitted | peak open windows | bytes per open window |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        let (cpu, per_cpu) = match r.cpu {
            Some(c) if c > 0.0 => (
                format!("{c:.2}"),
                format!("{:.2} M", r.events as f64 / c / 1e6),
            ),
            _ => ("-".into(), "-".into()),
        };
        let wall = r.events as f64 / r.secs / 1e6;
        println!(
            "| {} | {} | {:.3} | {wall:.2} M | {cpu} | {per_cpu} | {} | {} | {:.0} |",
            r.name, r.events, r.secs, r.windows, r.peak_open, r.bytes_per_window
        );
    }
    if !wanted("latency") {
        return Ok(());
    }
    let lat_n = n.min(1_000_000);
    let rate = 1e6 / gap_us as f64;
    println!("\nlatency: {lat_n} events arriving every {gap_us} µs ({rate:.0} events/s), tumbling 1m count with ids; arrival → emit (queueing on one simulated server with measured processing times)\n");
    println!("| mode | throughput events/s | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    for (name, mode) in [
        ("per event", Mode::PerEvent),
        ("micro-batch 10 ms", Mode::MicroBatch { interval: 10 }),
        ("micro-batch 100 ms", Mode::MicroBatch { interval: 100 }),
        ("micro-batch 1 s", Mode::MicroBatch { interval: 1000 }),
    ] {
        let (tput, p50, p99, max) = latency(mode, &with_ids[..lat_n], gap_us as f64);
        println!(
            "| {name} | {:.2} M | {p50:.3} | {p99:.3} | {max:.3} |",
            tput / 1e6
        );
    }
    Ok(())
}
