//! The JSON-lines transcript of a stream, as `spur stream --json` prints it and the browser's
//! replay screen downloads it: one line per emitted window, late event, conflict and rejected
//! row, then a summary line. One formatter for both shells, so the cross-shell test can compare
//! the two byte for byte.
//!
//! Key order is fixed: `key, start, end, revision, count`, then each aggregate under its label
//! as written in `--agg` (`count` is not repeated), then `replaces` for a session that
//! superseded earlier ones. Times are ISO 8601 UTC with milliseconds.

use super::event::{AggValue, Output, Stats, WindowResult};
use crate::import::timestamp::format_iso;
use serde_json::{json, Value as Json};
use std::fmt::Write as _;

fn iso(ms: i64) -> Json {
    Json::String(format_iso(ms))
}

/// One aggregate's JSON: a number, `[{value, count}…]` for top-k, `[[from, to, count]…]` for
/// the DFG.
pub fn agg_json(v: &AggValue) -> Json {
    match v {
        AggValue::Count(n) => json!(n),
        AggValue::Number(x) => json!(x),
        AggValue::TopK(list) => list
            .iter()
            .map(|(v, c)| json!({"value": v, "count": c}))
            .collect(),
        AggValue::Dfg(list) => list.iter().map(|(a, b, c)| json!([a, b, c])).collect(),
    }
}

/// One window's line (without the newline); `labels` name the aggregates in `w.aggs` order.
pub fn window_line(w: &WindowResult, labels: &[String]) -> String {
    let mut line = format!(
        "{{\"key\":{},\"start\":{},\"end\":{},\"revision\":{},\"count\":{}",
        json!(w.key),
        iso(w.start),
        iso(w.end),
        w.revision,
        w.count
    );
    for (label, v) in labels.iter().zip(&w.aggs) {
        if label != "count" {
            let _ = write!(line, ",{}:{}", json!(label), agg_json(v));
        }
    }
    if !w.replaces.is_empty() {
        let r: Vec<_> = w
            .replaces
            .iter()
            .map(|(s, e)| json!([iso(*s), iso(*e)]))
            .collect();
        let _ = write!(line, ",\"replaces\":{}", json!(r));
    }
    line.push('}');
    line
}

/// Append one poll's output: late events, then conflicts, then windows, a line each.
pub fn write_output(out: &Output, labels: &[String], buf: &mut String) {
    for l in &out.late {
        let _ = writeln!(
            buf,
            "{}",
            json!({"late": {"id": l.id, "key": l.key, "time": iso(l.time), "reason": l.reason.as_str()}})
        );
    }
    for c in &out.conflicts {
        let _ = writeln!(
            buf,
            "{}",
            json!({"conflict": {"id": c.id, "key": c.key, "time": iso(c.time)}})
        );
    }
    for w in &out.windows {
        let _ = writeln!(buf, "{}", window_line(w, labels));
    }
}

/// Append the line of a row that could not become an event.
pub fn write_rejected(line: u64, field: Option<&str>, reason: &str, buf: &mut String) {
    let _ = writeln!(
        buf,
        "{}",
        json!({"rejected": {"line": line, "field": field, "reason": reason}})
    );
}

/// Append the last line: the operator's counters and the rows rejected.
pub fn write_summary(s: &Stats, rejected: u64, buf: &mut String) {
    let _ = writeln!(
        buf,
        "{}",
        json!({"summary": {"events": s.events, "duplicates": s.duplicates, "late": s.late,
            "windows": s.windows, "updates": s.updates, "conflicts": s.conflicts,
            "rejected": rejected, "late_accepted": s.late_accepted, "bad_values": s.bad_values}})
    );
}
