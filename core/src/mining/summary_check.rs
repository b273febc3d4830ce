//! What a well-typed [`LogSummary`] must also satisfy before a shell shows it: its counts add
//! up (activities to events, start/end activities, variants and case sizes to cases), every
//! name it uses is an activity, ranges are in order and the histogram has its bins. A file that
//! fails is refused naming the field ([`SummaryError::Inconsistent`]), never drawn.

use super::summary_file::{LogSummary, SummaryError, DURATION_BINS};
use super::{DurationSummary, MAX_BUCKETS};
use std::collections::HashSet;

fn bad(field: impl Into<String>, message: impl Into<String>) -> SummaryError {
    SummaryError::Inconsistent {
        field: field.into(),
        message: message.into(),
    }
}

/// The sum of `counts`, or an error naming `field` when it overflows.
fn total<'a>(field: &str, mut counts: impl Iterator<Item = &'a u64>) -> Result<u64, SummaryError> {
    counts
        .try_fold(0u64, |s, &n| s.checked_add(n))
        .ok_or_else(|| bad(field, "the counts overflow"))
}

fn sums_to(field: &str, got: u64, want: u64, of: &str) -> Result<(), SummaryError> {
    if got == want {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("the counts sum to {got}, but `{of}` is {want}"),
        ))
    }
}

fn ordered(field: &str, d: &DurationSummary) -> Result<(), SummaryError> {
    let finite = [d.min, d.max, d.mean, d.median]
        .iter()
        .all(|v| v.is_finite());
    if !finite || d.min > d.max || d.median < d.min || d.median > d.max {
        return Err(bad(
            field,
            format!(
                "min {} ≤ median {} ≤ max {} does not hold",
                d.min, d.median, d.max
            ),
        ));
    }
    Ok(())
}

/// See the module doc.
pub(super) fn validate(s: &LogSummary) -> Result<(), SummaryError> {
    let mut names: HashSet<&str> = HashSet::new();
    for (i, (name, _)) in s.activities.iter().enumerate() {
        if !names.insert(name.as_str()) {
            return Err(bad(
                format!("activities[{i}]"),
                format!("`{name}` is listed twice"),
            ));
        }
    }
    let known = |field: String, name: &str| {
        if names.contains(name) {
            Ok(())
        } else {
            Err(bad(field, format!("`{name}` is not one of the activities")))
        }
    };
    sums_to(
        "activities",
        total("activities", s.activities.iter().map(|a| &a.1))?,
        s.events,
        "events",
    )?;
    for (field, list) in [
        ("start_activities", &s.start_activities),
        ("end_activities", &s.end_activities),
    ] {
        for (i, (name, _)) in list.iter().enumerate() {
            known(format!("{field}[{i}]"), name)?;
        }
        sums_to(
            field,
            total(field, list.iter().map(|a| &a.1))?,
            s.cases,
            "cases",
        )?;
    }
    for (i, e) in s.dfg.iter().enumerate() {
        known(format!("dfg[{i}].from"), &e.from)?;
        known(format!("dfg[{i}].to"), &e.to)?;
        if let Some(p) = &e.performance {
            if p.measured > e.count || p.measured == 0 || p.min > p.max {
                return Err(bad(
                    format!("dfg[{i}].performance"),
                    format!(
                        "{} measured of {} pairs, min {} and max {}",
                        p.measured, e.count, p.min, p.max
                    ),
                ));
            }
        }
    }
    for (i, (name, p)) in s.positions.iter().enumerate() {
        known(format!("positions[{i}]"), name)?;
        if !(p.is_finite() && *p >= 0.0) {
            return Err(bad(format!("positions[{i}]"), format!("position {p}")));
        }
    }
    for (i, (seq, _)) in s.variants.iter().enumerate() {
        if seq.is_empty() {
            return Err(bad(format!("variants[{i}]"), "an empty variant"));
        }
        for (j, a) in seq.iter().enumerate() {
            known(format!("variants[{i}][{j}]"), a)?;
        }
    }
    sums_to(
        "variants",
        total("variants", s.variants.iter().map(|v| &v.1))?,
        s.cases,
        "cases",
    )?;
    sums_to(
        "case_sizes",
        total("case_sizes", s.case_sizes.iter().map(|c| &c.1))?,
        s.cases,
        "cases",
    )?;
    let events = s
        .case_sizes
        .iter()
        .try_fold(0u64, |sum, (size, n)| {
            sum.checked_add(size.checked_mul(*n)?)
        })
        .ok_or_else(|| bad("case_sizes", "the counts overflow"))?;
    if events != s.events {
        return Err(bad(
            "case_sizes",
            format!(
                "size × cases sums to {events} events, but `events` is {}",
                s.events
            ),
        ));
    }
    let d = &s.case_durations;
    match (&d.summary, &d.histogram) {
        (None, None) => {}
        (Some(summary), Some(h)) => {
            ordered("case_durations.summary", summary)?;
            if h.counts.len() != DURATION_BINS || h.min_ms > h.max_ms {
                return Err(bad(
                    "case_durations.histogram",
                    format!(
                        "{} bins from {} to {} ms; it needs {DURATION_BINS} bins, min ≤ max",
                        h.counts.len(),
                        h.min_ms,
                        h.max_ms
                    ),
                ));
            }
            let timed = total("case_durations.histogram", h.counts.iter())?;
            if timed == 0 || timed > s.cases {
                return Err(bad(
                    "case_durations.histogram",
                    format!("{timed} cases of {}", s.cases),
                ));
            }
        }
        _ => {
            return Err(bad(
                "case_durations",
                "a summary without a histogram (or the reverse)",
            ))
        }
    }
    if let Some(r) = &s.time_range {
        if r.first_ms > r.last_ms {
            return Err(bad("time_range", "first_ms is after last_ms"));
        }
    }
    if let Some(t) = &s.events_over_time {
        let len = i64::try_from(t.counts.len()).unwrap_or(i64::MAX);
        if t.bucket_ms < 1 || len > MAX_BUCKETS || t.start_ms.rem_euclid(t.bucket_ms) != 0 {
            return Err(bad(
                "events_over_time",
                format!(
                    "{len} buckets of {} ms from {}; it needs buckets ≥ 1 ms, at most {MAX_BUCKETS}, starting at a multiple of the width",
                    t.bucket_ms, t.start_ms
                ),
            ));
        }
        let n = total("events_over_time.counts", t.counts.iter())?;
        if n > s.events {
            return Err(bad(
                "events_over_time.counts",
                format!("{n} events, more than `events` ({})", s.events),
            ));
        }
    }
    Ok(())
}
