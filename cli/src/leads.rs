//! `spur leads …`: lead prioritisation on files — evaluate, train, score, generate.
//!
//! Computing is spur-core's (`leads::evaluate`, `leads::ranking`, `model`); this module reads
//! files, parses flags, and prints text or JSON. Refused input exits 1, usage and I/O trouble 2.

use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::leads::evaluate::{self, EvalConfig};
use spur_core::leads::leaks::Leak;
use spur_core::leads::ranking::{self, TrainConfig};
use spur_core::leads::table::{self, ImportConfig};
use spur_core::leads::{generate, score_table};
use spur_core::model;

mod activities;

/// `spur leads …`: lead prioritisation.
#[derive(clap::Subcommand, Debug)]
pub enum LeadsCommand {
    /// Held-out evaluation: LEADS.csv --outcome COL [--value COL] [--exclude COL,…] [--date COL].
    Evaluate(LeadsArgs),
    /// Train the model artifact: LEADS.csv --outcome COL -o MODEL. A column that alone predicts
    /// the outcome almost perfectly (AUC > 0.9 on the training rows) is a suspected leak and is
    /// left out; --include-column COL uses it anyway.
    Train(LeadsArgs),
    /// Ranked CSV of MODEL NEW_LEADS.csv: rank,id,score,expected_value,segment,rule,reasons
    /// (--json: the scores in rank order, full precision).
    Score(LeadsArgs),
    /// Synthetic leads: -o FILE [--rows N] [--seed N] [--activity FILE].
    Generate(LeadsArgs),
    /// k-means (or k-prototypes with --mixed), k by sampled silhouette: LEADS.csv --outcome COL.
    Clusters(LeadsArgs),
    /// The funnel, and the actions and timings that separate won from lost leads among leads at
    /// the same stage.
    Activities(activities::ActivitiesArgs),
}

/// The flags of `spur leads evaluate|train|score|generate|clusters` (each reads those it needs).
#[derive(clap::Args, Debug)]
pub struct LeadsArgs {
    /// LEADS.csv (score: MODEL NEW_LEADS.csv).
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// The outcome column (won/lost).
    #[arg(long, value_name = "COL")]
    pub outcome: Option<String>,
    /// The deal value column.
    #[arg(long, value_name = "COL")]
    pub value: Option<String>,
    /// Columns to leave out, separated by commas (repeatable).
    #[arg(long, value_name = "COL,…")]
    pub exclude: Vec<String>,
    /// Use a suspected leak column anyway (repeatable).
    #[arg(long = "include-column", value_name = "COL")]
    pub include: Vec<String>,
    /// The date column (evaluation splits by time).
    #[arg(long, value_name = "COL")]
    pub date: Option<String>,
    /// Random seed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The file to write (train: MODEL; generate: the leads CSV).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub out: Option<String>,
    /// Rows to generate.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub rows: usize,
    /// generate: also write an activity log to FILE.
    #[arg(long, value_name = "FILE")]
    pub activity: Option<String>,
    /// Largest number of leaves of the trees.
    #[arg(long, value_name = "N")]
    pub max_leaves: Option<usize>,
    /// Train the trees only (no blend with the logistic model).
    #[arg(long)]
    pub no_blend: bool,
    /// clusters: k-prototypes over numbers and categories.
    #[arg(long)]
    pub mixed: bool,
    /// clusters: the number of clusters (default: chosen by silhouette).
    #[arg(long, value_name = "N")]
    pub k: Option<usize>,
}

/// `println!` into a buffer that [`emit`] writes at the end (a closed pipe is not an error).
macro_rules! say {
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($t)*);
    }};
}

fn emit(text: &str) -> Outcome {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

#[derive(Default)]
struct Flags {
    files: Vec<String>,
    outcome: Option<String>,
    value: Option<String>,
    exclude: Vec<String>,
    include: Vec<String>,
    date: Option<String>,
    seed: u64,
    json: bool,
    out: Option<String>,
    rows: usize,
    activity: Option<String>,
    max_leaves: Option<usize>,
    no_blend: bool,
    mixed: bool,
    k: Option<usize>,
}

fn flags(a: LeadsArgs) -> Flags {
    Flags {
        files: a.files,
        outcome: a.outcome,
        value: a.value,
        exclude: a
            .exclude
            .iter()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        include: a.include.iter().map(|s| s.trim().to_string()).collect(),
        date: a.date,
        seed: a.seed,
        json: a.json,
        out: a.out,
        rows: a.rows,
        activity: a.activity,
        max_leaves: a.max_leaves,
        no_blend: a.no_blend,
        mixed: a.mixed,
        k: a.k,
    }
}

pub fn run(command: LeadsCommand) -> Outcome {
    match command {
        LeadsCommand::Evaluate(a) => evaluate_cmd(&flags(a)),
        LeadsCommand::Train(a) => train_cmd(&flags(a)),
        LeadsCommand::Score(a) => score_cmd(&flags(a)),
        LeadsCommand::Generate(a) => generate_cmd(&flags(a)),
        LeadsCommand::Clusters(a) => clusters_cmd(&flags(a)),
        LeadsCommand::Activities(a) => activities::run(a),
    }
}

fn import(f: &Flags) -> Result<table::Import, Failure> {
    let [path] = f.files.as_slice() else {
        usage!("expected one LEADS file, got {}", f.files.len());
    };
    let outcome = f.outcome.as_deref().context("--outcome COL is required")?;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    let mut config = ImportConfig::new(outcome);
    config.value = f.value.clone();
    config.exclude = f.exclude.clone();
    config.date = f.date.clone();
    match table::import_csv(&bytes, &config) {
        Ok(imp) => {
            for r in imp.rejected.iter().take(10) {
                let column = r
                    .column
                    .as_deref()
                    .map(|c| format!(", column `{c}`"))
                    .unwrap_or_default();
                eprintln!(
                    "spur: {path}: line {}{column}: {} (row skipped)",
                    r.line, r.reason
                );
            }
            if imp.rejected.len() > 10 {
                eprintln!("spur: {path}: … {} rows skipped in all", imp.rejected.len());
            }
            Ok(imp)
        }
        Err(e) => Err(Failure::refused(format!("{path}: {e}"))),
    }
}

fn train_config(f: &Flags) -> TrainConfig {
    let mut config = TrainConfig {
        blend: !f.no_blend,
        ..TrainConfig::default()
    };
    if let Some(n) = f.max_leaves {
        config.tree.max_leaves = n;
    }
    config.leaks.include = f.include.clone();
    config
}

/// One warning per suspected leak on stderr, saying whether it was left out and how to use it;
/// and one per `--include-column` that names no suspected leak (it has no effect).
fn warn_leaks(leaks: &[Leak], rows: &str, include: &[String]) {
    for name in include
        .iter()
        .filter(|n| !leaks.iter().any(|l| &l.column == *n))
    {
        eprintln!(
            "spur: note: --include-column {name}: not a suspected leak on {rows}, nothing to include"
        );
    }
    for l in leaks {
        let what = if l.included {
            "used because you asked (--include-column)".to_string()
        } else {
            format!("left out; to use it anyway: --include-column {}", l.column)
        };
        eprintln!(
            "spur: warning: column `{}`: {} (AUC {:.3} alone on {rows}); {what}",
            l.column, l.reason, l.auc
        );
    }
}

fn evaluate_cmd(f: &Flags) -> Outcome {
    let mut o = String::new();
    let imp = import(f)?;
    let config = EvalConfig {
        seed: f.seed,
        train: train_config(f),
        ..EvalConfig::default()
    };
    let e = evaluate::evaluate(&imp.dataset, &config);
    if f.json {
        let mut v = serde_json::to_value(&e)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("columns".into(), serde_json::to_value(&imp.columns)?);
            obj.insert("rejected_rows".into(), imp.rejected.len().into());
        }
        say!(o, "{}", serde_json::to_string_pretty(&v)?);
        return emit(&o);
    }
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    warn_leaks(&e.leaks, "the training part", &f.include);
    say!(
        o,
        "{} rows: {} to train, {} held out (split: {}); held-out win rate {}",
        e.rows,
        e.train_rows,
        e.test_rows,
        e.split,
        pct(e.test_win_rate)
    );
    for l in &e.leaks {
        let state = if l.included {
            "used (--include-column)".to_string()
        } else {
            format!("left out (use it anyway: --include-column {})", l.column)
        };
        say!(
            o,
            "  column {:<28} {} (AUC {:.3} alone); {state}",
            l.column,
            l.reason,
            l.auc
        );
    }
    for c in imp
        .columns
        .iter()
        .filter(|c| !matches!(c.role, table::Role::Feature))
    {
        say!(o, "  column {:<28} {:?} ({:?})", c.name, c.role, c.kind);
    }
    say!(
        o,
        "\nranking on held-out leads            AUC  lift@10  lift@20"
    );
    say!(
        o,
        "  spur (segments + scorer)         {:.3}  {:>7.2}  {:>7.2}",
        e.auc,
        e.lift_at_10,
        e.lift_at_20
    );
    let s = &e.segments_only;
    say!(
        o,
        "  segments alone                   {:.3}  {:>7.2}  {:>7.2}",
        s.auc,
        s.lift_at_10,
        s.lift_at_20
    );
    let b = &e.baseline_rule;
    let label = format!("best single rule ({})", b.column);
    say!(
        o,
        "  {label:<32} {:.3}  {:>7.2}  {:>7.2}",
        b.auc,
        b.lift_at_10,
        b.lift_at_20
    );
    let c = &e.cluster_rank;
    let label = format!("plain k-means clusters (k={})", c.k);
    say!(
        o,
        "  {label:<32} {:.3}  {:>7.2}  {:>7.2}",
        c.auc,
        c.lift_at_10,
        c.lift_at_20
    );
    say!(
        o,
        "  win rate in top 10 % / 20 %: {} / {}",
        pct(e.win_rate_at_10),
        pct(e.win_rate_at_20)
    );
    say!(o, "\ncalibration (predicted → observed):");
    for bin in &e.calibration {
        say!(
            o,
            "  {:>6} rows  {:>7} → {:>7}",
            bin.rows,
            pct(bin.mean_predicted),
            pct(bin.observed)
        );
    }
    say!(o, "\nsegments (trained on the training part):");
    let mut segs = e.segments.clone();
    segs.sort_by(|a, b| b.win_rate.total_cmp(&a.win_rate));
    for s in &segs {
        say!(
            o,
            "  #{:<3} {:>6} leads  {:>7}  {}",
            s.id,
            s.size,
            pct(s.win_rate),
            s.rule
        );
    }
    say!(
        o,
        "\nk chosen by silhouette: {}",
        c.curve
            .iter()
            .map(|p| format!("k={} {:.3}", p.k, p.silhouette))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for p in &c.clusters {
        let what: Vec<&str> = p.distinguishing.iter().map(|d| d.text.as_str()).collect();
        say!(
            o,
            "  cluster {} ({} leads, win rate {}): {}",
            p.id,
            p.size,
            pct(p.win_rate),
            what.join("; ")
        );
    }
    say!(
        o,
        "\none-attribute effects on the training part (win rate ×lift per group):"
    );
    let mut effects = e.effects.clone();
    effects.sort_by(|a, b| b.spread.total_cmp(&a.spread));
    for a in &effects {
        let groups: Vec<String> = a
            .groups
            .iter()
            .map(|g| format!("{} {} ×{:.2}", g.label, pct(g.win_rate), g.lift))
            .collect();
        say!(o, "  {:<26} {}", a.column, groups.join(" | "));
    }
    emit(&o)
}

fn train_cmd(f: &Flags) -> Outcome {
    let mut o = String::new();
    let out = f.out.as_deref().context("-o MODEL is required")?;
    let imp = import(f)?;
    let started = std::time::Instant::now();
    let (m, leaks) = ranking::train_screened(&imp.dataset, &train_config(f));
    warn_leaks(&leaks, "every row", &f.include);
    let seconds = started.elapsed().as_secs_f64();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let bytes = model::encode_leads(&m, now_ms);
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {out}"))?;
    let header = model::read_header(&bytes).map_err(|e| Failure::usage(e.to_string()))?;
    if f.json {
        let v = serde_json::json!({"model": out, "bytes": bytes.len(), "sha256": header.sha256, "seconds": seconds,
            "summary": header.summary, "segments": evaluate::segments(&m), "leaks": leaks});
        say!(o, "{}", serde_json::to_string_pretty(&v)?);
    } else {
        say!(
            o,
            "trained on {} leads in {seconds:.2} s: {} segments; wrote {out} ({} bytes, sha256 {})",
            m.training_rows,
            m.tree.segments.len(),
            bytes.len(),
            &header.sha256[..16]
        );
        let mut segs = m.tree.segments.clone();
        segs.sort_by(|a, b| b.win_rate.total_cmp(&a.win_rate));
        for s in &segs {
            say!(
                o,
                "  #{:<3} {:>6} leads  {:>5.1} %  {}",
                s.id,
                s.size,
                100.0 * s.win_rate,
                s.rule
            );
        }
    }
    emit(&o)
}

fn score_cmd(f: &Flags) -> Outcome {
    let [model_path, leads_path] = f.files.as_slice() else {
        usage!("score takes MODEL and NEW_LEADS");
    };
    let bytes = std::fs::read(model_path).with_context(|| format!("cannot read {model_path}"))?;
    let m = match model::decode_leads(&bytes) {
        Ok((_, m)) => m,
        Err(e) => {
            return Err(Failure::refused(format!(
                "{model_path}: {e} ({})",
                e.code()
            )));
        }
    };
    let data = std::fs::read(leads_path).with_context(|| format!("cannot read {leads_path}"))?;
    let table = match score_table::score_csv(&m, &data) {
        Ok(t) => t,
        Err(e) => {
            return Err(Failure::refused(format!("{leads_path}: {e}")));
        }
    };
    for r in &table.skipped {
        eprintln!("spur: {leads_path}: line {}: {}", r.line, r.reason);
    }
    if f.json {
        let ranked: Vec<&ranking::Score> = table.order.iter().map(|&i| &table.scores[i]).collect();
        return emit(&format!("{}\n", serde_json::to_string_pretty(&ranked)?));
    }
    emit(&score_table::ranked_csv(&table.scores, &table.order))
}

fn clusters_cmd(f: &Flags) -> Outcome {
    let mut o = String::new();
    use spur_core::leads::profile::{explore, ClusterMethod, ExploreConfig};
    let imp = import(f)?;
    let config = ExploreConfig {
        method: if f.mixed {
            ClusterMethod::KPrototypes
        } else {
            ClusterMethod::KMeans
        },
        ks: f.k.map_or_else(|| (2..=10).collect(), |k| vec![k]),
        seed: f.seed,
        ..ExploreConfig::default()
    };
    let e = explore(&imp.dataset, &config);
    if f.json {
        let v = serde_json::json!({"method": e.method, "k": e.k, "curve": e.curve, "clusters": e.clusters});
        say!(o, "{}", serde_json::to_string_pretty(&v)?);
        return emit(&o);
    }
    say!(o, "{:?}, k = {} (sampled silhouette per k):", e.method, e.k);
    for c in &e.curve {
        say!(
            o,
            "  k={:<3} silhouette {:.3}  cost {:.1}",
            c.k,
            c.silhouette,
            c.inertia
        );
    }
    for p in &e.clusters {
        let value = p
            .mean_won_value
            .map(|v| format!(", mean won value {v:.0}"))
            .unwrap_or_default();
        say!(
            o,
            "cluster {} — {} leads, win rate {:.1} %{value}",
            p.id,
            p.size,
            100.0 * p.win_rate
        );
        for d in &p.distinguishing {
            say!(o, "    {}", d.text);
        }
    }
    emit(&o)
}

fn generate_cmd(f: &Flags) -> Outcome {
    let out = f.out.as_deref().context("-o FILE is required")?;
    let leads = generate::leads(f.rows, f.seed);
    std::fs::write(out, generate::leads_csv(&leads))
        .with_context(|| format!("cannot write {out}"))?;
    if let Some(path) = &f.activity {
        std::fs::write(path, generate::activity_csv(&leads, f.seed))
            .with_context(|| format!("cannot write {path}"))?;
    }
    let won = leads.iter().filter(|l| l.won).count();
    eprintln!(
        "wrote {} leads ({won} won) to {out}: outcome `won`, value `deal_value`, date `created_at`",
        leads.len()
    );
    Ok(())
}
