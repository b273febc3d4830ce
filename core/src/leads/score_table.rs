//! Scoring a CSV of new leads with a model: the CLI (`spur leads score`) and the browser's
//! Leads screen both rank files this way and hand out the same ranked CSV, byte for byte.

use super::csv::{self, CsvError};
use super::encode::CsvRow;
use super::ranking::{self, LeadModel, Score};
use super::table::Rejected;

/// Every scored row (in file order), the ranking, and the rows that could not be scored.
#[derive(Debug, Clone)]
pub struct ScoredTable {
    pub scores: Vec<Score>,
    /// Indices into `scores`, best first.
    pub order: Vec<usize>,
    /// Rows whose field count differs from the header's (skipped, with their line).
    pub skipped: Vec<Rejected>,
}

/// Score every row of the lead CSV `bytes`; a row's id is its `id` column, else `line N`.
pub fn score_csv(model: &LeadModel, bytes: &[u8]) -> Result<ScoredTable, CsvError> {
    let parsed = csv::parse(bytes)?;
    let id_col = parsed.header.iter().position(|h| h == "id");
    let mut scores = Vec::with_capacity(parsed.records.len());
    let mut skipped = Vec::new();
    for r in &parsed.records {
        if r.fields.len() != parsed.header.len() {
            skipped.push(Rejected {
                line: r.line,
                column: None,
                reason: format!(
                    "{} fields, the header has {} (row skipped)",
                    r.fields.len(),
                    parsed.header.len()
                ),
            });
            continue;
        }
        let id = id_col
            .and_then(|i| r.fields.get(i))
            .cloned()
            .unwrap_or_else(|| format!("line {}", r.line));
        let row = CsvRow {
            header: &parsed.header,
            fields: &r.fields,
        };
        scores.push(model.score_record(&row, Some(id)));
    }
    let order = ranking::rank(&scores);
    Ok(ScoredTable {
        scores,
        order,
        skipped,
    })
}

/// The ranked CSV: `rank,id,score,expected_value,segment,rule,reasons`, best first.
pub fn ranked_csv(scores: &[Score], order: &[usize]) -> String {
    let mut out = String::from("rank,id,score,expected_value,segment,rule,reasons\n");
    for (rank, &i) in order.iter().enumerate() {
        let s = &scores[i];
        let reasons: Vec<&str> = s.reasons.iter().map(|r| r.text.as_str()).collect();
        out.push_str(&format!(
            "{},{},{:.4},{},{},{},{}\n",
            rank + 1,
            quote(s.id.as_deref().unwrap_or("")),
            s.value,
            s.expected_value
                .map(|v| format!("{v:.0}"))
                .unwrap_or_default(),
            s.segment_id,
            quote(&s.rule),
            quote(&reasons.join("; "))
        ));
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
