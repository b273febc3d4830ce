//! Exporters: EventLog → bytes of a CSV/TSV, XES, XES.gz, Parquet or Arrow IPC file.
//!
//! Every exporter writes what the importers read back to the same log (same cases, events,
//! order, timestamps, resources and attributes; CSV re-infers attribute types from text). Column
//! and attribute names follow pm4py: `case:concept:name`, `concept:name`,
//! `time:timestamp`, `org:resource`, case attributes as `case:<key>` in tables
//! ([`ColumnNames`](crate::arrow::ColumnNames)). Timestamps are
//! written in UTC (ISO 8601 with milliseconds and `Z`, or Arrow `Timestamp(ms, "UTC")`).
//!
//! Exporters return the whole file as bytes: the shells write it. Not here: reading (see
//! `import` and `arrow`).

pub mod csv;
pub mod xes;

use crate::arrow::{ArrowLogError, WriteOptions};
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// A format Spur can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Tsv,
    Xes,
    XesGz,
    #[cfg(feature = "parquet")]
    Parquet,
    /// Arrow IPC file format (Feather v2).
    ArrowIpc,
}

impl ExportFormat {
    /// The format a file name asks for (`.csv`, `.tsv`, `.xes`, `.xes.gz`, `.parquet`, `.arrow`,
    /// `.ipc`, `.feather`), case-insensitively.
    pub fn from_file_name(name: &str) -> Option<ExportFormat> {
        let name = name.to_ascii_lowercase();
        let ends = |s: &str| name.ends_with(s);
        Some(match () {
            _ if ends(".csv") => ExportFormat::Csv,
            _ if ends(".tsv") || ends(".tab") => ExportFormat::Tsv,
            _ if ends(".xes") => ExportFormat::Xes,
            _ if ends(".xes.gz") => ExportFormat::XesGz,
            #[cfg(feature = "parquet")]
            _ if ends(".parquet") => ExportFormat::Parquet,
            _ if ends(".arrow") || ends(".ipc") || ends(".feather") => ExportFormat::ArrowIpc,
            _ => return None,
        })
    }

    /// The file name endings [`from_file_name`](Self::from_file_name) knows, for messages.
    pub const EXTENSIONS: &'static str = ".csv .tsv .xes .xes.gz .parquet .arrow .ipc .feather";
}

/// Why a log could not be exported (all writers work in memory: only limits can fail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Arrow(#[from] ArrowLogError),
    #[error("gzip: {0}")]
    Gzip(String),
    #[error("{0} is not available in this build")]
    Unsupported(&'static str),
}

impl ExportError {
    /// Stable machine-readable code, for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::Arrow(e) => e.code(),
            ExportError::Gzip(_) => "gzip",
            ExportError::Unsupported(_) => "unsupported",
        }
    }
}

/// Write `log` in `format` with default options (pm4py column names, UTC timestamps).
pub fn export(log: &EventLog, format: ExportFormat) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        ExportFormat::Csv => csv::write(log, &csv::CsvExportOptions::default()),
        ExportFormat::Tsv => csv::write(
            log,
            &csv::CsvExportOptions {
                delimiter: b'\t',
                ..Default::default()
            },
        ),
        ExportFormat::Xes => xes::write(log),
        ExportFormat::XesGz => xes::write_gz(log)?,
        #[cfg(feature = "parquet")]
        ExportFormat::Parquet => crate::arrow::parquet::write(log, &WriteOptions::default())?,
        ExportFormat::ArrowIpc => crate::arrow::ipc::write_file(log, &WriteOptions::default())?,
    })
}
