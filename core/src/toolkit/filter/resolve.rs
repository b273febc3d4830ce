//! Resolving a filter's names and values against a log: activities (with a "did you mean"),
//! case and event attributes (the fixed roles included), typed value matchers and numeric
//! accessors, so the evaluator only sees codes and closures.

use super::FilterError;
use crate::log::{Column, ColumnData, EventLog, NO_RESOURCE};

pub(super) fn known_activity(log: &EventLog, name: &str) -> Result<(), FilterError> {
    if log.activities().lookup(name).is_some() {
        return Ok(());
    }
    unknown_activity(log.activities().iter().map(String::from).collect(), name)
}

/// The refusal of an activity `name` that is not among `available` (with a "did you mean").
pub(super) fn unknown_activity(mut available: Vec<String>, name: &str) -> Result<(), FilterError> {
    available.sort();
    let closest = available
        .iter()
        .map(|a| (edit_distance(&a.to_lowercase(), &name.to_lowercase()), a))
        .filter(|(d, _)| *d <= name.chars().count().div_ceil(2).max(2))
        .min()
        .map(|(_, a)| a.clone());
    Err(FilterError::UnknownActivity {
        activity: name.to_string(),
        closest,
        available,
    })
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

pub(super) fn float_range(min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    if min.is_some_and(|m| !m.is_finite()) || max.is_some_and(|m| !m.is_finite()) {
        return Err("bounds must be finite numbers".into());
    }
    match (min, max) {
        (Some(a), Some(b)) if a > b => Err("min is above max".into()),
        _ => Ok(()),
    }
}

pub(super) fn in_range(min: Option<f64>, max: Option<f64>) -> impl Fn(f64) -> bool {
    move |v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
}

pub(super) fn case_column<'a>(log: &'a EventLog, name: &str) -> Result<&'a Column, FilterError> {
    log.case_attribute(name)
        .or_else(|| log.case_attribute(name.strip_prefix("case:")?))
        .ok_or_else(|| FilterError::UnknownAttribute {
            attribute: name.to_string(),
            level: "case",
            available: log
                .case_attributes()
                .iter()
                .map(|c| c.name().to_string())
                .collect(),
        })
}

/// An event attribute: a column, or one of the fixed roles.
pub(super) enum Field<'a> {
    Activity,
    Resource,
    Column(&'a Column),
}

pub(super) fn event_field<'a>(log: &'a EventLog, name: &str) -> Result<Field<'a>, FilterError> {
    if let Some(c) = log.event_attribute(name) {
        return Ok(Field::Column(c));
    }
    match name {
        "concept:name" | "activity" => Ok(Field::Activity),
        "org:resource" | "resource" => Ok(Field::Resource),
        _ => Err(FilterError::UnknownAttribute {
            attribute: name.to_string(),
            level: "event",
            available: ["concept:name", "org:resource"]
                .into_iter()
                .map(String::from)
                .chain(log.event_attributes().iter().map(|c| c.name().to_string()))
                .collect(),
        }),
    }
}

pub(super) type RowTest<'a> = Box<dyn Fn(usize) -> bool + 'a>;

pub(super) fn event_matcher<'a>(
    log: &'a EventLog,
    name: &str,
    values: &[String],
) -> Result<RowTest<'a>, FilterError> {
    let codes = |dict: &crate::log::Interner| {
        let mut hit = vec![false; dict.len()];
        for v in values {
            if let Some(c) = dict.lookup(v) {
                hit[c as usize] = true;
            }
        }
        hit
    };
    Ok(match event_field(log, name)? {
        Field::Column(c) => column_matcher(name, c, values)?,
        Field::Activity => {
            let (hit, acts) = (codes(log.activities()), log.activity_codes());
            Box::new(move |i| hit[acts[i] as usize])
        }
        Field::Resource => {
            let (hit, res) = (codes(log.resources()), log.resource_codes());
            Box::new(move |i| res[i] != NO_RESOURCE && hit[res[i] as usize])
        }
    })
}

/// Row `i` of `col` holds one of `values` (parsed to the column's type).
pub(super) fn column_matcher<'a>(
    attribute: &str,
    col: &'a Column,
    values: &[String],
) -> Result<RowTest<'a>, FilterError> {
    let valid = col.validity();
    fn parsed<T>(
        attribute: &str,
        col: &Column,
        values: &[String],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, FilterError> {
        values
            .iter()
            .map(|v| {
                parse(v.trim()).ok_or_else(|| FilterError::BadValue {
                    attribute: attribute.to_string(),
                    value: v.clone(),
                    found: col.column_type(),
                })
            })
            .collect()
    }
    Ok(match col.data() {
        ColumnData::Str { codes, dict } => {
            let mut hit = vec![false; dict.len()];
            for v in values {
                if let Some(c) = dict.lookup(v) {
                    hit[c as usize] = true;
                }
            }
            Box::new(move |i| valid.get(i) && hit.get(codes[i] as usize) == Some(&true))
        }
        ColumnData::Int(xs) => {
            let set = parsed(attribute, col, values, |s| s.parse::<i64>().ok())?;
            Box::new(move |i| valid.get(i) && set.contains(&xs[i]))
        }
        ColumnData::Float(xs) => {
            let set = parsed(attribute, col, values, |s| s.parse::<f64>().ok())?;
            Box::new(move |i| valid.get(i) && set.contains(&xs[i]))
        }
        ColumnData::Bool(xs) => {
            let set = parsed(attribute, col, values, |s| {
                match s.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                }
            })?;
            Box::new(move |i| valid.get(i) && set.contains(&xs[i]))
        }
        ColumnData::Timestamp(xs) => {
            let set = parsed(attribute, col, values, |s| {
                crate::import::timestamp::parse_any(s).map(|(ms, _)| ms)
            })?;
            Box::new(move |i| valid.get(i) && set.contains(&xs[i]))
        }
    })
}

pub(super) type RowNumber<'a> = Box<dyn Fn(usize) -> Option<f64> + 'a>;

/// Row `i` of a numeric column as a float.
pub(super) fn numeric<'a>(attribute: &str, col: &'a Column) -> Result<RowNumber<'a>, FilterError> {
    let valid = col.validity();
    match col.data() {
        ColumnData::Int(xs) => Ok(Box::new(move |i| valid.get(i).then(|| xs[i] as f64))),
        ColumnData::Float(xs) => Ok(Box::new(move |i| valid.get(i).then(|| xs[i]))),
        _ => Err(FilterError::NotNumeric {
            attribute: attribute.to_string(),
            found: col.column_type(),
        }),
    }
}
