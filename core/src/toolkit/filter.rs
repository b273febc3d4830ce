//! Composable filters over an [`EventLog`]: the "narrow it down" step of every investigation.
//!
//! A [`Filter`] is plain data (serde, `{"kind": "…", …}` with snake_case names) so a browser
//! recipe can store it as JSON, and has a compact text form (`has:reset`, `df:a->b`,
//! `time:2024-01-01..2024-02-01:contained`, see [`FORMS`]) that parses back to the same value.
//! [`apply`] runs one filter and reports what it kept ([`FilterStep`]); [`apply_all`] runs a list
//! in order. Case-level filters also return the case mask over their input, so `compare` can
//! form "group A vs the rest" ([`case_mask`]).
//!
//! Semantics follow pm4py's pandas filters (checked on the shared real logs by
//! `core/tests/filter_pm4py.rs`), with these choices written down:
//! - **time range**: `contained` keeps cases with first ≥ from and last ≤ to; `intersecting`
//!   keeps cases with first < to and last > from (strict, as pm4py); `started_in` /
//!   `completed_in` keep cases whose first / last timestamp lies in [from, to]; `events` keeps
//!   the events in [from, to]. Events without a timestamp are ignored by the case modes and
//!   dropped by `events` (pm4py's `keep_nan_values=False`).
//! - **attribute values** compare typed values (a string column by text, an int column by
//!   integer, …); `keep: false` keeps the complement, so rows without a value are kept then, as
//!   in pm4py. `concept:name`/`activity` and `org:resource`/`resource` name the fixed roles.
//! - **variants top-k** ranks variants by case count, ties broken as pm4py does (the
//!   lexicographically *greater* activity sequence first). **Coverage** differs from pm4py's
//!   `filter_variants_by_coverage_percentage` (which keeps each variant whose own share is at
//!   least p): Spur keeps the most frequent variants until they hold at least p of the cases.
//! - **eventually follows** needs `from` strictly before `to` in the case; with `max_gap_ms`,
//!   the pair must satisfy 0 ≤ t(to) − t(from) ≤ max_gap (pm4py's `timestamp_diff_boundaries`).
//! - **case duration** is the last minus the first timestamp in log order (pm4py's
//!   `filter_case_performance`), bounds inclusive.
//! - **between** `from -> to` keeps, per case, the events of each sub-case that starts at an
//!   occurrence of `from` (the first one after the previous sub-case closed) and ends at the next
//!   `to`, both included (pm4py's `filter_between`; when from = to, consecutive sub-cases share
//!   the boundary event). pm4py turns every sub-case into a case of its own (`id##@@n`); Spur
//!   keeps the events under their original case, so its case count is the number of cases with
//!   a sub-case, its event count equals pm4py's.
//!
//! Names are checked against the log a filter list is first applied to: an unknown attribute,
//! activity or a value of the wrong type is a [`FilterError`] that lists what exists. Later steps
//! of [`apply_all`] work on sub-logs in which an activity may no longer occur; it then matches
//! nothing.

mod eval;
mod resolve;
mod syntax;
#[cfg(test)]
mod tests;

pub use syntax::{FilterParseError, FORMS};

use crate::log::{ColumnType, EventLog};
use serde::{Deserialize, Serialize};

/// One filter. Case-level filters keep or drop whole cases; event-level filters (time range in
/// `events` mode, event attributes at `level: events`, `between`) keep events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Filter {
    /// Cases (or events) by time; `from`/`to` are ISO 8601 in JSON, inclusive.
    TimeRange {
        #[serde(with = "iso_ms")]
        from: i64,
        #[serde(with = "iso_ms")]
        to: i64,
        #[serde(default)]
        mode: TimeMode,
    },
    /// Cases whose case attribute has (or, `keep: false`, has not) one of `values`.
    CaseAttribute {
        attribute: String,
        values: Vec<String>,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases whose numeric case attribute lies in `[min, max]` (open when absent).
    CaseAttributeRange {
        attribute: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// Events whose attribute has one of `values`: `level: cases` keeps the cases having such
    /// an event (none, with `keep: false`), `level: events` keeps those events (the others).
    EventAttribute {
        attribute: String,
        values: Vec<String>,
        #[serde(default = "yes")]
        keep: bool,
        #[serde(default)]
        level: Level,
    },
    /// Events whose numeric attribute lies in `[min, max]`, at case or event level.
    EventAttributeRange {
        attribute: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        #[serde(default)]
        level: Level,
    },
    /// The cases of the `top_k` most frequent variants.
    VariantsTopK { top_k: usize },
    /// The most frequent variants until they hold at least `coverage` (0..=1) of the cases.
    VariantsCoverage { coverage: f64 },
    /// Cases whose activity sequence is (not, with `keep: false`) one of `variants`.
    Variants {
        variants: Vec<Vec<String>>,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases containing any of `activities` (none of them, with `keep: false`).
    HasActivity {
        activities: Vec<String>,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases where `to` directly follows `from` somewhere.
    DirectlyFollows {
        from: String,
        to: String,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases where `to` occurs after `from`, at most `max_gap_ms` later when given.
    EventuallyFollows {
        from: String,
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_gap_ms: Option<i64>,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases starting with one of `activities`.
    StartActivities {
        activities: Vec<String>,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases ending with one of `activities`.
    EndActivities {
        activities: Vec<String>,
        #[serde(default = "yes")]
        keep: bool,
    },
    /// Cases whose duration (last − first timestamp) lies in `[min_ms, max_ms]`.
    CaseDuration {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_ms: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_ms: Option<i64>,
    },
    /// Cases with `min..=max` events.
    CaseSize {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<usize>,
    },
    /// The events from each `from` to the next `to` (see the module doc).
    Between { from: String, to: String },
    /// The cases a case-level filter drops.
    Not { filter: Box<Filter> },
    /// The filters applied in order.
    And { filters: Vec<Filter> },
}

fn yes() -> bool {
    true
}

/// How a time range selects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeMode {
    /// Cases entirely inside the range.
    #[default]
    Contained,
    /// Cases overlapping the range.
    Intersecting,
    /// Cases whose first event is in the range.
    StartedIn,
    /// Cases whose last event is in the range.
    CompletedIn,
    /// Events in the range.
    Events,
}

/// Whether an event-attribute filter keeps cases or events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Keep the cases that have a matching event.
    #[default]
    Cases,
    /// Keep the matching events.
    Events,
}

impl Filter {
    /// Does the filter keep or drop whole cases (so it has a case mask and can be negated)?
    pub fn is_case_level(&self) -> bool {
        match self {
            Filter::TimeRange { mode, .. } => *mode != TimeMode::Events,
            Filter::EventAttribute { level, .. } | Filter::EventAttributeRange { level, .. } => {
                *level == Level::Cases
            }
            Filter::Between { .. } => false,
            Filter::And { filters } => filters.iter().all(Filter::is_case_level),
            _ => true,
        }
    }
}

/// What one filter kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterStep {
    /// The filter in its text form.
    pub filter: String,
    pub cases_before: usize,
    pub cases_after: usize,
    pub events_before: usize,
    pub events_after: usize,
}

/// The result of [`apply`].
#[derive(Debug, Clone)]
pub struct Filtered {
    pub log: EventLog,
    /// For case-level filters, per case of the input log: kept?
    pub case_mask: Option<Vec<bool>>,
    pub step: FilterStep,
}

/// Why a filter cannot run on a log. Every message names the culprit and what exists.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    #[error("the log has no {level} attribute `{attribute}`; it has: {}", list(.available))]
    UnknownAttribute {
        attribute: String,
        level: &'static str,
        available: Vec<String>,
    },
    #[error("attribute `{attribute}` holds {found:?} values, so it has no numeric range; use values (`{attribute}=A,B`) instead")]
    NotNumeric {
        attribute: String,
        found: ColumnType,
    },
    #[error("value `{value}` does not fit attribute `{attribute}`, which holds {found:?} values")]
    BadValue {
        attribute: String,
        value: String,
        found: ColumnType,
    },
    #[error("the log has no activity `{activity}`{}; activities: {}", .closest.as_ref().map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default(), list(.available))]
    UnknownActivity {
        activity: String,
        closest: Option<String>,
        available: Vec<String>,
    },
    #[error("bad range in `{filter}`: {reason}")]
    BadRange { filter: String, reason: String },
    #[error("`{filter}` needs at least one {what}")]
    Empty { filter: String, what: &'static str },
    #[error("top_k must be at least 1")]
    ZeroTopK,
    #[error("coverage must be in (0, 1], got {0}")]
    BadCoverage(f64),
    #[error("`{filter}` needs timestamps, and this log has none")]
    NoTimestamps { filter: String },
    #[error("`{filter}` keeps events, not cases, so it cannot be negated or used as a case group")]
    NotCaseLevel { filter: String },
}

/// At most 30 names, then how many more.
fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "(none)".into();
    }
    let shown: Vec<&str> = names.iter().take(30).map(String::as_str).collect();
    let more = names.len().saturating_sub(30);
    let tail = if more > 0 {
        format!(", … ({more} more)")
    } else {
        String::new()
    };
    format!("{}{tail}", shown.join(", "))
}

/// `name` must be one of the log's `activities` (names, in any order), as [`apply`] checks in
/// memory: the same refusal, for shells that have only the names (an SQL engine's answer).
pub fn check_activity(activities: &[String], name: &str) -> Result<(), FilterError> {
    if activities.iter().any(|a| a == name) {
        return Ok(());
    }
    resolve::unknown_activity(activities.to_vec(), name)
}

/// Apply one filter.
pub fn apply(log: &EventLog, filter: &Filter) -> Result<Filtered, FilterError> {
    eval::check(log, filter)?;
    let (out, case_mask) = match eval::select(log, filter)? {
        eval::Selection::Cases(mask) => (log.select_cases(&mask), Some(mask)),
        eval::Selection::Events(mask) => (log.select_events(&mask), None),
    };
    let step = step(filter, log, &out);
    Ok(Filtered {
        log: out,
        case_mask,
        step,
    })
}

/// Apply `filters` in order (each to the previous one's output), checking all of them against
/// `log` first. Returns the final log and one step per filter.
pub fn apply_all(
    log: &EventLog,
    filters: &[Filter],
) -> Result<(EventLog, Vec<FilterStep>), FilterError> {
    for f in filters {
        eval::check(log, f)?;
    }
    let mut steps = Vec::with_capacity(filters.len());
    let mut current = std::borrow::Cow::Borrowed(log);
    for f in filters {
        let next = match eval::select(&current, f)? {
            eval::Selection::Cases(mask) => current.select_cases(&mask),
            eval::Selection::Events(mask) => current.select_events(&mask),
        };
        steps.push(step(f, &current, &next));
        current = std::borrow::Cow::Owned(next);
    }
    Ok((current.into_owned(), steps))
}

/// Per case of `log`, do all the case-level `filters` keep it? (A group for `compare`: several
/// filters combine with AND; no filter selects every case.)
pub fn case_mask_all(log: &EventLog, filters: &[Filter]) -> Result<Vec<bool>, FilterError> {
    let mut mask = vec![true; log.num_cases()];
    for f in filters {
        for (m, k) in mask.iter_mut().zip(case_mask(log, f)?) {
            *m &= k;
        }
    }
    Ok(mask)
}

/// Per case of `log`, does the case-level `filter` keep it? (For "group vs rest".)
pub fn case_mask(log: &EventLog, filter: &Filter) -> Result<Vec<bool>, FilterError> {
    eval::check(log, filter)?;
    match eval::select(log, filter)? {
        eval::Selection::Cases(mask) => Ok(mask),
        eval::Selection::Events(_) => Err(FilterError::NotCaseLevel {
            filter: filter.to_string(),
        }),
    }
}

fn step(filter: &Filter, before: &EventLog, after: &EventLog) -> FilterStep {
    FilterStep {
        filter: filter.to_string(),
        cases_before: before.num_cases(),
        cases_after: after.num_cases(),
        events_before: before.num_events(),
        events_after: after.num_events(),
    }
}

/// Timestamps as ISO 8601 text in JSON (integers of ms are read too).
mod iso_ms {
    use crate::import::timestamp::{format_iso, parse_any};
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_iso(*ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Ms(i64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Ms(ms) => Ok(ms),
            Raw::Text(t) => parse_any(&t).map(|(ms, _)| ms).ok_or_else(|| {
                de::Error::custom(format!(
                    "`{t}` is not a timestamp (use ISO 8601, e.g. 2024-01-31T12:00:00Z)"
                ))
            }),
        }
    }
}
