//! XES (IEEE 1849) → EventLog, streaming.
//!
//! A small hand-written XML tokenizer instead of a pull parser, because the importer is
//! push-shaped: each pushed chunk is cut into complete tokens (tags, comments, processing
//! instructions, CDATA), an incomplete tail waits for the next chunk, and a token longer than
//! [`Limits::max_record_bytes`](super::Limits) stops the import. Tokens are read in place from
//! the input (no copy per event); strings are interned straight from the bytes; dates take a
//! fixed-position fast path. It checks what XES needs (tags nest and close in order, attribute
//! values are quoted, text is UTF-8 or the declared Latin-1) and nothing more: no DTDs, no
//! namespaces, no entities beyond the five predefined ones and character references.
//!
//! Semantics (pm4py's defaults): the activity is the event's `concept:name`, the case id the
//! trace's `concept:name`, the timestamp `time:timestamp`, the resource `org:resource` (all
//! overridable with [`Mapping`](super::Mapping)). Other trace attributes become case attribute
//! columns, other event attributes (`lifecycle:transition` included) event attribute columns,
//! typed as declared (`string`/`id` → string, `date` → timestamp, `int`, `float`, `boolean`).
//! Traces sharing a case id are one case. Nested attributes, `list` and `container` are
//! skipped and reported; `<global>`, `<extension>` and `<classifier>` are read over.

use super::timestamp::{self, TimestampFormat};
use super::{Action, Format, ImportError, ImportOptions, ImportReport, IssueKind, Issues, Limits};
use crate::log::{EventLog, EventLogBuilder, Interner, SetAttr, Value};
use memchr::{memchr, memchr3, memmem};

/// Case code of events whose trace is not closed yet.
const PENDING_CASE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Log,
    Trace,
    Event,
    /// An attribute element of the log, a trace or an event.
    Attr,
    /// Read over: globals, nested attributes, unknown elements.
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Log,
    Trace,
    Event,
}

struct Open {
    ctx: Ctx,
    name_len: usize,
    line: u64,
    /// For `Attr`: nested children were already reported once.
    nested_reported: bool,
}

#[derive(Debug, Clone, Copy)]
enum Pending {
    Str(usize, usize),
    Int(i64),
    Float(f64),
    Bool(bool),
    Ts(i64),
}

#[derive(Default)]
struct Element {
    line: u64,
    activity: Option<u32>,
    timestamp: Option<i64>,
    resource: Option<u32>,
    case_name: Option<(usize, usize)>,
    first_event: usize,
    attrs: Vec<(u32, Pending)>,
    strs: String,
}

impl Element {
    fn reset(&mut self, line: u64, first_event: usize) {
        self.line = line;
        self.activity = None;
        self.timestamp = None;
        self.resource = None;
        self.case_name = None;
        self.first_event = first_event;
        self.attrs.clear();
        self.strs.clear();
    }
}

struct Keys {
    activity: String,
    case: String,
    timestamp: String,
    resource: String,
}

pub(crate) struct XesImporter {
    buf: Vec<u8>,
    /// Line number at the current scan position.
    line: u64,
    limits: Limits,
    format: Format,
    builder: EventLogBuilder,
    issues: Issues,
    keys: Keys,
    stack: Vec<Open>,
    names: Vec<u8>,
    latin1: bool,
    seen_root: bool,
    root_closed: bool,
    at_start: bool,
    rows: u64,
    trace: Element,
    event: Element,
    attr_keys: Interner,
    scratch: String,
}

impl XesImporter {
    pub(crate) fn new(options: &ImportOptions, format: Format) -> Self {
        let m = &options.mapping;
        let case = m.case.as_deref().unwrap_or("concept:name");
        let keys = Keys {
            activity: m.activity.clone().unwrap_or_else(|| "concept:name".into()),
            case: case.strip_prefix("case:").unwrap_or(case).to_string(),
            timestamp: m
                .timestamp
                .clone()
                .unwrap_or_else(|| "time:timestamp".into()),
            resource: m.resource.clone().unwrap_or_else(|| "org:resource".into()),
        };
        let mut builder = EventLogBuilder::new();
        builder.set_start_timestamp_attr(m.start_timestamp.as_deref().unwrap_or("start_timestamp"));
        XesImporter {
            buf: Vec::new(),
            line: 1,
            limits: options.limits,
            format,
            builder,
            issues: Issues::new(options.limits.max_issues_kept),
            keys,
            stack: Vec::new(),
            names: Vec::new(),
            latin1: false,
            seen_root: false,
            root_closed: false,
            at_start: true,
            rows: 0,
            trace: Element::default(),
            event: Element::default(),
            attr_keys: Interner::new(),
            scratch: String::new(),
        }
    }

    pub(crate) fn events(&self) -> u64 {
        self.builder.len() as u64
    }

    pub(crate) fn push(&mut self, chunk: &[u8], last: bool) -> Result<(), ImportError> {
        let mut buf = std::mem::take(&mut self.buf);
        if buf.is_empty() {
            let used = self.scan(chunk, last)?;
            buf.extend_from_slice(&chunk[used..]);
        } else {
            buf.extend_from_slice(chunk);
            let used = self.scan(&buf, last)?;
            buf.drain(..used);
        }
        self.buf = buf;
        if last {
            self.end_of_input()?;
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<(EventLog, ImportReport), ImportError> {
        let lines = self.line;
        let log = self.builder.finish();
        let report = self
            .issues
            .into_report(self.format, lines, self.rows, &log, None);
        Ok((log, report))
    }

    fn end_of_input(&mut self) -> Result<(), ImportError> {
        let rest = std::mem::take(&mut self.buf);
        if rest.iter().any(|b| !b.is_ascii_whitespace()) {
            return Err(ImportError::Xml {
                line: self.line,
                message: "the input ends inside a tag or comment (truncated file?)".into(),
            });
        }
        if !self.seen_root {
            return Err(if self.at_start {
                ImportError::Empty
            } else {
                ImportError::Xml {
                    line: self.line,
                    message: "no <log> element: this is not an XES file".into(),
                }
            });
        }
        if let Some(open) = self.stack.last() {
            let name = String::from_utf8_lossy(&self.names[self.names.len() - open.name_len..])
                .into_owned();
            return Err(ImportError::Xml {
                line: self.line,
                message: format!(
                    "the input ends before </{name}> (opened on line {}): truncated file?",
                    open.line
                ),
            });
        }
        if self.builder.is_empty() {
            return Err(ImportError::NoEvents {
                line: self.line,
                message: format!(
                    "the log has no events ({} <event> elements read, none usable)",
                    self.rows
                ),
            });
        }
        Ok(())
    }

    /// Process all complete tokens of `data`; returns how many bytes were consumed.
    fn scan(&mut self, data: &[u8], last: bool) -> Result<usize, ImportError> {
        let mut pos = 0;
        loop {
            let Some(off) = memchr(b'<', &data[pos..]) else {
                self.text(&data[pos..])?;
                return Ok(data.len());
            };
            let lt = pos + off;
            if lt > pos {
                self.text(&data[pos..lt])?;
            }
            pos = lt;
            match token_end(&data[lt..]) {
                Some(len) => {
                    let tok = &data[lt..lt + len];
                    if len > self.limits.max_record_bytes {
                        return Err(self.too_long());
                    }
                    self.token(tok)?;
                    self.line += count_newlines(tok);
                    pos = lt + len;
                    self.at_start = false;
                }
                None => {
                    if data.len() - lt > self.limits.max_record_bytes {
                        return Err(self.too_long());
                    }
                    if last && data.len() > lt {
                        return Err(ImportError::Xml {
                            line: self.line,
                            message: "the input ends inside a tag or comment (truncated file?)"
                                .into(),
                        });
                    }
                    return Ok(pos);
                }
            }
        }
    }

    fn too_long(&self) -> ImportError {
        ImportError::TooLong {
            line: self.line,
            what: "XML tag",
            limit: self.limits.max_record_bytes,
        }
    }

    fn text(&mut self, t: &[u8]) -> Result<(), ImportError> {
        let mut t = t;
        if self.at_start {
            t = t.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(t);
        }
        let non_ws = t.iter().position(|b| !b.is_ascii_whitespace());
        if let Some(p) = non_ws {
            let line = self.line + count_newlines(&t[..p]);
            match self.stack.last().map(|o| o.ctx) {
                None if !self.seen_root => {
                    return Err(ImportError::Xml {
                        line,
                        message: "expected an XML document starting with `<`, found text".into(),
                    });
                }
                Some(Ctx::Attr | Ctx::Skip) => {}
                _ => self
                    .issues
                    .add(line, None, IssueKind::StrayText, Action::Skipped, || {
                        "text between XES elements ignored".into()
                    }),
            }
            self.at_start = false;
        }
        self.line += count_newlines(t);
        Ok(())
    }

    fn token(&mut self, tok: &[u8]) -> Result<(), ImportError> {
        let line = self.line;
        match tok.get(1) {
            Some(b'?') => {
                if tok.starts_with(b"<?xml") {
                    if let Some(enc) = find_attr(&tok[5..tok.len() - 2], b"encoding") {
                        let enc = enc.to_ascii_lowercase();
                        self.latin1 = matches!(
                            enc.as_slice(),
                            b"iso-8859-1" | b"latin1" | b"latin-1" | b"windows-1252" | b"cp1252"
                        );
                    }
                }
                Ok(())
            }
            Some(b'!') => Ok(()),
            Some(b'/') => {
                let name = trim(&tok[2..tok.len() - 1]);
                let Some(open) = self.stack.pop() else {
                    return Err(ImportError::Xml {
                        line,
                        message: format!("</{}> closes nothing", String::from_utf8_lossy(name)),
                    });
                };
                let start = self.names.len() - open.name_len;
                if &self.names[start..] != name {
                    return Err(ImportError::Xml {
                        line,
                        message: format!(
                            "</{}> does not close <{}> (opened on line {})",
                            String::from_utf8_lossy(name),
                            String::from_utf8_lossy(&self.names[start..]),
                            open.line
                        ),
                    });
                }
                self.names.truncate(start);
                self.close(open.ctx);
                Ok(())
            }
            _ => {
                let inner = &tok[1..tok.len() - 1];
                let (inner, self_closing) = match inner.strip_suffix(b"/") {
                    Some(i) => (i, true),
                    None => (inner, false),
                };
                let name_end = inner
                    .iter()
                    .position(|b| b.is_ascii_whitespace())
                    .unwrap_or(inner.len());
                let (name, attrs) = inner.split_at(name_end);
                if name.is_empty() {
                    return Err(ImportError::Xml {
                        line,
                        message: "a `<` that starts no element".into(),
                    });
                }
                self.open(name, attrs, self_closing, line)
            }
        }
    }

    fn open(
        &mut self,
        name: &[u8],
        attrs: &[u8],
        self_closing: bool,
        line: u64,
    ) -> Result<(), ImportError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(ImportError::Xml {
                line,
                message: format!(
                    "elements are nested deeper than {} levels",
                    self.limits.max_depth
                ),
            });
        }
        let parent = self.stack.last().map(|o| o.ctx);
        let ctx = match parent {
            None if self.root_closed => {
                return Err(ImportError::Xml {
                    line,
                    message: format!("<{}> after the end of the log", lossy(name)),
                });
            }
            None if name == b"log" => {
                self.seen_root = true;
                Ctx::Log
            }
            None => {
                return Err(ImportError::Xml {
                    line,
                    message: format!(
                        "expected <log> as the root element, found <{}>",
                        lossy(name)
                    ),
                });
            }
            Some(Ctx::Log) => match name {
                b"trace" => {
                    self.trace.reset(line, self.builder.len());
                    Ctx::Trace
                }
                b"extension" | b"global" | b"classifier" => Ctx::Skip,
                b"event" => {
                    self.issues.add(
                        line,
                        None,
                        IssueKind::EventOutsideTrace,
                        Action::Rejected,
                        || "an <event> outside any <trace> was skipped".into(),
                    );
                    Ctx::Skip
                }
                t if is_attr_type(t) => self.attribute(Owner::Log, t, attrs, line)?,
                _ => self.unknown(name, line),
            },
            Some(Ctx::Trace) => match name {
                b"event" => {
                    self.event.reset(line, 0);
                    Ctx::Event
                }
                t if is_attr_type(t) => self.attribute(Owner::Trace, t, attrs, line)?,
                _ => self.unknown(name, line),
            },
            Some(Ctx::Event) => match name {
                t if is_attr_type(t) => self.attribute(Owner::Event, t, attrs, line)?,
                _ => self.unknown(name, line),
            },
            Some(Ctx::Attr) => {
                let owner_line = self.stack.last().map_or(line, |o| o.line);
                if let Some(top) = self.stack.last_mut() {
                    if !top.nested_reported {
                        top.nested_reported = true;
                        self.issues.add(line, None, IssueKind::NestedAttribute, Action::Skipped, || {
                            format!("nested attributes of the attribute on line {owner_line} skipped")
                        });
                    }
                }
                Ctx::Skip
            }
            Some(Ctx::Skip) => Ctx::Skip,
        };
        if self_closing {
            self.close(ctx);
        } else {
            self.names.extend_from_slice(name);
            self.stack.push(Open {
                ctx,
                name_len: name.len(),
                line,
                nested_reported: false,
            });
        }
        Ok(())
    }

    fn unknown(&mut self, name: &[u8], line: u64) -> Ctx {
        self.issues.add(
            line,
            None,
            IssueKind::UnknownElement,
            Action::Skipped,
            || format!("unknown element <{}> skipped", lossy(name)),
        );
        Ctx::Skip
    }

    fn close(&mut self, ctx: Ctx) {
        match ctx {
            Ctx::Log => self.root_closed = true,
            Ctx::Trace => self.end_trace(),
            Ctx::Event => self.end_event(),
            Ctx::Attr | Ctx::Skip => {}
        }
    }

    /// An attribute element `<type key=".." value=".."/>` of `owner`.
    fn attribute(
        &mut self,
        owner: Owner,
        ty: &[u8],
        attrs: &[u8],
        line: u64,
    ) -> Result<Ctx, ImportError> {
        let mut key_raw = None;
        let mut value_raw = None;
        for next in (AttrIter { s: attrs, i: 0 }) {
            let (name, value) = next.map_err(|message| ImportError::Xml {
                line,
                message: message.into(),
            })?;
            match name {
                b"key" => key_raw = Some(value),
                b"value" => value_raw = Some(value),
                _ => {}
            }
        }
        let Some(key_raw) = key_raw else {
            self.issues.add(
                line,
                None,
                IssueKind::MalformedAttribute,
                Action::Skipped,
                || format!("<{}> without a key skipped", lossy(ty)),
            );
            return Ok(Ctx::Skip);
        };
        let mut key_buf = String::new();
        let key = decode(key_raw, self.latin1, &mut key_buf).0;
        if ty == b"list" || ty == b"container" {
            self.issues.add(
                line,
                Some(key),
                IssueKind::NestedAttribute,
                Action::Skipped,
                || format!("{} attribute skipped", lossy(ty)),
            );
            return Ok(Ctx::Skip);
        }
        let Some(value_raw) = value_raw else {
            self.issues.add(
                line,
                Some(key),
                IssueKind::MalformedAttribute,
                Action::Skipped,
                || "attribute without a value skipped".into(),
            );
            return Ok(Ctx::Attr);
        };
        let (value, repaired) = decode(value_raw, self.latin1, &mut self.scratch);
        if repaired {
            self.issues.add(
                line,
                Some(key),
                IssueKind::Latin1Fallback,
                Action::Repaired,
                || "bytes that are not UTF-8 read as Latin-1".into(),
            );
        }
        match owner {
            Owner::Log => {
                self.builder.push_log_attr(key, value);
                return Ok(Ctx::Attr);
            }
            Owner::Event if key == self.keys.activity => {
                self.event.activity = Some(self.builder.activity_code(value));
                return Ok(Ctx::Attr);
            }
            Owner::Event if key == self.keys.resource => {
                self.event.resource = Some(self.builder.resource_code(value));
                return Ok(Ctx::Attr);
            }
            Owner::Event if key == self.keys.timestamp => {
                match parse_date(value) {
                    Some(ms) => self.event.timestamp = Some(ms),
                    None => self.issues.add(
                        line,
                        Some(key),
                        IssueKind::BadTimestamp,
                        Action::Repaired,
                        || {
                            format!(
                                "`{}` is not a date; the event is kept without timestamp",
                                clip(value)
                            )
                        },
                    ),
                }
                return Ok(Ctx::Attr);
            }
            Owner::Trace if key == self.keys.case => {
                let el = &mut self.trace;
                let start = el.strs.len();
                el.strs.push_str(value);
                el.case_name = Some((start, el.strs.len()));
                return Ok(Ctx::Attr);
            }
            _ => {}
        }
        let el = match owner {
            Owner::Trace => &mut self.trace,
            _ => &mut self.event,
        };
        let pending = match ty {
            b"string" | b"id" => {
                let start = el.strs.len();
                el.strs.push_str(value);
                Some(Pending::Str(start, el.strs.len()))
            }
            b"int" => value.trim().parse().ok().map(Pending::Int),
            b"float" => value.trim().parse().ok().map(Pending::Float),
            b"boolean" => match value.trim() {
                v if v.eq_ignore_ascii_case("true") || v == "1" => Some(Pending::Bool(true)),
                v if v.eq_ignore_ascii_case("false") || v == "0" => Some(Pending::Bool(false)),
                _ => None,
            },
            b"date" => parse_date(value).map(Pending::Ts),
            _ => None,
        };
        match pending {
            Some(p) => {
                let code = self.attr_keys.intern(key);
                el.attrs.push((code, p));
            }
            None => self.issues.add(
                line,
                Some(key),
                IssueKind::BadAttributeValue,
                Action::Repaired,
                || {
                    format!(
                        "`{}` is not a valid {}; the value is dropped",
                        clip(value),
                        lossy(ty)
                    )
                },
            ),
        }
        Ok(Ctx::Attr)
    }

    fn end_event(&mut self) {
        self.rows += 1;
        let ev = &self.event;
        let Some(activity) = ev.activity else {
            let key = self.keys.activity.clone();
            self.issues.add(
                ev.line,
                Some(&key),
                IssueKind::MissingActivity,
                Action::Rejected,
                || "an event without activity was rejected".into(),
            );
            return;
        };
        let i = self
            .builder
            .push_event(PENDING_CASE, activity, ev.timestamp);
        if let Some(r) = ev.resource {
            self.builder.set_resource(i, r);
        }
        for &(code, p) in &ev.attrs {
            let key = self.attr_keys.resolve(code);
            let value = pending_value(&ev.strs, p);
            if let SetAttr::Widened { from, to } = self.builder.set_event_attr(i, key, value) {
                self.issues.add(
                    ev.line,
                    Some(key),
                    IssueKind::MixedAttributeTypes,
                    Action::Repaired,
                    || format!("attribute seen as {from:?} and {to:?}: the column is now {to:?}"),
                );
            }
        }
    }

    fn end_trace(&mut self) {
        let tr = &self.trace;
        let (first, end) = (tr.first_event, self.builder.len());
        if first == end {
            self.issues.add(
                tr.line,
                None,
                IssueKind::EmptyTrace,
                Action::Skipped,
                || "a trace without events was skipped".into(),
            );
            return;
        }
        let synthetic;
        let name = match tr.case_name {
            Some((s, e)) => &tr.strs[s..e],
            None => {
                let key = self.keys.case.clone();
                self.issues.add(
                    tr.line,
                    Some(&key),
                    IssueKind::MissingCase,
                    Action::Repaired,
                    || format!("a trace without case id is named `trace@{}`", tr.line),
                );
                synthetic = format!("trace@{}", tr.line);
                &synthetic
            }
        };
        let code = self.builder.case_code(name);
        self.builder.set_case(first..end, code);
        for &(key_code, p) in &tr.attrs {
            let key = self.attr_keys.resolve(key_code);
            if self.builder.has_case_attr(code, key) {
                continue;
            }
            if let SetAttr::Widened { from, to } =
                self.builder
                    .set_case_attr(code, key, pending_value(&tr.strs, p))
            {
                self.issues.add(
                    tr.line,
                    Some(key),
                    IssueKind::MixedAttributeTypes,
                    Action::Repaired,
                    || format!("attribute seen as {from:?} and {to:?}: the column is now {to:?}"),
                );
            }
        }
    }
}

fn pending_value(strs: &str, p: Pending) -> Value<'_> {
    match p {
        Pending::Str(s, e) => Value::Str(strs.get(s..e).unwrap_or("")),
        Pending::Int(v) => Value::Int(v),
        Pending::Float(v) => Value::Float(v),
        Pending::Bool(v) => Value::Bool(v),
        Pending::Ts(v) => Value::Timestamp(v),
    }
}

fn parse_date(s: &str) -> Option<i64> {
    timestamp::parse(s, TimestampFormat::Iso8601)
        .or_else(|| timestamp::parse_any(s).map(|(ms, _)| ms))
}

fn is_attr_type(t: &[u8]) -> bool {
    matches!(
        t,
        b"string" | b"date" | b"int" | b"float" | b"boolean" | b"id" | b"list" | b"container"
    )
}

fn lossy(b: &[u8]) -> String {
    clip(&String::from_utf8_lossy(b)).to_string()
}

/// At most 60 characters of `s`, for messages.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

fn count_newlines(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

/// Length of the complete token starting at `rest[0] == b'<'`, or `None` if it is incomplete.
fn token_end(rest: &[u8]) -> Option<usize> {
    let find = |pat: &[u8], from: usize| -> Option<usize> {
        memmem::find(rest.get(from..)?, pat).map(|p| from + p + pat.len())
    };
    match rest.get(1)? {
        b'?' => find(b"?>", 2),
        b'!' => {
            if rest.starts_with(b"<!--") {
                find(b"-->", 4)
            } else if rest.starts_with(b"<![CDATA[") {
                find(b"]]>", 9)
            } else if rest.len() < 9
                && (b"<![CDATA[".starts_with(rest) || b"<!--".starts_with(rest))
            {
                None
            } else {
                let gt = memchr(b'>', rest)?;
                match memchr(b'[', &rest[..gt]) {
                    Some(_) => find(b"]>", 2),
                    None => Some(gt + 1),
                }
            }
        }
        _ => {
            let mut i = 1;
            loop {
                let j = i + memchr3(b'>', b'"', b'\'', &rest[i..])?;
                if rest[j] == b'>' {
                    return Some(j + 1);
                }
                i = j + 1 + memchr(rest[j], &rest[j + 1..])? + 1;
            }
        }
    }
}

/// `name="value"` pairs of a start tag.
struct AttrIter<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Result<(&'a [u8], &'a [u8]), &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.s;
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        if self.i >= s.len() {
            return None;
        }
        let start = self.i;
        while self.i < s.len() && s[self.i] != b'=' && !s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        let name = &s[start..self.i];
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        if s.get(self.i) != Some(&b'=') {
            self.i = s.len();
            return Some(Err("an attribute without `=value` in a tag"));
        }
        self.i += 1;
        while self.i < s.len() && s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
        let q = match s.get(self.i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.i = s.len();
                return Some(Err("an attribute value without quotes in a tag"));
            }
        };
        let vstart = self.i + 1;
        let Some(len) = memchr(q, &s[vstart..]) else {
            self.i = s.len();
            return Some(Err("an attribute value whose quote is not closed"));
        };
        self.i = vstart + len + 1;
        Some(Ok((name, &s[vstart..vstart + len])))
    }
}

/// The value of attribute `name` in a tag body.
fn find_attr<'a>(s: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    AttrIter { s, i: 0 }
        .filter_map(Result::ok)
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// Decode an attribute value: UTF-8 (Latin-1 when declared or when the bytes are not UTF-8,
/// reported by the `bool`), entities resolved. Borrows when nothing needs changing.
fn decode<'a>(raw: &'a [u8], latin1: bool, scratch: &'a mut String) -> (&'a str, bool) {
    let mut repaired = false;
    let text: &str = if !latin1 && !raw.contains(&b'&') {
        match std::str::from_utf8(raw) {
            Ok(s) => return (s, false),
            Err(_) => {
                repaired = true;
                scratch.clear();
                scratch.extend(raw.iter().map(|&b| b as char));
                return (scratch.as_str(), repaired);
            }
        }
    } else {
        match (latin1, std::str::from_utf8(raw)) {
            (false, Ok(s)) => s,
            (false, Err(_)) => {
                repaired = true;
                return (unescape_latin1(raw, scratch), repaired);
            }
            (true, _) => return (unescape_latin1(raw, scratch), false),
        }
    };
    scratch.clear();
    unescape_into(text, scratch);
    (scratch.as_str(), repaired)
}

fn unescape_latin1<'a>(raw: &[u8], scratch: &'a mut String) -> &'a str {
    let s: String = raw.iter().map(|&b| b as char).collect();
    scratch.clear();
    unescape_into(&s, scratch);
    scratch.as_str()
}

/// Resolve `&lt; &gt; &amp; &quot; &apos; &#N; &#xH;`; anything else is kept as written.
fn unescape_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(end) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let ch = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| ent.strip_prefix('#').map(|d| d.parse::<u32>()))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_framed_across_quotes_and_comments() {
        assert_eq!(token_end(b"<a b=\"x>y\"/>rest"), Some(12));
        assert_eq!(token_end(b"<a b=\"x>y"), None);
        assert_eq!(token_end(b"<!-- a > b -->x"), Some(14));
        assert_eq!(token_end(b"<!-"), None);
        assert_eq!(token_end(b"<?xml version='1.0'?>"), Some(21));
        assert_eq!(token_end(b"<"), None);
    }

    #[test]
    fn entities() {
        let mut out = String::new();
        unescape_into("a &lt;b&gt; &amp;&#65;&#x42; &bogus; & end", &mut out);
        assert_eq!(out, "a <b> &AB &bogus; & end");
    }
}
