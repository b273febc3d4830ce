//! Typed attribute columns with nulls: what an event or case carries beyond the fixed roles.
//!
//! A column is one `Vec` of values of a single type plus a validity bitmap (a bit per row,
//! set = value present). String columns are dictionary-encoded with their own [`Interner`],
//! which maps one-to-one onto an Arrow dictionary array. Columns do not know row order: the
//! [`EventLog`](super::EventLog) permutes them together with the events.

use super::interner::Interner;
use serde::{Deserialize, Serialize};

/// One bit per row; a set bit means "value present".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validity {
    words: Vec<u64>,
    len: usize,
}

impl Validity {
    /// Push one row.
    pub fn push(&mut self, valid: bool) {
        if self.len.is_multiple_of(64) {
            self.words.push(0);
        }
        if valid {
            let last = self.words.len() - 1;
            self.words[last] |= 1u64 << (self.len % 64);
        }
        self.len += 1;
    }

    /// Is row `i` present? Out-of-range rows are absent.
    pub fn get(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64] & (1u64 << (i % 64)) != 0
    }

    pub(crate) fn set(&mut self, i: usize) {
        if i < self.len {
            self.words[i / 64] |= 1u64 << (i % 64);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of present values.
    pub fn count_valid(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The raw words, least significant bit first (Arrow's layout).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    fn permuted(&self, order: &[u32]) -> Validity {
        let mut out = Validity {
            words: Vec::with_capacity(order.len() / 64 + 1),
            len: 0,
        };
        for &i in order {
            out.push(self.get(i as usize));
        }
        out
    }
}

/// The type of an attribute column (XES types; `id` and `string` both become `Str`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Str,
    Int,
    Float,
    Bool,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    Timestamp,
}

/// The values of a column. Rows whose validity bit is clear hold a meaningless filler (0, false,
/// code 0).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Codes into the column's own dictionary.
    Str {
        codes: Vec<u32>,
        dict: Interner,
    },
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    /// Milliseconds since the Unix epoch, UTC.
    Timestamp(Vec<i64>),
}

/// One attribute value, borrowed from a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Timestamp(i64),
}

impl Value<'_> {
    /// The column type that stores this value (importers create attribute columns from the
    /// first value they see).
    pub fn column_type(self) -> ColumnType {
        match self {
            Value::Str(_) => ColumnType::Str,
            Value::Int(_) => ColumnType::Int,
            Value::Float(_) => ColumnType::Float,
            Value::Bool(_) => ColumnType::Bool,
            Value::Timestamp(_) => ColumnType::Timestamp,
        }
    }
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Str(s) => f.write_str(s),
            Value::Int(v) => write!(f, "{v}"),
            Value::Float(v) => write!(f, "{v}"),
            Value::Bool(v) => write!(f, "{v}"),
            Value::Timestamp(ms) => f.write_str(&crate::import::timestamp::format_iso(*ms)),
        }
    }
}

/// A named, typed column with nulls.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    name: String,
    data: ColumnData,
    validity: Validity,
}

impl Column {
    pub(crate) fn new(name: &str, ty: ColumnType) -> Self {
        let data = match ty {
            ColumnType::Str => ColumnData::Str {
                codes: Vec::new(),
                dict: Interner::new(),
            },
            ColumnType::Int => ColumnData::Int(Vec::new()),
            ColumnType::Float => ColumnData::Float(Vec::new()),
            ColumnType::Bool => ColumnData::Bool(Vec::new()),
            ColumnType::Timestamp => ColumnData::Timestamp(Vec::new()),
        };
        Column {
            name: name.to_string(),
            data,
            validity: Validity::default(),
        }
    }

    /// The attribute key (e.g. `lifecycle:transition`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's type.
    pub fn column_type(&self) -> ColumnType {
        match &self.data {
            ColumnData::Str { .. } => ColumnType::Str,
            ColumnData::Int(_) => ColumnType::Int,
            ColumnData::Float(_) => ColumnType::Float,
            ColumnData::Bool(_) => ColumnType::Bool,
            ColumnData::Timestamp(_) => ColumnType::Timestamp,
        }
    }

    /// The raw values (see [`ColumnData`]).
    pub fn data(&self) -> &ColumnData {
        &self.data
    }

    /// Which rows hold a value.
    pub fn validity(&self) -> &Validity {
        &self.validity
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.validity.len()
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.validity.is_empty()
    }

    /// The value of row `i`, `None` when null or out of range.
    pub fn get(&self, i: usize) -> Option<Value<'_>> {
        if !self.validity.get(i) {
            return None;
        }
        Some(match &self.data {
            ColumnData::Str { codes, dict } => Value::Str(dict.resolve(codes[i])),
            ColumnData::Int(v) => Value::Int(v[i]),
            ColumnData::Float(v) => Value::Float(v[i]),
            ColumnData::Bool(v) => Value::Bool(v[i]),
            ColumnData::Timestamp(v) => Value::Timestamp(v[i]),
        })
    }

    /// Pad with nulls up to `len` rows.
    pub(crate) fn pad_to(&mut self, len: usize) {
        while self.validity.len() < len {
            self.validity.push(false);
            match &mut self.data {
                ColumnData::Str { codes, .. } => codes.push(0),
                ColumnData::Int(v) | ColumnData::Timestamp(v) => v.push(0),
                ColumnData::Float(v) => v.push(0.0),
                ColumnData::Bool(v) => v.push(false),
            }
        }
    }

    /// Set row `row` (which must be the last row or beyond: earlier rows are padded with nulls).
    /// Returns false when the value's type does not fit the column (the caller converts it).
    pub(crate) fn set(&mut self, row: usize, value: Value<'_>) -> bool {
        if row < self.validity.len() {
            // A repeated key within one event/trace: the later value wins, as in pm4py.
            return self.overwrite(row, value);
        }
        if !self.accepts(value) {
            return false;
        }
        self.pad_to(row);
        match (&mut self.data, value) {
            (ColumnData::Str { codes, dict }, Value::Str(s)) => codes.push(dict.intern(s)),
            (ColumnData::Int(v), Value::Int(x))
            | (ColumnData::Timestamp(v), Value::Timestamp(x)) => v.push(x),
            (ColumnData::Float(v), Value::Float(x)) => v.push(x),
            (ColumnData::Float(v), Value::Int(x)) => v.push(x as f64),
            (ColumnData::Bool(v), Value::Bool(x)) => v.push(x),
            _ => {}
        }
        self.validity.push(true);
        true
    }

    fn accepts(&self, value: Value<'_>) -> bool {
        matches!(
            (&self.data, value),
            (ColumnData::Str { .. }, Value::Str(_))
                | (ColumnData::Int(_), Value::Int(_))
                | (ColumnData::Float(_), Value::Float(_) | Value::Int(_))
                | (ColumnData::Bool(_), Value::Bool(_))
                | (ColumnData::Timestamp(_), Value::Timestamp(_))
        )
    }

    fn overwrite(&mut self, row: usize, value: Value<'_>) -> bool {
        let ok = match (&mut self.data, value) {
            (ColumnData::Str { codes, dict }, Value::Str(s)) => {
                codes[row] = dict.intern(s);
                true
            }
            (ColumnData::Int(v), Value::Int(x))
            | (ColumnData::Timestamp(v), Value::Timestamp(x)) => {
                v[row] = x;
                true
            }
            (ColumnData::Float(v), Value::Float(x)) => {
                v[row] = x;
                true
            }
            (ColumnData::Float(v), Value::Int(x)) => {
                v[row] = x as f64;
                true
            }
            (ColumnData::Bool(v), Value::Bool(x)) => {
                v[row] = x;
                true
            }
            _ => false,
        };
        if ok {
            self.validity.set(row);
        }
        ok
    }

    /// Widen the column so `incoming` fits: int → float, anything else → string.
    pub(crate) fn widen_for(&mut self, incoming: ColumnType) {
        let target = match (self.column_type(), incoming) {
            (ColumnType::Int, ColumnType::Float) => ColumnType::Float,
            _ => ColumnType::Str,
        };
        if target == self.column_type() {
            return;
        }
        let len = self.len();
        let mut out = Column::new(&self.name, target);
        for i in 0..len {
            match self.get(i) {
                None => out.pad_to(i + 1),
                Some(Value::Int(x)) if target == ColumnType::Float => {
                    out.set(i, Value::Float(x as f64));
                }
                Some(v) => {
                    let s = v.to_string();
                    out.set(i, Value::Str(&s));
                }
            }
        }
        *self = out;
    }

    pub(crate) fn permuted(&self, order: &[u32]) -> Column {
        fn pick<T: Copy>(v: &[T], order: &[u32]) -> Vec<T> {
            order.iter().map(|&i| v[i as usize]).collect()
        }
        let data = match &self.data {
            ColumnData::Str { codes, dict } => ColumnData::Str {
                codes: pick(codes, order),
                dict: dict.clone(),
            },
            ColumnData::Int(v) => ColumnData::Int(pick(v, order)),
            ColumnData::Float(v) => ColumnData::Float(pick(v, order)),
            ColumnData::Bool(v) => ColumnData::Bool(pick(v, order)),
            ColumnData::Timestamp(v) => ColumnData::Timestamp(pick(v, order)),
        };
        Column {
            name: self.name.clone(),
            data,
            validity: self.validity.permuted(order),
        }
    }

    /// Heap bytes held by values, dictionary and bitmap.
    pub fn heap_bytes(&self) -> usize {
        let values = match &self.data {
            ColumnData::Str { codes, dict } => codes.capacity() * 4 + dict.heap_bytes(),
            ColumnData::Int(v) | ColumnData::Timestamp(v) => v.capacity() * 8,
            ColumnData::Float(v) => v.capacity() * 8,
            ColumnData::Bool(v) => v.capacity(),
        };
        values + self.validity.words.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_values_are_padded_with_nulls() {
        let mut c = Column::new("x", ColumnType::Int);
        assert!(c.set(2, Value::Int(7)));
        c.pad_to(4);
        assert_eq!(c.len(), 4);
        assert_eq!(c.get(0), None);
        assert_eq!(c.get(2), Some(Value::Int(7)));
        assert!(!c.set(4, Value::Str("a")));
        c.widen_for(ColumnType::Str);
        assert_eq!(c.get(2), Some(Value::Str("7")));
        assert!(c.set(4, Value::Str("a")));
        assert_eq!(c.validity().count_valid(), 2);
    }
}
