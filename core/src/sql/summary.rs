//! The log summary file ([`LogSummary`], `spur stats --engine … --summary-out`) from an engine:
//! [`queries`] adds to the statistics plan what the summary holds beyond it (first positions,
//! events over time by day, the case-duration histogram, case sizes, the time range), and
//! [`assemble`] reads the answers into the very struct `LogSummary::of` computes in memory —
//! the same numbers, so the same bytes.
//!
//! The histogram bins in integer arithmetic (`(d − min)·BINS div (max − min)`, capped at the
//! last bin), as `mining::summary_file::duration_bin` does, so no float rounding can move a
//! case to another bin.

use super::assemble::{self as asm, Answers};
use super::{case_ms, Dialect, Query, SqlError};
use crate::mining::summary_file::{
    CaseDurationSummary, DurationHistogram, TimeRange, DURATION_BINS, SUMMARY_BUCKET_MS,
    SUMMARY_FORMAT,
};
use crate::mining::LogSummary;
use serde_json::Value;

/// The statistics plan plus the summary's own queries, over `spur_events`.
pub fn queries(dialect: Dialect) -> Vec<Query> {
    let bins = DURATION_BINS;
    let last = bins - 1;
    let bin = dialect.int_div(&format!("(d - lo) * {bins}"), "hi - lo");
    let mut q = super::stats_queries(dialect);
    q.extend([
        super::positions_query(),
        super::events_over_time_query(SUMMARY_BUCKET_MS),
        Query {
            name: "duration_bins",
            sql: format!(
                "SELECT CASE WHEN hi = lo THEN 0 ELSE least({bin}, {last}) END AS k, count(*) AS n \
                 FROM ({}) x CROSS JOIN (SELECT min(d) AS lo, max(d) AS hi FROM ({}) y) r \
                 WHERE d IS NOT NULL GROUP BY 1",
                case_ms(dialect),
                case_ms(dialect)
            ),
        },
        Query {
            name: "case_sizes",
            sql: "SELECT len AS k, count(*) AS n FROM spur_events WHERE p = 1 GROUP BY len".into(),
        },
        Query {
            name: "time_range",
            sql: "SELECT min(t) AS lo, max(t) AS hi FROM spur_events".into(),
        },
    ]);
    q
}

fn bad(query: &str, message: String) -> SqlError {
    SqlError::BadAnswer {
        query: query.into(),
        message,
    }
}

fn rows<'a>(answers: &'a Answers, query: &str) -> Result<&'a [Value], SqlError> {
    answers
        .get(query)
        .map(Vec::as_slice)
        .ok_or_else(|| bad(query, "no answer".into()))
}

fn int(query: &str, row: &Value, key: &str) -> Result<Option<i64>, SqlError> {
    match row.get(key) {
        Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(query, format!("`{key}` is not an integer: {row}"))),
        None => Err(bad(query, format!("a row without `{key}`: {row}"))),
    }
}

fn count(query: &str, row: &Value, key: &str) -> Result<u64, SqlError> {
    row.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(query, format!("`{key}` is not a count: {row}")))
}

/// The [`LogSummary`] from the answers to [`queries`]; `timed`: the dataset has a timestamp
/// column.
pub fn assemble(answers: &Answers, timed: bool) -> Result<LogSummary, SqlError> {
    let stats = asm::stats(answers, timed)?;
    let dfg = asm::dfg(answers)?;
    let mut positions = asm::positions(answers)?;
    positions.sort_by(|a, b| a.0.cmp(&b.0));
    let events_over_time = if timed {
        asm::events_over_time(answers, SUMMARY_BUCKET_MS)?
    } else {
        None
    };
    let q = "case_sizes";
    let mut case_sizes = rows(answers, q)?
        .iter()
        .map(|r| Ok((count(q, r, "k")?, count(q, r, "n")?)))
        .collect::<Result<Vec<_>, SqlError>>()?;
    case_sizes.sort_unstable();
    let q = "time_range";
    let range = rows(answers, q)?
        .first()
        .ok_or_else(|| bad(q, "no row".into()))?;
    let time_range = match (timed, int(q, range, "lo")?, int(q, range, "hi")?) {
        (true, Some(first_ms), Some(last_ms)) => Some(TimeRange { first_ms, last_ms }),
        _ => None,
    };
    // The histogram spans the durations' min and max, which the `durations` row holds.
    let histogram = match &stats.case_duration_seconds {
        None => None,
        Some(_) => {
            let q = "durations";
            let row = rows(answers, q)?
                .first()
                .ok_or_else(|| bad(q, "no row".into()))?;
            let (Some(min_ms), Some(max_ms)) = (int(q, row, "min")?, int(q, row, "max")?) else {
                return Err(bad(q, format!("durations without min or max: {row}")));
            };
            let q = "duration_bins";
            let mut counts = vec![0u64; DURATION_BINS];
            for r in rows(answers, q)? {
                let k = int(q, r, "k")?
                    .and_then(|k| usize::try_from(k).ok())
                    .filter(|&k| k < DURATION_BINS)
                    .ok_or_else(|| bad(q, format!("`k` is not a bin: {r}")))?;
                counts[k] += count(q, r, "n")?;
            }
            Some(DurationHistogram {
                min_ms,
                max_ms,
                counts,
            })
        }
    };
    Ok(LogSummary {
        format: SUMMARY_FORMAT.to_string(),
        events: stats.events,
        cases: stats.cases,
        activities: stats.activities,
        start_activities: stats.start_activities,
        end_activities: stats.end_activities,
        dfg: dfg.edges,
        positions,
        variants: stats.variants,
        case_durations: CaseDurationSummary {
            summary: stats.case_duration_seconds,
            histogram,
        },
        case_sizes,
        time_range,
        events_over_time,
    })
}
