//! Case durations, events per case and events over time.

use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// min / max / mean / median of a set of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationSummary {
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
}

impl DurationSummary {
    /// Summary of `values` (sorted in place); `None` when empty.
    pub fn of(values: &mut [f64]) -> Option<DurationSummary> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        Some(DurationSummary {
            min: values[0],
            max: values[n - 1],
            mean: values.iter().sum::<f64>() / n as f64,
            median,
        })
    }

    /// Summary of durations in milliseconds (sorted in place), in seconds: the mean is the exact
    /// integer sum divided once ([`mean_seconds`]), so an SQL engine that sums the same
    /// integers (`sql`) gets the same bits whatever order it adds them in.
    pub fn of_ms(ms: &mut [i64]) -> Option<DurationSummary> {
        ms.sort_unstable();
        let n = ms.len();
        let (lo, hi) = (*ms.first()?, *ms.last()?);
        let sum: i128 = ms.iter().map(|&d| i128::from(d)).sum();
        Some(DurationSummary {
            min: lo as f64 / 1000.0,
            max: hi as f64 / 1000.0,
            mean: mean_seconds(sum, n as u64),
            median: median_seconds(ms[(n - 1) / 2], ms[n / 2], n as u64),
        })
    }
}

/// The mean in seconds of `n` durations whose milliseconds sum to `sum_ms`.
pub fn mean_seconds(sum_ms: i128, n: u64) -> f64 {
    sum_ms as f64 / 1000.0 / n as f64
}

/// The median in seconds of `n` sorted durations whose two middle values (the same one for an
/// odd `n`) are `lo_ms` and `hi_ms`: numpy's mean of the two middle values for an even count.
pub fn median_seconds(lo_ms: i64, hi_ms: i64, n: u64) -> f64 {
    let (lo, hi) = (lo_ms as f64 / 1000.0, hi_ms as f64 / 1000.0);
    if n % 2 == 1 {
        lo
    } else {
        (lo + hi) / 2.0
    }
}

/// Duration of each case (timestamp of its last event − of its first, seconds) and their summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDurations {
    /// Per case code; `None` for a case without timestamps.
    pub per_case: Vec<Option<f64>>,
    /// Over the cases with timestamps; `None` when the log has none.
    pub summary: Option<DurationSummary>,
}

/// Each case's duration in integer milliseconds (per case code; `None` for a case without
/// timestamps): the last minus the first timestamp in log order, as pm4py (= max − min unless
/// the log is ordered by start timestamps).
pub fn case_durations_ms(log: &EventLog) -> Vec<Option<i64>> {
    let Some((ts, valid)) = log.timestamps() else {
        return vec![None; log.num_cases()];
    };
    log.case_starts()
        .windows(2)
        .map(|w| {
            let mut timed = (w[0] as usize..w[1] as usize).filter(|&i| valid.get(i));
            let first = timed.next()?;
            let last = timed.next_back().unwrap_or(first);
            Some(ts[last] - ts[first])
        })
        .collect()
}

/// Case durations in seconds.
pub fn case_durations(log: &EventLog) -> CaseDurations {
    if log.timestamps().is_none() {
        return CaseDurations {
            per_case: vec![None; log.num_cases()],
            summary: None,
        };
    }
    let per_case_ms = case_durations_ms(log);
    let mut values: Vec<i64> = per_case_ms.iter().flatten().copied().collect();
    CaseDurations {
        summary: DurationSummary::of_ms(&mut values),
        per_case: per_case_ms
            .iter()
            .map(|d| d.map(|ms| ms as f64 / 1000.0))
            .collect(),
    }
}

/// How many events the cases have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsPerCase {
    pub summary: Option<DurationSummary>,
    /// `(events, cases with that many events)`, ascending.
    pub histogram: Vec<(u64, u64)>,
}

/// Events per case: summary and histogram.
pub fn events_per_case(log: &EventLog) -> EventsPerCase {
    let mut lens: Vec<u64> = log
        .case_starts()
        .windows(2)
        .map(|w| (w[1] - w[0]) as u64)
        .collect();
    lens.sort_unstable();
    let histogram = lens
        .chunk_by(|a, b| a == b)
        .map(|r| (r[0], r.len() as u64))
        .collect();
    let mut values: Vec<f64> = lens.iter().map(|&l| l as f64).collect();
    EventsPerCase {
        summary: DurationSummary::of(&mut values),
        histogram,
    }
}

/// Event counts in equal time buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsOverTime {
    /// Start of the first bucket, ms UTC (a multiple of `bucket_ms`).
    pub start_ms: i64,
    /// Bucket width actually used.
    pub bucket_ms: i64,
    /// Events per bucket, consecutive buckets from `start_ms`.
    pub counts: Vec<u64>,
}

/// At most this many buckets: a finer `bucket_ms` is doubled until the span fits.
pub const MAX_BUCKETS: i64 = 100_000;

/// Events per time bucket of `bucket_ms` (≥ 1) milliseconds; `None` without timestamps.
pub fn events_over_time(log: &EventLog, bucket_ms: i64) -> Option<EventsOverTime> {
    let (ts, valid) = log.timestamps()?;
    let (lo, hi) = (0..ts.len())
        .filter(|&i| valid.get(i))
        .fold((i64::MAX, i64::MIN), |(lo, hi), i| {
            (lo.min(ts[i]), hi.max(ts[i]))
        });
    if lo > hi {
        return None;
    }
    let mut bucket = bucket_ms.max(1);
    while (hi.div_euclid(bucket) - lo.div_euclid(bucket)) >= MAX_BUCKETS {
        bucket = bucket.saturating_mul(2);
    }
    let first = lo.div_euclid(bucket);
    let mut counts = vec![0u64; (hi.div_euclid(bucket) - first + 1) as usize];
    for i in (0..ts.len()).filter(|&i| valid.get(i)) {
        counts[(ts[i].div_euclid(bucket) - first) as usize] += 1;
    }
    Some(EventsOverTime {
        start_ms: first * bucket,
        bucket_ms: bucket,
        counts,
    })
}
