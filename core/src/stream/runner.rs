//! Execution modes: the same operator driven per event or in micro-batches.
//!
//! Arrival (processing) time is simulated: the caller passes each event's arrival time.
//! - **Per event**: push, then poll at once; results are emitted at the event's arrival.
//! - **Micro-batch** (`interval`): events are buffered and processed together when the batch
//!   closes, at the next multiple of `interval` after the batch's first arrival; results are
//!   emitted at that boundary.
//!
//! Both push every event with its own arrival time in the same order, so lateness decisions
//! and the final windows are identical; only latency (emit − arrival) and the number of
//! intermediate revisions differ. The emitting [`Emit`] says which arrivals it answers, so a
//! shell can measure arrival → emit latency on its clock.

use super::event::{Event, Output};
use super::operator::Operator;
use serde::{Deserialize, Serialize};

/// How the operator is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Mode {
    PerEvent,
    MicroBatch { interval: i64 },
}

/// One emission: the operator's output at simulated time `at`, answering the events that
/// arrived at `arrivals`.
#[derive(Debug, Clone, PartialEq)]
pub struct Emit {
    pub at: i64,
    pub arrivals: Vec<i64>,
    pub output: Output,
}

/// Drives an [`Operator`] in a [`Mode`].
#[derive(Debug, Clone)]
pub struct Runner {
    pub op: Operator,
    mode: Mode,
    pending: Vec<(i64, Event)>,
    boundary: Option<i64>,
}

impl Runner {
    pub fn new(op: Operator, mode: Mode) -> Result<Runner, String> {
        if let Mode::MicroBatch { interval } = mode {
            if interval <= 0 {
                return Err(format!(
                    "the batch interval must be positive, not {interval} ms"
                ));
            }
        }
        Ok(Runner {
            op,
            mode,
            pending: Vec::new(),
            boundary: None,
        })
    }

    /// Events buffered in the open batch.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// When the open micro-batch closes (`None`: per event, or no batch open). A shell whose
    /// clock passes it may [`Runner::flush`] then: the emission is the same one the next arrival
    /// would have triggered, only earlier.
    pub fn boundary(&self) -> Option<i64> {
        self.boundary
    }

    /// An event arrived at `arrival` (non-decreasing). Returns what was emitted: in per-event
    /// mode this event's result; in micro-batch mode the previous batch, if this arrival
    /// closed it.
    pub fn offer(&mut self, arrival: i64, ev: Event) -> Option<Emit> {
        match self.mode {
            Mode::PerEvent => {
                self.op.push(&ev, arrival);
                Some(Emit {
                    at: arrival,
                    arrivals: vec![arrival],
                    output: self.op.poll(),
                })
            }
            Mode::MicroBatch { interval } => {
                let closed = match self.boundary {
                    Some(b) if arrival >= b => self.flush(),
                    _ => None,
                };
                if self.boundary.is_none() {
                    let next = arrival
                        .div_euclid(interval)
                        .saturating_add(1)
                        .saturating_mul(interval);
                    self.boundary = Some(next);
                }
                self.pending.push((arrival, ev));
                closed
            }
        }
    }

    /// Close the open batch now (end of input, or a timer at its boundary).
    pub fn flush(&mut self) -> Option<Emit> {
        let at = self.boundary.take()?;
        let batch = std::mem::take(&mut self.pending);
        let mut arrivals = Vec::with_capacity(batch.len());
        for (arrival, ev) in &batch {
            self.op.push(ev, *arrival);
            arrivals.push(*arrival);
        }
        Some(Emit {
            at,
            arrivals,
            output: self.op.poll(),
        })
    }

    /// End of input: flush, then move the watermark to the end of time so every window fires.
    pub fn finish(&mut self) -> Vec<Emit> {
        let mut out: Vec<Emit> = self.flush().into_iter().collect();
        let at = out.last().map_or(0, |e| e.at);
        self.op.advance_watermark(i64::MAX);
        out.push(Emit {
            at,
            arrivals: Vec::new(),
            output: self.op.poll(),
        });
        out
    }
}
