//! EventLog → one record batch in pm4py's layout. Interned columns become dictionary arrays
//! without re-hashing: the codes are the keys and the dictionary is the values.

use super::{ArrowLogError, ColumnNames, META_LOG_ATTRIBUTES, META_START_TIMESTAMP, ROW_COLUMN};
use crate::log::{Column, ColumnData, EventLog, Interner, Validity, NO_RESOURCE};
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray, TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
    TimestampSecondArray,
};
use arrow_buffer::{BooleanBuffer, NullBuffer, ScalarBuffer};
use arrow_schema::{Field, Schema, TimeUnit};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// How [`log_to_batch`] lays out the table.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOptions {
    pub names: ColumnNames,
    /// Unit of timestamp columns (values are ms; finer units are exact, `Second` truncates).
    pub time_unit: TimeUnit,
    /// Time zone of timestamp columns; `None` writes zone-less ("wall clock") timestamps.
    pub timezone: Option<String>,
    /// Write text columns dictionary-encoded (compact; pandas reads them as categoricals).
    pub dictionary: bool,
    /// Also write [`ROW_COLUMN`] (each event's 0-based position in the log's order), so that an
    /// SQL engine can keep ties in time in file order (`spur convert` to Parquet sets it).
    pub row_numbers: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            names: ColumnNames::default(),
            time_unit: TimeUnit::Millisecond,
            timezone: Some("UTC".into()),
            dictionary: true,
            row_numbers: false,
        }
    }
}

/// The whole log as one record batch (columns described in the module docs of `arrow`).
pub fn log_to_batch(log: &EventLog, options: &WriteOptions) -> Result<RecordBatch, ArrowLogError> {
    batch_with_rows(log, options, None)
}

/// [`log_to_batch`] with the [`ROW_COLUMN`] values given (one per event: a part of a larger
/// log keeps the positions it has in the whole, see `parquet::write_partitioned`).
pub(super) fn batch_with_rows(
    log: &EventLog,
    options: &WriteOptions,
    rows: Option<&[i64]>,
) -> Result<RecordBatch, ArrowLogError> {
    let names = &options.names;
    let n = log.num_events();
    let mut fields: Vec<Field> = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut push = |name: &str, nullable: bool, array: ArrayRef| {
        let mut unique = name.to_string();
        let mut k = 2;
        while used.contains(&unique) {
            unique = format!("{name} ({k})");
            k += 1;
        }
        let name = unique;
        used.insert(name.clone());
        fields.push(Field::new(name, array.data_type().clone(), nullable));
        arrays.push(array);
    };

    push(
        &names.case,
        false,
        text(log.case_ids(), log.case_codes(), None, options)?,
    );
    push(
        &names.activity,
        false,
        text(log.activities(), log.activity_codes(), None, options)?,
    );
    if let Some((ts, validity)) = log.timestamps() {
        push(
            &names.timestamp,
            true,
            timestamps(ts, Some(validity), options)?,
        );
    }
    if !log.resources().is_empty() {
        let codes = log.resource_codes();
        let valid = BooleanBuffer::collect_bool(n, |i| codes[i] != NO_RESOURCE);
        let codes: Vec<u32> = codes
            .iter()
            .map(|&c| if c == NO_RESOURCE { 0 } else { c })
            .collect();
        push(
            &names.resource,
            true,
            text(log.resources(), &codes, Some(valid), options)?,
        );
    }
    for column in log.event_attributes() {
        let rows: Option<&[u32]> = None;
        push(column.name(), true, attribute(column, rows, options)?);
    }
    for column in log.case_attributes() {
        let name = format!("{}{}", names.case_prefix, column.name());
        push(
            &name,
            true,
            attribute(column, Some(log.case_codes()), options)?,
        );
    }

    match rows {
        Some(rows) if rows.len() == n => {
            push(
                ROW_COLUMN,
                false,
                Arc::new(Int64Array::from_iter_values(rows.iter().copied())),
            );
        }
        Some(rows) => {
            return Err(ArrowLogError::Internal {
                message: format!("{} row numbers for {n} events", rows.len()),
            })
        }
        None if options.row_numbers => {
            push(
                ROW_COLUMN,
                false,
                Arc::new(Int64Array::from_iter_values(0..n as i64)),
            );
        }
        None => {}
    }

    let mut metadata = HashMap::new();
    if !log.log_attributes().is_empty() {
        let json =
            serde_json::to_string(log.log_attributes()).map_err(|e| ArrowLogError::Internal {
                message: format!("log attributes as JSON: {e}"),
            })?;
        metadata.insert(META_LOG_ATTRIBUTES.to_string(), json);
    }
    if let Some(start) = log.start_timestamps() {
        metadata.insert(META_START_TIMESTAMP.to_string(), start.name().to_string());
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, metadata));
    RecordBatch::try_new(schema, arrays).map_err(|e| ArrowLogError::Internal {
        message: e.to_string(),
    })
}

fn nulls(validity: &Validity, rows: Option<&[u32]>, n: usize) -> Option<NullBuffer> {
    let bits = match rows {
        None => BooleanBuffer::collect_bool(n, |i| validity.get(i)),
        Some(rows) => BooleanBuffer::collect_bool(n, |i| validity.get(rows[i] as usize)),
    };
    let nulls = NullBuffer::new(bits);
    (nulls.null_count() > 0).then_some(nulls)
}

/// A text column from dictionary codes (`valid` = which rows are not null).
fn text(
    dict: &Interner,
    codes: &[u32],
    valid: Option<BooleanBuffer>,
    options: &WriteOptions,
) -> Result<ArrayRef, ArrowLogError> {
    let nulls = valid.map(NullBuffer::new).filter(|n| n.null_count() > 0);
    if options.dictionary {
        if dict.len() > i32::MAX as usize {
            return Err(ArrowLogError::TooLarge {
                message: format!("{} distinct values in one column", dict.len()),
            });
        }
        let keys: ScalarBuffer<i32> = codes.iter().map(|&c| c as i32).collect();
        let keys = Int32Array::new(keys, nulls);
        let values: ArrayRef = Arc::new(StringArray::from_iter_values(dict.iter()));
        let array = DictionaryArray::<Int32Type>::try_new(keys, values).map_err(|e| {
            ArrowLogError::Internal {
                message: format!("dictionary column: {e}"),
            }
        })?;
        Ok(Arc::new(array))
    } else {
        let array: StringArray = codes
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                nulls
                    .as_ref()
                    .is_none_or(|n| n.is_valid(i))
                    .then(|| dict.resolve(c))
            })
            .collect();
        Ok(Arc::new(array))
    }
}

fn timestamps(
    ms: &[i64],
    validity: Option<&Validity>,
    options: &WriteOptions,
) -> Result<ArrayRef, ArrowLogError> {
    timestamps_with(
        ms.len(),
        |i| ms[i],
        validity.and_then(|v| nulls(v, None, ms.len())),
        options,
    )
}

fn timestamps_with(
    n: usize,
    ms: impl Fn(usize) -> i64,
    nulls: Option<NullBuffer>,
    options: &WriteOptions,
) -> Result<ArrayRef, ArrowLogError> {
    let scale = |factor: i64| -> Result<ScalarBuffer<i64>, ArrowLogError> {
        (0..n)
            .map(|i| {
                let valid = nulls.as_ref().is_none_or(|b| b.is_valid(i));
                if !valid {
                    return Ok(0);
                }
                ms(i)
                    .checked_mul(factor)
                    .ok_or_else(|| ArrowLogError::TooLarge {
                        message: format!(
                            "timestamp {} ms does not fit in {:?}",
                            ms(i),
                            options.time_unit
                        ),
                    })
            })
            .collect()
    };
    let tz = options.timezone.as_deref();
    Ok(match options.time_unit {
        TimeUnit::Second => {
            let v: ScalarBuffer<i64> = (0..n).map(|i| ms(i).div_euclid(1000)).collect();
            Arc::new(TimestampSecondArray::new(v, nulls).with_timezone_opt(tz))
        }
        TimeUnit::Millisecond => {
            Arc::new(TimestampMillisecondArray::new(scale(1)?, nulls).with_timezone_opt(tz))
        }
        TimeUnit::Microsecond => Arc::new(
            TimestampMicrosecondArray::new(scale(1000)?, nulls.clone()).with_timezone_opt(tz),
        ),
        TimeUnit::Nanosecond => Arc::new(
            TimestampNanosecondArray::new(scale(1_000_000)?, nulls.clone()).with_timezone_opt(tz),
        ),
    })
}

/// An attribute column; `rows` maps each output row to a column row (case attributes repeated
/// on each event of their case).
fn attribute(
    column: &Column,
    rows: Option<&[u32]>,
    options: &WriteOptions,
) -> Result<ArrayRef, ArrowLogError> {
    let n = rows.map_or(column.len(), <[u32]>::len);
    let row = |i: usize| rows.map_or(i, |r| r[i] as usize);
    let nulls = nulls(column.validity(), rows, n);
    Ok(match column.data() {
        ColumnData::Str { codes, dict } => {
            let codes: Vec<u32> = (0..n)
                .map(|i| codes.get(row(i)).copied().unwrap_or(0))
                .collect();
            text(dict, &codes, nulls.map(|b| b.into_inner()), options)?
        }
        ColumnData::Int(v) => Arc::new(Int64Array::new(
            (0..n)
                .map(|i| v.get(row(i)).copied().unwrap_or(0))
                .collect(),
            nulls,
        )),
        ColumnData::Float(v) => Arc::new(Float64Array::new(
            (0..n)
                .map(|i| v.get(row(i)).copied().unwrap_or(0.0))
                .collect(),
            nulls,
        )),
        ColumnData::Bool(v) => {
            let values =
                BooleanBuffer::collect_bool(n, |i| v.get(row(i)).copied().unwrap_or(false));
            Arc::new(BooleanArray::new(values, nulls))
        }
        ColumnData::Timestamp(v) => {
            timestamps_with(n, |i| v.get(row(i)).copied().unwrap_or(0), nulls, options)?
        }
    })
}
