//! `spur conformance LOG MODEL.pnml|MODEL.bpmn [--method tbr|alignments|both] [--json]`: how well
//! the log fits a Petri net (a BPMN diagram is converted as pm4py converts it) with spur-core's
//! `conformance` (pm4py semantics): token-based replay fitness and ETConformance precision,
//! optimal alignments, deviations per activity and path, fitness per case; the model and the
//! map drawn with the deviations marked (`-o`, `--map`).

use crate::convert::parse_options;
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
use std::process::ExitCode;

const HELP: &str = "usage: spur conformance LOG MODEL.pnml|MODEL.bpmn [--method tbr|alignments|both] [--budget STATES] [--json]
                        [-o MODEL.svg] [--map MAP.svg]
  token-based replay (fitness, ETConformance precision) and/or optimal alignments (pm4py's
  standard costs; --budget: search states per trace, default 1000000, exhaustion is reported).
  A .bpmn model becomes a Petri net as pm4py's convert_to_petri_net makes it.
  deviations: per activity, log moves and model moves (from alignments; with --method tbr, the
  events replay had to force). edge_deviations: the same per directly-follows edge of the log
  (from/to null: the case's start/end; a log move counts on the edge entering it). cases:
  fitness per case (alignments when computed, else tbr).
  -o MODEL.svg: the model as given (BPMN diagram or Petri net), deviating tasks marked with
  their skips and out-of-place events. --map MAP.svg: the process map (all paths), deviating
  paths and activities in red.
  --timing: milliseconds of each computation on stderr.
  --case C --activity A --timestamp T   column roles of the log";

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = parse_options(args)?;
    let (mut method, mut json, mut budget, mut files) =
        (Method::Both, false, DEFAULT_ALIGNMENT_BUDGET, Vec::new());
    let mut timing = false;
    let (mut model_svg, mut map_svg) = (None::<String>, None::<String>);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--timing" => timing = true,
            "--method" | "--budget" | "-o" | "--map" => {
                let Some(v) = it.next() else {
                    eprintln!("spur: {a} needs a value\n\n{HELP}");
                    return Ok(ExitCode::from(2));
                };
                if a == "-o" {
                    model_svg = Some(v.clone());
                } else if a == "--map" {
                    map_svg = Some(v.clone());
                } else if a == "--method" {
                    let Some(m) = Method::parse(v) else {
                        eprintln!("spur: --method is tbr, alignments or both, got `{v}`\n\n{HELP}");
                        return Ok(ExitCode::from(2));
                    };
                    method = m;
                } else if let Ok(n) = v.parse() {
                    budget = n;
                } else {
                    eprintln!("spur: --budget takes a number, got `{v}`\n\n{HELP}");
                    return Ok(ExitCode::from(2));
                }
            }
            s if s.starts_with("--") => {
                eprintln!("spur: unknown option `{s}`\n\n{HELP}");
                return Ok(ExitCode::from(2));
            }
            s => files.push(s.to_string()),
        }
    }
    let [path, model] = files.as_slice() else {
        eprintln!(
            "spur: conformance takes LOG and MODEL.pnml or MODEL.bpmn (got {} files)\n\n{HELP}",
            files.len()
        );
        return Ok(ExitCode::from(2));
    };
    let log = match crate::convert::open_log(path, &options)? {
        Ok(log) => log,
        Err(code) => return Ok(code),
    };
    let model_bytes = std::fs::read(model).with_context(|| format!("cannot read {model}"))?;
    let Ok(text) = String::from_utf8(model_bytes) else {
        eprintln!("spur: {model}: not UTF-8 text");
        return Ok(ExitCode::from(1));
    };
    let model_file = match read_model(model, &text) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("spur: {model}: {e}");
            return Ok(ExitCode::from(1));
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
    Ok(ExitCode::SUCCESS)
}
