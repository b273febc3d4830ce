//! Evaluating a [`Filter`] on a log: a case mask or an event mask, in one pass over the events.
//!
//! [`check`] validates names, types and ranges against a log (strictly: an unknown activity is
//! an error); [`select`] computes the mask and treats an activity absent from the log as matching
//! nothing, because in a chain of filters an earlier step may have removed it.

use super::resolve::{
    case_column, column_matcher, event_field, event_matcher, float_range, in_range, known_activity,
    numeric, Field,
};
use super::{Filter, FilterError, Level, TimeMode};
use crate::log::{ColumnType, EventLog};
use hashbrown::{HashMap, HashSet};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

/// What a filter keeps: cases (per case code) or events (per event index).
pub(super) enum Selection {
    Cases(Vec<bool>),
    Events(Vec<bool>),
}

/// Validate `filter` against `log` without evaluating it.
pub(super) fn check(log: &EventLog, filter: &Filter) -> Result<(), FilterError> {
    let label = || filter.to_string();
    let bad_range = |reason: String| FilterError::BadRange {
        filter: label(),
        reason,
    };
    let need_ts = || {
        if log.has_timestamps() {
            Ok(())
        } else {
            Err(FilterError::NoTimestamps { filter: label() })
        }
    };
    let non_empty = |n: usize, what| {
        if n == 0 {
            Err(FilterError::Empty {
                filter: label(),
                what,
            })
        } else {
            Ok(())
        }
    };
    match filter {
        Filter::TimeRange { from, to, .. } => {
            if from > to {
                return Err(bad_range("from is after to".into()));
            }
            need_ts()?;
        }
        Filter::CaseAttribute {
            attribute, values, ..
        } => {
            non_empty(values.len(), "value")?;
            drop(column_matcher(
                attribute,
                case_column(log, attribute)?,
                values,
            )?);
        }
        Filter::CaseAttributeRange {
            attribute,
            min,
            max,
        } => {
            float_range(*min, *max).map_err(bad_range)?;
            drop(numeric(attribute, case_column(log, attribute)?)?);
        }
        Filter::EventAttribute {
            attribute, values, ..
        } => {
            non_empty(values.len(), "value")?;
            if let Field::Activity = event_field(log, attribute)? {
                for v in values {
                    known_activity(log, v)?;
                }
            }
            drop(event_matcher(log, attribute, values)?);
        }
        Filter::EventAttributeRange {
            attribute,
            min,
            max,
            ..
        } => {
            float_range(*min, *max).map_err(bad_range)?;
            match event_field(log, attribute)? {
                Field::Column(c) => drop(numeric(attribute, c)?),
                _ => {
                    return Err(FilterError::NotNumeric {
                        attribute: attribute.clone(),
                        found: ColumnType::Str,
                    })
                }
            }
        }
        Filter::VariantsTopK { top_k } => {
            if *top_k == 0 {
                return Err(FilterError::ZeroTopK);
            }
        }
        Filter::VariantsCoverage { coverage } => {
            if !(*coverage > 0.0 && *coverage <= 1.0) {
                return Err(FilterError::BadCoverage(*coverage));
            }
        }
        Filter::Variants { variants, .. } => {
            non_empty(variants.len(), "variant")?;
            for v in variants {
                non_empty(v.len(), "activity in every variant")?;
                for a in v {
                    known_activity(log, a)?;
                }
            }
        }
        Filter::HasActivity { activities, .. }
        | Filter::StartActivities { activities, .. }
        | Filter::EndActivities { activities, .. } => {
            non_empty(activities.len(), "activity")?;
            for a in activities {
                known_activity(log, a)?;
            }
        }
        Filter::DirectlyFollows { from, to, .. } | Filter::Between { from, to } => {
            known_activity(log, from)?;
            known_activity(log, to)?;
        }
        Filter::EventuallyFollows {
            from,
            to,
            max_gap_ms,
            ..
        } => {
            known_activity(log, from)?;
            known_activity(log, to)?;
            if let Some(gap) = max_gap_ms {
                if *gap < 0 {
                    return Err(bad_range("the maximum gap is negative".into()));
                }
                need_ts()?;
            }
        }
        Filter::CaseDuration { min_ms, max_ms } => {
            if min_ms.is_some_and(|m| m < 0) || max_ms.is_some_and(|m| m < 0) {
                return Err(bad_range("durations cannot be negative".into()));
            }
            if let (Some(a), Some(b)) = (min_ms, max_ms) {
                if a > b {
                    return Err(bad_range("min is above max".into()));
                }
            }
            need_ts()?;
        }
        Filter::CaseSize { min, max } => {
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    return Err(bad_range("min is above max".into()));
                }
            }
        }
        Filter::Not { filter: inner } => {
            if !inner.is_case_level() {
                return Err(FilterError::NotCaseLevel {
                    filter: inner.to_string(),
                });
            }
            check(log, inner)?;
        }
        Filter::And { filters } => {
            for f in filters {
                check(log, f)?;
            }
        }
    }
    Ok(())
}

/// Evaluate `filter` on `log`.
pub(super) fn select(log: &EventLog, filter: &Filter) -> Result<Selection, FilterError> {
    let acts = log.activity_codes();
    Ok(match filter {
        Filter::TimeRange { from, to, mode } => time_range(log, *from, *to, *mode),
        Filter::CaseAttribute {
            attribute,
            values,
            keep,
        } => {
            let m = column_matcher(attribute, case_column(log, attribute)?, values)?;
            Selection::Cases((0..log.num_cases()).map(|c| m(c) == *keep).collect())
        }
        Filter::CaseAttributeRange {
            attribute,
            min,
            max,
        } => {
            let num = numeric(attribute, case_column(log, attribute)?)?;
            let inside = in_range(*min, *max);
            Selection::Cases(
                (0..log.num_cases())
                    .map(|c| num(c).is_some_and(&inside))
                    .collect(),
            )
        }
        Filter::EventAttribute {
            attribute,
            values,
            keep,
            level,
        } => {
            let m = event_matcher(log, attribute, values)?;
            match level {
                Level::Events => {
                    Selection::Events((0..log.num_events()).map(|i| m(i) == *keep).collect())
                }
                Level::Cases => Selection::Cases(per_case(log, |r| r.into_iter().any(&m) == *keep)),
            }
        }
        Filter::EventAttributeRange {
            attribute,
            min,
            max,
            level,
        } => {
            let num = match event_field(log, attribute)? {
                Field::Column(c) => numeric(attribute, c)?,
                _ => {
                    return Err(FilterError::NotNumeric {
                        attribute: attribute.clone(),
                        found: ColumnType::Str,
                    })
                }
            };
            let inside = in_range(*min, *max);
            let hit = |i: usize| num(i).is_some_and(&inside);
            match level {
                Level::Events => Selection::Events((0..log.num_events()).map(hit).collect()),
                Level::Cases => Selection::Cases(per_case(log, |r| r.into_iter().any(hit))),
            }
        }
        Filter::VariantsTopK { top_k } => {
            let (ids, order) = ranked_variants(log);
            let mut kept = vec![false; order.len()];
            for &v in order.iter().take(*top_k) {
                kept[v as usize] = true;
            }
            Selection::Cases(ids.iter().map(|&v| kept[v as usize]).collect())
        }
        Filter::VariantsCoverage { coverage } => {
            let (ids, order) = ranked_variants(log);
            let mut count = vec![0usize; order.len()];
            for &v in &ids {
                count[v as usize] += 1;
            }
            let need = coverage_need(*coverage, log.num_cases());
            let (mut kept, mut covered) = (vec![false; order.len()], 0);
            for &v in &order {
                if covered >= need {
                    break;
                }
                kept[v as usize] = true;
                covered += count[v as usize];
            }
            Selection::Cases(ids.iter().map(|&v| kept[v as usize]).collect())
        }
        Filter::Variants { variants, keep } => {
            let wanted: HashSet<Vec<u32>> = variants
                .iter()
                .filter_map(|v| {
                    v.iter()
                        .map(|a| log.activities().lookup(a))
                        .collect::<Option<Vec<u32>>>()
                })
                .collect();
            Selection::Cases(
                (0..log.num_cases() as u32)
                    .map(|c| wanted.contains(log.case_activities(c)) == *keep)
                    .collect(),
            )
        }
        Filter::HasActivity { activities, keep } => {
            let hit = activity_mask(log, activities);
            Selection::Cases(per_case(log, |r| {
                r.into_iter().any(|i| hit[acts[i] as usize]) == *keep
            }))
        }
        Filter::StartActivities { activities, keep } => {
            let hit = activity_mask(log, activities);
            Selection::Cases(per_case(log, |r| hit[acts[r.start] as usize] == *keep))
        }
        Filter::EndActivities { activities, keep } => {
            let hit = activity_mask(log, activities);
            Selection::Cases(per_case(log, |r| hit[acts[r.end - 1] as usize] == *keep))
        }
        Filter::DirectlyFollows { from, to, keep } => {
            let (f, t) = (log.activities().lookup(from), log.activities().lookup(to));
            Selection::Cases(per_case(log, |r| {
                let found = match (f, t) {
                    (Some(f), Some(t)) => acts[r].windows(2).any(|w| w[0] == f && w[1] == t),
                    _ => false,
                };
                found == *keep
            }))
        }
        Filter::EventuallyFollows {
            from,
            to,
            max_gap_ms,
            keep,
        } => eventually_follows(log, from, to, *max_gap_ms, *keep),
        Filter::CaseDuration { min_ms, max_ms } => {
            // A sub-log left without timestamps (checked on the input) has no duration.
            let Some((ts, valid)) = log.timestamps() else {
                return Ok(Selection::Cases(vec![false; log.num_cases()]));
            };
            Selection::Cases(per_case(log, |r| {
                let mut timed = r.filter(|&i| valid.get(i));
                let Some(first) = timed.next() else {
                    return false;
                };
                let d = ts[timed.next_back().unwrap_or(first)] - ts[first];
                min_ms.is_none_or(|m| d >= m) && max_ms.is_none_or(|m| d <= m)
            }))
        }
        Filter::CaseSize { min, max } => Selection::Cases(per_case(log, |r| {
            let n = r.len();
            min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
        })),
        Filter::Between { from, to } => between(log, from, to),
        Filter::Not { filter: inner } => match select(log, inner)? {
            Selection::Cases(m) => Selection::Cases(m.into_iter().map(|k| !k).collect()),
            Selection::Events(_) => {
                return Err(FilterError::NotCaseLevel {
                    filter: inner.to_string(),
                })
            }
        },
        Filter::And { filters } => and(log, filters)?,
    })
}

/// Per case (a range of event indices), `keep`.
fn per_case(log: &EventLog, mut keep: impl FnMut(Range<usize>) -> bool) -> Vec<bool> {
    log.case_starts()
        .windows(2)
        .map(|w| keep(w[0] as usize..w[1] as usize))
        .collect()
}

/// The filters in order; the result is expressed over `log`'s cases when every step is
/// case-level, else over its events.
fn and(log: &EventLog, filters: &[Filter]) -> Result<Selection, FilterError> {
    let mut current = Cow::Borrowed(log);
    let mut origin: Vec<u32> = (0..log.num_events() as u32).collect();
    let mut cases_only = true;
    for f in filters {
        let keep_event: Vec<bool> = match select(&current, f)? {
            Selection::Cases(m) => {
                let case = current.case_codes();
                (0..current.num_events())
                    .map(|i| m[case[i] as usize])
                    .collect()
            }
            Selection::Events(m) => {
                cases_only = false;
                m
            }
        };
        origin = origin
            .iter()
            .zip(&keep_event)
            .filter(|(_, &k)| k)
            .map(|(&o, _)| o)
            .collect();
        current = Cow::Owned(current.select_events(&keep_event));
    }
    if cases_only {
        let mut mask = vec![false; log.num_cases()];
        for &o in &origin {
            mask[log.case_codes()[o as usize] as usize] = true;
        }
        Ok(Selection::Cases(mask))
    } else {
        let mut mask = vec![false; log.num_events()];
        for &o in &origin {
            mask[o as usize] = true;
        }
        Ok(Selection::Events(mask))
    }
}

fn time_range(log: &EventLog, from: i64, to: i64, mode: TimeMode) -> Selection {
    let Some((ts, valid)) = log.timestamps() else {
        // Only a sub-log can lack timestamps here (the input was checked): nothing is in range.
        return match mode {
            TimeMode::Events => Selection::Events(vec![false; log.num_events()]),
            _ => Selection::Cases(vec![false; log.num_cases()]),
        };
    };
    if mode == TimeMode::Events {
        return Selection::Events(
            (0..log.num_events())
                .map(|i| valid.get(i) && ts[i] >= from && ts[i] <= to)
                .collect(),
        );
    }
    Selection::Cases(per_case(log, |r| {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for i in r.filter(|&i| valid.get(i)) {
            lo = lo.min(ts[i]);
            hi = hi.max(ts[i]);
        }
        if lo > hi {
            return false; // no timestamp in the case
        }
        match mode {
            TimeMode::Contained => lo >= from && hi <= to,
            TimeMode::Intersecting => lo < to && hi > from,
            TimeMode::StartedIn => from <= lo && lo <= to,
            TimeMode::CompletedIn => from <= hi && hi <= to,
            TimeMode::Events => false,
        }
    }))
}

fn eventually_follows(
    log: &EventLog,
    from: &str,
    to: &str,
    max_gap_ms: Option<i64>,
    keep: bool,
) -> Selection {
    let acts = log.activity_codes();
    let (Some(f), Some(t)) = (log.activities().lookup(from), log.activities().lookup(to)) else {
        return Selection::Cases(vec![!keep; log.num_cases()]);
    };
    let Some(gap) = max_gap_ms else {
        return Selection::Cases(per_case(log, |r| {
            let mut seen = false;
            for i in r {
                if acts[i] == t && seen {
                    return keep;
                }
                seen |= acts[i] == f;
            }
            !keep
        }));
    };
    let Some((ts, valid)) = log.timestamps() else {
        return Selection::Cases(vec![!keep; log.num_cases()]);
    };
    // Times of the earlier `from` events; a `to` at time x matches one in [x - gap, x].
    let mut froms: BTreeSet<i64> = BTreeSet::new();
    Selection::Cases(per_case(log, |r| {
        froms.clear();
        for i in r.filter(|&i| valid.get(i)) {
            let x = ts[i];
            if acts[i] == t && froms.range(x.saturating_sub(gap)..=x).next().is_some() {
                return keep;
            }
            if acts[i] == f {
                froms.insert(x);
            }
        }
        !keep
    }))
}

/// pm4py's `filter_between` on each case (see the module doc).
fn between(log: &EventLog, from: &str, to: &str) -> Selection {
    let acts = log.activity_codes();
    let mut keep = vec![false; log.num_events()];
    let (Some(f), Some(t)) = (log.activities().lookup(from), log.activities().lookup(to)) else {
        return Selection::Events(keep);
    };
    for w in log.case_starts().windows(2) {
        let mut open: Option<usize> = None;
        for j in w[0] as usize..w[1] as usize {
            if let (true, Some(s)) = (acts[j] == t, open) {
                keep[s..=j].fill(true);
                open = (f == t).then_some(j);
            } else if acts[j] == f && open.is_none() {
                open = Some(j);
            }
        }
    }
    Selection::Events(keep)
}

/// Per case its variant id, and variant ids by rank: case count descending, ties by the
/// activity sequence descending (pm4py's `filter_variants_top_k`).
fn ranked_variants(log: &EventLog) -> (Vec<u32>, Vec<u32>) {
    let mut index: HashMap<&[u32], u32> = HashMap::new();
    let mut first_case: Vec<u32> = Vec::new();
    let mut count: Vec<usize> = Vec::new();
    let ids: Vec<u32> = (0..log.num_cases() as u32)
        .map(|c| {
            let next = first_case.len() as u32;
            let id = *index.entry(log.case_activities(c)).or_insert_with(|| {
                first_case.push(c);
                count.push(0);
                next
            });
            count[id as usize] += 1;
            id
        })
        .collect();
    let names = log.activities();
    let seq = |v: u32| {
        log.case_activities(first_case[v as usize])
            .iter()
            .map(|&a| names.resolve(a))
    };
    let mut order: Vec<u32> = (0..first_case.len() as u32).collect();
    order.sort_by(|&a, &b| {
        count[b as usize]
            .cmp(&count[a as usize])
            .then_with(|| seq(b).cmp(seq(a)))
    });
    (ids, order)
}

/// How many cases a coverage share asks for: ⌈coverage · cases⌉, forgiving float noise.
pub(crate) fn coverage_need(coverage: f64, cases: usize) -> usize {
    ((coverage * cases as f64) - 1e-9).ceil().max(0.0) as usize
}

/// Per activity code: is it one of `names`? (Names absent from the log match nothing.)
fn activity_mask(log: &EventLog, names: &[String]) -> Vec<bool> {
    let mut hit = vec![false; log.activities().len()];
    for n in names {
        if let Some(c) = log.activities().lookup(n) {
            hit[c as usize] = true;
        }
    }
    hit
}
