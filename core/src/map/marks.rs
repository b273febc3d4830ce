//! Deviations drawn on the process map: after a conformance check, the paths where alignments
//! put log moves (an event the model does not allow after the previous one) or model moves (a
//! step the model expects between two events) and the activities involved, so the analyst sees
//! where the process leaves the model on the map they already read. Keys are the log's
//! directly-follows edges ([`crate::conformance::EdgeDeviation`]), which are the map's paths.

use super::model::{MapNode, NodeKind, ProcessMap};
use crate::conformance::EdgeDeviation;
use hashbrown::HashMap;

/// Colour of a deviating path or activity.
pub(crate) const DEVIATION: &str = "#c0392b";

type Key = (Option<String>, Option<String>);

/// Log and model moves per path and per activity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapMarks {
    edges: HashMap<Key, (u64, u64)>,
    activities: HashMap<String, (u64, u64)>,
}

impl MapMarks {
    /// From a check's per-edge and per-activity `(activity, log moves, model moves)` rows.
    pub fn new<'a>(
        edges: &[EdgeDeviation],
        activities: impl IntoIterator<Item = (&'a str, u64, u64)>,
    ) -> MapMarks {
        let mut out = MapMarks::default();
        for e in edges.iter().filter(|e| e.log_moves + e.model_moves > 0) {
            let slot = out.edges.entry((e.from.clone(), e.to.clone())).or_default();
            slot.0 += e.log_moves;
            slot.1 += e.model_moves;
        }
        for (a, l, m) in activities {
            if l + m > 0 {
                let slot = out.activities.entry(a.to_string()).or_default();
                slot.0 += l;
                slot.1 += m;
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty() && self.activities.is_empty()
    }

    fn end(n: &MapNode) -> Option<String> {
        (n.kind == NodeKind::Activity).then(|| n.label.clone())
    }

    /// The (log, model) moves on the path `from → to`.
    pub fn edge(&self, from: &MapNode, to: &MapNode) -> Option<(u64, u64)> {
        self.edges.get(&(Self::end(from), Self::end(to))).copied()
    }

    /// The (log, model) moves of an activity.
    pub fn activity(&self, name: &str) -> Option<(u64, u64)> {
        self.activities.get(name).copied()
    }

    /// Moves on paths the map does not show (hidden by the path slider or a filter), so the
    /// picture can say how much it leaves out.
    pub fn hidden(&self, map: &ProcessMap) -> u64 {
        let shown: hashbrown::HashSet<Key> = map
            .edges
            .iter()
            .filter_map(|e| {
                Some((
                    Self::end(map.nodes.get(e.from)?),
                    Self::end(map.nodes.get(e.to)?),
                ))
            })
            .collect();
        self.edges
            .iter()
            .filter(|(k, _)| !shown.contains(*k))
            .map(|(_, (l, m))| l + m)
            .sum()
    }
}
