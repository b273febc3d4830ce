//! What a decoded lead model may hold. A model arrives from outside (an uploaded artifact whose
//! checksum anyone can recompute), so before it scores anything [`LeadModel::validate`] checks
//! that every index is in range, every count and string is bounded, and every number is finite:
//! a checksum-valid but hostile artifact can neither panic the scorer nor make one score cost
//! more than a few KiB.

use super::encode::FeatureSpec;
use super::ranking::LeadModel;
use super::tree::{Node, Test};

/// Most features a model may encode.
pub const MAX_FEATURES: usize = 256;
/// Most levels of one categorical feature (training keeps 30 by default, plus missing/other).
pub const MAX_LEVELS: usize = 4_096;
/// Most nodes of the segment tree (and so segments).
pub const MAX_NODES: usize = 65_535;
/// Longest feature name, level or column name, in bytes.
pub const MAX_NAME_BYTES: usize = 1_024;
/// Longest segment rule, in bytes (each score echoes its rule).
pub const MAX_RULE_BYTES: usize = 16_384;

impl LeadModel {
    /// Internal consistency and bounds (checked after decoding an artifact, so scoring never
    /// indexes out of range, never meets NaN or infinity, and never copies unbounded text).
    pub fn validate(&self) -> Result<(), String> {
        let features = &self.encoder.features;
        if features.len() > MAX_FEATURES {
            return Err(format!(
                "{} features; the limit is {MAX_FEATURES}",
                features.len()
            ));
        }
        if self.tree.nodes.len() > MAX_NODES || self.tree.segments.len() > MAX_NODES {
            return Err(format!(
                "{} tree nodes and {} segments; the limit is {MAX_NODES}",
                self.tree.nodes.len(),
                self.tree.segments.len()
            ));
        }
        for f in features {
            check_name("feature name", f.name())?;
            match f {
                FeatureSpec::Numeric { mean, std, .. }
                    if !mean.is_finite() || !std.is_finite() || *std <= 0.0 =>
                {
                    return Err(format!("feature `{}` has an invalid scale", f.name()))
                }
                FeatureSpec::Categorical { levels, .. } if levels.len() < 2 => {
                    return Err(format!(
                        "feature `{}` lacks its missing/other levels",
                        f.name()
                    ))
                }
                FeatureSpec::Categorical { levels, .. } if levels.len() > MAX_LEVELS + 2 => {
                    return Err(format!(
                        "feature `{}` has {} levels; the limit is {MAX_LEVELS}",
                        f.name(),
                        levels.len()
                    ))
                }
                FeatureSpec::Categorical { levels, .. } => {
                    for level in levels {
                        check_name("level", level)?;
                    }
                }
                FeatureSpec::Numeric { .. } => {}
            }
        }
        check_name("outcome column", &self.outcome_column)?;
        if let Some(v) = &self.value_column {
            check_name("value column", v)?;
        }
        if !self.tree.is_valid(features.len()) {
            return Err("the segment tree is malformed".into());
        }
        for node in &self.tree.nodes {
            match node {
                Node::Split {
                    test: Test::LessEq { threshold, .. },
                    ..
                } if !threshold.is_finite() => return Err("non-finite split threshold".into()),
                Node::Split {
                    test: Test::In { codes },
                    ..
                } if codes.len() > MAX_LEVELS + 2 => {
                    return Err(format!("a split tests {} levels", codes.len()))
                }
                _ => {}
            }
        }
        for s in &self.tree.segments {
            if !(0.0..=1.0).contains(&s.win_rate) {
                return Err("segment win rate outside [0, 1]".into());
            }
            if s.mean_won_value.is_some_and(|v| !v.is_finite()) {
                return Err("non-finite segment won-deal value".into());
            }
            if s.rule.len() > MAX_RULE_BYTES {
                return Err(format!(
                    "a segment rule is {} bytes; the limit is {MAX_RULE_BYTES}",
                    s.rule.len()
                ));
            }
        }
        let width = self.encoder.width() + 1;
        if self.input_means.len() != width {
            return Err(format!(
                "{} input means for {width} inputs",
                self.input_means.len()
            ));
        }
        if self.input_means.iter().any(|m| !m.is_finite()) {
            return Err("non-finite input mean".into());
        }
        if let Some(s) = &self.scorer {
            if s.weights.len() != width {
                return Err(format!(
                    "{} scorer weights for {width} inputs",
                    s.weights.len()
                ));
            }
            if !s.intercept.is_finite() || s.weights.iter().any(|w| !w.is_finite()) {
                return Err("non-finite scorer weight".into());
            }
        }
        if !(0.0..=1.0).contains(&self.base_rate) {
            return Err("base rate outside [0, 1]".into());
        }
        if self.mean_won_value.is_some_and(|v| !v.is_finite()) {
            return Err("non-finite won-deal value".into());
        }
        Ok(())
    }
}

/// `(Σ values + prior × prior_mean) / (n + prior)` without overflowing to infinity on huge
/// values (the plain formula when it is finite, so ordinary models keep their exact bits).
/// Training uses it for every mean it stores, so what it writes passes [`LeadModel::validate`].
pub fn smoothed_mean(values: &[f64], prior: f64, prior_mean: f64) -> f64 {
    let n = values.len() as f64 + prior;
    let plain = (values.iter().sum::<f64>() + prior * prior_mean) / n;
    if plain.is_finite() {
        return plain;
    }
    let safe = values.iter().map(|v| v / n).sum::<f64>() + prior_mean * (prior / n);
    safe.clamp(f64::MIN, f64::MAX)
}

fn check_name(what: &str, s: &str) -> Result<(), String> {
    if s.len() > MAX_NAME_BYTES {
        return Err(format!(
            "a {what} is {} bytes; the limit is {MAX_NAME_BYTES}",
            s.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::generate;
    use crate::leads::ranking::{train, TrainConfig};
    use crate::leads::table::{import_csv, ImportConfig};

    fn model() -> LeadModel {
        let csv = generate::leads_csv(&generate::leads(600, 4));
        let data = import_csv(csv.as_bytes(), &ImportConfig::new("won"))
            .unwrap()
            .dataset;
        train(&data, &TrainConfig::default())
    }

    /// Each hostile edit of a trained model is refused, naming what is wrong.
    #[test]
    fn hostile_models_are_refused() {
        let good = model();
        good.validate().unwrap();
        type Edit = fn(&mut LeadModel);
        let edits: [(&str, Edit); 9] = [
            ("rule", |m| {
                m.tree.segments[0].rule = "x".repeat(MAX_RULE_BYTES + 1)
            }),
            ("won-deal", |m| {
                m.tree.segments[0].mean_won_value = Some(f64::INFINITY)
            }),
            ("input mean", |m| m.input_means[0] = f64::NAN),
            ("base rate", |m| m.base_rate = f64::NAN),
            ("feature name", |m| match &mut m.encoder.features[0] {
                FeatureSpec::Numeric { name, .. } | FeatureSpec::Categorical { name, .. } => {
                    *name = "n".repeat(MAX_NAME_BYTES + 1)
                }
            }),
            ("outcome column", |m| {
                m.outcome_column = "o".repeat(MAX_NAME_BYTES + 1)
            }),
            ("nodes", |m| {
                m.tree.nodes = vec![Node::Leaf { segment: 0 }; MAX_NODES + 1]
            }),
            ("features", |m| {
                let f = m.encoder.features[0].clone();
                m.encoder.features = vec![f; MAX_FEATURES + 1]
            }),
            ("won-deal", |m| m.mean_won_value = Some(f64::NEG_INFINITY)),
        ];
        for (fragment, edit) in edits {
            let mut m = good.clone();
            edit(&mut m);
            let e = m.validate().unwrap_err();
            assert!(e.contains(fragment), "{fragment}: {e}");
        }
    }
}
