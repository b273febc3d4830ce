//! Events from delimited text in file order (the arrival order of a replayed stream).
//!
//! The event log importer sorts events by case; a stream needs the rows as they come, so this
//! reader cuts records with the importer's quote-aware cutter (`import::csv`) and maps named
//! columns to [`Event`]s without sorting. Rows without key or time, with a time that does not
//! parse, or with another number of fields are rejected with their line and field; input that
//! cannot be read at all (no header, an unclosed quote, a too-long row) is an [`ImportError`].
//! Times: ISO 8601 (and the importer's other date formats), or epoch seconds/milliseconds,
//! integer or fractional (12 or more integer digits are milliseconds).

use super::event::{Event, Value};
use crate::import::csv::{detect_delimiter, RecordReader};
use crate::import::timestamp::{self, TimestampFormat};
use crate::import::ImportError;

/// Which columns play which part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvEventSpec {
    pub key: String,
    pub time: String,
    pub id: Option<String>,
    /// Column naming the source (per-source watermarks); none = one source.
    pub source: Option<String>,
    /// Columns read into [`Event::values`], in order.
    pub fields: Vec<String>,
    /// Longest row in bytes.
    pub max_record_bytes: usize,
}

/// A row that could not become an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
}

/// Parse an event time: ISO 8601 / the importer's date formats, or epoch s / ms.
pub fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let numeric = t
        .strip_prefix('-')
        .unwrap_or(t)
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.');
    if numeric {
        let int_digits = t
            .trim_start_matches('-')
            .split('.')
            .next()
            .map_or(0, str::len);
        let f = if int_digits >= 12 {
            TimestampFormat::EpochMillis
        } else {
            TimestampFormat::EpochSeconds
        };
        return timestamp::parse(t, f);
    }
    timestamp::parse_any(t).map(|(ms, _)| ms)
}

fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim().to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| b as char)
            .collect::<String>()
            .trim()
            .to_string(),
    }
}

struct Columns {
    key: usize,
    time: usize,
    id: Option<usize>,
    source: Option<usize>,
    fields: Vec<usize>,
    width: usize,
}

/// Read every row of `bytes`, calling `sink` with each event or rejection in file order.
/// Returns the number of data rows.
pub fn read_csv_events(
    bytes: &[u8],
    spec: &CsvEventSpec,
    mut sink: impl FnMut(Result<(u64, Event), Rejection>),
) -> Result<u64, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    let head = &bytes[..bytes.len().min(64 << 10)];
    let delim = detect_delimiter(head, head.len() == bytes.len());
    let max = if spec.max_record_bytes == 0 {
        16 << 20
    } else {
        spec.max_record_bytes
    };
    let mut reader = RecordReader::new(delim, max);
    let mut cols: Option<Columns> = None;
    let mut sources: Vec<String> = Vec::new();
    let mut rows = 0u64;
    let mut failure: Option<ImportError> = None;
    let mut on_record = |r: crate::import::csv::Record<'_>| -> Result<(), ImportError> {
        let Some(c) = cols.as_ref() else {
            let names: Vec<String> = (0..r.len())
                .map(|i| text(r.get(i).unwrap_or_default()))
                .collect();
            let find = |role: &'static str, name: &str| {
                names
                    .iter()
                    .position(|n| n == name)
                    .ok_or_else(|| ImportError::MissingColumn {
                        role,
                        candidates: format!("`{name}`"),
                        header: names.join(", "),
                        hint: String::new(),
                    })
            };
            let columns = Columns {
                key: find("key", &spec.key)?,
                time: find("time", &spec.time)?,
                id: spec.id.as_deref().map(|n| find("id", n)).transpose()?,
                source: spec
                    .source
                    .as_deref()
                    .map(|n| find("source", n))
                    .transpose()?,
                fields: spec
                    .fields
                    .iter()
                    .map(|n| find("field", n))
                    .collect::<Result<_, _>>()?,
                width: names.len(),
            };
            cols = Some(columns);
            return Ok(());
        };
        rows += 1;
        let line = r.line;
        if r.len() != c.width {
            sink(Err(Rejection {
                line,
                field: None,
                reason: format!("{} fields where the header has {}", r.len(), c.width),
            }));
            return Ok(());
        }
        let get = |i: usize| text(r.get(i).unwrap_or_default());
        let reject = |field: &str, reason: String| Rejection {
            line,
            field: Some(field.to_string()),
            reason,
        };
        let key = get(c.key);
        if key.is_empty() {
            sink(Err(reject(&spec.key, "no key".into())));
            return Ok(());
        }
        let raw_time = get(c.time);
        let Some(time) = parse_time(&raw_time) else {
            let why = if raw_time.is_empty() {
                "no time".to_string()
            } else {
                format!(
                    "time `{}` does not parse (ISO 8601 or epoch s/ms)",
                    raw_time.chars().take(40).collect::<String>()
                )
            };
            sink(Err(reject(&spec.time, why)));
            return Ok(());
        };
        let id = match c.id {
            Some(i) => {
                let id = get(i);
                if id.is_empty() {
                    sink(Err(reject(
                        spec.id.as_deref().unwrap_or("id"),
                        "no id".into(),
                    )));
                    return Ok(());
                }
                Some(id)
            }
            None => None,
        };
        let source = match c.source {
            Some(i) => {
                let s = get(i);
                match sources.iter().position(|x| *x == s) {
                    Some(p) => p as u32,
                    None => {
                        sources.push(s);
                        (sources.len() - 1) as u32
                    }
                }
            }
            None => 0,
        };
        let values = c
            .fields
            .iter()
            .map(|&i| {
                let v = get(i);
                (!v.is_empty()).then_some(Value::Text(v))
            })
            .collect();
        sink(Ok((
            line,
            Event {
                id,
                key,
                time,
                source,
                values,
            },
        )));
        Ok(())
    };
    let fed = reader
        .feed(bytes, &mut on_record)
        .and_then(|_| reader.finish(&mut on_record));
    if let Err(e) = fed {
        failure = Some(e);
    }
    match failure {
        Some(e) => Err(e),
        None if cols.is_none() => Err(ImportError::Empty),
        None => Ok(rows),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CsvEventSpec {
        CsvEventSpec {
            key: "k".into(),
            time: "t".into(),
            id: Some("id".into()),
            fields: vec!["v".into()],
            ..Default::default()
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_time("1700000000.25"), Some(1_700_000_000_250));
        assert_eq!(parse_time("1700000000123"), Some(1_700_000_000_123));
        assert_eq!(
            parse_time("2024-01-01T00:00:01.5Z"),
            Some(1_704_067_201_500)
        );
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
    }

    #[test]
    fn rows_in_file_order_with_located_rejections() {
        let csv = b"id,k,t,v\n1,b,20,x\n2,a,10,\n3,,10,y\n4,a,soon,y\n5,a\n\"6\",a,5,\"q,r\"\n";
        let mut got = Vec::new();
        let rows = read_csv_events(csv, &spec(), |r| got.push(r)).unwrap();
        assert_eq!(rows, 6);
        let ok: Vec<(u64, String, i64)> = got
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|(l, e)| (*l, e.key.clone(), e.time))
            .collect();
        assert_eq!(
            ok,
            [
                (2, "b".into(), 20_000),
                (3, "a".into(), 10_000),
                (7, "a".into(), 5_000)
            ]
        );
        let bad: Vec<(u64, Option<String>)> = got
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|r| (r.line, r.field.clone()))
            .collect();
        assert_eq!(
            bad,
            [(4, Some("k".into())), (5, Some("t".into())), (6, None)]
        );
        let last = got.last().unwrap().as_ref().unwrap();
        assert_eq!(last.1.values, [Some(Value::Text("q,r".into()))]);
    }

    #[test]
    fn unreadable_inputs_are_located_errors() {
        let e = read_csv_events(b"id,k,t,v\n1,a,\"5,x\n", &spec(), |_| {}).unwrap_err();
        assert_eq!(e.line(), Some(2));
        let e = read_csv_events(b"a,b\n1,2\n", &spec(), |_| {}).unwrap_err();
        assert!(e.to_string().contains("no key column"), "{e}");
        assert_eq!(
            read_csv_events(b"  \n", &spec(), |_| {}),
            Err(ImportError::Empty)
        );
    }
}
