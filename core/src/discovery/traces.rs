//! The activity sequence of each case as pm4py's discovery and conformance see it.
//!
//! pm4py orders a case's events by `time:timestamp` (stable). Spur's log keeps interval logs
//! ordered by their start timestamps (as pm4py's statistics do), so for those the sequence is
//! re-sorted by the completion timestamp here; otherwise it is the log's own slice.

use crate::log::EventLog;

/// One activity-code sequence per case, in case-code order.
pub fn case_traces(log: &EventLog) -> Vec<Vec<u32>> {
    let mut out = Vec::with_capacity(log.case_starts().len().saturating_sub(1));
    for_each_case_trace(log, |t| out.push(t.to_vec()));
    out
}

/// Calls `f` with each case's activity-code sequence, in case-code order, borrowing the log's
/// own slice where no re-sort is needed (the miner only counts variants: no copy per case).
pub fn for_each_case_trace(log: &EventLog, mut f: impl FnMut(&[u32])) {
    let acts = log.activity_codes();
    let resort = log.start_timestamps().is_some() && log.has_timestamps();
    let (mut idx, mut trace) = (Vec::new(), Vec::new());
    for w in log.case_starts().windows(2) {
        let range = w[0] as usize..w[1] as usize;
        if !resort {
            f(&acts[range]);
            continue;
        }
        idx.clear();
        idx.extend(range);
        // Events without a timestamp go last (pandas puts NaT last).
        idx.sort_by_key(|&i| log.timestamp(i).map_or((1, 0), |t| (0, t)));
        trace.clear();
        trace.extend(idx.iter().map(|&i| acts[i]));
        f(&trace);
    }
}
