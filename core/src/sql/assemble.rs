//! An engine's answers (JSON rows, one array per query of [`super::stats_queries`]) back into
//! the structs `mining` computes in memory, sorted the way `mining` sorts them, so the two are
//! equal to the bit. Every value is checked: a missing or mistyped field is a
//! [`SqlError::BadAnswer`] naming the query, never a zero.

use super::SqlError;
use crate::mining::{
    mean_seconds, median_seconds, Dfg, DfgEdge, DurationSummary, EdgePerformance, EventsOverTime,
    Stats, MAX_BUCKETS,
};
use serde_json::Value;
use std::collections::HashMap;

/// The rows each query returned, by query name.
pub type Answers = HashMap<String, Vec<Value>>;

fn bad(query: &str, message: impl Into<String>) -> SqlError {
    SqlError::BadAnswer {
        query: query.to_string(),
        message: message.into(),
    }
}

/// The error for a query the engine did not answer.
pub(super) fn no_answer(query: &str) -> SqlError {
    bad(query, "no answer")
}

fn rows<'a>(answers: &'a Answers, query: &str) -> Result<&'a [Value], SqlError> {
    answers
        .get(query)
        .map(Vec::as_slice)
        .ok_or_else(|| bad(query, "no answer"))
}

fn field<'a>(query: &str, row: &'a Value, key: &str) -> Result<&'a Value, SqlError> {
    row.get(key)
        .ok_or_else(|| bad(query, format!("a row without `{key}`: {row}")))
}

fn count(query: &str, row: &Value, key: &str) -> Result<u64, SqlError> {
    field(query, row, key)?
        .as_u64()
        .ok_or_else(|| bad(query, format!("`{key}` is not a count: {row}")))
}

fn text(query: &str, row: &Value, key: &str) -> Result<String, SqlError> {
    field(query, row, key)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(query, format!("`{key}` is not text: {row}")))
}

fn millis(query: &str, row: &Value, key: &str) -> Result<i64, SqlError> {
    field(query, row, key)?
        .as_i64()
        .ok_or_else(|| bad(query, format!("`{key}` is not milliseconds: {row}")))
}

/// An exact sum, sent as decimal text (or a number when it fits).
fn exact(query: &str, row: &Value, key: &str) -> Result<i128, SqlError> {
    let v = field(query, row, key)?;
    let parsed = match v {
        Value::String(s) => s.parse::<i128>().ok(),
        Value::Number(n) => n.as_i64().map(i128::from),
        _ => None,
    };
    parsed.ok_or_else(|| bad(query, format!("`{key}` is not an integer sum: {row}")))
}

/// The summary of `m` durations from a row with `m`, `lo`, `hi`, `min`, `max`, `sum`; `None`
/// when `m` is 0.
fn summary(query: &str, row: &Value) -> Result<Option<(u64, DurationSummary, f64)>, SqlError> {
    let m = count(query, row, "m")?;
    if m == 0 {
        return Ok(None);
    }
    let sum = exact(query, row, "sum")?;
    let s = DurationSummary {
        min: millis(query, row, "min")? as f64 / 1000.0,
        max: millis(query, row, "max")? as f64 / 1000.0,
        mean: mean_seconds(sum, m),
        median: median_seconds(millis(query, row, "lo")?, millis(query, row, "hi")?, m),
    };
    Ok(Some((m, s, sum as f64 / 1000.0)))
}

/// `(name, count)` rows, most frequent first, ties by name (as `mining`).
fn counts(answers: &Answers, query: &str) -> Result<Vec<(String, u64)>, SqlError> {
    let mut out = rows(answers, query)?
        .iter()
        .map(|r| Ok((text(query, r, "k")?, count(query, r, "n")?)))
        .collect::<Result<Vec<_>, SqlError>>()?;
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// The directly-follows graph with performance, as [`crate::mining::dfg_performance`] (edges
/// without a timed pair have no performance; a log without timestamps has none at all).
pub fn dfg(answers: &Answers) -> Result<Dfg, SqlError> {
    let q = "dfg";
    let mut edges = rows(answers, q)?
        .iter()
        .map(|r| {
            let measured = match field(q, r, "m")? {
                Value::Null => None,
                _ => summary(q, r)?,
            };
            Ok(DfgEdge {
                from: text(q, r, "f")?,
                to: text(q, r, "g")?,
                count: count(q, r, "n")?,
                performance: measured.map(|(m, s, total)| EdgePerformance {
                    measured: m,
                    mean: s.mean,
                    median: s.median,
                    min: s.min,
                    max: s.max,
                    total,
                }),
            })
        })
        .collect::<Result<Vec<_>, SqlError>>()?;
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    Ok(Dfg { edges })
}

/// [`Stats`] (what `spur stats --json` prints) from the answers to [`super::stats_queries`].
/// `timed` says whether the dataset has a timestamp column (without one, durations are null).
pub fn stats(answers: &Answers, timed: bool) -> Result<Stats, SqlError> {
    let totals = rows(answers, "totals")?
        .first()
        .ok_or_else(|| bad("totals", "no row"))?;
    let dfg = dfg(answers)?;
    let mut variants = rows(answers, "variants")?
        .iter()
        .map(|r| {
            let seq = field("variants", r, "v")?
                .as_array()
                .ok_or_else(|| bad("variants", format!("`v` is not a list: {r}")))?
                .iter()
                .map(|a| {
                    a.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad("variants", format!("an activity is not text: {r}")))
                })
                .collect::<Result<Vec<_>, SqlError>>()?;
            Ok((seq, count("variants", r, "n")?))
        })
        .collect::<Result<Vec<_>, SqlError>>()?;
    variants.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let durations = match (timed, rows(answers, "durations")?.first()) {
        (false, _) | (true, None) => None,
        (true, Some(r)) => summary("durations", r)?.map(|(_, s, _)| s),
    };
    Ok(Stats {
        events: count("totals", totals, "events")?,
        cases: count("totals", totals, "cases")?,
        activities: counts(answers, "activities")?,
        start_activities: counts(answers, "start")?,
        end_activities: counts(answers, "end")?,
        dfg: dfg
            .edges
            .into_iter()
            .map(|e| (e.from, e.to, e.count))
            .collect(),
        variants,
        case_duration_seconds: durations,
    })
}

/// The mean first position of each activity from the answer to [`super::positions_query`],
/// divided as [`crate::map::model::first_positions`] divides.
pub fn positions(answers: &Answers) -> Result<Vec<(String, f64)>, SqlError> {
    let q = "positions";
    rows(answers, q)?
        .iter()
        .map(|r| {
            // DuckDB sums BIGINT into HUGEINT, which its JSON prints as text.
            let (sum, cases) = (exact(q, r, "s")?, count(q, r, "n")?);
            Ok((text(q, r, "k")?, sum as f64 / cases as f64))
        })
        .collect()
}

/// Events over time from the answer to [`super::events_over_time_query`] for `bucket_ms`, as
/// [`crate::mining::events_over_time`]: buckets doubled until at most `MAX_BUCKETS` span the
/// events; `None` when no event has a timestamp.
pub fn events_over_time(
    answers: &Answers,
    bucket_ms: i64,
) -> Result<Option<EventsOverTime>, SqlError> {
    let q = "over_time";
    let buckets = rows(answers, q)?
        .iter()
        .map(|r| Ok((millis(q, r, "b")?, count(q, r, "n")?)))
        .collect::<Result<Vec<(i64, u64)>, SqlError>>()?;
    let (Some(lo), Some(hi)) = (
        buckets.iter().map(|b| b.0).min(),
        buckets.iter().map(|b| b.0).max(),
    ) else {
        return Ok(None);
    };
    let base = bucket_ms.max(1);
    // Widening by `factor` maps base bucket `b` to `b.div_euclid(factor)`.
    let mut factor = 1i64;
    while hi.div_euclid(factor) - lo.div_euclid(factor) >= MAX_BUCKETS {
        factor = factor.saturating_mul(2);
    }
    let first = lo.div_euclid(factor);
    let len =
        usize::try_from(hi.div_euclid(factor) - first + 1).map_err(|_| bad(q, "bucket range"))?;
    let mut counts = vec![0u64; len];
    for (b, n) in buckets {
        if let Some(c) = usize::try_from(b.div_euclid(factor) - first)
            .ok()
            .and_then(|i| counts.get_mut(i))
        {
            *c += n;
        }
    }
    let bucket = base.saturating_mul(factor);
    Ok(Some(EventsOverTime {
        start_ms: first.saturating_mul(bucket),
        bucket_ms: bucket,
        counts,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_become_sorted_stats_and_bad_ones_are_named() {
        let mut a = Answers::new();
        a.insert("totals".into(), vec![json!({"events": 3, "cases": 2})]);
        a.insert(
            "activities".into(),
            vec![json!({"k": "b", "n": 1}), json!({"k": "a", "n": 2})],
        );
        a.insert("start".into(), vec![json!({"k": "a", "n": 2})]);
        a.insert(
            "end".into(),
            vec![json!({"k": "b", "n": 1}), json!({"k": "a", "n": 1})],
        );
        a.insert(
            "dfg".into(),
            vec![json!({"f": "a", "g": "b", "n": 1, "m": 1, "lo": 1500, "hi": 1500, "min": 1500, "max": 1500, "sum": "1500"})],
        );
        a.insert(
            "variants".into(),
            vec![
                json!({"v": ["a", "b"], "n": 1}),
                json!({"v": ["a"], "n": 1}),
            ],
        );
        a.insert(
            "durations".into(),
            vec![json!({"m": 2, "lo": 0, "hi": 1500, "min": 0, "max": 1500, "sum": "1500"})],
        );
        let s = stats(&a, true).expect("stats");
        assert_eq!(s.activities[0], ("a".to_string(), 2));
        assert_eq!(s.end_activities[0].0, "a");
        assert_eq!(s.variants[0].0, ["a"]);
        let d = s.case_duration_seconds.expect("timed");
        assert_eq!((d.median, d.mean, d.max), (0.75, 0.75, 1.5));
        a.insert("totals".into(), vec![json!({"events": -1, "cases": 2})]);
        let e = stats(&a, true).expect_err("negative count");
        assert!(e.to_string().contains("`totals`"), "{e}");
    }
}
