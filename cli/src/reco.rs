//! `spur reco …`: checkout recommendations on files — generate a synthetic shop, evaluate
//! (next-item protocol vs baselines), train an artifact, recommend for a session.
//!
//! Computing is spur-core's (`reco`); this module reads files, parses flags, shows progress
//! on a terminal and prints text or JSON. Refused input exits 1, usage and I/O trouble 2.

use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use crate::meter::Meter;
use anyhow::Context;
use spur_core::import::{timestamp, ImportOptions, Mapping};
use spur_core::open::open_log;
use spur_core::reco::blend::BlendWeights;
use spur_core::reco::clicks::{ClickColumns, ClickLog};
use spur_core::reco::evaluate::{self, EvalProgress};
use spur_core::reco::generate::{shop, ShopOptions};
use spur_core::reco::profile::parse_profile;
use spur_core::reco::recommend::{recommend, BusinessRules, Request};
use spur_core::reco::response::{ModelInfo, RecommendResponse};
use spur_core::reco::tune::Control;
use spur_core::reco::{artifact, train::TrainOptions};

mod args;
pub use args::{RecoArgs, RecoCommand};

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
    mapping: Mapping,
    cols: ClickColumns,
    test_days: Option<f64>,
    k: Option<usize>,
    seed: u64,
    json: bool,
    out: Option<String>,
    sessions: usize,
    items: usize,
    clicks: Vec<String>,
    basket: Vec<String>,
    out_of_stock: Vec<String>,
    profile: Option<String>,
    max_per_category: Option<usize>,
    keep_basket: bool,
    blend: Option<BlendWeights>,
    repeats: usize,
    chart: Option<String>,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn flags(a: RecoArgs) -> Result<Flags, Failure> {
    let mut f = Flags {
        files: a.files,
        test_days: a.test_days,
        k: a.k,
        seed: a.seed,
        json: a.json,
        out: a.out,
        sessions: a.sessions,
        items: a.items,
        clicks: a.clicks.as_deref().map(list).unwrap_or_default(),
        basket: a.basket.as_deref().map(list).unwrap_or_default(),
        out_of_stock: a.out_of_stock.as_deref().map(list).unwrap_or_default(),
        profile: a.profile,
        max_per_category: a.max_per_category,
        keep_basket: a.keep_basket,
        repeats: a.repeats,
        chart: a.chart,
        ..Flags::default()
    };
    f.mapping.case = a.session;
    f.mapping.activity = a.item;
    f.mapping.timestamp = a.time;
    f.cols.customer = a.customer;
    f.cols.event_type = a.event_type;
    f.cols.category = a.category;
    f.cols.price = a.price;
    f.cols.in_stock = a.in_stock;
    if let Some(text) = &a.blend {
        let w: Vec<f64> = list(text)
            .iter()
            .map(|x| x.parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| Failure::usage("--blend takes KNN,RULES,REPEAT,POP weights"))?;
        let [knn, rules, repeat, pop] = w[..] else {
            usage!("--blend takes four weights KNN,RULES,REPEAT,POP");
        };
        if w.iter().any(|x| !x.is_finite() || *x < 0.0) {
            usage!("--blend weights must be finite and non-negative");
        }
        f.blend = Some(BlendWeights {
            knn,
            rules,
            repeat,
            pop,
        });
    }
    Ok(f)
}

pub fn run(command: RecoCommand) -> Outcome {
    match command {
        RecoCommand::Generate(a) => generate_cmd(&flags(a)?),
        RecoCommand::Evaluate(a) => evaluate_cmd(&flags(a)?),
        RecoCommand::Train(a) => train_cmd(&flags(a)?),
        RecoCommand::Recommend(a) => recommend_cmd(&flags(a)?),
        RecoCommand::Bench(a) => bench_cmd(&flags(a)?),
    }
}

/// Read a clickstream; a refused input is exit code 1.
fn read_clicks(path: &str, f: &Flags) -> Result<ClickLog, Failure> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    let options = ImportOptions {
        mapping: f.mapping.clone(),
        ..ImportOptions::default()
    };
    let (log, report) = match open_log(path, &bytes, &options) {
        Ok(x) => x,
        Err(e) => return Err(Failure::refused(format!("{path}: {e}"))),
    };
    if report.rejected > 0 {
        eprintln!("spur: {path}: {} rows skipped", report.rejected);
    }
    ClickLog::from_event_log(&log, &f.cols).map_err(|e| Failure::refused(format!("{path}: {e}")))
}

/// Training options from the flags: `--blend` fixes the weights (no tuning).
fn train_options(f: &Flags) -> TrainOptions {
    let mut o = TrainOptions {
        seed: f.seed,
        k: f.k.unwrap_or(20).clamp(1, 100),
        ..TrainOptions::default()
    };
    if let Some(b) = f.blend {
        o.tune = false;
        o.params.blend = b;
    }
    o
}

fn generate_cmd(f: &Flags) -> Outcome {
    let dir = f.out.as_deref().context("-o DIR is required")?;
    let s = shop(&ShopOptions {
        sessions: f.sessions,
        items: f.items,
        seed: f.seed,
    });
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {dir}"))?;
    let dir = std::path::Path::new(dir);
    for (name, text) in [
        ("clicks.csv", &s.clicks_csv),
        ("catalog.csv", &s.catalog_csv),
        ("profiles.ndjson", &s.profiles_ndjson),
        ("truth.json", &s.truth_json),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    eprintln!(
        "wrote {} sessions, {} clicks over {} items to {}: clicks.csv (session_id, item_id, timestamp = epoch seconds), catalog.csv, profiles.ndjson, truth.json",
        f.sessions,
        s.clicks,
        f.items.max(50),
        dir.display()
    );
    Ok(())
}

fn evaluate_cmd(f: &Flags) -> Outcome {
    let (train_log, test_log) = match f.files.as_slice() {
        [train] => {
            let all = read_clicks(train, f)?;
            match all.split_last_days(f.test_days.unwrap_or(1.0)) {
                Ok(x) => x,
                Err(e) => {
                    return Err(Failure::refused(format!("{train}: {e}")));
                }
            }
        }
        [train, test] => {
            if f.test_days.is_some() {
                usage!("--test-days splits one file; with TRAIN and TEST leave it out");
            }
            let a = read_clicks(train, f)?;
            let b = read_clicks(test, f)?;
            (a, b)
        }
        _ => usage!("expected TRAIN [TEST], got {} files", f.files.len()),
    };
    let k = f.k.unwrap_or(20).clamp(1, 100);
    let options = train_options(f);
    let mut meter = Meter::new();
    let started = std::time::Instant::now();
    // The chart's curves run to k = 50 (as on the web app's Recommendations screen).
    let max_k = if f.chart.is_some() { k.max(50) } else { k };
    let result = evaluate::evaluate(&train_log, &test_log, &options, k, max_k, &mut |p| {
        match p {
            EvalProgress::Training(t) => meter.show("tuning", t.done, t.total),
            EvalProgress::Testing { done, total } => meter.show("testing", *done, *total),
        }
        Control::Continue
    });
    meter.done();
    let (e, curve, _) = match result {
        Ok(x) => x,
        Err(err) => {
            return Err(Failure::refused(format!("{err}")));
        }
    };
    if let Some(path) = &f.chart {
        let title = match f.test_days {
            _ if f.files.len() == 2 => "Next-item accuracy on the test file".to_string(),
            days => format!(
                "Next-item accuracy, sessions of the last {} day(s)",
                days.unwrap_or(1.0)
            ),
        };
        let svg = spur_core::chart::curves::hit_rate_chart(&title, &curve, k as u32);
        std::fs::write(path, svg).with_context(|| format!("cannot write {path}"))?;
    }
    let mut o = String::new();
    if f.json {
        say!(o, "{}", serde_json::to_string_pretty(&e)?);
        return emit(&o);
    }
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    say!(
        o,
        "{} training sessions, {} test sessions, {} next-item positions ({:.1} s)",
        e.train_sessions,
        e.test_sessions,
        e.test_positions,
        started.elapsed().as_secs_f64()
    );
    say!(
        o,
        "{:<10} {:>8} {:>8}",
        "",
        format!("HR@{k}"),
        format!("MRR@{k}")
    );
    say!(
        o,
        "{:<10} {:>8} {:>8.4}",
        "spur",
        pct(e.spur.hr),
        e.spur.mrr
    );
    say!(
        o,
        "{:<10} {:>8} {:>8.4}",
        "item-kNN",
        pct(e.baselines.item_knn.hr),
        e.baselines.item_knn.mrr
    );
    say!(
        o,
        "{:<10} {:>8} {:>8.4}",
        "popular",
        pct(e.baselines.pop.hr),
        e.baselines.pop.mrr
    );
    say!(
        o,
        "spur: item coverage {}, popularity bias {:.3}; blend knn {} rules {} repeat {} pop {}",
        pct(e.spur.coverage),
        e.spur.popularity_bias,
        e.params.blend.knn,
        e.params.blend.rules,
        e.params.blend.repeat,
        e.params.blend.pop
    );
    emit(&o)
}

fn train_cmd(f: &Flags) -> Outcome {
    let out = f.out.as_deref().context("-o MODEL is required")?;
    let [path] = f.files.as_slice() else {
        usage!("expected one LOG, got {}", f.files.len());
    };
    let log = read_clicks(path, f)?;
    let options = train_options(f);
    let mut meter = Meter::new();
    let started = std::time::Instant::now();
    let result = spur_core::reco::train(&log, &options, &mut |p| {
        meter.show("tuning", p.done, p.total);
        Control::Continue
    });
    meter.done();
    let m = match result {
        Ok(m) => m,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let bytes = artifact::encode(&m, now_ms);
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {out}"))?;
    let header =
        spur_core::model::read_header(&bytes).map_err(|e| Failure::usage(e.to_string()))?;
    let mut o = String::new();
    if f.json {
        let v = serde_json::json!({"model": out, "bytes": bytes.len(), "sha256": header.sha256,
            "seconds": seconds, "summary": header.summary});
        say!(o, "{}", serde_json::to_string_pretty(&v)?);
    } else {
        say!(
            o,
            "trained on {} sessions, {} items in {seconds:.2} s; wrote {out} ({} bytes, sha256 {})",
            m.train_sessions,
            m.items.len(),
            bytes.len(),
            header.sha256
        );
    }
    emit(&o)
}

fn recommend_cmd(f: &Flags) -> Outcome {
    let [path] = f.files.as_slice() else {
        usage!("expected one MODEL, got {}", f.files.len());
    };
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    let (header, m) = match artifact::decode(&bytes) {
        Ok(x) => x,
        Err(e) => {
            return Err(Failure::refused(format!("{path}: {e}")));
        }
    };
    let profile = match &f.profile {
        None => None,
        Some(p) => {
            let b = std::fs::read(p).with_context(|| format!("cannot read {p}"))?;
            match parse_profile(&b) {
                Ok(x) => Some(x),
                Err(e) => {
                    return Err(Failure::refused(format!("{p}: {e}")));
                }
            }
        }
    };
    let req = Request {
        clicks: f.clicks.clone(),
        basket: f.basket.clone(),
        k: f.k.unwrap_or(10),
        profile,
        rules: BusinessRules {
            drop_basket: !f.keep_basket,
            out_of_stock: f.out_of_stock.clone(),
            max_per_category: f.max_per_category,
            ..BusinessRules::default()
        },
    };
    let r = recommend(&m, &req);
    let mut o = String::new();
    if f.json {
        // The `/recommend` response shape (spur_core::reco::response).
        let v = RecommendResponse {
            items: r.items,
            model: Some(ModelInfo {
                kind: header.kind,
                sha256: header.sha256.clone(),
                created_at: timestamp::format_iso(header.created_at_ms),
            }),
            profile: r.profile,
            degraded: r.degraded,
        };
        say!(o, "{}", serde_json::to_string_pretty(&v)?);
        return emit(&o);
    }
    if let Some(d) = &r.degraded {
        say!(o, "({d}: answered from popularity)");
    }
    for (i, x) in r.items.iter().enumerate() {
        say!(
            o,
            "{:>3}. {:<20} {:>8.4}  {}",
            i + 1,
            x.item,
            x.score,
            x.reason
        );
    }
    emit(&o)
}

/// CPU seconds this process has used (user + system; Linux `/proc`, else 0): on a shared,
/// loaded machine wall time says little, CPU time what the work costs.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.get(s.rfind(')')? + 2..)?.to_string();
            let f: Vec<&str> = rest.split(' ').collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn bench_cmd(f: &Flags) -> Outcome {
    use std::time::Instant;
    let [path] = f.files.as_slice() else {
        usage!("expected one LOG, got {}", f.files.len());
    };
    let t = Instant::now();
    let log = read_clicks(path, f)?;
    let import_s = t.elapsed().as_secs_f64();
    let options = train_options(f);
    let mut train_s = Vec::new();
    let mut train_cpu_s = Vec::new();
    let mut fit_s = Vec::new();
    let mut model = None;
    for _ in 0..f.repeats.max(1) {
        let (t, c) = (Instant::now(), cpu_s());
        let m = spur_core::reco::train(&log, &options, &mut |_| Control::Continue)
            .map_err(|e| Failure::usage(e.to_string()))?;
        train_s.push(t.elapsed().as_secs_f64());
        train_cpu_s.push(cpu_s() - c);
        let t = Instant::now();
        let fitted = spur_core::reco::train::fit(&log, m.params, None)
            .map_err(|e| Failure::usage(e.to_string()))?;
        fit_s.push(t.elapsed().as_secs_f64());
        drop(fitted);
        model = Some(m);
    }
    let Some(m) = model else {
        usage!("no model");
    };
    let t = Instant::now();
    let bytes = artifact::encode(&m, 0);
    let encode_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (_, back) = artifact::decode(&bytes).map_err(|e| Failure::usage(e.to_string()))?;
    let decode_s = t.elapsed().as_secs_f64();
    // Score the sessions of the log (prefixes up to 5 clicks) through the full request path.
    let mut us = Vec::new();
    let score_cpu = cpu_s();
    for s in log.sessions.iter().rev().take(5000) {
        let clicks: Vec<String> = s
            .clicks
            .iter()
            .take(5)
            .map(|&c| log.items[c as usize].clone())
            .collect();
        let req = Request {
            clicks,
            k: 10,
            ..Request::default()
        };
        let t = Instant::now();
        let r = recommend(&back, &req);
        us.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(r);
    }
    let score_cpu_us = (cpu_s() - score_cpu) * 1e6 / us.len().max(1) as f64;
    us.sort_by(f64::total_cmp);
    let q = |p: f64| {
        us.get(((us.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let v = serde_json::json!({
        "clicks": log.clicks(),
        "sessions": log.sessions.len(),
        "items": m.items.len(),
        "import_s": import_s,
        "train_s": median(&mut train_s),
        "train_cpu_s": median(&mut train_cpu_s),
        "fit_s": median(&mut fit_s),
        "artifact_bytes": bytes.len(),
        "encode_s": encode_s,
        "decode_s": decode_s,
        "score_us": {"p50": q(0.5), "p99": q(0.99), "mean": us.iter().sum::<f64>() / us.len().max(1) as f64,
                     "cpu_mean": score_cpu_us, "n": us.len()},
        "params": m.params,
        "validation": m.validation,
    });
    let mut o = String::new();
    say!(o, "{}", serde_json::to_string_pretty(&v)?);
    emit(&o)
}
