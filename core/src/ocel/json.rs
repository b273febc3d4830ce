//! OCEL 2.0 and OCEL 1.0 JSON → [`OcelBuilder`](super::OcelBuilder), through serde visitors.
//!
//! No JSON tree is built: the top-level keys are visited in file order and every event and
//! object goes straight into the builder (strings borrowed from the input where they have no
//! escapes). OCEL 2.0 keys: `objectTypes`, `eventTypes`, `objects`, `events`; OCEL 1.0 keys:
//! `ocel:events`, `ocel:objects` (maps from id to `ocel:activity`, `ocel:timestamp`,
//! `ocel:omap`, `ocel:vmap` / `ocel:type`, `ocel:ovmap`), plus pm4py's `ocel:typedOmap` and
//! `ocel:o2o` extensions. Syntax errors carry serde_json's line and column; an event or object
//! that cannot be used is dropped with an issue naming its id.

use super::import::{attribute_time, parse_time, typed_text, AttrType, Ctx, OcelError};
use crate::log::Value;
use hashbrown::HashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

pub(crate) fn read(bytes: &[u8], ctx: &mut Ctx<'_>) -> Result<(), OcelError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut st = State {
        ctx,
        event_decl: HashMap::new(),
        object_decl: HashMap::new(),
        attrs: Vec::new(),
        rels: Vec::new(),
        cancelled: false,
        saw_ocel_key: false,
    };
    let result = Root(&mut st).deserialize(&mut de).and_then(|()| de.end());
    match result {
        Ok(()) if !st.saw_ocel_key => Err(OcelError::NotOcel(
            "a JSON object without `events`, `objects`, `ocel:events` or `ocel:objects`".into(),
        )),
        Ok(()) => Ok(()),
        Err(_) if st.cancelled => Err(OcelError::Cancelled),
        Err(e) => Err(OcelError::Json {
            line: e.line() as u64,
            column: e.column() as u64,
            message: strip_position(&e.to_string()),
        }),
    }
}

/// serde_json appends " at line L column C"; the error variant carries them already.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

type Decl = HashMap<String, HashMap<String, AttrType>>;

struct State<'c, 'p, 'de> {
    ctx: &'c mut Ctx<'p>,
    event_decl: Decl,
    object_decl: Decl,
    /// Scratch: the attributes of the event/object being read (name, time, value).
    attrs: Vec<(Text<'de>, Option<Text<'de>>, Scalar<'de>)>,
    /// Scratch: its relations (object id, qualifier).
    rels: Vec<(Text<'de>, Text<'de>)>,
    cancelled: bool,
    saw_ocel_key: bool,
}

/// A string borrowed from the input when it has no escapes.
#[derive(Debug, Clone, Default)]
struct Text<'de>(Cow<'de, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
            // Ids written as numbers are read as their text (pm4py normalises ids to strings).
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed("")))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An attribute value as JSON has it.
#[derive(Debug, Clone)]
enum Scalar<'de> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'de, str>),
    /// An array or object: not an OCEL attribute value (skipped with an issue).
    Nested,
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an attribute value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl Scalar<'_> {
    fn value(&self, ty: Option<AttrType>) -> Option<Value<'_>> {
        match self {
            Scalar::Null | Scalar::Nested => None,
            Scalar::Bool(b) => Some(Value::Bool(*b)),
            Scalar::Int(i) => Some(match ty {
                Some(AttrType::Float) => Value::Float(*i as f64),
                _ => Value::Int(*i),
            }),
            Scalar::Float(x) => Some(Value::Float(*x)),
            Scalar::Str(s) => typed_text(s, ty),
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::Float(x) => Some(x.to_string()),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct TypeDecl {
    name: String,
    #[serde(default)]
    attributes: Vec<AttrDecl>,
}

#[derive(Deserialize)]
struct AttrDecl {
    name: String,
    #[serde(rename = "type", default)]
    ty: String,
}

fn declared(types: Vec<TypeDecl>) -> Decl {
    types
        .into_iter()
        .map(|t| {
            let attrs = t
                .attributes
                .into_iter()
                .map(|a| (a.name, AttrType::from_name(&a.ty)))
                .collect();
            (t.name, attrs)
        })
        .collect()
}

struct Root<'s, 'c, 'p, 'de>(&'s mut State<'c, 'p, 'de>);

impl<'de> DeserializeSeed<'de> for Root<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OCEL JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(key) = a.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "objectTypes" => st.object_decl = declared(a.next_value()?),
                "eventTypes" => st.event_decl = declared(a.next_value()?),
                "objects" => {
                    st.saw_ocel_key = true;
                    a.next_value_seed(List(&mut *st, Kind::Object2))?
                }
                "events" => {
                    st.saw_ocel_key = true;
                    a.next_value_seed(List(&mut *st, Kind::Event2))?
                }
                "ocel:objects" => {
                    st.saw_ocel_key = true;
                    a.next_value_seed(List(&mut *st, Kind::Object1))?
                }
                "ocel:events" => {
                    st.saw_ocel_key = true;
                    a.next_value_seed(List(&mut *st, Kind::Event1))?
                }
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Event2,
    Object2,
    /// OCEL 1.0: a map from id to the event.
    Event1,
    Object1,
}

/// A list (OCEL 2.0 arrays) or id-keyed map (OCEL 1.0) of events or objects.
struct List<'s, 'c, 'p, 'de>(&'s mut State<'c, 'p, 'de>, Kind);

impl<'de> DeserializeSeed<'de> for List<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for List<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of events or objects (OCEL 2.0) or a map from id to one (OCEL 1.0)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let (st, kind) = (self.0, self.1);
        while a
            .next_element_seed(Item {
                st: &mut *st,
                kind,
                id: None,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let (st, kind) = (self.0, self.1);
        while let Some(id) = a.next_key::<Text<'de>>()? {
            a.next_value_seed(Item {
                st: &mut *st,
                kind,
                id: Some(id),
            })?;
        }
        Ok(())
    }
}

/// One event or object.
struct Item<'s, 'c, 'p, 'de> {
    st: &'s mut State<'c, 'p, 'de>,
    kind: Kind,
    id: Option<Text<'de>>,
}

impl<'de> DeserializeSeed<'de> for Item<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

#[derive(Default)]
struct Fields<'de> {
    id: Option<Text<'de>>,
    ty: Option<Text<'de>>,
    time: Option<Scalar<'de>>,
}

impl<'de> Visitor<'de> for Item<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an event or object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
        let (st, kind) = (self.st, self.kind);
        st.attrs.clear();
        st.rels.clear();
        let mut f = Fields {
            id: self.id,
            ..Fields::default()
        };
        while let Some(key) = a.next_key::<Text<'de>>()? {
            match (kind, key.0.as_ref()) {
                (Kind::Event2 | Kind::Object2, "id") => f.id = Some(a.next_value()?),
                (Kind::Event2 | Kind::Object2, "type")
                | (Kind::Event1, "ocel:activity")
                | (Kind::Object1, "ocel:type") => f.ty = Some(a.next_value()?),
                (Kind::Event2, "time") | (Kind::Event1, "ocel:timestamp") => {
                    f.time = Some(a.next_value()?)
                }
                (Kind::Event2 | Kind::Object2, "attributes") => {
                    a.next_value_seed(Attrs2(&mut *st))?
                }
                (Kind::Event2 | Kind::Object2, "relationships")
                | (Kind::Event1, "ocel:typedOmap")
                | (Kind::Object1, "ocel:o2o") => a.next_value_seed(Rels(&mut *st))?,
                (Kind::Event1, "ocel:omap") => {
                    for id in a.next_value::<Vec<Text<'de>>>()? {
                        st.rels.push((id, Text::default()));
                    }
                }
                (Kind::Event1, "ocel:vmap") | (Kind::Object1, "ocel:ovmap") => {
                    a.next_value_seed(Attrs1(&mut *st))?
                }
                _ => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        if kind == Kind::Event1 {
            merge_omaps(&mut st.rels);
        }
        let result = match kind {
            Kind::Event2 | Kind::Event1 => add_event(st, f),
            Kind::Object2 | Kind::Object1 => add_object(st, f),
        };
        if result.is_err() {
            st.cancelled = true;
            return Err(de::Error::custom("cancelled"));
        }
        Ok(())
    }
}

fn add_event(st: &mut State<'_, '_, '_>, f: Fields<'_>) -> Result<(), OcelError> {
    let n = st.ctx.b.num_events();
    let at = |id: &Option<Text<'_>>| match id {
        Some(id) => format!("event {}", id.0),
        None => format!("event #{}", n + 1),
    };
    let (Some(id), Some(ty)) = (&f.id, &f.ty) else {
        let what = if f.id.is_none() { "`id`" } else { "`type`" };
        st.ctx
            .issue(None, || at(&f.id), format!("no {what}: event dropped"));
        return Ok(());
    };
    let time = match &f.time {
        Some(Scalar::Str(s)) => parse_time(s),
        _ => None,
    };
    let Some(time) = time else {
        let shown = f.time.as_ref().and_then(Scalar::text).unwrap_or_default();
        st.ctx.issue(
            None,
            || at(&f.id),
            format!("no readable `time` (`{shown}`): event dropped"),
        );
        return Ok(());
    };
    let t = st.ctx.b.event_type_code(&ty.0);
    let Some(e) = st.ctx.b.add_event(&id.0, t, time) else {
        st.ctx.issue(
            None,
            || at(&f.id),
            "duplicate event id: later event dropped".into(),
        );
        return Ok(());
    };
    let decl = st.event_decl.get(ty.0.as_ref());
    for (name, _, value) in &st.attrs {
        let ty = decl.and_then(|d| d.get(name.0.as_ref())).copied();
        if let Some(v) = value.value(ty) {
            st.ctx.b.set_event_attr(e, &name.0, v);
        } else if matches!(value, Scalar::Nested) {
            st.ctx.issue(
                None,
                || at(&f.id),
                format!("attribute `{}` is not a scalar: skipped", name.0),
            );
        }
    }
    for (object, qualifier) in &st.rels {
        let o = st.ctx.b.object_ref(&object.0);
        let q = st.ctx.b.qualifier_code(&qualifier.0);
        st.ctx.b.add_e2o(e, o, q);
    }
    st.ctx.tick()
}

fn add_object(st: &mut State<'_, '_, '_>, f: Fields<'_>) -> Result<(), OcelError> {
    let n = st.ctx.b.num_objects();
    let at = |id: &Option<Text<'_>>| match id {
        Some(id) => format!("object {}", id.0),
        None => format!("object #{}", n + 1),
    };
    let (Some(id), Some(ty)) = (&f.id, &f.ty) else {
        let what = if f.id.is_none() { "`id`" } else { "`type`" };
        st.ctx
            .issue(None, || at(&f.id), format!("no {what}: object dropped"));
        return Ok(());
    };
    let t = st.ctx.b.object_type_code(&ty.0);
    let Some(o) = st.ctx.b.add_object(&id.0, t) else {
        st.ctx.issue(
            None,
            || at(&f.id),
            "duplicate object id: later object dropped".into(),
        );
        return Ok(());
    };
    let decl = st.object_decl.get(ty.0.as_ref());
    for (name, time, value) in &st.attrs {
        let Some(time) = attribute_time(time.as_ref().map(|t| t.0.as_ref())) else {
            st.ctx.issue(
                None,
                || at(&f.id),
                format!("attribute `{}`: unreadable time: value dropped", name.0),
            );
            continue;
        };
        let ty = decl.and_then(|d| d.get(name.0.as_ref())).copied();
        if let Some(v) = value.value(ty) {
            st.ctx.b.add_object_attr(o, &name.0, time, v);
        }
    }
    for (target, qualifier) in &st.rels {
        let t = st.ctx.b.object_ref(&target.0);
        let q = st.ctx.b.qualifier_code(&qualifier.0);
        st.ctx.b.add_o2o(o, t, q);
    }
    Ok(())
}

/// OCEL 2.0 `attributes`: `[{name, value[, time]}]`.
struct Attrs2<'s, 'c, 'p, 'de>(&'s mut State<'c, 'p, 'de>);

impl<'de> DeserializeSeed<'de> for Attrs2<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        #[derive(Deserialize)]
        struct Attr<'a> {
            #[serde(borrow)]
            name: Text<'a>,
            #[serde(borrow, default)]
            time: Option<Text<'a>>,
            #[serde(borrow)]
            value: Scalar<'a>,
        }
        let list = Option::<Vec<Attr<'de>>>::deserialize(d)?.unwrap_or_default();
        self.0
            .attrs
            .extend(list.into_iter().map(|a| (a.name, a.time, a.value)));
        Ok(())
    }
}

/// OCEL 1.0 `ocel:vmap` / `ocel:ovmap`: `{name: value}`.
struct Attrs1<'s, 'c, 'p, 'de>(&'s mut State<'c, 'p, 'de>);

impl<'de> DeserializeSeed<'de> for Attrs1<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        struct V<'s, 'c, 'p, 'de>(&'s mut State<'c, 'p, 'de>);
        impl<'de> Visitor<'de> for V<'_, '_, '_, 'de> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of attribute values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<(), A::Error> {
                while let Some((k, v)) = a.next_entry::<Text<'de>, Scalar<'de>>()? {
                    self.0.attrs.push((k, None, v));
                }
                Ok(())
            }
            fn visit_unit<E>(self) -> Result<(), E> {
                Ok(())
            }
        }
        d.deserialize_any(V(self.0))
    }
}

/// `relationships` (`[{objectId, qualifier}]`) and pm4py's OCEL 1.0 `ocel:typedOmap` /
/// `ocel:o2o` (`[{ocel:oid, ocel:qualifier}]`).
struct Rels<'s, 'c, 'p, 'de>(&'s mut State<'c, 'p, 'de>);

impl<'de> DeserializeSeed<'de> for Rels<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        #[derive(Deserialize)]
        struct Rel<'a> {
            #[serde(borrow, alias = "ocel:oid")]
            #[serde(rename = "objectId")]
            object: Text<'a>,
            #[serde(borrow, default, alias = "ocel:qualifier")]
            qualifier: Option<Text<'a>>,
        }
        let list = Option::<Vec<Rel<'de>>>::deserialize(d)?.unwrap_or_default();
        self.0.rels.extend(
            list.into_iter()
                .map(|r| (r.object, r.qualifier.unwrap_or_default())),
        );
        Ok(())
    }
}

/// OCEL 1.0 (pm4py): `ocel:omap` and `ocel:typedOmap` name the same objects; keep one
/// relation per object, with the qualifier when one is given.
fn merge_omaps(rels: &mut Vec<(Text<'_>, Text<'_>)>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(Text<'_>, Text<'_>)> = Vec::with_capacity(rels.len());
    for (o, q) in rels.drain(..) {
        match seen.get(o.0.as_ref()) {
            Some(&i) => {
                if out[i].1 .0.is_empty() {
                    out[i].1 = q;
                }
            }
            None => {
                seen.insert(o.0.to_string(), out.len());
                out.push((o, q));
            }
        }
    }
    *rels = out;
}
