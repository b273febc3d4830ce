//! Window assignment with Apache Flink's event-time semantics.
//!
//! A window is `[start, end)` in milliseconds; its last instant ("max timestamp" in Flink) is
//! `end - 1`, and it fires when the watermark reaches that instant (`watermark >= end - 1`).
//! - **Tumbling** (`size`, `offset`): the one window with
//!   `start = t - (t - offset) mod size` (Flink's `getWindowStartWithOffset`, with a floored
//!   modulo so times before the epoch work too), epoch-aligned when `offset = 0`.
//! - **Sliding** (`size`, `slide`, `offset`): every window whose start is a multiple of `slide`
//!   (plus offset) with `start <= t < start + size`: from the last start at or before `t` back
//!   while `start > t - size` — `ceil(size / slide)` windows when `slide` divides `size`.
//! - **Session** (`gap`): each event starts the window `[t, t + gap)`; windows of the same key
//!   that overlap *or touch* (`a.start <= b.end && a.end >= b.start`, Flink's `intersects`)
//!   merge into their cover. So events at 0 and `gap` are one session `[0, 2·gap)`.

use serde::{Deserialize, Serialize};

/// Largest absolute event time accepted (ms): far beyond any real date (≈ ±36 million years),
/// small enough that `time ± size ± lateness` never overflows.
pub const MAX_TIME: i64 = 1 << 60;
/// Largest window size, slide, gap, delay or lateness (ms), ≈ 35 years.
pub const MAX_SPAN: i64 = 1 << 40;

/// Which windows events fall into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum WindowSpec {
    Tumbling { size: i64, offset: i64 },
    Sliding { size: i64, slide: i64, offset: i64 },
    Session { gap: i64 },
}

impl WindowSpec {
    /// Refuse sizes Flink refuses (non-positive, |offset| ≥ size/slide) and absurd spans.
    pub fn validate(&self) -> Result<(), String> {
        let span = |name: &str, v: i64| {
            if v <= 0 || v > MAX_SPAN {
                Err(format!(
                    "{name} must be between 1 ms and {MAX_SPAN} ms, not {v}"
                ))
            } else {
                Ok(())
            }
        };
        match *self {
            WindowSpec::Tumbling { size, offset } => {
                span("window size", size)?;
                if offset.abs() >= size {
                    return Err("the window offset must be smaller than the size".into());
                }
            }
            WindowSpec::Sliding {
                size,
                slide,
                offset,
            } => {
                span("window size", size)?;
                span("slide", slide)?;
                if offset.abs() >= slide {
                    return Err("the window offset must be smaller than the slide".into());
                }
                if size / slide > 10_000 {
                    return Err(format!(
                        "size/slide is {}: at most 10,000 windows per event",
                        size / slide
                    ));
                }
            }
            WindowSpec::Session { gap } => span("session gap", gap)?,
        }
        Ok(())
    }

    /// The longest a window containing `t` can extend past `t` (for tumbling and sliding:
    /// `size`; for sessions: `gap`, the extent of the event's own window).
    pub fn reach(&self) -> i64 {
        match *self {
            WindowSpec::Tumbling { size, .. } | WindowSpec::Sliding { size, .. } => size,
            WindowSpec::Session { gap } => gap,
        }
    }

    /// The windows `t` belongs to (for sessions: the event's own `[t, t + gap)`), in
    /// descending start order as Flink lists them.
    pub fn assign(&self, t: i64, out: &mut Vec<(i64, i64)>) {
        out.clear();
        match *self {
            WindowSpec::Tumbling { size, offset } => {
                let start = window_start(t, offset, size);
                out.push((start, start + size));
            }
            WindowSpec::Sliding {
                size,
                slide,
                offset,
            } => {
                let mut start = window_start(t, offset, slide);
                while start > t - size {
                    out.push((start, start + size));
                    start -= slide;
                }
            }
            WindowSpec::Session { gap } => out.push((t, t + gap)),
        }
    }
}

/// Flink's `TimeWindow.getWindowStartWithOffset` with a floored modulo.
pub fn window_start(t: i64, offset: i64, size: i64) -> i64 {
    t - (t - offset).rem_euclid(size)
}

/// Flink's `TimeWindow.intersects`: overlapping or adjacent.
pub fn intersects(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 <= b.1 && a.1 >= b.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn windows(spec: WindowSpec, t: i64) -> Vec<(i64, i64)> {
        let mut v = Vec::new();
        spec.assign(t, &mut v);
        v
    }

    #[test]
    fn tumbling_hand_computed() {
        let w = WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        };
        assert_eq!(windows(w, 0), [(0, 10)]);
        assert_eq!(windows(w, 9), [(0, 10)]);
        assert_eq!(windows(w, 10), [(10, 20)]);
        assert_eq!(windows(w, -1), [(-10, 0)]);
        let w = WindowSpec::Tumbling {
            size: 10,
            offset: 3,
        };
        assert_eq!(windows(w, 2), [(-7, 3)]);
        assert_eq!(windows(w, 3), [(3, 13)]);
        // One hour windows at 15 minutes past (Flink's documented offset example).
        let h = 3_600_000;
        let w = WindowSpec::Tumbling {
            size: h,
            offset: h / 4,
        };
        assert_eq!(windows(w, h), [(h / 4, h + h / 4)]);
    }

    #[test]
    fn sliding_hand_computed() {
        // size 10, slide 5: t = 7 is in [5, 15) and [0, 10).
        let w = WindowSpec::Sliding {
            size: 10,
            slide: 5,
            offset: 0,
        };
        assert_eq!(windows(w, 7), [(5, 15), (0, 10)]);
        assert_eq!(windows(w, 5), [(5, 15), (0, 10)]);
        assert_eq!(windows(w, 4), [(0, 10), (-5, 5)]);
        // size 10, slide 3: starts 6, 3, 0 hold t = 8 ( -3 + 10 = 7 <= 8 does not).
        let w = WindowSpec::Sliding {
            size: 10,
            slide: 3,
            offset: 0,
        };
        assert_eq!(windows(w, 8), [(6, 16), (3, 13), (0, 10)]);
        // slide > size: gaps between windows, some times in none.
        let w = WindowSpec::Sliding {
            size: 2,
            slide: 5,
            offset: 0,
        };
        assert_eq!(windows(w, 6), [(5, 7)]);
        assert_eq!(windows(w, 7), []);
    }

    #[test]
    fn session_windows_touching_merge() {
        assert!(intersects((0, 10), (10, 20)));
        assert!(!intersects((0, 10), (11, 21)));
        assert_eq!(windows(WindowSpec::Session { gap: 10 }, 4), [(4, 14)]);
    }

    #[test]
    fn validation() {
        assert!(WindowSpec::Tumbling { size: 0, offset: 0 }
            .validate()
            .is_err());
        assert!(WindowSpec::Tumbling { size: 5, offset: 5 }
            .validate()
            .is_err());
        assert!(WindowSpec::Sliding {
            size: 1_000_000,
            slide: 1,
            offset: 0
        }
        .validate()
        .is_err());
        assert!(WindowSpec::Session { gap: -1 }.validate().is_err());
        assert!(WindowSpec::Sliding {
            size: 10,
            slide: 5,
            offset: 0
        }
        .validate()
        .is_ok());
    }
}
