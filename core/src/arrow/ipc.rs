//! Arrow IPC: the file format (`.arrow`, Feather v2) and the streaming format, both read from
//! and written to bytes in memory.
//!
//! Reading does not hand raw bytes to arrow-ipc's readers, which trust the offsets and lengths
//! inside a message and panic on hostile ones. This module walks the framing itself (file footer
//! blocks, or the stream's length-prefixed messages), verifies each flatbuffer, checks that every
//! block, buffer and node lies inside the input, and only then lets arrow-ipc's `FileDecoder`
//! build the arrays (with its own full validation). Columns of types Spur does not read are
//! projected away before decoding.

use super::read::supported;
use super::{log_to_batch, ArrowLogError, ArrowReport, LogFromArrow, WriteOptions};
use crate::import::Mapping;
use crate::log::EventLog;
use arrow_buffer::Buffer;
use arrow_ipc::reader::FileDecoder;
use arrow_ipc::writer::{FileWriter, StreamWriter};
use arrow_ipc::{Block, MessageHeader, MetadataVersion};
use arrow_schema::{DataType, Schema};
use std::sync::Arc;

/// The first bytes of an Arrow IPC file.
pub const FILE_MAGIC: &[u8] = b"ARROW1";

const FORMAT: &str = "Arrow IPC";
const CONTINUATION: [u8; 4] = [0xff; 4];

fn malformed(message: impl Into<String>) -> ArrowLogError {
    ArrowLogError::Malformed {
        format: FORMAT,
        row_group: None,
        column: None,
        message: message.into(),
    }
}

/// Read an Arrow IPC file or stream (told apart by the file magic).
pub fn read(bytes: &[u8], mapping: &Mapping) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    if bytes.is_empty() {
        return Err(ArrowLogError::Empty { format: FORMAT });
    }
    if bytes.starts_with(FILE_MAGIC) {
        read_file(bytes, mapping)
    } else {
        read_stream(bytes, mapping)
    }
}

fn le_i32(bytes: &[u8], at: usize) -> Option<i32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The decoder for `schema`, reading only the columns Spur can use, and the reader of the log.
fn start(
    schema: Schema,
    version: MetadataVersion,
    mapping: &Mapping,
) -> Result<Reading, ArrowLogError> {
    let keep: Vec<usize> = (0..schema.fields().len())
        .filter(|&i| supported(schema.field(i).data_type()))
        .collect();
    let projected = schema
        .project(&keep)
        .map_err(|e| malformed(format!("schema: {e}")))?;
    let mut log = LogFromArrow::new(&projected, mapping)?;
    for f in schema.fields().iter().filter(|f| !supported(f.data_type())) {
        log.note_skipped(f.name(), f.data_type());
    }
    let schema = Arc::new(schema);
    let decoder = FileDecoder::new(schema.clone(), version).with_projection(keep);
    Ok(Reading {
        decoder,
        log,
        schema,
        version,
    })
}

/// What reading needs after the schema: the decoder, the log being built, and what the
/// checks of each block need.
struct Reading {
    decoder: FileDecoder,
    log: LogFromArrow,
    schema: Arc<Schema>,
    version: MetadataVersion,
}

fn read_file(bytes: &[u8], mapping: &Mapping) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    let n = bytes.len();
    if n < 18 || !bytes.ends_with(FILE_MAGIC) {
        return Err(malformed(
            "truncated file: it does not end with the `ARROW1` footer",
        ));
    }
    let footer_len = le_i32(bytes, n - 10).and_then(|l| usize::try_from(l).ok());
    let footer_start = footer_len
        .and_then(|l| (n - 10).checked_sub(l))
        .filter(|&s| s >= 8);
    let (Some(start_at), Some(_)) = (footer_start, footer_len) else {
        return Err(malformed("the footer length points outside the file"));
    };
    let footer = arrow_ipc::root_as_footer(&bytes[start_at..n - 10])
        .map_err(|e| malformed(format!("footer: {e}")))?;
    let fb_schema = footer
        .schema()
        .ok_or_else(|| malformed("the footer has no schema"))?;
    let schema = arrow_ipc::convert::try_fb_to_schema(fb_schema)
        .map_err(|e| malformed(format!("schema: {e}")))?;
    let mut r = start(schema, footer.version(), mapping)?;
    for (i, block) in footer.dictionaries().into_iter().flatten().enumerate() {
        let buf = checked_block(bytes, block, &r)
            .map_err(|m| malformed(format!("dictionary {i}: {m}")))?;
        if let Some(buf) = buf {
            r.decoder
                .read_dictionary(block, &buf)
                .map_err(|e| malformed(format!("dictionary {i}: {e}")))?;
        }
    }
    for (i, block) in footer.recordBatches().into_iter().flatten().enumerate() {
        let buf = checked_block(bytes, block, &r)
            .map_err(|m| malformed(format!("record batch {i}: {m}")))?
            .ok_or_else(|| {
                malformed(format!("record batch {i}: a dictionary among the batches"))
            })?;
        let batch = r
            .decoder
            .read_record_batch(block, &buf)
            .map_err(|e| malformed(format!("record batch {i}: {e}")))?;
        if let Some(batch) = batch {
            r.log.push_batch(&batch)?;
        }
    }
    Ok(r.log.finish())
}

fn read_stream(bytes: &[u8], mapping: &Mapping) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    let mut pos = 0usize;
    let mut state: Option<Reading> = None;
    let mut index = 0u64;
    while pos < bytes.len() {
        let (prefix, meta_len) = match le_i32(bytes, pos) {
            Some(-1) => (8usize, le_i32(bytes, pos + 4)),
            other => (4usize, other),
        };
        let meta_len = meta_len
            .ok_or_else(|| malformed(format!("message {index}: truncated length prefix")))?;
        if meta_len == 0 {
            break; // end-of-stream marker
        }
        let meta_len = usize::try_from(meta_len)
            .map_err(|_| malformed(format!("message {index}: negative length")))?;
        let meta_end = pos
            .checked_add(prefix)
            .and_then(|p| p.checked_add(meta_len))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                malformed(format!(
                    "message {index}: truncated (metadata runs past the end)"
                ))
            })?;
        let message = arrow_ipc::root_as_message(&bytes[pos + prefix..meta_end])
            .map_err(|e| malformed(format!("message {index}: {e}")))?;
        let body_len = usize::try_from(message.bodyLength())
            .map_err(|_| malformed(format!("message {index}: negative body length")))?;
        let end = meta_end
            .checked_add(body_len)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| {
                malformed(format!(
                    "message {index}: truncated (body runs past the end)"
                ))
            })?;
        match &mut state {
            None => {
                let fb = message
                    .header_as_schema()
                    .ok_or_else(|| malformed("the stream does not start with a schema message"))?;
                let schema = arrow_ipc::convert::try_fb_to_schema(fb)
                    .map_err(|e| malformed(format!("schema: {e}")))?;
                state = Some(start(schema, message.version(), mapping)?);
            }
            Some(r) => {
                let meta = i32::try_from(prefix + meta_len)
                    .map_err(|_| malformed(format!("message {index}: too large")))?;
                let block = Block::new(pos as i64, meta, body_len as i64);
                let buf = checked_block(bytes, &block, r)
                    .map_err(|m| malformed(format!("message {index}: {m}")))?;
                let Some(buf) = buf else {
                    pos = end; // a dictionary Spur does not read
                    index += 1;
                    continue;
                };
                match message.header_type() {
                    MessageHeader::DictionaryBatch => r
                        .decoder
                        .read_dictionary(&block, &buf)
                        .map_err(|e| malformed(format!("message {index} (dictionary): {e}")))?,
                    MessageHeader::RecordBatch => {
                        let batch = r.decoder.read_record_batch(&block, &buf).map_err(|e| {
                            malformed(format!("message {index} (record batch): {e}"))
                        })?;
                        if let Some(batch) = batch {
                            r.log.push_batch(&batch)?;
                        }
                    }
                    other => {
                        return Err(malformed(format!(
                            "message {index}: unexpected {other:?} message"
                        )))
                    }
                }
            }
        }
        pos = end;
        index += 1;
    }
    let r = state.ok_or_else(|| malformed("the stream holds no schema message"))?;
    Ok(r.log.finish())
}

/// The bytes of `block` (metadata and body), after checking that the block, its message and
/// every buffer and node it declares lie inside the input. `None`: a dictionary of values Spur
/// does not read (not text), to be skipped; the columns using it are projected away.
fn checked_block(bytes: &[u8], block: &Block, r: &Reading) -> Result<Option<Buffer>, String> {
    let version = r.version;
    let offset = usize::try_from(block.offset()).map_err(|_| "negative offset".to_string())?;
    let meta = usize::try_from(block.metaDataLength())
        .map_err(|_| "negative metadata length".to_string())?;
    let body =
        usize::try_from(block.bodyLength()).map_err(|_| "negative body length".to_string())?;
    let end = offset
        .checked_add(meta)
        .and_then(|e| e.checked_add(body))
        .filter(|&e| e <= bytes.len())
        .ok_or_else(|| "the block lies (partly) outside the input".to_string())?;
    let data = &bytes[offset..end];
    let skip = if data.get(..4) == Some(&CONTINUATION[..]) {
        8
    } else {
        4
    };
    if meta < skip {
        return Err(format!("metadata of {meta} bytes is too short"));
    }
    let message = arrow_ipc::root_as_message(&data[skip..]).map_err(|e| format!("message: {e}"))?;
    if version != MetadataVersion::V1 && message.version() != version {
        return Err("the message's metadata version differs from the schema's".into());
    }
    // The fields the message holds, and whether arrow-ipc will decode (true) or skip them.
    let (batch, fields): (_, Vec<(DataType, bool)>) = match message.header_type() {
        MessageHeader::RecordBatch => (
            message
                .header_as_record_batch()
                .ok_or("no record batch header")?,
            r.schema
                .fields()
                .iter()
                .map(|f| (f.data_type().clone(), supported(f.data_type())))
                .collect(),
        ),
        MessageHeader::DictionaryBatch => {
            let dictionary = message
                .header_as_dictionary_batch()
                .ok_or("no dictionary batch header")?;
            #[allow(deprecated)] // arrow-ipc itself finds the dictionary's field this way
            let users = r.schema.fields_with_dict_id(dictionary.id());
            let value_type = match users.first().map(|f| f.data_type()) {
                Some(DataType::Dictionary(_, v)) => v.as_ref().clone(),
                _ => {
                    return Err(format!(
                        "dictionary id {} is not in the schema",
                        dictionary.id()
                    ))
                }
            };
            if !matches!(
                value_type,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            ) {
                return Ok(None);
            }
            (
                dictionary.data().ok_or("no dictionary batch data")?,
                vec![(value_type, true)],
            )
        }
        MessageHeader::NONE => return Ok(Some(Buffer::from(data.to_vec()))),
        other => return Err(format!("unexpected {other:?} message")),
    };
    if batch.compression().is_some() {
        return Err(
            "compressed IPC buffers (LZ4/ZSTD) are not supported; write the file uncompressed"
                .into(),
        );
    }
    // Any column of `rows` rows needs at least `rows` bits of body, so this bound only rejects
    // lengths no real message has (and keeps later size arithmetic far from overflow).
    let max_rows = (body as u64).saturating_mul(8).saturating_add(64);
    let rows = u64::try_from(batch.length()).map_err(|_| "negative row count".to_string())?;
    if rows > max_rows {
        return Err(format!("{rows} rows cannot fit in a body of {body} bytes"));
    }
    for (i, node) in batch.nodes().into_iter().flatten().enumerate() {
        let len =
            u64::try_from(node.length()).map_err(|_| format!("field node {i}: negative length"))?;
        let nulls = u64::try_from(node.null_count())
            .map_err(|_| format!("field node {i}: negative null count"))?;
        if len > max_rows || nulls > len {
            return Err(format!("field node {i}: length {len} / null count {nulls} impossible for a body of {body} bytes"));
        }
    }
    for (i, buffer) in batch.buffers().into_iter().flatten().enumerate() {
        let start =
            u64::try_from(buffer.offset()).map_err(|_| format!("buffer {i}: negative offset"))?;
        let len =
            u64::try_from(buffer.length()).map_err(|_| format!("buffer {i}: negative length"))?;
        if start.checked_add(len).is_none_or(|e| e > body as u64) {
            return Err(format!(
                "buffer {i} ({start}+{len}) lies outside the body of {body} bytes"
            ));
        }
    }
    for (i, count) in batch
        .variadicBufferCounts()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if count < 0 || count as u64 > max_rows {
            return Err(format!("variadic buffer count {i} ({count}) is impossible"));
        }
    }
    let mut walk = Walk {
        nodes: batch.nodes().map_or(0, |n| n.len()),
        buffers: batch
            .buffers()
            .into_iter()
            .flatten()
            .map(|b| b.length() as u64)
            .collect::<Vec<_>>()
            .into_iter(),
        variadic: batch
            .variadicBufferCounts()
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .into_iter(),
        version,
    };
    for (ty, decoded) in &fields {
        walk.field(ty, *decoded)?;
    }
    Ok(Some(Buffer::from(data.to_vec())))
}

/// Follows arrow-ipc's own order of nodes and buffers through the fields of a message, and
/// checks what arrow-data would otherwise assert: a fixed-width buffer of a decoded field holds
/// a whole number of values. (Offsets and lengths were checked against the body already.)
struct Walk {
    nodes: usize,
    buffers: std::vec::IntoIter<u64>,
    variadic: std::vec::IntoIter<i64>,
    version: MetadataVersion,
}

impl Walk {
    fn buffer(&mut self, width: usize, decoded: bool) -> Result<(), String> {
        let len = self
            .buffers
            .next()
            .ok_or("fewer buffers than the schema needs")?;
        if decoded && width > 1 && len % width as u64 != 0 {
            return Err(format!(
                "a buffer of {len} bytes does not hold whole {width}-byte values"
            ));
        }
        Ok(())
    }

    fn field(&mut self, ty: &DataType, decoded: bool) -> Result<(), String> {
        use DataType as D;
        self.nodes = self
            .nodes
            .checked_sub(1)
            .ok_or("fewer field nodes than the schema needs")?;
        match ty {
            D::Null => {}
            D::Boolean | D::FixedSizeBinary(_) => {
                self.buffer(1, decoded)?;
                self.buffer(1, decoded)?;
            }
            D::Utf8 | D::Binary => {
                self.buffer(1, decoded)?;
                self.buffer(4, decoded)?;
                self.buffer(1, decoded)?;
            }
            D::LargeUtf8 | D::LargeBinary => {
                self.buffer(1, decoded)?;
                self.buffer(8, decoded)?;
                self.buffer(1, decoded)?;
            }
            D::Utf8View | D::BinaryView => {
                let count = self
                    .variadic
                    .next()
                    .ok_or("a view column without its variadic buffer count")?;
                self.buffer(1, decoded)?;
                self.buffer(16, decoded)?;
                for _ in 0..count {
                    self.buffer(1, decoded)?;
                }
            }
            D::List(child) | D::Map(child, _) => {
                self.buffer(1, decoded)?;
                self.buffer(4, decoded)?;
                self.field(child.data_type(), decoded)?;
            }
            D::LargeList(child) => {
                self.buffer(1, decoded)?;
                self.buffer(8, decoded)?;
                self.field(child.data_type(), decoded)?;
            }
            D::ListView(child) | D::LargeListView(child) => {
                let w = if matches!(ty, D::ListView(_)) { 4 } else { 8 };
                self.buffer(1, decoded)?;
                self.buffer(w, decoded)?;
                self.buffer(w, decoded)?;
                self.field(child.data_type(), decoded)?;
            }
            D::FixedSizeList(child, _) => {
                self.buffer(1, decoded)?;
                self.field(child.data_type(), decoded)?;
            }
            D::Struct(children) => {
                self.buffer(1, decoded)?;
                for child in children {
                    self.field(child.data_type(), decoded)?;
                }
            }
            D::RunEndEncoded(run_ends, values) => {
                self.field(run_ends.data_type(), decoded)?;
                self.field(values.data_type(), decoded)?;
            }
            D::Dictionary(key, _) => {
                self.buffer(1, decoded)?;
                self.buffer(key.primitive_width().unwrap_or(1), decoded)?;
            }
            D::Union(children, mode) => {
                if self.version < MetadataVersion::V5 {
                    self.buffer(1, decoded)?;
                }
                self.buffer(1, decoded)?;
                if *mode == arrow_schema::UnionMode::Dense {
                    self.buffer(4, decoded)?;
                }
                for (_, child) in children.iter() {
                    self.field(child.data_type(), decoded)?;
                }
            }
            other => {
                self.buffer(1, decoded)?;
                self.buffer(other.primitive_width().unwrap_or(1), decoded)?;
            }
        }
        Ok(())
    }
}

/// The log as an Arrow IPC file.
pub fn write_file(log: &EventLog, options: &WriteOptions) -> Result<Vec<u8>, ArrowLogError> {
    let batch = log_to_batch(log, options)?;
    let internal = |e: arrow_schema::ArrowError| ArrowLogError::Internal {
        message: format!("Arrow IPC writer: {e}"),
    };
    let mut writer = FileWriter::try_new(Vec::new(), &batch.schema()).map_err(internal)?;
    writer.write(&batch).map_err(internal)?;
    writer.into_inner().map_err(internal)
}

/// The log as an Arrow IPC stream.
pub fn write_stream(log: &EventLog, options: &WriteOptions) -> Result<Vec<u8>, ArrowLogError> {
    let batch = log_to_batch(log, options)?;
    let internal = |e: arrow_schema::ArrowError| ArrowLogError::Internal {
        message: format!("Arrow IPC writer: {e}"),
    };
    let mut writer = StreamWriter::try_new(Vec::new(), &batch.schema()).map_err(internal)?;
    writer.write(&batch).map_err(internal)?;
    writer.into_inner().map_err(internal)
}
