//! `spur roles LOG [--role FIELD]`: who does what, who hands work to whom, and how long each
//! waits (spur-core's `toolkit::roles`). `--json` prints the whole result.

use crate::before_after::human;
use crate::convert::parse_options;
use spur_core::toolkit::roles::{roles, Actor, Handover, Matrix, Roles};
use std::fmt::Write as _;
use std::process::ExitCode;

const HELP: &str = "usage: spur roles LOG [--role FIELD] [--top N] [--json]
  activity x resource matrix, handover-of-work network (pm4py semantics, beta=0) and per-resource
  events, cases and time since the previous event; with --role FIELD (e.g. sender_role) the same
  by role. --top N: rows and columns shown (default 10).
  --case C --activity A --timestamp T --resource R   column roles of the log";

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = parse_options(args)?;
    let (mut role, mut json, mut top, mut files) = (None, false, 10usize, Vec::new());
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--role" | "--top" => {
                let Some(v) = it.next() else {
                    eprintln!("spur: {a} needs a value\n\n{HELP}");
                    return Ok(ExitCode::from(2));
                };
                if a == "--role" {
                    role = Some(v.clone());
                } else if let Ok(n) = v.parse() {
                    top = n;
                } else {
                    eprintln!("spur: --top takes a number, got `{v}`\n\n{HELP}");
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
    let [path] = files.as_slice() else {
        eprintln!(
            "spur: roles takes exactly one LOG (got {})\n\n{HELP}",
            files.len()
        );
        return Ok(ExitCode::from(2));
    };
    let log = match crate::convert::open_log(path, &options)? {
        Ok(log) => log,
        Err(code) => return Ok(code),
    };
    let result = match roles(&log, role.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("spur: {path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&result)?);
    } else {
        print!("{}", render(path, &result, top));
    }
    Ok(ExitCode::SUCCESS)
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
