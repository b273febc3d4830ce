//! CSV/TSV writer (RFC 4180): a header row, one row per event in log order, CRLF line ends.
//!
//! A field is quoted when it holds the delimiter, a quote, CR or LF, or leading/trailing
//! spaces, and quotes inside are doubled. A null is an empty field; an empty string is `""`.
//! Timestamps are ISO 8601 in UTC with milliseconds (`2011-10-01T00:38:44.546Z`), floats use
//! the shortest text that reads back to the same number.

use crate::arrow::ColumnNames;
use crate::import::timestamp::format_iso;
use crate::log::{Column, EventLog, Value, NO_RESOURCE};
use std::collections::HashSet;

/// How the CSV looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvExportOptions {
    pub names: ColumnNames,
    /// Field delimiter (`,` for CSV, `\t` for TSV, `;`, …).
    pub delimiter: u8,
}

impl Default for CsvExportOptions {
    fn default() -> Self {
        CsvExportOptions {
            names: ColumnNames::default(),
            delimiter: b',',
        }
    }
}

/// The log as CSV bytes (UTF-8, no BOM).
pub fn write(log: &EventLog, options: &CsvExportOptions) -> Vec<u8> {
    write_rows(log, options, 0..log.num_events())
}

/// The events `order` (indices into the log, each at most once) as CSV bytes, in that order:
/// for a reader that takes row order as meaning, such as the stream replay's arrival order.
pub fn write_rows(
    log: &EventLog,
    options: &CsvExportOptions,
    order: impl IntoIterator<Item = usize>,
) -> Vec<u8> {
    let names = &options.names;
    let d = options.delimiter;
    let has_resource = !log.resources().is_empty();
    let event_attrs: Vec<&Column> = log.event_attributes().iter().collect();
    let case_attrs: Vec<&Column> = log.case_attributes().iter().collect();

    let mut header: Vec<String> = vec![names.case.clone(), names.activity.clone()];
    if log.has_timestamps() {
        header.push(names.timestamp.clone());
    }
    if has_resource {
        header.push(names.resource.clone());
    }
    header.extend(event_attrs.iter().map(|c| c.name().to_string()));
    header.extend(
        case_attrs
            .iter()
            .map(|c| format!("{}{}", names.case_prefix, c.name())),
    );
    let mut seen = HashSet::new();
    for h in &mut header {
        let base = h.clone();
        let mut k = 2;
        while !seen.insert(h.clone()) {
            *h = format!("{base} ({k})");
            k += 1;
        }
    }

    let mut out = Vec::with_capacity(64 * log.num_events() + 256);
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            out.push(d);
        }
        field(&mut out, h, d, false);
    }
    out.extend_from_slice(b"\r\n");
    let cases = log.case_codes();
    let mut buf = String::new();
    for e in order {
        let Some(&case) = cases.get(e) else { continue };
        field(&mut out, log.case_ids().resolve(case), d, true);
        out.push(d);
        field(
            &mut out,
            log.activities().resolve(log.activity_codes()[e]),
            d,
            true,
        );
        if log.has_timestamps() {
            out.push(d);
            if let Some(t) = log.timestamp(e) {
                out.extend_from_slice(format_iso(t).as_bytes());
            }
        }
        if has_resource {
            out.push(d);
            let r = log.resource_codes()[e];
            if r != NO_RESOURCE {
                field(&mut out, log.resources().resolve(r), d, true);
            }
        }
        for c in &event_attrs {
            out.push(d);
            value(&mut out, &mut buf, c.get(e), d);
        }
        for c in &case_attrs {
            out.push(d);
            value(&mut out, &mut buf, c.get(case as usize), d);
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn value(out: &mut Vec<u8>, buf: &mut String, v: Option<Value<'_>>, d: u8) {
    use std::fmt::Write;
    match v {
        None => {}
        Some(Value::Str(s)) => field(out, s, d, true),
        Some(Value::Timestamp(t)) => out.extend_from_slice(format_iso(t).as_bytes()),
        Some(Value::Float(f)) if f.is_nan() => out.extend_from_slice(b"NaN"),
        Some(Value::Float(f)) if f.is_infinite() => {
            out.extend_from_slice(if f > 0.0 { b"inf" } else { b"-inf" })
        }
        Some(other) => {
            buf.clear();
            let _ = write!(buf, "{other}");
            out.extend_from_slice(buf.as_bytes());
        }
    }
}

/// One text field, quoted when needed (`quote_empty`: write `""` for an empty string, to tell
/// it from a null).
fn field(out: &mut Vec<u8>, s: &str, d: u8, quote_empty: bool) {
    let bytes = s.as_bytes();
    let needs = (quote_empty && bytes.is_empty())
        || bytes
            .iter()
            .any(|&b| b == d || b == b'"' || b == b'\n' || b == b'\r')
        || bytes.first() == Some(&b' ')
        || bytes.last() == Some(&b' ');
    if !needs {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::EventLogBuilder;

    #[test]
    fn quotes_only_what_needs_quoting() {
        let mut b = EventLogBuilder::new();
        let c = b.case_code("c,1");
        let a = b.activity_code("say \"hi\"\nthen go");
        let e = b.push_event(c, a, Some(1_318_000_000_123));
        b.set_event_attr(e, "note", Value::Str(""));
        b.set_event_attr(e, "n", Value::Float(0.1));
        let e2 = b.push_event(c, a, None);
        b.set_event_attr(e2, "n", Value::Int(2));
        let text =
            String::from_utf8(write(&b.finish(), &CsvExportOptions::default())).expect("utf-8");
        assert_eq!(
            text,
            "case:concept:name,concept:name,time:timestamp,note,n\r\n\
             \"c,1\",\"say \"\"hi\"\"\nthen go\",2011-10-07T15:06:40.123Z,\"\",0.1\r\n\
             \"c,1\",\"say \"\"hi\"\"\nthen go\",,,2\r\n"
        );
    }
}
