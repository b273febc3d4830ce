//! XES (IEEE 1849) → EventLog, streaming, in three layers:
//!
//! - `tokenizer`: pushed bytes → XML tokens, resumable, read in place (no copy per event);
//! - `importer`: the push loop and the element tree (nesting, limits, located errors);
//! - `elements`: attributes → events and cases in the log builder; strings are interned
//!   straight from the bytes and dates take a fixed-position fast path.
//!
//! Semantics (pm4py's defaults): the activity is the event's `concept:name`, the case id the
//! trace's `concept:name`, the timestamp `time:timestamp`, the resource `org:resource` (all
//! overridable with [`Mapping`](super::Mapping)). Other trace attributes become case attribute
//! columns, other event attributes (`lifecycle:transition` included) event attribute columns,
//! typed as declared (`string`/`id` → string, `date` → timestamp, `int`, `float`, `boolean`).
//! Traces sharing a case id are one case. Nested attributes, `list` and `container` are
//! skipped and reported; `<global>`, `<extension>` and `<classifier>` are read over. A token
//! longer than [`Limits::max_record_bytes`](super::Limits) stops the import.

mod elements;
mod importer;
mod tokenizer;

pub(crate) use importer::XesImporter;
