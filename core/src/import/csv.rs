//! Delimited text (CSV, TSV, `;`, `|`) → EventLog, streaming, with dialect detection.
//!
//! The first 64 KiB are sniffed ([`sniff`]): encoding (UTF-8, UTF-8 with BOM, else Latin-1),
//! delimiter (the candidate giving the most consistent field count), header, column roles
//! (from pm4py names first, then common names, then values) and the timestamp format of each
//! time column. Then records are cut by a resumable quote-aware state machine (quoted fields may
//! hold delimiters, `""` and newlines; `\n`, `\r\n` and `\r` end records), so chunks can split
//! anywhere. A record longer than [`Limits::max_record_bytes`](super::Limits) stops the import
//! as soon as the limit is crossed, i.e. before the rest of a runaway line is read.
//!
//! Rows with another field count than the header, an empty case id or activity, or an
//! unreadable timestamp are rejected and reported; a timestamp in another known format than the
//! column's is read and reported as repaired; bytes that are not UTF-8 are read as Latin-1 and
//! reported. Columns named `case:…` become case attributes (first value per case wins).

use super::timestamp::{self, TimestampFormat};
use super::{
    Action, Encoding, Format, ImportError, ImportOptions, ImportReport, IssueKind, Issues, Mapping,
};
use crate::log::{ColumnType, EventLog, EventLogBuilder, SetAttr, Value};
use memchr::{memchr, memchr3};
use serde::{Deserialize, Serialize};

/// Bytes sniffed before reading.
const SNIFF_BYTES: usize = 64 << 10;
/// Most columns a CSV may have (each is planned from the sampled rows).
const MAX_COLUMNS: usize = 4096;
/// Records sampled for roles and types.
const SAMPLE_ROWS: usize = 200;

/// The role a column plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Case,
    Activity,
    Timestamp,
    Resource,
    StartTimestamp,
    /// A `case:…` column: one value per case.
    CaseAttribute,
    /// Any other column: an event attribute.
    EventAttribute,
}

/// How one column is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub role: Role,
    /// The type of an attribute column (roles are strings or timestamps).
    pub column_type: ColumnType,
    /// For time columns: the detected (or given) format; `None` = not detected.
    pub timestamp_format: Option<TimestampFormat>,
}

/// The dialect and column plan of a CSV input: detected, or as overridden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvDialect {
    /// The field delimiter, as a character.
    pub delimiter: char,
    pub has_header: bool,
    pub encoding: Encoding,
    pub columns: Vec<ColumnInfo>,
}

impl CsvDialect {
    /// The column with role `role`.
    pub fn column(&self, role: Role) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.role == role)
    }

    /// This plan as an explicit [`Mapping`]: every role and time format pinned, and the
    /// attribute columns whose role differs from what their name implies listed, so that
    /// reading with it (e.g. a recipe's import step) needs no detection.
    pub fn resolved_mapping(&self) -> Mapping {
        let name = |role| self.column(role).map(|c| c.name.clone());
        let mut m = Mapping {
            case: name(Role::Case),
            activity: name(Role::Activity),
            timestamp: name(Role::Timestamp),
            resource: name(Role::Resource),
            start_timestamp: name(Role::StartTimestamp),
            ..Mapping::default()
        };
        for c in &self.columns {
            let time_role = matches!(c.role, Role::Timestamp | Role::StartTimestamp);
            if let (true, Some(f)) = (time_role, c.timestamp_format) {
                m.timestamp_formats.insert(c.name.clone(), f);
            }
            let prefixed = c.name.starts_with("case:");
            match c.role {
                Role::CaseAttribute if !prefixed => m.case_attributes.push(c.name.clone()),
                Role::EventAttribute => m.event_attributes.push(c.name.clone()),
                _ => {}
            }
        }
        m
    }
}

/// What the import screen shows before importing: the detected dialect and the first rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvPreview {
    pub dialect: CsvDialect,
    /// Up to 20 data rows as read (after the header), with their line numbers.
    pub rows: Vec<(u64, Vec<String>)>,
    /// What the import would refuse but the preview guessed (no case or activity column was
    /// recognised: the first free columns are shown in those roles). Importing with
    /// [`CsvDialect::resolved_mapping`] reads exactly the guess.
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Detect the dialect, roles and timestamp formats of a CSV input from its first 64 KiB.
pub fn sniff(bytes: &[u8]) -> Result<CsvPreview, ImportError> {
    sniff_with(bytes, &ImportOptions::default())
}

/// [`sniff`] with overrides (mapping, delimiter, header, encoding).
pub fn sniff_with(bytes: &[u8], options: &ImportOptions) -> Result<CsvPreview, ImportError> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let plan = Plan::detect(head, head.len() == bytes.len(), options, true)?;
    let rows = plan
        .sample
        .iter()
        .take(20)
        .map(|(line, fields)| {
            (
                *line,
                fields
                    .iter()
                    .map(|f| decode_lossy(f, plan.dialect.encoding))
                    .collect(),
            )
        })
        .collect();
    Ok(CsvPreview {
        dialect: plan.dialect,
        rows,
        warnings: plan.warnings,
    })
}

/// The detected reading plan.
struct Plan {
    dialect: CsvDialect,
    /// Bytes to skip at the start (a BOM).
    skip: usize,
    sample: Vec<(u64, Vec<Vec<u8>>)>,
    /// Guesses a preview made (see [`CsvPreview::warnings`]).
    warnings: Vec<String>,
}

impl Plan {
    /// `preview`: guess a missing case/activity column (with a warning) instead of failing.
    fn detect(
        head: &[u8],
        complete: bool,
        options: &ImportOptions,
        preview: bool,
    ) -> Result<Plan, ImportError> {
        let complete = complete && head.len() <= SNIFF_BYTES;
        let head = &head[..head.len().min(SNIFF_BYTES)];
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(ImportError::Unsupported {
                message: "the text is UTF-16; save it as UTF-8 (or Latin-1) and import again"
                    .into(),
            });
        }
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let skip = if bom { 3 } else { 0 };
        let body = &head[skip..];
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(if body.is_empty() {
                ImportError::Empty
            } else {
                ImportError::NoEvents {
                    line: 1,
                    message: "the input holds only blank lines".into(),
                }
            });
        }
        if let Some(p) = memchr(0, body) {
            let line = 1 + body[..p].iter().filter(|&&b| b == b'\n').count() as u64;
            return Err(ImportError::Malformed {
                line,
                column: None,
                message: "a NUL byte: this looks like a binary file, not delimited text".into(),
            });
        }
        let encoding = match options.csv.encoding {
            Some(e) => e,
            None if bom => Encoding::Utf8Bom,
            None => match std::str::from_utf8(body) {
                Ok(_) => Encoding::Utf8,
                // A multi-byte character cut by the sniff window is still UTF-8.
                Err(e) if e.error_len().is_none() && !complete => Encoding::Utf8,
                Err(_) => Encoding::Latin1,
            },
        };
        let delimiter = match options.csv.delimiter {
            Some(d) => d,
            None => detect_delimiter(body, complete),
        };
        let mut sample = sample_records(body, delimiter, complete, SAMPLE_ROWS + 1);
        if sample.is_empty() {
            return Err(ImportError::Empty);
        }
        let has_header = options
            .csv
            .has_header
            .unwrap_or_else(|| looks_like_header(&sample[0].1, encoding));
        if sample[0].1.len() > MAX_COLUMNS {
            return Err(ImportError::Malformed {
                line: sample[0].0,
                column: None,
                message: format!(
                    "too many columns (at least {}; Spur reads up to {MAX_COLUMNS})",
                    sample[0].1.len()
                ),
            });
        }
        let names: Vec<String> = if has_header {
            let first = sample.remove(0);
            dedup_names(
                first
                    .1
                    .iter()
                    .map(|f| decode_lossy(f, encoding).trim().to_string())
                    .collect(),
            )
        } else {
            (1..=sample[0].1.len())
                .map(|i| format!("column{i}"))
                .collect()
        };
        let mut warnings = Vec::new();
        let columns = plan_columns(
            &names,
            &sample,
            encoding,
            &options.mapping,
            has_header,
            preview.then_some(&mut warnings),
        )?;
        let dialect = CsvDialect {
            delimiter: delimiter as char,
            has_header,
            encoding,
            columns,
        };
        Ok(Plan {
            dialect,
            skip,
            sample,
            warnings,
        })
    }
}

pub(crate) fn detect_delimiter(body: &[u8], complete: bool) -> u8 {
    let mut best = (b',', 0.0f64, 1usize);
    for d in [b',', b';', b'\t', b'|'] {
        let recs = sample_records(body, d, complete, 50);
        if recs.is_empty() {
            continue;
        }
        let mut counts: Vec<usize> = recs.iter().map(|r| r.1.len()).collect();
        counts.sort_unstable();
        let mode = counts[counts.len() / 2];
        if mode < 2 {
            continue;
        }
        let consistency =
            counts.iter().filter(|&&c| c == mode).count() as f64 / counts.len() as f64;
        if consistency > best.1 + 0.05 || ((consistency - best.1).abs() <= 0.05 && mode > best.2) {
            best = (d, consistency, mode);
        }
    }
    best.0
}

/// Up to `max` complete records of `body` (the last one only if `complete`).
fn sample_records(
    body: &[u8],
    delimiter: u8,
    complete: bool,
    max: usize,
) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut reader = RecordReader::new(delimiter, usize::MAX);
    let mut out = Vec::new();
    let mut sink = |r: Record<'_>| {
        if out.len() < max {
            out.push((r.line, r.fields().map(<[u8]>::to_vec).collect()));
        }
        Ok(())
    };
    // Errors (an unclosed quote) are found again, with their line, by the real read.
    let _ = reader.feed(body, &mut sink);
    // A first row longer than the sniff window is sampled as far as it goes.
    if complete || reader.emitted == 0 {
        let _ = reader.finish(&mut sink);
    }
    out
}

fn looks_like_header(first: &[Vec<u8>], encoding: Encoding) -> bool {
    !first.iter().any(|f| {
        let s = decode_lossy(f, encoding);
        let s = s.trim();
        !s.is_empty() && (timestamp::parse_any(s).is_some() || s.parse::<f64>().is_ok())
    })
}

fn dedup_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    let mut seen: hashbrown::HashSet<String> = hashbrown::HashSet::new();
    for (i, n) in names.into_iter().enumerate() {
        let mut name = if n.is_empty() {
            format!("column{}", i + 1)
        } else {
            n
        };
        let base = name.clone();
        let mut k = 1;
        while seen.contains(&name) {
            name = format!("{base}.{k}");
            k += 1;
        }
        seen.insert(name.clone());
        out.push(name);
    }
    out
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

const CASE_NAMES: &[&str] = &[
    "case:concept:name",
    "case",
    "caseid",
    "case:id",
    "caseidentifier",
    "traceid",
    "trace",
    "processinstance",
    "instance",
    // Clickstreams (issue 12: case = session, activity = item).
    "session",
    "sessionid",
];
const ACTIVITY_NAMES: &[&str] = &[
    "concept:name",
    "activity",
    "activityname",
    "event",
    "eventname",
    "task",
    "taskname",
    "action",
    "operation",
    "step",
    // Clickstreams: the item clicked is the activity when nothing above names one.
    "item",
    "itemid",
    "product",
    "productid",
    "sku",
];
const TIMESTAMP_NAMES: &[&str] = &[
    "time:timestamp",
    "timestamp",
    "completetimestamp",
    "endtimestamp",
    "endtime",
    "completetime",
    "time",
    "datetime",
    "eventtime",
    "date",
    "endts",
    "ts",
];
const RESOURCE_NAMES: &[&str] = &[
    "org:resource",
    "resource",
    "user",
    "username",
    "performer",
    "agent",
    "employee",
    "org:role",
    "role",
];
const START_NAMES: &[&str] = &[
    "starttimestamp",
    "starttime",
    "start",
    "startdate",
    "startts",
];

fn plan_columns(
    names: &[String],
    sample: &[(u64, Vec<Vec<u8>>)],
    encoding: Encoding,
    mapping: &Mapping,
    has_header: bool,
    mut warnings: Option<&mut Vec<String>>,
) -> Result<Vec<ColumnInfo>, ImportError> {
    let header = names.join(", ");
    let hint = match names {
        [one] if one.contains([',', ';', '\t', '|']) => {
            " (only one column was found: is the delimiter right? set it explicitly)".to_string()
        }
        _ => String::new(),
    };
    let normed: Vec<String> = names.iter().map(|n| norm(n)).collect();
    let values = |i: usize| -> Vec<String> {
        sample
            .iter()
            .filter_map(|(_, r)| r.get(i))
            .map(|f| decode_lossy(f, encoding).trim().to_string())
            .collect()
    };
    // Columns mapped as attributes are never picked for a role by detection.
    let listed = |list: &[String], name: &str| list.iter().any(|c| c == name);
    let mut taken: Vec<bool> = names
        .iter()
        .map(|n| listed(&mapping.case_attributes, n) || listed(&mapping.event_attributes, n))
        .collect();
    let pick = |role: &'static str,
                mapped: &Option<String>,
                candidates: &[&str],
                taken: &mut Vec<bool>|
     -> Result<Option<usize>, ImportError> {
        if let Some(m) = mapped {
            let found = names
                .iter()
                .position(|n| n == m)
                .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(m)));
            return match found {
                Some(i) => {
                    taken[i] = true;
                    Ok(Some(i))
                }
                None => Err(ImportError::MissingColumn {
                    role,
                    candidates: format!("`{m}` (as mapped)"),
                    header: header.clone(),
                    hint: hint.clone(),
                }),
            };
        }
        let found = candidates.iter().find_map(|c| {
            let c = norm(c);
            (0..names.len()).find(|&i| !taken[i] && normed[i] == c)
        });
        if let Some(i) = found {
            taken[i] = true;
        }
        Ok(found)
    };
    let by_name = has_header;
    let case = pick(
        "case",
        &mapping.case,
        if by_name { CASE_NAMES } else { &[] },
        &mut taken,
    )?;
    let activity = pick(
        "activity",
        &mapping.activity,
        if by_name { ACTIVITY_NAMES } else { &[] },
        &mut taken,
    )?;
    let mut ts = pick(
        "timestamp",
        &mapping.timestamp,
        if by_name { TIMESTAMP_NAMES } else { &[] },
        &mut taken,
    )?;
    let resource = pick(
        "resource",
        &mapping.resource,
        if by_name { RESOURCE_NAMES } else { &[] },
        &mut taken,
    )?;
    let start = pick(
        "start timestamp",
        &mapping.start_timestamp,
        if by_name { START_NAMES } else { &[] },
        &mut taken,
    )?;
    // Timestamp from values: the first free column whose samples are all dates.
    if ts.is_none() {
        ts = (0..names.len()).find(|&i| {
            let v = values(i);
            !taken[i]
                && v.iter().any(|s| !s.is_empty())
                && timestamp::detect(v.iter().map(String::as_str), false).is_some()
        });
        if let Some(i) = ts {
            taken[i] = true;
        }
    }
    // Without header (or recognisable names): the first free columns are case, then activity.
    // A preview (`warnings` given) shows that guess with a warning instead of failing, so the
    // user can pick the right columns.
    let mut free = (0..names.len()).filter(|&i| !taken[i]);
    let mut required = |found: Option<usize>,
                        role: &'static str,
                        candidates: &[&str],
                        free: &mut dyn Iterator<Item = usize>|
     -> Result<usize, ImportError> {
        if let Some(c) = found.or_else(|| if has_header { None } else { free.next() }) {
            return Ok(c);
        }
        let e = ImportError::MissingColumn {
            role,
            candidates: candidates
                .iter()
                .take(5)
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
            header: header.clone(),
            hint: hint.clone(),
        };
        match (warnings.as_deref_mut(), free.next()) {
            (Some(w), Some(c)) => {
                w.push(format!(
                    "{e}; column `{}` is shown as the {role} column until you pick one",
                    names[c]
                ));
                Ok(c)
            }
            _ => Err(e),
        }
    };
    let case = required(case, "case", CASE_NAMES, &mut free)?;
    let activity = required(activity, "activity", ACTIVITY_NAMES, &mut free)?;
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let v = values(i);
        let role = if i == case {
            Role::Case
        } else if i == activity {
            Role::Activity
        } else if Some(i) == ts {
            Role::Timestamp
        } else if Some(i) == resource {
            Role::Resource
        } else if Some(i) == start {
            Role::StartTimestamp
        } else if listed(&mapping.case_attributes, name)
            || (name.starts_with("case:") && !listed(&mapping.event_attributes, name))
        {
            Role::CaseAttribute
        } else {
            Role::EventAttribute
        };
        let is_time = matches!(role, Role::Timestamp | Role::StartTimestamp);
        let mut fmt = mapping.timestamp_formats.get(name).copied();
        if fmt.is_none() && is_time {
            fmt = timestamp::detect(v.iter().map(String::as_str), true)
                .or_else(|| majority_format(&v));
        }
        let column_type = match role {
            Role::Timestamp | Role::StartTimestamp => ColumnType::Timestamp,
            Role::Case | Role::Activity | Role::Resource => ColumnType::Str,
            _ => {
                let (ty, f) = infer_type(&v);
                if fmt.is_none() {
                    fmt = f;
                }
                ty
            }
        };
        out.push(ColumnInfo {
            name: name.clone(),
            role,
            column_type,
            timestamp_format: fmt,
        });
    }
    Ok(out)
}

/// For a time column whose samples mix formats: the format most samples fit (the others are
/// then read as repaired rows).
fn majority_format(values: &[String]) -> Option<TimestampFormat> {
    let count = |f: TimestampFormat| {
        values
            .iter()
            .filter(|v| timestamp::parse(v, f).is_some())
            .count()
    };
    TimestampFormat::ALL
        .into_iter()
        .rev()
        .map(|f| (count(f), f))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, _)| n)
        .map(|(_, f)| f)
}

fn infer_type(values: &[String]) -> (ColumnType, Option<TimestampFormat>) {
    let non_empty: Vec<&str> = values
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if non_empty.is_empty() {
        return (ColumnType::Str, None);
    }
    if non_empty.iter().all(|s| s.parse::<i64>().is_ok()) {
        return (ColumnType::Int, None);
    }
    if non_empty
        .iter()
        .all(|s| s.parse::<f64>().is_ok_and(f64::is_finite))
    {
        return (ColumnType::Float, None);
    }
    if non_empty
        .iter()
        .all(|s| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"))
    {
        return (ColumnType::Bool, None);
    }
    if let Some(f) = timestamp::detect(non_empty.iter().copied(), false) {
        return (ColumnType::Timestamp, Some(f));
    }
    (ColumnType::Str, None)
}

fn decode_lossy(f: &[u8], encoding: Encoding) -> String {
    match (encoding, std::str::from_utf8(f)) {
        (Encoding::Latin1, _) | (_, Err(_)) => f.iter().map(|&b| b as char).collect(),
        (_, Ok(s)) => s.to_string(),
    }
}

/// One record cut by [`RecordReader`].
pub(crate) struct Record<'a> {
    bytes: &'a [u8],
    /// Byte range of each field in `bytes`.
    spans: &'a [(usize, usize)],
    /// Line where the record starts.
    pub(crate) line: u64,
}

impl<'a> Record<'a> {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        let &(start, end) = self.spans.get(i)?;
        self.bytes.get(start..end)
    }
    /// Byte range of field `i` in `bytes`.
    fn span(&self, i: usize) -> (usize, usize) {
        self.spans.get(i).copied().unwrap_or((0, 0))
    }

    fn fields(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
    AfterCr,
}

/// Resumable, quote-aware record cutter.
pub(crate) struct RecordReader {
    delim: u8,
    state: St,
    record: Vec<u8>,
    ends: Vec<usize>,
    line: u64,
    record_line: u64,
    quote_line: u64,
    max: usize,
    /// Records handed to the sink so far.
    emitted: u64,
    spans: Vec<(usize, usize)>,
}

type Sink<'s> = dyn FnMut(Record<'_>) -> Result<(), ImportError> + 's;

impl RecordReader {
    pub(crate) fn new(delim: u8, max: usize) -> Self {
        RecordReader {
            delim,
            state: St::FieldStart,
            record: Vec::new(),
            ends: Vec::new(),
            line: 1,
            record_line: 1,
            quote_line: 1,
            max,
            emitted: 0,
            spans: Vec::new(),
        }
    }

    fn end_field(&mut self) {
        self.ends.push(self.record.len());
    }

    fn emit(&mut self, sink: &mut Sink<'_>) -> Result<(), ImportError> {
        self.end_field();
        let blank = self.ends.len() == 1 && self.record.is_empty();
        if !blank {
            self.emitted += 1;
            self.spans.clear();
            let mut start = 0;
            for &end in &self.ends {
                self.spans.push((start, end));
                start = end;
            }
            sink(Record {
                bytes: &self.record,
                spans: &self.spans,
                line: self.record_line,
            })?;
        }
        self.record.clear();
        self.ends.clear();
        Ok(())
    }

    fn check(&self) -> Result<(), ImportError> {
        if self.record.len() > self.max {
            return Err(ImportError::TooLong {
                line: self.record_line,
                what: "CSV row",
                limit: self.max,
            });
        }
        Ok(())
    }

    pub(crate) fn feed(&mut self, data: &[u8], sink: &mut Sink<'_>) -> Result<(), ImportError> {
        const Q: u8 = b'"';
        let mut i = 0;
        while i < data.len() {
            if self.state == St::FieldStart && self.record.is_empty() && self.ends.is_empty() {
                if let Some(n) = self.fast_line(&data[i..], sink)? {
                    i += n;
                    continue;
                }
            }
            match self.state {
                St::FieldStart => {
                    if data[i] == Q {
                        self.state = St::Quoted;
                        self.quote_line = self.line;
                        i += 1;
                    } else {
                        self.state = St::Unquoted;
                    }
                }
                St::Unquoted => match find3(&data[i..], self.delim) {
                    None => {
                        self.record.extend_from_slice(&data[i..]);
                        i = data.len();
                        self.check()?;
                    }
                    Some(o) => {
                        self.record.extend_from_slice(&data[i..i + o]);
                        self.check()?;
                        let b = data[i + o];
                        i += o + 1;
                        self.after_field(b, sink)?;
                    }
                },
                St::Quoted => match memchr(Q, &data[i..]) {
                    None => {
                        self.line += count_nl(&data[i..]);
                        self.record.extend_from_slice(&data[i..]);
                        i = data.len();
                        self.check()?;
                    }
                    Some(o) => {
                        self.line += count_nl(&data[i..i + o]);
                        self.record.extend_from_slice(&data[i..i + o]);
                        self.check()?;
                        i += o + 1;
                        self.state = St::QuoteInQuoted;
                    }
                },
                St::QuoteInQuoted => {
                    let b = data[i];
                    if b == Q {
                        self.record.push(Q);
                        self.state = St::Quoted;
                        i += 1;
                    } else if b == self.delim || b == b'\n' || b == b'\r' {
                        i += 1;
                        self.after_field(b, sink)?;
                    } else {
                        // `"ab"c`: text after the closing quote is kept (as Python's csv does).
                        self.state = St::Unquoted;
                    }
                }
                St::AfterCr => {
                    if data[i] == b'\n' {
                        i += 1;
                    }
                    self.line += 1;
                    self.record_line = self.line;
                    self.state = St::FieldStart;
                }
            }
        }
        Ok(())
    }

    /// Fast path: a whole line of `rest` without quotes or lone `\r` is cut in place (no copy).
    /// `None` when the line is not complete in `rest` or needs the state machine.
    fn fast_line(
        &mut self,
        rest: &[u8],
        sink: &mut Sink<'_>,
    ) -> Result<Option<usize>, ImportError> {
        // One pass finds the line end, or the quote or lone CR that needs the state machine.
        let Some(p) = memchr3(b'\n', b'"', b'\r', rest) else {
            return Ok(None);
        };
        let (line, consumed) = match rest[p] {
            b'\n' => (&rest[..p], p + 1),
            b'\r' if rest.get(p + 1) == Some(&b'\n') => (&rest[..p], p + 2),
            _ => return Ok(None),
        };
        if line.len() > self.max {
            return Err(ImportError::TooLong {
                line: self.line,
                what: "CSV row",
                limit: self.max,
            });
        }
        self.spans.clear();
        let mut start = 0;
        for j in memchr::memchr_iter(self.delim, line) {
            self.spans.push((start, j));
            start = j + 1;
        }
        self.spans.push((start, line.len()));
        if !line.is_empty() {
            self.emitted += 1;
            sink(Record {
                bytes: line,
                spans: &self.spans,
                line: self.line,
            })?;
        }
        self.line += 1;
        self.record_line = self.line;
        Ok(Some(consumed))
    }

    fn after_field(&mut self, b: u8, sink: &mut Sink<'_>) -> Result<(), ImportError> {
        if b == self.delim {
            self.end_field();
            self.state = St::FieldStart;
        } else if b == b'\n' {
            self.emit(sink)?;
            self.line += 1;
            self.record_line = self.line;
            self.state = St::FieldStart;
        } else {
            self.emit(sink)?;
            self.state = St::AfterCr;
        }
        Ok(())
    }

    pub(crate) fn finish(&mut self, sink: &mut Sink<'_>) -> Result<(), ImportError> {
        match self.state {
            St::Quoted => Err(ImportError::Malformed {
                line: self.quote_line,
                column: None,
                message: "a quoted field opened on this line is never closed".into(),
            }),
            St::AfterCr => Ok(()),
            _ if self.record.is_empty() && self.ends.is_empty() => Ok(()),
            _ => self.emit(sink),
        }
    }
}

/// Next delimiter or line end: a plain loop over the first bytes (fields are short), then memchr.
fn find3(hay: &[u8], delim: u8) -> Option<usize> {
    const SHORT: usize = 32;
    let head = &hay[..hay.len().min(SHORT)];
    match head
        .iter()
        .position(|&c| c == delim || c == b'\n' || c == b'\r')
    {
        Some(p) => Some(p),
        None if hay.len() > SHORT => memchr3(delim, b'\n', b'\r', &hay[SHORT..]).map(|p| p + SHORT),
        None => None,
    }
}

fn count_nl(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

/// Per-row reading state (separate from the record cutter so both can be borrowed at once).
struct Rows {
    dialect: CsvDialect,
    builder: EventLogBuilder,
    issues: Issues,
    header_pending: bool,
    rows: u64,
    fields: Vec<String>,
    /// Per column: `fields[i]` holds the decoded text (the row was not UTF-8 there).
    decoded: Vec<bool>,
    /// Per column: the builder column of its attribute, once created.
    slots: Vec<Option<usize>>,
    last_case: Option<(String, u32)>,
    case: usize,
    activity: usize,
    ts: Option<usize>,
    resource: Option<usize>,
    reported_widening: Vec<bool>,
}

pub(crate) struct CsvImporter {
    options: ImportOptions,
    format: Format,
    head: Vec<u8>,
    reader: Option<RecordReader>,
    rows: Option<Rows>,
}

impl CsvImporter {
    pub(crate) fn new(options: &ImportOptions, format: Format) -> Self {
        CsvImporter {
            options: options.clone(),
            format,
            head: Vec::new(),
            reader: None,
            rows: None,
        }
    }

    pub(crate) fn events(&self) -> u64 {
        self.rows.as_ref().map_or(0, |r| r.builder.len() as u64)
    }

    pub(crate) fn push(&mut self, chunk: &[u8], last: bool) -> Result<(), ImportError> {
        if self.reader.is_none() {
            self.head.extend_from_slice(chunk);
            if self.head.len() < SNIFF_BYTES && !last {
                return Ok(());
            }
            let head = std::mem::take(&mut self.head);
            let plan = Plan::detect(&head, last, &self.options, false)?;
            let find = |r: Role| plan.dialect.columns.iter().position(|c| c.role == r);
            let (Some(case), Some(activity)) = (find(Role::Case), find(Role::Activity)) else {
                return Err(ImportError::Empty);
            };
            let mut builder = EventLogBuilder::new();
            let start = find(Role::StartTimestamp);
            if let Some(s) = start {
                builder.set_start_timestamp_attr(&plan.dialect.columns[s].name);
            }
            let ncols = plan.dialect.columns.len();
            self.rows = Some(Rows {
                builder,
                issues: Issues::new(self.options.limits.max_issues_kept),
                header_pending: plan.dialect.has_header,
                rows: 0,
                fields: Vec::new(),
                decoded: Vec::new(),
                slots: vec![None; ncols],
                last_case: None,
                case,
                activity,
                ts: find(Role::Timestamp),
                resource: find(Role::Resource),
                reported_widening: vec![false; ncols],
                dialect: plan.dialect,
            });
            let delim = self
                .rows
                .as_ref()
                .map_or(b',', |r| r.dialect.delimiter as u8);
            self.reader = Some(RecordReader::new(
                delim,
                self.options.limits.max_record_bytes,
            ));
            return self.feed(&head[plan.skip..], last);
        }
        self.feed(chunk, last)
    }

    fn feed(&mut self, data: &[u8], last: bool) -> Result<(), ImportError> {
        let (Some(reader), Some(rows)) = (self.reader.as_mut(), self.rows.as_mut()) else {
            return Ok(());
        };
        let mut sink = |r: Record<'_>| rows.row(r);
        reader.feed(data, &mut sink)?;
        if last {
            reader.finish(&mut sink)?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<(EventLog, ImportReport), ImportError> {
        let Some(rows) = self.rows else {
            return Err(ImportError::Empty);
        };
        let lines = self.reader.map_or(0, |r| r.line);
        if rows.builder.is_empty() {
            let line = if rows.rows == 0 { 1 } else { lines };
            let message = if rows.rows == 0 {
                "the file has a header but no data rows".to_string()
            } else {
                format!(
                    "none of the {} data rows could be imported (see the first rejected row: {})",
                    rows.rows,
                    rows.issues
                        .kept
                        .first()
                        .map(|i| i.to_string())
                        .unwrap_or_default()
                )
            };
            return Err(ImportError::NoEvents { line, message });
        }
        let log = rows.builder.finish();
        let report =
            rows.issues
                .into_report(self.format, lines, rows.rows, &log, Some(rows.dialect));
        Ok((log, report))
    }
}

impl Rows {
    fn row(&mut self, r: Record<'_>) -> Result<(), ImportError> {
        if self.header_pending {
            self.header_pending = false;
            return Ok(());
        }
        self.rows += 1;
        let line = r.line;
        let ncols = self.dialect.columns.len();
        if r.len() != ncols {
            let n = r.len();
            self.issues
                .add(line, None, IssueKind::FieldCount, Action::Rejected, || {
                    format!("expected {ncols} fields, found {n} (a stray delimiter or quote?)")
                });
            return Ok(());
        }
        if memchr(0, r.bytes).is_some() {
            self.issues
                .add(line, None, IssueKind::NulByte, Action::Rejected, || {
                    "a NUL byte in a field".into()
                });
            return Ok(());
        }
        // Fields are read in place when the row is UTF-8 (one check per row); otherwise the
        // fields that are not are decoded as Latin-1 into reused strings.
        let latin1 = self.dialect.encoding == Encoding::Latin1;
        let whole = if latin1 {
            None
        } else {
            std::str::from_utf8(r.bytes).ok()
        };
        self.fields.resize_with(ncols, String::new);
        self.decoded.clear();
        self.decoded.resize(ncols, false);
        let mut latin1_used = false;
        for i in 0..ncols {
            let (start, end) = r.span(i);
            if whole.and_then(|w| w.get(start..end)).is_none() {
                let f = &r.bytes[start..end];
                let s = &mut self.fields[i];
                s.clear();
                match (latin1, std::str::from_utf8(f)) {
                    (false, Ok(t)) => s.push_str(t),
                    _ => {
                        latin1_used |= !latin1;
                        s.extend(f.iter().map(|&b| b as char));
                    }
                }
                self.decoded[i] = true;
            }
        }
        if latin1_used {
            self.issues.add(
                line,
                None,
                IssueKind::Latin1Fallback,
                Action::Repaired,
                || "bytes that are not UTF-8 read as Latin-1".into(),
            );
        }
        let (fields, decoded) = (&self.fields, &self.decoded);
        let text = |i: usize| -> &str {
            if decoded[i] {
                return fields[i].as_str();
            }
            let (start, end) = r.span(i);
            whole.and_then(|w| w.get(start..end)).unwrap_or("")
        };
        let cols = &self.dialect.columns;
        let case_id = text(self.case).trim_ascii();
        if case_id.is_empty() {
            self.issues.add(
                line,
                Some(&cols[self.case].name),
                IssueKind::MissingCase,
                Action::Rejected,
                || "empty case id".into(),
            );
            return Ok(());
        }
        let activity = text(self.activity).trim_ascii();
        if activity.is_empty() {
            self.issues.add(
                line,
                Some(&cols[self.activity].name),
                IssueKind::MissingActivity,
                Action::Rejected,
                || "empty activity".into(),
            );
            return Ok(());
        }
        let mut ts = None;
        if let Some(t) = self.ts {
            let text = text(t).trim_ascii();
            if text.is_empty() {
                self.issues.add(
                    line,
                    Some(&cols[t].name),
                    IssueKind::MissingTimestamp,
                    Action::Repaired,
                    || "empty timestamp: the event is kept without one".into(),
                );
            } else {
                match read_time(text, cols[t].timestamp_format) {
                    TimeRead::Ok(ms) => ts = Some(ms),
                    TimeRead::Other(ms, f) => {
                        ts = Some(ms);
                        self.issues.add(
                            line,
                            Some(&cols[t].name),
                            IssueKind::OtherTimestampFormat,
                            Action::Repaired,
                            || {
                                format!(
                                    "`{text}` read as {}, not the column's format",
                                    f.describe()
                                )
                            },
                        );
                    }
                    TimeRead::Bad => {
                        self.issues.add(
                            line,
                            Some(&cols[t].name),
                            IssueKind::BadTimestamp,
                            Action::Rejected,
                            || format!("`{text}` is not a timestamp"),
                        );
                        return Ok(());
                    }
                }
            }
        }
        // Rows of a case usually follow each other: reuse the last case's code.
        let case = match &self.last_case {
            Some((id, code)) if id == case_id => *code,
            _ => {
                let code = self.builder.case_code(case_id);
                let mut id = self.last_case.take().map(|(s, _)| s).unwrap_or_default();
                id.clear();
                id.push_str(case_id);
                self.last_case = Some((id, code));
                code
            }
        };
        let act = self.builder.activity_code(activity);
        let e = self.builder.push_event(case, act, ts);
        if let Some(res) = self.resource {
            let v = text(res).trim_ascii();
            if !v.is_empty() {
                let code = self.builder.resource_code(v);
                self.builder.set_resource(e, code);
            }
        }
        for (i, col) in cols.iter().enumerate() {
            let text = text(i);
            if text.trim_ascii().is_empty() {
                continue;
            }
            // A case attribute is read once per case: skip parsing when it is already set.
            if col.role == Role::CaseAttribute {
                if let Some(slot) = self.slots[i] {
                    if self.builder.case_attr_is_set(slot, case) {
                        continue;
                    }
                }
            }
            let value = match col.role {
                Role::Case | Role::Activity | Role::Timestamp | Role::Resource => continue,
                Role::StartTimestamp => match read_time(text.trim(), col.timestamp_format) {
                    TimeRead::Ok(ms) | TimeRead::Other(ms, _) => Value::Timestamp(ms),
                    TimeRead::Bad => {
                        self.issues.add(
                            line,
                            Some(&col.name),
                            IssueKind::BadTimestamp,
                            Action::Repaired,
                            || format!("`{}` is not a timestamp; dropped", text.trim()),
                        );
                        continue;
                    }
                },
                Role::CaseAttribute | Role::EventAttribute => typed(text, col),
            };
            let outcome = if col.role == Role::CaseAttribute {
                let slot = match self.slots[i] {
                    Some(c) => c,
                    None => {
                        let key = col.name.strip_prefix("case:").unwrap_or(&col.name);
                        let c = self.builder.case_attr_column(key, value.column_type());
                        self.slots[i] = Some(c);
                        c
                    }
                };
                if self.builder.case_attr_is_set(slot, case) {
                    continue;
                }
                self.builder.set_case_attr_at(slot, case, value)
            } else {
                let slot = match self.slots[i] {
                    Some(c) => c,
                    None => {
                        let c = self
                            .builder
                            .event_attr_column(&col.name, value.column_type());
                        self.slots[i] = Some(c);
                        c
                    }
                };
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
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(input: &str, chunk: usize) -> Vec<(u64, Vec<String>)> {
        let mut r = RecordReader::new(b',', 1 << 20);
        let mut out = Vec::new();
        let mut sink = |rec: Record<'_>| {
            out.push((
                rec.line,
                rec.fields()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
            Ok(())
        };
        for c in input.as_bytes().chunks(chunk) {
            r.feed(c, &mut sink).expect("feed");
        }
        r.finish(&mut sink).expect("finish");
        out
    }

    #[test]
    fn records_survive_any_chunking() {
        let input = "a,\"b,\"\"c\"\"\nd\"\r\n\r\nx,y\rlast,\"\"";
        let want = cut(input, 1000);
        assert_eq!(
            want,
            vec![
                (1, vec!["a".to_string(), "b,\"c\"\nd".into()]),
                (4, vec!["x".into(), "y".into()]),
                (5, vec!["last".into(), "".into()]),
            ]
        );
        for n in 1..input.len() {
            assert_eq!(cut(input, n), want, "chunk size {n}");
        }
    }

    #[test]
    fn delimiter_and_roles() {
        let p = sniff(b"Case ID;Activity;Complete Timestamp;Resource\n1;a;01.02.2020 10:00;r\n1;b;13.02.2020 10:00;s\n").expect("sniff");
        assert_eq!(p.dialect.delimiter, ';');
        let roles: Vec<Role> = p.dialect.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [Role::Case, Role::Activity, Role::Timestamp, Role::Resource]
        );
        assert_eq!(
            p.dialect.columns[2].timestamp_format,
            Some(TimestampFormat::DayMonthYear)
        );
    }

    #[test]
    fn columns_mapped_as_attributes_keep_their_role() {
        let csv = b"case,activity,user,case:kind,region\n1,a,u,x,n\n1,b,v,x,n\n2,a,u,y,s\n";
        let mut options = ImportOptions::default();
        options.mapping.event_attributes = vec!["user".into(), "case:kind".into()];
        options.mapping.case_attributes = vec!["region".into()];
        let p = sniff_with(csv, &options).expect("sniff");
        let roles: Vec<Role> = p.dialect.columns.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                Role::Case,
                Role::Activity,
                Role::EventAttribute,
                Role::EventAttribute,
                Role::CaseAttribute
            ]
        );
        let (log, _) = crate::import::import_bytes("x.csv", csv, &options).expect("import");
        assert_eq!(log.num_events(), 3);
        assert!(log.case_attribute("region").is_some());
        assert!(log.event_attribute("user").is_some());
        assert!(log.event_attribute("case:kind").is_some());
    }

    #[test]
    fn a_resolved_mapping_reads_the_same_plan() {
        let csv =
            b"id;step;when;user;case:kind\n1;a;2024-01-01 10:00;u;x\n1;b;2024-01-02 10:00;v;x\n";
        let mut options = ImportOptions::default();
        options.mapping.case = Some("id".into());
        options.mapping.activity = Some("step".into());
        options.mapping.event_attributes = vec!["case:kind".into()];
        let p = sniff_with(csv, &options).expect("sniff");
        let m = p.dialect.resolved_mapping();
        assert_eq!(m.timestamp.as_deref(), Some("when"));
        assert_eq!(m.resource.as_deref(), Some("user"));
        assert_eq!(m.event_attributes, vec!["case:kind".to_string()]);
        let again = ImportOptions {
            mapping: m,
            ..ImportOptions::default()
        };
        assert_eq!(sniff_with(csv, &again).expect("sniff").dialect, p.dialect);
    }

    #[test]
    fn a_preview_guesses_unrecognised_roles_and_says_so() {
        let csv = b"Vorgang;Schritt;Zeitpunkt\nA;x;2024-01-01 10:00\nA;y;2024-01-02 10:00\n";
        assert!(matches!(
            crate::import::import_bytes("x.csv", csv, &ImportOptions::default()),
            Err(ImportError::MissingColumn { role: "case", .. })
        ));
        let p = sniff(csv).expect("a preview");
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("`Vorgang` is shown as the case column"));
        let options = ImportOptions {
            mapping: p.dialect.resolved_mapping(),
            ..ImportOptions::default()
        };
        let (log, _) = crate::import::import_bytes("x.csv", csv, &options).expect("reads");
        assert_eq!((log.num_cases(), log.num_events()), (1, 2));
        assert!(sniff_with(csv, &options)
            .expect("sniff")
            .warnings
            .is_empty());
    }
}
