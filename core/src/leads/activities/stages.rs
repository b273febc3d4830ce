//! Funnel stages: the ordered milestone activities, how far each lead got, and the drop-off.
//!
//! **Detection** (when the user gives no stages), on the log without outcome markers: a
//! candidate milestone occurs in at least `stage_min_share` of the leads, at most once in
//! most of them (`stage_once_share`; repeated actions such as follow-ups are no
//! milestones), and in both won and lost leads (one that only one outcome reaches is the
//! outcome, by the marker rule's `marker_leak_ratio` at any share). Candidate `b` can follow
//! candidate `a` when `a` is at least as frequent, nearly every lead with `b` also has `a`, and
//! `a`'s first occurrence comes before `b`'s in nearly every such lead (`stage_consistency`).
//! The stages are the longest such chain (ties: the more frequent milestones), at most
//! `max_stages`.
//!
//! **Stage of a lead**: the furthest milestone it has (a lead that skipped an earlier milestone
//! still counts as past it); leads with none are "before the first stage". A stage's `reached`
//! counts the leads whose stage is it or a later one.

use super::{ActivityError, ActivityOptions};
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// One funnel stage and the leads that reached it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub activity: String,
    /// Leads whose furthest stage is this one or a later one.
    pub reached: u64,
    /// Of those, won.
    pub won: u64,
    /// `won / reached`.
    pub won_rate: f64,
    /// Share of all analysed leads that reached it.
    pub reached_share: f64,
    /// Lost leads whose furthest stage is this one (they never got past it).
    pub lost_stopped: u64,
    /// Won leads whose furthest stage is this one.
    pub won_stopped: u64,
    /// Share of the leads that reached this stage and not the next (`None` at the last stage).
    pub drop_off: Option<f64>,
}

/// Which stages, where they came from, and how far the leads got.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub stages: Vec<Stage>,
    /// `true` when the user named the stages, `false` when detected from the log.
    pub stages_given: bool,
    /// Analysed leads with none of the milestones, and how many of those were won.
    pub before_first_stage: u64,
    pub before_first_stage_won: u64,
}

/// The milestone activity codes, in order: `given` names resolved, or detected.
pub(super) fn milestones(
    log: &EventLog,
    won: &[bool],
    given: Option<&[String]>,
    markers: &[String],
    opts: &ActivityOptions,
) -> Result<Vec<u32>, ActivityError> {
    let Some(names) = given else {
        return Ok(detect(log, won, opts));
    };
    let mut codes = Vec::with_capacity(names.len());
    for name in names {
        if markers.iter().any(|m| m == name) {
            return Err(ActivityError::StageIsMarker(name.clone()));
        }
        match log.activities().lookup(name) {
            Some(c) if !codes.contains(&c) => codes.push(c),
            Some(_) => return Err(ActivityError::StageRepeated(name.clone())),
            None => {
                let mut known: Vec<&str> = log.activities().iter().collect();
                known.sort_unstable();
                known.truncate(12);
                return Err(ActivityError::NoSuchStage {
                    name: name.clone(),
                    known: known.join(", "),
                });
            }
        }
    }
    Ok(codes)
}

/// Per case: 0 when it has no milestone, else 1 + the index of its furthest milestone.
pub(super) fn furthest(log: &EventLog, stages: &[u32]) -> Vec<usize> {
    let mut index = vec![usize::MAX; log.activities().len()];
    for (i, &a) in stages.iter().enumerate() {
        if let Some(slot) = index.get_mut(a as usize) {
            *slot = i;
        }
    }
    let acts = log.activity_codes();
    (0..log.num_cases() as u32)
        .map(|c| {
            log.case_events(c)
                .filter_map(|i| index.get(acts[i] as usize).copied())
                .filter(|&s| s != usize::MAX)
                .map(|s| s + 1)
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The funnel of `stages` given each case's `furthest` stage and outcome.
pub(super) fn funnel(
    log: &EventLog,
    stages: &[u32],
    furthest: &[usize],
    won: &[bool],
    given: bool,
) -> Funnel {
    let k = stages.len();
    let (mut at, mut at_won) = (vec![0u64; k + 1], vec![0u64; k + 1]);
    for (&s, &w) in furthest.iter().zip(won) {
        at[s] += 1;
        at_won[s] += u64::from(w);
    }
    let total = furthest.len().max(1) as f64;
    let stages = stages
        .iter()
        .enumerate()
        .map(|(i, &a)| {
            let reached: u64 = at[i + 1..].iter().sum();
            let next: u64 = at[(i + 2).min(k + 1)..].iter().sum();
            let won: u64 = at_won[i + 1..].iter().sum();
            Stage {
                activity: log.activities().resolve(a).to_string(),
                reached,
                won,
                won_rate: if reached == 0 {
                    0.0
                } else {
                    won as f64 / reached as f64
                },
                reached_share: reached as f64 / total,
                lost_stopped: at[i + 1] - at_won[i + 1],
                won_stopped: at_won[i + 1],
                drop_off: (i + 1 < k && reached > 0)
                    .then(|| (reached - next) as f64 / reached as f64),
            }
        })
        .collect();
    Funnel {
        stages,
        stages_given: given,
        before_first_stage: at[0],
        before_first_stage_won: at_won[0],
    }
}

/// Milestones detected from the order of the log (see the module doc).
fn detect(log: &EventLog, won: &[bool], opts: &ActivityOptions) -> Vec<u32> {
    let n_act = log.activities().len();
    let n = log.num_cases();
    let acts = log.activity_codes();
    // Per activity: leads with it (won ones apart), leads with it twice or more, sum of first
    // positions.
    let (mut has, mut has_won, mut repeated) =
        (vec![0u64; n_act], vec![0u64; n_act], vec![0u64; n_act]);
    let mut pos = vec![0.0; n_act];
    let mut seen = vec![0u32; n_act];
    let total_won = won.iter().filter(|&&w| w).count() as f64;
    let total_lost = n as f64 - total_won;
    for c in 0..n as u32 {
        let events = log.case_events(c);
        let len = events.len().max(1) as f64;
        let w = won.get(c as usize).copied().unwrap_or(false);
        for (k, i) in events.clone().enumerate() {
            let a = acts[i] as usize;
            seen[a] += 1;
            if seen[a] == 1 {
                has[a] += 1;
                has_won[a] += u64::from(w);
                pos[a] += k as f64 / len;
            } else if seen[a] == 2 {
                repeated[a] += 1;
            }
        }
        for i in events {
            seen[acts[i] as usize] = 0;
        }
    }
    let q = opts.stage_consistency;
    // Reached by one outcome only (like a marker, at any share): the outcome, not a stage.
    let one_sided = |a: usize| {
        let sw = has_won[a] as f64 / total_won.max(1.0);
        let sl = (has[a] - has_won[a]) as f64 / total_lost.max(1.0);
        sw <= opts.marker_leak_ratio * sl || sl <= opts.marker_leak_ratio * sw
    };
    let mut candidates: Vec<usize> = (0..n_act)
        .filter(|&a| {
            has[a] > 0
                && has[a] as f64 >= opts.stage_min_share * n as f64
                && (has[a] - repeated[a]) as f64 >= opts.stage_once_share * has[a] as f64
                && !one_sided(a)
        })
        .collect();
    let mean_pos = |a: usize| pos[a] / has[a].max(1) as f64;
    candidates.sort_by(|&x, &y| {
        has[y]
            .cmp(&has[x])
            .then_with(|| mean_pos(x).total_cmp(&mean_pos(y)))
            .then_with(|| x.cmp(&y))
    });
    candidates.truncate(opts.max_activities);
    // First position of each candidate in each case (u32::MAX: absent).
    let k = candidates.len();
    let mut slot = vec![usize::MAX; n_act];
    for (j, &a) in candidates.iter().enumerate() {
        slot[a] = j;
    }
    let mut first = vec![u32::MAX; n * k];
    for c in 0..n {
        for (p, i) in log.case_events(c as u32).enumerate() {
            let j = slot[acts[i] as usize];
            if j != usize::MAX && first[c * k + j] == u32::MAX {
                first[c * k + j] = p as u32;
            }
        }
    }
    // Longest chain where each milestone follows the one before (ties: the earlier chain in
    // candidate order, i.e. the more frequent milestones).
    let mut best: Vec<(usize, Option<usize>)> = vec![(1, None); k];
    for j in 0..k {
        for i in 0..j {
            if best[i].0 + 1 > best[j].0 && follows(&first, k, i, j, q) {
                best[j] = (best[i].0 + 1, Some(i));
            }
        }
    }
    let Some(mut end) = (0..k).max_by(|&x, &y| best[x].0.cmp(&best[y].0).then(y.cmp(&x))) else {
        return Vec::new();
    };
    let mut chain = vec![end];
    while let Some(prev) = best[end].1 {
        chain.push(prev);
        end = prev;
    }
    chain.reverse();
    chain.truncate(opts.max_stages);
    chain.into_iter().map(|j| candidates[j] as u32).collect()
}

/// Nearly every lead with candidate `j` also has candidate `i`, with `i`'s first occurrence
/// before `j`'s (`first`: per case, `k` first positions).
fn follows(first: &[u32], k: usize, i: usize, j: usize, q: f64) -> bool {
    let (mut with_j, mut nested, mut ordered) = (0u64, 0u64, 0u64);
    for case in first.chunks_exact(k) {
        let (fi, fj) = (case[i], case[j]);
        if fj != u32::MAX {
            with_j += 1;
            if fi != u32::MAX {
                nested += 1;
                ordered += u64::from(fi < fj);
            }
        }
    }
    with_j > 0 && nested as f64 >= q * with_j as f64 && ordered as f64 >= q * nested as f64
}
