//! Reusable views that render core's result structs.

pub mod summary_view;
