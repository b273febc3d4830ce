//! The map's first look: slider positions chosen so that the map is legible on any log.
//!
//! On a log with 42 activities and 1,304 paths, the map at 100 % is spaghetti. Disco opens
//! such logs with every activity and only the strongest paths; so does Spur: every activity is
//! shown, and the path share is the largest at which the map has at most
//! [`EDGES_PER_NODE`] × as many paths as nodes (start and end included). Every activity keeps
//! its strongest incoming and outgoing path at any share (see [`super::model`]), so the map
//! stays connected. The result says what it hides ("showing 58 of 1,304 paths — drag to show
//! more"); the map at 100 % is unchanged and one slider move away.
//!
//! Pure, on a full map: the browser's worker and `spur map` call the same [`choose`].

use super::model::{path_order, process_map, strongest_paths, with_path_share};
use super::svg::format_count;
use super::{MapOptions, ProcessMap};
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// Most paths per node (start and end included) a default map shows.
pub const EDGES_PER_NODE: f64 = 2.0;

/// The slider positions of a readable first map, and what they hide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readable {
    /// Every activity (`activity_share` 1) and the chosen `path_share`.
    pub options: MapOptions,
    /// Nodes of the map, start and end included.
    pub nodes: usize,
    pub paths_shown: usize,
    pub paths_total: usize,
    /// `showing 58 of 1,304 paths — drag to show more`, or `showing all 12 paths`.
    pub sentence: String,
}

/// The readable slider positions for `full`, a map with every activity and every path
/// (`process_map(log, &MapOptions::default())`).
pub fn choose(full: &ProcessMap) -> Readable {
    let nodes = full.nodes.len();
    let edges = &full.edges;
    let total = edges.len();
    let budget = (EDGES_PER_NODE * nodes as f64).floor() as usize;
    let order = path_order(edges);
    let strongest = strongest_paths(nodes, edges, &order);
    // Paths shown when the slider keeps the k most frequent: those plus the strongest ones.
    let mut shown = strongest.iter().filter(|&&k| k).count();
    let mut k = 0;
    while k < total {
        let extra = usize::from(!strongest[order[k]]);
        if shown + extra > budget {
            break;
        }
        shown += extra;
        k += 1;
    }
    let path_share = if k >= total {
        1.0
    } else {
        // The slider keeps a path while the kept ones sum to less than `share` × all; a goal
        // halfway between the sums of the k-1 and the k most frequent keeps exactly k (counts
        // are whole, so the half is far above rounding).
        let sum: u64 = edges.iter().map(|e| e.count).sum();
        let first_k: u64 = order[..k].iter().map(|&i| edges[i].count).sum();
        let kth = order[..k].last().map_or(0, |&i| edges[i].count);
        let goal = first_k as f64 - 0.5 * kth as f64;
        goal / sum.max(1) as f64
    };
    let sentence = if shown >= total {
        format!("showing all {} paths", format_count(total as u64))
    } else {
        format!(
            "showing {} of {} paths — drag to show more",
            format_count(shown as u64),
            format_count(total as u64)
        )
    };
    Readable {
        options: MapOptions {
            activity_share: 1.0,
            path_share,
        },
        nodes,
        paths_shown: shown,
        paths_total: total,
        sentence,
    }
}

/// The readable first map of `log` and how it was chosen (one mining pass).
pub fn readable_map(log: &EventLog) -> (ProcessMap, Readable) {
    readable_of(process_map(log, &MapOptions::default()))
}

/// The readable first map from `full` (every activity and path) and how it was chosen: for a
/// map built without the events, from a log summary file.
pub fn readable_of(full: ProcessMap) -> (ProcessMap, Readable) {
    let readable = choose(&full);
    (
        with_path_share(&full, readable.options.path_share),
        readable,
    )
}

#[cfg(test)]
mod tests;
