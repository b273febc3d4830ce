//! Flags several subcommands share, declared once for clap: the column roles and CSV dialect
//! of the log (`--case`, `--activity`, …, `--delimiter`) and the SQL engine choice
//! (`--engine`, `--master`, `--engine-timeout`).

use crate::exit::Failure;
use clap::Args;
use spur_core::import::ImportOptions;

/// Column roles (or XES attributes) that override the detected ones, and the CSV delimiter.
#[derive(Args, Debug, Clone, Default)]
pub struct ImportArgs {
    /// Column of the case id.
    #[arg(long, value_name = "C")]
    pub case: Option<String>,
    /// Column of the activity.
    #[arg(long, value_name = "A")]
    pub activity: Option<String>,
    /// Column of the (completion) timestamp.
    #[arg(long, value_name = "T")]
    pub timestamp: Option<String>,
    /// Column of the resource.
    #[arg(long, value_name = "R")]
    pub resource: Option<String>,
    /// Column of the start timestamp.
    #[arg(long, value_name = "S")]
    pub start_timestamp: Option<String>,
    /// CSV delimiter: one character, `tab` or `\t`.
    #[arg(long, value_name = "D")]
    pub delimiter: Option<String>,
}

impl ImportArgs {
    /// The import options these flags ask for; a delimiter of more than one character is a
    /// usage error.
    pub fn options(&self) -> Result<ImportOptions, Failure> {
        let mut options = ImportOptions::default();
        options.mapping.case = self.case.clone();
        options.mapping.activity = self.activity.clone();
        options.mapping.timestamp = self.timestamp.clone();
        options.mapping.resource = self.resource.clone();
        options.mapping.start_timestamp = self.start_timestamp.clone();
        if let Some(d) = &self.delimiter {
            let d = if d == "\\t" || d == "tab" { "\t" } else { d };
            match d.as_bytes() {
                [b] => options.csv.delimiter = Some(*b),
                _ => {
                    return Err(Failure::usage(format!(
                        "--delimiter takes one character, got `{d}`"
                    )))
                }
            }
        }
        Ok(options)
    }
}

/// An SQL engine that reads Parquet datasets in place of loading the events.
#[derive(Args, Debug, Clone, Default)]
pub struct EngineArgs {
    /// duckdb or spark: the engine computes the answer from Parquet dataset(s).
    #[arg(long, value_name = "duckdb|spark")]
    pub engine: Option<String>,
    /// Spark master: local[*] (the default), local[N], or spark://HOST:PORT.
    #[arg(long, value_name = "M")]
    pub master: Option<String>,
    /// The longest wait in seconds for one answer of the engine (default 60); then it is killed.
    #[arg(long, value_name = "SECONDS", allow_hyphen_values = true)]
    pub engine_timeout: Option<String>,
}

impl EngineArgs {
    /// The engine the flags name, if any (`--master` and `--engine-timeout` need `--engine`).
    pub fn choice(&self) -> Result<Option<crate::engine::Choice>, Failure> {
        crate::engine::Choice::from_flags(
            self.engine.clone(),
            self.master.clone(),
            self.engine_timeout.clone(),
        )
        .map_err(Failure::usage)
    }
}
