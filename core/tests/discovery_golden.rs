//! Golden test: Spur's inductive miner, nets and conformance equal pm4py 2.7's on the real logs.
//!
//! For every `golden/discovery/<log>.discovery.json`: the IM tree (up to the order of the
//! children of ×, ∧, ∨), the sizes of the IM and IMf nets Spur builds, and, on pm4py's own nets
//! (`<log>.im.pnml`, `<log>.imf.pnml`, read with Spur's PNML reader), token-based replay fitness
//! and precision and alignment fitness (floats to 1e-9). Missing data skips loudly, or fails
//! under `CI` (see `support`).

mod support;
use serde_json::Value;
use spur_core::discovery::{
    discover_tree, read_pnml, tree_to_net, InductiveOptions, NetSize, PnmlLimits, ProcessTree,
};
use spur_core::import::{import_bytes, ImportOptions};
use spur_core::log::EventLog;
use std::path::{Path, PathBuf};
use support::shared_data;

struct Case {
    name: String,
    want: Value,
    log: EventLog,
    dir: PathBuf,
}

fn cases() -> Vec<Case> {
    let Some(dir) = shared_data("discovery golden") else {
        return Vec::new();
    };
    let gdir = dir.join("golden").join("discovery");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&gdir)
        .expect("golden/discovery readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".discovery.json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no discovery golden files in {}",
        gdir.display()
    );
    let only = std::env::var("SPUR_GOLDEN_ONLY").ok();
    files
        .into_iter()
        .filter_map(|f| {
            let want: Value =
                serde_json::from_slice(&std::fs::read(&f).expect("readable")).expect("JSON");
            let name = want["log"].as_str().expect("log name").to_string();
            if only.as_deref().is_some_and(|o| !name.contains(o)) {
                return None;
            }
            let bytes =
                std::fs::read(dir.join("eventlogs").join(&name)).expect("event log readable");
            let (log, _) = import_bytes(&name, &bytes, &ImportOptions::default()).expect("imports");
            Some(Case {
                name,
                want,
                log,
                dir: gdir.clone(),
            })
        })
        .collect()
}

fn size_of(v: &Value) -> NetSize {
    let n = |k: &str| v[k].as_u64().expect("size") as usize;
    NetSize {
        places: n("places"),
        transitions: n("transitions"),
        visible_transitions: n("visible_transitions"),
        arcs: n("arcs"),
    }
}

pub fn golden_net(dir: &Path, log: &str, which: &str) -> spur_core::discovery::PetriNet {
    let text =
        std::fs::read_to_string(dir.join(format!("{log}.{which}.pnml"))).expect("pnml readable");
    read_pnml(&text, &PnmlLimits::default()).expect("golden PNML reads")
}

#[test]
fn im_tree_and_net_sizes_equal_pm4py() {
    let mut failures = Vec::new();
    for c in cases() {
        let tree = discover_tree(&c.log, InductiveOptions::default());
        let want = ProcessTree::parse(c.want["im_tree"].as_str().expect("im_tree"))
            .expect("golden tree parses");
        if tree.canonical() != want.canonical() {
            failures.push(format!(
                "{}: IM tree differs\n  got  {}\n  want {}",
                c.name,
                tree.canonical(),
                want.canonical()
            ));
        }
        for (which, noise) in [("im", 0.0), ("imf", 0.2)] {
            let t = discover_tree(&c.log, InductiveOptions { noise });
            let got = tree_to_net(&t).size();
            let want = size_of(&c.want[which]);
            if got != want {
                failures.push(format!(
                    "{}: {which} net size got {got:?}, want {want:?} (tree {t})",
                    c.name
                ));
            }
            let golden = golden_net(&c.dir, &c.name, which).size();
            if golden != want {
                failures.push(format!(
                    "{}: {which}.pnml read back as {golden:?}, want {want:?}",
                    c.name
                ));
            }
        }
        eprintln!("{}: checked", c.name);
    }
    assert!(
        failures.is_empty(),
        "discovery golden mismatches:\n{}",
        failures.join("\n")
    );
}

fn check(failures: &mut Vec<String>, what: &str, got: f64, want: Option<f64>) {
    match want {
        Some(w) if (got - w).abs() <= 1e-9 => {}
        Some(w) => failures.push(format!("{what}: got {got}, want {w}")),
        None => failures.push(format!("{what}: missing in the golden file")),
    }
}

#[test]
fn token_replay_fitness_and_precision_equal_pm4py() {
    let mut failures = Vec::new();
    for c in cases() {
        for which in ["im", "imf"] {
            let net = golden_net(&c.dir, &c.name, which);
            let want = &c.want[which];
            let f = spur_core::conformance::token_replay_fitness(&c.log, &net);
            let tbr = &want["tbr_fitness"];
            let tag = format!("{} {which}", c.name);
            check(
                &mut failures,
                &format!("{tag} tbr log_fitness"),
                f.log_fitness,
                tbr["log_fitness"].as_f64(),
            );
            check(
                &mut failures,
                &format!("{tag} tbr average_trace_fitness"),
                f.average_trace_fitness,
                tbr["average_trace_fitness"].as_f64(),
            );
            check(
                &mut failures,
                &format!("{tag} tbr percentage_of_fitting_traces"),
                f.percentage_of_fitting_traces,
                tbr["percentage_of_fitting_traces"].as_f64(),
            );
            let p = spur_core::conformance::etc_precision(&c.log, &net);
            check(
                &mut failures,
                &format!("{tag} tbr_precision"),
                p,
                want["tbr_precision"].as_f64(),
            );
        }
        eprintln!("{}: checked", c.name);
    }
    assert!(
        failures.is_empty(),
        "conformance golden mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn alignment_fitness_equals_pm4py() {
    let mut failures = Vec::new();
    for c in cases() {
        for which in ["im", "imf"] {
            let Some(want) = c.want[which].get("alignment_fitness") else {
                continue;
            };
            let net = golden_net(&c.dir, &c.name, which);
            let a = spur_core::conformance::alignment_fitness(
                &c.log,
                &net,
                spur_core::conformance::DEFAULT_ALIGNMENT_BUDGET,
            );
            let tag = format!("{} {which} alignments", c.name);
            if a.exhausted > 0 {
                failures.push(format!(
                    "{tag}: {} traces exhausted the budget",
                    a.exhausted
                ));
            }
            check(
                &mut failures,
                &format!("{tag} log_fitness"),
                a.log_fitness,
                want["log_fitness"].as_f64(),
            );
            check(
                &mut failures,
                &format!("{tag} average_trace_fitness"),
                a.average_trace_fitness,
                want["average_trace_fitness"].as_f64(),
            );
            check(
                &mut failures,
                &format!("{tag} percentage_of_fitting_traces"),
                a.percentage_of_fitting_traces,
                want["percentage_of_fitting_traces"].as_f64(),
            );
        }
        eprintln!("{}: checked", c.name);
    }
    assert!(
        failures.is_empty(),
        "alignment golden mismatches:\n{}",
        failures.join("\n")
    );
}
