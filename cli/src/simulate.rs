//! `spur simulate laundry`: write the laundry scenario's three CSV sources into a directory and
//! print what was planted (see `spur_core::sim::laundry`). Demo data for `spur merge` and the
//! analyses that follow it.

use crate::exit::Outcome;
use anyhow::Context;
use spur_core::sim::laundry::{generate, LaundryConfig, LaundryTruth};
use std::fmt::Write as _;
use std::path::PathBuf;

/// `spur simulate SCENARIO`: demo data with planted causes.
#[derive(clap::Subcommand, Debug)]
pub enum SimulateCommand {
    /// Write DIR/states.csv, DIR/commands.csv and DIR/errors.csv and print the planted truth.
    #[command(after_help = "Merge them with:
  spur merge --entity machine --closes 'logged out' DIR/states.csv:case=booking,activity=state \\
    DIR/commands.csv:activity=command DIR/errors.csv:activity=error -o merged.csv")]
    Laundry(LaundryArgs),
}

/// `spur simulate laundry`'s flags.
#[derive(clap::Args, Debug)]
pub struct LaundryArgs {
    /// The directory to write into.
    #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Random seed.
    #[arg(long, value_name = "N", value_parser = |v: &str| whole("--seed", v, u64::MAX))]
    pub seed: Option<u64>,
    /// Bookings to simulate (at most 10000000).
    #[arg(long, value_name = "N", value_parser = |v: &str| whole("--bookings", v, MAX_BOOKINGS.into()))]
    pub bookings: Option<u64>,
    /// Machines (at most 100000).
    #[arg(long, value_name = "N", value_parser = |v: &str| whole("--machines", v, 100_000))]
    pub machines: Option<u64>,
    /// Days (at most 36500).
    #[arg(long, value_name = "N", value_parser = |v: &str| whole("--days", v, 36_500))]
    pub days: Option<u64>,
    /// Print the planted truth as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Largest `--bookings` accepted (about 5 GB of CSV beyond it).
const MAX_BOOKINGS: u32 = 10_000_000;

/// A whole number flag up to `max`; the message names the flag and the limit.
fn whole(flag: &str, v: &str, max: u64) -> Result<u64, String> {
    match v.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!(
            "{flag} takes a whole number up to {max}, got `{v}`"
        )),
    }
}

pub fn run(command: SimulateCommand) -> Outcome {
    let SimulateCommand::Laundry(args) = command;
    let mut cfg = LaundryConfig::default();
    if let Some(seed) = args.seed {
        cfg.seed = seed;
    }
    // The limits (checked by `whole`) fit in u32.
    if let Some(n) = args.bookings {
        cfg.bookings = u32::try_from(n).unwrap_or(MAX_BOOKINGS);
    }
    if let Some(n) = args.machines {
        cfg.machines = u32::try_from(n).unwrap_or(1).max(1);
    }
    if let Some(n) = args.days {
        cfg.days = u32::try_from(n).unwrap_or(1).max(1);
    }
    let (dir, json) = (args.dir, args.json);
    let data = generate(&cfg);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (file, bytes) in data.files() {
        let path = dir.join(file);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&data.truth)?);
    } else {
        print!("{}", human(&data.truth, &dir));
    }
    Ok(())
}

fn human(t: &LaundryTruth, dir: &std::path::Path) -> String {
    let mut s = String::new();
    let pct = |n: u64| {
        if t.bookings == 0 {
            0.0
        } else {
            100.0 * n as f64 / t.bookings as f64
        }
    };
    let _ = writeln!(
        s,
        "wrote {}/{{states,commands,errors}}.csv: {} bookings, {} state rows, {} commands, {} errors",
        dir.display(),
        t.bookings,
        t.state_rows,
        t.command_rows,
        t.error_rows
    );
    let _ = writeln!(
        s,
        "planted resets: {} ({:.2} % of bookings)",
        t.resets,
        pct(t.resets)
    );
    let rows = [
        (
            "in reserved (cannot cancel)",
            t.resets_reserved,
            t.mean_minutes_to_reset_reserved,
        ),
        (
            "in waiting for door opening (card)",
            t.resets_card,
            t.mean_minutes_to_reset_card,
        ),
        (
            "in finish booking (no log-out)",
            t.resets_finish,
            t.mean_minutes_to_reset_finish,
        ),
    ];
    for (what, n, minutes) in rows {
        let _ = writeln!(
            s,
            "  {what:36} {n:>6}  {:>5.2} %  mean {minutes:.0} min to reset",
            pct(n)
        );
    }
    if t.resets_random > 0 {
        let _ = writeln!(s, "  {:36} {:>6}", "random (in running)", t.resets_random);
    }
    let _ = writeln!(
        s,
        "resets by hotline {}, by object managers {}",
        t.resets_by_hotline, t.resets_by_object_manager
    );
    let _ = writeln!(
        s,
        "after a reset in reserved: same customer re-booked at once {}, another customer later {}",
        t.rebooked_same_customer, t.rebooked_other_customer
    );
    let _ = writeln!(
        s,
        "remote start booking: {} before a reset, {} without",
        t.remote_starts_before_reset, t.remote_starts_without_reset
    );
    let _ = writeln!(
        s,
        "sensor errors {} (resets with one in the hour before: {}), other errors {}, status queries {}",
        t.sensor_errors, t.resets_after_sensor_error, t.noise_errors, t.status_queries
    );
    s
}
