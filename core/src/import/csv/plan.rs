//! CSV column planning: which column plays which role (case, activity, timestamp, resource,
//! start timestamp, case or event attribute), the type of each attribute column and the
//! timestamp format of each time column, from the header names and the sampled values.
//!
//! Roles come from the [`Mapping`] first, then from known names (pm4py's first, then common
//! ones, then clickstream ones), then from values (the first free column whose samples are all
//! dates is the timestamp). Without a header the first free columns are the case and the
//! activity. A missing case or activity column is an error naming the candidates; a preview
//! shows its guess with a warning instead.

use super::sniff::{decode_lossy, Sample};
use super::{ColumnInfo, Role};
use crate::import::timestamp::{self, TimestampFormat};
use crate::import::{Encoding, ImportError, Mapping};
use crate::log::ColumnType;

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

const CASE_NAMES: &[&str] = &[
    "case:concept:name",
    "case",
    "caseid",
    "case:id",
    "caseidentifier",
    "traceid",
    "trace",
    "processinstance",
    "instance",
    // Clickstreams (issue 12: case = session, activity = item).
    "session",
    "sessionid",
];
const ACTIVITY_NAMES: &[&str] = &[
    "concept:name",
    "activity",
    "activityname",
    "event",
    "eventname",
    "task",
    "taskname",
    "action",
    "operation",
    "step",
    // Clickstreams: the item clicked is the activity when nothing above names one.
    "item",
    "itemid",
    "product",
    "productid",
    "sku",
];
const TIMESTAMP_NAMES: &[&str] = &[
    "time:timestamp",
    "timestamp",
    "completetimestamp",
    "endtimestamp",
    "endtime",
    "completetime",
    "time",
    "datetime",
    "eventtime",
    "date",
    "endts",
    "ts",
];
const RESOURCE_NAMES: &[&str] = &[
    "org:resource",
    "resource",
    "user",
    "username",
    "performer",
    "agent",
    "employee",
    "org:role",
    "role",
];
const START_NAMES: &[&str] = &[
    "starttimestamp",
    "starttime",
    "start",
    "startdate",
    "startts",
];

/// The column plan of a CSV: one [`ColumnInfo`] per name, and the column of each role. `warnings` given (a preview): a
/// missing case or activity column is guessed and the guess reported there instead of failing.
pub(super) fn plan_columns(
    names: &[String],
    sample: &Sample,
    encoding: Encoding,
    mapping: &Mapping,
    has_header: bool,
    warnings: Option<&mut Vec<String>>,
) -> Result<(Vec<ColumnInfo>, Roles), ImportError> {
    let values = |i: usize| column_values(sample, i, encoding);
    let mut picker = Picker::new(names, mapping);
    let by_name = |list: &'static [&'static str]| if has_header { list } else { &[] };
    let case = picker.pick("case", &mapping.case, by_name(CASE_NAMES))?;
    let activity = picker.pick("activity", &mapping.activity, by_name(ACTIVITY_NAMES))?;
    let timestamp = picker.pick("timestamp", &mapping.timestamp, by_name(TIMESTAMP_NAMES))?;
    let resource = picker.pick("resource", &mapping.resource, by_name(RESOURCE_NAMES))?;
    let start = picker.pick(
        "start timestamp",
        &mapping.start_timestamp,
        by_name(START_NAMES),
    )?;
    let timestamp = timestamp.or_else(|| picker.first_dated(values));
    // Without header (or recognisable names): the first free columns are case, then activity.
    let mut required = Required {
        free: picker.free(),
        guess_free: !has_header,
        warnings,
    };
    let roles = Roles {
        case: required.column(&picker, case, "case", CASE_NAMES)?,
        activity: required.column(&picker, activity, "activity", ACTIVITY_NAMES)?,
        timestamp,
        resource,
        start,
    };
    let columns = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let role = roles.of(i, name, mapping);
            column_info(name, role, &values(i), mapping)
        })
        .collect();
    Ok((columns, roles))
}

/// The trimmed sampled values of column `i`.
fn column_values(sample: &Sample, i: usize, encoding: Encoding) -> Vec<String> {
    sample
        .iter()
        .filter_map(|(_, r)| r.get(i))
        .map(|f| decode_lossy(f, encoding).trim().to_string())
        .collect()
}

/// Columns chosen one role at a time; a column taken by a role (or mapped as an attribute) is
/// never picked again.
struct Picker<'a> {
    names: &'a [String],
    normed: Vec<String>,
    taken: Vec<bool>,
    /// The header, for errors.
    header: String,
    /// Advice for errors when a single column suggests a wrong delimiter.
    hint: String,
}

impl<'a> Picker<'a> {
    fn new(names: &'a [String], mapping: &Mapping) -> Self {
        let hint = match names {
            [one] if one.contains([',', ';', '\t', '|']) => {
                " (only one column was found: is the delimiter right? set it explicitly)"
                    .to_string()
            }
            _ => String::new(),
        };
        // Columns mapped as attributes are never picked for a role by detection.
        let taken = names
            .iter()
            .map(|n| listed(&mapping.case_attributes, n) || listed(&mapping.event_attributes, n))
            .collect();
        Picker {
            names,
            normed: names.iter().map(|n| norm(n)).collect(),
            taken,
            header: names.join(", "),
            hint,
        }
    }

    fn missing(&self, role: &'static str, candidates: String) -> ImportError {
        ImportError::MissingColumn {
            role,
            candidates,
            header: self.header.clone(),
            hint: self.hint.clone(),
        }
    }

    /// The mapped column (an error if there is none of that name, exact case first), else the
    /// first free column with one of the candidate names.
    fn pick(
        &mut self,
        role: &'static str,
        mapped: &Option<String>,
        candidates: &[&str],
    ) -> Result<Option<usize>, ImportError> {
        let found = match mapped {
            Some(m) => {
                let names = self.names;
                let found = names
                    .iter()
                    .position(|n| n == m)
                    .or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(m)));
                Some(found.ok_or_else(|| self.missing(role, format!("`{m}` (as mapped)")))?)
            }
            None => candidates.iter().find_map(|c| {
                let c = norm(c);
                (0..self.names.len()).find(|&i| !self.taken[i] && self.normed[i] == c)
            }),
        };
        if let Some(i) = found {
            self.taken[i] = true;
        }
        Ok(found)
    }

    /// The first free column whose samples are all dates (and not all empty).
    fn first_dated(&mut self, values: impl Fn(usize) -> Vec<String>) -> Option<usize> {
        let found = (0..self.names.len()).find(|&i| {
            let v = values(i);
            !self.taken[i]
                && v.iter().any(|s| !s.is_empty())
                && timestamp::detect(v.iter().map(String::as_str), false).is_some()
        })?;
        self.taken[found] = true;
        Some(found)
    }

    /// The columns no role has taken, in order.
    fn free(&self) -> std::vec::IntoIter<usize> {
        (0..self.names.len())
            .filter(|&i| !self.taken[i])
            .collect::<Vec<_>>()
            .into_iter()
    }
}

/// The case and activity roles, which every log needs.
struct Required<'w> {
    free: std::vec::IntoIter<usize>,
    /// No header: the next free column is the role's column.
    guess_free: bool,
    /// A preview: guess the next free column and say so here instead of failing.
    warnings: Option<&'w mut Vec<String>>,
}

impl Required<'_> {
    fn column(
        &mut self,
        picker: &Picker<'_>,
        found: Option<usize>,
        role: &'static str,
        candidates: &[&str],
    ) -> Result<usize, ImportError> {
        let guessed = || {
            if self.guess_free {
                self.free.next()
            } else {
                None
            }
        };
        if let Some(c) = found.or_else(guessed) {
            return Ok(c);
        }
        let listed = candidates
            .iter()
            .take(5)
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let e = picker.missing(role, listed);
        match (self.warnings.as_deref_mut(), self.free.next()) {
            (Some(w), Some(c)) => {
                w.push(format!(
                    "{e}; column `{}` is shown as the {role} column until you pick one",
                    picker.names[c]
                ));
                Ok(c)
            }
            _ => Err(e),
        }
    }
}

/// The column of each role.
pub(super) struct Roles {
    pub(super) case: usize,
    pub(super) activity: usize,
    pub(super) timestamp: Option<usize>,
    pub(super) resource: Option<usize>,
    pub(super) start: Option<usize>,
}

impl Roles {
    /// The role of column `i`: its pick, else a case attribute when mapped as one or named
    /// `case:…` (and not mapped as an event attribute), else an event attribute.
    fn of(&self, i: usize, name: &str, mapping: &Mapping) -> Role {
        if i == self.case {
            Role::Case
        } else if i == self.activity {
            Role::Activity
        } else if Some(i) == self.timestamp {
            Role::Timestamp
        } else if Some(i) == self.resource {
            Role::Resource
        } else if Some(i) == self.start {
            Role::StartTimestamp
        } else if listed(&mapping.case_attributes, name)
            || (name.starts_with("case:") && !listed(&mapping.event_attributes, name))
        {
            Role::CaseAttribute
        } else {
            Role::EventAttribute
        }
    }
}

/// How column `name` in `role` is read: its type and, for time columns, its format (mapped,
/// else detected from the sampled `values`).
fn column_info(name: &str, role: Role, values: &[String], mapping: &Mapping) -> ColumnInfo {
    let is_time = matches!(role, Role::Timestamp | Role::StartTimestamp);
    let mut fmt = mapping.timestamp_formats.get(name).copied();
    if fmt.is_none() && is_time {
        fmt = timestamp::detect(values.iter().map(String::as_str), true)
            .or_else(|| majority_format(values));
    }
    let column_type = match role {
        Role::Timestamp | Role::StartTimestamp => ColumnType::Timestamp,
        Role::Case | Role::Activity | Role::Resource => ColumnType::Str,
        Role::CaseAttribute | Role::EventAttribute => {
            let (ty, f) = infer_type(values);
            if fmt.is_none() {
                fmt = f;
            }
            ty
        }
    };
    ColumnInfo {
        name: name.to_string(),
        role,
        column_type,
        timestamp_format: fmt,
    }
}

fn listed(list: &[String], name: &str) -> bool {
    list.iter().any(|c| c == name)
}

/// For a time column whose samples mix formats: the format most samples fit (the others are
/// then read as repaired rows).
fn majority_format(values: &[String]) -> Option<TimestampFormat> {
    let count = |f: TimestampFormat| {
        values
            .iter()
            .filter(|v| timestamp::parse(v, f).is_some())
            .count()
    };
    TimestampFormat::ALL
        .into_iter()
        .rev()
        .map(|f| (count(f), f))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, _)| n)
        .map(|(_, f)| f)
}

fn infer_type(values: &[String]) -> (ColumnType, Option<TimestampFormat>) {
    let non_empty: Vec<&str> = values
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if non_empty.is_empty() {
        return (ColumnType::Str, None);
    }
    if non_empty.iter().all(|s| s.parse::<i64>().is_ok()) {
        return (ColumnType::Int, None);
    }
    if non_empty
        .iter()
        .all(|s| s.parse::<f64>().is_ok_and(f64::is_finite))
    {
        return (ColumnType::Float, None);
    }
    if non_empty
        .iter()
        .all(|s| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"))
    {
        return (ColumnType::Bool, None);
    }
    if let Some(f) = timestamp::detect(non_empty.iter().copied(), false) {
        return (ColumnType::Timestamp, Some(f));
    }
    (ColumnType::Str, None)
}
