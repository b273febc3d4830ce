//! `spur compare LOG --a FILTER… [--b FILTER… | --rest]`: two groups of cases side by side.
//!
//! Each group is the cases every one of its filters keeps (case-level filters in the text form
//! of `spur_core::toolkit::filter`); `--rest` (the default without `--b`) is the cases A does not
//! hold. Output: the ranked attribute table and the top DFG differences, or with `--json` the
//! `spur_core::toolkit::compare::Comparison` itself. Computing ([`compute`]) is separate from
//! printing ([`render_human`]).

use crate::convert;
use anyhow::Context;
use spur_core::log::EventLog;
use spur_core::toolkit::compare::{
    self, AttributeComparison, CompareOptions, Comparison, Detail, Unit,
};
use std::fmt::Write as _;
use std::process::ExitCode;

const HELP: &str = "usage: spur compare LOG --a FILTER... [--b FILTER... | --rest] [--json]
                    [--top N] [--case C --activity A --timestamp T --resource R]
  Compare the cases every --a filter keeps with those every --b filter keeps (or, with --rest
  or without --b, all other cases): each attribute's distribution in A and B with chi-square /
  Cramér's V (categories) or Kolmogorov-Smirnov and Mann-Whitney / Cliff's delta (numbers),
  ranked by effect size; constant and no-difference attributes are flagged; then the
  directly-follows edges whose share of cases differs most. --top N: DFG edges shown (15).
  FILTER: a case filter such as has:reset, not-has:reset, start:A, end:A,
  case-attr:NAME=V[,V…], event-attr:NAME=V[,V…].";

struct Args {
    path: String,
    a: Vec<String>,
    b: Option<Vec<String>>,
    json: bool,
    top: usize,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut path = None;
    let (mut a, mut b) = (Vec::new(), None::<Vec<String>>);
    let (mut json, mut rest, mut top) = (false, false, 15);
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--rest" => rest = true,
            "--top" => {
                let v = it.next().ok_or("--top needs a number")?;
                top = v
                    .parse()
                    .map_err(|_| format!("--top takes a number, got `{v}`"))?;
            }
            "--a" | "--b" => {
                let mut specs = Vec::new();
                while let Some(s) = it.next_if(|s| !s.starts_with("--")) {
                    specs.push(s.clone());
                }
                if specs.is_empty() {
                    return Err(format!("{arg} needs at least one FILTER"));
                }
                if arg == "--a" {
                    a.extend(specs);
                } else {
                    b.get_or_insert_with(Vec::new).extend(specs);
                }
            }
            s if s.starts_with("--") => return Err(format!("unknown option `{s}`")),
            s if path.is_none() => path = Some(s.to_string()),
            s => return Err(format!("compare takes one LOG (got `{s}` too)")),
        }
    }
    let path = path.ok_or("compare needs a LOG")?;
    if a.is_empty() {
        return Err("compare needs --a FILTER".into());
    }
    if rest && b.is_some() {
        return Err("give either --b FILTER… or --rest, not both".into());
    }
    Ok(Args {
        path,
        a,
        b,
        json,
        top,
    })
}

/// The case mask of one group: the cases every filter keeps. Errors name the filter.
pub fn group_mask(log: &EventLog, specs: &[String]) -> Result<Vec<bool>, String> {
    let mut mask = vec![true; log.num_cases()];
    for spec in specs {
        let keep = simple_filter(log, spec)?;
        for (m, k) in mask.iter_mut().zip(keep) {
            *m &= k;
        }
    }
    Ok(mask)
}

/// The case filters `compare` reads itself until `toolkit::filter` is on main (same syntax).
fn simple_filter(log: &EventLog, spec: &str) -> Result<Vec<bool>, String> {
    let (kind, arg) = spec
        .split_once(':')
        .ok_or_else(|| format!("cannot read filter `{spec}`: expected KIND:ARGUMENT"))?;
    let acts = |arg: &str| -> Result<Vec<u32>, String> {
        arg.split(',')
            .map(|name| {
                log.activities().lookup(name).ok_or_else(|| {
                    let known: Vec<&str> = log.activities().iter().take(20).collect();
                    format!(
                        "filter `{spec}`: no activity `{name}` (known: {})",
                        known.join(", ")
                    )
                })
            })
            .collect()
    };
    let n = log.num_cases() as u32;
    let any_event = |pick: &dyn Fn(usize) -> bool| -> Vec<bool> {
        (0..n).map(|c| log.case_events(c).any(pick)).collect()
    };
    let codes = log.activity_codes();
    match kind {
        "has" | "not-has" => {
            let wanted = acts(arg)?;
            let mask = any_event(&|i| wanted.contains(&codes[i]));
            Ok(mask.into_iter().map(|m| m == (kind == "has")).collect())
        }
        "start" | "end" => {
            let wanted = acts(arg)?;
            Ok((0..n)
                .map(|c| {
                    let r = log.case_events(c);
                    let i = if kind == "start" { r.start } else { r.end - 1 };
                    wanted.contains(&codes[i])
                })
                .collect())
        }
        "case-attr" | "event-attr" => {
            let (name, values) = arg.split_once('=').ok_or_else(|| {
                format!("cannot read filter `{spec}`: expected {kind}:NAME=V[,V…]")
            })?;
            let values: Vec<&str> = values.split(',').collect();
            let column = if kind == "case-attr" {
                log.case_attribute(name)
            } else {
                log.event_attribute(name)
            };
            let column = column.ok_or_else(|| {
                let cols = if kind == "case-attr" {
                    log.case_attributes()
                } else {
                    log.event_attributes()
                };
                let known: Vec<&str> = cols.iter().map(|c| c.name()).collect();
                format!("filter `{spec}`: no attribute `{name}` (known: {})", known.join(", "))
            })?;
            let hit = |row: usize| {
                column.get(row).is_some_and(|v| values.contains(&v.to_string().as_str()))
            };
            Ok(if kind == "case-attr" {
                (0..n as usize).map(hit).collect()
            } else {
                any_event(&hit)
            })
        }
        _ => Err(format!(
            "cannot read filter `{spec}`: `{kind}` is not one of has, not-has, start, end, case-attr, event-attr"
        )),
    }
}

/// Compare the groups the filters describe on `log`.
pub fn compute(log: &EventLog, a: &[String], b: Option<&[String]>) -> Result<Comparison, String> {
    let mask_a = group_mask(log, a)?;
    let mask_b = match b {
        Some(specs) => group_mask(log, specs)?,
        None => mask_a.iter().map(|x| !x).collect(),
    };
    compare::compare(log, &mask_a, &mask_b, &CompareOptions::default()).map_err(|e| e.to_string())
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = convert::parse_options(args)?;
    let args = match parse_args(&rest) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("spur: {msg}\n\n{HELP}");
            return Ok(ExitCode::from(2));
        }
    };
    let path = &args.path;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    let read = match convert::read_log(path, &bytes, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("spur: {path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for note in &read.notes {
        eprintln!("spur: {path}: {note}");
    }
    let comparison = match compute(&read.log, &args.a, args.b.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("spur: {path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
    } else {
        let b = match &args.b {
            Some(specs) => specs.join(" "),
            None => "the rest".to_string(),
        };
        print!(
            "{}",
            render_human(&comparison, &args.a.join(" "), &b, args.top)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The readable report: groups, ranked attributes, non-informative ones, DFG difference.
pub fn render_human(c: &Comparison, a: &str, b: &str, top_edges: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "A: {a} ({} cases)", c.cases_a);
    let _ = writeln!(o, "B: {b} ({} cases)", c.cases_b);
    if c.cases_in_both > 0 {
        let _ = writeln!(
            o,
            "in both: {} cases (counted in both groups)",
            c.cases_in_both
        );
    }
    let width = c
        .attributes
        .iter()
        .map(|x| label(x).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(9, 60);
    let informative: Vec<&AttributeComparison> =
        c.attributes.iter().filter(|x| x.informative).collect();
    let _ = writeln!(
        o,
        "\nattributes that differ ({} of {}, by effect size):",
        informative.len(),
        c.attributes.len()
    );
    if !informative.is_empty() {
        let _ = writeln!(
            o,
            "  {:<width$}  {:<12} {:>6} {:>8}  {}",
            "attribute", "test", "effect", "p", "A vs B"
        );
    }
    for x in &informative {
        let _ = writeln!(
            o,
            "  {:<width$}  {:<12} {:>6.3} {:>8}  {}",
            label(x),
            test_name(x),
            x.effect,
            p_text(x.p_value),
            describe(x)
        );
    }
    let rest: Vec<&AttributeComparison> = c.attributes.iter().filter(|x| !x.informative).collect();
    if !rest.is_empty() {
        let _ = writeln!(o, "\nnon-informative ({}):", rest.len());
        for x in rest {
            let why = match (x.constant, x.no_difference) {
                (true, true) => "constant, no difference",
                (true, false) => "constant",
                _ => "no difference",
            };
            let _ = writeln!(
                o,
                "  {:<width$}  {why:<23}  effect {:.3}, p {}  {}",
                label(x),
                x.effect,
                p_text(x.p_value),
                describe(x)
            );
        }
    }
    let _ = writeln!(
        o,
        "\ndirectly-follows differences (top {} of {} edges, by share of cases A − B):",
        top_edges.min(c.dfg.len()),
        c.dfg.len()
    );
    let shown: Vec<String> = c
        .dfg
        .iter()
        .take(top_edges)
        .map(|e| format!("{} → {}", e.from, e.to))
        .collect();
    let ew = shown
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 60);
    if !shown.is_empty() {
        let _ = writeln!(
            o,
            "  {:<ew$}  {:>8} {:>8} {:>8}  {:>10} {:>10}",
            "edge", "cases A", "cases B", "Δ share", "mean A", "mean B"
        );
    }
    for (e, name) in c.dfg.iter().zip(shown) {
        let mean = |m: Option<f64>| m.map_or("-".to_string(), duration);
        let _ = writeln!(
            o,
            "  {name:<ew$}  {:>7.1}% {:>7.1}% {:>+7.1}%  {:>10} {:>10}",
            e.share_a * 100.0,
            e.share_b * 100.0,
            e.share_diff * 100.0,
            mean(e.mean_a),
            mean(e.mean_b)
        );
    }
    o
}

fn label(x: &AttributeComparison) -> String {
    let source = match x.source {
        compare::Source::Case => "case",
        compare::Source::Event => "event",
        compare::Source::Derived => "derived",
    };
    format!("{} ({source})", x.name)
}

fn test_name(x: &AttributeComparison) -> &'static str {
    match x.detail {
        Detail::Categorical { .. } => "chi-square",
        Detail::Numeric { .. } => "mann-whitney",
    }
}

/// A vs B in a few words: the value whose share differs most (ties: `true` before `false`, then
/// by name), or the medians.
fn describe(x: &AttributeComparison) -> String {
    match &x.detail {
        Detail::Categorical { values, .. } => {
            let gap = |v: &compare::ValueShares| (v.share_a - v.share_b).abs();
            let best = values.iter().min_by(|p, q| {
                gap(q)
                    .total_cmp(&gap(p))
                    .then_with(|| (p.value == "false").cmp(&(q.value == "false")))
                    .then_with(|| p.value.cmp(&q.value))
            });
            best.map_or(String::new(), |v| {
                format!(
                    "{}: {:.1}% vs {:.1}%",
                    v.value,
                    v.share_a * 100.0,
                    v.share_b * 100.0
                )
            })
        }
        Detail::Numeric { unit, a, b, .. } => {
            let show = |m: Option<f64>| match (m, unit) {
                (None, _) => "-".to_string(),
                (Some(s), Unit::Seconds) => duration(s),
                (Some(s), Unit::EpochSeconds) => {
                    spur_core::import::timestamp::format_iso((s * 1000.0) as i64)
                }
                (Some(v), _) => format!("{v}"),
            };
            format!("median {} vs {}", show(a.median), show(b.median))
        }
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "<0.0001".to_string()
    } else {
        format!("{p:.4}")
    }
}

/// Seconds in the largest unit that keeps the number ≥ 1.
fn duration(secs: f64) -> String {
    let (v, unit) = match secs.abs() {
        s if s < 60.0 => (secs, "s"),
        s if s < 3600.0 => (secs / 60.0, "min"),
        s if s < 86_400.0 => (secs / 3600.0, "h"),
        _ => (secs / 86_400.0, "d"),
    };
    format!("{v:.1} {unit}")
}
