//! XES writer (IEEE 1849-2016): one `<trace>` per case in log order, one `<event>` per event.
//!
//! Roles use the standard extensions: `concept:name` (case id on the trace, activity on the
//! event), `time:timestamp` (`<date>`, UTC with milliseconds), `org:resource`. Attributes keep
//! their types (`string`, `int`, `float`, `boolean`, `date`); log attributes are written as
//! strings. Keys and values are XML-escaped; characters XML 1.0 cannot hold (control characters
//! other than tab, CR and LF) become U+FFFD, and tab/CR/LF in values are written as character
//! references so attribute-value normalisation keeps them.

use crate::import::timestamp::format_iso;
use crate::log::{Column, EventLog, Value, NO_RESOURCE};
use std::fmt::Write as _;

const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="__INVALID__"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
"#;

const ROLE_KEYS: [&str; 3] = ["concept:name", "time:timestamp", "org:resource"];

/// The log as XES bytes (UTF-8).
pub fn write(log: &EventLog) -> Vec<u8> {
    let mut out = String::with_capacity(160 * log.num_events() + HEADER.len());
    out.push_str(HEADER);
    for (key, value) in log.log_attributes() {
        attr(&mut out, 1, key, Value::Str(value));
    }
    let event_attrs: Vec<&Column> = log
        .event_attributes()
        .iter()
        .filter(|c| !ROLE_KEYS.contains(&c.name()))
        .collect();
    let case_attrs: Vec<&Column> = log
        .case_attributes()
        .iter()
        .filter(|c| c.name() != "concept:name")
        .collect();
    for case in 0..log.num_cases() as u32 {
        out.push_str("  <trace>\n");
        attr(
            &mut out,
            2,
            "concept:name",
            Value::Str(log.case_ids().resolve(case)),
        );
        for c in &case_attrs {
            if let Some(v) = c.get(case as usize) {
                attr(&mut out, 2, c.name(), v);
            }
        }
        for e in log.case_events(case) {
            out.push_str("    <event>\n");
            attr(
                &mut out,
                3,
                "concept:name",
                Value::Str(log.activities().resolve(log.activity_codes()[e])),
            );
            if let Some(t) = log.timestamp(e) {
                attr(&mut out, 3, "time:timestamp", Value::Timestamp(t));
            }
            let r = log.resource_codes()[e];
            if r != NO_RESOURCE {
                attr(
                    &mut out,
                    3,
                    "org:resource",
                    Value::Str(log.resources().resolve(r)),
                );
            }
            for c in &event_attrs {
                if let Some(v) = c.get(e) {
                    attr(&mut out, 3, c.name(), v);
                }
            }
            out.push_str("    </event>\n");
        }
        out.push_str("  </trace>\n");
    }
    out.push_str("</log>\n");
    out.into_bytes()
}

/// The log as gzip-compressed XES.
pub fn write_gz(log: &EventLog) -> Result<Vec<u8>, super::ExportError> {
    use std::io::Write;
    let xml = write(log);
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(xml.len() / 8),
        flate2::Compression::default(),
    );
    gz.write_all(&xml)
        .map_err(|e| super::ExportError::Gzip(e.to_string()))?;
    gz.finish()
        .map_err(|e| super::ExportError::Gzip(e.to_string()))
}

fn attr(out: &mut String, depth: usize, key: &str, value: Value<'_>) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    let tag = match value {
        Value::Str(_) => "string",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Bool(_) => "boolean",
        Value::Timestamp(_) => "date",
    };
    out.push('<');
    out.push_str(tag);
    out.push_str(" key=\"");
    escape(out, key);
    out.push_str("\" value=\"");
    match value {
        Value::Str(s) => escape(out, s),
        Value::Int(v) => {
            let _ = write!(out, "{v}");
        }
        Value::Float(f) if f.is_nan() => out.push_str("NaN"),
        Value::Float(f) if f.is_infinite() => out.push_str(if f > 0.0 { "INF" } else { "-INF" }),
        Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Timestamp(t) => out.push_str(&format_iso(t)),
    }
    out.push_str("\"/>\n");
}

/// XML-escape an attribute value.
fn escape(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::EventLogBuilder;

    #[test]
    fn escapes_keys_and_values_and_keeps_types() {
        let mut b = EventLogBuilder::new();
        let c = b.case_code("a&b");
        let a = b.activity_code("<x \"y\">\u{1}");
        let e = b.push_event(c, a, Some(0));
        b.set_event_attr(e, "k'", Value::Float(1.0));
        b.set_event_attr(e, "ok", Value::Bool(true));
        b.set_case_attr(c, "n", Value::Int(-3));
        let text = String::from_utf8(write(&b.finish())).expect("utf-8");
        let body = text.split("<trace>").nth(1).expect("a trace");
        assert_eq!(
            body,
            "\n    <string key=\"concept:name\" value=\"a&amp;b\"/>\n    <int key=\"n\" value=\"-3\"/>\n    <event>\n      \
             <string key=\"concept:name\" value=\"&lt;x &quot;y&quot;&gt;\u{FFFD}\"/>\n      \
             <date key=\"time:timestamp\" value=\"1970-01-01T00:00:00.000Z\"/>\n      \
             <float key=\"k&apos;\" value=\"1.0\"/>\n      <boolean key=\"ok\" value=\"true\"/>\n    </event>\n  </trace>\n</log>\n"
        );
    }
}
