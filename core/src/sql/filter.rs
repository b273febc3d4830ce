//! The toolkit's filters (`toolkit::filter::Filter`) that map to SQL, as statements narrowing
//! the ordered events before the statistics read them: each filter reads the table the one
//! before wrote (`spur_events_0` = [`super::events_view`]'s) and writes the next; the last
//! becomes the view `spur_events` that [`super::stats_queries`] reads.
//!
//! Semantics are `toolkit::filter`'s: a case-level filter keeps whole cases (a case without
//! timestamps matches no time or duration condition, also under `Not`'s negation of it only
//! as `Not` in memory does); the event-level time range keeps the events in range and
//! renumbers their positions. Directly follows (`lead` over the case), eventually follows
//! (first `from` before the last `to`; with a gap, a self-join of the pairs), variants top-k,
//! coverage and lists (each case's ordered activity list, ranked by count then sequence
//! descending as pm4py) compile to a set of cases whose flag the predicate reads, so they
//! compose under `Not` and `And`. Attribute values and ranges (case and event level) are typed
//! conditions on the columns [`super::attributes`] adds to the events table. `Between` keeps
//! events: segments of a case ended by each `to` (see [`between`]). What the toolkit refuses in
//! memory is refused here too ([`check`]: unknown activities, ranges out of order, time
//! conditions without timestamps), from the answer to [`activities_query`], so a typo never
//! becomes a count of zero.

use super::assemble::Answers;
use super::attributes::Attributes;
use super::{Dialect, Query, SqlError};
use crate::toolkit::filter::{Filter, FilterError, FilterStep, Level, TimeMode};

mod check;
pub use check::{activities_query, check};

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

/// An array literal of text.
fn array(dialect: Dialect, items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|a| dialect.string(a)).collect();
    match dialect {
        Dialect::DuckDb => format!("[{}]", items.join(", ")),
        Dialect::Spark => format!("array({})", items.join(", ")),
    }
}

/// Each case of `prev` with its variant `v` (the activities in case order).
fn case_variants(dialect: Dialect, prev: &str) -> String {
    format!(
        "SELECT c, {} AS v FROM {prev} GROUP BY c",
        dialect.ordered_list("a", "p")
    )
}

/// The variants of `prev` ranked as `toolkit::filter` ranks them (case count descending, ties
/// by the activity sequence descending, as pm4py), per case: `c`, `v`, `n` (the variant's
/// cases) and `r` (its rank from 1).
fn ranked_cases(dialect: Dialect, prev: &str) -> String {
    format!(
        "SELECT c, v, n, dense_rank() OVER (ORDER BY n DESC, v DESC) AS r FROM \
         (SELECT c, v, count(*) OVER (PARTITION BY v) AS n FROM ({}) x) y",
        case_variants(dialect, prev)
    )
}

/// A case-level filter as a predicate over one case's events (a `GROUP BY c` with `HAVING`);
/// never NULL. A filter that needs more than one case's rows in order (directly follows, a
/// gap, variants) adds to `sets` a query of the cases it matches in `prev`; the predicate then
/// reads that set's flag `w{i}` (see [`case_statement`]).
fn case_predicate(
    dialect: Dialect,
    filter: &Filter,
    prev: &str,
    attrs: &Attributes,
    sets: &mut Vec<String>,
) -> Result<String, SqlError> {
    let any = |cond: String| format!("(max(CASE WHEN {cond} THEN 1 ELSE 0 END) = 1)");
    let keep = |pred: String, keep: bool| if keep { pred } else { format!("(NOT {pred})") };
    fn set(sets: &mut Vec<String>, sql: String) -> String {
        sets.push(sql);
        format!("(max(w{}) = 1)", sets.len() - 1)
    }
    let lit = |a: &str| dialect.string(a);
    Ok(match filter {
        Filter::CaseAttribute { keep: k, .. }
        | Filter::EventAttribute {
            keep: k,
            level: Level::Cases,
            ..
        } => keep(any(condition(dialect, attrs, filter)?), *k),
        Filter::CaseAttributeRange { .. }
        | Filter::EventAttributeRange {
            level: Level::Cases,
            ..
        } => any(condition(dialect, attrs, filter)?),
        Filter::DirectlyFollows { from, to, keep: k } => keep(
            set(
                sets,
                format!(
                "SELECT DISTINCT c FROM (SELECT c, a, lead(a) OVER (PARTITION BY c ORDER BY p) AS g \
                 FROM {prev}) d WHERE a = {} AND g = {}",
                lit(from),
                lit(to)
            )),
            *k,
        ),
        Filter::EventuallyFollows {
            from,
            to,
            max_gap_ms: None,
            keep: k,
        } => keep(
            format!(
                "coalesce(min(CASE WHEN a = {} THEN p END) < max(CASE WHEN a = {} THEN p END), FALSE)",
                lit(from),
                lit(to)
            ),
            *k,
        ),
        Filter::EventuallyFollows {
            from,
            to,
            max_gap_ms: Some(gap),
            keep: k,
        } => keep(
            set(
                sets,
                format!(
                "SELECT DISTINCT x.c FROM {prev} x JOIN {prev} y ON x.c = y.c AND x.p < y.p \
                 WHERE x.a = {} AND y.a = {} AND y.t - x.t >= 0 AND y.t - x.t <= {gap}",
                lit(from),
                lit(to)
            )),
            *k,
        ),
        Filter::VariantsTopK { top_k } => set(
                sets,
                format!(
            "SELECT c FROM ({}) z WHERE r <= {top_k}",
            ranked_cases(dialect, prev)
        )),
        Filter::VariantsCoverage { coverage } => {
            // ⌈coverage · cases − 1e-9⌉ in doubles, as `toolkit::filter` computes it; a
            // variant is kept while the ones ranked before it hold fewer cases than that.
            let need = format!(
                "(SELECT CAST(ceil(CAST('{coverage:?}' AS DOUBLE) * CAST(count(DISTINCT c) AS DOUBLE) \
                 - CAST('1e-9' AS DOUBLE)) AS BIGINT) FROM {prev})"
            );
            set(
                sets,
                format!(
                "SELECT c FROM (SELECT c, r, sum(CASE WHEN first THEN n ELSE 0 END) OVER \
                 (ORDER BY r RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto, n FROM \
                 (SELECT c, r, n, row_number() OVER (PARTITION BY r ORDER BY c) = 1 AS first FROM ({}) q) u) w \
                 WHERE upto - n < {need}",
                ranked_cases(dialect, prev)
            ))
        }
        Filter::Variants { variants, keep: k } => {
            let list: Vec<String> = variants.iter().map(|v| array(dialect, v)).collect();
            keep(
                set(
                sets,
                format!(
                    "SELECT c FROM ({}) x WHERE v IN ({})",
                    case_variants(dialect, prev),
                    list.join(", ")
                )),
                *k,
            )
        }
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
        Filter::Not { filter: inner } if !inner.is_case_level() => {
            return Err(SqlError::Filter(
                FilterError::NotCaseLevel {
                    filter: inner.to_string(),
                }
                .to_string(),
            ))
        }
        Filter::Not { filter: inner } => format!(
            "(NOT {})",
            case_predicate(dialect, inner, prev, attrs, sets)?
        ),
        Filter::And { filters } => {
            let mut parts = Vec::new();
            for (i, f) in filters.iter().enumerate() {
                // `And` runs in order: a ranking sees only the cases the filters before it kept.
                let part = if i > 0 && ranks_cases(f) {
                    let before = Filter::And {
                        filters: filters[..i].to_vec(),
                    };
                    let kept = format!("({})", case_statement(dialect, &before, prev, attrs)?);
                    case_predicate(dialect, f, &kept, attrs, sets)?
                } else {
                    case_predicate(dialect, f, prev, attrs, sets)?
                };
                parts.push(part);
            }
            format!("({})", parts.join(" AND "))
        }
        other => return Err(unsupported(other, "has no SQL form yet")),
    })
}

/// `prev`'s rows with `k` = 1 for the events `Between` keeps (pm4py's `filter_between`, as
/// `toolkit::filter`): with `from` ≠ `to`, a case's events split into segments each ended by a
/// `to`; a segment's events from its first `from` to its `to` are kept. With `from` = `to`,
/// consecutive sub-cases share their boundary: every event from the first occurrence to the
/// last, when there are two or more.
fn between(dialect: Dialect, prev: &str, from: &str, to: &str, columns: &str) -> String {
    let (f, t) = (dialect.string(from), dialect.string(to));
    if from == to {
        return format!(
            "SELECT {columns}, p, CASE WHEN n >= 2 AND p >= lo AND p <= hi THEN 1 ELSE 0 END AS k FROM \
             (SELECT *, min(CASE WHEN a = {f} THEN p END) OVER (PARTITION BY c) AS lo, \
             max(CASE WHEN a = {f} THEN p END) OVER (PARTITION BY c) AS hi, \
             sum(CASE WHEN a = {f} THEN 1 ELSE 0 END) OVER (PARTITION BY c) AS n FROM {prev}) b"
        );
    }
    format!(
        "SELECT {columns}, p, CASE WHEN closed = 1 AND p >= first_from THEN 1 ELSE 0 END AS k FROM \
         (SELECT *, min(CASE WHEN a = {f} THEN p END) OVER (PARTITION BY c, seg) AS first_from, \
         max(CASE WHEN a = {t} THEN 1 ELSE 0 END) OVER (PARTITION BY c, seg) AS closed FROM \
         (SELECT *, coalesce(sum(CASE WHEN a = {t} THEN 1 ELSE 0 END) OVER (PARTITION BY c ORDER BY p \
         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg FROM {prev}) s) b"
    )
}

/// The row condition of an attribute filter.
fn condition(dialect: Dialect, attrs: &Attributes, filter: &Filter) -> Result<String, SqlError> {
    attrs
        .condition(dialect, filter)
        .unwrap_or_else(|| Err(unsupported(filter, "is no attribute filter")))
}

/// Does whether `filter` keeps a case depend on the other cases (a variant's rank does)?
fn ranks_cases(filter: &Filter) -> bool {
    match filter {
        Filter::VariantsTopK { .. } | Filter::VariantsCoverage { .. } => true,
        Filter::Not { filter } => ranks_cases(filter),
        Filter::And { filters } => filters.iter().any(ranks_cases),
        _ => false,
    }
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

/// The query keeping the cases of `prev` the case-level `filter` keeps: a `GROUP BY c` with
/// the predicate in `HAVING`, over `prev` and, per case set the predicate needs, its flag `w{i}`
/// (1 for the set's cases) joined on.
fn case_statement(
    dialect: Dialect,
    filter: &Filter,
    prev: &str,
    attrs: &Attributes,
) -> Result<String, SqlError> {
    let mut sets = Vec::new();
    let pred = case_predicate(dialect, filter, prev, attrs, &mut sets)?;
    let source = if sets.is_empty() {
        prev.to_string()
    } else {
        let flags: Vec<String> = (0..sets.len())
            .map(|i| format!("CASE WHEN s{i}.c IS NULL THEN 0 ELSE 1 END AS w{i}"))
            .collect();
        let joins: String = sets
            .iter()
            .enumerate()
            .map(|(i, q)| {
                format!(" LEFT JOIN (SELECT DISTINCT c FROM ({q}) j) s{i} ON x.c = s{i}.c")
            })
            .collect();
        format!("(SELECT x.*, {} FROM {prev} x{joins}) y", flags.join(", "))
    };
    Ok(format!(
        "SELECT * FROM {prev} WHERE c IN (SELECT c FROM {source} GROUP BY c HAVING {pred})"
    ))
}

/// The statements that apply `filters` in order to `spur_events_0` and leave the view
/// `spur_events` (run after [`super::events_view`], before the queries).
pub fn filter_statements(
    dialect: Dialect,
    filters: &[Filter],
    attrs: &Attributes,
) -> Result<Vec<String>, SqlError> {
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
    // An event-level filter keeps rows and renumbers the positions, carrying the attributes.
    let columns: String = std::iter::once("c, a, t".to_string())
        .chain(attrs.aliases())
        .collect::<Vec<_>>()
        .join(", ");
    for (i, f) in flat.iter().enumerate() {
        let (prev, next) = (format!("spur_events_{i}"), format!("spur_events_{}", i + 1));
        let keep_events_of = |source: &str, cond: String| {
            format!(
                "{table} {next} AS SELECT {columns}, row_number() OVER (PARTITION BY c ORDER BY p) AS p, \
                 count(*) OVER (PARTITION BY c) AS len FROM {source} WHERE {cond}"
            )
        };
        let keep_events = |cond: String| keep_events_of(&prev, cond);
        let sql = match f {
            Filter::TimeRange {
                from,
                to,
                mode: TimeMode::Events,
            } => keep_events(format!("t >= {from} AND t <= {to}")),
            Filter::EventAttribute {
                keep,
                level: Level::Events,
                ..
            } => {
                let cond = condition(dialect, attrs, f)?;
                keep_events(if *keep { cond } else { format!("NOT {cond}") })
            }
            Filter::EventAttributeRange {
                level: Level::Events,
                ..
            } => keep_events(condition(dialect, attrs, f)?),
            Filter::Between { from, to } => keep_events_of(
                &format!("({}) z", between(dialect, &prev, from, to, &columns)),
                "k = 1".into(),
            ),
            f => format!(
                "{table} {next} AS {}",
                case_statement(dialect, f, &prev, attrs)?
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
        let none = Attributes::default();
        let s = filter_statements(Dialect::DuckDb, &[has], &none).expect("compiles");
        assert!(
            s[0].contains("(NOT (max(CASE WHEN a IN ('it''s') THEN 1 ELSE 0 END) = 1))"),
            "{}",
            s[0]
        );
        assert_eq!(
            s[1],
            "CREATE TEMP VIEW spur_events AS SELECT * FROM spur_events_1"
        );
        let negated_events = Filter::Not {
            filter: Box::new(Filter::Between {
                from: "a".into(),
                to: "b".into(),
            }),
        };
        let e = filter_statements(Dialect::DuckDb, &[negated_events], &none).expect_err("events");
        assert!(
            e.to_string()
                .contains("keeps events, not cases, so it cannot be negated"),
            "{e}"
        );
    }
}
