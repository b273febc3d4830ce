//! `spur roles LOG [--role FIELD]`: who does what, who hands work to whom, and how long each
//! waits (spur-core's `toolkit::roles`). `--json` prints the whole result.

use crate::args::ImportArgs;
use crate::before_after::human;
use crate::exit::{Failure, Outcome};
use spur_core::toolkit::roles::{roles, Actor, Handover, Matrix, Roles};
use std::fmt::Write as _;

/// `spur roles LOG`: activity x resource matrix (pm4py semantics, beta=0), handover of work,
/// and per-resource events, cases and time since the previous event.
#[derive(clap::Args, Debug)]
pub struct RolesArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// The same by role: the event attribute that names it (e.g. sender_role).
    #[arg(long, value_name = "FIELD")]
    pub role: Option<String>,
    /// Rows and columns shown.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Print the whole result as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

pub fn run(args: RolesArgs) -> Outcome {
    let options = args.import.options()?;
    let (role, json, top, path) = (args.role, args.json, args.top, &args.path);
    let log = crate::convert::open_log(path, &options)?;
    let result = match roles(&log, role.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", render(path, &result, top));
    }
    Ok(())
}

fn render(path: &str, r: &Roles, top: usize) -> String {
    let mut o = format!("{path}: {} resources\n", r.resources.len());
    matrix(&mut o, &r.activity_resource, top);
    if let Some(m) = &r.activity_role {
        matrix(&mut o, m, top);
    }
    handover(&mut o, &r.handover, top);
    if let Some(h) = &r.role_handover {
        handover(&mut o, h, top);
    }
    actors(&mut o, "resource", &r.resources, top);
    if let Some(a) = &r.roles {
        let name = r
            .activity_role
            .as_ref()
            .map_or("role", |m| m.attribute.as_str());
        actors(&mut o, name, a, top);
    }
    o
}

fn more(o: &mut String, n: usize, top: usize, what: &str) {
    if n > top {
        let _ = writeln!(o, "  … {} more {what}", n - top);
    }
}

fn matrix(o: &mut String, m: &Matrix, top: usize) {
    let _ = writeln!(o, "\nactivity x {} (events):", m.attribute);
    let w0 = m
        .rows
        .iter()
        .take(top)
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    let cols: Vec<&String> = m.columns.iter().take(top).collect();
    let widths: Vec<usize> = cols.iter().map(|c| c.chars().count().max(6)).collect();
    let mut line = format!("  {:<w0$}", "activity");
    for (c, w) in cols.iter().zip(&widths) {
        let _ = write!(line, "  {c:>w$}");
    }
    let _ = writeln!(o, "{}", line.trim_end());
    for (row, counts) in m.rows.iter().zip(&m.counts).take(top) {
        let mut line = format!("  {row:<w0$}");
        for (n, w) in counts.iter().zip(&widths) {
            let _ = write!(line, "  {n:>w$}");
        }
        let _ = writeln!(o, "{line}");
    }
    more(o, m.rows.len(), top, "activities");
    more(o, m.columns.len(), top, "columns");
}

fn handover(o: &mut String, h: &Handover, top: usize) {
    let _ = writeln!(
        o,
        "\nhandover of work by {} ({} consecutive pairs):",
        h.attribute, h.pairs
    );
    let w = h
        .edges
        .iter()
        .take(top)
        .map(|e| e.from.chars().count() + e.to.chars().count() + 4)
        .max()
        .unwrap_or(0);
    for e in h.edges.iter().take(top) {
        let pair = format!("{} -> {}", e.from, e.to);
        let mean = e.mean_seconds.map_or("-".to_string(), human);
        let _ = writeln!(
            o,
            "  {pair:<w$}  {:>7}  {:>6}  mean {mean}",
            e.count,
            format!("{:.1}%", e.value * 100.0)
        );
    }
    more(o, h.edges.len(), top, "pairs");
}

fn actors(o: &mut String, name: &str, list: &[Actor], top: usize) {
    let w = list
        .iter()
        .take(top)
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(name.len());
    let _ = writeln!(
        o,
        "\n  {name:<w$}  {:>7}  {:>6}  time since previous event",
        "events", "cases"
    );
    for a in list.iter().take(top) {
        let t = a
            .seconds_since_previous
            .as_ref()
            .map_or("-".to_string(), |q| {
                format!("mean {}, median {}", human(q.mean), human(q.median))
            });
        let _ = writeln!(o, "  {:<w$}  {:>7}  {:>6}  {t}", a.name, a.events, a.cases);
    }
    more(o, list.len(), top, name);
}
