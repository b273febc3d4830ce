//! EventLog ↔ Arrow: record batches (arrow-rs), Arrow IPC files and streams, and Parquet.
//!
//! The table layout is pm4py's, so files move between Spur, pandas and pm4py unchanged: one row
//! per event, `case:concept:name` (case id), `concept:name` (activity), `time:timestamp`
//! (`Timestamp(ms, "UTC")` when written; any unit or zone, `Date32/64` or text when read),
//! `org:resource`, then one column per event attribute under its own name and one per case
//! attribute named `case:<key>` (its value repeated on each event of the case). [`ColumnNames`]
//! overrides the role names; when reading with default names, the usual alternatives (`case`,
//! `activity`, `timestamp`, …) are tried too. Strings are written dictionary-encoded, which maps
//! one-to-one onto the log's interned columns.
//!
//! Reading is push-shaped like the importers: [`LogFromArrow::push_batch`] per record batch, then
//! [`LogFromArrow::finish`]. Input is hostile: a row without case or activity is rejected and
//! counted in the [`ArrowReport`] (with its row number), a column of a type Spur cannot use is
//! skipped and listed, and errors name the column (and, for Parquet, the row group). Nothing here
//! panics on any input.
//!
//! Not here: reading files (the shells pass bytes), CSV/XES (see `import` and `export`).

pub mod ipc;
#[cfg(feature = "parquet")]
pub mod parquet;
mod read;
mod write;

pub use read::{log_from_batches, LogFromArrow};
pub(crate) use read::{
    ACTIVITY_ALTERNATIVES, CASE_ALTERNATIVES, RESOURCE_ALTERNATIVES, TIMESTAMP_ALTERNATIVES,
};
pub use write::{log_to_batch, WriteOptions};

use serde::{Deserialize, Serialize};

/// Column names of the roles. `Default` is pm4py's convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnNames {
    pub case: String,
    pub activity: String,
    pub timestamp: String,
    pub resource: String,
    /// Prefix of case-attribute columns (`case:` → `case:department`).
    pub case_prefix: String,
}

impl Default for ColumnNames {
    fn default() -> Self {
        ColumnNames {
            case: "case:concept:name".into(),
            activity: "concept:name".into(),
            timestamp: "time:timestamp".into(),
            resource: "org:resource".into(),
            case_prefix: "case:".into(),
        }
    }
}

impl ColumnNames {
    /// pm4py's names, with the roles that `mapping` names replaced.
    pub fn from_mapping(mapping: &crate::import::Mapping) -> Self {
        let mut names = ColumnNames::default();
        let pick = |target: &mut String, m: &Option<String>| {
            if let Some(m) = m {
                target.clone_from(m);
            }
        };
        pick(&mut names.case, &mapping.case);
        pick(&mut names.activity, &mapping.activity);
        pick(&mut names.timestamp, &mapping.timestamp);
        pick(&mut names.resource, &mapping.resource);
        names
    }
}

/// Schema metadata key holding the log-level attributes (JSON list of `[key, value]`).
pub const META_LOG_ATTRIBUTES: &str = "spur:log_attributes";
/// Schema metadata key naming the event attribute with start timestamps (interval events).
pub const META_START_TIMESTAMP: &str = "spur:start_timestamp";

/// The column of event positions (0-based, in the log's order: case, then time, ties in file
/// order) that `spur convert` writes to Parquet, so SQL engines order a case's events exactly as
/// Spur does (`sql`). Readers ignore it.
pub const ROW_COLUMN: &str = "__spur_row";

/// A row that could not become an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// 0-based row number over all batches (over the whole file for IPC and Parquet).
    pub row: u64,
    pub column: String,
    pub reason: String,
}

/// What reading a table did besides producing the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrowReport {
    /// Rows read.
    pub rows: u64,
    /// Rows that became events.
    pub events: u64,
    /// Rows rejected (all are counted; the first [`MAX_KEPT`] are listed).
    pub rejected: u64,
    pub rejected_rows: Vec<RejectedRow>,
    /// Values dropped (set to null) because they could not be represented, e.g. a timestamp
    /// out of range.
    pub nulled_values: u64,
    /// Columns skipped: `(name, Arrow type)`.
    pub skipped_columns: Vec<(String, String)>,
}

/// Rejected rows listed in an [`ArrowReport`].
pub const MAX_KEPT: usize = 1000;

/// Why a table could not be read or written. Always says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArrowLogError {
    #[error("no {role} column: looked for {candidates} among the columns [{columns}]; map one explicitly")]
    MissingColumn {
        role: &'static str,
        candidates: String,
        columns: String,
    },
    #[error("column `{column}` ({role}) has type {data_type}, which Spur cannot read as {role}")]
    UnsupportedType {
        column: String,
        role: &'static str,
        data_type: String,
    },
    #[error("record batch {batch}: its schema differs from the first batch's: {message}")]
    SchemaChanged { batch: u64, message: String },
    #[error("{format}{}{}: {message}", row_group.map(|g| format!(", row group {g}")).unwrap_or_default(), column.as_ref().map(|c| format!(", column `{c}`")).unwrap_or_default())]
    Malformed {
        format: &'static str,
        row_group: Option<usize>,
        column: Option<String>,
        message: String,
    },
    #[error("the {format} input holds no rows")]
    Empty { format: &'static str },
    #[error("the log is too large for Arrow: {message}")]
    TooLarge { message: String },
    #[error("internal error (a bug in Spur): {message}")]
    Internal { message: String },
}

impl ArrowLogError {
    /// Stable machine-readable code, for JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            ArrowLogError::MissingColumn { .. } => "missing_column",
            ArrowLogError::UnsupportedType { .. } => "unsupported_type",
            ArrowLogError::SchemaChanged { .. } => "schema_changed",
            ArrowLogError::Malformed { .. } => "malformed_input",
            ArrowLogError::Empty { .. } => "empty_input",
            ArrowLogError::TooLarge { .. } => "too_large",
            ArrowLogError::Internal { .. } => "internal",
        }
    }
}
