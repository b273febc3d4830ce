//! Record batches → EventLog. Column roles are found once from the schema; each batch is then
//! decoded column by column (dictionary columns intern each distinct value once per batch).

use super::{
    ArrowLogError, ArrowReport, ColumnNames, RejectedRow, MAX_KEPT, META_LOG_ATTRIBUTES,
    META_START_TIMESTAMP, ROW_COLUMN,
};
use crate::import::Mapping;
use crate::log::{EventLog, EventLogBuilder, Value};
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    AnyDictionaryArray, Array, BooleanArray, LargeStringArray, RecordBatch, StringArray,
    StringViewArray,
};
use arrow_schema::{DataType, Schema, TimeUnit};

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

/// Text columns, plain or dictionary-encoded.
enum Strs<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
    Dict {
        dict: &'a dyn AnyDictionaryArray,
        keys: Vec<usize>,
        values: Box<Strs<'a>>,
    },
}

impl<'a> Strs<'a> {
    fn new(array: &'a dyn Array) -> Option<Self> {
        if let Some(a) = array.as_string_opt::<i32>() {
            return Some(Strs::Utf8(a));
        }
        if let Some(a) = array.as_string_opt::<i64>() {
            return Some(Strs::Large(a));
        }
        if let Some(a) = array.as_string_view_opt() {
            return Some(Strs::View(a));
        }
        let dict = array.as_any_dictionary_opt()?;
        let values = Strs::new(dict.values().as_ref())?;
        Some(Strs::Dict {
            dict,
            keys: dict.normalized_keys(),
            values: Box::new(values),
        })
    }

    fn len(&self) -> usize {
        match self {
            Strs::Utf8(a) => a.len(),
            Strs::Large(a) => a.len(),
            Strs::View(a) => a.len(),
            Strs::Dict { keys, .. } => keys.len(),
        }
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Utf8(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Strs::Large(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Strs::View(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Strs::Dict { dict, keys, values } => {
                if i >= keys.len() || dict.is_null(i) {
                    return None;
                }
                let k = keys[i];
                (k < values.len()).then(|| values.get(k)).flatten()
            }
        }
    }
}

/// One column of a batch, decoded into something rows can be read from.
enum Col<'a> {
    Str(Strs<'a>),
    Int(Vec<i64>, &'a dyn Array),
    Float(Vec<f64>, &'a dyn Array),
    Bool(&'a BooleanArray),
    /// Milliseconds UTC; `None` = null or out of range.
    Time(Vec<Option<i64>>),
}

impl<'a> Col<'a> {
    fn new(array: &'a dyn Array) -> Option<Self> {
        use DataType as D;
        fn ints<T: ArrowPrimitiveType>(a: &dyn Array, f: impl Fn(T::Native) -> i64) -> Vec<i64> {
            a.as_primitive::<T>()
                .values()
                .iter()
                .map(|&v| f(v))
                .collect()
        }
        fn time<T: ArrowPrimitiveType<Native = i64>>(
            a: &dyn Array,
            to_ms: impl Fn(i64) -> Option<i64>,
        ) -> Vec<Option<i64>> {
            let p = a.as_primitive::<T>();
            p.values()
                .iter()
                .enumerate()
                .map(|(i, &v)| if p.is_valid(i) { to_ms(v) } else { None })
                .collect()
        }
        Some(match array.data_type() {
            D::Boolean => Col::Bool(array.as_boolean()),
            D::Int8 => Col::Int(ints::<Int8Type>(array, i64::from), array),
            D::Int16 => Col::Int(ints::<Int16Type>(array, i64::from), array),
            D::Int32 => Col::Int(ints::<Int32Type>(array, i64::from), array),
            D::Int64 => Col::Int(ints::<Int64Type>(array, |v| v), array),
            D::UInt8 => Col::Int(ints::<UInt8Type>(array, i64::from), array),
            D::UInt16 => Col::Int(ints::<UInt16Type>(array, i64::from), array),
            D::UInt32 => Col::Int(ints::<UInt32Type>(array, i64::from), array),
            D::UInt64 => {
                let p = array.as_primitive::<UInt64Type>();
                if p.values().iter().all(|&v| i64::try_from(v).is_ok()) {
                    Col::Int(p.values().iter().map(|&v| v as i64).collect(), array)
                } else {
                    Col::Float(p.values().iter().map(|&v| v as f64).collect(), array)
                }
            }
            D::Float16 => Col::Float(
                array
                    .as_primitive::<Float16Type>()
                    .values()
                    .iter()
                    .map(|v| v.to_f64())
                    .collect(),
                array,
            ),
            D::Float32 => Col::Float(
                array
                    .as_primitive::<Float32Type>()
                    .values()
                    .iter()
                    .map(|&v| f64::from(v))
                    .collect(),
                array,
            ),
            D::Float64 => Col::Float(array.as_primitive::<Float64Type>().values().to_vec(), array),
            D::Timestamp(unit, _) => Col::Time(match unit {
                TimeUnit::Second => time::<TimestampSecondType>(array, |v| v.checked_mul(1000)),
                TimeUnit::Millisecond => time::<TimestampMillisecondType>(array, Some),
                TimeUnit::Microsecond => {
                    time::<TimestampMicrosecondType>(array, |v| Some(v.div_euclid(1000)))
                }
                TimeUnit::Nanosecond => {
                    time::<TimestampNanosecondType>(array, |v| Some(v.div_euclid(1_000_000)))
                }
            }),
            D::Date32 => {
                let p = array.as_primitive::<Date32Type>();
                Col::Time(
                    p.values()
                        .iter()
                        .enumerate()
                        .map(|(i, &d)| p.is_valid(i).then(|| i64::from(d) * 86_400_000))
                        .collect(),
                )
            }
            D::Date64 => Col::Time(time::<Date64Type>(array, Some)),
            _ => Col::Str(Strs::new(array)?),
        })
    }

    /// Codes of a role column (case, activity, resource): text interned, integers as decimal.
    fn codes(&self, n: usize, mut intern: impl FnMut(&str) -> u32) -> Vec<Option<u32>> {
        match self {
            Col::Str(Strs::Dict { dict, keys, values }) => {
                let dict_codes: Vec<Option<u32>> = (0..values.len())
                    .map(|j| values.get(j).map(&mut intern))
                    .collect();
                (0..n)
                    .map(|i| {
                        if i >= keys.len() || dict.is_null(i) {
                            return None;
                        }
                        dict_codes.get(keys[i]).copied().flatten()
                    })
                    .collect()
            }
            Col::Str(s) => (0..n).map(|i| s.get(i).map(&mut intern)).collect(),
            Col::Int(v, a) => (0..n)
                .map(|i| (i < v.len() && a.is_valid(i)).then(|| intern(&v[i].to_string())))
                .collect(),
            Col::Float(..) | Col::Bool(_) | Col::Time(_) => vec![None; n],
        }
    }

    /// Timestamps in ms of the timestamp role; text is parsed (ISO 8601 and the importer's
    /// other formats), unparsable values count as nulled.
    fn timestamps(&self, n: usize, nulled: &mut u64) -> Vec<Option<i64>> {
        match self {
            Col::Time(t) => (0..n).map(|i| t.get(i).copied().flatten()).collect(),
            Col::Str(s) => (0..n)
                .map(|i| {
                    let text = s.get(i)?;
                    let parsed = crate::import::timestamp::parse_any(text).map(|(ms, _)| ms);
                    if parsed.is_none() {
                        *nulled += 1;
                    }
                    parsed
                })
                .collect(),
            Col::Int(..) | Col::Float(..) | Col::Bool(_) => vec![None; n],
        }
    }

    fn value(&self, i: usize) -> Option<Value<'_>> {
        match self {
            Col::Str(s) => s.get(i).map(Value::Str),
            Col::Int(v, a) => (i < v.len() && a.is_valid(i)).then(|| Value::Int(v[i])),
            Col::Float(v, a) => (i < v.len() && a.is_valid(i)).then(|| Value::Float(v[i])),
            Col::Bool(b) => (i < b.len() && b.is_valid(i)).then(|| Value::Bool(b.value(i))),
            Col::Time(t) => t.get(i).copied().flatten().map(Value::Timestamp),
        }
    }
}
