//! Token-based replay with pm4py 2.7's semantics (`algo/conformance/tokenreplay/variants/
//! token_replay.py`): missing tokens are added where an event's transition is not enabled after
//! trying pm4py's silent-transition walk (shortest silent paths, recursion depth 2), the final
//! marking is approached through silent paths, and fitness is
//! ½(1 − missing/consumed) + ½(1 − remaining/produced).

use super::net::{EventTransitions, Marking, ReplayNet};

/// Replay switches, as pm4py's parameters (fitness uses [`FITNESS_MODE`]; precision replays
/// prefixes step by step with `prepare_event`, stopping at the first missing token).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplayMode {
    pub reach_final: bool,
    pub stop_immediately_unfit: bool,
    pub consider_remaining: bool,
}

pub(crate) const FITNESS_MODE: ReplayMode = ReplayMode {
    reach_final: true,
    stop_immediately_unfit: false,
    consider_remaining: true,
};

/// The replay of one trace.
#[derive(Debug, Clone)]
pub(crate) struct TraceReplay {
    pub is_fit: bool,
    pub fitness: f64,
    pub missing: i64,
    pub consumed: i64,
    pub remaining: i64,
    pub produced: i64,
    /// Activities of the trace with no transition in the model.
    pub unknown_activities: Vec<usize>,
    /// Trace positions whose transition had to be forced (missing tokens).
    pub problems: Vec<usize>,
}

/// Replay one trace of activity codes, `by_code` giving each code's transitions
/// ([`ReplayNet::by_code`]).
pub(crate) fn replay_trace(
    rn: &ReplayNet<'_>,
    trace: &[u32],
    by_code: &[Option<EventTransitions<'_>>],
    mode: ReplayMode,
) -> TraceReplay {
    let mut marking = rn.initial.clone();
    let (mut missing, mut consumed) = (0i64, 0i64);
    let sum_im: i64 = rn.initial.0.iter().map(|e| e.1).sum();
    let mut produced = sum_im;
    let mut unknown = Vec::new();
    let mut problems = Vec::new();
    for (i, &code) in trace.iter().enumerate() {
        let event = by_code.get(code as usize).copied().flatten();
        let Some((t, fired, enabled)) = prepare_event(rn, &mut marking, event) else {
            unknown.push(i);
            continue;
        };
        for &h in &fired {
            consumed += rn.pre[h].iter().map(|a| a.1).sum::<i64>();
            produced += rn.post[h].iter().map(|a| a.1).sum::<i64>();
        }
        if !enabled {
            problems.push(i);
            if mode.stop_immediately_unfit {
                missing += 1;
                break;
            }
            // pm4py's add_missing_tokens: counts the shortfall, adds the arc weight.
            for &(p, w) in &rn.pre[t] {
                let have = marking.get(p);
                if have < w {
                    missing += w - have;
                    marking.set(p, have + w);
                }
            }
        }
        consumed += rn.pre[t].iter().map(|a| a.1).sum::<i64>();
        produced += rn.post[t].iter().map(|a| a.1).sum::<i64>();
        if rn.enabled(t, &marking) {
            rn.fire_in(t, &mut marking);
        }
    }
    if mode.reach_final {
        reach_final(rn, &mut marking, &mut consumed, &mut produced);
    }
    let reached = marking.clone();
    let fm = &rn.final_marking;
    for &(p, n) in &fm.0 {
        let diff = n - marking.get(p);
        if diff > 0 {
            missing += diff;
        }
    }
    let mut remaining = 0i64;
    for e in marking.0.iter_mut() {
        if fm.contains(e.0) {
            e.1 = (e.1 - fm.get(e.0)).max(0);
        }
        remaining += e.1;
    }
    // (missing from the final marking is added after `is_fit` is decided, as pm4py does)
    let missing_before_final = missing
        - fm.0
            .iter()
            .map(|&(p, n)| (n - reached.get(p)).max(0))
            .sum::<i64>();
    let is_fit = if mode.consider_remaining {
        missing_before_final == 0 && remaining == 0
    } else {
        missing_before_final == 0
    };
    consumed += fm.0.iter().map(|e| e.1).sum::<i64>();
    let fitness = if consumed > 0 && produced > 0 {
        0.5 * (1.0 - missing as f64 / consumed as f64)
            + 0.5 * (1.0 - remaining as f64 / produced as f64)
    } else {
        1.0
    };
    TraceReplay {
        is_fit,
        fitness,
        missing,
        consumed,
        remaining,
        produced,
        unknown_activities: unknown,
        problems,
    }
}

/// The transition pm4py uses for an event (an enabled one with its label, else the label's
/// mapped one), after its silent walk towards enabling it: `(transition, silent transitions
/// fired, enabled now)`, or `None` when the model has no such label (`event` is `None`).
/// `marking` is updated by the silent firings only.
pub(crate) fn prepare_event(
    rn: &ReplayNet<'_>,
    marking: &mut Marking,
    event: Option<EventTransitions<'_>>,
) -> Option<(usize, Vec<usize>, bool)> {
    let event = event?;
    let t = event
        .labelled
        .iter()
        .copied()
        .find(|&x| rn.enabled(x, marking))
        .unwrap_or(event.mapped);
    let mut fired = Vec::new();
    if !rn.enabled(t, marking) {
        let mut visited = Vec::new();
        *marking = apply_hidden(rn, t, std::mem::take(marking), 0, &mut visited, &mut fired);
    }
    let enabled = rn.enabled(t, marking);
    Some((t, fired, enabled))
}

/// pm4py's `get_hidden_transitions_to_enable` / `get_req_transitions_for_final_marking`: the
/// silent paths from every marked place to every target place (both sorted by name: the caller
/// sorts `targets`), shortest first (stable).
fn paths_to<'r>(rn: &'r ReplayNet<'_>, marking: &Marking, targets: &[u32]) -> Vec<&'r [usize]> {
    let mut out: Vec<&'r [usize]> = Vec::new();
    for p1 in rn.sorted_places(marking) {
        for &p2 in targets {
            if let Some(path) = rn.paths[p1 as usize].get(&p2) {
                out.push(path);
            }
        }
    }
    out.sort_by_key(|path| path.len());
    out
}

/// pm4py's `apply_hidden_trans` (non-exhaustive exploration); `fired` collects the silent
/// transitions fired.
fn apply_hidden(
    rn: &ReplayNet<'_>,
    t: usize,
    mut marking: Marking,
    depth: usize,
    visited: &mut Vec<usize>,
    fired: &mut Vec<usize>,
) -> Marking {
    if depth >= 2 || visited.contains(&t) {
        return marking;
    }
    visited.push(t);
    let at_start = marking.clone();
    let mut missing: Vec<u32> = rn.pre[t]
        .iter()
        .filter(|&&(p, w)| marking.get(p) < w)
        .map(|&(p, _)| p)
        .collect();
    missing.sort_unstable();
    missing.dedup();
    missing.sort_by_key(|&p| rn.place_rank[p as usize]);
    let groups = paths_to(rn, &marking, &missing);
    if groups.is_empty() {
        return marking;
    }
    // enable_hidden_transitions
    let mut j = vec![0usize; groups.len()];
    let mut z = 0usize;
    loop {
        let g = z % groups.len();
        let mut changed = false;
        while j[g] < groups[g].len() {
            let t3 = groups[g][j[g]];
            if t3 != t && rn.enabled(t3, &marking) && !visited.contains(&t3) {
                rn.fire_in(t3, &mut marking);
                fired.push(t3);
                visited.push(t3);
                changed = true;
            }
            j[g] += 1;
            if rn.enabled(t, &marking) {
                break;
            }
        }
        if rn.enabled(t, &marking) || !changed {
            break;
        }
        z += 1;
        if z >= 10_000_000 {
            break;
        }
    }
    if !rn.enabled(t, &marking) {
        let groups = paths_to(rn, &marking, &missing);
        for group in &groups {
            for &t4 in *group {
                if t4 != t && !visited.contains(&t4) {
                    if !rn.enabled(t4, &marking) {
                        marking = apply_hidden(rn, t4, marking, depth + 1, visited, fired);
                    }
                    if rn.enabled(t4, &marking) {
                        rn.fire_in(t4, &mut marking);
                        fired.push(t4);
                        visited.push(t4);
                    }
                }
            }
        }
    }
    if !rn.enabled(t, &marking) && !at_start.same(&marking) {
        marking = apply_hidden(rn, t, marking, depth + 1, visited, fired);
    }
    marking
}

/// pm4py's end-of-trace walk towards the final marking through silent transitions.
fn reach_final(rn: &ReplayNet<'_>, marking: &mut Marking, consumed: &mut i64, produced: &mut i64) {
    let fm = &rn.final_marking;
    let reached = |m: &Marking| fm.0.iter().all(|e| m.contains(e.0));
    let mut targets: Vec<u32> = fm.0.iter().map(|e| e.0).collect();
    targets.sort_by_key(|&p| rn.place_rank[p as usize]);
    let mut fire = |t: usize, m: &mut Marking| {
        rn.fire_in(t, m);
        *consumed += rn.pre[t].iter().map(|a| a.1).sum::<i64>();
        *produced += rn.post[t].iter().map(|a| a.1).sum::<i64>();
    };
    for _ in 0..5 {
        if reached(marking) {
            break;
        }
        for group in paths_to(rn, marking, &targets) {
            for &t in group {
                if rn.enabled(t, marking) {
                    fire(t, marking);
                }
            }
            if reached(marking) {
                break;
            }
        }
    }
    if !reached(marking) && fm.0.len() == 1 {
        let sink = fm.0[0].0;
        let mut conns: Vec<Vec<usize>> = marking
            .0
            .iter()
            .filter_map(|e| rn.paths[e.0 as usize].get(&sink).cloned())
            .collect();
        conns.sort_by_key(Vec::len);
        for _ in 0..5 {
            for path in &conns {
                for &t in path {
                    if rn.enabled(t, marking) {
                        fire(t, marking);
                    } else {
                        break;
                    }
                }
            }
        }
    }
}
