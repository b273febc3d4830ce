//! Process statistics over an [`EventLog`], with pm4py's default semantics.
//!
//! Every function is pure: a log in, a plain serde struct out. They read the log's columns
//! directly (events of a case are contiguous and already ordered), so each is one pass over the
//! events with dense arrays indexed by activity code; variants hash each case's activity slice.
//!
//! Semantics (equal to pm4py 2.7 defaults, checked against `../shared/data/golden`):
//! - activity counts, start activities (first event of each case), end activities (last);
//! - the directly-follows graph counts each pair of consecutive events of a case;
//!   [`dfg_performance`] adds the time between them, **in seconds** (f64): mean, median, min,
//!   max and total, over the pairs where both events have a timestamp;
//! - a variant is a case's activity sequence; [`variants`] lists count and case ids;
//! - a case's duration is last minus first timestamp, in seconds (a one-event case lasts 0);
//!   median is the mean of the two middle values for an even count (numpy's); means are the
//!   exact sum of the milliseconds divided once, so SQL engines (`sql`) get the same bits.
//!
//! Orderings are deterministic: counts descending, ties by name (or sequence), edges by
//! `(from, to)` name. [`LogSummary`] bundles what the map, variants and charts need into the
//! versioned summary file (`spur stats --summary-out`). Not here: filtering and comparing
//! cohorts (see `compare`).

mod dfg;
mod summary_check;
pub mod summary_file;
mod time;
mod variants;

pub use dfg::{dfg, dfg_performance, Dfg, DfgEdge, EdgePerformance};
pub use summary_file::{LogSummary, SummaryError};
pub use time::{
    case_durations, case_durations_ms, events_over_time, events_per_case, mean_seconds,
    median_seconds, CaseDurations, DurationSummary, EventsOverTime, EventsPerCase, MAX_BUCKETS,
};
pub use variants::{variant_counts, variants, Variant, Variants};

use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// Events per activity, as (name, count), most frequent first, ties by name.
pub fn activity_counts(log: &EventLog) -> Vec<(String, u64)> {
    let mut counts = vec![0u64; log.activities().len()];
    for &a in log.activity_codes() {
        counts[a as usize] += 1;
    }
    named_counts(log, &counts)
}

/// First activity of each case, counted.
pub fn start_activities(log: &EventLog) -> Vec<(String, u64)> {
    boundary_activities(log, true)
}

/// Last activity of each case, counted.
pub fn end_activities(log: &EventLog) -> Vec<(String, u64)> {
    boundary_activities(log, false)
}

fn boundary_activities(log: &EventLog, first: bool) -> Vec<(String, u64)> {
    let mut counts = vec![0u64; log.activities().len()];
    let acts = log.activity_codes();
    for w in log.case_starts().windows(2) {
        let i = if first { w[0] } else { w[1] - 1 } as usize;
        counts[acts[i] as usize] += 1;
    }
    named_counts(log, &counts)
}

fn named_counts(log: &EventLog, counts: &[u64]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(a, &n)| (log.activities().resolve(a as u32).to_string(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The basic statistics of a log, in exactly the shape of `../shared/data/golden/*.json`
/// (and of `spur stats --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub events: u64,
    pub cases: u64,
    /// `{activity: count}`, most frequent first.
    #[serde(with = "count_map")]
    pub activities: Vec<(String, u64)>,
    #[serde(with = "count_map")]
    pub start_activities: Vec<(String, u64)>,
    #[serde(with = "count_map")]
    pub end_activities: Vec<(String, u64)>,
    /// `[from, to, count]`, sorted by `(from, to)`.
    pub dfg: Vec<(String, String, u64)>,
    /// `[[activities…], count]`, by count descending, then sequence.
    pub variants: Vec<(Vec<String>, u64)>,
    /// `null` when the log has no timestamps.
    pub case_duration_seconds: Option<DurationSummary>,
}

/// Compute [`Stats`].
pub fn stats(log: &EventLog) -> Stats {
    let dfg = dfg(log);
    Stats {
        events: log.num_events() as u64,
        cases: log.num_cases() as u64,
        activities: activity_counts(log),
        start_activities: start_activities(log),
        end_activities: end_activities(log),
        dfg: dfg
            .edges
            .into_iter()
            .map(|e| (e.from, e.to, e.count))
            .collect(),
        variants: variant_counts(log),
        case_duration_seconds: case_durations(log).summary,
    }
}

/// `Vec<(String, u64)>` as a JSON object, keeping the order (also used by `ocel::stats`).
pub(crate) mod count_map {
    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[(String, u64)], s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(v.len()))?;
        for (k, n) in v {
            m.serialize_entry(k, n)?;
        }
        m.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, u64)>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<(String, u64)>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of names to counts")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = a.next_entry()? {
                    out.push(e);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_bytes, ImportOptions};

    fn log(csv: &str) -> EventLog {
        import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
            .expect("valid")
            .0
    }

    #[test]
    fn small_log_stats_render() {
        let l = log("case,activity,timestamp\n1,a,2024-01-01 10:00\n1,b,2024-01-01 10:01\n1,b,2024-01-01 10:03\n2,a,2024-01-01 09:00\n2,b,2024-01-01 12:00\n3,a,2024-01-02 00:00\n");
        let s = stats(&l);
        let json = serde_json::to_string(&s).expect("json");
        expect_test::expect![[r#"{"events":6,"cases":3,"activities":{"a":3,"b":3},"start_activities":{"a":3},"end_activities":{"b":2,"a":1},"dfg":[["a","b",2],["b","b",1]],"variants":[[["a"],1],[["a","b"],1],[["a","b","b"],1]],"case_duration_seconds":{"min":0.0,"max":10800.0,"mean":3660.0,"median":180.0}}"#]].assert_eq(&json);
        let back: Stats = serde_json::from_str(&json).expect("round trip");
        assert_eq!(back, s);
        let perf = dfg_performance(&l);
        let ab = perf
            .edges
            .iter()
            .find(|e| e.from == "a" && e.to == "b")
            .and_then(|e| e.performance.clone())
            .expect("perf");
        assert_eq!(
            (ab.min, ab.max, ab.mean, ab.median, ab.total),
            (60.0, 10800.0, 5430.0, 5430.0, 10860.0)
        );
        let v = variants(&l);
        let shown: Vec<(Vec<&str>, Vec<&str>)> = v
            .variants
            .iter()
            .map(|x| {
                (
                    v.names(x),
                    x.cases.iter().map(|&c| l.case_ids().resolve(c)).collect(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (vec!["a"], vec!["3"]),
                (vec!["a", "b"], vec!["2"]),
                (vec!["a", "b", "b"], vec!["1"])
            ]
        );
        let t = events_over_time(&l, 3_600_000).expect("timestamps");
        assert_eq!(
            (t.bucket_ms, t.counts.as_slice()),
            (
                3_600_000,
                [1, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1].as_slice()
            )
        );
        let e = events_per_case(&l);
        assert_eq!(e.histogram, [(1, 1), (2, 1), (3, 1)]);
    }
}
