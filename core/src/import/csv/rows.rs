//! CSV rows → events: each record cut by `records` is checked (field count, NUL bytes),
//! decoded (in place when UTF-8, else Latin-1 into reused strings), and turned into one event
//! with its case, activity, timestamp, resource and typed attributes, following the plan.
//!
//! Rows with another field count than the header, an empty case id or activity, or an
//! unreadable timestamp are rejected and reported; a timestamp in another known format than the
//! column's is read and reported as repaired; bytes that are not UTF-8 are read as Latin-1 and
//! reported. Case attributes keep the first value per case.

use super::plan::Roles;
use super::records::Record;
use super::{ColumnInfo, CsvDialect, Role};
use crate::import::timestamp::{self, TimestampFormat};
use crate::import::{Action, Encoding, ImportError, IssueKind, Issues};
use crate::log::{ColumnType, EventLogBuilder, SetAttr, Value};
use memchr::memchr;

/// Per-row reading state (separate from the record cutter so both can be borrowed at once).
pub(super) struct Rows {
    pub(super) dialect: CsvDialect,
    pub(super) builder: EventLogBuilder,
    pub(super) issues: Issues,
    header_pending: bool,
    /// Data rows seen.
    pub(super) rows: u64,
    scratch: Scratch,
    /// Per column: the builder column of its attribute, once created.
    slots: Vec<Option<usize>>,
    last_case: LastCode,
    /// The rows of a case often share a resource too.
    last_resource: LastCode,
    /// The columns read as attributes (not case, activity, timestamp or resource), in order.
    attr_columns: Vec<usize>,
    roles: Roles,
    reported_widening: Vec<bool>,
}

/// The decoded text of the fields of a row that cannot be read in place.
#[derive(Default)]
struct Scratch {
    fields: Vec<String>,
    /// Per column: `fields[i]` holds the decoded text (the row was not UTF-8 there).
    decoded: Vec<bool>,
}

/// The last text interned and its code, so that a run of rows repeating it (a case's events,
/// often its resource) skips the interner's lookup; its buffer is reused.
#[derive(Default)]
struct LastCode(Option<(String, u32)>);

impl LastCode {
    fn code(&mut self, text: &str, intern: impl FnOnce(&str) -> u32) -> u32 {
        match &self.0 {
            Some((last, code)) if last == text => *code,
            _ => {
                let code = intern(text);
                let mut last = self.0.take().map(|(s, _)| s).unwrap_or_default();
                last.clear();
                last.push_str(text);
                self.0 = Some((last, code));
                code
            }
        }
    }
}

/// The fields of one row as text: in place in the record, or decoded in the scratch.
struct Fields<'r> {
    record: &'r Record<'r>,
    /// The whole record, when it is UTF-8.
    whole: Option<&'r str>,
    scratch: &'r Scratch,
}

impl<'r> Fields<'r> {
    #[inline]
    fn text(&self, i: usize) -> &'r str {
        if self.scratch.decoded[i] {
            return self.scratch.fields[i].as_str();
        }
        let (start, end) = self.record.span(i);
        self.whole.and_then(|w| w.get(start..end)).unwrap_or("")
    }
}

/// The row was rejected (and reported).
struct Rejected;

impl Rows {
    pub(super) fn new(dialect: CsvDialect, roles: Roles, max_issues_kept: usize) -> Self {
        let mut builder = EventLogBuilder::new();
        if let Some(s) = roles.start {
            builder.set_start_timestamp_attr(&dialect.columns[s].name);
        }
        let ncols = dialect.columns.len();
        Rows {
            builder,
            issues: Issues::new(max_issues_kept),
            header_pending: dialect.has_header,
            rows: 0,
            scratch: Scratch::default(),
            slots: vec![None; ncols],
            last_case: LastCode::default(),
            last_resource: LastCode::default(),
            attr_columns: (0..ncols)
                .filter(|&i| {
                    !matches!(
                        dialect.columns[i].role,
                        Role::Case | Role::Activity | Role::Timestamp | Role::Resource
                    )
                })
                .collect(),
            roles,
            reported_widening: vec![false; ncols],
            dialect,
        }
    }

    /// Read one record: the header is skipped, a data row becomes an event or an issue.
    pub(super) fn row(&mut self, r: Record<'_>) -> Result<(), ImportError> {
        if self.header_pending {
            self.header_pending = false;
            return Ok(());
        }
        self.rows += 1;
        if self.shape(&r).is_err() {
            return Ok(());
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let whole = self.decode(&r, &mut scratch);
        let fields = Fields {
            record: &r,
            whole,
            scratch: &scratch,
        };
        let _ = self.event(&fields, r.line);
        self.scratch = scratch;
        Ok(())
    }

    /// Rejects a row with another field count than the header or with a NUL byte.
    fn shape(&mut self, r: &Record<'_>) -> Result<(), Rejected> {
        let ncols = self.dialect.columns.len();
        if r.len() != ncols {
            let n = r.len();
            self.issues.add(
                r.line,
                None,
                IssueKind::FieldCount,
                Action::Rejected,
                || format!("expected {ncols} fields, found {n} (a stray delimiter or quote?)"),
            );
            return Err(Rejected);
        }
        if !r.nul_free && memchr(0, r.bytes).is_some() {
            self.issues
                .add(r.line, None, IssueKind::NulByte, Action::Rejected, || {
                    "a NUL byte in a field".into()
                });
            return Err(Rejected);
        }
        Ok(())
    }

    /// The whole record when it is UTF-8 (one check per row: fields are then read in place);
    /// otherwise the fields that are not are decoded as Latin-1 into `scratch`, reported.
    fn decode<'r>(&mut self, r: &Record<'r>, scratch: &mut Scratch) -> Option<&'r str> {
        let ncols = self.dialect.columns.len();
        let latin1 = self.dialect.encoding == Encoding::Latin1;
        let whole = if latin1 {
            None
        } else {
            r.text.or_else(|| std::str::from_utf8(r.bytes).ok())
        };
        scratch.fields.resize_with(ncols, String::new);
        scratch.decoded.clear();
        scratch.decoded.resize(ncols, false);
        if whole.is_some() && r.text.is_some() {
            // Cut in place from UTF-8 input: every field lies between ASCII delimiters.
            return whole;
        }
        let mut latin1_used = false;
        for i in 0..ncols {
            let (start, end) = r.span(i);
            if whole.and_then(|w| w.get(start..end)).is_none() {
                let f = &r.bytes[start..end];
                let s = &mut scratch.fields[i];
                s.clear();
                match (latin1, std::str::from_utf8(f)) {
                    (false, Ok(t)) => s.push_str(t),
                    _ => {
                        latin1_used |= !latin1;
                        s.extend(f.iter().map(|&b| b as char));
                    }
                }
                scratch.decoded[i] = true;
            }
        }
        if latin1_used {
            self.issues.add(
                r.line,
                None,
                IssueKind::Latin1Fallback,
                Action::Repaired,
                || "bytes that are not UTF-8 read as Latin-1".into(),
            );
        }
        whole
    }

    /// One event from a well-shaped row, or the reason it is rejected.
    fn event(&mut self, f: &Fields<'_>, line: u64) -> Result<(), Rejected> {
        let (case_id, activity) = self.case_and_activity(f, line)?;
        let ts = self.timestamp(f, line)?;
        let case = self.case_code(case_id);
        let act = self.builder.activity_code(activity);
        let e = self.builder.push_event(case, act, ts);
        if let Some(res) = self.roles.resource {
            let v = f.text(res).trim_ascii();
            if !v.is_empty() {
                let code = self
                    .last_resource
                    .code(v, |v| self.builder.resource_code(v));
                self.builder.set_resource(e, code);
            }
        }
        for k in 0..self.attr_columns.len() {
            let i = self.attr_columns[k];
            let text = f.text(i);
            if !text.trim_ascii().is_empty() {
                self.attribute(i, text, line, case, e);
            }
        }
        Ok(())
    }

    /// The case id and the activity; a row without either is rejected.
    fn case_and_activity<'r>(
        &mut self,
        f: &Fields<'r>,
        line: u64,
    ) -> Result<(&'r str, &'r str), Rejected> {
        let cols = &self.dialect.columns;
        let (case, activity) = (self.roles.case, self.roles.activity);
        let case_id = f.text(case).trim_ascii();
        if case_id.is_empty() {
            self.issues.add(
                line,
                Some(&cols[case].name),
                IssueKind::MissingCase,
                Action::Rejected,
                || "empty case id".into(),
            );
            return Err(Rejected);
        }
        let activity_name = f.text(activity).trim_ascii();
        if activity_name.is_empty() {
            self.issues.add(
                line,
                Some(&cols[activity].name),
                IssueKind::MissingActivity,
                Action::Rejected,
                || "empty activity".into(),
            );
            return Err(Rejected);
        }
        Ok((case_id, activity_name))
    }

    /// The event's timestamp: none without a timestamp column or with an empty one (reported),
    /// read in another format (reported), or the row rejected when it is not a timestamp.
    fn timestamp(&mut self, f: &Fields<'_>, line: u64) -> Result<Option<i64>, Rejected> {
        let Some(t) = self.roles.timestamp else {
            return Ok(None);
        };
        let col = &self.dialect.columns[t];
        let text = f.text(t).trim_ascii();
        if text.is_empty() {
            self.issues.add(
                line,
                Some(&col.name),
                IssueKind::MissingTimestamp,
                Action::Repaired,
                || "empty timestamp: the event is kept without one".into(),
            );
            return Ok(None);
        }
        match read_time(text, col.timestamp_format) {
            TimeRead::Ok(ms) => Ok(Some(ms)),
            TimeRead::Other(ms, other) => {
                self.issues.add(
                    line,
                    Some(&col.name),
                    IssueKind::OtherTimestampFormat,
                    Action::Repaired,
                    || {
                        format!(
                            "`{text}` read as {}, not the column's format",
                            other.describe()
                        )
                    },
                );
                Ok(Some(ms))
            }
            TimeRead::Bad => {
                self.issues.add(
                    line,
                    Some(&col.name),
                    IssueKind::BadTimestamp,
                    Action::Rejected,
                    || format!("`{text}` is not a timestamp"),
                );
                Err(Rejected)
            }
        }
    }

    /// The builder's code of `case_id`; rows of a case usually follow each other, so the last
    /// case's code is reused without a lookup.
    fn case_code(&mut self, case_id: &str) -> u32 {
        self.last_case
            .code(case_id, |id| self.builder.case_code(id))
    }

    /// Column `i`'s non-blank `text` as an attribute of event `e` or of its `case` (read once
    /// per case); a widened column is reported once.
    fn attribute(&mut self, i: usize, text: &str, line: u64, case: u32, e: usize) {
        let col = &self.dialect.columns[i];
        let case_attr = col.role == Role::CaseAttribute;
        // A case attribute is read once per case: skip parsing when it is already set.
        if let (true, Some(slot)) = (case_attr, self.slots[i]) {
            if self.builder.case_attr_is_set(slot, case) {
                return;
            }
        }
        let Some(value) = attribute_value(&mut self.issues, col, text, line) else {
            return;
        };
        let outcome = if case_attr {
            let slot = *self.slots[i].get_or_insert_with(|| {
                let key = col.name.strip_prefix("case:").unwrap_or(&col.name);
                self.builder.case_attr_column(key, value.column_type())
            });
            if self.builder.case_attr_is_set(slot, case) {
                return;
            }
            self.builder.set_case_attr_at(slot, case, value)
        } else {
            let slot = *self.slots[i].get_or_insert_with(|| {
                self.builder
                    .event_attr_column(&col.name, value.column_type())
            });
            self.builder.set_event_attr_at(slot, e, value)
        };
        if let SetAttr::Widened { from, to } = outcome {
            if !self.reported_widening[i] {
                self.reported_widening[i] = true;
                self.issues.add(line, Some(&col.name), IssueKind::MixedAttributeTypes, Action::Repaired, || {
                    format!("`{}` is not {from:?} like the earlier values: the column is read as {to:?}", text.trim())
                });
            }
        }
    }
}

/// The value of an attribute column's `text`: `None` for the role columns, and for a start
/// timestamp that is not one (reported, dropped).
fn attribute_value<'t>(
    issues: &mut Issues,
    col: &ColumnInfo,
    text: &'t str,
    line: u64,
) -> Option<Value<'t>> {
    match col.role {
        Role::Case | Role::Activity | Role::Timestamp | Role::Resource => None,
        Role::StartTimestamp => match read_time(text.trim(), col.timestamp_format) {
            TimeRead::Ok(ms) | TimeRead::Other(ms, _) => Some(Value::Timestamp(ms)),
            TimeRead::Bad => {
                issues.add(
                    line,
                    Some(&col.name),
                    IssueKind::BadTimestamp,
                    Action::Repaired,
                    || format!("`{}` is not a timestamp; dropped", text.trim()),
                );
                None
            }
        },
        Role::CaseAttribute | Role::EventAttribute => Some(typed(text, col)),
    }
}

enum TimeRead {
    Ok(i64),
    Other(i64, TimestampFormat),
    Bad,
}

fn read_time(text: &str, format: Option<TimestampFormat>) -> TimeRead {
    if let Some(f) = format {
        if let Some(ms) = timestamp::parse(text, f) {
            return TimeRead::Ok(ms);
        }
    }
    match timestamp::parse_any(text) {
        Some((ms, f)) if format.is_none() || format == Some(f) => TimeRead::Ok(ms),
        Some((ms, f)) => TimeRead::Other(ms, f),
        None => TimeRead::Bad,
    }
}

fn typed<'a>(text: &'a str, col: &ColumnInfo) -> Value<'a> {
    let t = text.trim();
    let parsed = match col.column_type {
        ColumnType::Int => t.parse().ok().map(Value::Int),
        ColumnType::Float => t.parse().ok().map(Value::Float),
        ColumnType::Bool => match () {
            _ if t.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
            _ if t.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
            _ => None,
        },
        ColumnType::Timestamp => match read_time(t, col.timestamp_format) {
            TimeRead::Ok(ms) | TimeRead::Other(ms, _) => Some(Value::Timestamp(ms)),
            TimeRead::Bad => None,
        },
        ColumnType::Str => None,
    };
    parsed.unwrap_or(Value::Str(text))
}
