//! `spur ocel …`: object-centric event logs (OCEL 2.0 JSON/XML/SQLite, OCEL 1.0 JSON/XML).
//!
//! - `stats FILE [--json]`: counts and the statistics of the log flattened on every object
//!   type (`--json`: the shape of `../shared/data/golden/ocel/*.json`);
//! - `flatten FILE --type T -o OUT`: the log flattened on T, written in any event-log format;
//! - `ocdfg FILE`: the object-centric DFG (pm4py's `discover_ocdfg`) as JSON;
//! - `map FILE [--types A,B] [--measure M] [--max-edges N] -o MAP.svg`: the object-centric map
//!   (every chosen type's OC-DFG in one picture, a colour per type) as SVG;
//! - `objects FILE`: lifecycles per object type and the object interaction graph, as JSON;
//! - `generate [--orders N] [--seed S] -o OUT.jsonocel`: the synthetic orders/items/packages
//!   log with planted waits (its truth on stdout).
//!
//! - `bench FILE [--repeats N]`: import (median of N), flatten and OC-DFG timings, heap bytes
//!   and peak RSS, as one JSON line (compared with `bench/ocel_pm4py.py import`).
//!
//! `spur convert` handles OCEL inputs through [`read`] and [`write`].

use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::export::{self, ExportFormat};
use spur_core::map::overlay::{overlay, OcMeasure, OverlayOptions};
use spur_core::ocel::generate::{generate_orders, OrdersConfig};
use spur_core::ocel::import::{import_ocel, OcelReport};
use spur_core::ocel::{export::to_json, flatten::flatten, objects, ocdfg, stats, OcelLog};
use std::time::Instant;

/// `spur ocel …`: object-centric logs. FILE: OCEL 2.0 JSON (.jsonocel), XML (.xmlocel) or
/// SQLite (.sqlite), or OCEL 1.0 JSON/XML.
#[derive(clap::Subcommand, Debug)]
pub enum OcelCommand {
    /// Counts and the statistics of the log flattened on every object type (pm4py).
    Stats {
        /// The OCEL file.
        #[arg(value_name = "FILE")]
        file: String,
        /// The shape of ../shared/data/golden/ocel/*.json.
        #[arg(long)]
        json: bool,
    },
    /// The log flattened on an object type, written in any event-log format.
    Flatten {
        /// The OCEL file.
        #[arg(value_name = "FILE")]
        file: String,
        /// The object type whose objects become the cases.
        #[arg(long = "type", value_name = "T")]
        ty: Option<String>,
        /// The event log to write: .csv .tsv .xes .xes.gz .parquet .arrow.
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        out: Option<String>,
    },
    /// The object-centric DFG (pm4py's discover_ocdfg) as JSON.
    Ocdfg {
        /// The OCEL file.
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// The object-centric map (every chosen type's OC-DFG in one picture) as SVG.
    Map {
        /// The OCEL file.
        #[arg(value_name = "FILE")]
        file: String,
        /// The object types drawn, separated by commas (default: all).
        #[arg(long, value_name = "A,B")]
        types: Option<String>,
        /// event_couples, unique_objects or total_objects.
        #[arg(long, value_name = "M")]
        measure: Option<String>,
        /// The most paths drawn per type (1 to 10000).
        #[arg(long, value_name = "N")]
        max_edges: Option<String>,
        /// The SVG to write.
        #[arg(short = 'o', long = "output", value_name = "MAP.svg")]
        out: Option<String>,
    },
    /// Lifecycles per object type and the object interaction graph, as JSON.
    Objects {
        /// The OCEL file.
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// The synthetic orders/items/packages log with planted waits (its truth on stdout).
    Generate {
        /// Orders to generate (at most 20000000).
        #[arg(long, value_name = "N")]
        orders: Option<String>,
        /// Random seed.
        #[arg(long, value_name = "S")]
        seed: Option<String>,
        /// Prefix every id with `cK-`, so chunks made with different seeds concatenate into one
        /// log (flatten each, `spur convert` each into one dataset folder).
        #[arg(long, value_name = "K")]
        chunk: Option<String>,
        /// The OCEL file to write.
        #[arg(short = 'o', long = "output", value_name = "OUT.jsonocel")]
        out: Option<String>,
    },
    /// Import (median of N), flatten and OC-DFG timings, heap bytes and peak RSS, as JSON.
    Bench {
        /// The OCEL file.
        #[arg(value_name = "FILE")]
        file: String,
        /// Imports timed (1 to 100).
        #[arg(long, value_name = "N")]
        repeats: Option<String>,
    },
}

/// A whole number flag: `None` when absent; the usage message names the flag and the range.
fn number<T: std::str::FromStr + PartialOrd>(
    flag: &str,
    v: &Option<String>,
    range: Option<(T, T)>,
    what: &str,
) -> Result<Option<T>, Failure> {
    let Some(v) = v else { return Ok(None) };
    match v.parse::<T>() {
        Ok(n) if range.as_ref().is_none_or(|(lo, hi)| *lo <= n && n <= *hi) => Ok(Some(n)),
        _ => Err(Failure::usage(format!("{flag} takes {what}, got `{v}`"))),
    }
}

/// Is `name`/`bytes` an OCEL file (for `spur convert`)?
pub fn is_ocel(name: &str, bytes: &[u8]) -> bool {
    let n = name.to_ascii_lowercase();
    [
        ".jsonocel",
        ".xmlocel",
        ".sqlite",
        ".sqlite3",
        ".db",
        ".json",
    ]
    .iter()
    .any(|e| n.ends_with(e))
        || bytes.starts_with(b"SQLite format 3\0")
}

/// Is `name` an OCEL output name (for `spur convert`)?
pub fn is_ocel_output(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".jsonocel") || n.ends_with(".json") || n.ends_with(".sqlite")
}

/// Read an OCEL file; issues go to stderr. `Err` = a located message (exit code 1).
pub fn read(path: &str) -> anyhow::Result<Result<(OcelLog, OcelReport), String>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    Ok(match import_ocel(path, &bytes) {
        Ok((log, report)) => {
            for issue in report.issues.iter().take(5) {
                eprintln!("spur: {path}: {issue}");
            }
            if report.issue_count > 5 {
                eprintln!("spur: {path}: {} issues in all", report.issue_count);
            }
            Ok((log, report))
        }
        Err(e) => Err(e.to_string()),
    })
}

/// Write `log` as an OCEL file named `out` (OCEL 2.0 JSON; SQLite says how to get one).
pub fn write(log: &OcelLog, out: &str) -> Outcome {
    let sqlite = out.to_ascii_lowercase().ends_with(".sqlite");
    let bytes = if sqlite {
        match spur_core::ocel::sqlite::write::to_sqlite(log) {
            Ok(b) => b,
            Err(e) => {
                return Err(Failure::refused(format!("cannot write {out}: {e}")));
            }
        }
    } else {
        to_json(log)
    };
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {out}"))?;
    eprintln!(
        "spur: wrote {out} (OCEL 2.0 {}, {} bytes): {} events, {} objects",
        if sqlite { "SQLite" } else { "JSON" },
        bytes.len(),
        log.num_events(),
        log.num_objects()
    );
    Ok(())
}

/// `spur convert IN OUT` for an OCEL input: OCEL → OCEL 2.0 JSON.
pub fn convert(input: &str, output: &str) -> Outcome {
    if !is_ocel_output(output) {
        return Err(Failure::usage(format!(
            "{input} is an object-centric log: flatten it on an object type to get an event log \
             (`spur ocel flatten {input} --type T -o {output}`), or convert it to OUT.jsonocel"
        )));
    }
    match read(input)? {
        Ok((log, _)) => write(&log, output),
        Err(e) => Err(Failure::refused(format!("{input}: {e}"))),
    }
}

/// The first bytes of a file (for format detection), empty when unreadable.
pub fn head(path: &str) -> Vec<u8> {
    use std::io::Read;
    let mut buf = vec![0u8; 16];
    match std::fs::File::open(path).and_then(|mut f| f.read(&mut buf)) {
        Ok(n) => {
            buf.truncate(n);
            buf
        }
        Err(_) => Vec::new(),
    }
}

fn pretty<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    // One-space indent, like the golden files (Python's `json.dump(indent=1)`).
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, fmt))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Read the OCEL `file` for a subcommand; a refused file is exit code 1.
fn open(file: &str) -> Result<OcelLog, Failure> {
    match read(file)? {
        Ok((log, _)) => Ok(log),
        Err(e) => Err(Failure::refused(format!("{file}: {e}"))),
    }
}

pub fn run(command: OcelCommand) -> Outcome {
    match command {
        OcelCommand::Generate {
            orders,
            seed,
            chunk,
            out,
        } => {
            let mut cfg = OrdersConfig::default();
            if let Some(n) = number(
                "--orders",
                &orders,
                Some((0, 20_000_000)),
                "a whole number up to 20000000",
            )? {
                cfg.orders = n;
            }
            if let Some(n) = number("--chunk", &chunk, None, "a whole number")? {
                cfg.chunk = n;
            }
            if let Some(n) = number("--seed", &seed, None, "a whole number")? {
                cfg.seed = n;
            }
            let Some(out) = out else {
                usage!("spur ocel generate needs -o OUT.jsonocel");
            };
            let started = Instant::now();
            let (log, truth) = generate_orders(&cfg);
            eprintln!(
                "spur: generated in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            write(&log, &out)?;
            println!("{}", pretty(&truth)?);
        }
        OcelCommand::Bench { file, repeats } => {
            let repeats = number("--repeats", &repeats, Some((1, 100)), "1 to 100")?.unwrap_or(3);
            return bench(&file, repeats);
        }
        OcelCommand::Stats { file, json } => {
            let log = open(&file)?;
            let s = stats::ocel_stats(&log);
            if json {
                println!("{}", pretty(&s)?);
            } else {
                print!("{}", render_stats(&file, &log, &s));
            }
        }
        OcelCommand::Flatten { file, ty, out } => {
            let (Some(ty), Some(out)) = (ty, out) else {
                usage!("spur ocel flatten needs --type T and -o OUT");
            };
            let Some(format) = ExportFormat::from_file_name(&out) else {
                usage!(
                    "cannot tell the output format from `{out}`: end it with one of {}",
                    ExportFormat::EXTENSIONS
                );
            };
            let log = open(&file)?;
            let Some(flat) = flatten(&log, &ty) else {
                let types: Vec<&str> = log.object_types().iter().collect();
                return Err(Failure::refused(format!(
                    "{file}: no object type `{ty}` (there are: {})",
                    types.join(", ")
                )));
            };
            let bytes = export::export(&flat, format).map_err(|e| Failure::usage(e.to_string()))?;
            std::fs::write(&out, &bytes).with_context(|| format!("cannot write {out}"))?;
            eprintln!(
                "spur: wrote {out} ({format:?}): {} events, {} cases (objects of type {ty})",
                flat.num_events(),
                flat.num_cases()
            );
        }
        OcelCommand::Ocdfg { file } => {
            let log = open(&file)?;
            println!("{}", pretty(&ocdfg::discover_ocdfg(&log))?);
        }
        OcelCommand::Map {
            file,
            types,
            measure,
            max_edges,
            out,
        } => {
            let mut map_opts = OverlayOptions::default();
            if let Some(types) = types {
                map_opts.types = types
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            if let Some(v) = measure {
                let Some(m) = OcMeasure::parse(&v) else {
                    usage!(
                        "--measure takes event_couples, unique_objects or total_objects, got `{v}`"
                    );
                };
                map_opts.measure = m;
            }
            if let Some(n) = number("--max-edges", &max_edges, Some((1, 10_000)), "1 to 10000")? {
                map_opts.max_edges = n;
            }
            let Some(out) = out else {
                usage!("spur ocel map needs -o MAP.svg");
            };
            let log = open(&file)?;
            map(&file, &log, &map_opts, &out)?;
        }
        OcelCommand::Objects { file } => {
            let log = open(&file)?;
            let v = serde_json::json!({
                "objects_per_event": stats::objects_per_event(&log),
                "lifecycles": objects::lifecycles(&log),
                "interactions": objects::interactions(&log),
            });
            println!("{}", pretty(&v)?);
        }
    }
    Ok(())
}

/// `spur ocel map`: draw the overlay of `log`'s OC-DFGs into `out`.
fn map(file: &str, log: &OcelLog, map_opts: &OverlayOptions, out: &str) -> Outcome {
    let drawn = overlay(
        &ocdfg::discover_ocdfg(log),
        &stats::event_type_counts(log),
        map_opts,
    );
    if !drawn.unknown_types.is_empty() {
        let types: Vec<&str> = log.object_types().iter().collect();
        return Err(Failure::refused(format!(
            "{file}: no object type {} (there are: {})",
            drawn
                .unknown_types
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", "),
            types.join(", ")
        )));
    }
    std::fs::write(out, &drawn.svg).with_context(|| format!("cannot write {out}"))?;
    let cut: Vec<String> = drawn
        .types
        .iter()
        .filter(|t| t.edges_drawn < t.edges_total)
        .map(|t| format!("{}: {} of {}", t.object_type, t.edges_drawn, t.edges_total))
        .collect();
    eprintln!(
        "spur: wrote {out}: {} activities, {} object types ({}){}",
        drawn.activities,
        drawn.types.len(),
        drawn
            .types
            .iter()
            .map(|t| format!("{} {}", t.object_type, t.color))
            .collect::<Vec<_>>()
            .join(", "),
        if cut.is_empty() {
            String::new()
        } else {
            format!(
                "; strongest paths only ({}; --max-edges N shows more)",
                cut.join(", ")
            )
        }
    );
    Ok(())
}

/// Import `file` `repeats` times (median), then time flattening on every type and the OC-DFG.
fn bench(file: &str, repeats: usize) -> Outcome {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {file}"))?;
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..repeats {
        let t = Instant::now();
        let r = import_ocel(file, &bytes);
        times.push(t.elapsed().as_secs_f64());
        match r {
            Ok((log, _)) => last = Some(log),
            Err(e) => {
                return Err(Failure::refused(format!("{file}: {e}")));
            }
        }
    }
    let Some(log) = last else {
        usage!("--repeats must be at least 1");
    };
    times.sort_by(f64::total_cmp);
    let t = Instant::now();
    let types: Vec<String> = log.object_types().iter().map(str::to_string).collect();
    let flat_events: usize = types
        .iter()
        .filter_map(|ty| flatten(&log, ty))
        .map(|f| f.num_events())
        .sum();
    let flatten_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let dfg = ocdfg::discover_ocdfg(&log);
    let ocdfg_s = t.elapsed().as_secs_f64();
    let v = serde_json::json!({
        "tool": "spur",
        "file": file.rsplit('/').next().unwrap_or(file),
        "bytes": bytes.len(),
        "import_seconds_median": times[times.len() / 2],
        "runs": times,
        "flatten_all_types_seconds": flatten_s,
        "flattened_events": flat_events,
        "ocdfg_seconds": ocdfg_s,
        "ocdfg_types": dfg.object_types.len(),
        "events": log.num_events(),
        "objects": log.num_objects(),
        "e2o": log.num_e2o(),
        "heap_bytes_per_event": log.heap_bytes() as f64 / log.num_events().max(1) as f64,
        "peak_rss_mib": crate::bench_log::peak_rss_mb(),
    });
    println!("{v}");
    Ok(())
}

fn render_stats(path: &str, log: &OcelLog, s: &stats::OcelStats) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{path}: {} events, {} objects, {} E2O and {} O2O relations ({} KB in memory)",
        s.events,
        s.objects,
        s.e2o,
        s.o2o,
        log.heap_bytes() / 1024
    );
    let _ = writeln!(o, "\nevent types ({}):", s.activities.len());
    for (name, n) in s.activities.iter().take(15) {
        let _ = writeln!(o, "  {n:>9}  {name}");
    }
    let _ = writeln!(o, "\nobject types, flattened ({}):", s.object_types.len());
    for (name, n) in &s.object_types {
        if let Some(f) = s.flattened.get(name) {
            let _ = writeln!(
                o,
                "  {n:>9} objects  {name}: {} events in {} cases, {} activities, {} variants",
                f.events,
                f.cases,
                f.activities.len(),
                f.variants.len()
            );
        }
    }
    o
}
