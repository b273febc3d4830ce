//! `spur bench kmeans`: Spur's k-means on the same data and with the same parameters as the
//! scikit-learn peer script (`shared/bench/sklearn_kmeans.py`), printing comparable JSON.
//!
//! `--write-csv PATH` writes seeded uniform data (header row, numeric columns) so both tools can
//! read the same file; `--data PATH` reads such a file; otherwise the data is generated in
//! memory. Timing covers `kmeans` only (seeding + iterations), like the peer's `fit`.

use anyhow::{bail, Context};
use spur_core::leads::kmeans::{kmeans, KMeansConfig};
use spur_core::leads::rng::Rng;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

struct Args {
    rows: usize,
    dims: usize,
    k: usize,
    iters: usize,
    seed: u64,
    repeats: usize,
    data: Option<String>,
    write_csv: Option<String>,
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    match args.first().map(String::as_str) {
        Some("kmeans") => kmeans_bench(&args[1..]),
        _ => bail!("usage: spur bench kmeans [--rows 100000 --dims 20 --k 8 --iters 20 --seed 0 --repeats 3] [--data CSV | --write-csv CSV]"),
    }
}

fn parse(args: &[String]) -> anyhow::Result<Args> {
    let mut a = Args {
        rows: 100_000,
        dims: 20,
        k: 8,
        iters: 20,
        seed: 0,
        repeats: 3,
        data: None,
        write_csv: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => a.rows = value()?.parse()?,
            "--dims" => a.dims = value()?.parse()?,
            "--k" => a.k = value()?.parse()?,
            "--iters" => a.iters = value()?.parse()?,
            "--seed" => a.seed = value()?.parse()?,
            "--repeats" => a.repeats = value()?.parse::<usize>()?.max(1),
            "--data" => a.data = Some(value()?.clone()),
            "--write-csv" => a.write_csv = Some(value()?.clone()),
            other => bail!("unknown flag `{other}` for `spur bench kmeans`"),
        }
    }
    Ok(a)
}

fn kmeans_bench(args: &[String]) -> anyhow::Result<ExitCode> {
    let a = parse(args)?;
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
        return Ok(ExitCode::SUCCESS);
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
    Ok(ExitCode::SUCCESS)
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
            bail!("{path}: line {}: expected {dims} fields", i + 2);
        }
    }
    Ok((data.clone(), data.len() / dims.max(1), dims))
}
