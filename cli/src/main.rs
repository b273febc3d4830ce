//! `spur`: the command-line shell. Reads files, calls spur-core, prints. The command tree is
//! declared with clap (derive): [`Cli`] and [`Command`] here, each subcommand's flags in its
//! module. Subcommands return an [`exit::Outcome`]; only `main` prints a failure and chooses
//! the exit code (the table is in [`exit`]): 0 success, 1 the input was refused, 2 usage or
//! I/O trouble (clap's own usage errors exit 2 too).

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod args;
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
mod exit;
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

/// Spur on the command line: the same analyses and recipes as the browser, on files.
#[derive(Parser, Debug)]
#[command(
    name = "spur",
    version,
    arg_required_else_help = true,
    args_override_self = true,
    after_help = "Exit codes: 0 success, 1 the input was refused, 2 usage or I/O trouble."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Every subcommand; each one's flags are declared in its module.
#[derive(Subcommand, Debug)]
enum Command {
    /// Process statistics of a CSV/XES/XES.gz/Parquet/Arrow log (pm4py semantics).
    Stats(stats::StatsArgs),
    /// Lead prioritisation: held-out evaluation, model artifact, ranked scores.
    #[command(subcommand)]
    Leads(leads::LeadsCommand),
    /// Checkout recommendations: synthetic shop, next-item evaluation against baselines, model
    /// artifact, recommendations for a session.
    #[command(subcommand)]
    Reco(reco::RecoCommand),
    /// Benchmarks: k-means (comparable with scikit-learn), lead scoring, stream operators.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Two groups of cases: attributes ranked by effect size, DFG difference.
    Compare(compare::CompareArgs),
    /// Convert an event log between .csv .tsv .xes .xes.gz .parquet .arrow.
    Convert(convert::ConvertArgs),
    /// The process map (layered directly-follows graph) as SVG.
    Map(map::MapArgs),
    /// Object-centric logs (OCEL 2.0 JSON/XML/SQLite, OCEL 1.0): counts and flattened
    /// statistics (pm4py), flatten on a type, OC-DFG, generator.
    #[command(subcommand)]
    Ocel(ocel::OcelCommand),
    /// Time import and statistics step by step (JSON, as the pm4py peer).
    BenchLog(bench_log::BenchLogArgs),
    /// Time every toolkit operation (filters, before/after, compare, roles, map, laundry merge)
    /// on LOG; JSON milliseconds.
    BenchToolkit(bench_toolkit::BenchToolkitArgs),
    /// Merge source files into one log by entity and time.
    Merge(merge::MergeArgs),
    /// Write demo sources (planted causes) and their truth.
    #[command(subcommand)]
    Simulate(simulate::SimulateCommand),
    /// Keep the cases/events the filters select (has:A df:A->B time:… …), print each step's
    /// counts, write OUT.
    Filter(filter::FilterArgs),
    /// What precedes every ACTIVITY, in the case or on the entity.
    Before(before_after::BeforeAfterArgs),
    /// What follows every ACTIVITY, in the case or on the entity.
    After(before_after::BeforeAfterArgs),
    /// Activity x resource/role matrix, handover of work, per-role timing.
    Roles(roles::RolesArgs),
    /// Inductive miner (pm4py IM/IMf/IMd): process tree and workflow net.
    Discover(discover::DiscoverArgs),
    /// Token replay fitness + precision, alignments, deviations, case fitness.
    Conformance(conformance::ConformanceArgs),
    /// Event-time windows over a file read as a stream (watermarks, lateness, exactly-once by
    /// id); one line per emitted window, late event, conflict.
    Stream(stream::StreamArgs),
    /// Replay a recipe (import mapping, filters, views) on LOG, as the browser.
    Run(run::RunArgs),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout (exit 0); usage errors to stderr with clap's code 2,
            // the same as `exit::USAGE`.
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                // `spur` alone: the help, on stderr, as a usage error.
                let _ = e.print();
                return ExitCode::from(exit::USAGE);
            }
            // `spur: …` as every other error says it, instead of clap's `error: …`.
            let text = e.render().to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            return exit::Failure::usage(text.trim_end()).report();
        }
    };
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
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

/// Run one subcommand.
fn dispatch(command: Command) -> exit::Outcome {
    match command {
        Command::Stats(a) => stats::run(a),
        Command::Leads(c) => leads::run(c),
        Command::Reco(c) => reco::run(c),
        Command::Bench(c) => bench::run(c),
        Command::Compare(a) => compare::run(a),
        Command::Convert(a) => convert::run(a),
        Command::Map(a) => map::run(a),
        Command::Ocel(c) => ocel::run(c),
        Command::BenchLog(a) => bench_log::run(a),
        Command::BenchToolkit(a) => bench_toolkit::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Simulate(c) => simulate::run(c),
        Command::Filter(a) => filter::run(a),
        Command::Before(a) => before_after::run(true, a),
        Command::After(a) => before_after::run(false, a),
        Command::Roles(a) => roles::run(a),
        Command::Discover(a) => discover::run(a),
        Command::Conformance(a) => conformance::run(a),
        Command::Stream(a) => stream::run(a),
        Command::Run(a) => run::run(a),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// clap's own consistency checks of the whole tree (duplicate flags, bad defaults, …).
    #[test]
    fn the_command_tree_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
