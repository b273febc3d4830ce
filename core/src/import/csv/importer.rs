//! The CSV importer's push loop: it holds the first 64 KiB back until `sniff` has planned the
//! columns, then feeds every chunk through the record cutter into `rows`, and at the end says
//! why an input gave no events.

use super::records::{Record, RecordReader};
use super::rows::Rows;
use super::sniff::{Plan, SNIFF_BYTES};
use crate::import::{Format, ImportError, ImportOptions, ImportReport};
use crate::log::EventLog;

pub(crate) struct CsvImporter {
    options: ImportOptions,
    format: Format,
    head: Vec<u8>,
    /// Set once the head is sniffed.
    reading: Option<Reading>,
}

/// The record cutter and the row reader, once the plan is known.
struct Reading {
    reader: RecordReader,
    rows: Rows,
}

impl CsvImporter {
    pub(crate) fn new(options: &ImportOptions, format: Format) -> Self {
        CsvImporter {
            options: options.clone(),
            format,
            head: Vec::new(),
            reading: None,
        }
    }

    pub(crate) fn events(&self) -> u64 {
        self.reading
            .as_ref()
            .map_or(0, |r| r.rows.builder.len() as u64)
    }

    pub(crate) fn push(&mut self, chunk: &[u8], last: bool) -> Result<(), ImportError> {
        if let Some(reading) = &mut self.reading {
            return reading.feed(chunk, last);
        }
        self.head.extend_from_slice(chunk);
        if self.head.len() < SNIFF_BYTES && !last {
            return Ok(());
        }
        let head = std::mem::take(&mut self.head);
        let plan = Plan::detect(&head, last, &self.options, false)?;
        let limits = self.options.limits;
        let reading = self.reading.insert(Reading {
            reader: RecordReader::new(plan.dialect.delimiter as u8, limits.max_record_bytes),
            rows: Rows::new(plan.dialect, plan.roles, limits.max_issues_kept),
        });
        reading.feed(&head[plan.skip..], last)
    }

    pub(crate) fn finish(self) -> Result<(EventLog, ImportReport), ImportError> {
        let Some(Reading { reader, rows }) = self.reading else {
            return Err(ImportError::Empty);
        };
        let lines = reader.line;
        if rows.builder.is_empty() {
            return Err(no_events(&rows, lines));
        }
        let log = rows.builder.finish();
        let report =
            rows.issues
                .into_report(self.format, lines, rows.rows, &log, Some(rows.dialect));
        Ok((log, report))
    }
}

impl Reading {
    fn feed(&mut self, data: &[u8], last: bool) -> Result<(), ImportError> {
        let rows = &mut self.rows;
        let mut sink = |r: Record<'_>| rows.row(r);
        self.reader.feed(data, &mut sink)?;
        if last {
            self.reader.finish(&mut sink)?;
        }
        Ok(())
    }
}

/// Why a CSV that was read gave no events: no data rows, or every row rejected.
fn no_events(rows: &Rows, lines: u64) -> ImportError {
    if rows.rows == 0 {
        return ImportError::NoEvents {
            line: 1,
            message: "the file has a header but no data rows".to_string(),
        };
    }
    let first = rows
        .issues
        .kept
        .first()
        .map(|i| i.to_string())
        .unwrap_or_default();
    ImportError::NoEvents {
        line: lines,
        message: format!(
            "none of the {} data rows could be imported (see the first rejected row: {first})",
            rows.rows
        ),
    }
}
