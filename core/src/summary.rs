//! The walking skeleton's analysis: how many events, cases and activities a log holds.
//!
//! Every shell shows this first (the browser after a file drop, `spur stats`, the demo), so it is
//! the one function whose signature the shells rely on from day one. It is deliberately small:
//! the full importers live in `import`, and this function will delegate to them.

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
    #[error("no {role} column in the header (looked for {candidates}); rename the column or map it explicitly")]
    MissingColumn { role: &'static str, candidates: &'static str },
}

impl SummaryError {
    /// Stable machine-readable code, used in JSON errors.
    pub fn code(&self) -> &'static str {
        match self {
            SummaryError::Empty => "empty_input",
            SummaryError::Malformed { .. } => "malformed_input",
            SummaryError::MissingColumn { .. } => "missing_column",
        }
    }
}

const CASE_NAMES: &[&str] = &["case:concept:name", "case", "case_id", "caseid", "case id"];
const ACTIVITY_NAMES: &[&str] = &["concept:name", "activity", "event", "activity_name"];

/// Summarise an event log given as bytes.
pub fn summarize(file_name: &str, bytes: &[u8]) -> Result<Summary, SummaryError> {
    let _ = file_name;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
        SummaryError::Malformed { line, message: "the text is not valid UTF-8".into() }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(SummaryError::Empty)?;
    let header: Vec<String> = split_csv_line(header, 1)?;
    let find = |names: &[&str]| {
        header.iter().position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let case_col = find(CASE_NAMES).ok_or(SummaryError::MissingColumn {
        role: "case",
        candidates: "case:concept:name, case, case_id",
    })?;
    let act_col = find(ACTIVITY_NAMES).ok_or(SummaryError::MissingColumn {
        role: "activity",
        candidates: "concept:name, activity, event",
    })?;

    let mut cases = std::collections::HashSet::new();
    let mut acts: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut events = 0u64;
    for (idx, line) in lines {
        let line_no = idx as u64 + 1;
        let fields = split_csv_line(line, line_no)?;
        if fields.len() != header.len() {
            return Err(SummaryError::Malformed {
                line: line_no,
                message: format!("expected {} fields, found {}", header.len(), fields.len()),
            });
        }
        cases.insert(fields[case_col].clone());
        *acts.entry(fields[act_col].clone()).or_default() += 1;
        events += 1;
    }
    let mut activities: Vec<ActivityCount> =
        acts.into_iter().map(|(name, count)| ActivityCount { name, count }).collect();
    activities.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    Ok(Summary { events, cases: cases.len() as u64, activities })
}

/// Split one CSV line (RFC 4180 quoting, no embedded newlines in this skeleton).
fn split_csv_line(line: &str, line_no: u64) -> Result<Vec<String>, SummaryError> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => in_quotes = false,
            ('"', false) if field.is_empty() => in_quotes = true,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if in_quotes {
        return Err(SummaryError::Malformed {
            line: line_no,
            message: "a quoted field is not closed".into(),
        });
    }
    out.push(field);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_a_small_log() {
        let log = "case,activity,timestamp\n1,a,2024-01-01\n1,b,2024-01-02\n2,a,2024-01-01\n";
        let s = summarize("x.csv", log.as_bytes()).expect("valid log");
        assert_eq!((s.events, s.cases), (3, 2));
        assert_eq!(s.activities[0], ActivityCount { name: "a".into(), count: 2 });
    }

    #[test]
    fn names_the_line_of_a_broken_row() {
        let log = "case,activity\n1,a\n2,\"b\n";
        let e = summarize("x.csv", log.as_bytes()).unwrap_err();
        assert_eq!(e, SummaryError::Malformed { line: 3, message: "a quoted field is not closed".into() });
    }

    #[test]
    fn missing_case_column_is_named() {
        let e = summarize("x.csv", b"who,activity\n1,a\n").unwrap_err();
        assert_eq!(e.code(), "missing_column");
    }
}
