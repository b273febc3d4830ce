//! The attribute filters in SQL (`case-attr:`, `event-attr:`, `events:`, values and numeric
//! ranges): [`resolve`] finds each attribute a filter names among the dataset's columns as the
//! Parquet reader would read it, and the filters compile to typed conditions on those columns.
//!
//! Names are the reader's: a column `case:NAME` is the case attribute `NAME` (also asked for as
//! `case:NAME`), and its value for a case is the first non-null one in file order; any other
//! column is an event attribute, and `concept:name`/`activity`, `org:resource`/`resource` name
//! the activity and resource roles. Values are compared typed, as `toolkit::filter` does: the
//! filter's text parsed to the column's type (a value that does not parse is refused naming
//! it), integers and floats exactly, booleans `true`/`false`, times as milliseconds; a range
//! compares the value as a double. Missing values never match, so `keep: false` keeps them.

use super::{Dialect, Roles, SqlError};
use crate::arrow::{RESOURCE_ALTERNATIVES, ROW_COLUMN};
use crate::import::Mapping;
use crate::log::ColumnType;
use crate::toolkit::filter::{Filter, FilterError};

/// What an attribute is in the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// The events' activity (`a`).
    Activity,
    /// The resource role's column, read as text (as the reader reads it).
    Resource { name: String },
    /// A column (the resource role too), typed.
    Column { name: String, ty: ColumnType },
}

/// One attribute a filter reads, as the column `alias` of the events table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Attribute {
    /// As the filter names it, and at which level.
    name: String,
    case_level: bool,
    source: Source,
    alias: String,
}

/// The attributes the filters read: the columns [`Attributes::columns`] adds to the events
/// table, and their conditions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    list: Vec<Attribute>,
}

/// The reader's type for an engine's column type; `None` for a type it skips.
fn column_type(ty: &str) -> Option<ColumnType> {
    let t = ty.to_ascii_uppercase();
    if super::is_integer(&t) {
        Some(ColumnType::Int)
    } else if t.starts_with("VARCHAR") || t == "STRING" || t == "TEXT" {
        Some(ColumnType::Str)
    } else if ["DOUBLE", "FLOAT", "REAL"].contains(&t.as_str()) {
        Some(ColumnType::Float)
    } else if t == "BOOLEAN" {
        Some(ColumnType::Bool)
    } else if super::is_time(&t) {
        Some(ColumnType::Timestamp)
    } else {
        None
    }
}

/// Every attribute a filter list names, found in `columns` (or refused as in memory).
pub fn resolve(
    filters: &[Filter],
    columns: &[(String, String)],
    roles: &Roles,
    mapping: &Mapping,
) -> Result<Attributes, SqlError> {
    let mut named: Vec<(&str, bool)> = Vec::new();
    fn walk<'a>(f: &'a Filter, out: &mut Vec<(&'a str, bool)>) {
        match f {
            Filter::CaseAttribute { attribute, .. }
            | Filter::CaseAttributeRange { attribute, .. } => out.push((attribute, true)),
            Filter::EventAttribute { attribute, .. }
            | Filter::EventAttributeRange { attribute, .. } => out.push((attribute, false)),
            Filter::Not { filter } => walk(filter, out),
            Filter::And { filters } => filters.iter().for_each(|g| walk(g, out)),
            _ => {}
        }
    }
    filters.iter().for_each(|f| walk(f, &mut named));
    let resource = match &mapping.resource {
        Some(r) => columns.iter().find(|(n, _)| n == r),
        None => RESOURCE_ALTERNATIVES
            .iter()
            .find_map(|alt| columns.iter().find(|(n, _)| n.eq_ignore_ascii_case(alt))),
    };
    let is_role = |n: &str| {
        n == roles.case
            || n == roles.activity
            || roles.timestamp.as_deref() == Some(n)
            || resource.is_some_and(|(r, _)| r == n)
            || n == ROW_COLUMN
    };
    let typed = |(n, t): &(String, String)| column_type(t).map(|ty| (n.clone(), ty));
    let case_columns: Vec<(String, ColumnType)> = columns
        .iter()
        .filter(|(n, _)| n.len() > 5 && n.starts_with("case:") && !is_role(n))
        .filter_map(typed)
        .collect();
    let event_columns: Vec<(String, ColumnType)> = columns
        .iter()
        .filter(|(n, _)| !n.starts_with("case:") && !is_role(n))
        .filter_map(typed)
        .collect();
    let mut out = Attributes::default();
    for (name, case_level) in named {
        if out
            .list
            .iter()
            .any(|a| a.name == name && a.case_level == case_level)
        {
            continue;
        }
        let source = if case_level {
            let stripped = name.strip_prefix("case:").unwrap_or(name);
            let found = [format!("case:{name}"), format!("case:{stripped}")]
                .into_iter()
                .find_map(|want| case_columns.iter().find(|(n, _)| *n == want));
            match found {
                Some((n, ty)) => Source::Column {
                    name: n.clone(),
                    ty: *ty,
                },
                None => {
                    return Err(unknown(
                        name,
                        "case",
                        case_columns
                            .iter()
                            .map(|(n, _)| n[5..].to_string())
                            .collect(),
                    ))
                }
            }
        } else if let Some((n, ty)) = event_columns.iter().find(|(n, _)| n == name) {
            Source::Column {
                name: n.clone(),
                ty: *ty,
            }
        } else {
            match (name, resource) {
                ("concept:name" | "activity", _) => Source::Activity,
                ("org:resource" | "resource", Some((r, _))) => Source::Resource { name: r.clone() },
                _ => {
                    let mut available = vec!["concept:name".to_string(), "org:resource".into()];
                    available.extend(event_columns.iter().map(|(n, _)| n.clone()));
                    return Err(unknown(name, "event", available));
                }
            }
        };
        let alias = format!("x{}", out.list.len());
        out.list.push(Attribute {
            name: name.to_string(),
            case_level,
            source,
            alias,
        });
    }
    Ok(out)
}

fn unknown(name: &str, level: &'static str, available: Vec<String>) -> SqlError {
    SqlError::Filter(
        FilterError::UnknownAttribute {
            attribute: name.to_string(),
            level,
            available,
        }
        .to_string(),
    )
}

impl Attributes {
    /// The `(expression, alias)` columns the events table gets (after `c`, `a`, `t`): an
    /// event attribute as it is, a case attribute as its case's first non-null value in file
    /// order (`row`: the file-order expression).
    pub fn columns(&self, dialect: Dialect, roles: &Roles, row: &str) -> Vec<(String, String)> {
        self.list
            .iter()
            .filter_map(|a| {
                let col = match &a.source {
                    Source::Activity => return None,
                    Source::Resource { name } => {
                        let text = dialect.text();
                        return Some((
                            format!("CAST({} AS {text})", dialect.ident(name)),
                            a.alias.clone(),
                        ));
                    }
                    Source::Column { name, .. } => dialect.ident(name),
                };
                let expr = if a.case_level {
                    let case = dialect.ident(&roles.case);
                    let first = match dialect {
                        Dialect::DuckDb => format!("first_value({col} IGNORE NULLS)"),
                        Dialect::Spark => format!("first_value({col}, true)"),
                    };
                    format!(
                        "{first} OVER (PARTITION BY {case} ORDER BY {row} \
                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
                    )
                } else {
                    col
                };
                Some((expr, a.alias.clone()))
            })
            .collect()
    }

    /// The aliases of [`Attributes::columns`], for statements that copy the table.
    pub fn aliases(&self) -> Vec<String> {
        self.list
            .iter()
            .filter(|a| a.source != Source::Activity)
            .map(|a| a.alias.clone())
            .collect()
    }

    fn get(&self, name: &str, case_level: bool) -> Result<&Attribute, SqlError> {
        self.list
            .iter()
            .find(|a| a.name == name && a.case_level == case_level)
            .ok_or_else(|| SqlError::BadAnswer {
                query: "attributes".into(),
                message: format!("`{name}` was not resolved before compiling"),
            })
    }

    /// The row condition of an attribute filter (never NULL): for a value list, "the row's value
    /// is one of them"; for a range, "the row's value lies in it". `None` for other filters.
    pub fn condition(&self, dialect: Dialect, filter: &Filter) -> Option<Result<String, SqlError>> {
        let (attribute, case_level, values, range) = match filter {
            Filter::CaseAttribute {
                attribute, values, ..
            } => (attribute, true, Some(values), None),
            Filter::CaseAttributeRange {
                attribute,
                min,
                max,
            } => (attribute, true, None, Some((*min, *max))),
            Filter::EventAttribute {
                attribute, values, ..
            } => (attribute, false, Some(values), None),
            Filter::EventAttributeRange {
                attribute,
                min,
                max,
                ..
            } => (attribute, false, None, Some((*min, *max))),
            _ => return None,
        };
        Some(self.get(attribute, case_level).and_then(|a| {
            let cond = match (values, range) {
                (Some(values), _) => one_of(dialect, a, values, filter)?,
                (None, Some((min, max))) => within(a, min, max, filter)?,
                (None, None) => "FALSE".into(),
            };
            Ok(format!("coalesce({cond}, FALSE)"))
        }))
    }
}

fn refused(e: FilterError) -> SqlError {
    SqlError::Filter(e.to_string())
}

/// A double literal that is exactly `v` in both dialects.
fn double(v: f64) -> String {
    format!("CAST('{v:?}' AS DOUBLE)")
}

fn one_of(
    dialect: Dialect,
    a: &Attribute,
    values: &[String],
    filter: &Filter,
) -> Result<String, SqlError> {
    if values.is_empty() {
        return Err(refused(FilterError::Empty {
            filter: filter.to_string(),
            what: "value",
        }));
    }
    let (expr, ty) = match &a.source {
        Source::Activity => ("a".to_string(), ColumnType::Str),
        Source::Resource { .. } => (a.alias.clone(), ColumnType::Str),
        Source::Column { ty, .. } => (a.alias.clone(), *ty),
    };
    let bad = |v: &String| {
        refused(FilterError::BadValue {
            attribute: a.name.clone(),
            value: v.clone(),
            found: ty,
        })
    };
    let literals = values
        .iter()
        .map(|v| {
            let t = v.trim();
            Ok(match ty {
                ColumnType::Str => dialect.string(v),
                ColumnType::Int => t.parse::<i64>().map_err(|_| bad(v))?.to_string(),
                // NaN equals nothing in memory (DuckDB's NaN = NaN would match).
                ColumnType::Float => match t.parse::<f64>().map_err(|_| bad(v))? {
                    x if x.is_nan() => "NULL".into(),
                    x => double(x),
                },
                ColumnType::Bool => match t.to_ascii_lowercase().as_str() {
                    "true" => "TRUE".into(),
                    "false" => "FALSE".into(),
                    _ => return Err(bad(v)),
                },
                ColumnType::Timestamp => crate::import::timestamp::parse_any(t)
                    .map(|(ms, _)| ms.to_string())
                    .ok_or_else(|| bad(v))?,
            })
        })
        .collect::<Result<Vec<String>, SqlError>>()?;
    let expr = match ty {
        ColumnType::Timestamp => dialect.millis(&expr),
        _ => expr,
    };
    Ok(format!("{expr} IN ({})", literals.join(", ")))
}

fn within(
    a: &Attribute,
    min: Option<f64>,
    max: Option<f64>,
    filter: &Filter,
) -> Result<String, SqlError> {
    let bad_range = |reason: &str| {
        refused(FilterError::BadRange {
            filter: filter.to_string(),
            reason: reason.into(),
        })
    };
    if min.is_some_and(|m| !m.is_finite()) || max.is_some_and(|m| !m.is_finite()) {
        return Err(bad_range("bounds must be finite numbers"));
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(bad_range("min is above max"));
        }
    }
    let found = match &a.source {
        Source::Column {
            ty: ColumnType::Int | ColumnType::Float,
            ..
        } => None,
        Source::Column { ty, .. } => Some(*ty),
        Source::Activity | Source::Resource { .. } => Some(ColumnType::Str),
    };
    if let Some(found) = found {
        return Err(refused(FilterError::NotNumeric {
            attribute: a.name.clone(),
            found,
        }));
    }
    let v = format!("CAST({} AS DOUBLE)", a.alias);
    let mut parts = vec![format!("{} IS NOT NULL", a.alias)];
    if let Some(m) = min {
        parts.push(format!("{v} >= {}", double(m)));
    }
    if let Some(m) = max {
        parts.push(format!("{v} <= {}", double(m)));
    }
    Ok(format!("({})", parts.join(" AND ")))
}
