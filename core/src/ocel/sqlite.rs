//! OCEL 2.0 SQLite → [`OcelBuilder`](super::OcelBuilder), through the pure-Rust [`file`](mod@file)
//! reader (so the browser reads SQLite OCEL files too).
//!
//! The OCEL 2.0 layout: `event(ocel_id, ocel_type)`, `object(ocel_id, ocel_type)`,
//! `event_object(ocel_event_id, ocel_object_id, ocel_qualifier)`,
//! `object_object(ocel_source_id, ocel_target_id, ocel_qualifier)`, the type maps
//! `event_map_type` / `object_map_type` (`ocel_type` → table suffix), one `event_<T>` table per
//! event type (`ocel_id`, `ocel_time`, attributes) and one `object_<T>` table per object type
//! (`ocel_id`, `ocel_time`, `ocel_changed_field`, attributes: a row without a changed field
//! holds the initial values, a row with one a change of that field at `ocel_time`).
//! Semantics as pm4py's `ocel20` SQLite importer: an event's time comes from its type table;
//! integer ids are read as their text.

pub mod file;
pub mod write;

use super::import::{parse_time, Ctx, OcelError};
use crate::log::{Interner, Value};
use file::{SqlValue, SqliteFile, Table};

pub(crate) fn read(bytes: &[u8], ctx: &mut Ctx<'_>) -> Result<(), OcelError> {
    let db = SqliteFile::open(bytes).map_err(OcelError::Sqlite)?;
    let need = |name: &str| {
        db.table(name).ok_or_else(|| {
            OcelError::NotOcel(format!(
                "no table `{name}`: not an OCEL 2.0 SQLite database"
            ))
        })
    };
    let (event, object) = (need("event")?, need("object")?);
    read_objects(&db, object, ctx)?;
    read_events(&db, event, ctx)?;
    if let Some(t) = db.table("event_object") {
        let [e, o, q] = columns(t, ["ocel_event_id", "ocel_object_id", "ocel_qualifier"])?;
        let mut missing = 0u64;
        scan(&db, t, &mut |rowid, row| {
            let (Some(ev), Some(ob)) = (text(row, e), text(row, o)) else {
                return Ok(());
            };
            let Some(ei) = ctx.b.event_index(&ev) else {
                missing += 1;
                if missing <= 10 {
                    ctx.issue(
                        None,
                        || format!("table event_object row {rowid}"),
                        format!("event `{ev}` is not in the log: relation dropped"),
                    );
                }
                return Ok(());
            };
            let oc = ctx.b.object_ref(&ob);
            let qc = ctx.b.qualifier_code(&text(row, q).unwrap_or_default());
            ctx.b.add_e2o(ei, oc, qc);
            Ok(())
        })?;
    }
    if let Some(t) = db.table("object_object") {
        let [s, d, q] = columns(t, ["ocel_source_id", "ocel_target_id", "ocel_qualifier"])?;
        scan(&db, t, &mut |_, row| {
            if let (Some(src), Some(dst)) = (text(row, s), text(row, d)) {
                let (sc, dc) = (ctx.b.object_ref(&src), ctx.b.object_ref(&dst));
                let qc = ctx.b.qualifier_code(&text(row, q).unwrap_or_default());
                ctx.b.add_o2o(sc, dc, qc);
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn scan<'a>(db: &SqliteFile<'a>, t: &Table, f: &mut file::RowFn<'_, 'a>) -> Result<(), OcelError> {
    db.scan(t, f).map_err(OcelError::Sqlite)
}

fn columns<const N: usize>(t: &Table, names: [&str; N]) -> Result<[Option<usize>; N], OcelError> {
    let out = names.map(|n| t.columns.iter().position(|c| c.eq_ignore_ascii_case(n)));
    match out.first() {
        Some(None) => Err(OcelError::Sqlite(format!(
            "table `{}` has no column `{}`",
            t.name, names[0]
        ))),
        _ => Ok(out),
    }
}

fn text(row: &[SqlValue<'_>], col: Option<usize>) -> Option<String> {
    row.get(col?)?.as_text().map(|s| s.into_owned())
}

fn value<'v>(v: &'v SqlValue<'_>) -> Option<Value<'v>> {
    match v {
        SqlValue::Int(i) => Some(Value::Int(*i)),
        SqlValue::Real(x) => Some(Value::Float(*x)),
        SqlValue::Text(s) => Some(Value::Str(s)),
        SqlValue::Null | SqlValue::Blob(_) => None,
    }
}

/// `ocel_type` → table suffix, from `<kind>_map_type` (types without a row map to themselves).
fn type_tables<'d>(
    db: &'d SqliteFile<'_>,
    kind: &str,
    ty: &str,
) -> Result<Option<&'d Table>, OcelError> {
    let mut suffix = None;
    if let Some(t) = db.table(&format!("{kind}_map_type")) {
        let [k, v] = columns(t, ["ocel_type", "ocel_type_map"])?;
        scan(db, t, &mut |_, row| {
            if text(row, k).as_deref() == Some(ty) {
                suffix = text(row, v);
            }
            Ok(())
        })?;
    }
    let suffix = suffix.unwrap_or_else(|| ty.chars().filter(|c| c.is_alphanumeric()).collect());
    Ok(db.table(&format!("{kind}_{suffix}")))
}

fn read_objects(db: &SqliteFile<'_>, t: &Table, ctx: &mut Ctx<'_>) -> Result<(), OcelError> {
    let [id, ty] = columns(t, ["ocel_id", "ocel_type"])?;
    let mut types = Interner::new();
    scan(db, t, &mut |rowid, row| {
        let (Some(i), Some(y)) = (text(row, id), text(row, ty)) else {
            ctx.issue(
                None,
                || format!("table object row {rowid}"),
                "no `ocel_id` or `ocel_type`: object dropped".into(),
            );
            return Ok(());
        };
        types.intern(&y);
        let tc = ctx.b.object_type_code(&y);
        if ctx.b.add_object(&i, tc).is_none() {
            ctx.issue(
                None,
                || format!("object {i}"),
                "duplicate object id: later object dropped".into(),
            );
        }
        Ok(())
    })?;
    for ty in types.iter() {
        let Some(table) = type_tables(db, "object", ty)? else {
            continue;
        };
        let [oid, time, changed] = columns(table, ["ocel_id", "ocel_time", "ocel_changed_field"])?;
        let attrs: Vec<usize> = (0..table.columns.len())
            .filter(|&c| ![oid, time, changed].contains(&Some(c)))
            .collect();
        let mut seen = hashbrown::HashSet::new();
        scan(db, table, &mut |rowid, row| {
            let Some(o) = text(row, oid) else {
                return Ok(());
            };
            if !ctx.b.has_object(&o) {
                return Ok(());
            }
            let oc = ctx.b.object_ref(&o);
            let field = text(row, changed);
            // Initial values: a row without a changed field (or, without that column, the
            // first row of the object).
            let initial = match changed {
                Some(_) => field.is_none(),
                None => seen.insert(oc),
            };
            let at = if initial {
                0
            } else {
                match text(row, time).as_deref().and_then(parse_time) {
                    Some(t) => t,
                    None => {
                        ctx.issue(
                            None,
                            || format!("table {} row {rowid}", table.name),
                            format!("object {o}: unreadable `ocel_time`: change dropped"),
                        );
                        return Ok(());
                    }
                }
            };
            for &c in &attrs {
                let name = &table.columns[c];
                if field.as_ref().is_some_and(|f| f != name) {
                    continue;
                }
                if let Some(v) = row.get(c).and_then(value) {
                    ctx.b.add_object_attr(oc, name, at, v);
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn read_events(db: &SqliteFile<'_>, t: &Table, ctx: &mut Ctx<'_>) -> Result<(), OcelError> {
    let [id, ty] = columns(t, ["ocel_id", "ocel_type"])?;
    // The event table gives ids and types in order; the type tables give time and attributes.
    let mut ids = Interner::new();
    let mut types = Interner::new();
    let mut event_type = Vec::new();
    scan(db, t, &mut |rowid, row| {
        let (Some(i), Some(y)) = (text(row, id), text(row, ty)) else {
            ctx.issue(
                None,
                || format!("table event row {rowid}"),
                "no `ocel_id` or `ocel_type`: event dropped".into(),
            );
            return Ok(());
        };
        let before = ids.len();
        if (ids.intern(&i) as usize) < before {
            ctx.issue(
                None,
                || format!("event {i}"),
                "duplicate event id: later event dropped".into(),
            );
            return Ok(());
        }
        event_type.push(types.intern(&y));
        Ok(())
    })?;
    let mut time: Vec<Option<i64>> = vec![None; ids.len()];
    let mut attr_names = Interner::new();
    let mut attrs: Vec<(u32, u32, Value<'_>)> = Vec::new();
    let owned: Vec<String> = types.iter().map(str::to_string).collect();
    let mut tables_read = Vec::new();
    for ty in &owned {
        let Some(table) = type_tables(db, "event", ty)? else {
            ctx.issue(
                None,
                || format!("event type {ty}"),
                "no `event_<type>` table: its events have no time and are dropped".into(),
            );
            continue;
        };
        tables_read.push(table);
    }
    // Borrowed values live in `db`'s bytes; owned ones (overflow pages) are copied out.
    let mut strings: Vec<String> = Vec::new();
    let mut rows: Vec<(u32, u32, Option<usize>, i64, f64, u8)> = Vec::new();
    for table in tables_read {
        let [eid, et] = columns(table, ["ocel_id", "ocel_time"])?;
        let cols: Vec<(usize, u32)> = (0..table.columns.len())
            .filter(|&c| Some(c) != eid && Some(c) != et)
            .map(|c| (c, attr_names.intern(&table.columns[c])))
            .collect();
        scan(db, table, &mut |rowid, row| {
            let Some(e) = text(row, eid).and_then(|i| ids.lookup(&i)) else {
                ctx.issue(
                    None,
                    || format!("table {} row {rowid}", table.name),
                    "event id not in table `event`: row dropped".into(),
                );
                return Ok(());
            };
            match text(row, et).as_deref().and_then(parse_time) {
                Some(ms) => time[e as usize] = Some(ms),
                None => return Ok(()),
            }
            for &(c, name) in &cols {
                match row.get(c) {
                    Some(SqlValue::Int(i)) => rows.push((e, name, None, *i, 0.0, 1)),
                    Some(SqlValue::Real(x)) => rows.push((e, name, None, 0, *x, 2)),
                    Some(SqlValue::Text(s)) => {
                        strings.push(s.to_string());
                        rows.push((e, name, Some(strings.len() - 1), 0, 0.0, 3));
                    }
                    _ => {}
                }
            }
            Ok(())
        })?;
    }
    for &(e, name, s, i, x, kind) in &rows {
        let v = match kind {
            1 => Value::Int(i),
            2 => Value::Float(x),
            _ => Value::Str(s.and_then(|s| strings.get(s)).map_or("", String::as_str)),
        };
        attrs.push((e, name, v));
    }
    attrs.sort_by_key(|a| a.0);
    let mut next = 0usize;
    for (code, ty) in event_type.iter().enumerate() {
        let name = ids.resolve(code as u32);
        let Some(ms) = time[code] else {
            ctx.issue(
                None,
                || format!("event {name}"),
                "no time in its type table: event dropped".into(),
            );
            continue;
        };
        let tc = ctx.b.event_type_code(types.resolve(*ty));
        let e = ctx.b.add_event(name, tc, ms);
        while next < attrs.len() && attrs[next].0 as usize == code {
            if let Some(e) = e {
                ctx.b
                    .set_event_attr(e, attr_names.resolve(attrs[next].1), attrs[next].2);
            }
            next += 1;
        }
        ctx.tick()?;
    }
    Ok(())
}
