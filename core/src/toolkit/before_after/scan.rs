//! Neighbour lookup in one pass: for every target event of a sequence, the latest earlier event
//! that matches a condition (run on the reversed sequence, the earliest later one).
//!
//! Walking back from each occurrence would cost the length of the gap per occurrence (quadratic
//! when a condition rarely matches); one forward pass that remembers the last match costs one
//! step per event. For "in another case" the pass also remembers the last match whose case
//! differs from the last match's case: whichever of the two is not in the target's case is the
//! answer.

/// Where a neighbour may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Only in the target's own case (the sequence is the whole log in log order).
    SameCase,
    /// Anywhere in the sequence (an entity's timeline).
    Any,
    /// Anywhere in the sequence, but not in the target's own case.
    OtherCase,
}

/// The "no neighbour" marker in `out`.
pub(super) const NONE: u32 = u32::MAX;

/// For each event `e` of `seq` with `is_target(e)`, set `out[e]` to the latest earlier event of
/// `seq` with `matches` (allowed by `mode`), or [`NONE`]. A target is never its own neighbour.
pub(super) fn previous_matching(
    seq: impl Iterator<Item = u32>,
    case: &[u32],
    mode: Mode,
    is_target: impl Fn(u32) -> bool,
    matches: impl Fn(u32) -> bool,
    out: &mut [u32],
) {
    let case_of = |e: u32| case.get(e as usize).copied().unwrap_or(NONE);
    let mut last = NONE;
    let mut last_other = NONE;
    for e in seq {
        if is_target(e) {
            let found = if last == NONE {
                NONE
            } else {
                let same = case_of(last) == case_of(e);
                match mode {
                    Mode::Any => last,
                    Mode::SameCase if same => last,
                    Mode::SameCase => NONE,
                    Mode::OtherCase if same => last_other,
                    Mode::OtherCase => last,
                }
            };
            if let Some(slot) = out.get_mut(e as usize) {
                *slot = found;
            }
        }
        if matches(e) {
            if last != NONE && case_of(last) != case_of(e) {
                last_other = last;
            }
            last = e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Events 0..7 in cases [0,0,1,1,0,2,2]; targets: activity 9 at 1, 4, 6.
    #[test]
    fn previous_and_next_per_mode() {
        let case = [0, 0, 1, 1, 0, 2, 2];
        let act = [1, 9, 1, 2, 9, 1, 9];
        let run = |mode, reverse: bool, want: u32| {
            let mut out = vec![NONE; 7];
            let seq: Vec<u32> = if reverse {
                (0..7).rev().collect()
            } else {
                (0..7).collect()
            };
            previous_matching(
                seq.into_iter(),
                &case,
                mode,
                |e| act[e as usize] == 9,
                |e| act[e as usize] == want,
                &mut out,
            );
            [out[1], out[4], out[6]]
        };
        assert_eq!(run(Mode::Any, false, 1), [0, 2, 5]);
        assert_eq!(run(Mode::SameCase, false, 1), [0, NONE, 5]);
        assert_eq!(run(Mode::OtherCase, false, 1), [NONE, 2, 2]);
        assert_eq!(run(Mode::Any, true, 1), [2, 5, NONE]);
        assert_eq!(run(Mode::OtherCase, true, 1), [2, 5, NONE]);
        assert_eq!(run(Mode::Any, false, 9), [NONE, 1, 4]);
        assert_eq!(run(Mode::OtherCase, false, 9), [NONE, NONE, 4]);
    }
}
