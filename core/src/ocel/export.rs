//! OCEL 2.0 JSON writer: an [`OcelLog`] → the bytes of a `.jsonocel` file.
//!
//! Written straight to a byte buffer (no JSON tree), in the standard's layout: `objectTypes`
//! and `eventTypes` with the attribute types found in the data, then `objects` (attribute
//! history with times, O2O relationships) and `events` (time, attributes, E2O relationships)
//! in file order. Times are ISO 8601 in UTC; an initial object value has time
//! `1970-01-01T00:00:00Z`. Reading the output back gives the same log.

use super::OcelLog;
use crate::import::timestamp::format_iso;
use crate::log::{Column, ColumnType, Interner, Value};

fn type_name(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Str => "string",
        ColumnType::Int => "integer",
        ColumnType::Float => "float",
        ColumnType::Bool => "boolean",
        ColumnType::Timestamp => "time",
    }
}

fn string(out: &mut Vec<u8>, s: &str) {
    // serde_json escapes exactly as JSON requires; writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn value(out: &mut Vec<u8>, v: Value<'_>) {
    match v {
        Value::Str(s) => string(out, s),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Float(x) if x.is_finite() => {
            let _ = serde_json::to_writer(&mut *out, &x);
        }
        Value::Float(_) => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if b { b"true" } else { b"false" }),
        Value::Timestamp(ms) => string(out, &format_iso(ms)),
    }
}

fn time(out: &mut Vec<u8>, ms: i64) {
    if ms == 0 {
        out.extend_from_slice(b"\"1970-01-01T00:00:00Z\"");
    } else {
        string(out, &format_iso(ms));
    }
}

/// Per type code, the attributes (name, type) its members carry.
fn declared(
    types: &Interner,
    columns: &[(&str, ColumnType, Vec<u32>)],
) -> Vec<Vec<(String, ColumnType)>> {
    let mut out = vec![Vec::new(); types.len()];
    for (name, ty, type_codes) in columns {
        let mut seen = vec![false; types.len()];
        for &t in type_codes {
            if !seen[t as usize] {
                seen[t as usize] = true;
                out[t as usize].push((name.to_string(), *ty));
            }
        }
    }
    out
}

fn types(out: &mut Vec<u8>, key: &str, dict: &Interner, decl: &[Vec<(String, ColumnType)>]) {
    string(out, key);
    out.extend_from_slice(b":[");
    for (t, name) in dict.iter().enumerate() {
        if t > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\n{\"name\":");
        string(out, name);
        out.extend_from_slice(b",\"attributes\":[");
        for (i, (a, ty)) in decl[t].iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"name\":");
            string(out, a);
            out.extend_from_slice(b",\"type\":");
            string(out, type_name(*ty));
            out.push(b'}');
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b']');
}

/// Rows grouped by a key in `0..n`: (starts, rows), stable.
fn group(keys: impl Iterator<Item = u32> + Clone, n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; n + 1];
    for k in keys.clone() {
        start[k as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut rows = vec![0u32; start[n] as usize];
    for (r, k) in keys.enumerate() {
        rows[next[k as usize] as usize] = r as u32;
        next[k as usize] += 1;
    }
    (start, rows)
}

/// The OCEL 2.0 JSON bytes of `log`.
pub fn to_json(log: &OcelLog) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 * log.num_events() + 1024);
    let event_cols: Vec<(&str, ColumnType, Vec<u32>)> = log
        .event_attrs
        .iter()
        .map(|c| {
            let codes = (0..c.len())
                .filter(|&e| c.validity().get(e))
                .map(|e| log.event_type[e])
                .collect();
            (c.name(), c.column_type(), codes)
        })
        .collect();
    let object_cols: Vec<(&str, ColumnType, Vec<u32>)> = log
        .object_attrs
        .iter()
        .map(|a| {
            let codes = a
                .object
                .iter()
                .map(|&o| log.object_type[o as usize])
                .collect();
            (a.name(), a.values.column_type(), codes)
        })
        .collect();
    out.push(b'{');
    types(
        &mut out,
        "objectTypes",
        &log.object_types,
        &declared(&log.object_types, &object_cols),
    );
    out.push(b',');
    types(
        &mut out,
        "eventTypes",
        &log.event_types,
        &declared(&log.event_types, &event_cols),
    );
    // Object attribute rows and O2O relations grouped by object.
    let n = log.num_objects();
    let attr_rows: Vec<(u32, u32)> = log
        .object_attrs
        .iter()
        .enumerate()
        .flat_map(|(a, attr)| (0..attr.len() as u32).map(move |r| (a as u32, r)))
        .collect();
    let attr_obj = |&(a, r): &(u32, u32)| log.object_attrs[a as usize].object[r as usize];
    let (a_start, a_rows) = group(attr_rows.iter().map(attr_obj), n);
    let (o_start, o_rows) = group(log.o2o_source.iter().copied(), n);
    out.extend_from_slice(b",\"objects\":[");
    for o in 0..n {
        if o > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\n{\"id\":");
        string(&mut out, log.object_ids.resolve(o as u32));
        out.extend_from_slice(b",\"type\":");
        string(&mut out, log.object_types.resolve(log.object_type[o]));
        out.extend_from_slice(b",\"attributes\":[");
        let mut first = true;
        for &i in &a_rows[a_start[o] as usize..a_start[o + 1] as usize] {
            let (a, r) = attr_rows[i as usize];
            let attr = &log.object_attrs[a as usize];
            let Some(v) = attr.values.get(r as usize) else {
                continue;
            };
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(b"{\"name\":");
            string(&mut out, attr.name());
            out.extend_from_slice(b",\"time\":");
            time(&mut out, attr.time[r as usize]);
            out.extend_from_slice(b",\"value\":");
            value(&mut out, v);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"relationships\":[");
        for (k, &i) in o_rows[o_start[o] as usize..o_start[o + 1] as usize]
            .iter()
            .enumerate()
        {
            relation(
                &mut out,
                k,
                log,
                log.o2o_target[i as usize],
                log.o2o_qualifier[i as usize],
            );
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"],\"events\":[");
    for e in 0..log.num_events() {
        if e > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\n{\"id\":");
        string(&mut out, log.event_ids.resolve(e as u32));
        out.extend_from_slice(b",\"type\":");
        string(&mut out, log.event_types.resolve(log.event_type[e]));
        out.extend_from_slice(b",\"time\":");
        string(&mut out, &format_iso(log.event_time[e]));
        out.extend_from_slice(b",\"attributes\":[");
        let mut first = true;
        for c in &log.event_attrs {
            if let Some(v) = Column::get(c, e) {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.extend_from_slice(b"{\"name\":");
                string(&mut out, c.name());
                out.extend_from_slice(b",\"value\":");
                value(&mut out, v);
                out.push(b'}');
            }
        }
        out.extend_from_slice(b"],\"relationships\":[");
        let (objects, qualifiers) = log.e2o(e);
        for (k, (&o, &q)) in objects.iter().zip(qualifiers).enumerate() {
            relation(&mut out, k, log, o, q);
        }
        out.extend_from_slice(b"]}");
    }
    out.extend_from_slice(b"]}\n");
    out
}

fn relation(out: &mut Vec<u8>, k: usize, log: &OcelLog, object: u32, qualifier: u32) {
    if k > 0 {
        out.push(b',');
    }
    out.extend_from_slice(b"{\"objectId\":");
    string(out, log.object_ids.resolve(object));
    out.extend_from_slice(b",\"qualifier\":");
    string(out, log.qualifiers.resolve(qualifier));
    out.push(b'}');
}
