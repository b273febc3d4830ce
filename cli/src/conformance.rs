//! `spur conformance LOG MODEL.pnml|MODEL.bpmn [--method tbr|alignments|both] [--json]`: how well
//! the log fits a Petri net (a BPMN diagram is converted as pm4py converts it) with spur-core's
//! `conformance` (pm4py semantics): token-based replay fitness and ETConformance precision,
//! optimal alignments, deviations per activity and path, fitness per case; the model and the
//! map drawn with the deviations marked (`-o`, `--map`).

use crate::args::ImportArgs;
use crate::exit::{Failure, Outcome};
use crate::meter::Meter;
use anyhow::Context;
use spur_core::conformance::{
    etc_precision, token_replay_fitness, AlignmentRun, ConformanceReport, Method,
    DEFAULT_ALIGNMENT_BUDGET,
};
use spur_core::discovery::{read_model, ModelMarks};
use spur_core::map::{
    layout_map, process_map, render_svg_marked, LayoutOptions, MapMarks, MapOptions, SvgOptions,
};

/// `spur conformance LOG MODEL`: token replay and alignments of a log on a model.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "deviations: per activity, log moves and model moves (from alignments; with --method tbr, the
events replay had to force). edge_deviations: the same per directly-follows edge of the log
(from/to null: the case's start/end; a log move counts on the edge entering it). cases:
fitness per case (alignments when computed, else tbr). A .bpmn model becomes a Petri net as
pm4py's convert_to_petri_net makes it."
)]
pub struct ConformanceArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// The model: MODEL.pnml or MODEL.bpmn.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// tbr (token replay fitness, ETConformance precision), alignments, or both.
    #[arg(long, default_value = "both", value_parser = ["tbr", "alignments", "both"])]
    pub method: String,
    /// Search states per trace for alignments (pm4py's standard costs); exhaustion is reported.
    #[arg(long, value_name = "STATES", default_value_t = DEFAULT_ALIGNMENT_BUDGET)]
    pub budget: usize,
    /// Write the model as given (BPMN diagram or Petri net), deviating tasks marked.
    #[arg(short = 'o', value_name = "MODEL.svg")]
    pub model_svg: Option<String>,
    /// Write the process map (all paths), deviating paths and activities in red.
    #[arg(long = "map", value_name = "MAP.svg")]
    pub map_svg: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Milliseconds of each computation on stderr.
    #[arg(long)]
    pub timing: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(args: ConformanceArgs) -> Outcome {
    let options = args.import.options()?;
    let method = Method::parse(&args.method).unwrap_or(Method::Both);
    let (json, budget, timing) = (args.json, args.budget, args.timing);
    let (model_svg, map_svg) = (args.model_svg, args.map_svg);
    let (path, model) = (&args.path, &args.model);
    let log = crate::convert::open_log(path, &options)?;
    let model_bytes = std::fs::read(model).with_context(|| format!("cannot read {model}"))?;
    let Ok(text) = String::from_utf8(model_bytes) else {
        return Err(Failure::refused(format!("{model}: not UTF-8 text")));
    };
    let model_file = match read_model(model, &text) {
        Ok(m) => m,
        Err(e) => {
            return Err(Failure::refused(format!("{model}: {e}")));
        }
    };
    let net = &model_file.net;
    let clock = std::time::Instant::now();
    let lap = |what: &str, from: std::time::Instant| {
        if timing {
            eprintln!(
                "spur: conformance: {what} {:.1} ms",
                from.elapsed().as_secs_f64() * 1e3
            );
        }
    };
    let mut tbr = None;
    if method != Method::Alignments {
        let f = token_replay_fitness(&log, net);
        lap("token replay fitness", clock);
        let clock = std::time::Instant::now();
        let precision = etc_precision(&log, net);
        lap("precision", clock);
        tbr = Some((f, precision));
    }
    let mut alignments = None;
    if method != Method::Tbr {
        let clock = std::time::Instant::now();
        let mut run = AlignmentRun::new(&log, net, budget);
        let mut meter = Meter::new();
        while !run.step(16) {
            meter.show("aligning variants", run.done() as u64, run.total() as u64);
        }
        meter.done();
        alignments = Some(run.finish());
        lap("alignments", clock);
    }
    let out = ConformanceReport::from_parts(&log, tbr, alignments);
    let rows = || {
        out.deviations
            .iter()
            .map(|d| (d.activity.as_str(), d.log_moves, d.model_moves))
    };
    if let Some(path) = &model_svg {
        let svg = model_file.render_svg(&ModelMarks::new(rows()));
        std::fs::write(path, svg).with_context(|| format!("cannot write {path}"))?;
    }
    if let Some(path) = &map_svg {
        let map = process_map(&log, &MapOptions::default());
        let layout = layout_map(&map, &LayoutOptions::default());
        let marks = MapMarks::new(&out.edge_deviations, rows());
        let svg = render_svg_marked(&map, &layout, &SvgOptions::default(), &marks);
        std::fs::write(path, svg).with_context(|| format!("cannot write {path}"))?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        if let Some(t) = &out.tbr {
            println!(
                "token replay: log fitness {:.4}, average trace fitness {:.4}, {:.1}% of traces fit, precision {:.4}",
                t.log_fitness, t.average_trace_fitness, t.percentage_of_fitting_traces, t.precision
            );
        }
        if let Some(a) = &out.alignments {
            println!(
                "alignments:   log fitness {:.4}, average trace fitness {:.4}, {:.1}% of traces fit{}",
                a.log_fitness,
                a.average_trace_fitness,
                a.percentage_of_fitting_traces,
                if a.exhausted > 0 { format!(", {} traces exhausted the budget", a.exhausted) } else { String::new() }
            );
        }
        for d in out.deviations.iter().take(10) {
            println!(
                "  {:<40} log moves {:>6}  model moves {:>6}",
                d.activity, d.log_moves, d.model_moves
            );
        }
    }
    Ok(())
}
