//! `spur bench kmeans`: Spur's k-means on the same data and with the same parameters as the
//! scikit-learn peer script (`shared/bench/sklearn_kmeans.py`), printing comparable JSON.
//!
//! `--write-csv PATH` writes seeded uniform data (header row, numeric columns) so both tools can
//! read the same file; `--data PATH` reads such a file; otherwise the data is generated in
//! memory. Timing covers `kmeans` only (seeding + iterations), like the peer's `fit`.

use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::leads::kmeans::{kmeans, KMeansConfig};
use spur_core::leads::rng::Rng;
use std::io::Write;
use std::time::Instant;

/// `spur bench …`: timings comparable with the peer scripts.
#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// k-means timing, comparable with scikit-learn (shared/bench/sklearn_kmeans.py).
    Kmeans(BenchArgs),
    /// Lead scoring timings: import, train, artifact, scoring.
    Leads(BenchArgs),
    /// Stream operator throughput per window/aggregate, memory per open window, per-event vs
    /// micro-batch latency (Markdown tables).
    Stream(crate::bench_stream::BenchStreamArgs),
}

/// The flags of `spur bench kmeans|leads`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Rows of generated data.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    rows: usize,
    /// Dimensions of generated data.
    #[arg(long, value_name = "D", default_value_t = 20)]
    dims: usize,
    /// Clusters.
    #[arg(long, value_name = "K", default_value_t = 8)]
    k: usize,
    /// Iterations.
    #[arg(long, value_name = "I", default_value_t = 20)]
    iters: usize,
    /// Random seed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Runs; the median is reported.
    #[arg(long, value_name = "N", default_value_t = 3)]
    repeats: usize,
    /// Read the data from this CSV (header row, numeric columns).
    #[arg(long, value_name = "CSV", conflicts_with = "write_csv")]
    data: Option<String>,
    /// Write seeded uniform data to this CSV, for the peer script to read.
    #[arg(long, value_name = "CSV")]
    write_csv: Option<String>,
}

pub fn run(command: BenchCommand) -> Outcome {
    match command {
        BenchCommand::Kmeans(a) => kmeans_bench(a),
        BenchCommand::Leads(a) => leads_bench(a),
        BenchCommand::Stream(a) => crate::bench_stream::run(a),
    }
}

fn kmeans_bench(mut a: BenchArgs) -> Outcome {
    a.repeats = a.repeats.max(1);
    if let Some(path) = &a.write_csv {
        let mut rng = Rng::new(a.seed);
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create {path}"))?,
        );
        let header: Vec<String> = (0..a.dims).map(|j| format!("x{j}")).collect();
        writeln!(out, "{}", header.join(","))?;
        for _ in 0..a.rows {
            let row: Vec<String> = (0..a.dims).map(|_| format!("{:.6}", rng.f64())).collect();
            writeln!(out, "{}", row.join(","))?;
        }
        out.flush()?;
        eprintln!("wrote {} × {} to {path}", a.rows, a.dims);
        return Ok(());
    }
    let (data, rows, dims) = match &a.data {
        Some(path) => read_numeric_csv(path)?,
        None => {
            let mut rng = Rng::new(a.seed);
            (
                (0..a.rows * a.dims).map(|_| rng.f64() as f32).collect(),
                a.rows,
                a.dims,
            )
        }
    };
    let config = KMeansConfig {
        k: a.k,
        max_iter: a.iters,
        tol: 0.0,
        seed: a.seed,
    };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..a.repeats {
        let t = Instant::now();
        let run = kmeans(&data, dims, &config);
        times.push(t.elapsed().as_secs_f64());
        last = Some(run);
    }
    times.sort_by(f64::total_cmp);
    let run = last.context("no run")?;
    let json = serde_json::json!({
        "tool": "spur", "rows": rows, "dims": dims, "k": run.k, "max_iter": a.iters,
        "n_iter": run.iterations, "seconds": times[times.len() / 2], "inertia": run.inertia,
    });
    println!("{json}");
    Ok(())
}

/// Training and scoring throughput of the lead model on synthetic leads: import, train,
/// artifact round trip, scoring `Lead`s in batches of 1,000 and the edge path (JSON body →
/// `parse_score_request` → `score`).
fn leads_bench(a: BenchArgs) -> Outcome {
    use spur_core::leads::request::{parse_score_request, Lead};
    use spur_core::leads::{generate, ranking, table};
    let leads = generate::leads(a.rows, a.seed);
    let csv = generate::leads_csv(&leads);
    let t = Instant::now();
    let mut config = table::ImportConfig::new("won");
    config.value = Some("deal_value".into());
    let imp =
        table::import_csv(csv.as_bytes(), &config).map_err(|e| Failure::usage(e.to_string()))?;
    let import_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let model = ranking::train(&imp.dataset, &ranking::TrainConfig::default());
    let train_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bytes = spur_core::model::encode_leads(&model, 0);
    let (_, model) =
        spur_core::model::decode_leads(&bytes).map_err(|e| Failure::usage(e.to_string()))?;
    let artifact_s = t.elapsed().as_secs_f64();
    let api: Vec<Lead> = leads
        .iter()
        .map(|l| Lead {
            id: Some(l.id.clone()),
            company: Some(l.company.clone()),
            company_size: Some(l.company_size),
            industry: Some(l.industry.into()),
            channel: Some(l.channel.into()),
            hours_to_first_response: Some(l.hours_to_first_response),
            response_weekday: Some(l.response_weekday.into()),
            response_channel: Some(l.response_channel.into()),
        })
        .collect();
    let t = Instant::now();
    let mut scored = 0usize;
    for batch in api.chunks(1000) {
        scored += model.score(batch).len();
    }
    let score_s = t.elapsed().as_secs_f64();
    let body = serde_json::to_vec(&serde_json::json!({ "leads": &api[..api.len().min(1000)] }))?;
    let t = Instant::now();
    let mut requests = 0;
    while t.elapsed().as_secs_f64() < 1.0 {
        let parsed = parse_score_request(&body).map_err(|e| Failure::usage(e.to_string()))?;
        let scores = model.score(&parsed);
        serde_json::to_vec(&scores)?;
        requests += 1;
    }
    let request_s = t.elapsed().as_secs_f64() / requests as f64;
    let json = serde_json::json!({
        "tool": "spur", "rows": a.rows, "csv_bytes": csv.len(), "segments": model.tree.segments.len(),
        "import_seconds": import_s, "train_seconds": train_s, "train_rows_per_second": a.rows as f64 / train_s,
        "artifact_bytes": bytes.len(), "artifact_roundtrip_seconds": artifact_s,
        "score_leads_per_second": scored as f64 / score_s,
        "edge_batch_1000_ms": request_s * 1000.0, "edge_batch_body_bytes": body.len(),
    });
    println!("{json}");
    Ok(())
}

fn read_numeric_csv(path: &str) -> anyhow::Result<(Vec<f32>, usize, usize)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let mut lines = text.lines();
    let dims = lines.next().context("empty file")?.split(',').count();
    let mut data = Vec::new();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let before = data.len();
        for cell in line.split(',') {
            data.push(
                cell.trim()
                    .parse::<f32>()
                    .with_context(|| format!("{path}: line {}: `{cell}` is not a number", i + 2))?,
            );
        }
        if data.len() - before != dims {
            usage!("{path}: line {}: expected {dims} fields", i + 2);
        }
    }
    Ok((data.clone(), data.len() / dims.max(1), dims))
}
