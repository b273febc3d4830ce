//! Object-level views of an OCEL: each object's lifecycle (first to last event), the object
//! interaction graph (which object types meet in events, and through O2O relations), and the
//! waits between two activities on objects of one type.
//!
//! All walk the events once in time order ([`OcelLog::time_order`]); an event related to an
//! object twice (two qualifiers) counts once for it.

use super::OcelLog;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Per object type: how long its objects live, from their first to their last event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lifecycle {
    pub object_type: String,
    /// Objects of the type with at least one event.
    pub objects: u64,
    /// Mean events per such object.
    pub mean_events: f64,
    /// Lifetime in seconds: min, median (numpy's), mean, max.
    pub min_seconds: f64,
    pub median_seconds: f64,
    pub mean_seconds: f64,
    pub max_seconds: f64,
}

/// Two object types that occur together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    pub a: String,
    pub b: String,
    /// Events related to objects of both types (`a == b`: to two objects of the type).
    pub events: u64,
    /// O2O relations from an `a` object to a `b` object, either direction.
    pub o2o: u64,
}

/// For every object: (first event time, last event time, events), `None` for objects without
/// events.
fn spans(log: &OcelLog) -> Vec<Option<(i64, i64, u32)>> {
    let mut out: Vec<Option<(i64, i64, u32)>> = vec![None; log.num_objects()];
    let mut last_event = vec![u32::MAX; log.num_objects()];
    for e in log.time_order() {
        let t = log.event_time[e as usize];
        for &o in log.e2o(e as usize).0 {
            if last_event[o as usize] == e {
                continue;
            }
            last_event[o as usize] = e;
            let slot = &mut out[o as usize];
            *slot = Some(match *slot {
                None => (t, t, 1),
                Some((first, _, n)) => (first, t, n + 1),
            });
        }
    }
    out
}

/// Lifecycle durations per object type, types by name.
pub fn lifecycles(log: &OcelLog) -> Vec<Lifecycle> {
    let mut per_type: Vec<(Vec<f64>, u64)> = vec![(Vec::new(), 0); log.object_types.len()];
    for (o, span) in spans(log).into_iter().enumerate() {
        if let Some((first, last, n)) = span {
            let slot = &mut per_type[log.object_type[o] as usize];
            slot.0.push((last - first) as f64 / 1000.0);
            slot.1 += u64::from(n);
        }
    }
    let mut out: Vec<Lifecycle> = per_type
        .into_iter()
        .enumerate()
        .filter(|(_, (d, _))| !d.is_empty())
        .map(|(t, (mut d, events))| {
            d.sort_by(f64::total_cmp);
            let n = d.len();
            let median = if n % 2 == 1 {
                d[n / 2]
            } else {
                (d[n / 2 - 1] + d[n / 2]) / 2.0
            };
            Lifecycle {
                object_type: log.object_types.resolve(t as u32).to_string(),
                objects: n as u64,
                mean_events: events as f64 / n as f64,
                min_seconds: d[0],
                median_seconds: median,
                mean_seconds: d.iter().sum::<f64>() / n as f64,
                max_seconds: d[n - 1],
            }
        })
        .collect();
    out.sort_by(|a, b| a.object_type.cmp(&b.object_type));
    out
}

/// The object interaction graph: pairs of object types (names ordered, `a <= b`) that share
/// events or O2O relations, most shared events first.
pub fn interactions(log: &OcelLog) -> Vec<Interaction> {
    let n = log.object_types.len();
    let mut events = vec![0u64; n * n];
    let mut per_type = vec![0u32; n];
    let mut present: Vec<usize> = Vec::new();
    for e in 0..log.num_events() {
        present.clear();
        let (objects, _) = log.e2o(e);
        let mut distinct: Vec<u32> = objects.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        for &o in &distinct {
            let t = log.object_type[o as usize] as usize;
            if per_type[t] == 0 {
                present.push(t);
            }
            per_type[t] += 1;
        }
        for (i, &a) in present.iter().enumerate() {
            if per_type[a] >= 2 {
                events[a * n + a] += 1;
            }
            for &b in &present[i + 1..] {
                let (x, y) = (a.min(b), a.max(b));
                events[x * n + y] += 1;
            }
        }
        for &t in &present {
            per_type[t] = 0;
        }
    }
    let mut o2o = vec![0u64; n * n];
    for (&s, &t) in log.o2o_source.iter().zip(&log.o2o_target) {
        let (a, b) = (
            log.object_type[s as usize] as usize,
            log.object_type[t as usize] as usize,
        );
        o2o[a.min(b) * n + a.max(b)] += 1;
    }
    let mut out: BTreeMap<(String, String), Interaction> = BTreeMap::new();
    for a in 0..n {
        for b in a..n {
            let (ev, oo) = (events[a * n + b], o2o[a * n + b]);
            if ev == 0 && oo == 0 {
                continue;
            }
            let (na, nb) = (
                log.object_types.resolve(a as u32),
                log.object_types.resolve(b as u32),
            );
            let (na, nb) = if na <= nb { (na, nb) } else { (nb, na) };
            out.insert(
                (na.to_string(), nb.to_string()),
                Interaction {
                    a: na.to_string(),
                    b: nb.to_string(),
                    events: ev,
                    o2o: oo,
                },
            );
        }
    }
    let mut v: Vec<Interaction> = out.into_values().collect();
    v.sort_by(|x, y| {
        y.events
            .cmp(&x.events)
            .then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    v
}

/// Every direct succession `from` → `to` on an object of type `object_type`: the object and
/// the wait in hours.
pub fn edge_waits(log: &OcelLog, object_type: &str, from: &str, to: &str) -> Vec<(u32, f64)> {
    let (Some(ot), Some(f), Some(t)) = (
        log.object_types.lookup(object_type),
        log.event_types.lookup(from),
        log.event_types.lookup(to),
    ) else {
        return Vec::new();
    };
    let mut prev = vec![u32::MAX; log.num_objects()];
    let mut out = Vec::new();
    for e in log.time_order() {
        for &o in log.e2o(e as usize).0 {
            if log.object_type[o as usize] != ot || prev[o as usize] == e {
                continue;
            }
            let p = prev[o as usize];
            if p != u32::MAX && log.event_type[p as usize] == f && log.event_type[e as usize] == t {
                let hours =
                    (log.event_time[e as usize] - log.event_time[p as usize]) as f64 / HOUR_MS;
                out.push((o, hours));
            }
            prev[o as usize] = e;
        }
    }
    out
}

const HOUR_MS: f64 = 3_600_000.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocel::stats::objects_per_event;
    use crate::ocel::OcelBuilder;

    #[test]
    fn lifecycles_and_interactions() {
        let mut b = OcelBuilder::new();
        let (order, item) = (b.object_type_code("order"), b.object_type_code("item"));
        let (place, pick) = (b.event_type_code("place"), b.event_type_code("pick"));
        let q = b.qualifier_code("");
        let o = b.add_object("o1", order).expect("new");
        let i1 = b.add_object("i1", item).expect("new");
        let i2 = b.add_object("i2", item).expect("new");
        b.add_o2o(o, i1, q);
        let e = b.add_event("e1", place, 0).expect("new");
        for x in [o, i1, i2, i2] {
            b.add_e2o(e, x, q);
        }
        let e = b.add_event("e2", pick, 3_600_000).expect("new");
        b.add_e2o(e, i1, q);
        b.add_event("e3", pick, 7_200_000).expect("new");
        let (log, _) = b.finish();
        let l = lifecycles(&log);
        assert_eq!(l.len(), 2);
        assert_eq!(
            (l[0].object_type.as_str(), l[0].objects, l[0].max_seconds),
            ("item", 2, 3600.0)
        );
        assert_eq!(l[0].median_seconds, 1800.0);
        assert_eq!((l[1].objects, l[1].mean_events), (1, 1.0));
        let g = interactions(&log);
        assert_eq!(
            g.iter()
                .map(|x| (x.a.as_str(), x.b.as_str(), x.events, x.o2o))
                .collect::<Vec<_>>(),
            [("item", "item", 1, 0), ("item", "order", 1, 1)]
        );
        assert_eq!(objects_per_event(&log), [(0, 1), (1, 1), (3, 1)]);
        assert_eq!(edge_waits(&log, "item", "place", "pick"), [(1, 1.0)]);
    }
}
