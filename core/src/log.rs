//! The EventLog: one row per event, columnar, dictionary-encoded, ordered by case.
//!
//! This is the contract every analysis reads (see `DESIGN.md`, Contracts):
//! - case id, activity and resource are `u32` codes into three [`Interner`]s;
//! - timestamps are `i64` milliseconds since the Unix epoch, UTC, with nulls; a log may have no
//!   timestamps at all (then file order is the order, and durations are absent);
//! - every other attribute is a typed [`Column`] (string, int, float, bool, timestamp) with nulls,
//!   per event and per case;
//! - events are ordered by case (cases in order of first appearance in the source), then by
//!   timestamp (events without one last), ties kept in source order (a stable sort). When a
//!   start-timestamp attribute is mapped (`start_timestamp` by default for XES), events are
//!   ordered by it instead, as pm4py orders interval logs.
//!
//! Because events of a case are contiguous, the activity sequence of a case is a slice
//! ([`EventLog::case_activities`]): variants and the directly-follows graph need no grouping.
//! The footprint is 20 bytes per event for the fixed roles (case, activity, resource codes and
//! a timestamp) plus the attribute columns, well under the 64-byte target: BPIC2012 (262,200
//! events, with `lifecycle:transition` and two case attributes) holds 26.4 bytes per event,
//! dictionaries included ([`EventLog::heap_bytes`]).
//!
//! Logs are built with [`EventLogBuilder`] (importers use it too) and are immutable afterwards.
//! This module does no parsing and no statistics: see `import` and `mining`.

mod builder;
pub mod column;
pub mod interner;
mod select;

pub use builder::{EventLogBuilder, SetAttr};
pub use column::{Column, ColumnData, ColumnType, Validity, Value};
pub use interner::Interner;

use std::ops::Range;

/// The resource code of an event without a resource.
pub const NO_RESOURCE: u32 = u32::MAX;

/// An immutable, columnar event log. See the module documentation for the invariants.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLog {
    pub(crate) case_ids: Interner,
    pub(crate) activities: Interner,
    pub(crate) resources: Interner,
    /// Per event: the case code (non-decreasing).
    pub(crate) case: Vec<u32>,
    /// Per case, the first event; one extra entry at the end (= number of events).
    pub(crate) case_starts: Vec<u32>,
    pub(crate) activity: Vec<u32>,
    pub(crate) resource: Vec<u32>,
    /// `None` when no event has a timestamp.
    pub(crate) timestamps: Option<(Vec<i64>, Validity)>,
    pub(crate) event_attrs: Vec<Column>,
    pub(crate) case_attrs: Vec<Column>,
    pub(crate) log_attrs: Vec<(String, String)>,
    pub(crate) start_timestamp_attr: Option<String>,
}

impl EventLog {
    /// Number of events.
    pub fn num_events(&self) -> usize {
        self.activity.len()
    }

    /// Number of cases (each has at least one event).
    pub fn num_cases(&self) -> usize {
        self.case_starts.len().saturating_sub(1)
    }

    /// True when the log has no events.
    pub fn is_empty(&self) -> bool {
        self.activity.is_empty()
    }

    /// Case id dictionary: case code → the source's case id. Codes follow case order.
    pub fn case_ids(&self) -> &Interner {
        &self.case_ids
    }

    /// Activity dictionary: activity code → name.
    pub fn activities(&self) -> &Interner {
        &self.activities
    }

    /// Resource dictionary: resource code → name.
    pub fn resources(&self) -> &Interner {
        &self.resources
    }

    /// Per event, its case code (non-decreasing).
    pub fn case_codes(&self) -> &[u32] {
        &self.case
    }

    /// Per event, its activity code.
    pub fn activity_codes(&self) -> &[u32] {
        &self.activity
    }

    /// Per event, its resource code or [`NO_RESOURCE`].
    pub fn resource_codes(&self) -> &[u32] {
        &self.resource
    }

    /// Per case, the index of its first event, plus the number of events at the end.
    pub fn case_starts(&self) -> &[u32] {
        &self.case_starts
    }

    /// The events of case `case` (empty for an unknown case).
    pub fn case_events(&self, case: u32) -> Range<usize> {
        let c = case as usize;
        match (self.case_starts.get(c), self.case_starts.get(c + 1)) {
            (Some(&s), Some(&e)) => s as usize..e as usize,
            _ => 0..0,
        }
    }

    /// The activity codes of case `case`, in log order.
    pub fn case_activities(&self, case: u32) -> &[u32] {
        &self.activity[self.case_events(case)]
    }

    /// Does the log carry timestamps (on at least one event)?
    pub fn has_timestamps(&self) -> bool {
        self.timestamps.is_some()
    }

    /// Per-event timestamps in ms UTC and their validity, `None` when the log has none.
    pub fn timestamps(&self) -> Option<(&[i64], &Validity)> {
        self.timestamps.as_ref().map(|(t, v)| (t.as_slice(), v))
    }

    /// The timestamp of event `i` in ms UTC.
    pub fn timestamp(&self, i: usize) -> Option<i64> {
        let (t, v) = self.timestamps.as_ref()?;
        v.get(i).then(|| t[i])
    }

    /// Event attribute columns (everything but case, activity, resource and timestamp).
    pub fn event_attributes(&self) -> &[Column] {
        &self.event_attrs
    }

    /// The event attribute column named `name`.
    pub fn event_attribute(&self, name: &str) -> Option<&Column> {
        self.event_attrs.iter().find(|c| c.name() == name)
    }

    /// Case attribute columns, one row per case code.
    pub fn case_attributes(&self) -> &[Column] {
        &self.case_attrs
    }

    /// The case attribute column named `name`.
    pub fn case_attribute(&self, name: &str) -> Option<&Column> {
        self.case_attrs.iter().find(|c| c.name() == name)
    }

    /// Log-level attributes (XES `<log>` attributes), rendered as text.
    pub fn log_attributes(&self) -> &[(String, String)] {
        &self.log_attrs
    }

    /// The event attribute holding the start timestamps of interval events, if mapped.
    pub fn start_timestamps(&self) -> Option<&Column> {
        self.event_attribute(self.start_timestamp_attr.as_deref()?)
    }

    /// Heap bytes held by the log (all columns and dictionaries).
    pub fn heap_bytes(&self) -> usize {
        let fixed = (self.case.capacity() + self.activity.capacity() + self.resource.capacity())
            * 4
            + self.case_starts.capacity() * 4
            + self
                .timestamps
                .as_ref()
                .map_or(0, |(t, v)| t.capacity() * 8 + v.words().len() * 8);
        let dicts =
            self.case_ids.heap_bytes() + self.activities.heap_bytes() + self.resources.heap_bytes();
        let attrs: usize = self
            .event_attrs
            .iter()
            .chain(&self.case_attrs)
            .map(Column::heap_bytes)
            .sum();
        fixed + dicts + attrs
    }
}
