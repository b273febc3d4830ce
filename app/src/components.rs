//! Reusable views that render core's result structs.

pub mod download;
pub mod leads_activities;
pub mod leads_results;
pub mod leads_scores;
pub mod leads_setup;
pub mod reco_results;
pub mod ship_edge;
pub mod summary_view;
pub mod views;
pub mod zoom;
