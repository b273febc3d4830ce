//! Streaming aggregation over event time: windows, watermarks, lateness and exactly-once
//! counts, as a sans-IO push/poll operator that the CLI, the browser worker and the edge's
//! Durable Objects drive the same way.
//!
//! Semantics follow Apache Flink's event-time windowing (see [`window`] for assignment,
//! [`watermark`] for watermarks, [`operator`] for firing, lateness and de-duplication):
//! a window `[start, end)` fires once when the watermark reaches `end − 1`; with allowed
//! lateness it stays open that much longer and each poll in which late events changed it
//! re-emits it with `revision + 1`; events later than that, or too old to de-duplicate, come
//! out as [`Late`] with a reason. Snapshots ([`Operator::snapshot`] / [`Operator::restore`])
//! cover all state, so a restart resumes exactly.
//!
//! Shape: `let mut op = Operator::new(config)?; op.push(&event, now); let out = op.poll();`
//! — or a [`Runner`] for per-event vs micro-batch execution.

pub mod agg;
pub mod arrival;
pub mod config;
pub mod csv_events;
mod dedup;
pub mod event;
pub mod finals;
pub mod hash;
pub mod hll;
pub mod json_events;
pub mod jsonl;
pub mod live;
pub mod operator;
pub mod replay;
pub mod runner;
pub mod session_features;
pub mod snapshot;
pub mod spec;
pub mod watermark;
pub mod window;

pub use agg::AggSpec;
pub use config::StreamConfig;
pub use event::{AggValue, Conflict, Event, Late, LateReason, Output, Stats, Value, WindowResult};
pub use finals::FinalWindows;
pub use operator::Operator;
pub use runner::{Emit, Mode, Runner};
pub use snapshot::SnapshotError;
pub use window::WindowSpec;
