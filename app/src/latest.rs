//! Only the newest answer counts: a generation ticket for work the user can overtake (a new filter
//! while the map is still computing, a second file while the first is importing, Cancel).
//!
//! Every screen used to keep its own `StoredValue<u32>` counter and read it back in a timer or after
//! a worker reply. When the view that owned the counter had been disposed in between (a new log
//! replaces the process screen), that read panicked and trapped the whole app. A ticket of a
//! disposed view is simply stale: the late reply is dropped, never a panic.
//!
//! Why not `LocalResource` / `Action`: these jobs are user actions, not data derived from signals
//! (a resource re-runs whenever a signal it read changes, and a map request must not start again
//! because a slider was read while a drop was importing); they stream progress messages in
//! between, and Cancel must also tell the worker to stop, which neither primitive models. What
//! they would add, ignoring a superseded future's result, is exactly this ticket, and the ticket
//! also survives the disposal of its view.

use leptos::prelude::*;

/// The newest-request counter of one view; copy it into closures freely.
#[derive(Debug, Clone, Copy)]
pub struct Latest(StoredValue<u32>);

/// One request's claim to be the newest; stale once a newer one starts or its view is gone.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    of: StoredValue<u32>,
    n: u32,
}

impl Latest {
    pub fn new() -> Self {
        Self(StoredValue::new(0))
    }

    /// Starts a request: every earlier ticket becomes stale.
    pub fn next(&self) -> Ticket {
        let n = self.0.try_get_value().unwrap_or(0).wrapping_add(1);
        self.0.set_value(n);
        Ticket { of: self.0, n }
    }

    /// The ticket of the request in progress, for more work on its behalf (another page of the
    /// same query) without overtaking it.
    pub fn current(&self) -> Ticket {
        Ticket {
            of: self.0,
            n: self.0.try_get_value().unwrap_or(0),
        }
    }

    /// Makes every outstanding ticket stale (the user cancelled or left).
    pub fn invalidate(&self) {
        self.next();
    }
}

impl Default for Latest {
    fn default() -> Self {
        Self::new()
    }
}

impl Ticket {
    /// The request's number, for a `data-` attribute tests can wait on.
    pub fn number(&self) -> u32 {
        self.n
    }

    /// True while no newer request has started and the owning view still exists.
    pub fn is_current(&self) -> bool {
        self.of.try_get_value() == Some(self.n)
    }
}
