//! Process discovery with pm4py 2.7's semantics: the inductive miner (IM, and IMf with a noise
//! threshold) to a process tree, the tree to a workflow net or a BPMN diagram, PNML and BPMN 2.0
//! read/write, and BPMN to a workflow net (as pm4py converts each).
//!
//! Equality with pm4py is the contract (checked by `tests/discovery_golden.rs` against
//! `../shared/data/golden/discovery`): the tree equals pm4py's up to the order of the children of
//! ×, ∧ and ∨, and the net has pm4py's places, transitions and arcs.

pub mod bpmn;
pub mod bpmn_layout;
mod bpmn_read;
mod bpmn_svg;
mod bpmn_to_petri;
mod bpmn_write;
mod cuts;
mod imd;
mod inductive;
mod marks;
mod model_file;
mod net_build;
pub mod petri;
mod petri_svg;
pub mod pnml;
mod removal;
mod report;
mod sublog;
mod to_petri;
mod traces;
pub mod tree;

pub use bpmn::{tree_to_bpmn, Bpmn, BpmnFlow, BpmnKind, BpmnNode, GatewayDirection};
pub use bpmn_read::{read_bpmn, BpmnError, BpmnLimits};
pub use bpmn_svg::{render_bpmn_svg, render_bpmn_svg_marked};
pub use bpmn_to_petri::bpmn_to_net;
pub use bpmn_write::write_bpmn;
pub use imd::discover_tree_imd;
pub use inductive::{discover_tree, discover_tree_from_variants, InductiveOptions};
pub use marks::ModelMarks;
pub use model_file::{read_model, ModelError, ModelFile};
pub use petri::{Arc, NetSize, PetriNet, Place, Transition};
pub use petri_svg::render_petri_svg;
pub use pnml::{read_pnml, write_pnml, PnmlError, PnmlLimits};
pub use report::{discovery_report, DiscoveryReport};
pub use to_petri::tree_to_net;
pub use traces::case_traces;
pub use tree::{Operator, ProcessTree, TreeSyntaxError};
