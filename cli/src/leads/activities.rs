//! `spur leads activities LEADS.csv ACTIVITY_LOG --outcome COL [--id COL] [--json]`: which
//! sales actions and timings separate won from lost leads.
//!
//! Reads the lead table (the id and outcome columns only) and the activity log (any format
//! `spur convert` reads; role flags `--case --activity --timestamp --resource` as in `spur
//! stats`), calls `spur_core::leads::activities::mine`, and prints numbered findings and a
//! win-rate table per top feature, or `--json` the whole `ActivityFindings`. Refused input
//! (unreadable table or log, no matching lead, one outcome only) exits 1; usage and I/O 2.

use crate::convert::{parse_options, read_log};
use anyhow::{bail, Context};
use spur_core::leads::activities::findings::p_text;
use spur_core::leads::activities::{self, ActivityFindings, ActivityOptions, FeatureEffect};
use spur_core::text::pct;
use std::fmt::Write as _;
use std::process::ExitCode;

const HELP: &str =
    "usage: spur leads activities LEADS.csv ACTIVITY_LOG --outcome COL [--id COL] [--json]
                   [--case C] [--activity A] [--timestamp T] [--resource R]
  Joins each case of ACTIVITY_LOG (one case per lead) to the lead with that id in LEADS.csv
  (--id, default `id`) and compares won with lost leads: outcome markers, win rate by presence,
  count, time since lead creation, weekday and channel of each action, variants, and the
  directly-follows difference.";

/// Top features shown as tables in the readable output.
const TABLES: usize = 5;

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    }
    let (options, rest) = parse_options(args)?;
    let (mut outcome, mut id, mut json, mut files) = (None, "id".to_string(), false, Vec::new());
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .with_context(|| format!("{a} needs a value\n\n{HELP}"))
        };
        match a.as_str() {
            "--outcome" => outcome = Some(value()?),
            "--id" => id = value()?,
            "--json" => json = true,
            s if s.starts_with('-') => {
                bail!("unknown option `{s}` for `spur leads activities`\n\n{HELP}")
            }
            s => files.push(s.to_string()),
        }
    }
    let [leads_path, log_path] = files.as_slice() else {
        bail!(
            "expected LEADS.csv and ACTIVITY_LOG, got {} files\n\n{HELP}",
            files.len()
        );
    };
    let outcome = outcome.with_context(|| format!("--outcome COL is required\n\n{HELP}"))?;
    let table = std::fs::read(leads_path).with_context(|| format!("cannot read {leads_path}"))?;
    let bytes = std::fs::read(log_path).with_context(|| format!("cannot read {log_path}"))?;
    let leads = match activities::outcomes_from_csv(&table, &id, &outcome) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("spur: {leads_path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for r in leads.rejected.iter().take(10) {
        let column = r
            .column
            .as_deref()
            .map(|c| format!(", column `{c}`"))
            .unwrap_or_default();
        eprintln!(
            "spur: {leads_path}: line {}{column}: {} (row skipped)",
            r.line, r.reason
        );
    }
    if leads.rejected.len() > 10 {
        eprintln!(
            "spur: {leads_path}: … {} rows skipped in all",
            leads.rejected.len()
        );
    }
    let read = match read_log(log_path, &bytes, &options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("spur: {log_path}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    for note in &read.notes {
        eprintln!("spur: {log_path}: {note}");
    }
    let found = match activities::mine(&read.log, &leads.outcomes, &ActivityOptions::default()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("spur: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let text = if json {
        serde_json::to_string_pretty(&found)? + "\n"
    } else {
        human(&found)
    };
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn human(f: &ActivityFindings) -> String {
    let mut o = String::new();
    let j = &f.join;
    let _ = writeln!(
        o,
        "{} leads with activities analysed ({} won, {} lost, win rate {}); {} cases in the log, {} leads in the table",
        j.analysed,
        j.won,
        j.lost,
        pct(f.win_rate),
        j.cases,
        j.leads
    );
    if j.leads_without_activity > 0 {
        let _ = writeln!(
            o,
            "  {} leads have no activity ({} won), e.g. {}",
            j.leads_without_activity,
            j.leads_without_activity_won,
            j.examples_leads_without_activity.join(", ")
        );
    }
    if j.cases_without_lead > 0 {
        let _ = writeln!(
            o,
            "  {} cases match no lead and are left out, e.g. {}",
            j.cases_without_lead,
            j.examples_cases_without_lead.join(", ")
        );
    }
    if j.duplicate_leads > 0 {
        let _ = writeln!(
            o,
            "  {} repeated lead ids (the first row counts)",
            j.duplicate_leads
        );
    }
    if j.cases_only_markers > 0 {
        let _ = writeln!(
            o,
            "  {} cases hold only outcome markers and are left out",
            j.cases_only_markers
        );
    }
    let _ = writeln!(o, "\nFindings:");
    for (i, x) in f.findings.iter().enumerate() {
        let _ = writeln!(o, "{:>3}. {}", i + 1, x.text);
    }
    let top: Vec<&FeatureEffect> = f
        .features
        .iter()
        .filter(|x| x.informative)
        .take(TABLES)
        .collect();
    if !top.is_empty() {
        let _ = writeln!(o, "\nWin rate by bucket, top {} features:", top.len());
    }
    for x in top {
        let _ = writeln!(
            o,
            "\n  {} ({} leads, χ² {}, V = {:.3})",
            x.name,
            x.leads,
            p_text(x.p_value),
            x.effect
        );
        let _ = writeln!(
            o,
            "    {:<22} {:>8} {:>7} {:>9}",
            "bucket", "leads", "won", "win rate"
        );
        for b in x.buckets.iter().chain(&x.day_groups) {
            let mark = if b.tested { "" } else { "  (not tested)" };
            let _ = writeln!(
                o,
                "    {:<22} {:>8} {:>7} {:>9}{mark}",
                b.label,
                b.leads,
                b.won,
                pct(b.win_rate)
            );
        }
    }
    let _ = writeln!(o, "\nVariants (without outcome markers):");
    let _ = writeln!(o, "  {:>7} {:>9}  sequence", "leads", "win rate");
    for v in &f.variants {
        let _ = writeln!(
            o,
            "  {:>7} {:>9}  {}",
            v.leads,
            pct(v.win_rate),
            v.activities.join(" → ")
        );
    }
    let _ = writeln!(
        o,
        "\nDirectly-follows difference, share of won vs lost leads:"
    );
    for e in f.comparison.dfg.iter().take(8) {
        let _ = writeln!(
            o,
            "  {:<40} {:>8} {:>8}",
            format!("{} → {}", e.from, e.to),
            pct(e.share_a),
            pct(e.share_b)
        );
    }
    o
}
