//! A log another screen hands to the process screen: the Leads screen opens its activity log
//! there, filtered to won or lost leads (issue 19). The main worker already holds the log when
//! the handoff is made; the process screen shows it as if the Load screen had imported it, with
//! the first recipe steps the sender chose. `App` switches to the process tab on each handoff.

use leptos::prelude::*;
use spur_core::import::Mapping;
use spur_core::recipe::Step;
use spur_core::summary::Summary;

/// A log now current in the main worker, and how the process screen should start on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    /// Increases with every handoff, so the same log handed twice is shown twice.
    pub serial: u32,
    pub name: String,
    pub summary: Summary,
    pub notes: Vec<String>,
    /// The recipe's import step (the CSV mapping used), if any.
    pub import: Option<Mapping>,
    /// The recipe's next steps (filters, a comparison).
    pub steps: Vec<Step>,
}

/// The app-wide channel (a context): the latest handoff, `None` until the first.
#[derive(Debug, Clone, Copy)]
pub struct ToProcess(pub RwSignal<Option<Handoff>>);

impl ToProcess {
    pub fn new() -> Self {
        ToProcess(RwSignal::new(None))
    }

    /// Hand the log over; the process tab comes to the front.
    pub fn send(&self, mut handoff: Handoff) {
        handoff.serial = self
            .0
            .with_untracked(|h| h.as_ref().map_or(0, |h| h.serial))
            .wrapping_add(1);
        self.0.set(Some(handoff));
    }
}
