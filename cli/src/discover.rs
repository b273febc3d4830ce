//! `spur discover LOG [--noise X | --variant imd] [-o MODEL.pnml|MODEL.bpmn|MODEL.ptree|MODEL.svg] [--json]`:
//! the inductive miner (pm4py's IM, IMf with a noise threshold, or IMd from the DFG alone) and its workflow net or BPMN
//! diagram (spur-core's `discovery`).

use crate::convert::parse_options;
use anyhow::Context;
use spur_core::discovery::{
    discover_tree, discover_tree_imd, render_bpmn_svg, tree_to_bpmn, tree_to_net, write_bpmn,
    write_pnml, DiscoveryReport, InductiveOptions,
};
use std::process::ExitCode;

const HELP: &str =
    "usage: spur discover LOG [--noise X] [-o MODEL.pnml|MODEL.bpmn|MODEL.ptree|MODEL.svg] [--json]
  discover a process tree with the inductive miner (pm4py 2.7 semantics: IM, or IMf when
  --noise X > 0, e.g. 0.2; --variant imd: IMd, from the directly-follows graph alone, for logs
  too large to keep) and convert it to a workflow net as pm4py does.
  -o MODEL.pnml writes the net (pm4py/ProM PNML), -o MODEL.bpmn the BPMN 2.0 diagram pm4py's
  convert_to_bpmn makes, laid out for bpmn.io/Camunda Modeler, -o MODEL.ptree the tree in
  pm4py's syntax, -o MODEL.svg that BPMN diagram drawn (the browser's Model card picture).
  --json prints {tree, places, transitions, visible_transitions, arcs}. --timing: milliseconds
  of mining and conversion on stderr.
  --case C --activity A --timestamp T   column roles of the log";

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = parse_options(args)?;
    let (mut noise, mut out, mut json, mut files) = (0.0f64, None::<String>, false, Vec::new());
    let (mut timing, mut variant) = (false, None::<String>);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--timing" => timing = true,
            "--variant" => match it.next().map(String::as_str) {
                Some(v @ ("im" | "imf" | "imd")) => variant = Some(v.to_string()),
                other => {
                    eprintln!(
                        "spur: --variant is im, imf or imd, got `{}`\n\n{HELP}",
                        other.unwrap_or("")
                    );
                    return Ok(ExitCode::from(2));
                }
            },
            "--noise" | "-o" => {
                let Some(v) = it.next() else {
                    eprintln!("spur: {a} needs a value\n\n{HELP}");
                    return Ok(ExitCode::from(2));
                };
                if a == "-o" {
                    out = Some(v.clone());
                } else {
                    match v.parse::<f64>() {
                        Ok(x) if (0.0..1.0).contains(&x) => noise = x,
                        _ => {
                            eprintln!(
                                "spur: --noise takes a number in [0, 1), got `{v}`\n\n{HELP}"
                            );
                            return Ok(ExitCode::from(2));
                        }
                    }
                }
            }
            s if s.starts_with("--") => {
                eprintln!("spur: unknown option `{s}`\n\n{HELP}");
                return Ok(ExitCode::from(2));
            }
            s => files.push(s.to_string()),
        }
    }
    let [path] = files.as_slice() else {
        eprintln!(
            "spur: discover takes exactly one LOG (got {})\n\n{HELP}",
            files.len()
        );
        return Ok(ExitCode::from(2));
    };
    let log = match crate::convert::open_log(path, &options)? {
        Ok(log) => log,
        Err(code) => return Ok(code),
    };
    let clock = std::time::Instant::now();
    let tree = if variant.as_deref() == Some("imd") {
        if noise > 0.0 {
            eprintln!("spur: --noise is for IMf, not --variant imd\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
        discover_tree_imd(&log)
    } else {
        discover_tree(&log, InductiveOptions { noise })
    };
    let mined = clock.elapsed();
    let net = tree_to_net(&tree);
    if timing {
        eprintln!(
            "spur: discover: inductive miner {:.1} ms, tree to net {:.1} ms",
            mined.as_secs_f64() * 1e3,
            (clock.elapsed() - mined).as_secs_f64() * 1e3
        );
    }
    if let Some(o) = &out {
        let text = if o.ends_with(".ptree") {
            format!("{tree}\n")
        } else if o.ends_with(".pnml") {
            write_pnml(&net)
        } else if o.ends_with(".bpmn") {
            write_bpmn(&tree_to_bpmn(&tree))
        } else if o.ends_with(".svg") {
            render_bpmn_svg(&tree_to_bpmn(&tree))
        } else {
            eprintln!("spur: -o takes a .pnml, .bpmn, .ptree or .svg file, got `{o}`\n\n{HELP}");
            return Ok(ExitCode::from(2));
        };
        std::fs::write(o, text).with_context(|| format!("cannot write {o}"))?;
    }
    let size = net.size();
    if json {
        // The struct the recipe step `discover` outputs (core's `discovery_report`).
        let out = DiscoveryReport {
            tree: tree.to_string(),
            places: size.places,
            transitions: size.transitions,
            visible_transitions: size.visible_transitions,
            arcs: size.arcs,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{tree}");
        println!(
            "net: {} places, {} transitions ({} visible), {} arcs",
            size.places, size.transitions, size.visible_transitions, size.arcs
        );
    }
    Ok(ExitCode::SUCCESS)
}
