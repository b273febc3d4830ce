//! `spur leads …`: lead prioritisation on files — evaluate, train, score, generate.
//!
//! Computing is spur-core's (`leads::evaluate`, `leads::ranking`, `model`); this module reads
//! files, parses flags, and prints text or JSON. Refused input exits 1, usage and I/O trouble 2.

use anyhow::{bail, Context};
use spur_core::leads::evaluate::{self, EvalConfig};
use spur_core::leads::leaks::Leak;
use spur_core::leads::ranking::{self, TrainConfig};
use spur_core::leads::table::{self, ImportConfig};
use spur_core::leads::{generate, score_table};
use spur_core::model;
use std::process::ExitCode;

mod activities;

const USAGE: &str = "usage:
  spur leads evaluate LEADS.csv --outcome COL [--value COL] [--exclude COL,…] [--include-column COL]… [--date COL] [--seed N] [--json]
  spur leads train LEADS.csv --outcome COL [--value COL] [--exclude COL,…] [--include-column COL]… [--max-leaves N] [--no-blend] -o MODEL
                                                  a column that alone predicts the outcome almost perfectly
                                                  (AUC > 0.9 on the training rows) is a suspected leak and is
                                                  left out; --include-column COL (repeatable) uses it anyway
  spur leads score MODEL NEW_LEADS.csv [--json]   ranked CSV: rank,id,score,expected_value,segment,rule,reasons
                                                  (--json: the scores in rank order, full precision)
  spur leads clusters LEADS.csv --outcome COL [--value COL] [--exclude COL,…] [--mixed] [--k N] [--seed N] [--json]
                                                  k-means (or k-prototypes with --mixed), k by sampled silhouette
  spur leads generate -o FILE [--rows N] [--seed N] [--activity FILE]
  spur leads activities LEADS.csv ACTIVITY_LOG --outcome COL [--id COL] [--stages A,B,…] [--tz OFFSET]
                      [-o FUNNEL.svg] [--json]
                                                  the funnel, and the actions and timings that separate won
                                                  from lost leads among leads at the same stage";

/// `println!` into a buffer that [`emit`] writes at the end (a closed pipe is not an error).
macro_rules! say {
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($t)*);
    }};
}

fn emit(text: &str) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
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

fn flags(args: &[String]) -> anyhow::Result<Flags> {
    let mut f = Flags {
        rows: 10_000,
        ..Flags::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{a} needs a value\n\n{USAGE}"))
        };
        match a.as_str() {
            "--outcome" => f.outcome = Some(value()?.clone()),
            "--value" => f.value = Some(value()?.clone()),
            "--exclude" => f.exclude.extend(
                value()?
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            ),
            "--include-column" => f.include.push(value()?.trim().to_string()),
            "--date" => f.date = Some(value()?.clone()),
            "--seed" => f.seed = value()?.parse().context("--seed takes a number")?,
            "--rows" => f.rows = value()?.parse().context("--rows takes a number")?,
            "--max-leaves" => {
                f.max_leaves = Some(value()?.parse().context("--max-leaves takes a number")?)
            }
            "-o" | "--output" => f.out = Some(value()?.clone()),
            "--activity" => f.activity = Some(value()?.clone()),
            "--json" => f.json = true,
            "--no-blend" => f.no_blend = true,
            "--mixed" => f.mixed = true,
            "--k" => f.k = Some(value()?.parse().context("--k takes a number")?),
            s if s.starts_with('-') => bail!("unknown flag `{s}`\n\n{USAGE}"),
            s => f.files.push(s.to_string()),
        }
    }
    Ok(f)
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    if command == "activities" {
        return activities::run(rest); // its own flags: the log's role flags include --activity
    }
    let f = flags(rest)?;
    match command.as_str() {
        "evaluate" => evaluate_cmd(&f),
        "train" => train_cmd(&f),
        "score" => score_cmd(&f),
        "generate" => generate_cmd(&f),
        "clusters" => clusters_cmd(&f),
        _ => {
            eprintln!("spur leads: unknown command `{command}`\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

fn import(f: &Flags) -> anyhow::Result<Result<table::Import, ExitCode>> {
    let [path] = f.files.as_slice() else {
        bail!("expected one LEADS file, got {}\n\n{USAGE}", f.files.len());
    };
    let outcome = f
        .outcome
        .as_deref()
        .with_context(|| format!("--outcome COL is required\n\n{USAGE}"))?;
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
            Ok(Ok(imp))
        }
        Err(e) => {
            eprintln!("spur: {path}: {e}");
            Ok(Err(ExitCode::from(1)))
        }
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

fn evaluate_cmd(f: &Flags) -> anyhow::Result<ExitCode> {
    let mut o = String::new();
    let imp = match import(f)? {
        Ok(imp) => imp,
        Err(code) => return Ok(code),
    };
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

fn train_cmd(f: &Flags) -> anyhow::Result<ExitCode> {
    let mut o = String::new();
    let out = f
        .out
        .as_deref()
        .with_context(|| format!("-o MODEL is required\n\n{USAGE}"))?;
    let imp = match import(f)? {
        Ok(imp) => imp,
        Err(code) => return Ok(code),
    };
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
    let header = model::read_header(&bytes)?;
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

fn score_cmd(f: &Flags) -> anyhow::Result<ExitCode> {
    let [model_path, leads_path] = f.files.as_slice() else {
        bail!("score takes MODEL and NEW_LEADS\n\n{USAGE}");
    };
    let bytes = std::fs::read(model_path).with_context(|| format!("cannot read {model_path}"))?;
    let m = match model::decode_leads(&bytes) {
        Ok((_, m)) => m,
        Err(e) => {
            eprintln!("spur: {model_path}: {e} ({})", e.code());
            return Ok(ExitCode::from(1));
        }
    };
    let data = std::fs::read(leads_path).with_context(|| format!("cannot read {leads_path}"))?;
    let table = match score_table::score_csv(&m, &data) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("spur: {leads_path}: {e}");
            return Ok(ExitCode::from(1));
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

fn clusters_cmd(f: &Flags) -> anyhow::Result<ExitCode> {
    let mut o = String::new();
    use spur_core::leads::profile::{explore, ClusterMethod, ExploreConfig};
    let imp = match import(f)? {
        Ok(imp) => imp,
        Err(code) => return Ok(code),
    };
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

fn generate_cmd(f: &Flags) -> anyhow::Result<ExitCode> {
    let out = f
        .out
        .as_deref()
        .with_context(|| format!("-o FILE is required\n\n{USAGE}"))?;
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
    Ok(ExitCode::SUCCESS)
}
