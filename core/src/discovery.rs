//! Process discovery with pm4py 2.7's semantics: the inductive miner (IM, and IMf with a noise
//! threshold) to a process tree, the tree to a workflow net, and PNML read/write.
//!
//! Equality with pm4py is the contract (checked by `tests/discovery_golden.rs` against
//! `../shared/data/golden/discovery`): the tree equals pm4py's up to the order of the children of
//! ×, ∧ and ∨, and the net has pm4py's places, transitions and arcs.

mod cuts;
mod inductive;
pub mod petri;
pub mod pnml;
mod sublog;
mod to_petri;
mod traces;
pub mod tree;

pub use inductive::{discover_tree, discover_tree_from_variants, InductiveOptions};
pub use petri::{Arc, NetSize, PetriNet, Place, Transition};
pub use pnml::{read_pnml, write_pnml, PnmlError, PnmlLimits};
pub use to_petri::tree_to_net;
pub use traces::case_traces;
pub use tree::{Operator, ProcessTree, TreeSyntaxError};
