//! Simulators: synthetic sources with planted, known causes, for tests, benchmarks and demos.
//!
//! A simulator is a pure function of its configuration (the seed included): it returns the
//! bytes of its source files and the *truth* it planted, so an end-to-end test can check that
//! an analysis recovers exactly what was put in. Core does no I/O; the CLI writes the files.
//!
//! - [`laundry`]: laundry machines, bookings and support resets (the toolkit's seed case,
//!   issue 4): machine states, remote commands and error messages as three CSV sources.

pub mod laundry;
