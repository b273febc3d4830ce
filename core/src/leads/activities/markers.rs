//! Outcome markers: activities (such as `deal won`) that (nearly) only one outcome group has,
//! so they leak the outcome. [`super::mine`] reports them and leaves their events out of every
//! other comparison; the rule is stated on [`super::ActivityOptions::marker_min_share`].

use super::ActivityOptions;
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// Which outcome a marker marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Won,
    Lost,
}

/// An activity that leaks the outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeMarker {
    pub activity: String,
    pub marks: Outcome,
    /// Share of won / lost leads containing it.
    pub share_won: f64,
    pub share_lost: f64,
    /// Share of the leads containing it where it is the last event.
    pub terminal_share: f64,
}

/// Activities present (nearly) only in one outcome group, by name.
pub(super) fn markers(
    log: &EventLog,
    outcome_of: &[Option<bool>],
    opts: &ActivityOptions,
) -> Vec<OutcomeMarker> {
    let n = log.activities().len();
    let (mut in_won, mut in_lost, mut last) = (vec![0u64; n], vec![0u64; n], vec![0u64; n]);
    let mut stamp = vec![u32::MAX; n];
    let (mut won, mut lost) = (0u64, 0u64);
    let acts = log.activity_codes();
    for (c, outcome) in outcome_of.iter().enumerate() {
        let Some(w) = *outcome else { continue };
        if w {
            won += 1;
        } else {
            lost += 1;
        }
        let events = log.case_events(c as u32);
        if let Some(&a) = events.clone().last().and_then(|i| acts.get(i)) {
            last[a as usize] += 1;
        }
        for i in events {
            let a = acts[i] as usize;
            if stamp[a] != c as u32 {
                stamp[a] = c as u32;
                if w {
                    in_won[a] += 1;
                } else {
                    in_lost[a] += 1;
                }
            }
        }
    }
    let share = |k: u64, of: u64| if of == 0 { 0.0 } else { k as f64 / of as f64 };
    let mut out: Vec<OutcomeMarker> = (0..n)
        .filter_map(|a| {
            let (sw, sl) = (share(in_won[a], won), share(in_lost[a], lost));
            let marks = if sw >= opts.marker_min_share && sl <= opts.marker_leak_ratio * sw {
                Outcome::Won
            } else if sl >= opts.marker_min_share && sw <= opts.marker_leak_ratio * sl {
                Outcome::Lost
            } else {
                return None;
            };
            Some(OutcomeMarker {
                activity: log.activities().resolve(a as u32).to_string(),
                marks,
                share_won: sw,
                share_lost: sl,
                terminal_share: share(last[a], in_won[a] + in_lost[a]),
            })
        })
        .collect();
    out.sort_by(|x, y| x.activity.cmp(&y.activity));
    out
}
