//! `spur convert IN OUT`: read an event log in any format Spur reads and write it in the format
//! OUT's name asks for (`.csv .tsv .xes .xes.gz .parquet .arrow/.ipc/.feather`).
//!
//! Reading is core's `open::open_log` (the format from the bytes, then the name); the role
//! options override detected column roles as in `spur stats`. Import issues are summarised on
//! stderr. [`read_log`] is shared with `spur bench-log`.

use crate::args::ImportArgs;
use crate::exit::usage;
use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::export::{self, ExportFormat};
use spur_core::import::ImportOptions;
use spur_core::log::EventLog;
use spur_core::open;
use std::time::Instant;

/// `spur convert IN OUT`: convert an event log between formats.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "IN: a CSV/TSV, XES, XES.gz, Parquet or Arrow IPC event log, or an OCEL file (.jsonocel
.xmlocel .sqlite, OCEL 1.0 JSON/XML), which converts to OUT.jsonocel (OCEL 2.0 JSON).
OUT: the format follows the name: .csv .tsv .xes .xes.gz .parquet .arrow .ipc .feather"
)]
pub struct ConvertArgs {
    /// The event log to read.
    #[arg(value_name = "IN")]
    pub input: String,
    /// The file to write (or, with --partitions, the folder).
    #[arg(value_name = "OUT")]
    pub output: String,
    /// Write a Parquet dataset for SQL engines: N files OUT/part-NNNNN.parquet split by a hash
    /// of the case id (every case in one file); OUT must hold no Parquet yet.
    #[arg(long, value_name = "N", value_parser = partitions)]
    pub partitions: Option<usize>,
    #[command(flatten)]
    pub import: ImportArgs,
}

/// A log read for a subcommand, with the import notes every shell shows.
pub struct Read {
    pub log: EventLog,
    pub notes: Vec<String>,
}

/// Import issues listed per file (the rest are counted).
const NOTES_SHOWN: usize = 5;

/// Reads the event log at `path` for a subcommand: the file's import notes go to stderr as
/// `spur: PATH: …`, and a log the importers refuse is reported the same way and becomes exit
/// code 1 (the `Err`), so every command opens its log with the same words.
pub fn open_log(path: &str, options: &ImportOptions) -> Result<EventLog, Failure> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {path}"))?;
    match read_log(path, &bytes, options) {
        Ok(read) => {
            for note in &read.notes {
                eprintln!("spur: {path}: {note}");
            }
            Ok(read.log)
        }
        Err(e) => Err(Failure::refused(format!("{path}: {e}"))),
    }
}

/// Read the event log `bytes` of the file `name` in whichever format it is (core's one entry,
/// as the browser opens it).
pub fn read_log(name: &str, bytes: &[u8], options: &ImportOptions) -> Result<Read, String> {
    let (log, report) = open::open_log(name, bytes, options).map_err(|e| e.to_string())?;
    Ok(Read {
        log,
        notes: report.notes(NOTES_SHOWN),
    })
}

/// `--partitions N`: 1 to 10000 files.
fn partitions(v: &str) -> Result<usize, String> {
    v.parse::<usize>()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| "--partitions takes a number from 1 to 10000".to_string())
}

pub fn run(args: ConvertArgs) -> Outcome {
    let options = args.import.options()?;
    let (input, output) = (&args.input, &args.output);
    if let Some(parts) = args.partitions {
        return write_partitioned(input, output, &options, parts);
    }
    // Object-centric inputs (issue 17) convert between OCEL formats.
    if crate::ocel::is_ocel(input, &crate::ocel::head(input)) {
        return crate::ocel::convert(input, output);
    }
    let Some(format) = ExportFormat::from_file_name(output) else {
        usage!(
            "cannot tell the output format from the name `{output}`: end it with one of {}",
            ExportFormat::EXTENSIONS
        );
    };
    let same = match (std::fs::canonicalize(input), std::fs::canonicalize(output)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        usage!("IN and OUT are the same file ({input}); write to another name");
    }
    let started = Instant::now();
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
    let read = match read_log(input, &bytes, &options) {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::refused(format!("{input}: {e}")));
        }
    };
    drop(bytes);
    for note in &read.notes {
        eprintln!("spur: {input}: {note}");
    }
    // Parquet gets the row-number column, so SQL engines keep ties in time in file order.
    let written = match format {
        ExportFormat::Parquet => spur_core::arrow::parquet::write(
            &read.log,
            &spur_core::arrow::WriteOptions {
                row_numbers: true,
                ..Default::default()
            },
        )
        .map_err(|e| e.to_string()),
        _ => export::export(&read.log, format).map_err(|e| e.to_string()),
    };
    let out = match written {
        Ok(out) => out,
        Err(e) => {
            return Err(Failure::refused(format!("cannot write {output}: {e}")));
        }
    };
    std::fs::write(output, &out).with_context(|| format!("cannot write {output}"))?;
    eprintln!(
        "spur: wrote {output} ({format:?}, {} bytes): {} events, {} cases, in {:.2} s",
        out.len(),
        read.log.num_events(),
        read.log.num_cases(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `--partitions N`: the log as a folder of Parquet files split by case hash.
fn write_partitioned(input: &str, folder: &str, options: &ImportOptions, parts: usize) -> Outcome {
    let dir = std::path::Path::new(folder);
    if dir.is_file() {
        usage!("--partitions writes a folder, and {folder} is a file");
    }
    if dir.is_dir() {
        let has_parquet = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {folder}"))?
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "parquet"));
        if has_parquet {
            usage!("{folder} already holds Parquet files; write the dataset to an empty folder");
        }
    }
    let started = Instant::now();
    let log = open_log(input, options)?;
    let options = spur_core::arrow::WriteOptions {
        row_numbers: true,
        ..Default::default()
    };
    let files = match spur_core::arrow::parquet::write_partitioned(&log, &options, parts) {
        Ok(f) => f,
        Err(e) => {
            return Err(Failure::refused(format!("cannot write {folder}: {e}")));
        }
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {folder}"))?;
    let mut bytes = 0;
    for (part, data) in &files {
        let path = dir.join(format!("part-{part:05}.parquet"));
        std::fs::write(&path, data).with_context(|| format!("cannot write {}", path.display()))?;
        bytes += data.len();
    }
    eprintln!(
        "spur: wrote {folder}/ ({} Parquet files of {parts}, {bytes} bytes): {} events, {} cases, in {:.2} s",
        files.len(),
        log.num_events(),
        log.num_cases(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
