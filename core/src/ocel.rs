//! The object-centric event log (OCEL 2.0): events that touch several objects at once.
//!
//! An [`OcelLog`] holds what the OCEL 2.0 standard defines, compactly, like the [`EventLog`]:
//! - events: an id, a type (the activity), a time (ms UTC) and attributes, in file order;
//!   types and ids are `u32` codes over [`Interner`]s, attributes are typed [`Column`]s (one
//!   per attribute name, null where an event type does not carry it);
//! - objects: an id, a type and time-varying attributes ([`ObjectAttribute`]: rows of
//!   object, time, value; the value at time 0 (`1970-01-01`) is the initial one);
//! - E2O relations (event → object, with a qualifier) as a compressed adjacency per event;
//! - O2O relations (object → object, with a qualifier) as three parallel columns.
//!
//! Object codes follow file order of the object definitions; event codes follow file order of
//! the events. Analyses that need time order take [`OcelLog::time_order`] (stable: ties keep
//! file order, as pm4py sorts by time and then by index).
//!
//! Built by [`OcelBuilder`] (importers and the generator use it). Importers are in
//! [`import`], writers in [`export`] (OCEL 2.0 JSON) and [`sqlite::write`] (OCEL 2.0 SQLite);
//! pm4py-equal analyses in [`flatten`], [`stats`], [`ocdfg`] and [`objects`]; the first look an
//! analyst gets in [`overview`]; a synthetic log in [`generate`]. The object-centric map is
//! drawn by [`crate::map::overlay`].
//!
//! [`EventLog`]: crate::log::EventLog

mod builder;
pub mod export;
pub mod flatten;
pub mod generate;
pub mod import;
mod json;
pub mod objects;
pub mod ocdfg;
pub mod overview;
pub mod sqlite;
pub mod stats;
mod xml;

pub use builder::OcelBuilder;

use crate::log::{Column, Interner};

/// One time-varying object attribute: every value it takes, with the object and the time.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttribute {
    pub(crate) name: String,
    /// Per row, the object code.
    pub(crate) object: Vec<u32>,
    /// Per row, the time the value holds from (ms UTC; 0 = initial value).
    pub(crate) time: Vec<i64>,
    /// Per row, the value.
    pub(crate) values: Column,
}

impl ObjectAttribute {
    /// The attribute name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Per row, the object code.
    pub fn objects(&self) -> &[u32] {
        &self.object
    }

    /// Per row, the time from which the value holds (ms UTC; 0 for the initial value).
    pub fn times(&self) -> &[i64] {
        &self.time
    }

    /// Per row, the value.
    pub fn values(&self) -> &Column {
        &self.values
    }

    /// Number of rows (values over all objects and times).
    pub fn len(&self) -> usize {
        self.object.len()
    }

    /// True when the attribute has no value.
    pub fn is_empty(&self) -> bool {
        self.object.is_empty()
    }
}

/// An immutable object-centric event log. See the module documentation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcelLog {
    pub(crate) event_types: Interner,
    pub(crate) object_types: Interner,
    pub(crate) event_ids: Interner,
    pub(crate) object_ids: Interner,
    pub(crate) qualifiers: Interner,
    pub(crate) event_type: Vec<u32>,
    pub(crate) event_time: Vec<i64>,
    pub(crate) event_attrs: Vec<Column>,
    pub(crate) object_type: Vec<u32>,
    pub(crate) object_attrs: Vec<ObjectAttribute>,
    /// Per event, the first E2O row; one extra entry at the end.
    pub(crate) e2o_start: Vec<u32>,
    pub(crate) e2o_object: Vec<u32>,
    pub(crate) e2o_qualifier: Vec<u32>,
    pub(crate) o2o_source: Vec<u32>,
    pub(crate) o2o_target: Vec<u32>,
    pub(crate) o2o_qualifier: Vec<u32>,
}

impl OcelLog {
    /// Number of events.
    pub fn num_events(&self) -> usize {
        self.event_type.len()
    }

    /// Number of objects.
    pub fn num_objects(&self) -> usize {
        self.object_type.len()
    }

    /// Number of E2O relations.
    pub fn num_e2o(&self) -> usize {
        self.e2o_object.len()
    }

    /// Number of O2O relations.
    pub fn num_o2o(&self) -> usize {
        self.o2o_source.len()
    }

    /// Event type dictionary (the activities).
    pub fn event_types(&self) -> &Interner {
        &self.event_types
    }

    /// Object type dictionary.
    pub fn object_types(&self) -> &Interner {
        &self.object_types
    }

    /// Event ids: code = event index.
    pub fn event_ids(&self) -> &Interner {
        &self.event_ids
    }

    /// Object ids: code = object index.
    pub fn object_ids(&self) -> &Interner {
        &self.object_ids
    }

    /// Qualifier dictionary of E2O and O2O relations (`""` = none).
    pub fn qualifiers(&self) -> &Interner {
        &self.qualifiers
    }

    /// Per event, its type code.
    pub fn event_type_codes(&self) -> &[u32] {
        &self.event_type
    }

    /// Per event, its time in ms UTC.
    pub fn event_times(&self) -> &[i64] {
        &self.event_time
    }

    /// Event attribute columns, one row per event.
    pub fn event_attributes(&self) -> &[Column] {
        &self.event_attrs
    }

    /// Per object, its type code.
    pub fn object_type_codes(&self) -> &[u32] {
        &self.object_type
    }

    /// Object attributes with their history.
    pub fn object_attributes(&self) -> &[ObjectAttribute] {
        &self.object_attrs
    }

    /// The objects event `event` touches, and the qualifier code of each relation.
    pub fn e2o(&self, event: usize) -> (&[u32], &[u32]) {
        let (Some(&s), Some(&e)) = (self.e2o_start.get(event), self.e2o_start.get(event + 1))
        else {
            return (&[], &[]);
        };
        let r = s as usize..e as usize;
        (&self.e2o_object[r.clone()], &self.e2o_qualifier[r])
    }

    /// O2O relations as (source objects, target objects, qualifier codes), parallel slices.
    pub fn o2o(&self) -> (&[u32], &[u32], &[u32]) {
        (&self.o2o_source, &self.o2o_target, &self.o2o_qualifier)
    }

    /// Event indices ordered by time, ties in file order (pm4py's event order).
    pub fn time_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.num_events() as u32).collect();
        if !self.event_time.windows(2).all(|w| w[0] <= w[1]) {
            order.sort_by_key(|&i| self.event_time[i as usize]);
        }
        order
    }

    /// Heap bytes held (columns, relations, dictionaries), for footprint reports.
    pub fn heap_bytes(&self) -> usize {
        let u32s = self.event_type.capacity()
            + self.object_type.capacity()
            + self.e2o_start.capacity()
            + self.e2o_object.capacity()
            + self.e2o_qualifier.capacity()
            + self.o2o_source.capacity()
            + self.o2o_target.capacity()
            + self.o2o_qualifier.capacity();
        let dicts = self.event_types.heap_bytes()
            + self.object_types.heap_bytes()
            + self.event_ids.heap_bytes()
            + self.object_ids.heap_bytes()
            + self.qualifiers.heap_bytes();
        let attrs: usize = self
            .event_attrs
            .iter()
            .map(Column::heap_bytes)
            .sum::<usize>()
            + self
                .object_attrs
                .iter()
                .map(|a| a.object.capacity() * 4 + a.time.capacity() * 8 + a.values.heap_bytes())
                .sum::<usize>();
        u32s * 4 + self.event_time.capacity() * 8 + dicts + attrs
    }
}
