//! Lead table import: CSV bytes → a typed [`Dataset`] of features, outcome, value and date.
//!
//! Column types are inferred from the values (numeric, categorical, boolean, date). The caller
//! names the outcome column (and optionally a value column, excluded columns and the date
//! column); identifier-like columns (nearly every value distinct) are excluded and reported.
//! Missing values are explicit (`None`, or the `(missing)` level); rare categories are grouped
//! into `other`. Rows that cannot be used (wrong field count, no outcome) are returned as
//! [`Rejected`] data with their line, never a panic. Parquet input is not handled here yet.

use super::csv::{self, CsvError};
use crate::import::timestamp::{self, TimestampFormat};
use serde::{Deserialize, Serialize};

/// Level 0 of every categorical feature: the value was missing.
pub const MISSING: &str = "(missing)";
/// Level 1 of every categorical feature: a rare or unseen category.
pub const OTHER: &str = "other";

/// How to read a lead table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportConfig {
    /// Column holding won (true/1/yes/won) or lost (false/0/no/lost).
    pub outcome: String,
    /// Column holding the deal value, if any.
    pub value: Option<String>,
    /// Columns never used as features (identifiers, columns that leak the outcome).
    pub exclude: Vec<String>,
    /// Date column for the time-based split; `None` picks the first date column, if any.
    pub date: Option<String>,
    /// Categories seen in fewer than this share of rows are grouped into `other`.
    pub rare_share: f64,
    /// ... and in fewer than this many rows.
    pub rare_count: usize,
    /// Most levels kept per categorical column (the most frequent; the rest become `other`).
    pub max_levels: usize,
}

impl ImportConfig {
    /// Defaults for everything but the outcome column.
    pub fn new(outcome: &str) -> ImportConfig {
        ImportConfig {
            outcome: outcome.to_string(),
            value: None,
            exclude: Vec::new(),
            date: None,
            rare_share: 0.01,
            rare_count: 5,
            max_levels: 30,
        }
    }
}

/// The type inferred for a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Numeric,
    Categorical,
    Boolean,
    Date,
}

/// What a column is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Feature,
    Outcome,
    Value,
    Date,
    /// Excluded by the caller.
    Excluded,
    /// Excluded because nearly every value is distinct.
    Identifier,
    /// Excluded because it has a single value (or none).
    Constant,
}

/// What import found about one column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub kind: ColumnKind,
    pub role: Role,
    pub missing: usize,
    pub distinct: usize,
    /// Categories grouped into `other`.
    pub grouped: usize,
}

/// A row that could not be used, with its line (1-based, the header is line 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejected {
    pub line: usize,
    pub column: Option<String>,
    pub reason: String,
}

/// Why a table could not be imported at all. The caller's input is at fault in every case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error("no column `{name}` (columns: {available})")]
    NoColumn { name: String, available: String },
    #[error("column `{name}` is {kind:?}, expected {expected}")]
    WrongKind {
        name: String,
        kind: ColumnKind,
        expected: &'static str,
    },
    #[error("no usable rows ({rejected} rejected)")]
    NoRows {
        rejected: usize,
        /// The first rejected row, so that a shell can say where and why.
        first: Option<Rejected>,
    },
    #[error("no feature columns left after exclusions")]
    NoFeatures,
}

impl TableError {
    /// Stable code for machine-readable errors.
    pub fn code(&self) -> &'static str {
        match self {
            TableError::Csv(_) => "invalid_csv",
            TableError::NoColumn { .. } => "no_such_column",
            TableError::WrongKind { .. } => "wrong_column_kind",
            TableError::NoRows { .. } => "no_rows",
            TableError::NoFeatures => "no_features",
        }
    }
}

/// One feature column, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub data: FeatureData,
}

/// A feature's values. Categorical levels start with [`MISSING`] and [`OTHER`].
#[derive(Debug, Clone, PartialEq)]
pub enum FeatureData {
    Numeric(Vec<Option<f64>>),
    Categorical {
        levels: Vec<String>,
        codes: Vec<u32>,
    },
}

/// A lead table ready for learning: features, outcome, optional value and date, per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub features: Vec<Feature>,
    pub outcome: Vec<bool>,
    pub outcome_column: String,
    /// Deal value per row (missing → `None`).
    pub value: Option<Vec<Option<f64>>>,
    pub value_column: Option<String>,
    /// Date per row in ms since the epoch (UTC), when a date column exists.
    pub date: Option<Vec<Option<i64>>>,
    pub date_column: Option<String>,
    /// Line of each row in the source.
    pub lines: Vec<usize>,
}

/// The result of an import: the data, what was found about each column, and rejected rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub dataset: Dataset,
    pub columns: Vec<ColumnInfo>,
    pub rejected: Vec<Rejected>,
}

impl Dataset {
    pub fn rows(&self) -> usize {
        self.outcome.len()
    }

    /// The rows at `idx`, in that order (levels unchanged).
    pub fn subset(&self, idx: &[usize]) -> Dataset {
        let pick = |v: &[Option<f64>]| idx.iter().map(|&i| v[i]).collect::<Vec<_>>();
        Dataset {
            features: self
                .features
                .iter()
                .map(|f| Feature {
                    name: f.name.clone(),
                    data: match &f.data {
                        FeatureData::Numeric(v) => FeatureData::Numeric(pick(v)),
                        FeatureData::Categorical { levels, codes } => FeatureData::Categorical {
                            levels: levels.clone(),
                            codes: idx.iter().map(|&i| codes[i]).collect(),
                        },
                    },
                })
                .collect(),
            outcome: idx.iter().map(|&i| self.outcome[i]).collect(),
            outcome_column: self.outcome_column.clone(),
            value: self.value.as_ref().map(|v| pick(v)),
            value_column: self.value_column.clone(),
            date: self
                .date
                .as_ref()
                .map(|d| idx.iter().map(|&i| d[i]).collect()),
            date_column: self.date_column.clone(),
            lines: idx.iter().map(|&i| self.lines[i]).collect(),
        }
    }

    /// Share of won rows.
    pub fn win_rate(&self) -> f64 {
        if self.outcome.is_empty() {
            return 0.0;
        }
        self.outcome.iter().filter(|&&w| w).count() as f64 / self.outcome.len() as f64
    }

    /// Deal value of row `i`, 0 when missing or when there is no value column.
    pub fn value_of(&self, i: usize) -> f64 {
        self.value.as_ref().and_then(|v| v[i]).unwrap_or(0.0)
    }
}

/// Read CSV bytes into a [`Dataset`].
pub fn import_csv(bytes: &[u8], config: &ImportConfig) -> Result<Import, TableError> {
    let parsed = csv::parse(bytes)?;
    let width = parsed.header.len();
    let mut rejected = Vec::new();
    let find = |name: &str| {
        parsed
            .header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| TableError::NoColumn {
                name: name.to_string(),
                available: parsed.header.join(", "),
            })
    };
    let outcome_col = find(&config.outcome)?;
    let value_col = config.value.as_deref().map(find).transpose()?;
    for name in &config.exclude {
        find(name)?;
    }
    let explicit_date = config.date.as_deref().map(find).transpose()?;

    // Rows: right width and a readable outcome.
    let mut rows: Vec<&csv::Record> = Vec::with_capacity(parsed.records.len());
    let mut outcome = Vec::with_capacity(parsed.records.len());
    for r in &parsed.records {
        if r.fields.len() != width {
            rejected.push(Rejected {
                line: r.line,
                column: None,
                reason: format!("{} fields, the header has {width}", r.fields.len()),
            });
            continue;
        }
        let raw = r.fields[outcome_col].trim();
        match parse_outcome(raw) {
            Some(w) => {
                rows.push(r);
                outcome.push(w);
            }
            None => rejected.push(Rejected {
                line: r.line,
                column: Some(config.outcome.clone()),
                reason: if is_missing(raw) {
                    "the outcome is missing".into()
                } else {
                    format!(
                        "`{}` is not an outcome (expected true/false, 1/0, yes/no, won/lost)",
                        clip(raw)
                    )
                },
            }),
        }
    }
    if rows.is_empty() {
        return Err(TableError::NoRows {
            rejected: rejected.len(),
            first: rejected.first().cloned(),
        });
    }
    let n = rows.len();

    let mut columns = Vec::with_capacity(width);
    let mut features = Vec::new();
    let mut value = None;
    let mut date: Option<(String, Vec<Option<i64>>)> = None;
    for (c, name) in parsed.header.iter().enumerate() {
        let cells: Vec<&str> = rows.iter().map(|r| r.fields[c].trim()).collect();
        let kind = infer_kind(&cells);
        let missing = cells.iter().filter(|s| is_missing(s)).count();
        let mut distinct: Vec<&str> = cells.iter().copied().filter(|s| !is_missing(s)).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut info = ColumnInfo {
            name: name.clone(),
            kind,
            role: Role::Feature,
            missing,
            distinct: distinct.len(),
            grouped: 0,
        };
        if c == outcome_col {
            info.role = Role::Outcome;
        } else if Some(c) == value_col {
            if kind != ColumnKind::Numeric && missing < n {
                return Err(TableError::WrongKind {
                    name: name.clone(),
                    kind,
                    expected: "numeric",
                });
            }
            info.role = Role::Value;
            value = Some(cells.iter().map(|s| parse_number(s)).collect::<Vec<_>>());
        } else if config.exclude.contains(name) {
            info.role = Role::Excluded;
        } else if kind == ColumnKind::Date {
            info.role = Role::Date;
            let wanted = match explicit_date {
                Some(d) => d == c,
                None => date.is_none(),
            };
            if wanted {
                date = Some((name.clone(), cells.iter().map(|s| parse_date(s)).collect()));
            }
        } else if explicit_date == Some(c) {
            return Err(TableError::WrongKind {
                name: name.clone(),
                kind,
                expected: "date",
            });
        } else if distinct.len() <= 1 {
            info.role = Role::Constant;
        } else if looks_like_identifier(name, kind, &distinct, n - missing) {
            info.role = Role::Identifier;
        } else {
            let data = match kind {
                ColumnKind::Numeric => {
                    FeatureData::Numeric(cells.iter().map(|s| parse_number(s)).collect())
                }
                ColumnKind::Boolean => {
                    let levels: Vec<String> =
                        [MISSING, OTHER, "false", "true"].map(String::from).to_vec();
                    let codes = cells
                        .iter()
                        .map(|s| match parse_bool(s) {
                            Some(false) => 2,
                            Some(true) => 3,
                            None => 0,
                        })
                        .collect();
                    FeatureData::Categorical { levels, codes }
                }
                _ => {
                    let (levels, codes, grouped) = categorize(&cells, config);
                    info.grouped = grouped;
                    FeatureData::Categorical { levels, codes }
                }
            };
            features.push(Feature {
                name: name.clone(),
                data,
            });
        }
        columns.push(info);
    }
    if features.is_empty() {
        return Err(TableError::NoFeatures);
    }
    let (date_column, date) = match date {
        Some((name, d)) => (Some(name), Some(d)),
        None => (None, None),
    };
    Ok(Import {
        dataset: Dataset {
            features,
            outcome,
            outcome_column: config.outcome.clone(),
            value,
            value_column: config.value.clone(),
            date,
            date_column,
            lines: rows.iter().map(|r| r.line).collect(),
        },
        columns,
        rejected,
    })
}

/// `id`-named columns, categorical columns where most values are distinct, and integer columns
/// where every value is distinct (with more than 50 values).
fn looks_like_identifier(name: &str, kind: ColumnKind, distinct: &[&str], present: usize) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == "id" || lower.ends_with("_id") {
        return true;
    }
    match kind {
        ColumnKind::Categorical => present > 50 && distinct.len() * 2 > present,
        ColumnKind::Numeric => {
            present > 50
                && distinct.len() == present
                && distinct
                    .iter()
                    .all(|s| s.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        }
        _ => false,
    }
}

fn categorize(cells: &[&str], config: &ImportConfig) -> (Vec<String>, Vec<u32>, usize) {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for s in cells.iter().filter(|s| !is_missing(s)) {
        *counts.entry(s).or_default() += 1;
    }
    let threshold =
        ((config.rare_share * cells.len() as f64).ceil() as usize).max(config.rare_count);
    let mut frequent: Vec<(&str, usize)> = counts
        .iter()
        .map(|(k, v)| (*k, *v))
        .filter(|(_, v)| *v >= threshold)
        .collect();
    frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    frequent.truncate(config.max_levels);
    frequent.sort_by(|a, b| a.0.cmp(b.0));
    let grouped = counts.len() - frequent.len();
    let mut levels: Vec<String> = vec![MISSING.into(), OTHER.into()];
    levels.extend(frequent.iter().map(|(k, _)| k.to_string()));
    let codes = cells
        .iter()
        .map(|s| {
            if is_missing(s) {
                0
            } else {
                level_code(&levels, s)
            }
        })
        .collect();
    (levels, codes, grouped)
}

/// Code of `value` among `levels` (which start with MISSING, OTHER and are sorted after that);
/// unknown values are OTHER (1).
pub fn level_code(levels: &[String], value: &str) -> u32 {
    match levels
        .get(2..)
        .map(|l| l.binary_search_by(|x| x.as_str().cmp(value)))
    {
        Some(Ok(i)) => (i + 2) as u32,
        _ => 1,
    }
}

fn infer_kind(cells: &[&str]) -> ColumnKind {
    let present: Vec<&str> = cells.iter().copied().filter(|s| !is_missing(s)).collect();
    if present.is_empty() {
        return ColumnKind::Categorical;
    }
    if present.iter().all(|s| matches!(*s, "0" | "1"))
        || present
            .iter()
            .all(|s| parse_bool(s).is_some() && parse_number(s).is_none())
    {
        return ColumnKind::Boolean;
    }
    if present.iter().all(|s| parse_number(s).is_some()) {
        return ColumnKind::Numeric;
    }
    if present.iter().all(|s| parse_date(s).is_some()) {
        return ColumnKind::Date;
    }
    ColumnKind::Categorical
}

/// Whether a cell counts as missing: empty, `NA`, `N/A`, `null`, `NaN`, `-`.
pub fn is_missing(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || ["na", "n/a", "null", "nan", "none", "-"]
            .iter()
            .any(|m| s.eq_ignore_ascii_case(m))
}

/// A finite number, or `None`.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if is_missing(s) || s.len() > 64 {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "y" | "1" => Some(true),
        "false" | "f" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Won (`true`/`yes`/`1`/`won`…) or lost (`false`/`no`/`0`/`lost`…), `None` otherwise.
pub(crate) fn parse_outcome(s: &str) -> Option<bool> {
    parse_bool(s).or_else(|| match s.to_ascii_lowercase().as_str() {
        "won" | "win" | "closed won" | "success" => Some(true),
        "lost" | "loss" | "closed lost" | "failure" => Some(false),
        _ => None,
    })
}

/// A date cell: ISO 8601 as the event-log importer reads it (`YYYY-MM-DD`, optionally `T` or a
/// space and `HH:MM[:SS[.fff]]`, then `Z` or `±HH:MM`), in ms since the epoch, UTC. One parser
/// for every table, so a lead table and an activity log never disagree on a date.
pub fn parse_date(s: &str) -> Option<i64> {
    timestamp::parse(s, TimestampFormat::Iso8601)
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fixtures;
