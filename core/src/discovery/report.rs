//! The discovery report: what `spur discover --json` prints and the recipe step `discover`
//! outputs, built here once so both give the same numbers by construction.

use super::{discover_tree, tree_to_net, InductiveOptions};
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// The discovered tree (pm4py's string syntax) and the sizes of its workflow net.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryReport {
    pub tree: String,
    pub places: usize,
    pub transitions: usize,
    pub visible_transitions: usize,
    pub arcs: usize,
}

/// Discover with the inductive miner (IM at noise 0, IMf above) and size the net.
pub fn discovery_report(log: &EventLog, noise: f64) -> DiscoveryReport {
    let tree = discover_tree(log, InductiveOptions { noise });
    let size = tree_to_net(&tree).size();
    DiscoveryReport {
        tree: tree.to_string(),
        places: size.places,
        transitions: size.transitions,
        visible_transitions: size.visible_transitions,
        arcs: size.arcs,
    }
}
