//! Features of one lead, from any source, and their numeric encoding.
//!
//! A [`Record`] is anything that can answer "what is the value of column X": a training row, a
//! CSV row to score, or a [`Lead`] from the scoring API. The [`Encoder`] (learnt from a
//! [`Dataset`], serialisable inside the model artifact) turns a record into [`Raw`] values
//! (numbers and category codes, used by the segment tree) and into a dense vector: one-hot for
//! categories (unknown values fall into `other`, absent ones into `(missing)`), standardised
//! numbers with missing ones at the mean plus a missing indicator.

use super::request::Lead;
use super::table::{self, Dataset, FeatureData, MISSING};
use serde::{Deserialize, Serialize};

/// A cell as a source provides it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Number(f64),
    Text(&'a str),
}

/// A lead from any source, looked up by column name. `None` means missing or unknown column.
pub trait Record {
    fn get(&self, column: &str) -> Option<Cell<'_>>;
}

impl Record for Lead {
    fn get(&self, column: &str) -> Option<Cell<'_>> {
        fn text(v: &Option<String>) -> Option<Cell<'_>> {
            v.as_deref().map(Cell::Text)
        }
        match column {
            "id" => text(&self.id),
            "company" => text(&self.company),
            "company_size" => self.company_size.map(Cell::Number),
            "industry" => text(&self.industry),
            "channel" => text(&self.channel),
            "hours_to_first_response" => self.hours_to_first_response.map(Cell::Number),
            "response_weekday" => text(&self.response_weekday),
            "response_channel" => text(&self.response_channel),
            _ => None,
        }
    }
}

/// A CSV row (fields in header order) as a record.
#[derive(Debug, Clone, Copy)]
pub struct CsvRow<'a> {
    pub header: &'a [String],
    pub fields: &'a [String],
}

impl Record for CsvRow<'_> {
    fn get(&self, column: &str) -> Option<Cell<'_>> {
        let i = self.header.iter().position(|h| h == column)?;
        let s = self.fields.get(i)?.trim();
        (!table::is_missing(s)).then_some(Cell::Text(s))
    }
}

/// A feature value before encoding: a number (or missing) or a category code.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw {
    Number(Option<f64>),
    Level(u32),
}

/// How one feature is encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureSpec {
    /// `log`: the values are skewed and non-negative, so `ln(1 + x)` is standardised instead.
    Numeric {
        name: String,
        log: bool,
        mean: f64,
        std: f64,
        missing_indicator: bool,
    },
    Categorical {
        name: String,
        levels: Vec<String>,
    },
}

impl FeatureSpec {
    pub fn name(&self) -> &str {
        match self {
            FeatureSpec::Numeric { name, .. } | FeatureSpec::Categorical { name, .. } => name,
        }
    }

    fn width(&self) -> usize {
        match self {
            FeatureSpec::Numeric {
                missing_indicator, ..
            } => 1 + *missing_indicator as usize,
            FeatureSpec::Categorical { levels, .. } => levels.len(),
        }
    }
}

/// The learnt feature encoding: part of the model artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    pub features: Vec<FeatureSpec>,
}

impl Encoder {
    /// Learn means, deviations and levels from `data`.
    pub fn fit(data: &Dataset) -> Encoder {
        let features = data
            .features
            .iter()
            .map(|f| match &f.data {
                FeatureData::Numeric(v) => {
                    let mut present: Vec<f64> = v.iter().flatten().copied().collect();
                    let (mean, std) = moments(&present);
                    let skew = present
                        .iter()
                        .map(|x| ((x - mean) / std).powi(3))
                        .sum::<f64>()
                        / present.len().max(1) as f64;
                    let log = skew > 2.0 && present.iter().all(|&x| x >= 0.0);
                    if log {
                        present.iter_mut().for_each(|x| *x = x.ln_1p());
                    }
                    let (mean, std) = moments(&present);
                    FeatureSpec::Numeric {
                        name: f.name.clone(),
                        log,
                        mean,
                        std,
                        missing_indicator: present.len() < v.len(),
                    }
                }
                FeatureData::Categorical { levels, .. } => FeatureSpec::Categorical {
                    name: f.name.clone(),
                    levels: levels.clone(),
                },
            })
            .collect();
        Encoder { features }
    }

    /// Length of an encoded vector.
    pub fn width(&self) -> usize {
        self.features.iter().map(FeatureSpec::width).sum()
    }

    /// Readable name of each encoded position (`industry = energy`, `company_size`,
    /// `company_size missing`).
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::with_capacity(self.width());
        for f in &self.features {
            match f {
                FeatureSpec::Numeric {
                    name,
                    missing_indicator,
                    ..
                } => {
                    out.push(name.clone());
                    if *missing_indicator {
                        out.push(format!("{name} missing"));
                    }
                }
                FeatureSpec::Categorical { name, levels } => {
                    out.extend(levels.iter().map(|l| format!("{name} = {l}")));
                }
            }
        }
        out
    }

    /// Raw values of training row `i` (the dataset this encoder was fitted on, or a subset).
    pub fn raw_row(&self, data: &Dataset, i: usize) -> Vec<Raw> {
        data.features
            .iter()
            .map(|f| match &f.data {
                FeatureData::Numeric(v) => Raw::Number(v[i]),
                FeatureData::Categorical { codes, .. } => Raw::Level(codes[i]),
            })
            .collect()
    }

    /// Raw values of any record; unknown categories become `other`, absent values missing.
    pub fn raw_record(&self, record: &dyn Record) -> Vec<Raw> {
        self.features
            .iter()
            .map(|f| match f {
                FeatureSpec::Numeric { name, .. } => Raw::Number(match record.get(name) {
                    Some(Cell::Number(x)) if x.is_finite() => Some(x),
                    Some(Cell::Text(s)) => table::parse_number(s),
                    _ => None,
                }),
                FeatureSpec::Categorical { name, levels } => Raw::Level(match record.get(name) {
                    None => 0,
                    Some(Cell::Text(s)) if table::is_missing(s) => 0,
                    Some(Cell::Text(s)) => categorical_code(levels, s),
                    Some(Cell::Number(x)) => categorical_code(levels, &format_number(x)),
                }),
            })
            .collect()
    }

    /// Append the encoded vector of `raw` to `out`.
    pub fn encode_into(&self, raw: &[Raw], out: &mut Vec<f64>) {
        for (f, r) in self.features.iter().zip(raw) {
            match (f, r) {
                (
                    FeatureSpec::Numeric {
                        log,
                        mean,
                        std,
                        missing_indicator,
                        ..
                    },
                    Raw::Number(x),
                ) => {
                    let scaled = |x: f64| if *log { x.max(0.0).ln_1p() } else { x };
                    out.push(x.map_or(0.0, |x| (scaled(x) - mean) / std));
                    if *missing_indicator {
                        out.push(if x.is_none() { 1.0 } else { 0.0 });
                    }
                }
                (FeatureSpec::Categorical { levels, .. }, Raw::Level(code)) => {
                    let start = out.len();
                    out.resize(start + levels.len(), 0.0);
                    if let Some(slot) = out.get_mut(start + *code as usize) {
                        *slot = 1.0;
                    }
                }
                // A kind mismatch cannot come from this encoder's own raw rows; encode as missing.
                (spec, _) => out.resize(out.len() + spec.width(), 0.0),
            }
        }
    }

    /// The encoded matrix (row-major, `rows × width`) of a dataset.
    pub fn encode_dataset(&self, data: &Dataset) -> Vec<f64> {
        let mut out = Vec::with_capacity(data.rows() * self.width());
        for i in 0..data.rows() {
            self.encode_into(&self.raw_row(data, i), &mut out);
        }
        out
    }

    /// Readable value of a raw feature (`energy`, `2.5`, `(missing)`).
    pub fn describe(&self, feature: usize, raw: Raw) -> String {
        match (self.features.get(feature), raw) {
            (_, Raw::Number(None)) => MISSING.into(),
            (_, Raw::Number(Some(x))) => format_number(x),
            (Some(FeatureSpec::Categorical { levels, .. }), Raw::Level(c)) => levels
                .get(c as usize)
                .cloned()
                .unwrap_or_else(|| table::OTHER.into()),
            _ => MISSING.into(),
        }
    }
}

/// Mean and standard deviation (1 when the values are constant); computed on values scaled by
/// their largest magnitude, so values near `f64::MAX` do not overflow.
fn moments(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let scale = values.iter().fold(0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        return (0.0, 1.0);
    }
    let mean = values.iter().map(|x| x / scale).sum::<f64>() / n;
    let var = values
        .iter()
        .map(|x| (x / scale - mean).powi(2))
        .sum::<f64>()
        / n;
    let std = var.sqrt() * scale;
    (
        mean * scale,
        if std > 1e-12 && std.is_finite() {
            std
        } else {
            1.0
        },
    )
}

fn categorical_code(levels: &[String], s: &str) -> u32 {
    // Boolean features keep the levels false/true; accept the usual spellings.
    if levels.len() == 4 && levels[2] == "false" && levels[3] == "true" {
        match s.to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" => return 3,
            "false" | "f" | "no" | "n" | "0" => return 2,
            _ => {}
        }
    }
    table::level_code(levels, s.trim())
}

/// Shortest readable form of a number (`4`, `2.5`).
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::table::{import_csv, ImportConfig};

    #[test]
    fn encodes_training_rows_and_api_leads_alike() {
        let csv = "company_size,industry,hours_to_first_response,won\n10,energy,1,1\n30,retail,,0\n20,energy,3,0\n";
        let imp = import_csv(
            csv.as_bytes(),
            &ImportConfig {
                rare_count: 1,
                ..ImportConfig::new("won")
            },
        )
        .unwrap();
        let enc = Encoder::fit(&imp.dataset);
        assert_eq!(
            enc.names(),
            [
                "company_size",
                "industry = (missing)",
                "industry = other",
                "industry = energy",
                "industry = retail",
                "hours_to_first_response",
                "hours_to_first_response missing"
            ]
        );
        let row0 = enc.raw_row(&imp.dataset, 0);
        let lead = Lead {
            company_size: Some(10.0),
            industry: Some("energy".into()),
            hours_to_first_response: Some(1.0),
            ..Lead::default()
        };
        assert_eq!(enc.raw_record(&lead), row0);
        let mut v = Vec::new();
        enc.encode_into(&row0, &mut v);
        let z = (10.0 - 20.0) / (200.0f64 / 3.0).sqrt();
        assert!((v[0] - z).abs() < 1e-12);
        assert_eq!(&v[1..], &[0.0, 0.0, 1.0, 0.0, -1.0, 0.0]);
        let unknown = Lead {
            industry: Some("mining".into()),
            ..Lead::default()
        };
        assert_eq!(
            enc.raw_record(&unknown),
            [Raw::Number(None), Raw::Level(1), Raw::Number(None)]
        );
    }
}
