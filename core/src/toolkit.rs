//! The detective toolkit: the operations of an investigation, each a pure function over an
//! [`EventLog`](crate::log::EventLog) that the CLI, the browser worker and recipes call alike.
//!
//! - [`merge`]: several source tables become one log; rows of secondary sources attach by
//!   entity and time to the case running on that entity, or stay entity-level events;
//! - [`filter`]: composable case and event filters, each reporting what it kept;
//! - [`before_after`]: what precedes and follows an activity, within the case or the entity;
//! - [`compare`]: two groups of cases, attribute by attribute, with tests and effect sizes;
//! - [`roles`]: activity × resource matrices, handover of work, per-role timing.
//!
//! Results are plain serde structs; distributions share one shape ([`Distribution`]).
//! Cases and entities: a *case* is what the log is grouped by (a booking); an *entity* is the
//! thing cases run on (a machine), named by an event attribute (see [`entity`]).

pub mod before_after;
pub mod compare;
pub mod distribution;
pub mod entity;
pub mod filter;
pub mod merge;
pub mod roles;

pub use distribution::{Distribution, Share};
