//! The object-centric directly-follows graph, pm4py's `discover_ocdfg` (classic variant).
//!
//! Per object type: each object's events in time order (ties in file order, an event once per
//! object) make directly-follows edges. For an edge (a, b) of a type, pm4py's three measures:
//! **event couples** (distinct pairs of events), **unique objects** (distinct objects that
//! took it), **total objects** (distinct (event, event, object) triples); the performance is
//! the time between the two events of each couple, in seconds. Activities, start and end
//! activities per type carry **events**, **unique objects** and **total objects** (distinct
//! (event, object) pairs) alike. The browser's object-centric map overlays one type's edges per
//! colour from this.

use super::OcelLog;
use hashbrown::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

/// pm4py's three counts of an activity (per object type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityMeasures {
    pub activity: String,
    pub events: u64,
    pub unique_objects: u64,
    pub total_objects: u64,
}

/// One directly-follows edge of an object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcEdge {
    pub from: String,
    pub to: String,
    pub event_couples: u64,
    pub unique_objects: u64,
    pub total_objects: u64,
    /// Over the event couples, seconds.
    pub mean_seconds: f64,
    pub median_seconds: f64,
}

/// The part of the OC-DFG of one object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcTypeDfg {
    pub object_type: String,
    pub activities: Vec<ActivityMeasures>,
    pub start_activities: Vec<ActivityMeasures>,
    pub end_activities: Vec<ActivityMeasures>,
    /// Sorted by `(from, to)`.
    pub edges: Vec<OcEdge>,
}

/// The object-centric DFG: one part per object type (by name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcDfg {
    pub object_types: Vec<OcTypeDfg>,
}

#[derive(Default)]
struct Acts {
    events: HashSet<u32>,
    objects: HashSet<u32>,
    total: u64,
}

impl Acts {
    fn add(&mut self, e: u32, o: u32) {
        self.events.insert(e);
        self.objects.insert(o);
        self.total += 1;
    }
}

#[derive(Default)]
struct Edge {
    couples: HashSet<(u32, u32)>,
    objects: HashSet<u32>,
    total: u64,
}

/// Discover the OC-DFG.
pub fn discover_ocdfg(log: &OcelLog) -> OcDfg {
    let n_types = log.object_types.len();
    let mut acts: Vec<HashMap<u32, Acts>> = (0..n_types).map(|_| HashMap::new()).collect();
    let mut starts = acts
        .iter()
        .map(|_| HashMap::new())
        .collect::<Vec<HashMap<u32, Acts>>>();
    let mut ends = acts
        .iter()
        .map(|_| HashMap::new())
        .collect::<Vec<HashMap<u32, Acts>>>();
    let mut edges: Vec<HashMap<(u32, u32), Edge>> = (0..n_types).map(|_| HashMap::new()).collect();
    let mut prev = vec![u32::MAX; log.num_objects()];
    for e in log.time_order() {
        let a = log.event_type[e as usize];
        for &o in log.e2o(e as usize).0 {
            let p = prev[o as usize];
            if p == e {
                continue;
            }
            let t = log.object_type[o as usize] as usize;
            acts[t].entry(a).or_default().add(e, o);
            if p == u32::MAX {
                starts[t].entry(a).or_default().add(e, o);
            } else {
                let edge = edges[t].entry((log.event_type[p as usize], a)).or_default();
                edge.couples.insert((p, e));
                edge.objects.insert(o);
                edge.total += 1;
            }
            prev[o as usize] = e;
        }
    }
    for (o, &last) in prev.iter().enumerate() {
        if last != u32::MAX {
            let t = log.object_type[o] as usize;
            ends[t]
                .entry(log.event_type[last as usize])
                .or_default()
                .add(last, o as u32);
        }
    }
    let name = |a: u32| log.event_types.resolve(a).to_string();
    let measures = |m: HashMap<u32, Acts>| {
        let mut v: Vec<ActivityMeasures> = m
            .into_iter()
            .map(|(a, x)| ActivityMeasures {
                activity: name(a),
                events: x.events.len() as u64,
                unique_objects: x.objects.len() as u64,
                total_objects: x.total,
            })
            .collect();
        v.sort_by(|x, y| x.activity.cmp(&y.activity));
        v
    };
    let mut out = Vec::new();
    for t in 0..n_types {
        let mut es: Vec<OcEdge> = std::mem::take(&mut edges[t])
            .into_iter()
            .map(|((from, to), x)| {
                let mut d: Vec<f64> = x
                    .couples
                    .iter()
                    .map(|&(p, e)| {
                        (log.event_time[e as usize] - log.event_time[p as usize]) as f64 / 1000.0
                    })
                    .collect();
                d.sort_by(f64::total_cmp);
                let n = d.len();
                let median = match n {
                    0 => 0.0,
                    _ if n % 2 == 1 => d[n / 2],
                    _ => (d[n / 2 - 1] + d[n / 2]) / 2.0,
                };
                OcEdge {
                    from: name(from),
                    to: name(to),
                    event_couples: n as u64,
                    unique_objects: x.objects.len() as u64,
                    total_objects: x.total,
                    mean_seconds: if n == 0 {
                        0.0
                    } else {
                        d.iter().sum::<f64>() / n as f64
                    },
                    median_seconds: median,
                }
            })
            .collect();
        es.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
        let a = std::mem::take(&mut acts[t]);
        if a.is_empty() {
            continue;
        }
        out.push(OcTypeDfg {
            object_type: log.object_types.resolve(t as u32).to_string(),
            activities: measures(a),
            start_activities: measures(std::mem::take(&mut starts[t])),
            end_activities: measures(std::mem::take(&mut ends[t])),
            edges: es,
        });
    }
    out.sort_by(|a, b| a.object_type.cmp(&b.object_type));
    OcDfg { object_types: out }
}
