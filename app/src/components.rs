//! Reusable views that render core's result structs.

pub mod download;
pub mod summary_view;
