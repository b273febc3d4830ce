//! `spur compare LOG --a FILTER… [--b FILTER… | --rest]`: two groups of cases side by side.
//!
//! Each group is the cases every one of its filters keeps (case-level filters in the text form
//! of `spur_core::toolkit::filter`); `--rest` (the default without `--b`) is the cases A does not
//! hold. Output: the ranked attribute table and the top DFG differences, or with `--json` the
//! `spur_core::toolkit::compare::Comparison` itself. Computing ([`compute`]) is separate from
//! printing ([`render_human`]). A filter text that does not parse is a usage error (exit 2);
//! one that does not fit the log (unknown activity, event-level filter) or an empty group is
//! refused input (exit 1).

use crate::args::ImportArgs;
use crate::exit::{Failure, Outcome};
use spur_core::log::EventLog;
use spur_core::toolkit::compare::{
    self, AttributeComparison, CompareOptions, Comparison, Detail, Unit,
};
use spur_core::toolkit::filter::{self, Filter};
use std::fmt::Write as _;
use std::time::Instant;

/// `spur compare LOG --a FILTER…`: two groups of cases, attributes ranked by effect size.
#[derive(clap::Args, Debug)]
#[command(
    long_about = "Compare the cases every --a filter keeps with those every --b filter keeps (or, with --rest \
or without --b, all other cases): each attribute's distribution in A and B with chi-square / \
Cramér's V (categories) or Kolmogorov-Smirnov and Mann-Whitney / Cliff's delta (numbers), \
ranked by effect size; constant and no-difference attributes are flagged; then the \
directly-follows edges whose share of cases differs most.",
    after_help = "FILTER: a case filter such as has:reset, not:df:A->B, case-attr:NAME=V, duration:1h..;
`spur filter --forms` lists every form. Event filters (events:…, between:…) cannot form a group."
)]
pub struct CompareArgs {
    /// The event log.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// Group A: the cases every one of these filters keeps.
    #[arg(long = "a", value_name = "FILTER", num_args = 1..)]
    pub a: Vec<String>,
    /// Group B: the cases every one of these filters keeps (default: the rest).
    #[arg(long = "b", value_name = "FILTER", num_args = 1.., conflicts_with = "rest")]
    pub b: Option<Vec<String>>,
    /// Group B is every case A does not hold (the default without --b).
    #[arg(long)]
    pub rest: bool,
    /// DFG edges shown.
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub top: usize,
    /// Print the comparison as JSON.
    #[arg(long)]
    pub json: bool,
    /// Time the comparison (stderr).
    #[arg(long)]
    pub timing: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

/// Parse the filter texts of a group (a usage error, found before the log is read).
pub fn parse_group(specs: &[String]) -> Result<Vec<Filter>, String> {
    specs
        .iter()
        .map(|s| s.parse::<Filter>().map_err(|e| e.to_string()))
        .collect()
}

/// The case mask of one group: the cases every filter keeps.
pub fn group_mask(log: &EventLog, filters: &[Filter]) -> Result<Vec<bool>, String> {
    filter::case_mask_all(log, filters).map_err(|e| e.to_string())
}

/// Compare the groups the filters describe on `log` (B: the rest of A when `None`). Errors
/// (a filter that does not fit the log, an empty group) are the messages to show.
pub fn compute(log: &EventLog, a: &[Filter], b: Option<&[Filter]>) -> Result<Comparison, String> {
    let mask_a = group_mask(log, a)?;
    let mask_b = match b {
        Some(filters) => group_mask(log, filters)?,
        None => mask_a.iter().map(|x| !x).collect(),
    };
    compare::compare(log, &mask_a, &mask_b, &CompareOptions::default()).map_err(|e| e.to_string())
}

pub fn run(args: CompareArgs) -> Outcome {
    let options = args.import.options()?;
    if args.a.is_empty() {
        return Err(Failure::usage(
            "compare needs --a FILTER\n\nFor more information, try 'spur compare --help'.",
        ));
    }
    let (filters_a, filters_b) = parse_group(&args.a)
        .and_then(|a| {
            let b = args.b.as_deref().map(parse_group).transpose()?;
            Ok((a, b))
        })
        .map_err(Failure::usage)?;
    let path = &args.path;
    let log = crate::convert::open_log(path, &options)?;
    let started = Instant::now();
    let comparison = match compute(&log, &filters_a, filters_b.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    if args.timing {
        eprintln!(
            "spur: timing: {:>8.2} ms  group masks and comparison",
            started.elapsed().as_secs_f64() * 1e3
        );
    }
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
    Ok(())
}

/// The readable report: groups, ranked attributes, non-informative ones, DFG difference.
pub fn render_human(c: &Comparison, a: &str, b: &str, top_edges: usize) -> String {
    let mut o = String::new();
    let cases = |n: u64| format!("{n} case{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(o, "A: {a} ({})", cases(c.cases_a));
    let _ = writeln!(o, "B: {b} ({})", cases(c.cases_b));
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
            "  {:<width$}  {:<12} {:>6} {:>8}  A vs B",
            "attribute", "test", "effect", "p"
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
