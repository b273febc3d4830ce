//! `spur discover LOG [--noise X | --variant imd] [-o MODEL.pnml|MODEL.bpmn|MODEL.ptree|MODEL.svg] [--json]`:
//! the inductive miner (pm4py's IM, IMf with a noise threshold, or IMd from the DFG alone) and its workflow net or BPMN
//! diagram (spur-core's `discovery`).

use crate::args::ImportArgs;
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::discovery::{
    discover_tree, discover_tree_imd, render_bpmn_svg, tree_to_bpmn, tree_to_net, write_bpmn,
    write_pnml, DiscoveryReport, InductiveOptions,
};

/// `spur discover LOG`: the inductive miner's process tree and workflow net.
#[derive(clap::Args, Debug)]
#[command(
    long_about = "Discover a process tree with the inductive miner (pm4py 2.7 semantics: IM, or IMf when \
--noise X > 0, e.g. 0.2; --variant imd: IMd, from the directly-follows graph alone, for logs too \
large to keep) and convert it to a workflow net as pm4py does."
)]
pub struct DiscoverArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// IMf's noise threshold, in [0, 1) (0: plain IM).
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    pub noise: f64,
    /// im, imf or imd (IMd: from the directly-follows graph alone).
    #[arg(long, value_parser = ["im", "imf", "imd"])]
    pub variant: Option<String>,
    /// Write MODEL.pnml (the net), MODEL.bpmn (BPMN 2.0), MODEL.ptree (the tree, pm4py's
    /// syntax) or MODEL.svg (the BPMN diagram drawn).
    #[arg(short = 'o', value_name = "MODEL")]
    pub out: Option<String>,
    /// Print {tree, places, transitions, visible_transitions, arcs}.
    #[arg(long)]
    pub json: bool,
    /// Milliseconds of mining and conversion on stderr.
    #[arg(long)]
    pub timing: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(args: DiscoverArgs) -> Outcome {
    let options = args.import.options()?;
    let (noise, out, json, timing, variant) =
        (args.noise, args.out, args.json, args.timing, args.variant);
    if !(0.0..1.0).contains(&noise) {
        usage!("--noise takes a number in [0, 1), got `{noise}`");
    }
    let path = &args.path;
    let log = crate::convert::open_log(path, &options)?;
    let clock = std::time::Instant::now();
    let tree = if variant.as_deref() == Some("imd") {
        if noise > 0.0 {
            return Err(Failure::usage("--noise is for IMf, not --variant imd"));
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
            return Err(Failure::usage(format!(
                "-o takes a .pnml, .bpmn, .ptree or .svg file, got `{o}`"
            )));
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
    Ok(())
}
