//! `spur map LOG -o map.svg`: the process map of an event log as an SVG file, the same drawing
//! the browser shows (model, layout and SVG all come from `spur_core::map`).
//!
//! Without `-o` the SVG goes to stdout; with `-o` stdout gets a one-line summary. `--json` prints
//! `{"map": ProcessMap, "layout": Layout}` instead (and still writes `-o` when given).
//!
//! Without `--activities`/`--paths` the map opens readable (`spur_core::map::readable`): every
//! activity and the most frequent paths up to about two per node; stderr then says how many
//! paths are hidden, and the JSON carries the choice under `readable`.

use anyhow::Context;
use spur_core::map::{
    layout_map, process_map, readable_map, render_svg, Layout, LayoutOptions, MapOptions, MapView,
    ProcessMap, Readable, SvgOptions,
};
use std::process::ExitCode;

const HELP: &str = "usage: spur map LOG [-o OUT.svg] [--activities SHARE] [--paths SHARE]
                [--view frequency|mean|median|total] [--json]
                [--case C] [--activity A] [--timestamp T] [--resource R] [--delimiter D]
  LOG: a CSV/TSV, XES, XES.gz, Parquet or Arrow IPC event log.
  Without --activities and --paths the map is readable: every activity, and the most frequent
  paths up to two per node (stderr says how many are hidden); --paths 1 shows every path.
  --activities: keep the most frequent activities covering this share of events (0..1).
  --paths: keep the most frequent paths covering this share of transitions (0..1);
           every activity keeps its strongest incoming and outgoing path.
  --view: what the paths show (default frequency). --json prints the map and its layout.";

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
}

fn share(name: &str, v: Option<&String>) -> Result<f64, String> {
    let v = v.ok_or(format!("{name} needs a value between 0 and 1"))?;
    match v.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{name} takes a share between 0 and 1, got `{v}`")),
    }
}

fn parse_args(rest: &[String]) -> Result<Args, String> {
    let mut args = Args {
        path: String::new(),
        out: None,
        map: MapOptions::default(),
        shares_given: false,
        view: MapView::Frequency,
        json: false,
    };
    let mut files = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => args.json = true,
            "-o" | "--out" => args.out = Some(it.next().ok_or("-o needs a file name")?.clone()),
            "--activities" => {
                args.map.activity_share = share(a, it.next())?;
                args.shares_given = true;
            }
            "--paths" => {
                args.map.path_share = share(a, it.next())?;
                args.shares_given = true;
            }
            "--view" => {
                let v = it
                    .next()
                    .ok_or("--view needs frequency|mean|median|total")?;
                args.view = MapView::parse(v).ok_or(format!(
                    "--view takes frequency, mean, median or total, got `{v}`"
                ))?;
            }
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option `{s}`")),
            s => files.push(s.to_string()),
        }
    }
    match files.as_slice() {
        [p] => args.path = p.clone(),
        _ => return Err(format!("map takes exactly one LOG (got {})", files.len())),
    }
    Ok(args)
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let (options, rest) = crate::convert::parse_options(args)?;
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = match parse_args(&rest) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("spur map: {e}\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
    };
    let bytes = std::fs::read(&args.path).with_context(|| format!("reading {}", args.path))?;
    let read = match crate::convert::read_log(&args.path, &bytes, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("spur map: {}: {e}", args.path);
            return Ok(ExitCode::from(1));
        }
    };
    for note in &read.notes {
        eprintln!("{}: {note}", args.path);
    }
    let (map, readable) = if args.shares_given {
        (process_map(&read.log, &args.map), None)
    } else {
        let (map, r) = readable_map(&read.log);
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
    Ok(ExitCode::SUCCESS)
}
