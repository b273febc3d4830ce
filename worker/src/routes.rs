//! One module per endpoint; each limits and parses its input, calls core, serialises.

pub mod admin;
pub mod health;
pub mod leads;
