//! A read-only SQLite database file reader in pure Rust: tables only, from the bytes.
//!
//! Why hand-written: core must build for wasm32 and stay pure (no C SQLite, no file system),
//! and reading a table is a bounded job on a documented format (sqlite.org/fileformat2.html):
//! the 100-byte header, table b-trees (interior pages 0x05, leaf pages 0x0D), cells with
//! varints and overflow chains, and records (a header of serial types, then the values). The
//! schema comes from `sqlite_schema` (page 1) and column names from its `CREATE TABLE` text.
//! Not supported (refused with a message): UTF-16 databases, `WITHOUT ROWID` tables, and the
//! write-ahead log (a `-wal` file is a separate file; checkpoint it first).
//!
//! Hostile input: every offset is checked, page visits are bounded (a b-tree cycle cannot
//! loop), and errors name the table and page.

use std::borrow::Cow;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl SqlValue<'_> {
    /// The value as text (`None` for NULL and blobs): integers and reals are written out.
    pub fn as_text(&self) -> Option<Cow<'_, str>> {
        match self {
            SqlValue::Text(s) => Some(Cow::Borrowed(s.as_ref())),
            SqlValue::Int(i) => Some(Cow::Owned(i.to_string())),
            SqlValue::Real(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                Some(Cow::Owned((*x as i64).to_string()))
            }
            SqlValue::Real(x) => Some(Cow::Owned(x.to_string())),
            SqlValue::Null | SqlValue::Blob(_) => None,
        }
    }
}

/// A table of the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub root: u32,
    pub columns: Vec<String>,
    /// The column that aliases the rowid (`INTEGER PRIMARY KEY`), if any.
    pub rowid_column: Option<usize>,
}

/// An opened database: the bytes and the schema.
#[derive(Debug)]
pub struct SqliteFile<'a> {
    bytes: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: usize,
    tables: Vec<Table>,
}

type Result<T> = std::result::Result<T, String>;

/// A row callback: `(rowid, values)`; an `Err` stops the scan and is reported with the table.
pub type RowFn<'f, 'a> = dyn FnMut(i64, &[SqlValue<'a>]) -> std::result::Result<(), String> + 'f;

const MAX_DEPTH: usize = 64;

impl<'a> SqliteFile<'a> {
    /// Read the header and the schema.
    pub fn open(bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() < 100 || !bytes.starts_with(b"SQLite format 3\0") {
            return Err("not an SQLite 3 database (bad header)".into());
        }
        let raw = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
        let page_size = if raw == 1 { 65536 } else { raw };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("invalid page size {raw}"));
        }
        let reserved = bytes[20] as usize;
        let usable = page_size.saturating_sub(reserved);
        if usable < 480 {
            return Err(format!("invalid reserved space {reserved}"));
        }
        let encoding = u32::from_be_bytes([bytes[56], bytes[57], bytes[58], bytes[59]]);
        if encoding > 1 {
            return Err("UTF-16 databases are not supported: re-save it as UTF-8".into());
        }
        let pages = bytes.len() / page_size;
        let mut file = SqliteFile {
            bytes,
            page_size,
            usable,
            pages,
            tables: Vec::new(),
        };
        let mut tables = Vec::new();
        file.scan_root("sqlite_schema", 1, &mut |_, row| {
            let text = |i: usize| {
                row.get(i)
                    .and_then(SqlValue::as_text)
                    .map(|s| s.into_owned())
            };
            if text(0).as_deref() != Some("table") {
                return Ok(());
            }
            let name = text(1).unwrap_or_default();
            let root = match row.get(3) {
                Some(SqlValue::Int(r)) => u32::try_from(*r).unwrap_or(0),
                _ => 0,
            };
            let sql = text(4).unwrap_or_default();
            let (columns, rowid_column, without_rowid) = parse_create(&sql);
            if without_rowid {
                return Err(format!("table `{name}` is WITHOUT ROWID: not supported"));
            }
            tables.push(Table {
                name,
                root,
                columns,
                rowid_column,
            });
            Ok(())
        })?;
        file.tables = tables;
        Ok(file)
    }

    /// The tables of the schema.
    pub fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// The table named `name` (case-insensitive, as SQL names are).
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// Call `row(rowid, values)` for every row of `table`, in rowid order. Values are in
    /// schema column order; rows written before a column was added are padded with NULL.
    pub fn scan(&self, table: &Table, row: &mut RowFn<'_, 'a>) -> Result<()> {
        let n = table.columns.len();
        let alias = table.rowid_column;
        self.scan_root(&table.name, table.root, &mut |rowid, values| {
            if values.len() >= n && alias.is_none() {
                return row(rowid, values);
            }
            let mut v: Vec<SqlValue<'a>> = values.to_vec();
            v.resize(n.max(v.len()), SqlValue::Null);
            if let Some(i) = alias {
                if matches!(v.get(i), Some(SqlValue::Null)) {
                    v[i] = SqlValue::Int(rowid);
                }
            }
            row(rowid, &v)
        })
    }

    fn page(&self, number: u32) -> Result<&'a [u8]> {
        let n = number as usize;
        if n == 0 || n > self.pages {
            return Err(format!(
                "page {number} is outside the file ({} pages)",
                self.pages
            ));
        }
        Ok(&self.bytes[(n - 1) * self.page_size..n * self.page_size])
    }

    fn scan_root(&self, table: &str, root: u32, row: &mut RowFn<'_, 'a>) -> Result<()> {
        let mut visited = vec![false; self.pages + 1];
        let mut values = Vec::new();
        self.walk(root, 0, &mut visited, &mut values, row)
            .map_err(|e| format!("table `{table}`: {e}"))
    }

    fn walk(
        &self,
        number: u32,
        depth: usize,
        visited: &mut [bool],
        values: &mut Vec<SqlValue<'a>>,
        row: &mut RowFn<'_, 'a>,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(format!("b-tree deeper than {MAX_DEPTH} at page {number}"));
        }
        let page = self.page(number)?;
        match visited.get_mut(number as usize) {
            Some(v) if !*v => *v = true,
            _ => return Err(format!("page {number} is reached twice (corrupt b-tree)")),
        }
        let h = if number == 1 { 100 } else { 0 };
        let bad = || format!("page {number}: truncated header");
        let kind = *page.get(h).ok_or_else(bad)?;
        let cells = be16(page, h + 3).ok_or_else(bad)? as usize;
        let header = if kind == 0x05 { 12 } else { 8 };
        let pointers = h + header;
        if pointers + cells * 2 > page.len() {
            return Err(format!("page {number}: {cells} cells do not fit"));
        }
        let cell_at = |i: usize| -> Result<usize> {
            let off = be16(page, pointers + 2 * i).unwrap_or(0) as usize;
            if off < pointers || off >= self.usable {
                return Err(format!("page {number}: cell {i} points outside the page"));
            }
            Ok(off)
        };
        match kind {
            0x05 => {
                for i in 0..cells {
                    let off = cell_at(i)?;
                    let child = be32(page, off)
                        .ok_or_else(|| format!("page {number}: truncated cell {i}"))?;
                    self.walk(child, depth + 1, visited, values, row)?;
                }
                let right = be32(page, h + 8).ok_or_else(bad)?;
                self.walk(right, depth + 1, visited, values, row)
            }
            0x0D => {
                for i in 0..cells {
                    let off = cell_at(i)?;
                    let (payload_len, a) = varint(page, off)
                        .ok_or_else(|| format!("page {number}: cell {i}: bad size"))?;
                    let (rowid, b) = varint(page, off + a)
                        .ok_or_else(|| format!("page {number}: cell {i}: bad rowid"))?;
                    let payload = self.payload(page, off + a + b, payload_len, visited)?;
                    values.clear();
                    record(&payload, values)
                        .map_err(|e| format!("page {number}, row {rowid}: {e}"))?;
                    row(rowid as i64, values).map_err(|e| format!("row {rowid}: {e}"))?;
                }
                Ok(())
            }
            0x02 | 0x0A => Err(format!(
                "page {number} is an index page where a table was expected"
            )),
            k => Err(format!("page {number}: unknown page type {k:#04x}")),
        }
    }

    /// The payload of a leaf cell starting at `start`, following overflow pages when needed.
    fn payload(
        &self,
        page: &'a [u8],
        start: usize,
        len: u64,
        visited: &mut [bool],
    ) -> Result<Cow<'a, [u8]>> {
        let u = self.usable;
        let x = u - 35;
        let len = usize::try_from(len).map_err(|_| "payload too large".to_string())?;
        if len > self.bytes.len() {
            return Err(format!("payload of {len} bytes is larger than the file"));
        }
        if len <= x {
            return page
                .get(start..start + len)
                .map(Cow::Borrowed)
                .ok_or_else(|| "cell runs past the page".to_string());
        }
        let m = ((u - 12) * 32 / 255) - 23;
        let k = m + ((len - m) % (u - 4));
        let local = if k <= x { k } else { m };
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(
            page.get(start..start + local)
                .ok_or("cell runs past the page")?,
        );
        let mut next = be32(page, start + local).ok_or("truncated overflow pointer")?;
        while out.len() < len {
            let p = self.page(next)?;
            match visited.get_mut(next as usize) {
                Some(v) if !*v => *v = true,
                _ => return Err(format!("overflow page {next} is reached twice")),
            }
            let take = (len - out.len()).min(u - 4);
            out.extend_from_slice(p.get(4..4 + take).ok_or("truncated overflow page")?);
            next = be32(p, 0).unwrap_or(0);
        }
        Ok(Cow::Owned(out))
    }
}

/// Decode a record into `values` (the `Cow` tells whether values may borrow the file).
#[allow(clippy::ptr_arg)]
fn record<'a>(payload: &Cow<'a, [u8]>, values: &mut Vec<SqlValue<'a>>) -> Result<()> {
    let p: &[u8] = payload;
    let (header_len, mut at) = varint(p, 0).ok_or("bad record header")?;
    let header_len = usize::try_from(header_len).map_err(|_| "bad record header")?;
    if header_len > p.len() || header_len < at {
        return Err("record header runs past the record".into());
    }
    let mut body = header_len;
    while at < header_len {
        let (t, n) = varint(p, at).ok_or("bad serial type")?;
        at += n;
        let size = match t {
            0 | 8 | 9 | 10 | 11 => 0,
            1 => 1,
            2 => 2,
            3 => 3,
            4 => 4,
            5 => 6,
            6 | 7 => 8,
            t => usize::try_from((t - 12) / 2).map_err(|_| "value too large")?,
        };
        let raw = p
            .get(body..body.checked_add(size).ok_or("value too large")?)
            .ok_or("value runs past the record")?;
        body += size;
        let int = |b: &[u8]| {
            let mut v: i64 = if b.first().is_some_and(|x| x & 0x80 != 0) {
                -1
            } else {
                0
            };
            for &x in b {
                v = (v << 8) | x as i64;
            }
            v
        };
        let value = match t {
            0 | 10 | 11 => SqlValue::Null,
            8 => SqlValue::Int(0),
            9 => SqlValue::Int(1),
            1..=6 => SqlValue::Int(int(raw)),
            7 => SqlValue::Real(f64::from_bits(int(raw) as u64)),
            t if t % 2 == 0 => SqlValue::Blob(sub(payload, body - size, body)),
            _ => {
                let bytes = sub(payload, body - size, body);
                SqlValue::Text(match bytes {
                    Cow::Borrowed(b) => {
                        Cow::Borrowed(std::str::from_utf8(b).map_err(|_| "text is not UTF-8")?)
                    }
                    Cow::Owned(b) => {
                        Cow::Owned(String::from_utf8(b).map_err(|_| "text is not UTF-8")?)
                    }
                })
            }
        };
        values.push(value);
    }
    Ok(())
}

fn sub<'a>(payload: &Cow<'a, [u8]>, from: usize, to: usize) -> Cow<'a, [u8]> {
    match payload {
        Cow::Borrowed(b) => Cow::Borrowed(&b[from..to]),
        Cow::Owned(b) => Cow::Owned(b[from..to].to_vec()),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// An SQLite varint at `at`: (value, bytes used).
fn varint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let x = *b.get(at + i)?;
        if i == 8 {
            return Some(((v << 8) | x as u64, 9));
        }
        v = (v << 7) | (x & 0x7f) as u64;
        if x & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// Column names of a `CREATE TABLE` statement, the rowid alias column, and WITHOUT ROWID.
pub(crate) fn parse_create(sql: &str) -> (Vec<String>, Option<usize>, bool) {
    let (Some(open), Some(close)) = (sql.find('('), sql.rfind(')')) else {
        return (Vec::new(), None, false);
    };
    let without_rowid = sql[close..].to_ascii_uppercase().contains("WITHOUT ROWID");
    let body = sql.get(open + 1..close).unwrap_or("");
    let mut parts = Vec::new();
    let (mut depth, mut start, mut quote) = (0i32, 0usize, None::<char>);
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q || (q == '[' && c == ']') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`' | '\'') => quote = Some(c),
            (None, '[') => quote = Some('['),
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    let mut columns = Vec::new();
    let mut rowid = None;
    for part in parts {
        let p = part.trim();
        let upper = p.to_ascii_uppercase();
        if ["PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "CONSTRAINT"]
            .iter()
            .any(|k| upper.starts_with(k))
            || p.is_empty()
        {
            continue;
        }
        let (name, rest) = match p.chars().next() {
            Some(q @ ('"' | '`' | '[')) => {
                let end = if q == '[' { ']' } else { q };
                match p[1..].find(end) {
                    Some(e) => (p[1..1 + e].to_string(), &p[e + 2..]),
                    None => (p[1..].to_string(), ""),
                }
            }
            _ => {
                let e = p.find(char::is_whitespace).unwrap_or(p.len());
                (p[..e].to_string(), &p[e..])
            }
        };
        let rest = rest.to_ascii_uppercase();
        if rest.trim_start().starts_with("INTEGER") && rest.contains("PRIMARY KEY") {
            rowid = Some(columns.len());
        }
        columns.push(name);
    }
    (columns, rowid, without_rowid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_table_columns() {
        let (c, r, w) = parse_create(
            "CREATE TABLE \"event\" (\n\t`ocel_id`\tTEXT,\n\t\"ocel type\" TEXT,\n\tPRIMARY KEY(`ocel_id`),\n\tFOREIGN KEY(`ocel_type`) REFERENCES x(`y`)\n)",
        );
        assert_eq!(c, ["ocel_id", "ocel type"]);
        assert_eq!((r, w), (None, false));
        let (c, r, _) =
            parse_create("CREATE TABLE t (id INTEGER PRIMARY KEY, v REAL DEFAULT (1,2))");
        assert_eq!((c.len(), r), (2, Some(0)));
    }

    #[test]
    fn varints() {
        assert_eq!(varint(&[0x05], 0), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00], 0), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9], 0), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81], 0), None);
    }

    #[test]
    fn hostile_headers_are_refused() {
        assert!(SqliteFile::open(b"nope").is_err());
        let mut h = vec![0u8; 1024];
        h[..16].copy_from_slice(b"SQLite format 3\0");
        h[16] = 0x03; // page size 768: not a power of two
        assert!(SqliteFile::open(&h).unwrap_err().contains("page size"));
        h[16] = 0x02;
        h[17] = 0x00; // 512
                      // page 1 type byte 0 at offset 100: unknown page type
        assert!(SqliteFile::open(&h)
            .unwrap_err()
            .contains("unknown page type"));
    }
}
