//! Record batches → EventLog. Column roles are found once from the schema; each batch is then
//! decoded column by column (dictionary columns intern each distinct value once per batch).

use super::{
    ArrowLogError, ArrowReport, ColumnNames, RejectedRow, MAX_KEPT, META_LOG_ATTRIBUTES,
    META_START_TIMESTAMP, ROW_COLUMN,
};
mod columns;

use crate::import::Mapping;
use crate::log::{EventLog, EventLogBuilder};
use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema};
use columns::Col;

pub(crate) const CASE_ALTERNATIVES: &[&str] = &[
    "case:concept:name",
    "case",
    "case_id",
    "caseid",
    "case id",
    "case:id",
];
pub(crate) const ACTIVITY_ALTERNATIVES: &[&str] =
    &["concept:name", "activity", "activity_name", "event"];
pub(crate) const TIMESTAMP_ALTERNATIVES: &[&str] =
    &["time:timestamp", "timestamp", "time", "datetime"];
pub(crate) const RESOURCE_ALTERNATIVES: &[&str] = &["org:resource", "resource", "user"];

/// Reads record batches into an [`EventLog`] (push shape).
///
/// ```
/// # use std::sync::Arc;
/// use arrow_array::{RecordBatch, StringArray, ArrayRef};
/// use spur_core::arrow::LogFromArrow;
/// let batch = RecordBatch::try_from_iter([
///     ("case:concept:name", Arc::new(StringArray::from(vec!["1", "1"])) as ArrayRef),
///     ("concept:name", Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef),
/// ]).unwrap();
/// let mut reader = LogFromArrow::new(&batch.schema(), &Default::default()).unwrap();
/// reader.push_batch(&batch).unwrap();
/// let (log, report) = reader.finish();
/// assert_eq!((log.num_events(), log.num_cases(), report.rejected), (2, 1, 0));
/// ```
pub struct LogFromArrow {
    builder: EventLogBuilder,
    fields: Vec<(String, DataType)>,
    case: usize,
    activity: usize,
    timestamp: Option<usize>,
    resource: Option<usize>,
    attrs: Vec<AttrColumn>,
    report: ArrowReport,
    batches: u64,
}

struct AttrColumn {
    index: usize,
    /// The attribute key (for case attributes: without the prefix).
    key: String,
    case_level: bool,
}

impl LogFromArrow {
    /// Find the column roles in `schema` (names from `mapping`, else pm4py's and alternatives).
    pub fn new(schema: &Schema, mapping: &Mapping) -> Result<Self, ArrowLogError> {
        let names = ColumnNames::from_mapping(mapping);
        let fields: Vec<(String, DataType)> = schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect();
        let columns = || {
            fields
                .iter()
                .map(|(n, _)| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let find = |wanted: &str, explicit: bool, alternatives: &[&str]| -> Option<usize> {
            if let Some(i) = fields.iter().position(|(n, _)| n == wanted) {
                return Some(i);
            }
            if explicit {
                return None;
            }
            alternatives
                .iter()
                .find_map(|alt| fields.iter().position(|(n, _)| n.eq_ignore_ascii_case(alt)))
        };
        let candidates = |wanted: &str, explicit: bool, alternatives: &[&str]| {
            if explicit {
                format!("`{wanted}`")
            } else {
                alternatives
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let case =
            find(&names.case, mapping.case.is_some(), CASE_ALTERNATIVES).ok_or_else(|| {
                ArrowLogError::MissingColumn {
                    role: "case",
                    candidates: candidates(&names.case, mapping.case.is_some(), CASE_ALTERNATIVES),
                    columns: columns(),
                }
            })?;
        let activity = find(
            &names.activity,
            mapping.activity.is_some(),
            ACTIVITY_ALTERNATIVES,
        )
        .filter(|&i| i != case)
        .ok_or_else(|| ArrowLogError::MissingColumn {
            role: "activity",
            candidates: candidates(
                &names.activity,
                mapping.activity.is_some(),
                ACTIVITY_ALTERNATIVES,
            ),
            columns: columns(),
        })?;
        let timestamp = find(
            &names.timestamp,
            mapping.timestamp.is_some(),
            TIMESTAMP_ALTERNATIVES,
        );
        if let (None, Some(t)) = (timestamp, &mapping.timestamp) {
            return Err(ArrowLogError::MissingColumn {
                role: "timestamp",
                candidates: format!("`{t}`"),
                columns: columns(),
            });
        }
        let resource = find(
            &names.resource,
            mapping.resource.is_some(),
            RESOURCE_ALTERNATIVES,
        );
        if let (None, Some(r)) = (resource, &mapping.resource) {
            return Err(ArrowLogError::MissingColumn {
                role: "resource",
                candidates: format!("`{r}`"),
                columns: columns(),
            });
        }
        for (role, index) in [
            ("case", Some(case)),
            ("activity", Some(activity)),
            ("resource", resource),
        ] {
            if let Some(i) = index {
                if !is_text_like(&fields[i].1) {
                    return Err(ArrowLogError::UnsupportedType {
                        column: fields[i].0.clone(),
                        role,
                        data_type: fields[i].1.to_string(),
                    });
                }
            }
        }
        if let Some(i) = timestamp {
            if !is_time_like(&fields[i].1) {
                return Err(ArrowLogError::UnsupportedType {
                    column: fields[i].0.clone(),
                    role: "timestamp",
                    data_type: fields[i].1.to_string(),
                });
            }
        }

        let mut builder = EventLogBuilder::new();
        let mut report = ArrowReport::default();
        let roles = [Some(case), Some(activity), timestamp, resource];
        let mut attrs = Vec::new();
        for (i, (name, ty)) in fields.iter().enumerate() {
            if roles.contains(&Some(i)) {
                continue;
            }
            // The row-number column `spur convert` writes for SQL engines is no attribute.
            if name == ROW_COLUMN {
                continue;
            }
            if name.starts_with("__index_level_") || attr_kind(ty).is_none() {
                report.skipped_columns.push((name.clone(), ty.to_string()));
                continue;
            }
            let (key, case_level) = match name.strip_prefix(names.case_prefix.as_str()) {
                Some(key) if !names.case_prefix.is_empty() && !key.is_empty() => {
                    (key.to_string(), true)
                }
                _ => (name.clone(), false),
            };
            attrs.push(AttrColumn {
                index: i,
                key,
                case_level,
            });
        }
        let metadata = schema.metadata();
        if let Some(json) = metadata.get(META_LOG_ATTRIBUTES) {
            if let Ok(pairs) = serde_json::from_str::<Vec<(String, String)>>(json) {
                for (k, v) in pairs {
                    builder.push_log_attr(&k, &v);
                }
            }
        }
        let start = mapping
            .start_timestamp
            .as_ref()
            .or(metadata.get(META_START_TIMESTAMP));
        if let Some(start) = start {
            if attrs.iter().any(|a| !a.case_level && &a.key == start) {
                builder.set_start_timestamp_attr(start);
            } else if mapping.start_timestamp.is_some() {
                return Err(ArrowLogError::MissingColumn {
                    role: "start timestamp",
                    candidates: format!("`{start}`"),
                    columns: columns(),
                });
            }
        }
        Ok(LogFromArrow {
            builder,
            fields,
            case,
            activity,
            timestamp,
            resource,
            attrs,
            report,
            batches: 0,
        })
    }

    /// Read one batch. It must have the schema given to [`new`](Self::new).
    pub fn push_batch(&mut self, batch: &RecordBatch) -> Result<(), ArrowLogError> {
        self.batches += 1;
        let schema = batch.schema();
        let same = schema.fields().len() == self.fields.len()
            && schema
                .fields()
                .iter()
                .zip(&self.fields)
                .all(|(f, (n, t))| f.name() == n && f.data_type() == t);
        if !same {
            return Err(ArrowLogError::SchemaChanged {
                batch: self.batches - 1,
                message: format!(
                    "expected {} columns [{}]",
                    self.fields.len(),
                    self.fields
                        .iter()
                        .map(|(n, t)| format!("{n}: {t}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        let n = batch.num_rows();
        let row0 = self.report.rows;
        let b = &mut self.builder;
        let columns = batch.columns();
        let decode = |i: usize| {
            Col::new(columns[i].as_ref()).ok_or_else(|| ArrowLogError::UnsupportedType {
                column: self.fields[i].0.clone(),
                role: "attribute",
                data_type: self.fields[i].1.to_string(),
            })
        };
        let case_col = decode(self.case)?;
        let activity_col = decode(self.activity)?;
        let cases = case_col.codes(n, |s| b.case_code(s));
        let activities = activity_col.codes(n, |s| b.activity_code(s));
        let resources = match self.resource {
            Some(i) => Some(decode(i)?.codes(n, |s| b.resource_code(s))),
            None => None,
        };
        let times = match self.timestamp {
            Some(i) => Some(decode(i)?.timestamps(n, &mut self.report.nulled_values)),
            None => None,
        };
        let attr_cols: Vec<Col<'_>> = self
            .attrs
            .iter()
            .map(|a| decode(a.index))
            .collect::<Result<_, _>>()?;
        for row in 0..n {
            let (Some(case), Some(activity)) = (cases[row], activities[row]) else {
                self.report.rejected += 1;
                if self.report.rejected_rows.len() < MAX_KEPT {
                    let column = if cases[row].is_none() {
                        self.case
                    } else {
                        self.activity
                    };
                    self.report.rejected_rows.push(RejectedRow {
                        row: row0 + row as u64,
                        column: self.fields[column].0.clone(),
                        reason: "null (or not text)".into(),
                    });
                }
                continue;
            };
            let t = times.as_ref().and_then(|t| t[row]);
            let e = b.push_event(case, activity, t);
            if let Some(r) = resources.as_ref().and_then(|r| r[row]) {
                b.set_resource(e, r);
            }
            for (attr, col) in self.attrs.iter().zip(&attr_cols) {
                let Some(value) = col.value(row) else {
                    continue;
                };
                if attr.case_level {
                    if !b.has_case_attr(case, &attr.key) {
                        b.set_case_attr(case, &attr.key, value);
                    }
                } else {
                    b.set_event_attr(e, &attr.key, value);
                }
            }
            self.report.events += 1;
        }
        self.report.rows += n as u64;
        Ok(())
    }

    /// Record a column the caller left out before it reached this reader.
    pub(crate) fn note_skipped(&mut self, name: &str, data_type: &DataType) {
        self.report
            .skipped_columns
            .push((name.to_string(), data_type.to_string()));
    }

    /// The log and what was rejected or skipped.
    pub fn finish(self) -> (EventLog, ArrowReport) {
        (self.builder.finish(), self.report)
    }
}

/// Read a whole sequence of batches sharing one schema.
pub fn log_from_batches<'a>(
    schema: &Schema,
    batches: impl IntoIterator<Item = &'a RecordBatch>,
    mapping: &Mapping,
) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    let mut reader = LogFromArrow::new(schema, mapping)?;
    for batch in batches {
        reader.push_batch(batch)?;
    }
    Ok(reader.finish())
}

fn is_text_like(ty: &DataType) -> bool {
    match ty {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => true,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => true,
        DataType::Dictionary(_, v) => matches!(
            **v,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ),
        _ => false,
    }
}

fn is_time_like(ty: &DataType) -> bool {
    match ty {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => true,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => matches!(
            **v,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ),
        _ => false,
    }
}

/// Can a column of this type be read at all (as a role or an attribute)?
pub(crate) fn supported(ty: &DataType) -> bool {
    attr_kind(ty).is_some()
}

/// The kind of attribute a column becomes, `None` when Spur skips it.
fn attr_kind(ty: &DataType) -> Option<()> {
    match ty {
        DataType::Boolean
        | DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Timestamp(_, _)
        | DataType::Date32
        | DataType::Date64
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View => Some(()),
        DataType::Dictionary(_, v) => matches!(
            **v,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
        .then_some(()),
        _ => None,
    }
}
