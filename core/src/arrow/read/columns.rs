//! A batch's columns as rows can read them: text (plain, large, view or dictionary-encoded)
//! and typed columns (integers, floats, booleans, timestamps in milliseconds UTC), so that
//! [`super::LogFromArrow`] decodes each column once per batch and then reads row by row.

use crate::log::Value;
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{
    AnyDictionaryArray, Array, BooleanArray, LargeStringArray, StringArray, StringViewArray,
};
use arrow_schema::{DataType, TimeUnit};

/// Text columns, plain or dictionary-encoded.
pub(super) enum Strs<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
    Dict {
        dict: &'a dyn AnyDictionaryArray,
        keys: Vec<usize>,
        values: Box<Strs<'a>>,
    },
}

impl<'a> Strs<'a> {
    pub(super) fn new(array: &'a dyn Array) -> Option<Self> {
        if let Some(a) = array.as_string_opt::<i32>() {
            return Some(Strs::Utf8(a));
        }
        if let Some(a) = array.as_string_opt::<i64>() {
            return Some(Strs::Large(a));
        }
        if let Some(a) = array.as_string_view_opt() {
            return Some(Strs::View(a));
        }
        let dict = array.as_any_dictionary_opt()?;
        let values = Strs::new(dict.values().as_ref())?;
        Some(Strs::Dict {
            dict,
            keys: dict.normalized_keys(),
            values: Box::new(values),
        })
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Strs::Utf8(a) => a.len(),
            Strs::Large(a) => a.len(),
            Strs::View(a) => a.len(),
            Strs::Dict { keys, .. } => keys.len(),
        }
    }

    pub(super) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Utf8(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Strs::Large(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Strs::View(a) => (i < a.len() && a.is_valid(i)).then(|| a.value(i)),
            Strs::Dict { dict, keys, values } => {
                if i >= keys.len() || dict.is_null(i) {
                    return None;
                }
                let k = keys[i];
                (k < values.len()).then(|| values.get(k)).flatten()
            }
        }
    }
}

/// One column of a batch, decoded into something rows can be read from.
pub(super) enum Col<'a> {
    Str(Strs<'a>),
    Int(Vec<i64>, &'a dyn Array),
    Float(Vec<f64>, &'a dyn Array),
    Bool(&'a BooleanArray),
    /// Milliseconds UTC; `None` = null or out of range.
    Time(Vec<Option<i64>>),
}

impl<'a> Col<'a> {
    pub(super) fn new(array: &'a dyn Array) -> Option<Self> {
        use DataType as D;
        fn ints<T: ArrowPrimitiveType>(a: &dyn Array, f: impl Fn(T::Native) -> i64) -> Vec<i64> {
            a.as_primitive::<T>()
                .values()
                .iter()
                .map(|&v| f(v))
                .collect()
        }
        fn time<T: ArrowPrimitiveType<Native = i64>>(
            a: &dyn Array,
            to_ms: impl Fn(i64) -> Option<i64>,
        ) -> Vec<Option<i64>> {
            let p = a.as_primitive::<T>();
            p.values()
                .iter()
                .enumerate()
                .map(|(i, &v)| if p.is_valid(i) { to_ms(v) } else { None })
                .collect()
        }
        Some(match array.data_type() {
            D::Boolean => Col::Bool(array.as_boolean()),
            D::Int8 => Col::Int(ints::<Int8Type>(array, i64::from), array),
            D::Int16 => Col::Int(ints::<Int16Type>(array, i64::from), array),
            D::Int32 => Col::Int(ints::<Int32Type>(array, i64::from), array),
            D::Int64 => Col::Int(ints::<Int64Type>(array, |v| v), array),
            D::UInt8 => Col::Int(ints::<UInt8Type>(array, i64::from), array),
            D::UInt16 => Col::Int(ints::<UInt16Type>(array, i64::from), array),
            D::UInt32 => Col::Int(ints::<UInt32Type>(array, i64::from), array),
            D::UInt64 => {
                let p = array.as_primitive::<UInt64Type>();
                if p.values().iter().all(|&v| i64::try_from(v).is_ok()) {
                    Col::Int(p.values().iter().map(|&v| v as i64).collect(), array)
                } else {
                    Col::Float(p.values().iter().map(|&v| v as f64).collect(), array)
                }
            }
            D::Float16 => Col::Float(
                array
                    .as_primitive::<Float16Type>()
                    .values()
                    .iter()
                    .map(|v| v.to_f64())
                    .collect(),
                array,
            ),
            D::Float32 => Col::Float(
                array
                    .as_primitive::<Float32Type>()
                    .values()
                    .iter()
                    .map(|&v| f64::from(v))
                    .collect(),
                array,
            ),
            D::Float64 => Col::Float(array.as_primitive::<Float64Type>().values().to_vec(), array),
            D::Timestamp(unit, _) => Col::Time(match unit {
                TimeUnit::Second => time::<TimestampSecondType>(array, |v| v.checked_mul(1000)),
                TimeUnit::Millisecond => time::<TimestampMillisecondType>(array, Some),
                TimeUnit::Microsecond => {
                    time::<TimestampMicrosecondType>(array, |v| Some(v.div_euclid(1000)))
                }
                TimeUnit::Nanosecond => {
                    time::<TimestampNanosecondType>(array, |v| Some(v.div_euclid(1_000_000)))
                }
            }),
            D::Date32 => {
                let p = array.as_primitive::<Date32Type>();
                Col::Time(
                    p.values()
                        .iter()
                        .enumerate()
                        .map(|(i, &d)| p.is_valid(i).then(|| i64::from(d) * 86_400_000))
                        .collect(),
                )
            }
            D::Date64 => Col::Time(time::<Date64Type>(array, Some)),
            _ => Col::Str(Strs::new(array)?),
        })
    }

    /// Codes of a role column (case, activity, resource): text interned, integers as decimal.
    pub(super) fn codes(&self, n: usize, mut intern: impl FnMut(&str) -> u32) -> Vec<Option<u32>> {
        match self {
            Col::Str(Strs::Dict { dict, keys, values }) => {
                let dict_codes: Vec<Option<u32>> = (0..values.len())
                    .map(|j| values.get(j).map(&mut intern))
                    .collect();
                (0..n)
                    .map(|i| {
                        if i >= keys.len() || dict.is_null(i) {
                            return None;
                        }
                        dict_codes.get(keys[i]).copied().flatten()
                    })
                    .collect()
            }
            Col::Str(s) => (0..n).map(|i| s.get(i).map(&mut intern)).collect(),
            Col::Int(v, a) => (0..n)
                .map(|i| (i < v.len() && a.is_valid(i)).then(|| intern(&v[i].to_string())))
                .collect(),
            Col::Float(..) | Col::Bool(_) | Col::Time(_) => vec![None; n],
        }
    }

    /// Timestamps in ms of the timestamp role; text is parsed (ISO 8601 and the importer's
    /// other formats), unparsable values count as nulled.
    pub(super) fn timestamps(&self, n: usize, nulled: &mut u64) -> Vec<Option<i64>> {
        match self {
            Col::Time(t) => (0..n).map(|i| t.get(i).copied().flatten()).collect(),
            Col::Str(s) => (0..n)
                .map(|i| {
                    let text = s.get(i)?;
                    let parsed = crate::import::timestamp::parse_any(text).map(|(ms, _)| ms);
                    if parsed.is_none() {
                        *nulled += 1;
                    }
                    parsed
                })
                .collect(),
            Col::Int(..) | Col::Float(..) | Col::Bool(_) => vec![None; n],
        }
    }

    pub(super) fn value(&self, i: usize) -> Option<Value<'_>> {
        match self {
            Col::Str(s) => s.get(i).map(Value::Str),
            Col::Int(v, a) => (i < v.len() && a.is_valid(i)).then(|| Value::Int(v[i])),
            Col::Float(v, a) => (i < v.len() && a.is_valid(i)).then(|| Value::Float(v[i])),
            Col::Bool(b) => (i < b.len() && b.is_valid(i)).then(|| Value::Bool(b.value(i))),
            Col::Time(t) => t.get(i).copied().flatten().map(Value::Timestamp),
        }
    }
}
