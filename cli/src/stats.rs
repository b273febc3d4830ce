//! `spur stats LOG`: the basic process statistics of an event log.
//!
//! `--json` prints exactly the shape of `../shared/data/golden/*.json` (what pm4py computes);
//! without it, a readable summary. Computing ([`compute`]) is separate from printing. Import
//! issues (rejected or repaired rows) go to stderr, so stdout stays clean for `--json`.

use crate::args::{EngineArgs, ImportArgs};
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::import::{Action, ImportOptions};
use spur_core::log::EventLog;
use spur_core::mining::{self, LogSummary, Stats};
use spur_core::open::{detect, open_log, LogFormat, LogReport};
use spur_core::toolkit::filter::{self, Filter};
use std::fmt::Write as _;

/// `spur stats LOG`: process statistics of an event log (pm4py semantics).
#[derive(clap::Args, Debug)]
#[command(long_about = "Process statistics of an event log (pm4py semantics).

LOG: a CSV/TSV, XES, XES.gz, Parquet or Arrow IPC event log, or a log summary file (its \
statistics, as written). With --engine duckdb|spark each DATASET is Parquet (a file, or a folder \
of them, as `spur convert` writes it) and DuckDB or Apache Spark computes the statistics, with \
the same numbers, without loading it (several datasets: one JSON document each, in order, one \
engine session; one that fails is reported on stderr and the rest still answered, exit code 1).")]
pub struct StatsArgs {
    /// The event log (with --engine: one or more Parquet datasets).
    #[arg(value_name = "LOG", required = true)]
    pub files: Vec<String>,
    /// Print the pm4py-compatible statistics as JSON.
    #[arg(long)]
    pub json: bool,
    /// The statistics of the cases (events) a filter keeps, in `spur filter`'s text form
    /// (has:A, start:A, size:2..5, duration:1h..2d, time:…); repeatable, applied in order.
    #[arg(long = "filter", value_name = "F")]
    pub filters: Vec<String>,
    /// Also write the log summary file (format spur-log-summary/1): what the map, variants and
    /// charts need, without the events. With --engine, one DATASET.
    #[arg(long, value_name = "S.json")]
    pub summary_out: Option<String>,
    #[command(flatten)]
    pub import: ImportArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

struct Args {
    path: String,
    /// With `--engine`, the datasets after the first.
    more: Vec<String>,
    json: bool,
    /// `--engine`: an SQL engine computes the statistics.
    engine: Option<crate::engine::Choice>,
    /// `--filter`, applied in order before the statistics.
    filters: Vec<Filter>,
    /// `--summary-out`: where to write the log summary file.
    summary_out: Option<String>,
    options: ImportOptions,
}

fn parse_args(a: StatsArgs) -> Result<Args, Failure> {
    let options = a.import.options()?;
    let (json, summary_out, files) = (a.json, a.summary_out, a.files);
    let filters = a
        .filters
        .iter()
        .map(|text| {
            text.parse::<Filter>()
                .map_err(|e| Failure::usage(format!("--filter `{text}`: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let engine = a.engine.choice()?;
    if summary_out.is_some() && files.len() > 1 {
        return Err(Failure::usage(format!(
            "--summary-out writes the summary of one dataset (got {})",
            files.len()
        )));
    }
    match files.as_slice() {
        [path, more @ ..] if more.is_empty() || engine.is_some() => Ok(Args {
            path: path.clone(),
            more: more.to_vec(),
            json,
            engine,
            filters,
            summary_out,
            options,
        }),
        _ => Err(Failure::usage(format!(
            "stats takes exactly one LOG, or with --engine one or more datasets (got {})",
            files.len()
        ))),
    }
}

/// Open `bytes` with core's one entry (every format, as `spur convert` and the browser) and
/// compute the statistics. Errors are the located messages to show after `FILE: `.
pub fn compute(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(EventLog, LogReport, Stats), String> {
    let (log, report) = open_log(file_name, bytes, options).map_err(|e| e.to_string())?;
    let stats = mining::stats(&log);
    Ok((log, report, stats))
}

pub fn run(args: StatsArgs) -> Outcome {
    let args = parse_args(args)?;
    let path = &args.path;
    if let Some(choice) = &args.engine {
        return run_engine(&args, choice);
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    if LogSummary::sniff(&bytes) {
        return run_summary(&args, &bytes);
    }
    let (log, report, stats) = match compute(path, &bytes, &args.options) {
        Ok(x) => x,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    print_issues(path, &report);
    let (log, stats) = if args.filters.is_empty() {
        (log, stats)
    } else {
        match filter::apply_all(&log, &args.filters) {
            Ok((kept, _)) => {
                let stats = mining::stats(&kept);
                (kept, stats)
            }
            Err(e) => {
                return Err(Failure::refused(format!("{path}: {e}")));
            }
        }
    };
    if let Some(out) = &args.summary_out {
        write_summary(out, &LogSummary::of(&log))?;
    }
    if args.json {
        print_json(&stats)?;
    } else {
        print!("{}", render_human(path, &log, &report, &stats));
    }
    Ok(())
}

/// `spur stats S.json`: the statistics a log summary file holds (no events: no filters).
fn run_summary(args: &Args, bytes: &[u8]) -> Outcome {
    let path = &args.path;
    let summary = match LogSummary::from_bytes(bytes) {
        Ok(s) => s,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    if !args.filters.is_empty() || args.summary_out.is_some() {
        return Err(Failure::usage(format!("{path}: a summary file has no events to filter or summarise again: give the log (or the dataset with --engine)")));
    }
    print_summary(args, &summary, "from a summary file")?;
    Ok(())
}

/// Print the statistics a log summary holds (JSON with `--json`), saying where it came from.
fn print_summary(args: &Args, summary: &LogSummary, source: &str) -> anyhow::Result<()> {
    let stats = summary.stats();
    if args.json {
        print_json(&stats)?;
    } else {
        let dfg = mining::Dfg {
            edges: summary.dfg.clone(),
        };
        print!("{}", render_engine(&args.path, source, &stats, &dfg));
    }
    Ok(())
}

/// Write the log summary file.
fn write_summary(out: &str, summary: &LogSummary) -> Outcome {
    std::fs::write(out, summary.to_json())
        .map_err(|e| Failure::usage(format!("cannot write the summary to {out}: {e}")))
}

/// One-space indent, like the golden files (Python's `json.dump(indent=1)`).
fn print_json(stats: &Stats) -> anyhow::Result<()> {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b" ");
    serde::Serialize::serialize(
        stats,
        &mut serde_json::Serializer::with_formatter(&mut out, fmt),
    )?;
    println!("{}", String::from_utf8_lossy(&out));
    Ok(())
}

/// Is `path` a Parquet dataset the engines can read? Exit code and message when not.
pub fn check_dataset(path: &str) -> Result<(), Failure> {
    if !std::path::Path::new(path).exists() {
        return Err(Failure::usage(format!(
            "cannot read {path}: no such file or folder"
        )));
    }
    let is_file = std::path::Path::new(path).is_file();
    // By content alone (an empty name), with core's one detection.
    let mut head = [0u8; 4];
    let parquet = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && detect("", &head) == LogFormat::Parquet;
    if is_file && !parquet {
        return Err(Failure::refused(format!("{path}: not a Parquet file; --engine reads Parquet datasets: write one with `spur convert {path} OUT.parquet`")));
    }
    Ok(())
}

/// `--engine`: the engine reads each dataset; only the summary comes back. One engine session
/// serves every dataset (Spark's JVM starts once).
fn run_engine(args: &Args, choice: &crate::engine::Choice) -> Outcome {
    let paths: Vec<&String> = std::iter::once(&args.path).chain(&args.more).collect();
    for path in &paths {
        check_dataset(path)?;
    }
    let mut engine = match crate::engine::Engine::start(choice) {
        Ok(e) => e,
        Err(e) => {
            return Err(Failure::refused(format!("{}: {e}", args.path)));
        }
    };
    // As `cat`: a dataset that fails is reported and skipped, the others are still answered.
    let mut failed = false;
    if let Some(out) = &args.summary_out {
        // One dataset (checked by the arguments): the summary holds the statistics too.
        let summary = match engine.summary(&args.path, &args.options.mapping, &args.filters) {
            Ok(s) => s,
            Err(e) => {
                return Err(Failure::refused(format!("{}: {e}", args.path)));
            }
        };
        write_summary(out, &summary)?;
        print_summary(args, &summary, &format!("computed by {}", engine.name()))?;
        return Ok(());
    }
    for path in paths {
        let (stats, dfg) = match engine.stats(path, &args.options.mapping, &args.filters) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("spur: {path}: {e}");
                failed = true;
                continue;
            }
        };
        if args.json {
            print_json(&stats)?;
        } else {
            print!(
                "{}",
                render_engine(
                    path,
                    &format!("computed by {}", engine.name()),
                    &stats,
                    &dfg
                )
            );
        }
    }
    if failed {
        // Each failed dataset has been reported on stderr.
        return Err(Failure::reported(crate::exit::REFUSED));
    }
    Ok(())
}

/// The readable summary of an engine's answer (no events in memory: no time span).
fn render_engine(path: &str, source: &str, s: &Stats, dfg: &mining::Dfg) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{path}: {} events, {} cases, {} activities, {} variants ({source})",
        s.events,
        s.cases,
        s.activities.len(),
        s.variants.len()
    );
    if let Some(d) = &s.case_duration_seconds {
        let _ = writeln!(
            o,
            "case duration: min {}, median {}, mean {}, max {}",
            human(d.min),
            human(d.median),
            human(d.mean),
            human(d.max)
        );
    }
    let mut edges: Vec<&mining::DfgEdge> = dfg.edges.iter().collect();
    edges.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    let _ = writeln!(o, "\ndirectly-follows edges ({}):", shown_of(edges.len()));
    for e in edges.into_iter().take(10) {
        let perf = e
            .performance
            .as_ref()
            .map(|p| format!("  (mean {}, median {})", human(p.mean), human(p.median)))
            .unwrap_or_default();
        let _ = writeln!(o, "  {:>9}  {} → {}{perf}", e.count, e.from, e.to);
    }
    o
}

fn print_issues(path: &str, report: &LogReport) {
    const SHOWN: usize = 5;
    if report.format.is_table() {
        // A table's rejected rows, nulled values and skipped columns (no lines to point at).
        for note in report.notes(SHOWN) {
            eprintln!("spur: {path}: {note}");
        }
        return;
    }
    // Skipped elements (XES metadata, nested attributes) lose nothing: counted, not listed.
    let listed = report.issues.iter().filter(|i| i.action != Action::Skipped);
    for issue in listed.take(SHOWN) {
        eprintln!("spur: {path}: {issue}");
    }
    let total: u64 = report.counts.values().sum();
    if report.rejected + report.repaired > SHOWN as u64 {
        let by_reason: Vec<String> = report
            .counts
            .iter()
            .map(|(k, n)| {
                format!(
                    "{n} {}",
                    serde_json::to_string(k)
                        .unwrap_or_default()
                        .trim_matches('"')
                )
            })
            .collect();
        eprintln!(
            "spur: {path}: {total} import issues in all ({})",
            by_reason.join(", ")
        );
    }
}

/// The readable summary.
pub fn render_human(path: &str, log: &EventLog, report: &LogReport, s: &Stats) -> String {
    let mut o = String::new();
    let pct = |n: u64, of: u64| {
        if of == 0 {
            0.0
        } else {
            n as f64 * 100.0 / of as f64
        }
    };
    let _ = writeln!(
        o,
        "{path}: {} events, {} cases, {} activities, {} variants",
        s.events,
        s.cases,
        s.activities.len(),
        s.variants.len()
    );
    if report.rejected + report.repaired > 0 {
        let _ = writeln!(
            o,
            "import: {} rows rejected, {} repaired (details on stderr)",
            report.rejected, report.repaired
        );
    }
    match &s.case_duration_seconds {
        Some(d) => {
            let _ = writeln!(
                o,
                "case duration: min {}, median {}, mean {}, max {}",
                human(d.min),
                human(d.median),
                human(d.mean),
                human(d.max)
            );
        }
        None => {
            let _ = writeln!(o, "case duration: no timestamps");
        }
    }
    if let Some((ts, valid)) = log.timestamps() {
        let mut range = (0..ts.len()).filter(|&i| valid.get(i)).map(|i| ts[i]);
        if let Some(first) = range.next() {
            let (lo, hi) = range.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t)));
            let date = |ms: i64| spur_core::import::timestamp::format_iso(ms)[..10].to_string();
            let _ = writeln!(o, "time span: {} .. {}", date(lo), date(hi));
        }
    }
    let _ = writeln!(o, "\nactivities ({}):", shown_of(s.activities.len()));
    for (name, n) in s.activities.iter().take(10) {
        let _ = writeln!(o, "  {n:>9} {:>6.1}%  {name}", pct(*n, s.events));
    }
    let _ = writeln!(o, "\nvariants ({}):", shown_of(s.variants.len()));
    for (acts, n) in s.variants.iter().take(10) {
        let shown: Vec<&str> = acts.iter().take(8).map(String::as_str).collect();
        let more = if acts.len() > 8 {
            format!(" … ({} events)", acts.len())
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "  {n:>9} {:>6.1}%  {}{more}",
            pct(*n, s.cases),
            shown.join(" → ")
        );
    }
    let mut edges: Vec<&(String, String, u64)> = s.dfg.iter().collect();
    edges.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    let _ = writeln!(o, "\ndirectly-follows edges ({}):", shown_of(s.dfg.len()));
    let perf = mining::dfg_performance(log);
    for (from, to, n) in edges.into_iter().take(10) {
        let mean = perf
            .edges
            .iter()
            .find(|e| &e.from == from && &e.to == to)
            .and_then(|e| e.performance.as_ref())
            .map(|p| format!("  (mean {}, median {})", human(p.mean), human(p.median)))
            .unwrap_or_default();
        let _ = writeln!(o, "  {n:>9}  {from} → {to}{mean}");
    }
    o
}

/// Seconds in the largest unit that keeps the number ≥ 1.
fn human(secs: f64) -> String {
    let (v, unit) = match secs.abs() {
        s if s < 60.0 => (secs, "s"),
        s if s < 3600.0 => (secs / 60.0, "min"),
        s if s < 86_400.0 => (secs / 3600.0, "h"),
        _ => (secs / 86_400.0, "d"),
    };
    format!("{v:.1} {unit}")
}

/// How much of a list of `n` rows the human output shows (the first 10).
fn shown_of(n: usize) -> String {
    if n <= 10 {
        format!("all {n}")
    } else {
        format!("top 10 of {n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(
            [
                human(1.855),
                human(600.0),
                human(69857.4),
                human(11855936.0)
            ],
            ["1.9 s", "10.0 min", "19.4 h", "137.2 d"]
        );
    }

    /// `spur stats ARGS…` through clap and [`parse_args`], as `main` runs it.
    fn parse(args: &[&str]) -> Result<Args, String> {
        #[derive(clap::Parser)]
        struct Stats {
            #[command(flatten)]
            args: StatsArgs,
        }
        let parsed = <Stats as clap::Parser>::try_parse_from(
            std::iter::once("stats").chain(args.iter().copied()),
        )
        .map_err(|e| e.to_string())?;
        parse_args(parsed.args).map_err(|e| e.to_string())
    }

    #[test]
    fn arguments() {
        let a = parse(&["x.csv", "--case", "id", "--json"]).expect("valid");
        assert_eq!(
            (a.path.as_str(), a.json, a.options.mapping.case.as_deref()),
            ("x.csv", true, Some("id"))
        );
        assert!(parse(&["--case"]).is_err());
        assert!(parse(&["a", "b"]).is_err());
        assert!(parse(&["a", "--bogus"]).is_err());
        assert!(parse(&["a", "--delimiter", ";;"]).is_err());
        let e = parse(&["a", "b", "--engine", "duckdb", "--summary-out", "s.json"]);
        assert!(e.is_err_and(|m| m.contains("--summary-out")));
    }
}
