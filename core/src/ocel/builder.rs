//! Building an [`OcelLog`]: importers push events, objects and relations in file order.
//!
//! Relations may name objects before they are defined (JSON keys come in any order, O2O
//! targets often follow their sources), so the builder interns every object id on sight and
//! resolves them in [`OcelBuilder::finish`]: relations to objects that are never defined are
//! dropped and reported by the caller-visible [`Unresolved`] list. Duplicate definitions are
//! refused at the call (the caller reports them with its line).

use super::{ObjectAttribute, OcelLog};
use crate::log::{Column, ColumnType, Interner, Value};
use hashbrown::HashMap;

const UNDEFINED: u32 = u32::MAX;

/// A relation dropped by [`OcelBuilder::finish`] because its object was never defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// `event <id>` or `object <id>`: where the relation was declared.
    pub from: String,
    /// The id that names no object.
    pub object: String,
}

/// Appends the parts of an OCEL in file order; [`finish`](OcelBuilder::finish) resolves and
/// packs them.
#[derive(Debug, Default, Clone)]
pub struct OcelBuilder {
    event_types: Interner,
    object_types: Interner,
    event_ids: Interner,
    /// Every object id seen (defined or referenced).
    object_names: Interner,
    qualifiers: Interner,
    event_type: Vec<u32>,
    event_time: Vec<i64>,
    event_attrs: Vec<Column>,
    event_attr_index: HashMap<String, usize>,
    e2o_event: Vec<u32>,
    e2o_object: Vec<u32>,
    e2o_qualifier: Vec<u32>,
    /// Per object name code, its type code or `UNDEFINED`.
    object_type_of: Vec<u32>,
    /// Object name codes in definition order.
    defined: Vec<u32>,
    object_attrs: Vec<(String, Vec<u32>, Vec<i64>, Column)>,
    object_attr_index: HashMap<String, usize>,
    o2o: Vec<(u32, u32, u32)>,
}

impl OcelBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of events added.
    pub fn num_events(&self) -> usize {
        self.event_type.len()
    }

    /// Number of objects defined.
    pub fn num_objects(&self) -> usize {
        self.defined.len()
    }

    /// The code of event type `name`.
    pub fn event_type_code(&mut self, name: &str) -> u32 {
        self.event_types.intern(name)
    }

    /// The code of object type `name`.
    pub fn object_type_code(&mut self, name: &str) -> u32 {
        self.object_types.intern(name)
    }

    /// The code of qualifier `q` (`""` for none).
    pub fn qualifier_code(&mut self, q: &str) -> u32 {
        self.qualifiers.intern(q)
    }

    /// Add an event; `None` when `id` was already used (the caller reports the duplicate).
    pub fn add_event(&mut self, id: &str, event_type: u32, time_ms: i64) -> Option<usize> {
        let before = self.event_ids.len();
        let code = self.event_ids.intern(id) as usize;
        if code < before {
            return None;
        }
        self.event_type.push(event_type);
        self.event_time.push(time_ms);
        Some(code)
    }

    /// The index of event `id`, if it was added.
    pub fn event_index(&self, id: &str) -> Option<usize> {
        self.event_ids.lookup(id).map(|c| c as usize)
    }

    /// Set attribute `name` of event `event`. Mixed types widen the column (int → float, else
    /// string), as the EventLog does.
    pub fn set_event_attr(&mut self, event: usize, name: &str, value: Value<'_>) {
        let i = match self.event_attr_index.get(name) {
            Some(&i) => i,
            None => {
                self.event_attrs
                    .push(Column::new(name, value.column_type()));
                self.event_attr_index
                    .insert(name.to_string(), self.event_attrs.len() - 1);
                self.event_attrs.len() - 1
            }
        };
        set_widening(&mut self.event_attrs[i], event, value);
    }

    /// The code of object id `id`, defined or not (for relations).
    pub fn object_ref(&mut self, id: &str) -> u32 {
        let code = self.object_names.intern(id);
        if code as usize == self.object_type_of.len() {
            self.object_type_of.push(UNDEFINED);
        }
        code
    }

    /// Is object `id` defined?
    pub fn has_object(&self, id: &str) -> bool {
        self.object_names
            .lookup(id)
            .is_some_and(|c| self.object_type_of[c as usize] != UNDEFINED)
    }

    /// Define object `id` of type `object_type`; returns its reference code, or `None` when it
    /// was defined before.
    pub fn add_object(&mut self, id: &str, object_type: u32) -> Option<u32> {
        let code = self.object_ref(id);
        let slot = &mut self.object_type_of[code as usize];
        if *slot != UNDEFINED {
            return None;
        }
        *slot = object_type;
        self.defined.push(code);
        Some(code)
    }

    /// Relate event `event` to object reference `object` with qualifier code `qualifier`.
    pub fn add_e2o(&mut self, event: usize, object: u32, qualifier: u32) {
        self.e2o_event.push(event as u32);
        self.e2o_object.push(object);
        self.e2o_qualifier.push(qualifier);
    }

    /// Relate object reference `source` to `target` with qualifier code `qualifier`.
    pub fn add_o2o(&mut self, source: u32, target: u32, qualifier: u32) {
        self.o2o.push((source, target, qualifier));
    }

    /// Object reference `object` has attribute `name` = `value` from `time_ms` on (0 =
    /// initially).
    pub fn add_object_attr(&mut self, object: u32, name: &str, time_ms: i64, value: Value<'_>) {
        let i = match self.object_attr_index.get(name) {
            Some(&i) => i,
            None => {
                self.object_attrs.push((
                    name.to_string(),
                    Vec::new(),
                    Vec::new(),
                    Column::new(name, value.column_type()),
                ));
                self.object_attr_index
                    .insert(name.to_string(), self.object_attrs.len() - 1);
                self.object_attrs.len() - 1
            }
        };
        let (_, objects, times, column) = &mut self.object_attrs[i];
        let row = objects.len();
        objects.push(object);
        times.push(time_ms);
        set_widening(column, row, value);
    }

    /// Resolve object references, drop relations to undefined objects (returned), remove
    /// exact duplicate E2O relations and pack the log.
    pub fn finish(self) -> (OcelLog, Vec<Unresolved>) {
        let n_events = self.event_type.len();
        let mut unresolved = Vec::new();
        // Object reference code → object index (definition order).
        let mut index = vec![UNDEFINED; self.object_type_of.len()];
        let mut object_ids = Interner::new();
        let mut object_type = Vec::with_capacity(self.defined.len());
        for &code in &self.defined {
            index[code as usize] = object_ids.intern(self.object_names.resolve(code));
            object_type.push(self.object_type_of[code as usize]);
        }
        // E2O grouped by event (counting sort keeps insertion order within an event).
        let mut e2o_start = vec![0u32; n_events + 1];
        for (&e, &o) in self.e2o_event.iter().zip(&self.e2o_object) {
            if index[o as usize] != UNDEFINED {
                e2o_start[e as usize + 1] += 1;
            }
        }
        for i in 0..n_events {
            e2o_start[i + 1] += e2o_start[i];
        }
        let total = e2o_start[n_events] as usize;
        let mut next = e2o_start.clone();
        let mut e2o_object = vec![0u32; total];
        let mut e2o_qualifier = vec![0u32; total];
        for ((&e, &o), &q) in self
            .e2o_event
            .iter()
            .zip(&self.e2o_object)
            .zip(&self.e2o_qualifier)
        {
            let obj = index[o as usize];
            if obj == UNDEFINED {
                unresolved.push(Unresolved {
                    from: format!("event {}", self.event_ids.resolve(e)),
                    object: self.object_names.resolve(o).to_string(),
                });
                continue;
            }
            let at = next[e as usize] as usize;
            e2o_object[at] = obj;
            e2o_qualifier[at] = q;
            next[e as usize] += 1;
        }
        // Drop exact duplicates (same event, object and qualifier), keeping the first.
        let (mut out_start, mut w) = (vec![0u32; n_events + 1], 0usize);
        let mut seen = hashbrown::HashSet::new();
        for ev in 0..n_events {
            let (s, e) = (e2o_start[ev] as usize, e2o_start[ev + 1] as usize);
            seen.clear();
            for r in s..e {
                let pair = (e2o_object[r], e2o_qualifier[r]);
                // Few objects per event: a scan; many: a set (hostile input stays linear).
                let dup = if e - s <= 16 {
                    (s..r).any(|p| (e2o_object[p], e2o_qualifier[p]) == pair)
                } else {
                    !seen.insert(pair)
                };
                if !dup {
                    e2o_object[w] = e2o_object[r];
                    e2o_qualifier[w] = e2o_qualifier[r];
                    w += 1;
                }
            }
            out_start[ev + 1] = w as u32;
        }
        e2o_object.truncate(w);
        e2o_qualifier.truncate(w);
        let mut o2o_source = Vec::with_capacity(self.o2o.len());
        let mut o2o_target = Vec::with_capacity(self.o2o.len());
        let mut o2o_qualifier = Vec::with_capacity(self.o2o.len());
        for &(s, t, q) in &self.o2o {
            let (si, ti) = (index[s as usize], index[t as usize]);
            if si == UNDEFINED || ti == UNDEFINED {
                let bad = if si == UNDEFINED { s } else { t };
                unresolved.push(Unresolved {
                    from: format!("object {}", self.object_names.resolve(s)),
                    object: self.object_names.resolve(bad).to_string(),
                });
                continue;
            }
            o2o_source.push(si);
            o2o_target.push(ti);
            o2o_qualifier.push(q);
        }
        let mut event_attrs = self.event_attrs;
        for c in &mut event_attrs {
            c.pad_to(n_events);
        }
        let object_attrs = self
            .object_attrs
            .into_iter()
            .map(|(name, objects, times, column)| {
                // Values of undefined objects are dropped with their rows.
                let keep: Vec<u32> = (0..objects.len() as u32)
                    .filter(|&r| index[objects[r as usize] as usize] != UNDEFINED)
                    .collect();
                let mut column = column;
                column.pad_to(objects.len());
                ObjectAttribute {
                    name,
                    object: keep
                        .iter()
                        .map(|&r| index[objects[r as usize] as usize])
                        .collect(),
                    time: keep.iter().map(|&r| times[r as usize]).collect(),
                    values: if keep.len() == objects.len() {
                        column
                    } else {
                        column.permuted(&keep)
                    },
                }
            })
            .collect();
        let log = OcelLog {
            event_types: self.event_types,
            object_types: self.object_types,
            event_ids: self.event_ids,
            object_ids,
            qualifiers: self.qualifiers,
            event_type: self.event_type,
            event_time: self.event_time,
            event_attrs,
            object_type,
            object_attrs,
            e2o_start: out_start,
            e2o_object,
            e2o_qualifier,
            o2o_source,
            o2o_target,
            o2o_qualifier,
        };
        (log, unresolved)
    }
}

/// Set `row` of `column` to `value`, widening the column when the type does not fit.
pub(crate) fn set_widening(column: &mut Column, row: usize, value: Value<'_>) {
    if !column.set(row, value) {
        let to = match value {
            Value::Float(_) if column.column_type() == ColumnType::Int => ColumnType::Float,
            _ => ColumnType::Str,
        };
        column.widen_for(to);
        if !column.set(row, value) {
            let s = value.to_string();
            column.set(row, Value::Str(&s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_references_resolve_and_dangling_ones_are_dropped() {
        let mut b = OcelBuilder::new();
        let (t, ot, q) = (
            b.event_type_code("a"),
            b.object_type_code("o"),
            b.qualifier_code(""),
        );
        let e = b.add_event("e1", t, 5).expect("new");
        assert!(b.add_event("e1", t, 6).is_none());
        let later = b.object_ref("x2");
        let ghost = b.object_ref("ghost");
        b.add_e2o(e, later, q);
        b.add_e2o(e, later, q);
        b.add_e2o(e, ghost, q);
        let x1 = b.add_object("x1", ot).expect("new");
        assert_eq!(b.add_object("x2", ot), Some(later));
        assert!(b.add_object("x1", ot).is_none());
        b.add_o2o(x1, later, q);
        b.add_object_attr(x1, "colour", 0, Value::Str("red"));
        b.add_object_attr(ghost, "colour", 0, Value::Str("none"));
        b.add_object_attr(x1, "colour", 10, Value::Int(3));
        let (log, dropped) = b.finish();
        assert_eq!(
            (log.num_events(), log.num_objects(), log.num_e2o()),
            (1, 2, 1)
        );
        assert_eq!(log.object_ids().resolve(log.e2o(0).0[0]), "x2");
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[0].object, "ghost");
        let colour = &log.object_attributes()[0];
        assert_eq!(colour.len(), 2);
        assert_eq!(colour.values().get(1), Some(Value::Str("3")));
    }
}
