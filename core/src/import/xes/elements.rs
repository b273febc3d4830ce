//! XES elements → events and cases: an attribute of the log, a trace or an event is read into
//! the open element (role keys interned or parsed straight from the bytes, other attributes
//! typed as declared), and closing an event or a trace pushes it to the log builder.

use super::importer::{Ctx, XesImporter};
use super::tokenizer::decode;
use crate::import::timestamp::{self, TimestampFormat};
use crate::import::{Action, ImportError, IssueKind};
use crate::log::{SetAttr, Value};

/// Case code of events whose trace is not closed yet.
const PENDING_CASE: u32 = u32::MAX;

/// Whose attribute an element is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    Log,
    Trace,
    Event,
}

/// An attribute value read but not yet stored (its event or trace is still open).
#[derive(Debug, Clone, Copy)]
pub(super) enum Pending {
    Str(usize, usize),
    Int(i64),
    Float(f64),
    Bool(bool),
    Ts(i64),
}

/// The open trace or event: its role values and pending attributes.
#[derive(Default)]
pub(super) struct Element {
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
    pub(super) fn reset(&mut self, line: u64, first_event: usize) {
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

impl XesImporter {
    /// An attribute element `<type key=".." value=".."/>` of `owner`.
    ///
    /// The role keys (activity, timestamp, resource, case) are recognised on the raw bytes and
    /// their values interned or parsed straight from the input; UTF-8 is checked only for
    /// strings not seen before. Keys are compared as written (no entities in role keys).
    pub(super) fn attribute(
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
        if owner == Owner::Event && self.event_role(key_raw, value_raw, line) {
            return Ok(Ctx::Attr);
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
        let pending = pending(ty, &value, &mut el.strs);
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

    /// An event attribute under a role key (activity, resource, timestamp) read into the open
    /// event, interned or parsed straight from the bytes when they need no decoding; `false`
    /// for any other key.
    fn event_role(&mut self, key_raw: &[u8], value_raw: &[u8], line: u64) -> bool {
        let plain = !self.latin1 && !value_raw.contains(&b'&');
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
            return true;
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
            return true;
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
            return true;
        }
        false
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

    pub(super) fn end_event(&mut self) {
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

    pub(super) fn end_trace(&mut self) {
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

/// An attribute `value` of XES type `ty` as a pending value (strings appended to `strs`), or
/// `None` when it does not fit its type.
fn pending(ty: &[u8], value: &str, strs: &mut String) -> Option<Pending> {
    match ty {
        b"string" | b"id" => {
            let start = strs.len();
            strs.push_str(value);
            Some(Pending::Str(start, strs.len()))
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

pub(super) fn is_attr_type(t: &[u8]) -> bool {
    matches!(
        t,
        b"string" | b"date" | b"int" | b"float" | b"boolean" | b"id" | b"list" | b"container"
    )
}

pub(super) fn lossy(b: &[u8]) -> String {
    clip(&String::from_utf8_lossy(b)).to_string()
}

/// At most 60 characters of `s`, for messages.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(60) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
