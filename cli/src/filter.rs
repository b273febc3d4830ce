//! `spur filter LOG FILTER… [-o OUT] [--json] [--timing]`: narrow a log down, step by step.
//!
//! Each FILTER is the text form of `spur_core::toolkit::filter::Filter` (`has:reset`,
//! `df:a->b`, …); they apply in order and each step's kept cases and events are printed (a
//! table, or `--json` `{filters, steps, cases, events}`). With `-o OUT` the filtered log is
//! written in the format OUT's name asks for. `--timing` also times each filter applied alone
//! to the input log (stderr), for the benchmark notes. A filter that does not parse is a usage
//! error (exit 2, with the accepted forms); one that does not fit the log (unknown activity or
//! attribute, wrong type) is a refused input (exit 1).
//!
//! `--engine duckdb|spark [--master M]`: LOG is a Parquet dataset and the engine counts each
//! step with core's `sql::filter` (the forms that compile to SQL), printing the same table or
//! JSON; the events stay in the engine, so `-o` and `--timing` are refused.

use crate::args::{EngineArgs, ImportArgs};
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use serde::Serialize;
use spur_core::export::{self, ExportFormat};
use spur_core::toolkit::filter::{apply, apply_all, Filter, FilterStep};
use std::fmt::Write as _;
use std::time::Instant;

/// `spur filter LOG FILTER…`: keep the cases/events the filters select, step by step.
#[derive(clap::Args, Debug)]
#[command(
    long_about = "Applies the FILTERs in order and prints what each kept; -o writes the filtered log \
(format from OUT's name: .csv .tsv .xes .xes.gz .parquet .arrow). Quote filters for the shell, \
e.g. spur filter log.xes 'has:reset' 'time:2024-01-01..2024-02-01:intersecting'. With --engine, \
a Parquet dataset's steps are counted by DuckDB or Spark (every form compiles to SQL).",
    after_help = "`spur filter --forms` lists every filter form."
)]
pub struct FilterArgs {
    /// The event log (with --engine, a Parquet dataset).
    #[arg(value_name = "LOG", required_unless_present = "forms")]
    pub input: Option<String>,
    /// Filters in `spur filter --forms`'s text form (has:A df:A->B time:… …), applied in order.
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Write the filtered log (format from the name).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<String>,
    /// Print {filters, steps, cases, events} as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also time each filter applied alone to the input log (stderr).
    #[arg(long)]
    pub timing: bool,
    /// List every filter form and exit.
    #[arg(long)]
    pub forms: bool,
    #[command(flatten)]
    pub import: ImportArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    filters: &'a [Filter],
    steps: Vec<FilterStep>,
    cases: usize,
    events: usize,
}

pub fn run(args: FilterArgs) -> Outcome {
    if args.forms {
        println!("{}", spur_core::toolkit::filter::FORMS);
        return Ok(());
    }
    let options = args.import.options()?;
    let (json, timing, output, texts) = (args.json, args.timing, args.output, args.filters);
    let Some(input) = &args.input else {
        usage!("filter takes LOG and at least one FILTER");
    };
    if texts.is_empty() {
        usage!("filter takes LOG and at least one FILTER\n\nFor more information, try 'spur filter --help'.");
    }
    let filters: Vec<Filter> = match texts.iter().map(|t| t.parse::<Filter>()).collect() {
        Ok(f) => f,
        Err(e) => {
            return Err(Failure::usage(format!("{e}")));
        }
    };
    let engine = args.engine.choice()?;
    if let Some(choice) = engine {
        if output.is_some() || timing {
            usage!("-o and --timing need the events in memory: leave out --engine");
        }
        return run_engine(input, &options.mapping, &filters, &choice, json);
    }
    let format = match &output {
        Some(out) => match ExportFormat::from_file_name(out) {
            Some(f) => Some((out.clone(), f)),
            None => usage!(
                "cannot tell the output format from the name `{out}`: end it with one of {}",
                ExportFormat::EXTENSIONS
            ),
        },
        None => None,
    };
    if let Some((out, _)) = &format {
        if let (Ok(a), Ok(b)) = (std::fs::canonicalize(input), std::fs::canonicalize(out)) {
            if a == b {
                usage!("LOG and OUT are the same file ({input}); write to another name");
            }
        }
    }
    let log = crate::convert::open_log(input, &options)?;
    let started = Instant::now();
    let (log, steps) = match apply_all(&log, &filters) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{input}: {e}")));
        }
    };
    let total = started.elapsed();
    if timing {
        for f in &filters {
            let t = Instant::now();
            let kept = apply(&log, f).map(|o| o.log.num_cases()).unwrap_or(0);
            eprintln!(
                "spur: timing: {:>8.2} ms  {f} (alone on the input: {kept} cases)",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
        eprintln!(
            "spur: timing: {:>8.2} ms  all {} filters in order",
            total.as_secs_f64() * 1000.0,
            filters.len()
        );
    }
    if json {
        let report = Report {
            filters: &filters,
            steps,
            cases: log.num_cases(),
            events: log.num_events(),
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&steps, log.num_cases(), log.num_events()));
    }
    if let Some((out, format)) = format {
        let bytes = match export::export(&log, format) {
            Ok(b) => b,
            Err(e) => {
                return Err(Failure::refused(format!("cannot write {out}: {e}")));
            }
        };
        std::fs::write(&out, &bytes).with_context(|| format!("cannot write {out}"))?;
        eprintln!(
            "spur: wrote {out} ({format:?}): {} cases, {} events",
            log.num_cases(),
            log.num_events()
        );
    }
    Ok(())
}

/// `--engine`: the engine counts each step over the dataset; the same table or JSON.
fn run_engine(
    input: &str,
    mapping: &spur_core::import::Mapping,
    filters: &[Filter],
    choice: &crate::engine::Choice,
    json: bool,
) -> Outcome {
    use spur_core::sql::filter as sql_filter;
    crate::stats::check_dataset(input)?;
    let counted = crate::engine::Engine::start(choice).and_then(|mut engine| {
        let (answers, _) = engine.query(
            input,
            mapping,
            filters,
            None,
            vec![sql_filter::steps_query(filters)],
        )?;
        sql_filter::steps(filters, &answers).map_err(|e| e.to_string())
    });
    let steps = match counted {
        Ok(s) => s,
        Err(e) => {
            return Err(Failure::refused(format!("{input}: {e}")));
        }
    };
    let (cases, events) = steps
        .last()
        .map_or((0, 0), |s| (s.cases_after, s.events_after));
    if json {
        let report = Report {
            filters,
            steps,
            cases,
            events,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&steps, cases, events));
    }
    Ok(())
}

/// The readable step table.
fn table(steps: &[FilterStep], cases: usize, events: usize) -> String {
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "-".to_string()
        } else {
            format!("{:.1}%", a as f64 * 100.0 / b as f64)
        }
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "step  {:>9} {:>9} {:>7}  {:>10} {:>10} {:>7}  filter",
        "cases", "of", "kept", "events", "of", "kept"
    );
    for (i, s) in steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:<4}  {:>9} {:>9} {:>7}  {:>10} {:>10} {:>7}  {}",
            i + 1,
            s.cases_after,
            s.cases_before,
            pct(s.cases_after, s.cases_before),
            s.events_after,
            s.events_before,
            pct(s.events_after, s.events_before),
            s.filter
        );
    }
    let _ = writeln!(out, "result: {cases} cases, {events} events");
    out
}
