//! Which columnar format (Parquet, Arrow IPC) an input is, and reading it: the dispatch every
//! shell needs next to the push importers (`spur convert`, the browser's worker), kept here so
//! the rule "magic bytes first, then the name" is written once.

use super::{ArrowLogError, ArrowReport};
use crate::import::Mapping;
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// A columnar log format read whole from memory (not through `import::Importer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    Parquet,
    ArrowIpc,
}

/// The table format of a file called `file_name` starting with `head`, or `None` when it is for
/// the push importers (CSV/TSV, XES, XES.gz). Magic bytes win over the name.
pub fn table_format(file_name: &str, head: &[u8]) -> Option<TableFormat> {
    let lower = file_name.to_ascii_lowercase();
    if head.starts_with(b"PAR1") || lower.ends_with(".parquet") {
        Some(TableFormat::Parquet)
    } else if head.starts_with(super::ipc::FILE_MAGIC)
        || [".arrow", ".ipc", ".feather", ".arrows"]
            .iter()
            .any(|e| lower.ends_with(e))
    {
        Some(TableFormat::ArrowIpc)
    } else {
        None
    }
}

/// Read a whole Parquet or Arrow IPC input.
pub fn read_table(
    format: TableFormat,
    bytes: &[u8],
    mapping: &Mapping,
) -> Result<(EventLog, ArrowReport), ArrowLogError> {
    match format {
        #[cfg(feature = "parquet")]
        TableFormat::Parquet => super::parquet::read(bytes, mapping),
        #[cfg(not(feature = "parquet"))]
        TableFormat::Parquet => Err(ArrowLogError::Malformed {
            format: "Parquet",
            row_group: None,
            column: None,
            message: "this build of Spur was made without Parquet support; convert the file \
                      to CSV or Arrow IPC"
                .into(),
        }),
        TableFormat::ArrowIpc => super::ipc::read(bytes, mapping),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_wins_over_the_name() {
        let cases: &[(&str, &[u8], Option<TableFormat>)] = &[
            ("log.csv", b"PAR1....", Some(TableFormat::Parquet)),
            ("log.PARQUET", b"", Some(TableFormat::Parquet)),
            ("x", b"ARROW1\0\0", Some(TableFormat::ArrowIpc)),
            ("log.feather", b"", Some(TableFormat::ArrowIpc)),
            ("log.xes.gz", b"\x1f\x8b", None),
            ("log.csv", b"case,activity", None),
        ];
        for (name, head, want) in cases {
            assert_eq!(table_format(name, head), *want, "{name}");
        }
    }

    #[test]
    fn broken_parquet_is_a_located_error() {
        let e = read_table(TableFormat::Parquet, b"PAR1garbage", &Mapping::default())
            .expect_err("not a Parquet file");
        assert!(e.to_string().contains("Parquet"), "{e}");
    }
}
