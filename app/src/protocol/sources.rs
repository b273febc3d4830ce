//! Protocol types of the Load screen's sources (issue 6): files the user dropped (or the laundry
//! demo generated) are kept *in the worker* as a numbered list; the UI sees their name, format,
//! size and, for delimited text, core's [`CsvPreview`] under the options it chose. Importing or
//! merging then sends only indices and options, never the bytes again.

use super::ErrorDto;
use serde::{Deserialize, Serialize};
use spur_core::import::csv::CsvPreview;
use spur_core::import::ImportOptions;
use spur_core::toolkit::merge::MergeReport;

/// The kind of file a source is, as the Load screen names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Delimited text: previewed and mapped before import.
    Csv,
    Xes,
    XesGz,
    CsvGz,
    Parquet,
    ArrowIpc,
    /// An object-centric log (OCEL 2.0 JSON/XML/SQLite, OCEL 1.0 JSON/XML): opened alone, as
    /// object types to pick and flatten on.
    Ocel,
    /// A log summary file (`spur stats --summary-out`, issue 18): the map, variants and
    /// statistics of a log without its events; opened alone.
    Summary,
}

impl SourceFormat {
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Csv => "CSV",
            SourceFormat::Xes => "XES",
            SourceFormat::XesGz => "XES.gz",
            SourceFormat::CsvGz => "CSV.gz",
            SourceFormat::Parquet => "Parquet",
            SourceFormat::ArrowIpc => "Arrow IPC",
            SourceFormat::Ocel => "OCEL",
            SourceFormat::Summary => "Spur log summary",
        }
    }
}

/// One source kept in the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Its position in the worker's list.
    pub index: usize,
    /// The file name.
    pub name: String,
    pub format: SourceFormat,
    pub bytes: u64,
    /// The options the preview was made with (the demo's pre-filled mapping, else default).
    pub options: ImportOptions,
    /// The label its events carry in the merged log's `source` attribute (the file stem).
    pub label: String,
    /// For CSV: the preview under `options`, or why it cannot be read.
    pub preview: Option<Preview>,
}

/// A CSV preview or the located reason the text cannot be read with these options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preview {
    Ok(CsvPreview),
    Failed(ErrorDto),
}

/// How one source is read for a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceSpec {
    pub index: usize,
    /// The `source` attribute of its events.
    pub label: String,
    pub options: ImportOptions,
}

/// What "Merge and import" did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeDone {
    pub report: MergeReport,
    /// Rejected/repaired rows per source, one line per kind (first lines located).
    pub notes: Vec<String>,
}
