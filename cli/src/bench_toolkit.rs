//! `spur bench-toolkit LOG`: the detective toolkit timed operation by operation on one log
//! (issue 4 asks each to answer in under 50 ms on BPIC2012), plus merging the default laundry
//! scenario. Operations pick their activities from the log itself (the most frequent activity,
//! the most frequent directly-follows pair, the most frequent start), so any log works; names
//! and medians of `--repeats` runs are printed as JSON for `bench/toolkit.sh`.

use crate::args::ImportArgs;
use crate::convert::read_log;
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::import::ImportOptions;
use spur_core::log::EventLog;
use spur_core::map::{layout_map, process_map, render_svg, LayoutOptions, MapOptions, SvgOptions};
use spur_core::mining;
use spur_core::open::open_log;
use spur_core::sim::laundry::{generate, LaundryConfig};
use spur_core::toolkit::before_after::{before_after, By, Query};
use spur_core::toolkit::compare::{compare, CompareOptions};
use spur_core::toolkit::filter::{self, case_mask, Filter};
use spur_core::toolkit::merge::{merge, MergeOptions, MergeSource};
use spur_core::toolkit::roles::roles;
use std::hint::black_box;
use std::time::Instant;

/// `spur bench-toolkit LOG`: times every toolkit operation on LOG and merging the laundry
/// demo; prints JSON {operation: milliseconds}.
#[derive(clap::Args, Debug)]
pub struct BenchToolkitArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// Runs per step; the median is reported.
    #[arg(long, value_name = "N", default_value_t = 7)]
    pub repeats: usize,
    #[command(flatten)]
    pub import: ImportArgs,
}

fn median_ms(repeats: usize, mut f: impl FnMut()) -> f64 {
    let mut xs: Vec<f64> = (0..repeats)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Quote a name for the filter text syntax when it holds syntax characters.
fn q(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_alphanumeric() || "_ .".contains(c))
    {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\\\""))
    }
}

pub fn run(args: BenchToolkitArgs) -> Outcome {
    let options = args.import.options()?;
    let repeats = args.repeats.max(1);
    let path = &args.path;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    let log = match read_log(path, &bytes, &options) {
        Ok(r) => r.log,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    let Some((x, _)) = mining::activity_counts(&log).into_iter().next() else {
        usage!("{path}: the log is empty")
    };
    let dfg = mining::dfg(&log);
    // The most frequent pair of two different activities (self-loops make dull filters).
    let edge = dfg
        .edges
        .iter()
        .filter(|e| e.from != e.to)
        .max_by_key(|e| e.count);
    let Some(edge) = edge.or_else(|| dfg.edges.iter().max_by_key(|e| e.count)) else {
        usage!("{path}: the log has no directly-follows pair")
    };
    let start = mining::start_activities(&log)
        .into_iter()
        .next()
        .map(|s| s.0)
        .unwrap_or_default();
    let (from, to) = (q(&edge.from), q(&edge.to));
    let mut texts = vec![
        format!("has:{}", q(&x)),
        format!("not-has:{}", q(&x)),
        format!("df:{from}->{to}"),
        format!("ef:{from}->{to}<=1d"),
        format!("start:{}", q(&start)),
        "variants:top=10".to_string(),
        "variants:cover=0.8".to_string(),
        "size:5..30".to_string(),
        format!("between:{from}->{to}"),
    ];
    if log.has_timestamps() {
        texts.push("duration:1h..10d".to_string());
        if let (Some(first), Some(last)) = (log.timestamp(0), log.timestamp(log.num_events() - 1)) {
            let mid = first / 2 + last / 2;
            let iso = |ms: i64| spur_core::import::timestamp::format_iso(ms);
            for mode in ["contained", "intersecting", "events"] {
                texts.push(format!("time:{}..{}:{mode}", iso(first), iso(mid)));
            }
        }
    }
    let mut ops: Vec<(String, f64)> = Vec::new();
    for text in &texts {
        let f: Filter = match text.parse() {
            Ok(f) => f,
            Err(e) => usage!("internal filter `{text}` does not parse: {e}"),
        };
        if filter::apply(&log, &f).is_err() {
            continue; // e.g. a time window this log has no timestamps for
        }
        ops.push((
            format!("filter {text}"),
            median_ms(repeats, || {
                black_box(filter::apply(&log, &f).ok());
            }),
        ));
    }
    let query = Query {
        activity: x.clone(),
        same_as: Some("resource".into()),
        by: Some(By::Previous),
        ..Query::default()
    };
    ops.push((
        format!("before/after {x} (same resource, by previous)"),
        median_ms(repeats, || {
            black_box(before_after(&log, &query).ok());
        }),
    ));
    let has: Filter = format!("has:{}", q(&x))
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let a = case_mask(&log, &has).map_err(|e| anyhow::anyhow!("{e}"))?;
    let b: Vec<bool> = a.iter().map(|v| !v).collect();
    if a.iter().any(|v| *v) && b.iter().any(|v| *v) {
        ops.push((
            format!("compare has:{x} vs rest"),
            median_ms(repeats, || {
                black_box(compare(&log, &a, &b, &CompareOptions::default()).ok());
            }),
        ));
    }
    ops.push((
        "roles".into(),
        median_ms(repeats, || {
            black_box(roles(&log, None).ok());
        }),
    ));
    for paths in [1.0, 0.3] {
        let opts = MapOptions {
            path_share: paths,
            ..MapOptions::default()
        };
        ops.push((
            format!("process map (paths {paths}) + layout + svg"),
            median_ms(repeats, || {
                let map = process_map(&log, &opts);
                let layout = layout_map(&map, &LayoutOptions::default());
                black_box(render_svg(&map, &layout, &SvgOptions::default()));
            }),
        ));
    }
    let (laundry, merge_ms) = laundry_merge(repeats)?;
    ops.push((
        format!("merge laundry ({} events)", laundry.num_events()),
        merge_ms,
    ));
    let out = serde_json::json!({
        "tool": "spur",
        "log": path,
        "events": log.num_events(),
        "cases": log.num_cases(),
        "repeats": repeats,
        "milliseconds": ops.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Merge the default laundry scenario's three sources (import not included).
fn laundry_merge(repeats: usize) -> anyhow::Result<(EventLog, f64)> {
    let data = generate(&LaundryConfig::default());
    let import = |name: &str, bytes: &[u8], case: &str, activity: &str| {
        let mut o = ImportOptions::default();
        o.mapping.case = Some(case.into());
        o.mapping.activity = Some(activity.into());
        open_log(name, bytes, &o)
            .map(|r| r.0)
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))
    };
    let states = import("states.csv", &data.states, "booking", "state")?;
    let commands = import("commands.csv", &data.commands, "machine", "command")?;
    let errors = import("errors.csv", &data.errors, "machine", "error")?;
    let opts = MergeOptions {
        entity: "machine".into(),
        closes: vec!["logged out".into()],
    };
    let run = || {
        merge(
            MergeSource {
                name: "states",
                log: &states,
            },
            &[
                MergeSource {
                    name: "commands",
                    log: &commands,
                },
                MergeSource {
                    name: "errors",
                    log: &errors,
                },
            ],
            &opts,
        )
    };
    let merged = run().map_err(|e| anyhow::anyhow!("{e}"))?.0;
    let ms = median_ms(repeats, || {
        black_box(run().ok());
    });
    Ok((merged, ms))
}
