//! OCEL 2.0 and OCEL 1.0 XML → [`OcelBuilder`](super::OcelBuilder), with quick-xml's pull
//! reader over the whole input (no DOM; strings borrowed where unescaped).
//!
//! OCEL 2.0: `<object-types>`/`<event-types>` declare attribute types; `<object id type>` holds
//! `<attributes><attribute name time>value</attribute>` and `<objects><relationship object-id
//! qualifier/>`; `<event id type time>` holds `<attributes>` and `<objects>` alike. OCEL 1.0:
//! events and objects are lists of typed key/value elements (`<string key="id" value=…>`,
//! `<list key="omap">`, `<list key="vmap">`, `<list key="ovmap">`). Every issue and error
//! names its line.

use super::import::{attribute_time, parse_time, typed_text, AttrType, Ctx, OcelError, OcelFormat};
use crate::import::lines::Lines;
use hashbrown::HashMap;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

const MAX_DEPTH: usize = 64;

/// What an open element is, for the element under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Log,
    ObjectTypes,
    EventTypes,
    TypeDecl,
    Attributes,
    /// An attribute value (2.0 `<attribute>`, or a 1.0 typed `<string key value>` in a map).
    Value,
    Objects,
    Object,
    Events,
    Event,
    /// OCEL 1.0 `<list key=omap|vmap|ovmap>`.
    List(ListKind),
    /// pm4py's OCEL 1.0 `<o2o>` section.
    O2o,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Omap,
    Vmap,
}

#[derive(Default)]
struct Pending {
    line: u64,
    id: Option<String>,
    ty: Option<String>,
    time: Option<String>,
    /// (name, time, value text, declared type from the element name in OCEL 1.0)
    attrs: Vec<(String, Option<String>, String, Option<AttrType>)>,
    rels: Vec<(String, String)>,
}

impl Pending {
    fn start(&mut self, line: u64) {
        self.line = line;
        self.id = None;
        self.ty = None;
        self.time = None;
        self.attrs.clear();
        self.rels.clear();
    }
}

pub(crate) fn read(bytes: &[u8], format: OcelFormat, ctx: &mut Ctx<'_>) -> Result<(), OcelError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() as u64;
            return Err(OcelError::Xml {
                line,
                message: "the input is not UTF-8".into(),
            });
        }
    };
    let mut r = XmlReader {
        ctx,
        v1: format == OcelFormat::Xml1,
        lines: Lines::new(bytes),
        stack: Vec::new(),
        event_decl: HashMap::new(),
        object_decl: HashMap::new(),
        decl_name: None,
        item: Pending::default(),
        value: None,
        text: String::new(),
        seen_root: false,
    };
    r.run(text)
}

struct XmlReader<'c, 'p, 'a> {
    ctx: &'c mut Ctx<'p>,
    v1: bool,
    lines: Lines<'a>,
    stack: Vec<Tag>,
    event_decl: HashMap<String, HashMap<String, AttrType>>,
    object_decl: HashMap<String, HashMap<String, AttrType>>,
    /// The type whose attributes are being declared: (is event type, name).
    decl_name: Option<(bool, String)>,
    item: Pending,
    /// The 2.0 attribute value being read: (name, time).
    value: Option<(String, Option<String>)>,
    text: String,
    seen_root: bool,
}

impl XmlReader<'_, '_, '_> {
    fn run(&mut self, text: &str) -> Result<(), OcelError> {
        let mut reader = Reader::from_str(text);
        loop {
            let before = reader.buffer_position();
            let ev = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let line = self.lines.at(reader.error_position());
                    return Err(OcelError::Xml {
                        line,
                        message: e.to_string(),
                    });
                }
            };
            match ev {
                Event::Start(s) => {
                    let line = self.lines.at(before);
                    self.open(&s, line)?;
                }
                Event::Empty(s) => {
                    let line = self.lines.at(before);
                    self.open(&s, line)?;
                    self.close(line)?;
                }
                Event::End(_) => {
                    let line = self.lines.at(before);
                    self.close(line)?;
                }
                Event::Text(t) if self.value.is_some() => self.text.push_str(&t.xml10_content()),
                Event::CData(t) if self.value.is_some() => self.text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if self.value.is_some() => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => None,
                    };
                    match resolved {
                        Some(c) => self.text.push(c),
                        None => match resolve_predefined_entity(&r.xml10_content()) {
                            Some(s) => self.text.push_str(s),
                            None => {
                                return Err(OcelError::Xml {
                                    line: self.lines.at(before),
                                    message: format!("unknown entity `&{};`", r.xml10_content()),
                                })
                            }
                        },
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(open) = self.stack.last() {
            return Err(OcelError::Xml {
                line: self.lines.at(u64::MAX),
                message: format!("the input ends inside {open:?} (truncated file?)"),
            });
        }
        if !self.seen_root {
            return Err(OcelError::NotOcel("no XML root element".into()));
        }
        Ok(())
    }

    fn open(&mut self, s: &BytesStart<'_>, line: u64) -> Result<(), OcelError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(OcelError::Xml {
                line,
                message: format!("elements nest deeper than {MAX_DEPTH}"),
            });
        }
        let name = s.local_name();
        let name: &str = name.as_ref();
        let attr = |key: &str| -> Option<String> {
            s.attributes().flatten().find_map(|a| {
                (AsRef::<str>::as_ref(&a.key.local_name()) == key)
                    .then(|| a.normalized_value(XmlVersion::Implicit1_0).ok())
                    .flatten()
                    .map(|v| v.into_owned())
            })
        };
        let parent = self.stack.last().copied();
        let grand = self.stack.len().checked_sub(2).map(|i| self.stack[i]);
        let tag = match (parent, name) {
            (None, _) => {
                self.seen_root = true;
                Tag::Log
            }
            (Some(Tag::Log), "object-types") => Tag::ObjectTypes,
            (Some(Tag::Log), "event-types") => Tag::EventTypes,
            (Some(Tag::ObjectTypes), "object-type") | (Some(Tag::EventTypes), "event-type") => {
                self.decl_name = attr("name").map(|n| (parent == Some(Tag::EventTypes), n));
                Tag::TypeDecl
            }
            (Some(Tag::TypeDecl | Tag::Object | Tag::Event), "attributes") => Tag::Attributes,
            (Some(Tag::Attributes), "attribute") if grand == Some(Tag::TypeDecl) => {
                if let (Some((is_event, ty)), Some(n)) = (&self.decl_name, attr("name")) {
                    let t = AttrType::from_name(&attr("type").unwrap_or_default());
                    let decl = if *is_event {
                        &mut self.event_decl
                    } else {
                        &mut self.object_decl
                    };
                    decl.entry(ty.clone()).or_default().insert(n, t);
                }
                Tag::Other
            }
            (Some(Tag::Attributes), "attribute") => {
                self.value = Some((attr("name").unwrap_or_default(), attr("time")));
                self.text.clear();
                Tag::Value
            }
            (Some(Tag::Log), "objects") => Tag::Objects,
            (Some(Tag::Log), "events") => Tag::Events,
            (Some(Tag::Log), "o2o") => Tag::O2o,
            (Some(Tag::Objects), "object") | (Some(Tag::Events), "event") => {
                self.item.start(line);
                self.item.id = attr("id");
                self.item.ty = attr("type");
                self.item.time = attr("time");
                if name == "event" {
                    Tag::Event
                } else {
                    Tag::Object
                }
            }
            (Some(Tag::Object | Tag::Event), "objects") => Tag::List(ListKind::Omap),
            (Some(Tag::List(ListKind::Omap)), "relationship") => {
                let q = attr("qualifier").unwrap_or_default();
                if let Some(o) = attr("object-id") {
                    self.item.rels.push((o, q));
                }
                Tag::Other
            }
            (Some(Tag::O2o), _) => {
                if let (Some(src), Some(tgt)) = (attr("source"), attr("target")) {
                    let q = attr("qualifier").unwrap_or_default();
                    let (s, t) = (self.ctx.b.object_ref(&src), self.ctx.b.object_ref(&tgt));
                    let q = self.ctx.b.qualifier_code(&q);
                    self.ctx.b.add_o2o(s, t, q);
                }
                Tag::Other
            }
            // OCEL 1.0: typed key/value elements.
            (Some(Tag::Event | Tag::Object), _) if self.v1 => {
                let key = attr("key").unwrap_or_default();
                match key.as_str() {
                    "omap" => Tag::List(ListKind::Omap),
                    "vmap" | "ovmap" => Tag::List(ListKind::Vmap),
                    "id" => {
                        self.item.id = attr("value");
                        Tag::Other
                    }
                    "activity" | "type" => {
                        self.item.ty = attr("value");
                        Tag::Other
                    }
                    "timestamp" => {
                        self.item.time = attr("value");
                        Tag::Other
                    }
                    _ => Tag::Other,
                }
            }
            (Some(Tag::List(ListKind::Omap)), _) if self.v1 => {
                if let Some(o) = attr("value") {
                    self.item
                        .rels
                        .push((o, attr("qualifier").unwrap_or_default()));
                }
                Tag::Other
            }
            (Some(Tag::List(ListKind::Vmap)), _) if self.v1 => {
                if let (Some(k), Some(v)) = (attr("key"), attr("value")) {
                    self.item.attrs.push((
                        k,
                        attr("timestamp"),
                        v,
                        Some(AttrType::from_name(name)),
                    ));
                }
                Tag::Other
            }
            _ => Tag::Other,
        };
        self.stack.push(tag);
        Ok(())
    }

    fn close(&mut self, line: u64) -> Result<(), OcelError> {
        match self.stack.pop() {
            Some(Tag::Value) => {
                if let Some((name, time)) = self.value.take() {
                    let text = std::mem::take(&mut self.text);
                    self.item.attrs.push((name, time, text, None));
                }
            }
            Some(Tag::Event) => {
                self.add_event(line)?;
            }
            Some(Tag::Object) => self.add_object(),
            Some(Tag::TypeDecl) => self.decl_name = None,
            _ => {}
        }
        Ok(())
    }

    fn add_event(&mut self, _line: u64) -> Result<(), OcelError> {
        let p = &self.item;
        let line = Some(p.line);
        let at = || match &p.id {
            Some(id) => format!("event {id}"),
            None => "event".to_string(),
        };
        let (Some(id), Some(ty)) = (&p.id, &p.ty) else {
            let what = if p.id.is_none() { "`id`" } else { "`type`" };
            self.ctx
                .issue(line, at, format!("no {what}: event dropped"));
            return Ok(());
        };
        let Some(time) = p.time.as_deref().and_then(parse_time) else {
            let shown = p.time.clone().unwrap_or_default();
            self.ctx.issue(
                line,
                at,
                format!("no readable `time` (`{shown}`): event dropped"),
            );
            return Ok(());
        };
        let b = &mut self.ctx.b;
        let t = b.event_type_code(ty);
        let Some(e) = b.add_event(id, t, time) else {
            self.ctx
                .issue(line, at, "duplicate event id: later event dropped".into());
            return Ok(());
        };
        let decl = self.event_decl.get(ty.as_str());
        for (name, _, text, elem_ty) in &p.attrs {
            let ty = elem_ty.or_else(|| decl.and_then(|d| d.get(name.as_str())).copied());
            if let Some(v) = typed_text(text, ty) {
                b.set_event_attr(e, name, v);
            }
        }
        for (o, q) in &p.rels {
            let o = b.object_ref(o);
            let q = b.qualifier_code(q);
            b.add_e2o(e, o, q);
        }
        self.ctx.tick()
    }

    fn add_object(&mut self) {
        let p = &self.item;
        let line = Some(p.line);
        let at = || match &p.id {
            Some(id) => format!("object {id}"),
            None => "object".to_string(),
        };
        let (Some(id), Some(ty)) = (&p.id, &p.ty) else {
            let what = if p.id.is_none() { "`id`" } else { "`type`" };
            self.ctx
                .issue(line, at, format!("no {what}: object dropped"));
            return;
        };
        let t = self.ctx.b.object_type_code(ty);
        let Some(o) = self.ctx.b.add_object(id, t) else {
            self.ctx
                .issue(line, at, "duplicate object id: later object dropped".into());
            return;
        };
        let decl = self.object_decl.get(ty.as_str());
        for (name, time, text, elem_ty) in &p.attrs {
            let Some(time) = attribute_time(time.as_deref()) else {
                self.ctx.issue(
                    line,
                    at,
                    format!("attribute `{name}`: unreadable time: value dropped"),
                );
                continue;
            };
            let ty = elem_ty.or_else(|| decl.and_then(|d| d.get(name.as_str())).copied());
            if let Some(v) = typed_text(text, ty) {
                self.ctx.b.add_object_attr(o, name, time, v);
            }
        }
        for (target, q) in &p.rels {
            let tgt = self.ctx.b.object_ref(target);
            let q = self.ctx.b.qualifier_code(q);
            self.ctx.b.add_o2o(o, tgt, q);
        }
    }
}
