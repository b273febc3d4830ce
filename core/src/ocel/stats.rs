//! Counts of an OCEL and the statistics of every flattening, in exactly the shape of
//! `../shared/data/golden/ocel/*.json` (what pm4py computes) and of `spur ocel stats --json`.
//!
//! The flattened statistics are [`mining::stats`] of [`flatten`], so
//! they share the ordinary logs' pm4py semantics; case durations are left out, as in the
//! golden files.

use super::flatten::flatten;
use super::OcelLog;
use crate::mining::{self, count_map};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The statistics of one flattening (the golden shape without case durations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlatStats {
    pub events: u64,
    pub cases: u64,
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
}

/// Counts of an OCEL and its flattenings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcelStats {
    pub events: u64,
    pub objects: u64,
    /// E2O relations.
    pub e2o: u64,
    /// O2O relations.
    pub o2o: u64,
    /// Events per event type, most frequent first, ties by name.
    #[serde(with = "count_map")]
    pub activities: Vec<(String, u64)>,
    /// Objects per object type, most frequent first, ties by name.
    #[serde(with = "count_map")]
    pub object_types: Vec<(String, u64)>,
    /// Per object type, the statistics of the log flattened on it.
    pub flattened: BTreeMap<String, FlatStats>,
}

/// Events per event type, most frequent first, ties by name.
pub fn event_type_counts(log: &OcelLog) -> Vec<(String, u64)> {
    named(&log.event_types, &log.event_type)
}

/// Objects per object type, most frequent first, ties by name.
pub fn object_type_counts(log: &OcelLog) -> Vec<(String, u64)> {
    named(&log.object_types, &log.object_type)
}

fn named(dict: &crate::log::Interner, codes: &[u32]) -> Vec<(String, u64)> {
    let mut counts = vec![0u64; dict.len()];
    for &c in codes {
        counts[c as usize] += 1;
    }
    let mut out: Vec<(String, u64)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| (dict.resolve(c as u32).to_string(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The statistics of the log flattened on `object_type` (`None` for an unknown type).
pub fn flat_stats(log: &OcelLog, object_type: &str) -> Option<FlatStats> {
    let flat = flatten(log, object_type)?;
    let s = mining::stats(&flat);
    Some(FlatStats {
        events: s.events,
        cases: s.cases,
        activities: s.activities,
        start_activities: s.start_activities,
        end_activities: s.end_activities,
        dfg: s.dfg,
        variants: s.variants,
    })
}

/// Compute [`OcelStats`], flattening on every object type that has objects.
pub fn ocel_stats(log: &OcelLog) -> OcelStats {
    let object_types = object_type_counts(log);
    let flattened = object_types
        .iter()
        .filter_map(|(t, _)| Some((t.clone(), flat_stats(log, t)?)))
        .collect();
    OcelStats {
        events: log.num_events() as u64,
        objects: log.num_objects() as u64,
        e2o: log.num_e2o() as u64,
        o2o: log.num_o2o() as u64,
        activities: event_type_counts(log),
        object_types,
        flattened,
    }
}

/// Objects per event: how many events touch 0, 1, 2, … objects, as `(objects, events)`.
pub fn objects_per_event(log: &OcelLog) -> Vec<(u64, u64)> {
    let mut hist: BTreeMap<u64, u64> = BTreeMap::new();
    for w in log.e2o_start.windows(2) {
        *hist.entry(u64::from(w[1] - w[0])).or_default() += 1;
    }
    hist.into_iter().collect()
}
