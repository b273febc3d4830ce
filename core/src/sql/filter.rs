//! The toolkit's filters (`toolkit::filter::Filter`) that map to SQL, as statements narrowing
//! the ordered events before the statistics read them: each filter reads the table the one
//! before wrote (`spur_events_0` = [`super::events_view`]'s) and writes the next; the last
//! becomes the view `spur_events` that [`super::stats_queries`] reads.
//!
//! Semantics are `toolkit::filter`'s: a case-level filter keeps whole cases (a case without
//! timestamps matches no time or duration condition, also under `Not`'s negation of it only
//! as `Not` in memory does); the event-level time range keeps the events in range and
//! renumbers their positions. Not yet compiled: attributes, variants, directly/eventually
//! follows, `Between` — they are refused by name. What the toolkit refuses in memory is
//! refused here too ([`check`]: unknown activities, time conditions without timestamps), from
//! the answer to [`activities_query`], so a typo never becomes a count of zero.

use super::assemble::Answers;
use super::{Dialect, Query, SqlError};
use crate::toolkit::filter::{check_activity, Filter, FilterError, FilterStep, TimeMode};

/// The dataset's activities before any filter (for [`check`]); asked only when filters are.
pub fn activities_query() -> Query {
    Query {
        name: "known_activities",
        sql: "SELECT DISTINCT a AS k FROM spur_events_0".into(),
    }
}

/// Refuse the filters the toolkit refuses in memory, with its message: an activity the dataset
/// lacks (from the answer to [`activities_query`]), a time or duration condition on a dataset
/// without timestamps (`timed`), an empty activity list.
pub fn check(filters: &[Filter], answers: &Answers, timed: bool) -> Result<(), SqlError> {
    let known: Vec<String> = match answers.get("known_activities") {
        Some(rows) => rows
            .iter()
            .filter_map(|r| r.get("k")?.as_str().map(str::to_string))
            .collect(),
        None if filters.is_empty() => Vec::new(),
        None => return Err(super::assemble::no_answer("known_activities")),
    };
    fn walk(f: &Filter, known: &[String], timed: bool) -> Result<(), FilterError> {
        match f {
            Filter::HasActivity { activities, .. }
            | Filter::StartActivities { activities, .. }
            | Filter::EndActivities { activities, .. } => {
                if activities.is_empty() {
                    return Err(FilterError::Empty {
                        filter: f.to_string(),
                        what: "activity",
                    });
                }
                activities.iter().try_for_each(|a| check_activity(known, a))
            }
            Filter::TimeRange { .. } | Filter::CaseDuration { .. } if !timed => {
                Err(FilterError::NoTimestamps {
                    filter: f.to_string(),
                })
            }
            Filter::Not { filter } => walk(filter, known, timed),
            Filter::And { filters } => filters.iter().try_for_each(|g| walk(g, known, timed)),
            _ => Ok(()),
        }
    }
    filters
        .iter()
        .try_for_each(|f| walk(f, &known, timed))
        .map_err(|e| SqlError::Filter(e.to_string()))
}

/// `c IN (…)` over the activity names.
fn one_of(dialect: Dialect, activities: &[String]) -> String {
    let list: Vec<String> = activities.iter().map(|a| dialect.string(a)).collect();
    format!("a IN ({})", list.join(", "))
}

fn range<T: std::fmt::Display>(expr: &str, min: Option<T>, max: Option<T>) -> String {
    let mut parts = Vec::new();
    if let Some(m) = min {
        parts.push(format!("{expr} >= {m}"));
    }
    if let Some(m) = max {
        parts.push(format!("{expr} <= {m}"));
    }
    if parts.is_empty() {
        "TRUE".into()
    } else {
        format!("({})", parts.join(" AND "))
    }
}

/// A case-level filter as a predicate over one case's events (a `GROUP BY c` with `HAVING`);
/// never NULL.
fn case_predicate(dialect: Dialect, filter: &Filter) -> Result<String, SqlError> {
    let any = |cond: String| format!("(max(CASE WHEN {cond} THEN 1 ELSE 0 END) = 1)");
    let keep = |pred: String, keep: bool| if keep { pred } else { format!("(NOT {pred})") };
    Ok(match filter {
        Filter::HasActivity {
            activities,
            keep: k,
        } => keep(any(one_of(dialect, activities)), *k),
        Filter::StartActivities {
            activities,
            keep: k,
        } => keep(
            any(format!("p = 1 AND {}", one_of(dialect, activities))),
            *k,
        ),
        Filter::EndActivities {
            activities,
            keep: k,
        } => keep(
            any(format!("p = len AND {}", one_of(dialect, activities))),
            *k,
        ),
        Filter::CaseSize { min, max } => range("count(*)", *min, *max),
        Filter::CaseDuration { min_ms, max_ms } => {
            let d = format!(
                "({} - {})",
                dialect.last_by("t", "p"),
                dialect.first_by("t", "p")
            );
            format!("coalesce({}, FALSE)", range(&d, *min_ms, *max_ms))
        }
        Filter::TimeRange { from, to, mode } => {
            let pred = match mode {
                TimeMode::Contained => format!("min(t) >= {from} AND max(t) <= {to}"),
                TimeMode::Intersecting => format!("min(t) < {to} AND max(t) > {from}"),
                TimeMode::StartedIn => format!("{from} <= min(t) AND min(t) <= {to}"),
                TimeMode::CompletedIn => format!("{from} <= max(t) AND max(t) <= {to}"),
                TimeMode::Events => return Err(unsupported(filter, "keeps events, not cases")),
            };
            format!("coalesce(({pred}), FALSE)")
        }
        Filter::Not { filter: inner } => format!("(NOT {})", case_predicate(dialect, inner)?),
        Filter::And { filters } => {
            let parts = filters
                .iter()
                .map(|f| case_predicate(dialect, f))
                .collect::<Result<Vec<_>, _>>()?;
            format!("({})", parts.join(" AND "))
        }
        other => return Err(unsupported(other, "has no SQL form yet")),
    })
}

fn unsupported(filter: &Filter, why: &str) -> SqlError {
    SqlError::Unsupported {
        filter: filter.to_string(),
        why: why.to_string(),
    }
}

/// The filters in the order their statements run (`And` at the top is its filters in order:
/// an event-level part must renumber first), and after each of `filters` the index of the
/// table `spur_events_{i}` that holds what it kept.
fn flatten(filters: &[Filter]) -> (Vec<&Filter>, Vec<usize>) {
    fn push<'a>(f: &'a Filter, flat: &mut Vec<&'a Filter>) {
        match f {
            Filter::And { filters } => filters.iter().for_each(|g| push(g, flat)),
            other => flat.push(other),
        }
    }
    let mut flat: Vec<&Filter> = Vec::new();
    let mut ends = Vec::new();
    for f in filters {
        push(f, &mut flat);
        ends.push(flat.len());
    }
    (flat, ends)
}

/// Events and cases before the filters and after each of them (`i` = 0 before, `k` after the
/// k-th), for [`steps`]: what `spur filter` prints per step.
pub fn steps_query(filters: &[Filter]) -> Query {
    let (_, ends) = flatten(filters);
    let sql = std::iter::once(0)
        .chain(ends)
        .enumerate()
        .map(|(i, table)| {
            format!(
                "SELECT {i} AS i, count(*) AS events, count(DISTINCT c) AS cases FROM spur_events_{table}"
            )
        })
        .collect::<Vec<_>>()
        .join("\nUNION ALL ");
    Query { name: "steps", sql }
}

/// The steps `toolkit::filter::apply_all` reports, from the answer to [`steps_query`].
pub fn steps(filters: &[Filter], answers: &Answers) -> Result<Vec<FilterStep>, SqlError> {
    let q = "steps";
    let bad = |message: String| SqlError::BadAnswer {
        query: q.into(),
        message,
    };
    let mut counts = vec![None; filters.len() + 1];
    let rows = answers
        .get(q)
        .ok_or_else(|| super::assemble::no_answer(q))?;
    for r in rows {
        let get = |k: &str| {
            r.get(k)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| bad(format!("`{k}` is not a count: {r}")))
        };
        let slot = counts
            .get_mut(get("i")?)
            .ok_or_else(|| bad(format!("no such step: {r}")))?;
        *slot = Some((get("cases")?, get("events")?));
    }
    let counts = counts
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad("a step is missing".into()))?;
    Ok(filters
        .iter()
        .zip(counts.windows(2))
        .map(|(f, w)| FilterStep {
            filter: f.to_string(),
            cases_before: w[0].0,
            cases_after: w[1].0,
            events_before: w[0].1,
            events_after: w[1].1,
        })
        .collect())
}

/// The statements that keep only the events of `activities` in `spur_events_0`, renumbering
/// each case's positions (as `EventLog::select_events`), and leave the view `spur_events`: the
/// process map on its most frequent activities (`map::process_map` with an activity share
/// below 1).
pub fn project_statements(dialect: Dialect, activities: &[String]) -> Vec<String> {
    let (table, view) = match dialect {
        Dialect::DuckDb => ("CREATE TEMP TABLE", "CREATE TEMP VIEW"),
        Dialect::Spark => (
            "CREATE OR REPLACE TEMPORARY VIEW",
            "CREATE OR REPLACE TEMPORARY VIEW",
        ),
    };
    let keep = if activities.is_empty() {
        "FALSE".to_string()
    } else {
        one_of(dialect, activities)
    };
    let mut out = vec![
        format!(
            "{table} spur_events_1 AS SELECT c, a, t, row_number() OVER (PARTITION BY c ORDER BY p) AS p, \
             count(*) OVER (PARTITION BY c) AS len FROM spur_events_0 WHERE {keep}"
        ),
        format!("{view} spur_events AS SELECT * FROM spur_events_1"),
    ];
    if dialect == Dialect::Spark {
        out.push("CACHE TABLE spur_events".into());
    }
    out
}

/// The statements that apply `filters` in order to `spur_events_0` and leave the view
/// `spur_events` (run after [`super::events_view`], before the queries).
pub fn filter_statements(dialect: Dialect, filters: &[Filter]) -> Result<Vec<String>, SqlError> {
    let table = match dialect {
        Dialect::DuckDb => "CREATE TEMP TABLE",
        Dialect::Spark => "CREATE OR REPLACE TEMPORARY VIEW",
    };
    let view = match dialect {
        Dialect::DuckDb => "CREATE TEMP VIEW",
        Dialect::Spark => "CREATE OR REPLACE TEMPORARY VIEW",
    };
    let mut out = Vec::new();
    let (flat, _) = flatten(filters);
    for (i, f) in flat.iter().enumerate() {
        let (prev, next) = (format!("spur_events_{i}"), format!("spur_events_{}", i + 1));
        let sql = match f {
            Filter::TimeRange {
                from,
                to,
                mode: TimeMode::Events,
            } => format!(
                "{table} {next} AS SELECT c, a, t, row_number() OVER (PARTITION BY c ORDER BY p) AS p, \
                 count(*) OVER (PARTITION BY c) AS len FROM {prev} WHERE t >= {from} AND t <= {to}"
            ),
            f => format!(
                "{table} {next} AS SELECT * FROM {prev} WHERE c IN \
                 (SELECT c FROM {prev} GROUP BY c HAVING {})",
                case_predicate(dialect, f)?
            ),
        };
        out.push(sql);
    }
    out.push(format!(
        "{view} spur_events AS SELECT * FROM spur_events_{}",
        flat.len()
    ));
    if dialect == Dialect::Spark {
        // Spark's views are plans: without this, every query sorts the whole dataset again.
        out.push("CACHE TABLE spur_events".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_compile_or_are_refused_by_name() {
        let has = Filter::HasActivity {
            activities: vec!["it's".into()],
            keep: false,
        };
        let s = filter_statements(Dialect::DuckDb, &[has]).expect("compiles");
        assert!(
            s[0].contains("(NOT (max(CASE WHEN a IN ('it''s') THEN 1 ELSE 0 END) = 1))"),
            "{}",
            s[0]
        );
        assert_eq!(
            s[1],
            "CREATE TEMP VIEW spur_events AS SELECT * FROM spur_events_1"
        );
        let df = Filter::DirectlyFollows {
            from: "a".into(),
            to: "b".into(),
            keep: true,
        };
        let e = filter_statements(Dialect::DuckDb, &[df]).expect_err("not yet");
        assert!(e.to_string().contains("has no SQL form yet"), "{e}");
    }
}
