//! `spur map LOG -o map.svg`: the process map of an event log as an SVG file, the same drawing
//! the browser shows (model, layout and SVG all come from `spur_core::map`).
//!
//! Without `-o` the SVG goes to stdout; with `-o` stdout gets a one-line summary. `--json` prints
//! `{"map": ProcessMap, "layout": Layout}` instead (and still writes `-o` when given).
//!
//! Without `--activities`/`--paths` the map opens readable (`spur_core::map::readable`): every
//! activity and the most frequent paths up to about two per node; stderr then says how many
//! paths are hidden, and the JSON carries the choice under `readable`.
//!
//! `--engine duckdb|spark [--master M]`: LOG is a Parquet dataset and the engine computes what
//! the map is drawn from (activity, start and end counts, the DFG with durations, each
//! activity's mean first position); core assembles the same map. `--activities` below 1 asks
//! twice: the whole dataset's counts choose the activities, then the statistics of the events
//! of those activities alone (as `process_map` projects the log).

use crate::args::{EngineArgs, ImportArgs};
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::map::readable::choose;
use spur_core::map::{
    assemble, layout_map, process_map, readable_map, render_svg, with_path_share, Layout,
    LayoutOptions, MapOptions, MapView, Parts, ProcessMap, Readable, SvgOptions,
};
use spur_core::mining::LogSummary;

/// `spur map LOG`: the process map (layered directly-follows graph) as SVG.
#[derive(clap::Args, Debug)]
#[command(long_about = "The process map (layered directly-follows graph) as SVG.

LOG: a CSV/TSV, XES, XES.gz, Parquet or Arrow IPC event log, or a log summary file (`spur stats … \
--summary-out S.json`: the same map, every activity); with --engine, a Parquet dataset (file or \
folder) whose map DuckDB or Spark computes without loading it. Without --activities and --paths \
the map is readable: every activity, and the most frequent paths up to two per node (stderr says \
how many are hidden); --paths 1 shows every path.")]
pub struct MapArgs {
    /// The event log, summary file or (with --engine) Parquet dataset.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// Write the SVG here (else it goes to stdout).
    #[arg(short = 'o', long = "out", value_name = "OUT.svg")]
    pub out: Option<String>,
    /// Keep the most frequent activities covering this share of events (0..1).
    #[arg(long, value_name = "SHARE")]
    pub activities: Option<String>,
    /// Keep the most frequent paths covering this share of transitions (0..1); every activity
    /// keeps its strongest incoming and outgoing path.
    #[arg(long, value_name = "SHARE")]
    pub paths: Option<String>,
    /// What the paths show: frequency, mean, median or total.
    #[arg(long, value_name = "VIEW", default_value = "frequency")]
    pub view: String,
    /// Print the map and its layout as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub import: ImportArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(serde::Serialize)]
struct Output<'a> {
    map: &'a ProcessMap,
    layout: &'a Layout,
    /// The slider positions chosen when the user gave none.
    #[serde(skip_serializing_if = "Option::is_none")]
    readable: Option<&'a Readable>,
}

struct Args {
    path: String,
    out: Option<String>,
    map: MapOptions,
    /// Whether `--activities` or `--paths` was given (else the readable default).
    shares_given: bool,
    view: MapView,
    json: bool,
    engine: Option<crate::engine::Choice>,
}

fn share(name: &str, v: &str) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{name} takes a share between 0 and 1, got `{v}`")),
    }
}

fn parse_args(a: &MapArgs) -> Result<Args, String> {
    let mut map = MapOptions::default();
    if let Some(v) = &a.activities {
        map.activity_share = share("--activities", v)?;
    }
    if let Some(v) = &a.paths {
        map.path_share = share("--paths", v)?;
    }
    let view = MapView::parse(&a.view).ok_or(format!(
        "--view takes frequency, mean, median or total, got `{}`",
        a.view
    ))?;
    Ok(Args {
        path: a.path.clone(),
        out: a.out.clone(),
        map,
        shares_given: a.activities.is_some() || a.paths.is_some(),
        view,
        json: a.json,
        engine: None,
    })
}

pub fn run(a: MapArgs) -> Outcome {
    let options = a.import.options()?;
    let mut args = parse_args(&a).map_err(Failure::usage)?;
    args.engine = a.engine.choice()?;
    let full = match &args.engine {
        Some(choice) => Some(engine_map(&args.path, &options.mapping, choice, &args)?),
        None => summary_map(&args)?,
    };
    let read = match full {
        Some(_) => None,
        None => {
            let bytes =
                std::fs::read(&args.path).with_context(|| format!("reading {}", args.path))?;
            match crate::convert::read_log(&args.path, &bytes, &options) {
                Ok(r) => Some(r),
                Err(e) => return Err(Failure::refused(format!("{}: {e}", args.path))),
            }
        }
    };
    for note in read.iter().flat_map(|r| &r.notes) {
        eprintln!("{}: {note}", args.path);
    }
    let (map, readable) = if args.shares_given {
        let map = match (&full, &read) {
            (Some(map), _) => map.clone(),
            (None, Some(read)) => process_map(&read.log, &args.map),
            (None, None) => unreachable!("a map comes from an engine or a log"),
        };
        (map, None)
    } else {
        let (map, r) = match (&full, &read) {
            (Some(full), _) => {
                let r = choose(full);
                (with_path_share(full, r.options.path_share), r)
            }
            (None, Some(read)) => readable_map(&read.log),
            (None, None) => unreachable!("a map comes from an engine or a log"),
        };
        if r.paths_shown < r.paths_total {
            eprintln!(
                "spur map: {} (every activity, the most frequent paths up to two per node); --paths 1 shows all",
                r.sentence.split(" — ").next().unwrap_or(&r.sentence)
            );
        }
        (map, Some(r))
    };
    let layout = layout_map(&map, &LayoutOptions::default());
    let svg = render_svg(
        &map,
        &layout,
        &SvgOptions {
            view: args.view,
            hide_edge_labels: false,
        },
    );
    if let Some(out) = &args.out {
        std::fs::write(out, &svg).with_context(|| format!("writing {out}"))?;
    }
    if args.json {
        let text = serde_json::to_string_pretty(&Output {
            map: &map,
            layout: &layout,
            readable: readable.as_ref(),
        })?;
        println!("{text}");
    } else if let Some(out) = &args.out {
        println!(
            "{out}: {} of {} activities, {} of {} paths, {} layers",
            map.activities_shown,
            map.activities_total,
            map.paths_shown,
            map.paths_total,
            layout.layers
        );
    } else {
        print!("{svg}");
    }
    Ok(())
}

/// `spur map S.json`: the map drawn from a log summary file (`spur stats --summary-out`),
/// without the events — `None` when the file is no summary (then it is read as a log).
fn summary_map(args: &Args) -> Result<Option<ProcessMap>, Failure> {
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(&args.path) {
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(f, 256), &mut head);
    }
    if !LogSummary::sniff(&head) {
        return Ok(None);
    }
    let path = &args.path;
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::refused(format!("{path}: cannot read the summary file: {e}")))?;
    let summary =
        LogSummary::from_bytes(&bytes).map_err(|e| Failure::refused(format!("{path}: {e}")))?;
    if args.map.activity_share < 1.0 {
        return Err(Failure::usage(
            format!("{path}: a summary file holds the map of every activity; --activities below 1 needs the events: give the log (or the dataset with --engine)"),
        ));
    }
    let share = if args.shares_given {
        args.map.path_share
    } else {
        MapOptions::default().path_share
    };
    Ok(Some(summary.process_map(share)))
}

/// The map of the Parquet dataset at `path` from the engine's answers, as `process_map` builds
/// it in memory (with `--paths`, else every path: the readable choice is made from it); the
/// error's exit code and message.
fn engine_map(
    path: &str,
    mapping: &spur_core::import::Mapping,
    choice: &crate::engine::Choice,
    args: &Args,
) -> Result<ProcessMap, Failure> {
    use spur_core::sql;
    crate::stats::check_dataset(path)?;
    let failed = |e: String| Failure::refused(format!("{path}: {e}"));
    let mut engine = crate::engine::Engine::start(choice).map_err(failed)?;
    let (answers, roles) = engine
        .answers(path, mapping, &[], vec![sql::positions_query()])
        .map_err(failed)?;
    let core = |e: sql::SqlError| failed(e.to_string());
    let mut stats = sql::assemble::stats(&answers, roles.timestamp.is_some()).map_err(core)?;
    let all = stats.activities.clone();
    let keep = spur_core::map::model::kept_activities(&all, args.map.activity_share);
    let answers = if keep < all.len() {
        // The map of the most frequent activities: the events of the others left out.
        let kept: Vec<String> = all[..keep].iter().map(|a| a.0.clone()).collect();
        let dialect = engine.dialect();
        let mut queries = sql::stats_queries(dialect);
        queries.push(sql::positions_query());
        let (projected, _) = engine
            .query(path, mapping, &[], Some(&kept), queries)
            .map_err(failed)?;
        stats = sql::assemble::stats(&projected, roles.timestamp.is_some()).map_err(core)?;
        projected
    } else {
        answers
    };
    let dfg = sql::assemble::dfg(&answers).map_err(core)?;
    let positions = sql::assemble::positions(&answers).map_err(core)?;
    let parts = Parts {
        activities: &stats.activities,
        starts: &stats.start_activities,
        ends: &stats.end_activities,
        dfg: &dfg,
        positions: &positions,
    };
    let share = if args.shares_given {
        args.map.path_share
    } else {
        MapOptions::default().path_share
    };
    Ok(assemble(&all, &parts, share))
}
