//! Where alignments deviate: per activity and per directly-follows edge of the log, the count of
//! log moves and (visible) model moves, so a map can draw the deviations on its paths.
//!
//! An alignment interleaves the trace's events with moves of the model. A model move that falls
//! between events `x` and `y` belongs to the edge `x → y` (before the first event: from the case's
//! start, `from: None`; after the last: to its end, `to: None`). A log move on event `y` belongs
//! to the edge that enters it, `x → y`: that step is the one the model does not allow. Silent
//! model moves are not deviations and are not counted.

use super::alignments::Move;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// Log and model moves on one directly-follows edge of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeDeviation {
    /// `None`: the start of the case.
    pub from: Option<String>,
    /// `None`: the end of the case.
    pub to: Option<String>,
    pub log_moves: u64,
    pub model_moves: u64,
}

/// An edge of the log, `None` at the case's start or end.
type Edge<'a> = (Option<&'a str>, Option<&'a str>);

/// Counts accumulated over the aligned traces.
#[derive(Default)]
pub(crate) struct Tally<'a> {
    activities: HashMap<&'a str, (u64, u64)>,
    edges: HashMap<Edge<'a>, (u64, u64)>,
}

impl<'a> Tally<'a> {
    /// Count the deviations of one aligned trace.
    pub(crate) fn add(
        &mut self,
        trace: &'a [String],
        moves: &[Move],
        labels: &'a [Option<String>],
    ) {
        let mut pos = 0usize; // events consumed so far
        for mv in moves {
            let prev = pos
                .checked_sub(1)
                .and_then(|i| trace.get(i))
                .map(String::as_str);
            match *mv {
                Move::Sync(_) => pos += 1,
                Move::Log(i) => {
                    let Some(a) = trace.get(i).map(String::as_str) else {
                        continue;
                    };
                    self.activities.entry(a).or_default().0 += 1;
                    self.edges.entry((prev, Some(a))).or_default().0 += 1;
                    pos += 1;
                }
                Move::Model(t) => {
                    let Some(l) = labels.get(t).and_then(|l| l.as_deref()) else {
                        continue;
                    };
                    self.activities.entry(l).or_default().1 += 1;
                    let next = trace.get(pos).map(String::as_str);
                    self.edges.entry((prev, next)).or_default().1 += 1;
                }
            }
        }
    }

    /// Per activity (activity, log moves, model moves) and per edge, most deviating first.
    pub(crate) fn finish(self) -> (Vec<(String, u64, u64)>, Vec<EdgeDeviation>) {
        let mut activities: Vec<(String, u64, u64)> = self
            .activities
            .into_iter()
            .map(|(a, (l, m))| (a.to_string(), l, m))
            .collect();
        activities.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then_with(|| a.0.cmp(&b.0)));
        let mut edges: Vec<EdgeDeviation> = self
            .edges
            .into_iter()
            .map(|((f, t), (l, m))| EdgeDeviation {
                from: f.map(str::to_string),
                to: t.map(str::to_string),
                log_moves: l,
                model_moves: m,
            })
            .collect();
        edges.sort_by(|a, b| {
            (b.log_moves + b.model_moves)
                .cmp(&(a.log_moves + a.model_moves))
                .then_with(|| a.from.cmp(&b.from))
                .then_with(|| a.to.cmp(&b.to))
        });
        (activities, edges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::{alignment_fitness, DEFAULT_ALIGNMENT_BUDGET};
    use crate::discovery::{tree_to_net, ProcessTree};
    use crate::import::{import_bytes, ImportOptions};

    fn edge(from: Option<&str>, to: Option<&str>, l: u64, m: u64) -> EdgeDeviation {
        EdgeDeviation {
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            log_moves: l,
            model_moves: m,
        }
    }

    #[test]
    fn deviations_land_on_the_edges_where_they_happen() {
        // Model a → b → c. Case 1 skips b (a model move between a and c); case 2 has an extra x
        // after a (a log move entering x); case 3 lacks a (a model move before b, from the
        // start); case 4 fits.
        let net = tree_to_net(&ProcessTree::parse("->( 'a', 'b', 'c' )").unwrap());
        let csv = "case,activity,time\n\
            1,a,2024-01-01T00:00:01\n1,c,2024-01-01T00:00:02\n\
            2,a,2024-01-01T00:00:01\n2,x,2024-01-01T00:00:02\n2,b,2024-01-01T00:00:03\n2,c,2024-01-01T00:00:04\n\
            3,b,2024-01-01T00:00:01\n3,c,2024-01-01T00:00:02\n\
            4,a,2024-01-01T00:00:01\n4,b,2024-01-01T00:00:02\n4,c,2024-01-01T00:00:03\n";
        let (log, _) = import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
        let a = alignment_fitness(&log, &net, DEFAULT_ALIGNMENT_BUDGET);
        assert_eq!(
            a.edge_deviations,
            vec![
                edge(None, Some("b"), 0, 1),
                edge(Some("a"), Some("c"), 0, 1),
                edge(Some("a"), Some("x"), 1, 0),
            ]
        );
        assert_eq!(
            a.deviations,
            vec![("a".into(), 0, 1), ("b".into(), 0, 1), ("x".into(), 1, 0)]
        );
    }
}
