//! The XES importer's push loop and element tree: it scans pushed bytes into tokens, keeps the
//! stack of open elements (nesting, depth limit, located errors), decides what each element is
//! in its parent (log, trace, event, attribute, or read over) and hands attributes and closed
//! events and traces to `elements`.

use super::elements::{is_attr_type, lossy, Element, Owner};
use super::tokenizer::{find_attr, start_tag, token_end};
use crate::import::bytes::{count_newlines, find_byte, strip_bom};
use crate::import::{
    Action, Format, ImportError, ImportOptions, ImportReport, IssueKind, Issues, Limits,
};
use crate::log::{EventLog, EventLogBuilder, Interner};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Log,
    Trace,
    Event,
    /// An attribute element of the log, a trace or an event.
    Attr,
    /// Read over: globals, nested attributes, unknown elements.
    Skip,
}

/// An element on the stack of open elements.
struct Open {
    ctx: Ctx,
    name_len: usize,
    line: u64,
    /// For `Attr`: nested children were already reported once.
    nested_reported: bool,
}

pub(super) struct Keys {
    pub(super) activity: String,
    pub(super) case: String,
    pub(super) timestamp: String,
    pub(super) resource: String,
}

pub(crate) struct XesImporter {
    buf: Vec<u8>,
    /// Line number at the current scan position.
    line: u64,
    limits: Limits,
    format: Format,
    pub(super) builder: EventLogBuilder,
    pub(super) issues: Issues,
    pub(super) keys: Keys,
    stack: Vec<Open>,
    names: Vec<u8>,
    pub(super) latin1: bool,
    seen_root: bool,
    root_closed: bool,
    at_start: bool,
    pub(super) rows: u64,
    pub(super) trace: Element,
    pub(super) event: Element,
    pub(super) attr_keys: Interner,
    /// Event attribute key code → builder column.
    pub(super) slots: Vec<Option<usize>>,
    pub(super) scratch: String,
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
            t = strip_bom(t);
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
                let name = tok[2..tok.len() - 1].trim_ascii();
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
        let ctx = self.context(name, key, value, line)?;
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

    /// What the element `<name>` is in the open element: the root log, a trace, an event, an
    /// attribute (read into its owner), or something read over (reported when XES does not
    /// define it there).
    fn context(
        &mut self,
        name: &[u8],
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        line: u64,
    ) -> Result<Ctx, ImportError> {
        let parent = self.stack.last().map(|o| o.ctx);
        Ok(match parent {
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
        })
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
}
