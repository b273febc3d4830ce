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

use anyhow::{bail, Context};
use spur_core::export::{self, ExportFormat};
use spur_core::map::overlay::{overlay, OcMeasure, OverlayOptions};
use spur_core::ocel::generate::{generate_orders, OrdersConfig};
use spur_core::ocel::import::{import_ocel, OcelReport};
use spur_core::ocel::{export::to_json, flatten::flatten, objects, ocdfg, stats, OcelLog};
use std::process::ExitCode;
use std::time::Instant;

const HELP: &str = "usage: spur ocel stats FILE [--json]
       spur ocel flatten FILE --type T -o OUT
       spur ocel ocdfg FILE
       spur ocel map FILE [--types A,B] [--measure event_couples|unique_objects|total_objects]
                     [--max-edges N] -o MAP.svg
       spur ocel objects FILE
       spur ocel generate [--orders N] [--seed S] [--chunk K] -o OUT.jsonocel
       spur ocel bench FILE [--repeats N]
  FILE: OCEL 2.0 JSON (.jsonocel), XML (.xmlocel) or SQLite (.sqlite), or OCEL 1.0 JSON/XML.
  OUT of flatten: .csv .tsv .xes .xes.gz .parquet .arrow (any event-log format).
  --chunk K (generate): prefix every id with `cK-`, so chunks made with different seeds
  concatenate into one log (flatten each, `spur convert` each into one dataset folder).";

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
pub fn write(log: &OcelLog, out: &str) -> anyhow::Result<ExitCode> {
    let sqlite = out.to_ascii_lowercase().ends_with(".sqlite");
    let bytes = if sqlite {
        match spur_core::ocel::sqlite::write::to_sqlite(log) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("spur: cannot write {out}: {e}");
                return Ok(ExitCode::from(1));
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
    Ok(ExitCode::SUCCESS)
}

/// `spur convert IN OUT` for an OCEL input: OCEL → OCEL 2.0 JSON.
pub fn convert(input: &str, output: &str) -> anyhow::Result<ExitCode> {
    if !is_ocel_output(output) {
        eprintln!(
            "spur: {input} is an object-centric log: flatten it on an object type to get an event log \
             (`spur ocel flatten {input} --type T -o {output}`), or convert it to OUT.jsonocel"
        );
        return Ok(ExitCode::from(2));
    }
    match read(input)? {
        Ok((log, _)) => write(&log, output),
        Err(e) => {
            eprintln!("spur: {input}: {e}");
            Ok(ExitCode::from(1))
        }
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

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let Some((sub, rest)) = args.split_first() else {
        eprintln!("{HELP}");
        return Ok(ExitCode::from(2));
    };
    let mut files = Vec::new();
    let (mut json, mut ty, mut out) = (false, None, None);
    let mut cfg = OrdersConfig::default();
    let mut repeats = 3usize;
    let mut map_opts = OverlayOptions::default();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .with_context(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--json" => json = true,
            "--type" => ty = Some(value()?),
            "--types" => {
                map_opts.types = value()?
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "--measure" => {
                let v = value()?;
                map_opts.measure = OcMeasure::parse(&v).with_context(|| {
                    format!(
                        "--measure takes event_couples, unique_objects or total_objects, got `{v}`"
                    )
                })?
            }
            "--max-edges" => {
                let v = value()?;
                map_opts.max_edges = v
                    .parse()
                    .ok()
                    .filter(|&n: &usize| (1..=10_000).contains(&n))
                    .with_context(|| format!("--max-edges takes 1 to 10000, got `{v}`"))?
            }
            "-o" | "--output" => out = Some(value()?),
            "--orders" => {
                let v = value()?;
                cfg.orders = v
                    .parse()
                    .ok()
                    .filter(|&n: &u32| n <= 20_000_000)
                    .with_context(|| {
                        format!("--orders takes a whole number up to 20000000, got `{v}`")
                    })?
            }
            "--repeats" => {
                let v = value()?;
                repeats = v
                    .parse()
                    .ok()
                    .filter(|&n: &usize| (1..=100).contains(&n))
                    .with_context(|| format!("--repeats takes 1 to 100, got `{v}`"))?
            }
            "--chunk" => {
                let v = value()?;
                cfg.chunk = v
                    .parse()
                    .with_context(|| format!("--chunk takes a whole number, got `{v}`"))?
            }
            "--seed" => {
                let v = value()?;
                cfg.seed = v
                    .parse()
                    .with_context(|| format!("--seed takes a whole number, got `{v}`"))?
            }
            "-h" | "--help" => {
                println!("{HELP}");
                return Ok(ExitCode::SUCCESS);
            }
            s if s.starts_with('-') => {
                bail!("unknown option `{s}` for `spur ocel {sub}`\n\n{HELP}")
            }
            s => files.push(s.to_string()),
        }
    }
    if sub == "generate" {
        let Some(out) = out else {
            bail!("spur ocel generate needs -o OUT.jsonocel\n\n{HELP}");
        };
        let started = Instant::now();
        let (log, truth) = generate_orders(&cfg);
        eprintln!(
            "spur: generated in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let code = write(&log, &out)?;
        println!("{}", pretty(&truth)?);
        return Ok(code);
    }
    let [file] = files.as_slice() else {
        bail!(
            "spur ocel {sub} takes one FILE (got {})\n\n{HELP}",
            files.len()
        );
    };
    if sub == "bench" {
        return bench(file, repeats);
    }
    let (log, _) = match read(file)? {
        Ok(x) => x,
        Err(e) => {
            eprintln!("spur: {file}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    match sub.as_str() {
        "stats" => {
            let s = stats::ocel_stats(&log);
            if json {
                println!("{}", pretty(&s)?);
            } else {
                print!("{}", render_stats(file, &log, &s));
            }
        }
        "flatten" => {
            let (Some(ty), Some(out)) = (ty, out) else {
                bail!("spur ocel flatten needs --type T and -o OUT\n\n{HELP}");
            };
            let Some(format) = ExportFormat::from_file_name(&out) else {
                bail!(
                    "cannot tell the output format from `{out}`: end it with one of {}",
                    ExportFormat::EXTENSIONS
                );
            };
            let Some(flat) = flatten(&log, &ty) else {
                let types: Vec<&str> = log.object_types().iter().collect();
                eprintln!(
                    "spur: {file}: no object type `{ty}` (there are: {})",
                    types.join(", ")
                );
                return Ok(ExitCode::from(1));
            };
            let bytes = export::export(&flat, format)?;
            std::fs::write(&out, &bytes).with_context(|| format!("cannot write {out}"))?;
            eprintln!(
                "spur: wrote {out} ({format:?}): {} events, {} cases (objects of type {ty})",
                flat.num_events(),
                flat.num_cases()
            );
        }
        "ocdfg" => println!("{}", pretty(&ocdfg::discover_ocdfg(&log))?),
        "map" => {
            let Some(out) = out else {
                bail!("spur ocel map needs -o MAP.svg\n\n{HELP}");
            };
            let drawn = overlay(
                &ocdfg::discover_ocdfg(&log),
                &stats::event_type_counts(&log),
                &map_opts,
            );
            if !drawn.unknown_types.is_empty() {
                let types: Vec<&str> = log.object_types().iter().collect();
                eprintln!(
                    "spur: {file}: no object type {} (there are: {})",
                    drawn
                        .unknown_types
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    types.join(", ")
                );
                return Ok(ExitCode::from(1));
            }
            std::fs::write(&out, &drawn.svg).with_context(|| format!("cannot write {out}"))?;
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
        }
        "objects" => {
            let v = serde_json::json!({
                "objects_per_event": stats::objects_per_event(&log),
                "lifecycles": objects::lifecycles(&log),
                "interactions": objects::interactions(&log),
            });
            println!("{}", pretty(&v)?);
        }
        other => bail!("unknown `spur ocel` command `{other}`\n\n{HELP}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Import `file` `repeats` times (median), then time flattening on every type and the OC-DFG.
fn bench(file: &str, repeats: usize) -> anyhow::Result<ExitCode> {
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
                eprintln!("spur: {file}: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    }
    let Some(log) = last else {
        return Ok(ExitCode::from(2));
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
    Ok(ExitCode::SUCCESS)
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
