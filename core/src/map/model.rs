//! The process map as data: activities and directly-follows paths of a log, with the start and
//! end of cases as two virtual nodes, simplified by the two sliders every process-mining tool has.
//!
//! - **Activities** (`activity_share`): the most frequent activities covering that share of all
//!   events are kept (at least one). The log is then *projected* onto them, as Disco does: a case
//!   `a x b` with `x` hidden contributes the path `a → b`, so the map stays connected and its
//!   numbers are those of the projected log (computed by `mining::dfg_performance`).
//! - **Paths** (`path_share`): the most frequent paths covering that share of all path
//!   traversals are kept, and every shown activity keeps its strongest incoming and outgoing path,
//!   so no activity floats alone.
//!
//! Node ids are stable across slider moves: `start`, `end`, and `a{rank}` where `rank` is the
//! activity's place in the whole log's frequency order (count descending, ties by name).

use crate::log::EventLog;
use crate::mining::{self, Dfg};
use serde::{Deserialize, Serialize};

/// What the map shows on its paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapView {
    /// How often each path was taken.
    #[default]
    Frequency,
    /// Mean time between the two events.
    Mean,
    /// Median time between the two events.
    Median,
    /// Total time spent on the path, over all cases.
    Total,
}

impl MapView {
    /// Parse `frequency|mean|median|total`.
    pub fn parse(s: &str) -> Option<MapView> {
        match s {
            "frequency" => Some(MapView::Frequency),
            "mean" => Some(MapView::Mean),
            "median" => Some(MapView::Median),
            "total" => Some(MapView::Total),
            _ => None,
        }
    }
}

/// The two simplification sliders, each a share in `0..=1` (values outside are clamped, NaN
/// means 1: show everything).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapOptions {
    pub activity_share: f64,
    pub path_share: f64,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            activity_share: 1.0,
            path_share: 1.0,
        }
    }
}

/// Whether a node is an activity or one of the two virtual nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Start,
    End,
    Activity,
}

/// One node of the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapNode {
    /// `start`, `end` or `a{rank}` (stable across simplification).
    pub id: String,
    /// The activity name (`Start`/`End` for the virtual nodes).
    pub label: String,
    pub kind: NodeKind,
    /// Events of the activity in the shown (projected) log; cases for start and end.
    pub count: u64,
    /// Mean 0-based position of the activity's first event in the cases that have it (start:
    /// -1, end: one past the largest); the layout orients paths along it, so time flows down.
    pub position: f64,
}

/// One path `from → to` (indices into [`ProcessMap::nodes`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapEdge {
    pub from: usize,
    pub to: usize,
    pub count: u64,
    /// Seconds between the two events; `None` for start/end paths and untimed logs.
    pub mean_s: Option<f64>,
    pub median_s: Option<f64>,
    pub total_s: Option<f64>,
}

impl MapEdge {
    /// The number a view shows on this path (`None`: no duration known).
    pub fn value(&self, view: MapView) -> Option<f64> {
        match view {
            MapView::Frequency => Some(self.count as f64),
            MapView::Mean => self.mean_s,
            MapView::Median => self.median_s,
            MapView::Total => self.total_s,
        }
    }
}

/// A simplified directly-follows graph with virtual start and end nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessMap {
    /// `start` first, then the shown activities by count descending (ties by name), `end` last.
    pub nodes: Vec<MapNode>,
    /// Sorted by `(from, to)`.
    pub edges: Vec<MapEdge>,
    /// Activities in the whole log / on the map.
    pub activities_total: usize,
    pub activities_shown: usize,
    /// Paths (start and end paths included) of the projected log / on the map.
    pub paths_total: usize,
    pub paths_shown: usize,
}

/// Build the map of `log`, simplified by `opts`.
pub fn process_map(log: &EventLog, opts: &MapOptions) -> ProcessMap {
    let all = mining::activity_counts(log);
    let keep = kept_activities(&all, opts.activity_share);
    if keep == all.len() {
        let parts = Parts {
            activities: &all,
            starts: &mining::start_activities(log),
            ends: &mining::end_activities(log),
            dfg: &mining::dfg_performance(log),
            positions: &first_positions(log),
        };
        return assemble(&all, &parts, opts.path_share);
    }
    let mut keep_code = vec![false; log.activities().len()];
    for (name, _) in &all[..keep] {
        if let Some(code) = log.activities().lookup(name) {
            keep_code[code as usize] = true;
        }
    }
    let keep_event: Vec<bool> = log
        .activity_codes()
        .iter()
        .map(|&a| keep_code[a as usize])
        .collect();
    let sub = log.select_events(&keep_event);
    let parts = Parts {
        activities: &mining::activity_counts(&sub),
        starts: &mining::start_activities(&sub),
        ends: &mining::end_activities(&sub),
        dfg: &mining::dfg_performance(&sub),
        positions: &first_positions(&sub),
    };
    assemble(&all, &parts, opts.path_share)
}

/// The mining results a map is drawn from (all of one, possibly projected, log).
pub struct Parts<'a> {
    pub activities: &'a [(String, u64)],
    pub starts: &'a [(String, u64)],
    pub ends: &'a [(String, u64)],
    pub dfg: &'a Dfg,
    /// Mean first position per activity (see [`MapNode::position`]); missing names get 0.
    pub positions: &'a [(String, f64)],
}

/// Mean 0-based index of each activity's first event in the cases that contain it.
pub fn first_positions(log: &EventLog) -> Vec<(String, f64)> {
    let n = log.activities().len();
    let (mut sum, mut cases) = (vec![0u64; n], vec![0u64; n]);
    let mut seen = vec![u32::MAX; n];
    let acts = log.activity_codes();
    for (c, w) in log.case_starts().windows(2).enumerate() {
        for (i, &a) in acts[w[0] as usize..w[1] as usize].iter().enumerate() {
            if seen[a as usize] != c as u32 {
                seen[a as usize] = c as u32;
                sum[a as usize] += i as u64;
                cases[a as usize] += 1;
            }
        }
    }
    (0..n)
        .filter(|&a| cases[a] > 0)
        .map(|a| {
            let name = log.activities().resolve(a as u32).to_string();
            (name, sum[a] as f64 / cases[a] as f64)
        })
        .collect()
}

/// Assemble a map from mining results: `all` is the whole log's activity ranking (it fixes the
/// node ids), `parts` the shown log's statistics; paths are then simplified by `path_share`.
/// Names in `parts` that `all` lacks are ignored.
pub fn assemble(all: &[(String, u64)], parts: &Parts, path_share: f64) -> ProcessMap {
    let rank: hashbrown::HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    let mut shown: Vec<(usize, &str, u64)> = parts
        .activities
        .iter()
        .filter_map(|(n, c)| rank.get(n.as_str()).map(|&r| (r, n.as_str(), *c)))
        .collect();
    shown.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(b.1)));
    let cases: u64 = parts.starts.iter().map(|s| s.1).sum();
    let position: hashbrown::HashMap<&str, f64> = parts
        .positions
        .iter()
        .filter(|p| p.1.is_finite())
        .map(|(n, p)| (n.as_str(), *p))
        .collect();
    let mut nodes = vec![MapNode {
        id: "start".into(),
        label: "Start".into(),
        kind: NodeKind::Start,
        count: cases,
        position: -1.0,
    }];
    let mut index: hashbrown::HashMap<&str, usize> = hashbrown::HashMap::new();
    for &(r, name, count) in &shown {
        index.insert(name, nodes.len());
        nodes.push(MapNode {
            id: format!("a{r}"),
            label: name.to_string(),
            kind: NodeKind::Activity,
            count,
            position: position.get(name).copied().unwrap_or(0.0),
        });
    }
    let end = nodes.len();
    nodes.push(MapNode {
        id: "end".into(),
        label: "End".into(),
        kind: NodeKind::End,
        count: parts.ends.iter().map(|s| s.1).sum(),
        position: nodes.iter().map(|n| n.position).fold(0.0, f64::max) + 1.0,
    });
    let mut edges = Vec::new();
    let plain = |from, to, count| MapEdge {
        from,
        to,
        count,
        mean_s: None,
        median_s: None,
        total_s: None,
    };
    for (name, count) in parts.starts {
        if let Some(&to) = index.get(name.as_str()) {
            edges.push(plain(0, to, *count));
        }
    }
    for (name, count) in parts.ends {
        if let Some(&from) = index.get(name.as_str()) {
            edges.push(plain(from, end, *count));
        }
    }
    for e in &parts.dfg.edges {
        let (Some(&from), Some(&to)) = (index.get(e.from.as_str()), index.get(e.to.as_str()))
        else {
            continue;
        };
        let perf = e.performance.as_ref();
        edges.push(MapEdge {
            from,
            to,
            count: e.count,
            mean_s: perf.map(|p| p.mean),
            median_s: perf.map(|p| p.median),
            total_s: perf.map(|p| p.total),
        });
    }
    let paths_total = edges.len();
    let edges = simplify_paths(nodes.len(), edges, path_share);
    let mut map = ProcessMap {
        activities_total: all.len(),
        activities_shown: nodes.len() - 2,
        paths_total,
        paths_shown: edges.len(),
        nodes,
        edges,
    };
    map.edges.sort_by_key(|e| (e.from, e.to));
    map
}

fn clamp_share(s: f64) -> f64 {
    if s.is_nan() {
        1.0
    } else {
        s.clamp(0.0, 1.0)
    }
}

/// How many of the (count-descending) activities cover `share` of all events; at least 1
/// (0 only for an empty log). Shells that get the counts from an SQL engine project on these.
pub fn kept_activities(all: &[(String, u64)], share: f64) -> usize {
    let share = clamp_share(share);
    if share >= 1.0 {
        return all.len();
    }
    let total: u64 = all.iter().map(|a| a.1).sum();
    let goal = share * total as f64;
    let mut sum = 0u64;
    for (i, (_, c)) in all.iter().enumerate() {
        if i > 0 && sum as f64 >= goal {
            return i;
        }
        sum += c;
    }
    all.len()
}

/// Keep the most frequent paths covering `share` of all traversals, plus each node's strongest
/// incoming and outgoing path other than a self-loop (ties: the lower node index).
fn simplify_paths(num_nodes: usize, edges: Vec<MapEdge>, share: f64) -> Vec<MapEdge> {
    let share = clamp_share(share);
    if share >= 1.0 {
        return edges;
    }
    let order = path_order(&edges);
    let mut keep = strongest_paths(num_nodes, &edges, &order);
    let total: u64 = edges.iter().map(|e| e.count).sum();
    let goal = share * total as f64;
    let mut sum = 0u64;
    for &i in &order {
        if sum as f64 >= goal {
            break;
        }
        keep[i] = true;
        sum += edges[i].count;
    }
    edges
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

/// Indices of `edges` in the order the path slider adds them: count descending, then
/// `(from, to)`.
pub(crate) fn path_order(edges: &[MapEdge]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&edges[a], &edges[b]);
        y.count
            .cmp(&x.count)
            .then((x.from, x.to).cmp(&(y.from, y.to)))
    });
    order
}

/// Per edge: whether it is some node's strongest outgoing or incoming path (the first edge in
/// `order` touching the node in that direction; self-loops connect nothing), kept at any share.
pub(crate) fn strongest_paths(num_nodes: usize, edges: &[MapEdge], order: &[usize]) -> Vec<bool> {
    let mut keep = vec![false; edges.len()];
    let (mut has_out, mut has_in) = (vec![false; num_nodes], vec![false; num_nodes]);
    for &i in order.iter().filter(|&&i| edges[i].from != edges[i].to) {
        let e = &edges[i];
        if !has_out[e.from] {
            has_out[e.from] = true;
            keep[i] = true;
        }
        if !has_in[e.to] {
            has_in[e.to] = true;
            keep[i] = true;
        }
    }
    keep
}

/// `full` (a map of every path) with its paths simplified by `path_share`: the same map as
/// [`process_map`] with that share and every activity, without mining the log again.
pub fn with_path_share(full: &ProcessMap, path_share: f64) -> ProcessMap {
    let edges = simplify_paths(full.nodes.len(), full.edges.clone(), path_share);
    ProcessMap {
        nodes: full.nodes.clone(),
        paths_shown: edges.len(),
        edges,
        ..*full
    }
}
