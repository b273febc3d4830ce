//! `spur simulate laundry`: write the laundry scenario's three CSV sources into a directory and
//! print what was planted (see `spur_core::sim::laundry`). Demo data for `spur merge` and the
//! analyses that follow it.

use anyhow::Context;
use spur_core::sim::laundry::{generate, LaundryConfig, LaundryTruth};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "usage: spur simulate laundry [-o DIR] [--seed N] [--bookings N] [--machines N]
                          [--days N] [--json]
  Writes DIR/states.csv, DIR/commands.csv and DIR/errors.csv (DIR defaults to the current
  directory) and prints the planted truth (a table, or JSON with --json). Merge them with:
  spur merge --entity machine --closes 'logged out' DIR/states.csv:case=booking,activity=state \\
    DIR/commands.csv:activity=command DIR/errors.csv:activity=error -o merged.csv";

/// Largest `--bookings` accepted (about 5 GB of CSV beyond it).
const MAX_BOOKINGS: u32 = 10_000_000;

fn parse(args: &[String]) -> Result<(PathBuf, LaundryConfig, bool), String> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("laundry") => {}
        Some(other) => {
            return Err(format!(
                "unknown scenario `{other}`: the one there is is `laundry`"
            ))
        }
        None => return Err("name a scenario: laundry".into()),
    }
    let mut dir = PathBuf::from(".");
    let mut cfg = LaundryConfig::default();
    let mut json = false;
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        let mut number = |max: u64| -> Result<u64, String> {
            let v = value()?;
            match v.parse::<u64>() {
                Ok(n) if n <= max => Ok(n),
                _ => Err(format!("{a} takes a whole number up to {max}, got `{v}`")),
            }
        };
        match a.as_str() {
            "-o" | "--output" => dir = PathBuf::from(value()?),
            "--seed" => cfg.seed = number(u64::MAX)?,
            "--bookings" => cfg.bookings = number(u64::from(MAX_BOOKINGS))? as u32,
            "--machines" => cfg.machines = number(100_000)?.max(1) as u32,
            "--days" => cfg.days = number(36_500)?.max(1) as u32,
            "--json" => json = true,
            s => {
                return Err(format!(
                    "unknown argument `{s}` for `spur simulate laundry`"
                ))
            }
        }
    }
    Ok((dir, cfg, json))
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (dir, cfg, json) = match parse(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("spur simulate: {e}\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
    };
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
    Ok(ExitCode::SUCCESS)
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
