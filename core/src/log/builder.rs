//! Building an [`EventLog`]: events are appended in source order, then `finish` sorts them.
//!
//! The builder is the one place that establishes the log's invariants (case order, timestamp
//! order with stable ties, compact dictionaries, aligned columns). Importers and tests use the
//! same public methods.

use super::{Column, ColumnType, EventLog, Interner, Validity, Value, NO_RESOURCE};
use hashbrown::HashMap;
use std::ops::Range;

/// What happened when an attribute was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetAttr {
    /// Stored as is.
    Stored,
    /// The key had another type before: the column was widened (int → float, else → string).
    Widened { from: ColumnType, to: ColumnType },
}

/// Appends events in source order; [`finish`](EventLogBuilder::finish) produces the ordered log.
///
/// ```
/// use spur_core::log::{EventLogBuilder, Value};
/// let mut b = EventLogBuilder::new();
/// let (c1, a, b_) = (b.case_code("c1"), b.activity_code("a"), b.activity_code("b"));
/// b.push_event(c1, b_, Some(2_000));
/// let e = b.push_event(c1, a, Some(1_000));
/// b.set_event_attr(e, "cost", Value::Int(5));
/// let log = b.finish();
/// assert_eq!(log.case_activities(0), &[a, b_]); // sorted by timestamp
/// ```
#[derive(Debug, Default, Clone)]
pub struct EventLogBuilder {
    case_ids: Interner,
    activities: Interner,
    resources: Interner,
    case: Vec<u32>,
    activity: Vec<u32>,
    resource: Vec<u32>,
    ts: Vec<i64>,
    ts_valid: Validity,
    any_ts: bool,
    event_attrs: Vec<Column>,
    event_attr_index: HashMap<String, usize>,
    case_attrs: Vec<Column>,
    case_attr_index: HashMap<String, usize>,
    log_attrs: Vec<(String, String)>,
    start_timestamp_attr: Option<String>,
}

impl EventLogBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The code of case id `id` (new ids are added).
    pub fn case_code(&mut self, id: &str) -> u32 {
        self.case_ids.intern(id)
    }

    /// The code of activity `name`.
    pub fn activity_code(&mut self, name: &str) -> u32 {
        self.activities.intern(name)
    }

    /// The code of resource `name`.
    pub fn resource_code(&mut self, name: &str) -> u32 {
        self.resources.intern(name)
    }

    /// [`activity_code`](Self::activity_code) of raw bytes; `None` if they are not UTF-8.
    pub fn activity_code_bytes(&mut self, name: &[u8]) -> Option<u32> {
        self.activities.intern_bytes(name)
    }

    /// [`resource_code`](Self::resource_code) of raw bytes; `None` if they are not UTF-8.
    pub fn resource_code_bytes(&mut self, name: &[u8]) -> Option<u32> {
        self.resources.intern_bytes(name)
    }

    /// Number of events appended so far.
    pub fn len(&self) -> usize {
        self.activity.len()
    }

    /// True when no event was appended.
    pub fn is_empty(&self) -> bool {
        self.activity.is_empty()
    }

    /// Append an event; returns its index (source order).
    pub fn push_event(&mut self, case: u32, activity: u32, timestamp: Option<i64>) -> usize {
        let i = self.activity.len();
        self.case.push(case);
        self.activity.push(activity);
        self.resource.push(NO_RESOURCE);
        self.ts.push(timestamp.unwrap_or(0));
        self.ts_valid.push(timestamp.is_some());
        self.any_ts |= timestamp.is_some();
        i
    }

    /// Set the timestamp of event `event`.
    pub fn set_timestamp(&mut self, event: usize, timestamp: i64) {
        if let Some(t) = self.ts.get_mut(event) {
            *t = timestamp;
            self.ts_valid.set(event);
            self.any_ts = true;
        }
    }

    /// Set the resource of event `event`.
    pub fn set_resource(&mut self, event: usize, resource: u32) {
        if let Some(r) = self.resource.get_mut(event) {
            *r = resource;
        }
    }

    /// Assign events `events` to case `case` (XES names a trace after its events may appear).
    pub fn set_case(&mut self, events: Range<usize>, case: u32) {
        if let Some(slice) = self.case.get_mut(events) {
            slice.fill(case);
        }
    }

    /// Drop events from index `len` on (e.g. the events of a rejected trace).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        self.case.truncate(len);
        self.activity.truncate(len);
        self.resource.truncate(len);
        self.ts.truncate(len);
        let mut v = Validity::default();
        for i in 0..len {
            v.push(self.ts_valid.get(i));
        }
        self.ts_valid = v;
        for c in &mut self.event_attrs {
            if c.len() > len {
                *c = c.permuted(&(0..len as u32).collect::<Vec<_>>());
            }
        }
    }

    /// Set attribute `key` of event `event`.
    pub fn set_event_attr(&mut self, event: usize, key: &str, value: Value<'_>) -> SetAttr {
        set_attr(
            &mut self.event_attrs,
            &mut self.event_attr_index,
            event,
            key,
            value,
        )
    }

    /// The column index of event attribute `key` (created with type `ty` if new), for
    /// [`set_event_attr_at`](Self::set_event_attr_at): saves the key lookup per value.
    pub fn event_attr_column(&mut self, key: &str, ty: ColumnType) -> usize {
        column_index(&mut self.event_attrs, &mut self.event_attr_index, key, ty)
    }

    /// Set event attribute column `column` (from [`event_attr_column`](Self::event_attr_column))
    /// of event `event`.
    pub fn set_event_attr_at(&mut self, column: usize, event: usize, value: Value<'_>) -> SetAttr {
        match self.event_attrs.get_mut(column) {
            Some(col) => set_in(col, event, value),
            None => SetAttr::Stored,
        }
    }

    /// The column index of case attribute `key` (created with type `ty` if new).
    pub fn case_attr_column(&mut self, key: &str, ty: ColumnType) -> usize {
        column_index(&mut self.case_attrs, &mut self.case_attr_index, key, ty)
    }

    /// Does case attribute column `column` have a value for case `case`?
    pub fn case_attr_is_set(&self, column: usize, case: u32) -> bool {
        self.case_attrs
            .get(column)
            .is_some_and(|c| c.validity().get(case as usize))
    }

    /// Set case attribute column `column` (from [`case_attr_column`](Self::case_attr_column))
    /// of case `case`.
    pub fn set_case_attr_at(&mut self, column: usize, case: u32, value: Value<'_>) -> SetAttr {
        match self.case_attrs.get_mut(column) {
            Some(col) => set_in(col, case as usize, value),
            None => SetAttr::Stored,
        }
    }

    /// Set attribute `key` of case `case`.
    pub fn set_case_attr(&mut self, case: u32, key: &str, value: Value<'_>) -> SetAttr {
        set_attr(
            &mut self.case_attrs,
            &mut self.case_attr_index,
            case as usize,
            key,
            value,
        )
    }

    /// Does case `case` already have a value for `key`?
    pub fn has_case_attr(&self, case: u32, key: &str) -> bool {
        self.case_attr_index
            .get(key)
            .is_some_and(|&i| self.case_attrs[i].validity().get(case as usize))
    }

    /// Add a log-level attribute.
    pub fn push_log_attr(&mut self, key: &str, value: &str) {
        self.log_attrs.push((key.to_string(), value.to_string()));
    }

    /// Mark the event attribute `key` as the start timestamp of interval events.
    pub fn set_start_timestamp_attr(&mut self, key: &str) {
        self.start_timestamp_attr = Some(key.to_string());
    }

    /// Order the events (case of first appearance, then timestamp, stable), drop unused
    /// dictionary entries, and align all columns.
    pub fn finish(self) -> EventLog {
        let n = self.activity.len();
        // Which case codes are used, renumbered in order of first appearance in the source.
        let mut case_new = vec![u32::MAX; self.case_ids.len()];
        let mut case_ids = Interner::new();
        let mut case_old_of_new = Vec::new();
        // Events whose case code was never handed out (e.g. an unclosed XES trace) are dropped.
        let known = |c: u32| (c as usize) < self.case_ids.len();
        for &c in self.case.iter().filter(|&&c| known(c)) {
            let slot = &mut case_new[c as usize];
            if *slot == u32::MAX {
                *slot = case_ids.intern(self.case_ids.resolve(c));
                case_old_of_new.push(c);
            }
        }
        let num_cases = case_ids.len();
        // Counting sort by case (stable), then a stable sort by timestamp inside each case.
        let mut case_starts = vec![0u32; num_cases + 1];
        for &c in self.case.iter().filter(|&&c| known(c)) {
            case_starts[case_new[c as usize] as usize + 1] += 1;
        }
        for i in 0..num_cases {
            case_starts[i + 1] += case_starts[i];
        }
        let mut next = case_starts.clone();
        let n_known = case_starts[num_cases] as usize;
        let mut order = vec![0u32; n_known];
        for (i, &c) in self.case.iter().enumerate().filter(|(_, &c)| known(c)) {
            let k = case_new[c as usize] as usize;
            order[next[k] as usize] = i as u32;
            next[k] += 1;
        }
        // Interval logs (a start-timestamp attribute) are ordered by start time, as pm4py does.
        let start = self
            .start_timestamp_attr
            .as_deref()
            .and_then(|k| self.event_attr_index.get(k))
            .and_then(|&c| match self.event_attrs[c].data() {
                super::ColumnData::Timestamp(v) => Some((v, self.event_attrs[c].validity())),
                _ => None,
            });
        if self.any_ts || start.is_some() {
            let key = |i: &u32| {
                let i = *i as usize;
                match start {
                    Some((v, valid)) if valid.get(i) => (false, v[i]),
                    _ => (!self.ts_valid.get(i), self.ts[i]),
                }
            };
            for w in case_starts.windows(2) {
                let slice = &mut order[w[0] as usize..w[1] as usize];
                if !slice.windows(2).all(|p| key(&p[0]) <= key(&p[1])) {
                    slice.sort_by_key(key);
                }
            }
        }
        let (activities, act_map) = compact(
            &self.activities,
            order.iter().map(|&i| self.activity[i as usize]),
        );
        let (resources, res_map) = compact(
            &self.resources,
            order
                .iter()
                .map(|&i| self.resource[i as usize])
                .filter(|&r| r != NO_RESOURCE),
        );
        let case: Vec<u32> = order
            .iter()
            .map(|&i| case_new[self.case[i as usize] as usize])
            .collect();
        let activity: Vec<u32> = order
            .iter()
            .map(|&i| act_map[self.activity[i as usize] as usize])
            .collect();
        let resource: Vec<u32> = order
            .iter()
            .map(|&i| match self.resource[i as usize] {
                NO_RESOURCE => NO_RESOURCE,
                r => res_map[r as usize],
            })
            .collect();
        let timestamps = self.any_ts.then(|| {
            let mut v = Validity::default();
            let t = order
                .iter()
                .map(|&i| {
                    v.push(self.ts_valid.get(i as usize));
                    self.ts[i as usize]
                })
                .collect();
            (t, v)
        });
        let event_attrs = self
            .event_attrs
            .into_iter()
            .map(|mut c| {
                c.pad_to(n);
                c.permuted(&order)
            })
            .collect();
        let case_attrs = self
            .case_attrs
            .into_iter()
            .map(|mut c| {
                c.pad_to(self.case_ids.len());
                c.permuted(&case_old_of_new)
            })
            .collect();
        EventLog {
            case_ids,
            activities,
            resources,
            case,
            case_starts,
            activity,
            resource,
            timestamps,
            event_attrs,
            case_attrs,
            log_attrs: self.log_attrs,
            start_timestamp_attr: self.start_timestamp_attr,
        }
    }
}

/// Keep only the dictionary entries in use, in order of first use; returns old → new codes.
pub(super) fn compact(dict: &Interner, used: impl Iterator<Item = u32>) -> (Interner, Vec<u32>) {
    let mut map = vec![u32::MAX; dict.len()];
    let mut out = Interner::new();
    for c in used {
        if let Some(slot) = map.get_mut(c as usize) {
            if *slot == u32::MAX {
                *slot = out.intern(dict.resolve(c));
            }
        }
    }
    (out, map)
}

fn type_of(value: Value<'_>) -> ColumnType {
    match value {
        Value::Str(_) => ColumnType::Str,
        Value::Int(_) => ColumnType::Int,
        Value::Float(_) => ColumnType::Float,
        Value::Bool(_) => ColumnType::Bool,
        Value::Timestamp(_) => ColumnType::Timestamp,
    }
}

fn column_index(
    columns: &mut Vec<Column>,
    index: &mut HashMap<String, usize>,
    key: &str,
    ty: ColumnType,
) -> usize {
    match index.get(key) {
        Some(&i) => i,
        None => {
            columns.push(Column::new(key, ty));
            index.insert(key.to_string(), columns.len() - 1);
            columns.len() - 1
        }
    }
}

fn set_in(col: &mut Column, row: usize, value: Value<'_>) -> SetAttr {
    if col.set(row, value) {
        return SetAttr::Stored;
    }
    let from = col.column_type();
    col.widen_for(type_of(value));
    col.set(row, value);
    SetAttr::Widened {
        from,
        to: col.column_type(),
    }
}

fn set_attr(
    columns: &mut Vec<Column>,
    index: &mut HashMap<String, usize>,
    row: usize,
    key: &str,
    value: Value<'_>,
) -> SetAttr {
    let i = column_index(columns, index, key, type_of(value));
    set_in(&mut columns[i], row, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_case_then_time_keeping_ties_and_nulls_last() {
        let mut b = EventLogBuilder::new();
        let (x, y) = (b.case_code("x"), b.case_code("y"));
        let acts: Vec<u32> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|a| b.activity_code(a))
            .collect();
        b.push_event(y, acts[0], Some(5));
        b.push_event(x, acts[1], None);
        b.push_event(x, acts[2], Some(3));
        b.push_event(x, acts[3], Some(1));
        let e = b.push_event(x, acts[4], Some(3));
        b.set_event_attr(e, "k", Value::Int(1));
        let log = b.finish();
        assert_eq!(log.case_ids().resolve(0), "y");
        let names: Vec<&str> = log
            .case_activities(1)
            .iter()
            .map(|&a| log.activities().resolve(a))
            .collect();
        assert_eq!(names, ["d", "c", "e", "b"]);
        assert_eq!(
            log.event_attribute("k").and_then(|c| c.get(3)),
            Some(Value::Int(1))
        );
        assert_eq!(log.timestamp(4), None);
    }

    #[test]
    fn unused_codes_are_dropped() {
        let mut b = EventLogBuilder::new();
        let _ghost = b.case_code("ghost");
        let _unused = b.activity_code("never");
        let (c, a) = (b.case_code("c"), b.activity_code("a"));
        b.push_event(c, a, None);
        let log = b.finish();
        assert_eq!((log.num_cases(), log.activities().len()), (1, 1));
        assert!(!log.has_timestamps());
    }
}
