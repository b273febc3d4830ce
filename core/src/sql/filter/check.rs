//! Refusing, before any number is shown, the filters `toolkit::filter` refuses in memory, with
//! its words: activities the dataset lacks (from the engine's answer), ranges out of order,
//! negative durations or gaps, time conditions without timestamps, empty lists, top 0, a
//! coverage outside (0, 1].

use crate::sql::assemble::Answers;
use crate::sql::{Query, SqlError};
use crate::toolkit::filter::{check_activity, Filter, FilterError};

/// The dataset's activities before any filter (for [`check`]); asked only when filters are.
pub fn activities_query() -> Query {
    Query {
        name: "known_activities",
        sql: "SELECT DISTINCT a AS k FROM spur_events_0".into(),
    }
}

/// Refuse the filters the toolkit refuses in memory, with its message (see the module doc;
/// `timed`: the dataset has timestamps; activities from the answer to [`activities_query`]).
pub fn check(filters: &[Filter], answers: &Answers, timed: bool) -> Result<(), SqlError> {
    let known: Vec<String> = match answers.get("known_activities") {
        Some(rows) => rows
            .iter()
            .filter_map(|r| r.get("k")?.as_str().map(str::to_string))
            .collect(),
        None if filters.is_empty() => Vec::new(),
        None => return Err(crate::sql::assemble::no_answer("known_activities")),
    };
    fn walk(f: &Filter, known: &[String], timed: bool) -> Result<(), FilterError> {
        let bad_range = |reason: &str| FilterError::BadRange {
            filter: f.to_string(),
            reason: reason.into(),
        };
        match f {
            // In memory's order: the range first, then the timestamps.
            Filter::TimeRange { from, to, .. } if from > to => Err(bad_range("from is after to")),
            Filter::CaseDuration { min_ms, max_ms }
                if min_ms.is_some_and(|m| m < 0) || max_ms.is_some_and(|m| m < 0) =>
            {
                Err(bad_range("durations cannot be negative"))
            }
            Filter::CaseDuration {
                min_ms: Some(a),
                max_ms: Some(b),
            } if a > b => Err(bad_range("min is above max")),
            Filter::CaseSize {
                min: Some(a),
                max: Some(b),
            } if a > b => Err(bad_range("min is above max")),
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
            Filter::DirectlyFollows { from, to, .. } | Filter::Between { from, to } => {
                check_activity(known, from)?;
                check_activity(known, to)
            }
            Filter::EventuallyFollows {
                from,
                to,
                max_gap_ms,
                ..
            } => {
                check_activity(known, from)?;
                check_activity(known, to)?;
                match max_gap_ms {
                    Some(gap) if *gap < 0 => Err(FilterError::BadRange {
                        filter: f.to_string(),
                        reason: "the maximum gap is negative".into(),
                    }),
                    Some(_) if !timed => Err(FilterError::NoTimestamps {
                        filter: f.to_string(),
                    }),
                    _ => Ok(()),
                }
            }
            Filter::EventAttribute {
                attribute, values, ..
            } if attribute == "concept:name" || attribute == "activity" => {
                values.iter().try_for_each(|a| check_activity(known, a))
            }
            Filter::VariantsTopK { top_k: 0 } => Err(FilterError::ZeroTopK),
            Filter::VariantsCoverage { coverage } if !(*coverage > 0.0 && *coverage <= 1.0) => {
                Err(FilterError::BadCoverage(*coverage))
            }
            Filter::Variants { variants, .. } => {
                let empty = |what| FilterError::Empty {
                    filter: f.to_string(),
                    what,
                };
                if variants.is_empty() {
                    return Err(empty("variant"));
                }
                for v in variants {
                    if v.is_empty() {
                        return Err(empty("activity in every variant"));
                    }
                    v.iter().try_for_each(|a| check_activity(known, a))?;
                }
                Ok(())
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
