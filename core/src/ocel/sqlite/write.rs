//! An OCEL 2.0 SQLite writer in pure Rust: an [`OcelLog`] → the bytes of a `.sqlite` file in
//! the standard's table layout (the one Spur's SQLite importer and pm4py read).
//!
//! The file is written directly in the SQLite format (sqlite.org/fileformat2.html): 4 KiB
//! pages, one table b-tree per table (leaf pages filled in rowid order, interior levels built
//! bottom-up, long values spilled to overflow pages) and the schema table on page 1. No
//! indexes and no declared keys (so the file needs no automatic indexes to be consistent);
//! SQLite's `PRAGMA integrity_check` accepts it. Times are written as `YYYY-MM-DD HH:MM:SS.fff`
//! (UTC), as pm4py writes them.

use crate::import::timestamp::format_iso;
use crate::log::{ColumnType, Value};
use crate::ocel::OcelLog;

const PAGE: usize = 4096;

/// One value of a row.
#[derive(Debug, Clone)]
enum Val {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

fn val(v: Option<Value<'_>>) -> Val {
    match v {
        None => Val::Null,
        Some(Value::Str(s)) => Val::Text(s.to_string()),
        Some(Value::Int(i)) => Val::Int(i),
        Some(Value::Float(x)) => Val::Real(x),
        Some(Value::Bool(b)) => Val::Int(i64::from(b)),
        Some(Value::Timestamp(ms)) => Val::Text(time(ms)),
    }
}

fn time(ms: i64) -> String {
    let iso = format_iso(ms);
    iso.trim_end_matches('Z').replacen('T', " ", 1)
}

fn varint(out: &mut Vec<u8>, v: u64) {
    if v > 0x00ff_ffff_ffff_ffff {
        let mut b = [0u8; 9];
        b[8] = v as u8;
        let mut x = v >> 8;
        for i in (0..8).rev() {
            b[i] = (x as u8 & 0x7f) | 0x80;
            x >>= 7;
        }
        out.extend_from_slice(&b);
        return;
    }
    let mut tmp = [0u8; 9];
    let mut n = 0;
    let mut x = v;
    loop {
        tmp[n] = (x & 0x7f) as u8;
        n += 1;
        x >>= 7;
        if x == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        out.push(if i > 0 { tmp[i] | 0x80 } else { tmp[i] });
    }
}

fn record(values: &[Val]) -> Vec<u8> {
    let mut header = Vec::new();
    let mut body = Vec::new();
    for v in values {
        match v {
            Val::Null => varint(&mut header, 0),
            Val::Int(0) => varint(&mut header, 8),
            Val::Int(1) => varint(&mut header, 9),
            Val::Int(i) => {
                varint(&mut header, 6);
                body.extend_from_slice(&i.to_be_bytes());
            }
            Val::Real(x) => {
                varint(&mut header, 7);
                body.extend_from_slice(&x.to_bits().to_be_bytes());
            }
            Val::Text(s) => {
                varint(&mut header, 13 + 2 * s.len() as u64);
                body.extend_from_slice(s.as_bytes());
            }
        }
    }
    // The header length counts itself (one byte while the header is under 127 bytes).
    let mut out = Vec::with_capacity(header.len() + body.len() + 2);
    let mut len = header.len() + 1;
    let mut lenbuf = Vec::new();
    varint(&mut lenbuf, len as u64);
    if lenbuf.len() > 1 {
        len = header.len() + lenbuf.len();
        lenbuf.clear();
        varint(&mut lenbuf, len as u64);
    }
    out.extend_from_slice(&lenbuf);
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    out
}

struct Pages(Vec<Vec<u8>>);

impl Pages {
    fn alloc(&mut self) -> u32 {
        self.0.push(vec![0u8; PAGE]);
        self.0.len() as u32
    }

    fn get(&mut self, n: u32) -> &mut Vec<u8> {
        &mut self.0[n as usize - 1]
    }

    /// A leaf cell for `rowid` and `payload`, spilling to overflow pages when needed.
    fn leaf_cell(&mut self, rowid: i64, payload: &[u8]) -> Vec<u8> {
        let u = PAGE;
        let x = u - 35;
        let mut cell = Vec::with_capacity(payload.len().min(x) + 18);
        varint(&mut cell, payload.len() as u64);
        varint(&mut cell, rowid as u64);
        if payload.len() <= x {
            cell.extend_from_slice(payload);
            return cell;
        }
        let m = ((u - 12) * 32 / 255) - 23;
        let k = m + ((payload.len() - m) % (u - 4));
        let local = if k <= x { k } else { m };
        cell.extend_from_slice(&payload[..local]);
        let mut rest = &payload[local..];
        let first = self.alloc();
        cell.extend_from_slice(&first.to_be_bytes());
        let mut page = first;
        while !rest.is_empty() {
            let take = rest.len().min(u - 4);
            let next = if rest.len() > take { self.alloc() } else { 0 };
            let p = self.get(page);
            p[..4].copy_from_slice(&next.to_be_bytes());
            p[4..4 + take].copy_from_slice(&rest[..take]);
            rest = &rest[take..];
            page = next;
        }
        cell
    }

    /// Write a b-tree page at `number` (header at `off`: 100 on page 1).
    fn write_page(
        &mut self,
        number: u32,
        off: usize,
        kind: u8,
        cells: &[Vec<u8>],
        right: Option<u32>,
    ) {
        let p = self.get(number);
        let header = if right.is_some() { 12 } else { 8 };
        let mut end = PAGE;
        p[off] = kind;
        p[off + 3..off + 5].copy_from_slice(&(cells.len() as u16).to_be_bytes());
        for (i, c) in cells.iter().enumerate() {
            end -= c.len();
            p[end..end + c.len()].copy_from_slice(c);
            let ptr = off + header + 2 * i;
            p[ptr..ptr + 2].copy_from_slice(&(end as u16).to_be_bytes());
        }
        p[off + 5..off + 7].copy_from_slice(&((end % 65536) as u16).to_be_bytes());
        if let Some(r) = right {
            p[off + 8..off + 12].copy_from_slice(&r.to_be_bytes());
        }
    }
}

fn fits(cells: &[Vec<u8>], extra: usize, off: usize, header: usize) -> bool {
    off + header + 2 * (cells.len() + 1) + cells.iter().map(Vec::len).sum::<usize>() + extra <= PAGE
}

/// Write a table's rows (rowids 1, 2, …) as a b-tree; returns the root page. With `root1`,
/// the root is page 1 (the schema table).
fn table(
    pages: &mut Pages,
    rows: impl Iterator<Item = Vec<Val>>,
    root1: bool,
) -> Result<u32, String> {
    // Leaves: (page, max rowid). Page numbers are taken when a page is closed.
    let mut leaves: Vec<(Vec<Vec<u8>>, i64)> = Vec::new();
    let mut cur: Vec<Vec<u8>> = Vec::new();
    let mut rowid = 0i64;
    for row in rows {
        rowid += 1;
        let cell = pages.leaf_cell(rowid, &record(&row));
        if !cur.is_empty() && !fits(&cur, cell.len(), 0, 8) {
            leaves.push((std::mem::take(&mut cur), rowid - 1));
        }
        cur.push(cell);
    }
    if !cur.is_empty() || leaves.is_empty() {
        leaves.push((cur, rowid));
    }
    if leaves.len() == 1 {
        let (cells, _) = &leaves[0];
        if !root1 {
            let n = pages.alloc();
            pages.write_page(n, 0, 0x0D, cells, None);
            return Ok(n);
        }
        if fits(cells, 0, 100, 8) {
            pages.write_page(1, 100, 0x0D, cells, None);
            return Ok(1);
        }
    }
    let mut level: Vec<(u32, i64)> = Vec::new();
    for (cells, max) in &leaves {
        let n = pages.alloc();
        pages.write_page(n, 0, 0x0D, cells, None);
        level.push((n, *max));
    }
    loop {
        // Can the whole level hang under one root?
        let cells: Vec<Vec<u8>> = level[..level.len() - 1]
            .iter()
            .map(|&(page, max)| interior_cell(page, max))
            .collect();
        let off = if root1 { 100 } else { 0 };
        let (right, _) = level[level.len() - 1];
        if fits(&cells, 0, off, 12) {
            let n = if root1 { 1 } else { pages.alloc() };
            pages.write_page(n, off, 0x05, &cells, Some(right));
            return Ok(n);
        }
        let mut next: Vec<(u32, i64)> = Vec::new();
        let mut group: Vec<(u32, i64)> = Vec::new();
        for &child in &level {
            let cells: Vec<Vec<u8>> = group.iter().map(|&(p, m)| interior_cell(p, m)).collect();
            if !group.is_empty() && !fits(&cells, interior_cell(child.0, child.1).len(), 0, 12) {
                next.push(close_interior(pages, &mut group));
            }
            group.push(child);
        }
        next.push(close_interior(pages, &mut group));
        if next.len() >= level.len() {
            return Err("b-tree does not shrink (a row larger than a page?)".into());
        }
        level = next;
    }
}

fn interior_cell(page: u32, max: i64) -> Vec<u8> {
    let mut c = page.to_be_bytes().to_vec();
    varint(&mut c, max as u64);
    c
}

fn close_interior(pages: &mut Pages, group: &mut Vec<(u32, i64)>) -> (u32, i64) {
    let (right, max) = group[group.len() - 1];
    let cells: Vec<Vec<u8>> = group[..group.len() - 1]
        .iter()
        .map(|&(p, m)| interior_cell(p, m))
        .collect();
    let n = pages.alloc();
    pages.write_page(n, 0, 0x05, &cells, Some(right));
    group.clear();
    (n, max)
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn sql_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Str => "TEXT",
        ColumnType::Int | ColumnType::Bool => "INTEGER",
        ColumnType::Float => "REAL",
        ColumnType::Timestamp => "TIMESTAMP",
    }
}

/// Table-name suffixes for types: alphanumerics only (as pm4py), made unique.
fn suffixes(names: &crate::log::Interner) -> Vec<String> {
    let mut used = hashbrown::HashSet::new();
    names
        .iter()
        .map(|n| {
            let base: String = n.chars().filter(|c| c.is_alphanumeric()).collect();
            let mut s = if base.is_empty() {
                "type".to_string()
            } else {
                base
            };
            let mut k = 1;
            while !used.insert(s.to_ascii_lowercase()) {
                k += 1;
                s = format!("{s}_{k}");
            }
            s
        })
        .collect()
}

/// The OCEL 2.0 SQLite bytes of `log`.
pub fn to_sqlite(log: &OcelLog) -> Result<Vec<u8>, String> {
    let mut pages = Pages(Vec::new());
    pages.alloc(); // page 1: header + schema root
    let mut schema: Vec<Vec<Val>> = Vec::new();
    let mut add = |pages: &mut Pages,
                   name: &str,
                   cols: &[(String, &str)],
                   rows: Vec<Vec<Val>>|
     -> Result<(), String> {
        let root = table(pages, rows.into_iter(), false)?;
        let defs: Vec<String> = cols
            .iter()
            .map(|(c, t)| format!("{} {t}", ident(c)))
            .collect();
        let sql = format!("CREATE TABLE {} ({})", ident(name), defs.join(", "));
        schema.push(vec![
            Val::Text("table".into()),
            Val::Text(name.into()),
            Val::Text(name.into()),
            Val::Int(i64::from(root)),
            Val::Text(sql),
        ]);
        Ok(())
    };
    let text = |s: &str| Val::Text(s.to_string());
    let col = |c: &str, t: &'static str| (c.to_string(), t);
    let (ev_suffix, ob_suffix) = (suffixes(&log.event_types), suffixes(&log.object_types));
    let eid = |e: usize| text(log.event_ids.resolve(e as u32));
    let oid = |o: u32| text(log.object_ids.resolve(o));
    add(
        &mut pages,
        "event",
        &[col("ocel_id", "TEXT"), col("ocel_type", "TEXT")],
        (0..log.num_events())
            .map(|e| vec![eid(e), text(log.event_types.resolve(log.event_type[e]))])
            .collect(),
    )?;
    add(
        &mut pages,
        "object",
        &[col("ocel_id", "TEXT"), col("ocel_type", "TEXT")],
        (0..log.num_objects())
            .map(|o| {
                vec![
                    oid(o as u32),
                    text(log.object_types.resolve(log.object_type[o])),
                ]
            })
            .collect(),
    )?;
    let mut e2o = Vec::with_capacity(log.num_e2o());
    for e in 0..log.num_events() {
        let (objects, qualifiers) = log.e2o(e);
        for (&o, &q) in objects.iter().zip(qualifiers) {
            e2o.push(vec![eid(e), oid(o), text(log.qualifiers.resolve(q))]);
        }
    }
    add(
        &mut pages,
        "event_object",
        &[
            col("ocel_event_id", "TEXT"),
            col("ocel_object_id", "TEXT"),
            col("ocel_qualifier", "TEXT"),
        ],
        e2o,
    )?;
    let o2o = (0..log.num_o2o())
        .map(|i| {
            vec![
                oid(log.o2o_source[i]),
                oid(log.o2o_target[i]),
                text(log.qualifiers.resolve(log.o2o_qualifier[i])),
            ]
        })
        .collect();
    add(
        &mut pages,
        "object_object",
        &[
            col("ocel_source_id", "TEXT"),
            col("ocel_target_id", "TEXT"),
            col("ocel_qualifier", "TEXT"),
        ],
        o2o,
    )?;
    let map_cols = [col("ocel_type", "TEXT"), col("ocel_type_map", "TEXT")];
    add(
        &mut pages,
        "event_map_type",
        &map_cols,
        log.event_types
            .iter()
            .zip(&ev_suffix)
            .map(|(t, s)| vec![text(t), text(s)])
            .collect(),
    )?;
    add(
        &mut pages,
        "object_map_type",
        &map_cols,
        log.object_types
            .iter()
            .zip(&ob_suffix)
            .map(|(t, s)| vec![text(t), text(s)])
            .collect(),
    )?;
    // One table per event type: the attributes its events carry.
    for (t, suffix) in ev_suffix.iter().enumerate() {
        let events: Vec<usize> = (0..log.num_events())
            .filter(|&e| log.event_type[e] as usize == t)
            .collect();
        let attrs: Vec<&crate::log::Column> = log
            .event_attrs
            .iter()
            .filter(|c| events.iter().any(|&e| c.validity().get(e)))
            .collect();
        let mut cols = vec![col("ocel_id", "TEXT"), col("ocel_time", "TIMESTAMP")];
        cols.extend(
            attrs
                .iter()
                .map(|c| (c.name().to_string(), sql_type(c.column_type()))),
        );
        let rows = events
            .iter()
            .map(|&e| {
                let mut r = vec![eid(e), Val::Text(time(log.event_time[e]))];
                r.extend(attrs.iter().map(|c| val(c.get(e))));
                r
            })
            .collect();
        add(&mut pages, &format!("event_{suffix}"), &cols, rows)?;
    }
    // One table per object type: an initial row per object, then one row per change.
    for (t, suffix) in ob_suffix.iter().enumerate() {
        let attrs: Vec<usize> = (0..log.object_attrs.len())
            .filter(|&a| {
                log.object_attrs[a]
                    .object
                    .iter()
                    .any(|&o| log.object_type[o as usize] as usize == t)
            })
            .collect();
        let mut cols = vec![
            col("ocel_id", "TEXT"),
            col("ocel_time", "TIMESTAMP"),
            col("ocel_changed_field", "TEXT"),
        ];
        cols.extend(attrs.iter().map(|&a| {
            (
                log.object_attrs[a].name.clone(),
                sql_type(log.object_attrs[a].values.column_type()),
            )
        }));
        let objects: Vec<u32> = (0..log.num_objects() as u32)
            .filter(|&o| log.object_type[o as usize] as usize == t)
            .collect();
        let mut index = vec![usize::MAX; log.num_objects()];
        let mut initial: Vec<Vec<Val>> = objects
            .iter()
            .enumerate()
            .map(|(i, &o)| {
                index[o as usize] = i;
                let mut r = vec![oid(o), Val::Text(time(0)), Val::Null];
                r.extend(attrs.iter().map(|_| Val::Null));
                r
            })
            .collect();
        let mut changes = Vec::new();
        for (k, &a) in attrs.iter().enumerate() {
            let attr = &log.object_attrs[a];
            for r in 0..attr.len() {
                let o = attr.object[r] as usize;
                if index[o] == usize::MAX {
                    continue;
                }
                let v = val(attr.values.get(r));
                let slot = &mut initial[index[o]][3 + k];
                if attr.time[r] == 0 && matches!(slot, Val::Null) {
                    *slot = v;
                } else {
                    let mut row = vec![
                        oid(o as u32),
                        Val::Text(time(attr.time[r])),
                        text(&attr.name),
                    ];
                    row.extend(attrs.iter().map(|_| Val::Null));
                    row[3 + k] = v;
                    changes.push((attr.time[r], row));
                }
            }
        }
        changes.sort_by_key(|c| c.0);
        initial.extend(changes.into_iter().map(|c| c.1));
        add(&mut pages, &format!("object_{suffix}"), &cols, initial)?;
    }
    table(&mut pages, schema.into_iter(), true)?;
    let n = pages.0.len() as u32;
    let h = &mut pages.0[0];
    h[..16].copy_from_slice(b"SQLite format 3\0");
    h[16..18].copy_from_slice(&(PAGE as u16).to_be_bytes());
    h[18] = 1; // file format write version (legacy)
    h[19] = 1; // read version
    h[20] = 0; // reserved bytes per page
    h[21] = 64;
    h[22] = 32;
    h[23] = 32;
    h[24..28].copy_from_slice(&1u32.to_be_bytes()); // change counter
    h[28..32].copy_from_slice(&n.to_be_bytes()); // pages
    h[40..44].copy_from_slice(&1u32.to_be_bytes()); // schema cookie
    h[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format
    h[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
    h[92..96].copy_from_slice(&1u32.to_be_bytes()); // version-valid-for = change counter
    h[96..100].copy_from_slice(&3_045_000u32.to_be_bytes());
    Ok(pages.0.concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocel::generate::{generate_orders, OrdersConfig};
    use crate::ocel::import::import_ocel;
    use crate::ocel::stats::ocel_stats;

    #[test]
    fn written_files_read_back_to_the_same_log() {
        let (log, _) = generate_orders(&OrdersConfig {
            orders: 300,
            ..OrdersConfig::default()
        });
        let bytes = to_sqlite(&log).expect("writes");
        assert_eq!(bytes.len() % PAGE, 0);
        let (back, report) = import_ocel("x.sqlite", &bytes).expect("reads");
        assert_eq!(report.issue_count, 0);
        assert_eq!(ocel_stats(&back), ocel_stats(&log));
        assert_eq!(
            back.object_attributes().len(),
            log.object_attributes().len()
        );
        // Long values spill to overflow pages and come back whole.
        let mut b = crate::ocel::OcelBuilder::new();
        let t = b.event_type_code("t");
        let e = b.add_event("e", t, 5).expect("new");
        let long = "x".repeat(20_000);
        b.set_event_attr(e, "note", Value::Str(&long));
        let (log, _) = b.finish();
        let (back, _) = import_ocel("y.sqlite", &to_sqlite(&log).expect("writes")).expect("reads");
        assert_eq!(back.event_attributes()[0].get(0), Some(Value::Str(&long)));
    }
}
