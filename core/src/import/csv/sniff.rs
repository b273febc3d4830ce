//! CSV sniffing: from the first 64 KiB, the encoding, delimiter, header and column names, and
//! a sample of records for `plan` to assign roles and types from.
//!
//! Encoding is UTF-8, UTF-8 with a BOM, else Latin-1 (UTF-16 is refused with advice); the
//! delimiter is the candidate giving the most consistent field count; a first row with no
//! date or number in it is a header. Sniffing only reads: it never builds events.

use super::plan::{plan_columns, Roles};
use super::records::{Record, RecordReader};
use super::CsvDialect;
use crate::import::bytes;
use crate::import::timestamp;
use crate::import::{Encoding, ImportError, ImportOptions};
use memchr::memchr;

/// Bytes sniffed before reading.
pub(super) const SNIFF_BYTES: usize = 64 << 10;
/// Most columns a CSV may have (each is planned from the sampled rows).
const MAX_COLUMNS: usize = 4096;
/// Records sampled for roles and types.
const SAMPLE_ROWS: usize = 200;

/// Sampled records: the line each starts on and its raw fields.
pub(super) type Sample = Vec<(u64, Vec<Vec<u8>>)>;

/// The detected reading plan.
pub(super) struct Plan {
    pub(super) dialect: CsvDialect,
    /// Bytes to skip at the start (a BOM).
    pub(super) skip: usize,
    pub(super) sample: Sample,
    /// The column of each role.
    pub(super) roles: Roles,
    /// Guesses a preview made (see [`CsvPreview::warnings`](super::CsvPreview::warnings)).
    pub(super) warnings: Vec<String>,
}

impl Plan {
    /// `preview`: guess a missing case/activity column (with a warning) instead of failing.
    pub(super) fn detect(
        head: &[u8],
        complete: bool,
        options: &ImportOptions,
        preview: bool,
    ) -> Result<Plan, ImportError> {
        let complete = complete && head.len() <= SNIFF_BYTES;
        let head = &head[..head.len().min(SNIFF_BYTES)];
        let body = readable_text(head)?;
        let skip = head.len() - body.len();
        let encoding = match options.csv.encoding {
            Some(e) => e,
            None => detect_encoding(body, skip > 0, complete),
        };
        let delimiter = match options.csv.delimiter {
            Some(d) => d,
            None => detect_delimiter(body, complete),
        };
        let mut sample = sample_records(body, delimiter, complete, SAMPLE_ROWS + 1);
        let Some((first_line, first)) = sample.first() else {
            return Err(ImportError::Empty);
        };
        let has_header = options
            .csv
            .has_header
            .unwrap_or_else(|| looks_like_header(first, encoding));
        if first.len() > MAX_COLUMNS {
            return Err(ImportError::Malformed {
                line: *first_line,
                column: None,
                message: format!(
                    "too many columns (at least {}; Spur reads up to {MAX_COLUMNS})",
                    first.len()
                ),
            });
        }
        let names = if has_header {
            header_names(&sample.remove(0).1, encoding)
        } else {
            (1..=first.len()).map(|i| format!("column{i}")).collect()
        };
        let mut warnings = Vec::new();
        let (columns, roles) = plan_columns(
            &names,
            &sample,
            encoding,
            &options.mapping,
            has_header,
            preview.then_some(&mut warnings),
        )?;
        let dialect = CsvDialect {
            delimiter: delimiter as char,
            has_header,
            encoding,
            columns,
        };
        Ok(Plan {
            dialect,
            skip,
            sample,
            roles,
            warnings,
        })
    }
}

/// The sniff window without its BOM, or why it is not delimited text at all (UTF-16, empty,
/// blank, binary).
fn readable_text(head: &[u8]) -> Result<&[u8], ImportError> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::Unsupported {
            message: "the text is UTF-16; save it as UTF-8 (or Latin-1) and import again".into(),
        });
    }
    let body = bytes::strip_bom(head);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(if body.is_empty() {
            ImportError::Empty
        } else {
            ImportError::NoEvents {
                line: 1,
                message: "the input holds only blank lines".into(),
            }
        });
    }
    if let Some(p) = memchr(0, body) {
        let line = 1 + bytes::count_newlines(&body[..p]);
        return Err(ImportError::Malformed {
            line,
            column: None,
            message: "a NUL byte: this looks like a binary file, not delimited text".into(),
        });
    }
    Ok(body)
}

fn detect_encoding(body: &[u8], bom: bool, complete: bool) -> Encoding {
    if bom {
        return Encoding::Utf8Bom;
    }
    match std::str::from_utf8(body) {
        Ok(_) => Encoding::Utf8,
        // A multi-byte character cut by the sniff window is still UTF-8.
        Err(e) if e.error_len().is_none() && !complete => Encoding::Utf8,
        Err(_) => Encoding::Latin1,
    }
}

/// The delimiter (`,` `;` tab `|`) giving the most consistent field count over the first
/// records, more fields breaking near-ties; `,` when none gives two fields.
pub(crate) fn detect_delimiter(body: &[u8], complete: bool) -> u8 {
    let mut best = (b',', 0.0f64, 1usize);
    for d in [b',', b';', b'\t', b'|'] {
        let recs = sample_records(body, d, complete, 50);
        if recs.is_empty() {
            continue;
        }
        let mut counts: Vec<usize> = recs.iter().map(|r| r.1.len()).collect();
        counts.sort_unstable();
        let mode = counts[counts.len() / 2];
        if mode < 2 {
            continue;
        }
        let consistency =
            counts.iter().filter(|&&c| c == mode).count() as f64 / counts.len() as f64;
        if consistency > best.1 + 0.05 || ((consistency - best.1).abs() <= 0.05 && mode > best.2) {
            best = (d, consistency, mode);
        }
    }
    best.0
}

/// Up to `max` complete records of `body` (the last one only if `complete`).
fn sample_records(body: &[u8], delimiter: u8, complete: bool, max: usize) -> Sample {
    let mut reader = RecordReader::new(delimiter, usize::MAX);
    let mut out = Vec::new();
    let mut sink = |r: Record<'_>| {
        if out.len() < max {
            out.push((r.line, r.fields().map(<[u8]>::to_vec).collect()));
        }
        Ok(())
    };
    // Errors (an unclosed quote) are found again, with their line, by the real read.
    let _ = reader.feed(body, &mut sink);
    // A first row longer than the sniff window is sampled as far as it goes.
    if complete || reader.emitted == 0 {
        let _ = reader.finish(&mut sink);
    }
    out
}

fn looks_like_header(first: &[Vec<u8>], encoding: Encoding) -> bool {
    !first.iter().any(|f| {
        let s = decode_lossy(f, encoding);
        let s = s.trim();
        !s.is_empty() && (timestamp::parse_any(s).is_some() || s.parse::<f64>().is_ok())
    })
}

/// Column names from the header row: trimmed, empty ones numbered, duplicates suffixed.
fn header_names(fields: &[Vec<u8>], encoding: Encoding) -> Vec<String> {
    dedup_names(
        fields
            .iter()
            .map(|f| decode_lossy(f, encoding).trim().to_string())
            .collect(),
    )
}

fn dedup_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    let mut seen: hashbrown::HashSet<String> = hashbrown::HashSet::new();
    for (i, n) in names.into_iter().enumerate() {
        let mut name = if n.is_empty() {
            format!("column{}", i + 1)
        } else {
            n
        };
        let base = name.clone();
        let mut k = 1;
        while seen.contains(&name) {
            name = format!("{base}.{k}");
            k += 1;
        }
        seen.insert(name.clone());
        out.push(name);
    }
    out
}

/// A sampled field as text: UTF-8 when it is and the encoding allows, else Latin-1.
pub(super) fn decode_lossy(f: &[u8], encoding: Encoding) -> String {
    match (encoding, std::str::from_utf8(f)) {
        (Encoding::Latin1, _) | (_, Err(_)) => bytes::latin1(f),
        (_, Ok(s)) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_numbered_and_deduplicated() {
        let names = dedup_names(vec!["a".into(), "".into(), "a".into(), "a".into()]);
        assert_eq!(names, ["a", "column2", "a.1", "a.2"]);
        assert_eq!(detect_delimiter(b"a|b|c\n1|2|3\n", true), b'|');
        assert!(matches!(
            readable_text(b"\xFF\xFEa"),
            Err(ImportError::Unsupported { .. })
        ));
        assert_eq!(readable_text(b"\xEF\xBB\xBFa,b").ok(), Some(&b"a,b"[..]));
    }
}
