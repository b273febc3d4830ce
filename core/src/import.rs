//! Importers: bytes of an event log (CSV/TSV, XES, gzip of either) → [`EventLog`] + a report.
//!
//! Every importer has the push shape (sans-IO): the caller feeds chunks with
//! [`Importer::push`], gets [`Progress`] back (and may stop or cancel between chunks), and calls
//! [`Importer::finish`]. Memory beyond the log itself is bounded: at most one pending record
//! or tag, limited by [`Limits`]. Input is hostile: nothing here panics on any byte sequence,
//! and every error names its line (and column or attribute where there is one).
//!
//! Rows the importer can read but not use are not errors: they are rejected or repaired and
//! listed in the [`ImportReport`] with their line and a reason. An [`ImportError`] is returned
//! only when the input as a whole cannot be read (not a log, truncated, a limit exceeded).
//!
//! The format is picked by [`Importer::new`] from the first bytes and the file name (gzip magic
//! → gunzip, then `<` → XES, else CSV); [`ImportOptions::format`] overrides it. CSV dialect,
//! encoding, column roles and timestamp formats are detected and can be previewed with
//! [`csv::sniff`] and overridden with [`Mapping`] and [`CsvOptions`].
//!
//! Not here: Parquet/Arrow (see `arrow`; `open` picks between the two for every shell), OCEL,
//! and exporters.

mod bytes;
pub mod csv;
mod gz;
pub(crate) mod lines;
pub mod timestamp;
mod xes;

use crate::log::EventLog;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use timestamp::TimestampFormat;

/// An input format Spur can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimited text: CSV, TSV, semicolon- or pipe-separated.
    Csv,
    /// IEEE 1849 XES.
    Xes,
    /// gzip-compressed XES.
    XesGz,
    /// gzip-compressed CSV.
    CsvGz,
}

/// How to read an input. `Default` detects everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Which column/attribute plays which role.
    pub mapping: Mapping,
    /// CSV dialect overrides.
    pub csv: CsvOptions,
    /// Safety limits.
    pub limits: Limits,
}

/// Column roles. `None` = detect. For XES the names are attribute keys: `activity` and
/// `timestamp` are event keys (defaults `concept:name`, `time:timestamp`), `case` a trace key
/// (default `concept:name`; a `case:` prefix is stripped), `resource` an event key
/// (default `org:resource`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mapping {
    pub case: Option<String>,
    pub activity: Option<String>,
    pub timestamp: Option<String>,
    pub resource: Option<String>,
    pub start_timestamp: Option<String>,
    /// Timestamp format per CSV column name, instead of detection.
    pub timestamp_formats: BTreeMap<String, TimestampFormat>,
    /// CSV columns read as case attributes (first value per case), besides those named
    /// `case:…`; never picked for a role by detection.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub case_attributes: Vec<String>,
    /// CSV columns read as event attributes: never picked for a role by detection, and not a
    /// case attribute even when named `case:…`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub event_attributes: Vec<String>,
}

/// CSV dialect overrides; `None` = detect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CsvOptions {
    /// Field delimiter byte (`,`, `;`, `\t`, `|`, …).
    pub delimiter: Option<u8>,
    /// Does the first row name the columns? Detected when `None`.
    pub has_header: Option<bool>,
    /// Text encoding.
    pub encoding: Option<Encoding>,
}

/// Text encodings the CSV importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    /// UTF-8 with a byte-order mark (stripped).
    Utf8Bom,
    /// ISO-8859-1: every byte is one character.
    Latin1,
}

/// Safety limits against hostile or broken input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Longest CSV record (one row, quoted newlines included) or XML tag, in bytes.
    pub max_record_bytes: usize,
    /// Deepest XML element nesting.
    pub max_depth: usize,
    /// Issues kept in the report with their line (all are counted).
    pub max_issues_kept: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 16 << 20,
            max_depth: 256,
            max_issues_kept: 1000,
        }
    }
}

/// What an importer has done so far; returned by every [`Importer::push`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Progress {
    /// Input bytes consumed (compressed bytes for gzip).
    pub bytes: u64,
    /// Events accepted so far.
    pub events: u64,
    /// The import has failed; further pushes are ignored and `finish` returns the error.
    pub failed: bool,
}

/// Why a row or attribute was rejected, repaired or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// A CSV row has another number of fields than the header.
    FieldCount,
    /// No case id.
    MissingCase,
    /// No activity.
    MissingActivity,
    /// A timestamp could not be read.
    BadTimestamp,
    /// A timestamp was read in another format than the column's.
    OtherTimestampFormat,
    /// No timestamp on an event of a log that has them.
    MissingTimestamp,
    /// Bytes that are not UTF-8 were read as Latin-1.
    Latin1Fallback,
    /// A NUL byte in a field.
    NulByte,
    /// An attribute value does not fit its declared type.
    BadAttributeValue,
    /// An attribute element without `key` or `value`.
    MalformedAttribute,
    /// An attribute key seen with two types: its column was widened.
    MixedAttributeTypes,
    /// Nested attributes, lists and containers (skipped).
    NestedAttribute,
    /// An XML element XES does not define here (skipped).
    UnknownElement,
    /// A trace without events (no case is made).
    EmptyTrace,
    /// An event outside a trace (skipped).
    EventOutsideTrace,
    /// Text that is not whitespace between XES elements (ignored).
    StrayText,
}

/// What the importer did with the row or value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The row/event was not imported.
    Rejected,
    /// Imported, with the value changed or dropped as the message says.
    Repaired,
    /// Ignored without loss for the analyses.
    Skipped,
}

/// One rejected/repaired/skipped row or value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// 1-based line in the (decompressed) input where the row or element starts.
    pub line: u64,
    /// Column or attribute name, when there is one.
    pub field: Option<String>,
    pub kind: IssueKind,
    pub action: Action,
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(field) = &self.field {
            write!(f, ", {field}")?;
        }
        let action = match self.action {
            Action::Rejected => "rejected",
            Action::Repaired => "repaired",
            Action::Skipped => "skipped",
        };
        write!(f, ": {action}: {}", self.message)
    }
}

/// What an import read, and everything it rejected or repaired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub format: Format,
    /// The line reached at the end: 1 + the newlines read (of the decompressed text).
    pub lines: u64,
    /// Data rows (CSV) or `<event>` elements (XES) seen.
    pub rows: u64,
    /// Events in the log.
    pub events: u64,
    /// Cases in the log.
    pub cases: u64,
    /// The first [`Limits::max_issues_kept`] issues, in input order.
    pub issues: Vec<Issue>,
    /// All issues counted by reason.
    pub counts: BTreeMap<IssueKind, u64>,
    /// Rows rejected (not imported).
    pub rejected: u64,
    /// Rows or values repaired.
    pub repaired: u64,
    /// For CSV: the dialect and roles used.
    pub csv: Option<csv::CsvDialect>,
}

impl ImportReport {
    /// All issues of one kind kept in the report.
    pub fn issues_of(&self, kind: IssueKind) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.kind == kind)
    }
}

/// Why an input could not be imported. Always says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the input is empty")]
    Empty,
    #[error("line {line}{}: {message}", column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Malformed {
        line: u64,
        column: Option<String>,
        message: String,
    },
    #[error("no {role} column: looked for {candidates} among the columns [{header}]; map one explicitly{hint}")]
    MissingColumn {
        role: &'static str,
        candidates: String,
        header: String,
        /// Extra advice, e.g. when a single column suggests a wrong delimiter ("" if none).
        hint: String,
    },
    #[error("line {line}: a {what} is longer than the limit of {limit} bytes (the input is not read further)")]
    TooLong {
        line: u64,
        what: &'static str,
        limit: usize,
    },
    #[error("line {line}: XML: {message}")]
    Xml { line: u64, message: String },
    #[error("gzip: {message} (within the first {offset} compressed bytes)")]
    Gzip { offset: u64, message: String },
    #[error("line {line}: {message}")]
    NoEvents { line: u64, message: String },
    #[error("{message}")]
    Unsupported { message: String },
}

impl ImportError {
    /// Stable machine-readable code, for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Empty => "empty_input",
            ImportError::Malformed { .. } => "malformed_input",
            ImportError::MissingColumn { .. } => "missing_column",
            ImportError::TooLong { .. } => "too_long",
            ImportError::Xml { .. } => "malformed_xml",
            ImportError::Gzip { .. } => "bad_gzip",
            ImportError::NoEvents { .. } => "no_events",
            ImportError::Unsupported { .. } => "unsupported",
        }
    }

    /// The line the error points at, when it has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            ImportError::Malformed { line, .. }
            | ImportError::TooLong { line, .. }
            | ImportError::Xml { line, .. }
            | ImportError::NoEvents { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// Collects issues for an [`ImportReport`] (shared by the importers).
#[derive(Debug, Clone, Default)]
pub(crate) struct Issues {
    pub(crate) kept: Vec<Issue>,
    pub(crate) counts: BTreeMap<IssueKind, u64>,
    pub(crate) rejected: u64,
    pub(crate) repaired: u64,
    pub(crate) max_kept: usize,
}

impl Issues {
    pub(crate) fn new(max_kept: usize) -> Self {
        Issues {
            max_kept,
            ..Default::default()
        }
    }

    pub(crate) fn add(
        &mut self,
        line: u64,
        field: Option<&str>,
        kind: IssueKind,
        action: Action,
        message: impl FnOnce() -> String,
    ) {
        *self.counts.entry(kind).or_default() += 1;
        match action {
            Action::Rejected => self.rejected += 1,
            Action::Repaired => self.repaired += 1,
            Action::Skipped => {}
        }
        if self.kept.len() < self.max_kept {
            self.kept.push(Issue {
                line,
                field: field.map(str::to_string),
                kind,
                action,
                message: message(),
            });
        }
    }

    pub(crate) fn into_report(
        self,
        format: Format,
        lines: u64,
        rows: u64,
        log: &EventLog,
        csv: Option<csv::CsvDialect>,
    ) -> ImportReport {
        ImportReport {
            format,
            lines,
            rows,
            events: log.num_events() as u64,
            cases: log.num_cases() as u64,
            issues: self.kept,
            counts: self.counts,
            rejected: self.rejected,
            repaired: self.repaired,
            csv,
        }
    }
}

/// A streaming importer of any supported format (push shape).
///
/// ```
/// use spur_core::import::{Importer, ImportOptions};
/// let mut imp = Importer::new("log.csv", &ImportOptions::default());
/// imp.push(b"case,activity,timestamp\n1,a,2024-01-01 10:00\n");
/// imp.push(b"1,b,2024-01-01 11:00\n");
/// let (log, report) = imp.finish().expect("a valid log");
/// assert_eq!((log.num_events(), report.rejected), (2, 0));
/// ```
pub struct Importer {
    state: State,
    bytes: u64,
    error: Option<ImportError>,
}

enum State {
    Detect {
        file_name: String,
        options: Box<ImportOptions>,
        buf: Vec<u8>,
    },
    Csv(Box<csv::CsvImporter>),
    Xes(Box<xes::XesImporter>),
    Gz(Box<gz::GzImporter>),
    Done,
}

/// Bytes looked at before picking a format.
const DETECT_BYTES: usize = 512;

impl Importer {
    /// An importer for a file called `file_name` (used only to help pick the format).
    pub fn new(file_name: &str, options: &ImportOptions) -> Self {
        Importer {
            state: State::Detect {
                file_name: file_name.to_string(),
                options: Box::new(options.clone()),
                buf: Vec::new(),
            },
            bytes: 0,
            error: None,
        }
    }

    /// Feed the next chunk of input.
    pub fn push(&mut self, chunk: &[u8]) -> Progress {
        if self.error.is_none() {
            self.bytes += chunk.len() as u64;
            if let Err(e) = self.push_inner(chunk, false) {
                self.error = Some(e);
                self.state = State::Done;
            }
        }
        self.progress()
    }

    /// Progress so far.
    pub fn progress(&self) -> Progress {
        let events = match &self.state {
            State::Csv(c) => c.events(),
            State::Xes(x) => x.events(),
            State::Gz(g) => g.events(),
            State::Detect { .. } | State::Done => 0,
        };
        Progress {
            bytes: self.bytes,
            events,
            failed: self.error.is_some(),
        }
    }

    pub(crate) fn take_error(&mut self) -> Option<ImportError> {
        self.error.take()
    }

    /// End of input: the log and the report, or why the input could not be read.
    pub fn finish(mut self) -> Result<(EventLog, ImportReport), ImportError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.push_inner(&[], true)?;
        match std::mem::replace(&mut self.state, State::Done) {
            State::Csv(c) => c.finish(),
            State::Xes(x) => x.finish(),
            State::Gz(g) => g.finish(),
            State::Detect { .. } | State::Done => Err(ImportError::Empty),
        }
    }

    fn push_inner(&mut self, chunk: &[u8], last: bool) -> Result<(), ImportError> {
        if let State::Detect {
            file_name,
            options,
            buf,
        } = &mut self.state
        {
            if buf.len() + chunk.len() < DETECT_BYTES && !last {
                buf.extend_from_slice(chunk);
                return Ok(());
            }
            let mut head = std::mem::take(buf);
            head.extend_from_slice(chunk);
            if head.is_empty() {
                return Err(ImportError::Empty);
            }
            if options.format.is_none() {
                if let Some(message) = unsupported_format(&head) {
                    return Err(ImportError::Unsupported {
                        message: message.into(),
                    });
                }
            }
            let format = options
                .format
                .unwrap_or_else(|| detect_format(file_name, &head));
            self.state = match format {
                Format::Csv => State::Csv(Box::new(csv::CsvImporter::new(options, Format::Csv))),
                Format::Xes => State::Xes(Box::new(xes::XesImporter::new(options, Format::Xes))),
                Format::XesGz | Format::CsvGz => {
                    State::Gz(Box::new(gz::GzImporter::new(file_name, options, format)))
                }
            };
            return self.push_inner(&head, last);
        }
        match &mut self.state {
            State::Csv(c) => c.push(chunk, last),
            State::Xes(x) => x.push(chunk, last),
            State::Gz(g) => g.push(chunk, last),
            State::Detect { .. } | State::Done => Ok(()),
        }
    }
}

/// Formats recognised by their magic bytes that this module does not read, with advice.
pub fn unsupported_format(head: &[u8]) -> Option<&'static str> {
    let body = bytes::strip_bom(head);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if head.starts_with(b"PAR1") {
        Some("this is a Parquet file: the table reader opens it (`open::open_log`), not the text importers")
    } else if head.starts_with(b"ARROW1") || head.starts_with(&[0xff, 0xff, 0xff, 0xff]) {
        Some("this is an Arrow IPC file: the table reader opens it (`open::open_log`), not the text importers")
    } else if head.starts_with(b"SQLite format 3\0") {
        Some("this is an SQLite database (OCEL 2.0?): object-centric logs are not imported yet")
    } else if matches!(first, Some(b'{') | Some(b'[')) {
        Some("this is JSON (OCEL?): Spur imports CSV/TSV, XES and XES.gz event logs")
    } else {
        None
    }
}

/// Pick a format from the first bytes, falling back on the file name.
pub fn detect_format(file_name: &str, head: &[u8]) -> Format {
    let name = file_name.to_ascii_lowercase();
    if head.starts_with(&[0x1f, 0x8b]) {
        return if name.ends_with(".csv.gz") || name.ends_with(".tsv.gz") {
            Format::CsvGz
        } else {
            Format::XesGz
        };
    }
    let body = bytes::strip_bom(head);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'<') {
        return Format::Xes;
    }
    if name.ends_with(".xes") || name.ends_with(".xml") {
        // Named XES but not XML: let the XES reader say what is wrong with it.
        return if first.is_none() {
            Format::Csv
        } else {
            Format::Xes
        };
    }
    Format::Csv
}

/// Import a whole input held in memory: picks the format, pushes it in 1 MiB chunks (so the
/// limits stop a runaway line early), and finishes.
pub fn import_bytes(
    file_name: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<(EventLog, ImportReport), ImportError> {
    let mut importer = Importer::new(file_name, options);
    for chunk in bytes.chunks(1 << 20) {
        if importer.push(chunk).failed {
            break;
        }
    }
    importer.finish()
}
