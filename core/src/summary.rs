//! The walking skeleton's analysis: how many events, cases and activities a log holds.
//!
//! Every shell shows this first (the browser after a file drop, `spur stats`, the demo), so it is
//! the one function whose signature the shells rely on from day one. It reads every format the
//! importers support (CSV/TSV, XES, XES.gz) through [`crate::import::import_bytes`] with default
//! options; errors keep their line numbers.

use serde::{Deserialize, Serialize};

/// Counts that prove a log was read: shown by every shell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub events: u64,
    pub cases: u64,
    /// Activities with their event counts, most frequent first, ties by name.
    pub activities: Vec<ActivityCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityCount {
    pub name: String,
    pub count: u64,
}

/// Why a log could not be summarised. Always names where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    #[error("the file is empty: expected a header line such as `case,activity,timestamp`")]
    Empty,
    #[error("line {line}: {message}")]
    Malformed { line: u64, message: String },
    /// Any other import failure (missing column, truncated gzip, broken XML, a limit, …).
    #[error("{0}")]
    Import(crate::import::ImportError),
}

impl SummaryError {
    /// Stable machine-readable code, used in JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            SummaryError::Empty => "empty_input",
            SummaryError::Malformed { .. } => "malformed_input",
            SummaryError::Import(e) => e.code(),
        }
    }
}

impl From<crate::import::ImportError> for SummaryError {
    fn from(e: crate::import::ImportError) -> Self {
        use crate::import::ImportError;
        match e {
            ImportError::Empty => SummaryError::Empty,
            ImportError::Malformed {
                line,
                column: None,
                message,
            } => SummaryError::Malformed { line, message },
            other => SummaryError::Import(other),
        }
    }
}

/// Summarise an event log given as bytes (any format [`crate::import`] reads).
pub fn summarize(file_name: &str, bytes: &[u8]) -> Result<Summary, SummaryError> {
    let options = crate::import::ImportOptions::default();
    let (log, _report) = crate::import::import_bytes(file_name, bytes, &options)?;
    let activities = crate::mining::activity_counts(&log)
        .into_iter()
        .map(|(name, count)| ActivityCount { name, count })
        .collect();
    Ok(Summary {
        events: log.num_events() as u64,
        cases: log.num_cases() as u64,
        activities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_a_small_log() {
        let log = "case,activity,timestamp\n1,a,2024-01-01\n1,b,2024-01-02\n2,a,2024-01-01\n";
        let s = summarize("x.csv", log.as_bytes()).expect("valid log");
        assert_eq!((s.events, s.cases), (3, 2));
        assert_eq!(
            s.activities[0],
            ActivityCount {
                name: "a".into(),
                count: 2
            }
        );
    }

    #[test]
    fn names_the_line_of_a_broken_row() {
        let log = "case,activity\n1,a\n2,\"b\n";
        let e = summarize("x.csv", log.as_bytes()).unwrap_err();
        assert!(
            matches!(e, SummaryError::Malformed { line: 3, .. }),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "line 3: a quoted field opened on this line is never closed"
        );
    }

    #[test]
    fn missing_case_column_is_named() {
        let e = summarize("x.csv", b"who,activity\n1,a\n").unwrap_err();
        assert_eq!(e.code(), "missing_column");
    }

    #[test]
    fn reads_xes_too() {
        let xes = br#"<log><trace><string key="concept:name" value="1"/>
            <event><string key="concept:name" value="a"/></event></trace></log>"#;
        let s = summarize("x.xes", xes).expect("valid XES");
        assert_eq!((s.events, s.cases), (1, 1));
        let e = summarize("x.xes", b"<log><trace>").unwrap_err();
        assert_eq!(e.code(), "malformed_xml");
        assert!(e.to_string().starts_with("line 1: "), "{e}");
    }
}
