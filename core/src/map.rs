//! The process map (issue 6): the directly-follows graph of a log, simplified by the activity and
//! path sliders, laid out in layers and drawn as SVG — pure, so the browser (in its worker) and
//! `spur map` produce the same picture.
//!
//! - [`model`]: [`process_map`] builds a [`ProcessMap`] (start/end virtual nodes, activities,
//!   paths with frequency and mean/median/total durations) from `mining::dfg_performance`.
//! - [`layout`]: [`layout_map`] / [`layered`] place nodes and route edges with a deterministic
//!   Sugiyama pipeline written here (no Graphviz; `rust-sugiyama` pulls petgraph and returns
//!   no edge routes or node sizes, and the `dagre` port was too young to rely on).
//! - [`readable`]: [`readable::choose`] / [`readable_map`] pick the first slider positions (every
//!   activity, the largest path share with at most 2 paths per node) and say what is hidden.
//! - [`svg`]: [`render_svg`] draws the map with stable `id`/`data-*` attributes;
//!   [`render_svg_marked`] also draws a conformance check's deviations ([`MapMarks`]).
//! - [`diff`]: [`dfg_diff`] draws the directly-follows difference of two groups (compare).
//! - [`overlay`]: [`overlay()`] draws the object-centric map: several object types' OC-DFGs in
//!   one picture, a colour per type.

pub mod diff;
pub mod layout;
mod marks;
pub mod model;
pub mod overlay;
pub mod readable;
pub mod svg;

pub use diff::{dfg_diff, DfgDiff, DiffEdge, DiffOptions, Tone};
pub use layout::{
    layered, layout_map, node_size, EdgeRoute, Layout, LayoutGraph, LayoutOptions, NodeBox, Point,
};
pub use marks::MapMarks;
pub use model::{
    assemble, process_map, with_path_share, MapEdge, MapNode, MapOptions, MapView, NodeKind, Parts,
    ProcessMap,
};
pub use readable::{readable_map, Readable};
pub use svg::{format_count, human_duration, render_svg, render_svg_marked, SvgOptions};

#[cfg(test)]
mod tests;
