//! `spur leads activities LEADS.csv ACTIVITY_LOG --outcome COL [--id COL] [--stages A,B,…]
//! [--tz OFFSET] [-o FUNNEL.svg] [--json]`: the sales funnel, and which actions and timings
//! separate won from lost leads among leads that reached the same stage.
//!
//! Reads the lead table (the id and outcome columns only) and the activity log (any format
//! `spur convert` reads; role flags `--case --activity --timestamp --resource` as in `spur
//! stats`), calls `spur_core::leads::activities::mine`, and prints the funnel, numbered
//! findings (each tagged stage or action) and a win-rate table per top action, or `--json` the
//! whole `ActivityFindings`; `-o` writes the funnel chart (`chart::funnel`). Refused input
//! (unreadable table or log, no matching lead, one outcome only, unknown stage) exits 1; usage
//! and I/O 2.

use crate::args::ImportArgs;
use crate::convert::read_log;
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::chart::funnel::funnel_chart;
use spur_core::leads::activities::findings::p_text;
use spur_core::leads::activities::timing::parse_tz;
use spur_core::leads::activities::{
    self, ActivityFindings, ActivityOptions, FeatureEffect, FindingKind, Verdict,
};
use spur_core::text::pct;
use std::fmt::Write as _;

/// `spur leads activities LEADS.csv ACTIVITY_LOG --outcome COL`.
#[derive(clap::Args, Debug)]
#[command(
    long_about = "Joins each case of ACTIVITY_LOG (one case per lead) to the lead with that id in LEADS.csv \
and compares won with lost leads: outcome markers, the funnel (the stage each lead reached), and \
per action its presence, count, time since creation and since the previous step, weekday, hour, \
channel and resource, compared among leads that reached the same stage (Cochran-Mantel-Haenszel); \
variants and the directly-follows difference."
)]
pub struct ActivitiesArgs {
    /// The lead table (the id and outcome columns are read).
    #[arg(value_name = "LEADS.csv")]
    pub leads: String,
    /// The activity log, one case per lead (any format `spur convert` reads).
    #[arg(value_name = "ACTIVITY_LOG")]
    pub log: String,
    /// The outcome column of LEADS.csv.
    #[arg(long, value_name = "COL")]
    pub outcome: Option<String>,
    /// The id column of LEADS.csv.
    #[arg(long, value_name = "COL", default_value = "id")]
    pub id: String,
    /// The milestone activities in order, separated by commas (default: detected from the log).
    #[arg(long, value_name = "A,B,…")]
    pub stages: Option<String>,
    /// Read weekday and hour at a UTC offset (UTC, +02:00, -05:30; default UTC).
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    pub tz: Option<String>,
    /// Write the funnel as an SVG chart.
    #[arg(short = 'o', long = "output", value_name = "FUNNEL.svg")]
    pub chart: Option<String>,
    /// Print the whole findings as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub import: ImportArgs,
}

/// Top features shown as tables in the readable output.
const TABLES: usize = 5;

pub fn run(args: ActivitiesArgs) -> Outcome {
    let options = args.import.options()?;
    let (id, json, chart) = (&args.id, args.json, &args.chart);
    let mut opts = ActivityOptions::default();
    if let Some(list) = &args.stages {
        let names: Vec<String> = list
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            usage!("--stages needs activity names separated by commas");
        }
        opts.stages = Some(names);
    }
    if let Some(tz) = &args.tz {
        opts.tz_offset_minutes = parse_tz(tz).map_err(|e| Failure::usage(format!("--tz: {e}")))?;
    }
    let (leads_path, log_path) = (&args.leads, &args.log);
    let Some(outcome) = &args.outcome else {
        usage!("--outcome COL is required");
    };
    let table = std::fs::read(leads_path).with_context(|| format!("cannot read {leads_path}"))?;
    let bytes = std::fs::read(log_path).with_context(|| format!("cannot read {log_path}"))?;
    let leads = match activities::outcomes_from_csv(&table, id, outcome) {
        Ok(l) => l,
        Err(e) => {
            return Err(Failure::refused(format!("{leads_path}: {e}")));
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
            return Err(Failure::refused(format!("{log_path}: {e}")));
        }
    };
    for note in &read.notes {
        eprintln!("spur: {log_path}: {note}");
    }
    let found = match activities::mine(&read.log, &leads.outcomes, &opts) {
        Ok(f) => f,
        Err(e) => {
            return Err(Failure::refused(format!("{e}")));
        }
    };
    if let Some(path) = &chart {
        let title = format!(
            "Funnel: {} leads, win rate {}",
            found.join.analysed,
            pct(found.win_rate)
        );
        std::fs::write(path, funnel_chart(&title, &found.funnel.stages))
            .with_context(|| format!("cannot write {path}"))?;
    }
    let text = if json {
        serde_json::to_string_pretty(&found)? + "\n"
    } else {
        human(&found)
    };
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// The funnel table: per stage the leads that reached it, their share, win rate, the share
/// that went no further and the lost leads that stopped there.
fn funnel(o: &mut String, f: &ActivityFindings) {
    let fun = &f.funnel;
    if fun.stages.is_empty() {
        let _ = writeln!(o, "\nNo funnel stages (none given, none detected).");
        return;
    }
    let source = if fun.stages_given {
        "given"
    } else {
        "detected"
    };
    let _ = writeln!(o, "\nFunnel ({source} stages):");
    let _ = writeln!(
        o,
        "  {:<32} {:>8} {:>8} {:>9} {:>9} {:>12}",
        "stage", "reached", "share", "won rate", "drop-off", "lost stopped"
    );
    for s in &fun.stages {
        let _ = writeln!(
            o,
            "  {:<32} {:>8} {:>8} {:>9} {:>9} {:>12}",
            s.activity,
            s.reached,
            pct(s.reached_share),
            pct(s.won_rate),
            s.drop_off.map(pct).unwrap_or_default(),
            s.lost_stopped
        );
    }
    if fun.before_first_stage > 0 {
        let _ = writeln!(
            o,
            "  {} leads reached no stage ({} won)",
            fun.before_first_stage, fun.before_first_stage_won
        );
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
    funnel(&mut o, f);
    let _ = writeln!(
        o,
        "\nFindings (weekday and hour in {}; actions compare leads {}):",
        f.time_zone,
        if f.adjusted_for.is_empty() {
            "without stages"
        } else {
            "that reached the same stage"
        }
    );
    for (i, x) in f.findings.iter().enumerate() {
        let tag = match x.kind {
            FindingKind::OutcomeMarker => "marker",
            FindingKind::Stage => "stage",
            FindingKind::Action => "action",
            FindingKind::NoDifference => "no difference",
        };
        let _ = writeln!(o, "{:>3}. [{tag}] {}", i + 1, x.text);
    }
    let top: Vec<&FeatureEffect> = f
        .features
        .iter()
        .filter(|x| x.verdict == Verdict::Action)
        .take(TABLES)
        .collect();
    if !top.is_empty() {
        let _ = writeln!(
            o,
            "\nWin rate by bucket (all stages), top {} actions:",
            top.len()
        );
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
        if let Some(a) = &x.adjusted {
            let _ = writeln!(
                o,
                "    within stages: `{}` {} vs the rest {}, common odds ratio {:.2}, CMH {}",
                a.bucket,
                pct(a.rate_bucket),
                pct(a.rate_rest),
                a.odds_ratio,
                p_text(a.p_value)
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
