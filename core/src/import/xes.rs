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
use memchr::{memchr, memmem};

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
    /// Event attribute key code → builder column.
    slots: Vec<Option<usize>>,
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
            slots: Vec::new(),
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
            let Some(off) = find_byte(&data[pos..], b'<') else {
                self.text(&data[pos..])?;
                return Ok(data.len());
            };
            let lt = pos + off;
            if lt > pos {
                self.text(&data[pos..lt])?;
            }
            pos = lt;
            let rest = &data[lt..];
            // Start tags (nearly all tokens) are framed and parsed in one pass.
            let step = match rest.get(1) {
                None => None,
                Some(b'/' | b'?' | b'!') => token_end(rest).map(|len| (len, None)),
                Some(_) => match start_tag(rest) {
                    Ok(t) => t.map(|t| (t.len, Some(t))),
                    Err(message) => {
                        return Err(ImportError::Xml {
                            line: self.line,
                            message: message.into(),
                        })
                    }
                },
            };
            match step {
                Some((len, tag)) => {
                    let tok = &data[lt..lt + len];
                    if len > self.limits.max_record_bytes {
                        return Err(self.too_long());
                    }
                    match tag {
                        Some(t) => self.open(t.name, t.key, t.value, t.self_closing, self.line)?,
                        None => self.token(tok)?,
                    }
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
            _ => Err(ImportError::Xml {
                line,
                message: "a `<` that starts no element".into(),
            }),
        }
    }

    fn open(
        &mut self,
        name: &[u8],
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        self_closing: bool,
        line: u64,
    ) -> Result<(), ImportError> {
        if name.is_empty() {
            return Err(ImportError::Xml {
                line,
                message: "a `<` that starts no element".into(),
            });
        }
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
                t if is_attr_type(t) => self.attribute(Owner::Log, t, key, value, line)?,
                _ => self.unknown(name, line),
            },
            Some(Ctx::Trace) => match name {
                b"event" => {
                    self.event.reset(line, 0);
                    Ctx::Event
                }
                t if is_attr_type(t) => self.attribute(Owner::Trace, t, key, value, line)?,
                _ => self.unknown(name, line),
            },
            Some(Ctx::Event) => match name {
                t if is_attr_type(t) => self.attribute(Owner::Event, t, key, value, line)?,
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
    ///
    /// The role keys (activity, timestamp, resource, case) are recognised on the raw bytes and
    /// their values interned or parsed straight from the input; UTF-8 is checked only for
    /// strings not seen before. Keys are compared as written (no entities in role keys).
    fn attribute(
        &mut self,
        owner: Owner,
        ty: &[u8],
        key_raw: Option<&[u8]>,
        value_raw: Option<&[u8]>,
        line: u64,
    ) -> Result<Ctx, ImportError> {
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
        if ty == b"list" || ty == b"container" {
            self.issues.add(
                line,
                Some(&lossy(key_raw)),
                IssueKind::NestedAttribute,
                Action::Skipped,
                || format!("{} attribute skipped", lossy(ty)),
            );
            return Ok(Ctx::Skip);
        }
        let Some(value_raw) = value_raw else {
            self.issues.add(
                line,
                Some(&lossy(key_raw)),
                IssueKind::MalformedAttribute,
                Action::Skipped,
                || "attribute without a value skipped".into(),
            );
            return Ok(Ctx::Attr);
        };
        let plain = !self.latin1 && !value_raw.contains(&b'&');
        if owner == Owner::Event {
            if key_raw == self.keys.activity.as_bytes() {
                let code = match plain
                    .then(|| self.builder.activity_code_bytes(value_raw))
                    .flatten()
                {
                    Some(c) => c,
                    None => {
                        let v = self.decode_value(value_raw, key_raw, line);
                        self.builder.activity_code(&v)
                    }
                };
                self.event.activity = Some(code);
                return Ok(Ctx::Attr);
            }
            if key_raw == self.keys.resource.as_bytes() {
                let code = match plain
                    .then(|| self.builder.resource_code_bytes(value_raw))
                    .flatten()
                {
                    Some(c) => c,
                    None => {
                        let v = self.decode_value(value_raw, key_raw, line);
                        self.builder.resource_code(&v)
                    }
                };
                self.event.resource = Some(code);
                return Ok(Ctx::Attr);
            }
            if key_raw == self.keys.timestamp.as_bytes() {
                let fast = if plain {
                    timestamp::parse_bytes(value_raw, TimestampFormat::Iso8601)
                } else {
                    None
                };
                let ms = fast.or_else(|| parse_date(&self.decode_value(value_raw, key_raw, line)));
                match ms {
                    Some(ms) => self.event.timestamp = Some(ms),
                    None => self.issues.add(
                        line,
                        Some(&lossy(key_raw)),
                        IssueKind::BadTimestamp,
                        Action::Repaired,
                        || {
                            format!(
                                "`{}` is not a date; the event is kept without timestamp",
                                lossy(value_raw)
                            )
                        },
                    ),
                }
                return Ok(Ctx::Attr);
            }
        }
        let value = self.decode_value(value_raw, key_raw, line);
        if owner == Owner::Log {
            let key = self.decode_value(key_raw, key_raw, line);
            self.builder.push_log_attr(&key, &value);
            return Ok(Ctx::Attr);
        }
        if owner == Owner::Trace && key_raw == self.keys.case.as_bytes() {
            let el = &mut self.trace;
            let start = el.strs.len();
            el.strs.push_str(&value);
            el.case_name = Some((start, el.strs.len()));
            return Ok(Ctx::Attr);
        }
        let el = if owner == Owner::Trace {
            &mut self.trace
        } else {
            &mut self.event
        };
        let pending = match ty {
            b"string" | b"id" => {
                let start = el.strs.len();
                el.strs.push_str(&value);
                Some(Pending::Str(start, el.strs.len()))
            }
            b"int" => value.trim().parse().ok().map(Pending::Int),
            b"float" => value.trim().parse().ok().map(Pending::Float),
            b"boolean" => match value.trim() {
                v if v.eq_ignore_ascii_case("true") || v == "1" => Some(Pending::Bool(true)),
                v if v.eq_ignore_ascii_case("false") || v == "0" => Some(Pending::Bool(false)),
                _ => None,
            },
            b"date" => parse_date(&value).map(Pending::Ts),
            _ => None,
        };
        let code = match self.attr_keys.intern_bytes(key_raw) {
            Some(c) => c,
            None => self.attr_keys.intern(&lossy(key_raw)),
        };
        match pending {
            Some(p) => el.attrs.push((code, p)),
            None => {
                let key = self.attr_keys.resolve(code);
                self.issues.add(
                    line,
                    Some(key),
                    IssueKind::BadAttributeValue,
                    Action::Repaired,
                    || {
                        format!(
                            "`{}` is not a valid {}; the value is dropped",
                            clip(&value),
                            lossy(ty)
                        )
                    },
                )
            }
        }
        Ok(Ctx::Attr)
    }

    /// Decode an attribute value (entities, Latin-1), reporting bytes that are not UTF-8.
    fn decode_value<'a>(
        &mut self,
        raw: &'a [u8],
        key_raw: &[u8],
        line: u64,
    ) -> std::borrow::Cow<'a, str> {
        if !self.latin1 && !raw.contains(&b'&') {
            if let Ok(s) = std::str::from_utf8(raw) {
                return std::borrow::Cow::Borrowed(s);
            }
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let (text, repaired) = decode(raw, self.latin1, &mut scratch);
        let out = std::borrow::Cow::Owned(text.to_string());
        self.scratch = scratch;
        if repaired {
            self.issues.add(
                line,
                Some(&lossy(key_raw)),
                IssueKind::Latin1Fallback,
                Action::Repaired,
                || "bytes that are not UTF-8 read as Latin-1".into(),
            );
        }
        out
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
            let value = pending_value(&ev.strs, p);
            let slot = match self.slots.get(code as usize).copied().flatten() {
                Some(c) => c,
                None => {
                    let key = self.attr_keys.resolve(code);
                    let c = self.builder.event_attr_column(key, value.column_type());
                    if self.slots.len() <= code as usize {
                        self.slots.resize(code as usize + 1, None);
                    }
                    self.slots[code as usize] = Some(c);
                    c
                }
            };
            if let SetAttr::Widened { from, to } = self.builder.set_event_attr_at(slot, i, value) {
                let key = self.attr_keys.resolve(code);
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

/// Position of `b` in `hay`: a plain loop over the first bytes (the usual short distance
/// between XES tokens), then memchr.
fn find_byte(hay: &[u8], b: u8) -> Option<usize> {
    const SHORT: usize = 48;
    let head = &hay[..hay.len().min(SHORT)];
    match head.iter().position(|&c| c == b) {
        Some(p) => Some(p),
        None if hay.len() > SHORT => memchr(b, &hay[SHORT..]).map(|p| p + SHORT),
        None => None,
    }
}

fn count_newlines(b: &[u8]) -> u64 {
    // Eight bytes at a time (SWAR): a byte of `x` is zero exactly where `b` holds '\n'.
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut n = 0u64;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a) ^ 0x0a0a_0a0a_0a0a_0a0a;
        let nonzero = (((x & LOW7) + LOW7) | x) & !LOW7;
        n += 8 - nonzero.count_ones() as u64;
    }
    n + words.remainder().iter().filter(|&&c| c == b'\n').count() as u64
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
            // Tags are short: a plain loop beats a search call per quote.
            let mut i = 1;
            while let Some(&c) = rest.get(i) {
                match c {
                    b'>' => return Some(i + 1),
                    b'"' | b'\'' => i += find_byte(&rest[i + 1..], c)? + 2,
                    _ => i += 1,
                }
            }
            None
        }
    }
}

/// A start tag, framed and parsed in one pass.
struct StartTag<'a> {
    len: usize,
    name: &'a [u8],
    self_closing: bool,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
}

/// Parse the start tag at `rest[0] == b'<'`: `Ok(None)` if it is incomplete, `Err` if it is
/// malformed. Only the `key` and `value` attributes are kept (all XES needs).
fn start_tag(rest: &[u8]) -> Result<Option<StartTag<'_>>, &'static str> {
    let n = rest.len();
    let space = |c: u8| c.is_ascii_whitespace();
    let mut i = 1;
    while i < n && !space(rest[i]) && rest[i] != b'>' && rest[i] != b'/' {
        i += 1;
    }
    let name = &rest[1..i.min(n)];
    if name.is_empty() && i < n {
        return Err("a `<` that starts no element");
    }
    let (mut key, mut value) = (None, None);
    loop {
        while i < n && space(rest[i]) {
            i += 1;
        }
        let Some(&c) = rest.get(i) else {
            return Ok(None);
        };
        match c {
            b'>' => {
                return Ok(Some(StartTag {
                    len: i + 1,
                    name,
                    self_closing: false,
                    key,
                    value,
                }))
            }
            b'/' => {
                return match rest.get(i + 1) {
                    None => Ok(None),
                    Some(b'>') => Ok(Some(StartTag {
                        len: i + 2,
                        name,
                        self_closing: true,
                        key,
                        value,
                    })),
                    Some(_) => Err("a `/` inside a tag"),
                }
            }
            _ => {}
        }
        let a0 = i;
        while i < n && rest[i] != b'=' && !space(rest[i]) && rest[i] != b'>' && rest[i] != b'/' {
            i += 1;
        }
        let attr_name = &rest[a0..i.min(n)];
        while i < n && space(rest[i]) {
            i += 1;
        }
        match rest.get(i) {
            None => return Ok(None),
            Some(b'=') => i += 1,
            Some(_) => return Err("an attribute without `=value` in a tag"),
        }
        while i < n && space(rest[i]) {
            i += 1;
        }
        let q = match rest.get(i) {
            None => return Ok(None),
            Some(&q @ (b'"' | b'\'')) => q,
            Some(_) => return Err("an attribute value without quotes in a tag"),
        };
        let v0 = i + 1;
        let Some(len) = find_byte(&rest[v0..], q) else {
            return Ok(None);
        };
        let v = &rest[v0..v0 + len];
        i = v0 + len + 1;
        match attr_name {
            b"key" => key = Some(v),
            b"value" => value = Some(v),
            _ => {}
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
        let Some(len) = find_byte(&s[vstart..], q) else {
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
        let Some(end) = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';')
        else {
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
    fn newlines_are_counted_exactly() {
        for text in [
            "",
            "\n",
            "a\nb\n\n",
            "0123456\n89\n\n\n\n\n\n\nx\x7f\x0b\x09\n",
            "\u{10a}\n\u{a0a}",
        ] {
            assert_eq!(
                count_newlines(text.as_bytes()),
                text.matches('\n').count() as u64,
                "{text:?}"
            );
        }
        let all: Vec<u8> = (0..=255).cycle().take(4096).collect();
        assert_eq!(count_newlines(&all), 16);
    }

    #[test]
    fn entities() {
        let mut out = String::new();
        unescape_into("a &lt;b&gt; &amp;&#65;&#x42; &bogus; & end", &mut out);
        assert_eq!(out, "a <b> &AB &bogus; & end");
        out.clear();
        unescape_into("&§233; &#1114112; &#xD800; &§§§§§§;", &mut out);
        assert_eq!(out, "&§233; &#1114112; &#xD800; &§§§§§§;");
    }
}
