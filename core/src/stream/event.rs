//! The event the operator consumes, and what it emits.

use serde::{Deserialize, Serialize};

/// A field value carried by an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Num(f64),
    Text(String),
}

impl Value {
    /// The number, if it is one (text is parsed); non-finite numbers are not numbers.
    pub fn as_num(&self) -> Option<f64> {
        let v = match self {
            Value::Num(x) => *x,
            Value::Text(s) => s.trim().parse::<f64>().ok()?,
        };
        v.is_finite().then_some(v)
    }

    /// The text form (numbers in Rust's shortest round-trip form).
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Value::Num(x) => std::borrow::Cow::Owned(x.to_string()),
            Value::Text(s) => std::borrow::Cow::Borrowed(s),
        }
    }
}

/// One event: who (`key`), when (`time`, ms UTC), which (`id`, for de-duplication), from
/// where (`source`, for per-source watermarks) and the fields the aggregates read, in the
/// order of [`super::StreamConfig::fields`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: Option<String>,
    pub key: String,
    pub time: i64,
    #[serde(default)]
    pub source: u32,
    #[serde(default)]
    pub values: Vec<Option<Value>>,
}

/// One aggregate's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AggValue {
    /// count, distinct, approx_distinct.
    Count(u64),
    /// sum, min, max, mean (`None`: no numeric value in the window).
    Number(Option<f64>),
    /// top-k: `(value, count)`, count descending, then value.
    TopK(Vec<(String, u64)>),
    /// window DFG: `(from, to, count)`, count descending, then names.
    Dfg(Vec<(String, String, u64)>),
}

/// A window's result, emitted when the watermark passes its end (`revision` 0) and again, with
/// `revision + 1`, after each poll in which late-but-allowed events changed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowResult {
    pub key: String,
    pub start: i64,
    pub end: i64,
    pub revision: u32,
    /// Events in the window.
    pub count: u64,
    /// One value per configured aggregate, in order.
    pub aggs: Vec<AggValue>,
    /// Session windows only: bounds of earlier emitted windows of this key that this one
    /// supersedes (a late event extended or bridged them). Consumers drop those.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<(i64, i64)>,
}

/// Why an event was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateReason {
    /// Every window it belongs to is past its end plus the allowed lateness.
    WindowClosed,
    /// Older than the dedup horizon behind the watermark: it could no longer be told apart
    /// from a duplicate, so it is not counted (only events with an id).
    BeyondDedupHorizon,
    /// Its time is beyond ±2⁶⁰ ms.
    TimeOutOfRange,
}

impl LateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LateReason::WindowClosed => "window_closed",
            LateReason::BeyondDedupHorizon => "beyond_dedup_horizon",
            LateReason::TimeOutOfRange => "time_out_of_range",
        }
    }
}

/// An event that was not counted, with its reason (nothing is dropped silently).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Late {
    pub id: Option<String>,
    pub key: String,
    pub time: i64,
    pub reason: LateReason,
    /// The watermark when it arrived.
    pub watermark: i64,
}

/// An id seen again with other content (key, time or values): the first one counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: String,
    pub key: String,
    pub time: i64,
}

/// What [`super::Operator::poll`] returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Output {
    /// Windows fired or updated, by end, start, key.
    pub windows: Vec<WindowResult>,
    /// Events not counted, in arrival order.
    pub late: Vec<Late>,
    /// Repeated ids with different content, in arrival order.
    pub conflicts: Vec<Conflict>,
    /// The watermark at this poll.
    pub watermark: i64,
}

impl Output {
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty() && self.late.is_empty() && self.conflicts.is_empty()
    }
}

/// Counters since the operator started (kept across snapshots).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Events pushed.
    pub events: u64,
    /// Events counted in at least one window.
    pub accepted: u64,
    /// Repeated ids (not counted again).
    pub duplicates: u64,
    /// Of those, repeated ids with other content.
    pub conflicts: u64,
    /// Events not counted (see [`LateReason`]).
    pub late: u64,
    /// Events counted only after their window had fired (an update followed).
    pub late_accepted: u64,
    /// First emissions of windows.
    pub windows: u64,
    /// Re-emissions (revision ≥ 1).
    pub updates: u64,
    /// Field values a numeric aggregate could not read as a number (ignored by it).
    pub bad_values: u64,
    /// Dedup entries evicted early because the dedup table was full.
    pub dedup_evicted: u64,
}
