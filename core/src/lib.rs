//! spur-core: every decision Spur makes, as pure functions over bytes and plain data.
//!
//! The crate is sans-IO: it reads no files, no clock and no network, and it compiles unchanged
//! for native targets and `wasm32-unknown-unknown`. The shells (`spur-app`, `spur-edge`, `spur`)
//! translate between the world and these functions; if two shells need a piece of logic, it
//! lives here.
//!
//! Entry points:
//! - [`summary::summarize`]: bytes of an event log → event/case/activity counts (the walking
//!   skeleton every shell shows).
//! - [`open::open_log`]: bytes + name + options of a log in any format (CSV/TSV, XES, gzip of
//!   either, Parquet, Arrow IPC) → [`log::EventLog`] + one [`open::LogReport`]; every shell
//!   opens logs through it. Below it, [`import::Importer`] (push-shaped text importers) and
//!   [`import::csv::sniff`] (a CSV's preview).
//! - [`mining::stats`] and the other [`mining`] functions: pm4py-equal process statistics.
//! - [`stream::Operator`]: event-time windows, watermarks and exactly-once counts (push/poll,
//!   snapshot/restore).
//! - [`leads::request::parse_score_request`]: an HTTP body → validated leads, or a located error.
//! - [`edge::handle`]: the edge API's whole request path (the worker only does I/O).

pub mod arrow;
pub mod cases;
pub mod chart;
pub mod conformance;
pub mod discovery;
pub mod duration;
pub mod edge;
pub mod export;
pub mod import;
pub mod leads;
pub mod log;
pub mod map;
pub mod mining;
pub mod model;
pub mod ocel;
pub mod open;
pub mod recipe;
pub mod reco;
pub mod sim;
pub mod sql;
pub mod stream;
pub mod summary;
pub mod text;
pub mod toolkit;
