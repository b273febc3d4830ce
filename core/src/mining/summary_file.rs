//! The log summary file (`spur stats … --summary-out S.json`, issue 18): everything the map,
//! variants and charts need, without the events, so a log summarised by an SQL engine (or in
//! memory) can be opened where the raw events cannot go.
//!
//! Versioned JSON: `"format": "spur-log-summary/1"` first, then plain arrays (never objects
//! keyed by name: a JavaScript object reorders integer-like keys). Every number is an integer
//! or a float computed as `mining` computes it, so the same log gives **the same bytes** in
//! memory ([`LogSummary::of`]) and from an engine (`sql::summary`), and [`LogSummary::to_json`]
//! is deterministic. [`LogSummary::from_json`] treats the file as hostile: a wrong format tag,
//! a missing field or a wrong type is refused with the field's path and the line/column; a
//! well-typed file whose numbers contradict each other (counts that do not add up, a histogram
//! of the wrong width, names no activity has) is refused naming the field, never shown.

use super::{DfgEdge, DurationSummary, EventsOverTime};
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// The format tag this version writes and reads.
pub const SUMMARY_FORMAT: &str = "spur-log-summary/1";
/// Bins of the case-duration histogram.
pub const DURATION_BINS: usize = 40;
/// Width of the events-over-time buckets (a day; widened as `mining::events_over_time` does).
pub const SUMMARY_BUCKET_MS: i64 = 86_400_000;
/// The largest summary file [`LogSummary::from_json`] reads.
pub const MAX_SUMMARY_BYTES: usize = 256 << 20;

/// A log's summary: what `spur stats --summary-out` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSummary {
    /// Always [`SUMMARY_FORMAT`].
    pub format: String,
    pub events: u64,
    pub cases: u64,
    /// `[name, events]`, most frequent first, ties by name (as `mining`).
    pub activities: Vec<(String, u64)>,
    /// `[name, cases]` starting (ending) with it, same order.
    pub start_activities: Vec<(String, u64)>,
    pub end_activities: Vec<(String, u64)>,
    /// The directly-follows graph with the time between the events (`mining::dfg_performance`).
    pub dfg: Vec<DfgEdge>,
    /// `[name, mean 0-based position of its first event in the cases having it]`, by name:
    /// the process map's node order.
    pub positions: Vec<(String, f64)>,
    /// `[[activities…], cases]`, most frequent first, ties by sequence.
    pub variants: Vec<(Vec<String>, u64)>,
    pub case_durations: CaseDurationSummary,
    /// `[events in a case, cases]`, ascending.
    pub case_sizes: Vec<(u64, u64)>,
    /// First and last timestamp, ms UTC; `null` without timestamps.
    pub time_range: Option<TimeRange>,
    /// Events per [`SUMMARY_BUCKET_MS`] bucket (widened); `null` without timestamps.
    pub events_over_time: Option<EventsOverTime>,
}

/// Case durations: the summary in seconds and an integer histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDurationSummary {
    pub summary: Option<DurationSummary>,
    pub histogram: Option<DurationHistogram>,
}

/// [`DURATION_BINS`] equal bins from `min_ms` to `max_ms`: a duration `d` is in bin
/// `min(⌊(d − min)·BINS / (max − min)⌋, BINS − 1)` (bin 0 when all are equal), integer
/// arithmetic, so an engine bins exactly as memory does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationHistogram {
    pub min_ms: i64,
    pub max_ms: i64,
    pub counts: Vec<u64>,
}

/// First and last timestamp of a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRange {
    pub first_ms: i64,
    pub last_ms: i64,
}

/// Why a summary file is refused: names the line/column or the field, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    #[error("line {line}, column {column}: not JSON ({message})")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("not a Spur log summary: {0}; write one with `spur stats LOG --summary-out S.json`")]
    NotASummary(String),
    #[error("format `{found}` is not one this Spur reads ({SUMMARY_FORMAT}); write the summary again with this version's `spur stats --summary-out`")]
    Format { found: String },
    #[error("field `{field}` (line {line}, column {column}): {message}")]
    Field {
        field: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("field `{field}`: {message}; the file was altered or written by a broken engine: write it again with `spur stats --summary-out`")]
    Inconsistent { field: String, message: String },
    #[error("the summary is {got} bytes, more than the limit of {MAX_SUMMARY_BYTES} bytes")]
    TooLarge { got: usize },
}

/// The bin of `d` among durations from `lo` to `hi` (see [`DurationHistogram`]).
pub fn duration_bin(d: i64, lo: i64, hi: i64) -> usize {
    if hi <= lo {
        return 0;
    }
    let k = (i128::from(d) - i128::from(lo)) * DURATION_BINS as i128
        / (i128::from(hi) - i128::from(lo));
    usize::try_from(k).unwrap_or(0).min(DURATION_BINS - 1)
}

/// The histogram of `durations` (ms); `None` when there are none.
pub fn duration_histogram(durations: &[i64]) -> Option<DurationHistogram> {
    let (lo, hi) = (*durations.iter().min()?, *durations.iter().max()?);
    let mut counts = vec![0u64; DURATION_BINS];
    for &d in durations {
        counts[duration_bin(d, lo, hi)] += 1;
    }
    Some(DurationHistogram {
        min_ms: lo,
        max_ms: hi,
        counts,
    })
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

impl LogSummary {
    /// The summary of `log`, in memory.
    pub fn of(log: &EventLog) -> LogSummary {
        let stats = super::stats(log);
        let mut positions = crate::map::model::first_positions(log);
        positions.sort_by(|a, b| a.0.cmp(&b.0));
        let durations: Vec<i64> = super::case_durations_ms(log)
            .into_iter()
            .flatten()
            .collect();
        let time_range = log.timestamps().and_then(|(ts, valid)| {
            let mut timed = (0..ts.len()).filter(|&i| valid.get(i)).map(|i| ts[i]);
            let first = timed.next()?;
            let (lo, hi) = timed.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t)));
            Some(TimeRange {
                first_ms: lo,
                last_ms: hi,
            })
        });
        LogSummary {
            format: SUMMARY_FORMAT.to_string(),
            events: stats.events,
            cases: stats.cases,
            activities: stats.activities,
            start_activities: stats.start_activities,
            end_activities: stats.end_activities,
            dfg: super::dfg_performance(log).edges,
            positions,
            variants: stats.variants,
            case_durations: CaseDurationSummary {
                summary: stats.case_duration_seconds,
                histogram: duration_histogram(&durations),
            },
            case_sizes: super::events_per_case(log).histogram,
            time_range,
            events_over_time: super::events_over_time(log, SUMMARY_BUCKET_MS),
        }
    }

    /// The statistics it holds, in `spur stats --json`'s shape (equal to `mining::stats` of
    /// the log it summarises).
    pub fn stats(&self) -> super::Stats {
        super::Stats {
            events: self.events,
            cases: self.cases,
            activities: self.activities.clone(),
            start_activities: self.start_activities.clone(),
            end_activities: self.end_activities.clone(),
            dfg: self
                .dfg
                .iter()
                .map(|e| (e.from.clone(), e.to.clone(), e.count))
                .collect(),
            variants: self.variants.clone(),
            case_duration_seconds: self.case_durations.summary.clone(),
        }
    }

    /// The process map of the summarised log with every activity and `path_share` of the paths:
    /// `map::process_map` with an activity share of 1 gives the same map from the events.
    /// (Fewer activities need the events: a projection changes the DFG.)
    pub fn process_map(&self, path_share: f64) -> crate::map::model::ProcessMap {
        let dfg = super::Dfg {
            edges: self.dfg.clone(),
        };
        let parts = crate::map::model::Parts {
            activities: &self.activities,
            starts: &self.start_activities,
            ends: &self.end_activities,
            dfg: &dfg,
            positions: &self.positions,
        };
        crate::map::model::assemble(&self.activities, &parts, path_share)
    }

    /// The readable first map (every activity, the paths `map::readable` chooses), as the
    /// browser opens a log: the same map and slider positions as `readable_map` of the events.
    pub fn readable_map(
        &self,
    ) -> (
        crate::map::model::ProcessMap,
        crate::map::readable::Readable,
    ) {
        crate::map::readable::readable_of(self.process_map(1.0))
    }

    /// The variants as the browser lists them: the activity names, and each variant's
    /// sequence as indices into them with its case count, most frequent first.
    pub fn coded_variants(&self) -> (Vec<String>, Vec<(Vec<u32>, u64)>) {
        let names: Vec<String> = self.activities.iter().map(|(a, _)| a.clone()).collect();
        let code: std::collections::HashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(i, a)| (a.as_str(), i as u32))
            .collect();
        let variants = self
            .variants
            .iter()
            .map(|(seq, n)| {
                // `validate` checks that every name is an activity; `u32::MAX` never shows.
                let coded = seq
                    .iter()
                    .map(|a| code.get(a.as_str()).copied().unwrap_or(u32::MAX))
                    .collect();
                (coded, *n)
            })
            .collect();
        (names, variants)
    }

    /// Do these bytes look like a summary file (its format tag near the start)? A cheap test
    /// for shells choosing a reader; [`LogSummary::from_json`] decides.
    pub fn sniff(bytes: &[u8]) -> bool {
        let head = &bytes[..bytes.len().min(256)];
        let text = String::from_utf8_lossy(head);
        text.trim_start().starts_with('{')
            && text.contains("\"format\"")
            && text.contains("\"spur-log-summary/")
    }

    /// The file's text: compact JSON and a newline, the same bytes for the same summary.
    pub fn to_json(&self) -> String {
        // Plain data (strings, integers, finite floats): serializing cannot fail.
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Read a summary file's bytes as every shell gets them (a file, a browser's drop): text
    /// that is not UTF-8 is refused at the line and column of the first bad byte.
    pub fn from_bytes(bytes: &[u8]) -> Result<LogSummary, SummaryError> {
        if bytes.len() > MAX_SUMMARY_BYTES {
            return Err(SummaryError::TooLarge { got: bytes.len() });
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => LogSummary::from_json(text),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                Err(SummaryError::Syntax {
                    line: 1 + valid.iter().filter(|&&b| b == b'\n').count(),
                    column: 1 + valid.len() - line_start,
                    message: "not UTF-8 text".into(),
                })
            }
        }
    }

    /// Read a summary file (hostile input: see the module doc).
    pub fn from_json(text: &str) -> Result<LogSummary, SummaryError> {
        if text.len() > MAX_SUMMARY_BYTES {
            return Err(SummaryError::TooLarge { got: text.len() });
        }
        // serde reads a struct from an array too: only an object is a summary.
        if !text.trim_start().starts_with('{') {
            return Err(SummaryError::NotASummary(
                "it is not a JSON object (`{\"format\": \"spur-log-summary/1\", …}`)".into(),
            ));
        }
        #[derive(Deserialize)]
        struct Tag {
            format: Option<serde_json::Value>,
        }
        let tag: Tag = serde_json::from_str(text).map_err(|e| SummaryError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_location(&e.to_string()),
        })?;
        match tag.format {
            None => return Err(SummaryError::NotASummary("it has no `format` field".into())),
            Some(serde_json::Value::String(s)) if s == SUMMARY_FORMAT => {}
            Some(serde_json::Value::String(s)) => return Err(SummaryError::Format { found: s }),
            Some(other) => {
                return Err(SummaryError::Format {
                    found: other.to_string(),
                })
            }
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let summary: LogSummary =
            serde_path_to_error::deserialize(&mut de).map_err(|e| SummaryError::Field {
                field: match e.path().to_string() {
                    root if root == "." => "(the top-level object)".into(),
                    path => path,
                },
                line: e.inner().line(),
                column: e.inner().column(),
                message: strip_location(&e.inner().to_string()),
            })?;
        summary.validate()?;
        Ok(summary)
    }

    /// The checks a well-typed summary must pass: counts that add up, names that exist,
    /// ranges in order, a histogram of [`DURATION_BINS`] bins.
    pub fn validate(&self) -> Result<(), SummaryError> {
        super::summary_check::validate(self)
    }
}

#[cfg(test)]
#[path = "summary_file_tests.rs"]
mod tests;
