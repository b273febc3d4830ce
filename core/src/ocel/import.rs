//! OCEL importers: bytes of an OCEL 2.0 JSON, XML or SQLite file, or an OCEL 1.0 JSON or XML
//! file → [`OcelLog`] + an [`OcelReport`] of what was dropped or repaired.
//!
//! The format is told by the bytes ([`detect`]): the SQLite magic, `<` for XML, `{` for JSON;
//! OCEL 1.0 and 2.0 by their keys/elements. Each reader streams its input into the
//! [`OcelBuilder`] without building a document tree (JSON through serde visitors, XML through
//! quick-xml events, SQLite through a pure-Rust b-tree reader, so the browser reads SQLite too).
//!
//! Input is hostile: nothing panics; a file that cannot be read at all is an [`OcelError`]
//! naming its line (JSON, XML) or table and row (SQLite); an event or object that can be read
//! but not used (no time, a duplicate id, a relation to an undefined object) is dropped and
//! listed as an [`OcelIssue`] naming the event or object id.
//!
//! Semantics follow pm4py's OCEL 2.0 importers: a relation to an object that is not defined is
//! dropped; object attribute values are the object's history (time `1970-01-01T00:00:00` or
//! `0` = the initial value); attribute values are typed by the declared attribute types.
//! Unlike pm4py, relations are kept with their qualifiers (exact duplicates dropped), events
//! without objects and objects without events are kept (pm4py drops both; no golden count
//! depends on it).

use super::{OcelBuilder, OcelLog};
use crate::import::timestamp::{self, TimestampFormat};
use crate::log::Value;
use serde::{Deserialize, Serialize};

/// An OCEL file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OcelFormat {
    /// OCEL 2.0 JSON (`.jsonocel`, `.json`).
    Json,
    /// OCEL 2.0 XML (`.xmlocel`, `.xml`).
    Xml,
    /// OCEL 2.0 SQLite (`.sqlite`, `.db`).
    Sqlite,
    /// OCEL 1.0 JSON.
    Json1,
    /// OCEL 1.0 XML.
    Xml1,
}

/// One event, object or relation dropped or repaired, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcelIssue {
    /// 1-based line of the input, where known (XML).
    pub line: Option<u64>,
    /// What it concerns: `event e7`, `object o3`, `table event_Foo row 12`.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for OcelIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}, ")?;
        }
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// What an import read and what it dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcelReport {
    pub format: OcelFormat,
    pub events: u64,
    pub objects: u64,
    /// The first [`MAX_ISSUES_KEPT`] issues, in input order.
    pub issues: Vec<OcelIssue>,
    /// All issues, counted.
    pub issue_count: u64,
}

/// Issues kept in a report with their location (all are counted).
pub const MAX_ISSUES_KEPT: usize = 1000;

/// Why an OCEL file could not be read. Always says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcelError {
    #[error("the input is empty")]
    Empty,
    #[error("not an OCEL file: {0}")]
    NotOcel(String),
    #[error("line {line}, column {column}: JSON: {message}")]
    Json {
        line: u64,
        column: u64,
        message: String,
    },
    #[error("line {line}: XML: {message}")]
    Xml { line: u64, message: String },
    #[error("SQLite: {0}")]
    Sqlite(String),
    #[error("cancelled")]
    Cancelled,
}

impl OcelError {
    /// Stable machine-readable code, for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            OcelError::Empty => "empty_input",
            OcelError::NotOcel(_) => "not_ocel",
            OcelError::Json { .. } => "malformed_json",
            OcelError::Xml { .. } => "malformed_xml",
            OcelError::Sqlite(_) => "bad_sqlite",
            OcelError::Cancelled => "cancelled",
        }
    }
}

/// Called every few thousand events with the events read so far; returning `false` cancels.
pub type OnProgress<'a> = &'a mut dyn FnMut(u64) -> bool;

/// The OCEL format of `bytes` (the name only breaks ties between JSON/XML versions).
pub fn detect(name: &str, bytes: &[u8]) -> Option<OcelFormat> {
    if bytes.starts_with(b"SQLite format 3\0") {
        return Some(OcelFormat::Sqlite);
    }
    let head = &bytes[..bytes.len().min(1 << 16)];
    let text = head.trim_ascii_start();
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    match text.first() {
        Some(b'{') => Some(if has(b"\"ocel:") {
            OcelFormat::Json1
        } else {
            OcelFormat::Json
        }),
        Some(b'<') => Some(
            if has(b"<object-types") || has(b"<event-types") || has(b"object-id=") {
                OcelFormat::Xml
            } else if has(b"key=\"omap\"") || has(b"scope=\"") || has(b"key=\"ovmap\"") {
                OcelFormat::Xml1
            } else if name.ends_with(".xmlocel") || has(b"<events") || has(b"<objects") {
                OcelFormat::Xml
            } else {
                return None;
            },
        ),
        _ => None,
    }
}

/// Import an OCEL file of any supported format.
pub fn import_ocel(name: &str, bytes: &[u8]) -> Result<(OcelLog, OcelReport), OcelError> {
    import_ocel_with(name, bytes, &mut |_| true)
}

/// [`import_ocel`] with progress reports and cancellation.
pub fn import_ocel_with(
    name: &str,
    bytes: &[u8],
    progress: OnProgress<'_>,
) -> Result<(OcelLog, OcelReport), OcelError> {
    if bytes.trim_ascii().is_empty() {
        return Err(OcelError::Empty);
    }
    let Some(format) = detect(name, bytes) else {
        return Err(OcelError::NotOcel(
            "expected OCEL JSON (`{`), OCEL XML (`<`) or an OCEL 2.0 SQLite database".into(),
        ));
    };
    let mut ctx = Ctx::new(progress);
    match format {
        OcelFormat::Json | OcelFormat::Json1 => super::json::read(bytes, &mut ctx)?,
        OcelFormat::Xml | OcelFormat::Xml1 => super::xml::read(bytes, format, &mut ctx)?,
        OcelFormat::Sqlite => super::sqlite::read(bytes, &mut ctx)?,
    }
    Ok(ctx.finish(format))
}

/// State shared by the readers: the builder, the issues, progress.
pub(crate) struct Ctx<'p> {
    pub(crate) b: OcelBuilder,
    issues: Vec<OcelIssue>,
    issue_count: u64,
    progress: OnProgress<'p>,
    next_report: usize,
}

impl<'p> Ctx<'p> {
    pub(crate) fn new(progress: OnProgress<'p>) -> Self {
        Ctx {
            b: OcelBuilder::new(),
            issues: Vec::new(),
            issue_count: 0,
            progress,
            next_report: PROGRESS_EVERY,
        }
    }

    /// Record an issue at `at` (e.g. `event e7`).
    pub(crate) fn issue(
        &mut self,
        line: Option<u64>,
        at: impl FnOnce() -> String,
        message: String,
    ) {
        self.issue_count += 1;
        if self.issues.len() < MAX_ISSUES_KEPT {
            self.issues.push(OcelIssue {
                line,
                at: at(),
                message,
            });
        }
    }

    /// Report progress after an event; `Err(Cancelled)` when the caller asked to stop.
    pub(crate) fn tick(&mut self) -> Result<(), OcelError> {
        if self.b.num_events() >= self.next_report {
            self.next_report += PROGRESS_EVERY;
            if !(self.progress)(self.b.num_events() as u64) {
                return Err(OcelError::Cancelled);
            }
        }
        Ok(())
    }

    fn finish(mut self, format: OcelFormat) -> (OcelLog, OcelReport) {
        let (log, unresolved) = std::mem::take(&mut self.b).finish();
        for u in unresolved {
            let message = format!(
                "relation to object `{}`, which is not defined: dropped",
                u.object
            );
            self.issue(None, || u.from, message);
        }
        let report = OcelReport {
            format,
            events: log.num_events() as u64,
            objects: log.num_objects() as u64,
            issues: self.issues,
            issue_count: self.issue_count,
        };
        (log, report)
    }
}

const PROGRESS_EVERY: usize = 1 << 16;

/// A declared attribute type (OCEL 2.0: `string`, `time`, `integer`, `float`, `boolean`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrType {
    Str,
    Int,
    Float,
    Bool,
    Time,
}

impl AttrType {
    /// Read a declared type name the way pm4py does (by substring, case-insensitive).
    pub(crate) fn from_name(name: &str) -> AttrType {
        let l = name.to_ascii_lowercase();
        if l.contains("date") || l.contains("time") {
            AttrType::Time
        } else if l.contains("float") || l.contains("double") || l.contains("real") {
            AttrType::Float
        } else if l.contains("int") {
            AttrType::Int
        } else if l.contains("bool") {
            AttrType::Bool
        } else {
            AttrType::Str
        }
    }
}

/// Text of an attribute → a typed value (declared type first; the text when it does not fit).
/// `None` for the `null` text pm4py reads as missing.
pub(crate) fn typed_text(text: &str, ty: Option<AttrType>) -> Option<Value<'_>> {
    if text.trim().eq_ignore_ascii_case("null") {
        return None;
    }
    let t = text.trim();
    Some(match ty {
        Some(AttrType::Int) => t.parse().map(Value::Int).unwrap_or(Value::Str(text)),
        Some(AttrType::Float) => t.parse().map(Value::Float).unwrap_or(Value::Str(text)),
        Some(AttrType::Bool) if t.eq_ignore_ascii_case("true") => Value::Bool(true),
        Some(AttrType::Bool) if t.eq_ignore_ascii_case("false") => Value::Bool(false),
        Some(AttrType::Time) => parse_time(t)
            .map(Value::Timestamp)
            .unwrap_or(Value::Str(text)),
        _ => Value::Str(text),
    })
}

/// An OCEL time → ms UTC (ISO 8601 first, then the other text formats; zone-less = UTC).
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    timestamp::parse(text, TimestampFormat::Iso8601)
        .or_else(|| timestamp::parse_any(text).map(|x| x.0))
}

/// The time of an object attribute value: `0`, `1970-01-01T00:00:00…` and absent = initial.
pub(crate) fn attribute_time(text: Option<&str>) -> Option<i64> {
    match text.map(str::trim) {
        None | Some("") | Some("0") => Some(0),
        Some(t) if t.starts_with("1970-01-01T00:00:00") || t.starts_with("1970-01-01 00:00:00") => {
            Some(0)
        }
        Some(t) => parse_time(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(
            detect("x", b"SQLite format 3\0rest"),
            Some(OcelFormat::Sqlite)
        );
        assert_eq!(detect("x", b" {\"events\": []}"), Some(OcelFormat::Json));
        assert_eq!(
            detect("x", b"{\"ocel:events\": {}}"),
            Some(OcelFormat::Json1)
        );
        assert_eq!(
            detect("x", b"<log><object-types/></log>"),
            Some(OcelFormat::Xml)
        );
        assert_eq!(
            detect("x", b"<log><events><event><list key=\"omap\"/>"),
            Some(OcelFormat::Xml1)
        );
        assert_eq!(detect("x", b"case,activity"), None);
        assert_eq!(import_ocel("x", b"  ").unwrap_err(), OcelError::Empty);
    }

    #[test]
    fn typed_values() {
        assert_eq!(typed_text("5", Some(AttrType::Int)), Some(Value::Int(5)));
        assert_eq!(typed_text("x", Some(AttrType::Int)), Some(Value::Str("x")));
        assert_eq!(typed_text("null", None), None);
        assert_eq!(attribute_time(Some("1970-01-01T00:00:00Z")), Some(0));
        assert_eq!(attribute_time(Some("1970-01-01T01:00:00")), Some(3_600_000));
        assert_eq!(attribute_time(Some("soon")), None);
    }
}
