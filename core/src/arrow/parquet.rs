//! Parquet, read from and written to bytes in memory (cargo feature `parquet`, on by default).
//!
//! Reading goes row group by row group, so errors name the row group. Writing uses Snappy
//! (pure Rust, also on wasm32) and stores the Arrow schema, so types round-trip exactly.
//!
//! Hostile input: the footer and the layout of every column chunk are checked here before the
//! parquet crate reads them (it asserts on negative offsets and sizes). **Known gap:** parquet
//! 60.1 still panics on some corrupt *page data* (definition levels, VLQ integers, byte-array
//! lengths); the inputs found by fuzzing are kept in `core/test_data/fuzz-crashes/parquet_read-*`
//! (upstream tracks this class of bug as apache/arrow-rs#9742). Where panics unwind (native builds:
//! the CLI, tests) such a panic is contained per row group and reported as a located error; on
//! wasm32 panics abort, so the browser must keep untrusted Parquet inside its Web Worker.

use super::{log_to_batch, ArrowLogError, ArrowReport, LogFromArrow, WriteOptions};
use crate::import::Mapping;
use crate::log::EventLog;
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

/// The first (and last) bytes of a Parquet file.
pub const MAGIC: &[u8] = b"PAR1";

const FORMAT: &str = "Parquet";

/// Rows per record batch while reading.
const BATCH_ROWS: usize = 8192;

fn malformed(row_group: Option<usize>, e: impl std::fmt::Display) -> ArrowLogError {
    ArrowLogError::Malformed {
        format: FORMAT,
        row_group,
        column: None,
        message: e.to_string(),
    }
}

/// Read a Parquet file held in memory.
pub fn read(bytes: &[u8], mapping: &Mapping) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    if bytes.is_empty() {
        return Err(ArrowLogError::Empty { format: FORMAT });
    }
    if !bytes.starts_with(MAGIC) || !bytes.ends_with(MAGIC) {
        return Err(malformed(
            None,
            "not a Parquet file (no `PAR1` at its start and end)",
        ));
    }
    let bytes = Bytes::copy_from_slice(bytes);
    let metadata =
        ArrowReaderMetadata::load(&bytes, Default::default()).map_err(|e| malformed(None, e))?;
    check_layout(metadata.metadata(), bytes.len())?;
    let mut log = LogFromArrow::new(metadata.schema(), mapping)?;
    for group in 0..metadata.metadata().num_row_groups() {
        contain_decoder_panic(group, || {
            let reader =
                ParquetRecordBatchReaderBuilder::new_with_metadata(bytes.clone(), metadata.clone())
                    .with_row_groups(vec![group])
                    .with_batch_size(BATCH_ROWS)
                    .build()
                    .map_err(|e| malformed(Some(group), e))?;
            for batch in reader {
                log.push_batch(&batch.map_err(|e| malformed(Some(group), e))?)?;
            }
            Ok(())
        })?;
    }
    Ok(log.finish())
}

/// Run one row group's decoding so that a panic *inside the parquet crate* (corrupt page data,
/// see the module doc) becomes a located error instead of taking the process down. Where panics
/// abort (wasm32, `panic = "abort"` builds) this is a plain call and the gap stays as documented.
fn contain_decoder_panic(
    group: usize,
    decode: impl FnOnce() -> Result<(), ArrowLogError>,
) -> Result<(), ArrowLogError> {
    #[cfg(panic = "unwind")]
    {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)) {
            Ok(result) => result,
            Err(payload) => {
                let why = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("no detail");
                Err(malformed(
                    Some(group),
                    format!(
                        "corrupt page data: the Parquet decoder failed ({why}); re-export the file"
                    ),
                ))
            }
        }
    }
    #[cfg(not(panic = "unwind"))]
    {
        let _ = group;
        decode()
    }
}

/// Every column chunk must lie inside the file: the parquet crate asserts (panics) on negative
/// offsets or sizes instead of returning an error, so hostile metadata is refused here first.
fn check_layout(
    metadata: &parquet::file::metadata::ParquetMetaData,
    file_len: usize,
) -> Result<(), ArrowLogError> {
    for (g, group) in metadata.row_groups().iter().enumerate() {
        if group.num_rows() < 0 {
            return Err(malformed(Some(g), "negative row count"));
        }
        for column in group.columns() {
            let at = |message: String| ArrowLogError::Malformed {
                format: FORMAT,
                row_group: Some(g),
                column: Some(column.column_path().string()),
                message,
            };
            let start = column
                .dictionary_page_offset()
                .unwrap_or(column.data_page_offset());
            let (data, size, values) = (
                column.data_page_offset(),
                column.compressed_size(),
                column.num_values(),
            );
            if start < 0 || data < 0 || size < 0 || values < 0 {
                return Err(at(format!("negative offset, size or count (start {start}, data {data}, size {size}, values {values})")));
            }
            let end = start
                .checked_add(size)
                .and_then(|e| usize::try_from(e).ok());
            if end.is_none_or(|e| e > file_len) || data < start {
                return Err(at(format!(
                    "the column chunk ({start}+{size}) lies outside the file of {file_len} bytes"
                )));
            }
        }
    }
    Ok(())
}

/// The log as a Parquet file (Snappy-compressed, one row group per million events).
pub fn write(log: &EventLog, options: &WriteOptions) -> Result<Vec<u8>, ArrowLogError> {
    write_batch(log_to_batch(log, options)?)
}

/// The log as a dataset of `parts` Parquet files split by a hash of the case id, so an SQL
/// engine scans them in parallel and finds every case whole in one file: `(part, bytes)` for
/// each part that holds cases (empty parts are left out). [`super::ROW_COLUMN`] is always
/// written and numbers the events across the whole log (not per file), so ties in time keep
/// the log's order whichever file an engine reads first. The hash is platform-stable: the same
/// log gives the same files everywhere.
pub fn write_partitioned(
    log: &EventLog,
    options: &WriteOptions,
    parts: usize,
) -> Result<Vec<(usize, Vec<u8>)>, ArrowLogError> {
    let parts = parts.max(1);
    let part_of: Vec<usize> = (0..log.num_cases() as u32)
        .map(|c| {
            let id = log.case_ids().resolve(c);
            (crate::stream::hash::hash64(id.as_bytes(), 0) % parts as u64) as usize
        })
        .collect();
    let mut out = Vec::new();
    for part in 0..parts {
        let keep: Vec<bool> = part_of.iter().map(|&p| p == part).collect();
        if !keep.iter().any(|&k| k) {
            continue;
        }
        let rows: Vec<i64> = (0..log.num_cases() as u32)
            .filter(|&c| keep[c as usize])
            .flat_map(|c| log.case_events(c).map(|i| i as i64))
            .collect();
        let sub = log.select_cases(&keep);
        let batch = super::write::batch_with_rows(&sub, options, Some(&rows))?;
        out.push((part, write_batch(batch)?));
    }
    Ok(out)
}

fn write_batch(batch: arrow_array::RecordBatch) -> Result<Vec<u8>, ArrowLogError> {
    let internal = |e: parquet::errors::ParquetError| ArrowLogError::Internal {
        message: format!("Parquet writer: {e}"),
    };
    // The schema's metadata (log attributes, the start-timestamp column) also as plain Parquet
    // key-value metadata, which SQL engines read (`parquet_kv_metadata` in DuckDB).
    let kv: Vec<KeyValue> = batch
        .schema()
        .metadata()
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata((!kv.is_empty()).then_some(kv))
        .build();
    let mut writer =
        ArrowWriter::try_new(Vec::new(), batch.schema(), Some(props)).map_err(internal)?;
    writer.write(&batch).map_err(internal)?;
    writer.into_inner().map_err(internal)
}
