//! Watermarks: how far event time has certainly progressed.
//!
//! Flink's bounded out-of-orderness generator per source: `max event time seen − delay − 1`
//! (an event `delay` behind the largest time seen is still on time). With several sources the
//! watermark is the minimum over the sources that are not idle; a source is idle when it has
//! sent nothing for `idle_timeout` of *processing* time (the `now` the caller passes with each
//! event or tick: core reads no clock). When every source is idle the watermark holds. The
//! watermark never goes back, and [`Watermarks::advance`] can push it forward from outside
//! (an end-of-input flush, an alarm at the edge).

use serde::{Deserialize, Serialize};

/// The watermark before anything was seen: no window has fired.
pub const NONE: i64 = i64::MIN;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Source {
    id: u32,
    max_time: i64,
    last_seen: i64,
}

/// Per-source bounded out-of-orderness with idleness; see the module doc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watermarks {
    delay: i64,
    idle_timeout: Option<i64>,
    sources: Vec<Source>,
    current: i64,
}

impl Watermarks {
    pub fn new(delay: i64, idle_timeout: Option<i64>) -> Self {
        Watermarks {
            delay,
            idle_timeout,
            sources: Vec::new(),
            current: NONE,
        }
    }

    /// The current watermark.
    pub fn current(&self) -> i64 {
        self.current
    }

    /// An event of `source` with time `t` arrived at processing time `now`.
    pub fn observe(&mut self, source: u32, t: i64, now: i64) {
        match self.sources.iter_mut().find(|s| s.id == source) {
            Some(s) => {
                s.max_time = s.max_time.max(t);
                s.last_seen = s.last_seen.max(now);
            }
            None => self.sources.push(Source {
                id: source,
                max_time: t,
                last_seen: now,
            }),
        }
        self.recompute(now);
    }

    /// Processing time moved to `now` without events (idleness may release the watermark).
    pub fn tick(&mut self, now: i64) {
        self.recompute(now);
    }

    /// Move the watermark to at least `t` (explicit watermark, end of input).
    pub fn advance(&mut self, t: i64) {
        self.current = self.current.max(t);
    }

    fn recompute(&mut self, now: i64) {
        let active = |s: &&Source| match self.idle_timeout {
            Some(idle) => now.saturating_sub(s.last_seen) < idle,
            None => true,
        };
        let combined = self
            .sources
            .iter()
            .filter(active)
            .map(|s| s.max_time.saturating_sub(self.delay).saturating_sub(1))
            .min();
        if let Some(w) = combined {
            self.current = self.current.max(w);
        }
    }

    /// Sources seen so far.
    pub fn sources(&self) -> usize {
        self.sources.len()
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.delay < 0 || self.idle_timeout.is_some_and(|i| i <= 0) {
            return Err("watermark delay or idle timeout out of range".into());
        }
        let mut ids: Vec<u32> = self.sources.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != self.sources.len() {
            return Err("a watermark source appears twice".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_out_of_orderness() {
        let mut w = Watermarks::new(30, None);
        assert_eq!(w.current(), NONE);
        w.observe(0, 100, 0);
        assert_eq!(w.current(), 69);
        w.observe(0, 50, 1); // out of order: no change
        assert_eq!(w.current(), 69);
        w.observe(0, 131, 2);
        assert_eq!(w.current(), 100);
        w.advance(50); // never back
        assert_eq!(w.current(), 100);
    }

    #[test]
    fn minimum_over_sources_and_idleness() {
        let mut w = Watermarks::new(0, Some(1_000));
        w.observe(1, 500, 0);
        w.observe(2, 100, 10);
        assert_eq!(w.current(), 499); // first source alone had set 499: never back
        w.observe(1, 900, 20);
        assert_eq!(w.current(), 499); // held back by source 2 (at 99)
        w.observe(2, 700, 30);
        assert_eq!(w.current(), 699);
        w.observe(1, 2_000, 500);
        assert_eq!(w.current(), 699);
        // Source 2 silent for 1 s of processing time: it no longer holds the watermark.
        w.tick(1_030);
        assert_eq!(w.current(), 1_999);
        // All idle: held.
        w.tick(10_000);
        assert_eq!(w.current(), 1_999);
    }
}
