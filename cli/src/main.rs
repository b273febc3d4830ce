//! `spur`: the command-line shell. Reads files, calls spur-core, prints; exit codes are chosen
//! in one place (`main`): 0 success, 1 the input was refused, 2 usage or I/O trouble.

use std::process::ExitCode;

mod before_after;
mod bench;
mod bench_log;
mod bench_stream;
mod bench_toolkit;
mod compare;
mod conformance;
mod convert;
mod discover;
mod engine;
mod filter;
mod leads;
mod map;
mod merge;
mod meter;
mod ocel;
mod reco;
mod roles;
mod run;
mod simulate;
mod stats;
mod stream;

const USAGE: &str = "usage: spur <command> [args]

commands:
  stats LOG [--json] [--case C --activity A --timestamp T]
                        process statistics of a CSV/XES/XES.gz/Parquet/Arrow log (pm4py semantics)
  leads evaluate|train|score|generate|activities …
                        lead prioritisation: held-out evaluation, model artifact, ranked scores
  reco generate|evaluate|train|recommend …
                        checkout recommendations: synthetic shop, next-item evaluation against
                        baselines, model artifact, recommendations for a session
  bench kmeans [--rows N --dims D --k K --iters I] [--data CSV | --write-csv CSV]
                        k-means timing, comparable with scikit-learn
  bench stream [--events N --keys K]
                        stream operator throughput per window/aggregate, memory per open
                        window, per-event vs micro-batch latency (Markdown tables)
  compare LOG --a FILTER... [--b FILTER... | --rest] [--json]
                        two groups of cases: attributes ranked by effect size, DFG difference
  convert IN OUT        convert an event log between .csv .tsv .xes .xes.gz .parquet .arrow
  map LOG [-o OUT.svg] [--activities S] [--paths S] [--view frequency|mean|median|total] [--json]
                        the process map (layered directly-follows graph) as SVG
  ocel stats|flatten|ocdfg|objects|generate …
                        object-centric logs (OCEL 2.0 JSON/XML/SQLite, OCEL 1.0): counts and
                        flattened statistics (pm4py), flatten on a type, OC-DFG, generator
  bench-log LOG [--repeats N]
                        time import and statistics step by step (JSON, as the pm4py peer)
  bench-toolkit LOG [--repeats N]
                        time every toolkit operation (filters, before/after, compare, roles,
                        map, laundry merge) on LOG; JSON milliseconds
  merge --entity ATTR [--closes ACT]... PRIMARY [SECONDARY...] -o OUT [--json]
                        merge source files into one log by entity and time
  simulate laundry [-o DIR] [--seed N] [--bookings N] [--json]
                        write the laundry demo sources (planted reset causes) and their truth
  filter LOG FILTER… [-o OUT] [--json] [--timing]
                        keep the cases/events the filters select (has:A df:A->B time:… …,
                        see `spur filter --forms`), print each step's counts, write OUT
  before|after LOG ACTIVITY [--where A=V] [--entity ATTR [--other-cases]] [--same-as F]
              [--by F|@previous|@next] [--describe F] [--preceded-by ACT --within DUR] [--json]
                        what precedes / follows every ACTIVITY, in the case or on the entity
  roles LOG [--role F] [--json]
                        activity x resource/role matrix, handover of work, per-role timing
  discover LOG [--noise X | --variant imd] [-o MODEL.pnml|MODEL.bpmn|MODEL.ptree] [--json]
                        inductive miner (pm4py IM/IMf) → process tree and workflow net
  conformance LOG MODEL.pnml|MODEL.bpmn [--method tbr|alignments|both] [--json]
                        token replay fitness + precision, alignments, deviations, case fitness
  stream LOG --key COL --time COL [--id COL] --window tumbling:10m|sliding:10m/1m|session:30m
         [--agg count,sum:COL,…,topk:COL:5,dfg] [--out-of-order 30s] [--lateness 5m]
         [--mode event|micro-batch:1s] [--checkpoint FILE --every N] [--json]
                        event-time windows over a file read as a stream (watermarks, lateness,
                        exactly-once by id); one line per emitted window, late event, conflict
  run RECIPE.json LOG [--json]
                        replay a recipe (import mapping, filters, views) on LOG, as the browser
  help                  this text";

fn main() -> ExitCode {
    restore_sigpipe();
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("spur: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so a `println!` into a closed pipe (`spur … --json | head`) panics.
/// A command-line tool should stop quietly there instead, as `cat` and `grep` do: restore the
/// default action, which ends the process when the reader has gone.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; `signal` with `SIG_DFL`
    // only resets the disposition of SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(args: Vec<String>) -> anyhow::Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    match command.as_str() {
        "stats" => stats::run(rest),
        "stream" => stream::run(rest),
        "convert" => convert::run(rest),
        "compare" => compare::run(rest),
        "bench-log" => bench_log::run(rest),
        "bench-toolkit" => bench_toolkit::run(rest),
        "bench" => bench::run(rest),
        "leads" => leads::run(rest),
        "merge" => merge::run(rest),
        "ocel" => ocel::run(rest),
        "reco" => reco::run(rest),
        "simulate" => simulate::run(rest),
        "filter" => filter::run(rest),
        "before" | "after" => before_after::run(command, rest),
        "roles" => roles::run(rest),
        "map" => map::run(rest),
        "discover" => discover::run(rest),
        "conformance" => conformance::run(rest),
        "run" => run::run(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => {
            eprintln!("spur: unknown command `{other}`\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}
