//! The activity sequence of each case as pm4py's discovery and conformance see it.
//!
//! pm4py orders a case's events by `time:timestamp` (stable). Spur's log keeps interval logs
//! ordered by their start timestamps (as pm4py's statistics do), so for those the sequence is
//! re-sorted by the completion timestamp here; otherwise it is the log's own slice.

use crate::log::EventLog;

/// One activity-code sequence per case, in case-code order.
pub fn case_traces(log: &EventLog) -> Vec<Vec<u32>> {
    let acts = log.activity_codes();
    let resort = log.start_timestamps().is_some() && log.has_timestamps();
    log.case_starts()
        .windows(2)
        .map(|w| {
            let range = w[0] as usize..w[1] as usize;
            if !resort {
                return acts[range].to_vec();
            }
            let mut idx: Vec<usize> = range.collect();
            // Events without a timestamp go last (pandas puts NaT last).
            idx.sort_by_key(|&i| log.timestamp(i).map_or((1, 0), |t| (0, t)));
            idx.into_iter().map(|i| acts[i]).collect()
        })
        .collect()
}
