//! One way to open an event log: bytes + file name + options → [`EventLog`] + one
//! [`LogReport`], for every shell (the CLI's commands, the browser's worker).
//!
//! Why it exists: each shell used to pick the format and the reader itself, and they disagreed
//! (one shell read an Arrow IPC stream the others refused, one reported Parquet as CSV, one
//! dropped the nulled values). Here the format is decided once ([`detect`]: magic bytes first —
//! Parquet `PAR1`, an Arrow IPC file's `ARROW1` or a stream's continuation marker, gzip, XML —
//! then the name), the table reader (`arrow`) or the push importers (`import`) read it, and
//! the report has one serde shape for every format and names the true one.
//!
//! Not here: object-centric logs (see `ocel::import`), and files (the shells pass bytes).

use crate::arrow::{self, ArrowLogError, ArrowReport, RejectedRow};
use crate::import::csv::CsvDialect;
use crate::import::{
    self, ImportError, ImportOptions, ImportReport, Importer, Issue, IssueKind, Progress,
};
use crate::log::EventLog;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every format an event log is opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Delimited text: CSV, TSV, semicolon- or pipe-separated.
    Csv,
    /// gzip-compressed delimited text.
    CsvGz,
    /// IEEE 1849 XES.
    Xes,
    /// gzip-compressed XES.
    XesGz,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC, file or stream (Feather v2).
    ArrowIpc,
}

impl LogFormat {
    /// Read whole by the table reader (not pushed through the text importers).
    pub fn is_table(self) -> bool {
        matches!(self, LogFormat::Parquet | LogFormat::ArrowIpc)
    }
}

impl From<import::Format> for LogFormat {
    fn from(f: import::Format) -> Self {
        match f {
            import::Format::Csv => LogFormat::Csv,
            import::Format::CsvGz => LogFormat::CsvGz,
            import::Format::Xes => LogFormat::Xes,
            import::Format::XesGz => LogFormat::XesGz,
        }
    }
}

/// The first bytes of an Arrow IPC stream: the continuation marker of its first message.
const IPC_STREAM_MARKER: [u8; 4] = [0xff; 4];
/// Names of Arrow IPC files and streams.
const IPC_EXTENSIONS: [&str; 4] = [".arrow", ".ipc", ".feather", ".arrows"];

/// The format of a file called `file_name` starting with `head` (a few hundred bytes are
/// enough): table magic bytes first, then a table name, then the push importers' detection
/// (gzip, XML, the name, else CSV).
pub fn detect(file_name: &str, head: &[u8]) -> LogFormat {
    let lower = file_name.to_ascii_lowercase();
    if head.starts_with(b"PAR1") || lower.ends_with(".parquet") {
        LogFormat::Parquet
    } else if head.starts_with(arrow::ipc::FILE_MAGIC)
        || head.starts_with(&IPC_STREAM_MARKER)
        || IPC_EXTENSIONS.iter().any(|e| lower.ends_with(e))
    {
        LogFormat::ArrowIpc
    } else {
        import::detect_format(file_name, head).into()
    }
}

/// What opening a log read, in one shape for every format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogReport {
    /// The format the log was read as (after gzip: `csv_gz`, `xes_gz`).
    pub format: LogFormat,
    /// Data rows (CSV, tables) or `<event>` elements (XES) read.
    pub rows: u64,
    /// Events in the log.
    pub events: u64,
    /// Cases in the log.
    pub cases: u64,
    /// Rows rejected (not imported).
    pub rejected: u64,
    /// Rows or values repaired; for tables the values set to null (see `nulled_values`).
    pub repaired: u64,
    /// Tables: values set to null because they could not be represented (0 for text).
    pub nulled_values: u64,
    /// Text formats: the line reached at the end (0 for tables).
    pub lines: u64,
    /// Text formats: the first issues (rejected, repaired or skipped), in input order.
    pub issues: Vec<Issue>,
    /// Text formats: all issues counted by reason.
    pub counts: BTreeMap<IssueKind, u64>,
    /// Tables: the first rejected rows.
    pub rejected_rows: Vec<RejectedRow>,
    /// Tables: the columns skipped, `(name, Arrow type)`.
    pub skipped_columns: Vec<(String, String)>,
    /// CSV: the dialect and column roles used.
    pub csv: Option<CsvDialect>,
}

impl LogReport {
    fn from_text(r: ImportReport) -> Self {
        LogReport {
            format: r.format.into(),
            rows: r.rows,
            events: r.events,
            cases: r.cases,
            rejected: r.rejected,
            repaired: r.repaired,
            nulled_values: 0,
            lines: r.lines,
            issues: r.issues,
            counts: r.counts,
            rejected_rows: Vec::new(),
            skipped_columns: Vec::new(),
            csv: r.csv,
        }
    }

    fn from_table(format: LogFormat, log: &EventLog, r: ArrowReport) -> Self {
        LogReport {
            format,
            rows: r.rows,
            events: log.num_events() as u64,
            cases: log.num_cases() as u64,
            rejected: r.rejected,
            repaired: r.nulled_values,
            nulled_values: r.nulled_values,
            lines: 0,
            issues: Vec::new(),
            counts: BTreeMap::new(),
            rejected_rows: r.rejected_rows,
            skipped_columns: r.skipped_columns,
            csv: None,
        }
    }

    /// The report in a few readable lines, as every shell shows it: the rejected and repaired
    /// counts with the first `max_issues` issues (text), or the rejected rows, nulled values and
    /// skipped columns (tables). Empty when nothing was lost or changed.
    pub fn notes(&self, max_issues: usize) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.format.is_table() {
            if self.rejected > 0 || self.repaired > 0 {
                notes.push(format!(
                    "{} rows rejected, {} repaired",
                    self.rejected, self.repaired
                ));
                for issue in self.issues.iter().take(max_issues) {
                    notes.push(format!("line {}: {}", issue.line, issue.message));
                }
            }
            return notes;
        }
        if self.rejected > 0 {
            let first = self.rejected_rows.first().map(|r| {
                format!(
                    " (first: row {}, column `{}`: {})",
                    r.row, r.column, r.reason
                )
            });
            notes.push(format!(
                "{} rows rejected{}",
                self.rejected,
                first.unwrap_or_default()
            ));
        }
        if self.nulled_values > 0 {
            notes.push(format!(
                "{} unreadable values set to null",
                self.nulled_values
            ));
        }
        for (column, ty) in &self.skipped_columns {
            notes.push(format!("column `{column}` ({ty}) skipped"));
        }
        notes
    }
}

/// Why a log could not be opened: the reader's own located error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// CSV/TSV, XES or gzip of either.
    #[error(transparent)]
    Text(#[from] ImportError),
    /// Parquet or Arrow IPC.
    #[error(transparent)]
    Table(#[from] ArrowLogError),
}

impl OpenError {
    /// Stable machine-readable code, for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            OpenError::Text(e) => e.code(),
            OpenError::Table(e) => e.code(),
        }
    }
}

/// Open the event log `bytes` of the file `file_name`, in whichever format it is
/// ([`ImportOptions::format`] forces a text format; the mapping applies to every format).
pub fn open_log(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(EventLog, LogReport), OpenError> {
    open_log_with(file_name, bytes, options, &mut |_| {})
}

/// Input bytes pushed into a text importer at once (so the limits stop a runaway line early,
/// and a shell can show progress between chunks).
const CHUNK: usize = 1 << 20;

/// [`open_log`], calling `progress` after every chunk a text importer reads.
pub fn open_log_with(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(EventLog, LogReport), OpenError> {
    let mut opening = Opening::new(file_name, bytes, options);
    while !opening.is_read() {
        progress(opening.step(bytes));
    }
    opening.finish(bytes)
}

/// An [`open_log`] taken one chunk at a time, so that a shell with a single thread (the
/// browser's worker) can look at its messages between chunks — a Cancel among them — and
/// drop the opening without touching the log it already holds.
///
/// The caller keeps the bytes and passes the same slice to every call. Tables (Parquet, Arrow)
/// are read whole by [`Opening::finish`]: their readers are not incremental, and they are the
/// fast formats.
pub struct Opening {
    format: LogFormat,
    options: ImportOptions,
    text: Option<Importer>,
    /// Bytes pushed so far.
    at: usize,
    /// All pushed, or the importer failed.
    read: bool,
}

impl Opening {
    /// Decide the format of `bytes` (the file called `file_name`) and start reading it.
    pub fn new(file_name: &str, bytes: &[u8], options: &ImportOptions) -> Self {
        let format = match options.format {
            Some(f) => f.into(),
            None => detect(file_name, &bytes[..bytes.len().min(512)]),
        };
        let text = (!format.is_table()).then(|| Importer::new(file_name, options));
        Opening {
            format,
            options: options.clone(),
            read: text.is_none(),
            text,
            at: 0,
        }
    }

    /// The format being read.
    pub fn format(&self) -> LogFormat {
        self.format
    }

    /// Every chunk has been read (or the import failed): [`Opening::finish`] is next.
    pub fn is_read(&self) -> bool {
        self.read
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> usize {
        self.at
    }

    /// Read the next chunk of `bytes`.
    pub fn step(&mut self, bytes: &[u8]) -> Progress {
        let Some(importer) = self.text.as_mut() else {
            return Progress::default();
        };
        let end = bytes.len().min(self.at.saturating_add(CHUNK));
        let p = importer.push(bytes.get(self.at..end).unwrap_or_default());
        self.at = end;
        self.read = p.failed || end >= bytes.len();
        p
    }

    /// The log and its report, or why it could not be read.
    pub fn finish(self, bytes: &[u8]) -> Result<(EventLog, LogReport), OpenError> {
        match self.text {
            None => {
                let (log, report) = read_table(self.format, bytes, &self.options)?;
                let report = LogReport::from_table(self.format, &log, report);
                Ok((log, report))
            }
            Some(importer) => {
                let (log, report) = importer.finish()?;
                Ok((log, LogReport::from_text(report)))
            }
        }
    }
}

fn read_table(
    format: LogFormat,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    match format {
        #[cfg(feature = "parquet")]
        LogFormat::Parquet => arrow::parquet::read(bytes, &options.mapping),
        #[cfg(not(feature = "parquet"))]
        LogFormat::Parquet => Err(ArrowLogError::Malformed {
            format: "Parquet",
            row_group: None,
            column: None,
            message: "this build of Spur was made without Parquet support; convert the file \
                      to CSV or Arrow IPC"
                .into(),
        }),
        _ => arrow::ipc::read(bytes, &options.mapping),
    }
}

#[cfg(test)]
mod tests;
