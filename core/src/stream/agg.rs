//! Aggregates per window and key, as mergeable accumulators (session windows merge them).
//!
//! `sum`, `min`, `max`, `mean` read a numeric field (text is parsed; values that are not
//! finite numbers are ignored and counted in `Stats::bad_values`). `distinct` is exact (the
//! values themselves are kept), `approx_distinct` a HyperLogLog sketch ([`super::hll`]),
//! `topk` exact counts reported for the `k` most frequent values, and `dfg` the
//! directly-follows counts of each case's events in the window (the case is a field, or the
//! key when none is given), ordered by time and, for equal times, by the hash of the event id
//! (or arrival order for events without id), so the result does not depend on arrival order.
//! Sums are added in arrival order: exact for integers up to 2⁵³, otherwise equal up to
//! rounding across arrival orders.

use super::event::{AggValue, Event, Value};
use super::hash::hash64;
use super::hll::Hll;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One aggregate; fields are indices into [`Event::values`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AggSpec {
    Count,
    Sum {
        field: usize,
    },
    Min {
        field: usize,
    },
    Max {
        field: usize,
    },
    Mean {
        field: usize,
    },
    Distinct {
        field: usize,
    },
    ApproxDistinct {
        field: usize,
    },
    TopK {
        field: usize,
        k: usize,
    },
    Dfg {
        activity: usize,
        case: Option<usize>,
    },
}

impl AggSpec {
    /// Largest field index used (to validate against the field list).
    pub fn max_field(&self) -> Option<usize> {
        match *self {
            AggSpec::Count => None,
            AggSpec::Sum { field }
            | AggSpec::Min { field }
            | AggSpec::Max { field }
            | AggSpec::Mean { field }
            | AggSpec::Distinct { field }
            | AggSpec::ApproxDistinct { field }
            | AggSpec::TopK { field, .. } => Some(field),
            AggSpec::Dfg { activity, case } => Some(activity.max(case.unwrap_or(0))),
        }
    }

    fn empty(&self) -> Part {
        match self {
            AggSpec::Count => Part::Count,
            AggSpec::Sum { .. } | AggSpec::Mean { .. } => Part::Sum { sum: 0.0, n: 0 },
            AggSpec::Min { .. } | AggSpec::Max { .. } => Part::Extreme(None),
            AggSpec::Distinct { .. } => Part::Distinct(BTreeMap::new()),
            AggSpec::ApproxDistinct { .. } => Part::Approx(Hll::default()),
            AggSpec::TopK { .. } => Part::TopK(BTreeMap::new()),
            AggSpec::Dfg { .. } => Part::Dfg(BTreeMap::new()),
        }
    }
}

/// Events of one case in a window: (time, tie) → activity.
type Trace = BTreeMap<(i64, u128), String>;

/// Accumulated state of one aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Part {
    Count,
    Sum {
        sum: f64,
        n: u64,
    },
    Extreme(Option<f64>),
    /// Exact distinct values (the map's value is unused: a set that serialises the same way).
    Distinct(BTreeMap<String, ()>),
    Approx(Hll),
    TopK(BTreeMap<String, u64>),
    Dfg(BTreeMap<String, Trace>),
}

/// A window's accumulator: the event count and one part per aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Acc {
    pub(crate) count: u64,
    pub(crate) parts: Vec<Part>,
}

fn field(ev: &Event, i: usize) -> Option<&Value> {
    ev.values.get(i).and_then(Option::as_ref)
}

impl Acc {
    pub(crate) fn new(specs: &[AggSpec]) -> Acc {
        Acc {
            count: 0,
            parts: specs.iter().map(AggSpec::empty).collect(),
        }
    }

    /// Add one event; `tie` orders events of equal time in a DFG. Returns the number of field
    /// values a numeric aggregate could not read.
    pub(crate) fn add(&mut self, specs: &[AggSpec], ev: &Event, key: &str, tie: u128) -> u64 {
        self.count += 1;
        let mut bad = 0;
        for (spec, part) in specs.iter().zip(self.parts.iter_mut()) {
            match (*spec, part) {
                (AggSpec::Count, _) => {}
                (AggSpec::Sum { field: f } | AggSpec::Mean { field: f }, Part::Sum { sum, n }) => {
                    match field(ev, f).map(|v| v.as_num()) {
                        Some(Some(x)) => {
                            *sum += x;
                            *n += 1;
                        }
                        Some(None) => bad += 1,
                        None => {}
                    }
                }
                (AggSpec::Min { field: f } | AggSpec::Max { field: f }, Part::Extreme(cur)) => {
                    match field(ev, f).map(|v| v.as_num()) {
                        Some(Some(x)) => {
                            let is_min = matches!(spec, AggSpec::Min { .. });
                            *cur = Some(match *cur {
                                None => x,
                                Some(c) if is_min => c.min(x),
                                Some(c) => c.max(x),
                            });
                        }
                        Some(None) => bad += 1,
                        None => {}
                    }
                }
                (AggSpec::Distinct { field: f }, Part::Distinct(set)) => {
                    if let Some(v) = field(ev, f) {
                        set.insert(v.as_text().into_owned(), ());
                    }
                }
                (AggSpec::ApproxDistinct { field: f }, Part::Approx(h)) => {
                    if let Some(v) = field(ev, f) {
                        h.add(hash64(v.as_text().as_bytes(), 0));
                    }
                }
                (AggSpec::TopK { field: f, .. }, Part::TopK(counts)) => {
                    if let Some(v) = field(ev, f) {
                        let text = v.as_text();
                        match counts.get_mut(text.as_ref()) {
                            Some(c) => *c += 1,
                            None => {
                                counts.insert(text.into_owned(), 1);
                            }
                        }
                    }
                }
                (AggSpec::Dfg { activity, case }, Part::Dfg(traces)) => {
                    if let Some(a) = field(ev, activity) {
                        let case = match case.and_then(|c| field(ev, c)) {
                            Some(c) => c.as_text().into_owned(),
                            None => key.to_string(),
                        };
                        traces
                            .entry(case)
                            .or_default()
                            .insert((ev.time, tie), a.as_text().into_owned());
                    }
                }
                _ => {}
            }
        }
        bad
    }

    /// Fold `other` into `self` (session merge).
    pub(crate) fn merge(&mut self, specs: &[AggSpec], other: Acc) {
        self.count += other.count;
        for ((spec, mine), theirs) in specs.iter().zip(self.parts.iter_mut()).zip(other.parts) {
            match (mine, theirs) {
                (Part::Sum { sum, n }, Part::Sum { sum: s2, n: n2 }) => {
                    *sum += s2;
                    *n += n2;
                }
                (Part::Extreme(a), Part::Extreme(b)) => {
                    *a = match (*a, b) {
                        (Some(x), Some(y)) if matches!(spec, AggSpec::Min { .. }) => Some(x.min(y)),
                        (Some(x), Some(y)) => Some(x.max(y)),
                        (x, y) => x.or(y),
                    }
                }
                (Part::Distinct(a), Part::Distinct(b)) => a.extend(b),
                (Part::Approx(a), Part::Approx(b)) => a.merge(&b),
                (Part::TopK(a), Part::TopK(b)) => {
                    for (v, c) in b {
                        *a.entry(v).or_insert(0) += c;
                    }
                }
                (Part::Dfg(a), Part::Dfg(b)) => {
                    for (case, trace) in b {
                        a.entry(case).or_default().extend(trace);
                    }
                }
                _ => {}
            }
        }
    }

    /// The results, one per aggregate.
    pub(crate) fn results(&self, specs: &[AggSpec]) -> Vec<AggValue> {
        specs
            .iter()
            .zip(&self.parts)
            .map(|(spec, part)| match (spec, part) {
                (AggSpec::Count, _) => AggValue::Count(self.count),
                (AggSpec::Sum { .. }, Part::Sum { sum, .. }) => AggValue::Number(Some(*sum)),
                (AggSpec::Mean { .. }, Part::Sum { sum, n }) => {
                    AggValue::Number((*n > 0).then(|| sum / *n as f64))
                }
                (_, Part::Extreme(v)) => AggValue::Number(*v),
                (_, Part::Distinct(set)) => AggValue::Count(set.len() as u64),
                (_, Part::Approx(h)) => AggValue::Count(libm::round(h.estimate()) as u64),
                (AggSpec::TopK { k, .. }, Part::TopK(counts)) => {
                    let mut v: Vec<(String, u64)> =
                        counts.iter().map(|(s, c)| (s.clone(), *c)).collect();
                    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                    v.truncate(*k);
                    AggValue::TopK(v)
                }
                (_, Part::Dfg(traces)) => AggValue::Dfg(dfg(traces)),
                _ => AggValue::Number(None),
            })
            .collect()
    }

    /// Heap bytes held (an estimate from lengths and capacities).
    pub(crate) fn heap_bytes(&self) -> usize {
        const NODE: usize = 48; // B-tree entry overhead, amortised
        self.parts.capacity() * std::mem::size_of::<Part>()
            + self
                .parts
                .iter()
                .map(|p| match p {
                    Part::Count | Part::Sum { .. } | Part::Extreme(_) => 0,
                    Part::Distinct(s) => s.keys().map(|k| k.capacity() + NODE).sum(),
                    Part::Approx(h) => h.heap_bytes(),
                    Part::TopK(m) => m.keys().map(|k| k.capacity() + NODE + 8).sum(),
                    Part::Dfg(t) => t
                        .iter()
                        .map(|(c, tr)| {
                            c.capacity()
                                + NODE
                                + tr.values().map(|a| a.capacity() + NODE + 24).sum::<usize>()
                        })
                        .sum(),
                })
                .sum::<usize>()
    }

    /// Does the accumulator fit the aggregate list (after decoding a snapshot)?
    pub(crate) fn validate(&self, specs: &[AggSpec]) -> Result<(), String> {
        if self.parts.len() != specs.len() {
            return Err("accumulator does not match the aggregates".into());
        }
        for (spec, part) in specs.iter().zip(&self.parts) {
            let ok = match (spec, part) {
                (AggSpec::Count, Part::Count) => true,
                (AggSpec::Sum { .. } | AggSpec::Mean { .. }, Part::Sum { .. }) => true,
                (AggSpec::Min { .. } | AggSpec::Max { .. }, Part::Extreme(_)) => true,
                (AggSpec::Distinct { .. }, Part::Distinct(_)) => true,
                (AggSpec::ApproxDistinct { .. }, Part::Approx(h)) => {
                    h.validate()?;
                    true
                }
                (AggSpec::TopK { .. }, Part::TopK(_)) => true,
                (AggSpec::Dfg { .. }, Part::Dfg(_)) => true,
                _ => false,
            };
            if !ok {
                return Err("accumulator part does not match its aggregate".into());
            }
        }
        Ok(())
    }
}

/// Directly-follows counts over ordered traces, count descending then names.
pub(crate) fn dfg(traces: &BTreeMap<String, Trace>) -> Vec<(String, String, u64)> {
    let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for trace in traces.values() {
        let acts: Vec<&str> = trace.values().map(String::as_str).collect();
        for w in acts.windows(2) {
            *counts.entry((w[0], w[1])).or_insert(0) += 1;
        }
    }
    let mut v: Vec<(String, String, u64)> = counts
        .into_iter()
        .map(|((a, b), c)| (a.to_string(), b.to_string(), c))
        .collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    v
}
