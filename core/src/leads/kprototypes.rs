//! k-prototypes (Huang, 1997): clustering mixed numeric and categorical data without one-hot.
//!
//! Distance = squared Euclidean distance over standardised numbers + `gamma` × number of
//! categorical mismatches; a prototype is the mean of its rows' numbers and the mode of each of
//! their categories (ties → the lowest code). Seeded k-means++-style with the same distance,
//! then Lloyd-style iterations until no row moves. For the exploration view; the fast
//! numeric-only path is [`super::kmeans`].

use super::encode::{Encoder, FeatureSpec, Raw};
use super::rng::Rng;
use super::table::Dataset;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KPrototypesConfig {
    pub k: usize,
    pub max_iter: usize,
    /// Weight of one categorical mismatch; `None`: 0.5 (numbers are standardised, so a
    /// mismatch weighs like a 0.7 SD difference in one number).
    pub gamma: Option<f64>,
    pub seed: u64,
}

impl Default for KPrototypesConfig {
    fn default() -> Self {
        KPrototypesConfig {
            k: 8,
            max_iter: 50,
            gamma: None,
            seed: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KPrototypes {
    pub k: usize,
    /// `k × numeric` means.
    pub means: Vec<f64>,
    /// `k × categorical` modes (level codes).
    pub modes: Vec<u32>,
    pub labels: Vec<u32>,
    /// Total distance of rows to their prototypes, after each assignment step.
    pub history: Vec<f64>,
    pub cost: f64,
    pub iterations: usize,
}

/// Mixed rows: `numeric` is `rows × nn` (standardised, missing at 0), `codes` is `rows × nc`.
pub struct MixedRows {
    pub numeric: Vec<f64>,
    pub nn: usize,
    pub codes: Vec<u32>,
    pub nc: usize,
    pub rows: usize,
}

/// The dataset's numbers (standardised as the encoder does) and category codes.
pub fn mixed_rows(encoder: &Encoder, data: &Dataset) -> MixedRows {
    let nn = encoder
        .features
        .iter()
        .filter(|f| matches!(f, FeatureSpec::Numeric { .. }))
        .count();
    let nc = encoder.features.len() - nn;
    let (mut numeric, mut codes) = (Vec::new(), Vec::new());
    let mut buf = Vec::new();
    for i in 0..data.rows() {
        let raw = encoder.raw_row(data, i);
        for (f, r) in encoder.features.iter().zip(&raw) {
            match (f, r) {
                (FeatureSpec::Numeric { .. }, Raw::Number(_)) => {
                    buf.clear();
                    let one = Encoder {
                        features: vec![f.clone()],
                    };
                    one.encode_into(std::slice::from_ref(r), &mut buf);
                    numeric.push(buf.first().copied().unwrap_or(0.0));
                }
                (FeatureSpec::Numeric { .. }, _) => numeric.push(0.0),
                (FeatureSpec::Categorical { .. }, Raw::Level(c)) => codes.push(*c),
                (FeatureSpec::Categorical { .. }, _) => codes.push(0),
            }
        }
    }
    MixedRows {
        numeric,
        nn,
        codes,
        nc,
        rows: data.rows(),
    }
}

fn distance(m: &MixedRows, i: usize, means: &[f64], modes: &[u32], c: usize, gamma: f64) -> f64 {
    let x = &m.numeric[i * m.nn..(i + 1) * m.nn];
    let mu = &means[c * m.nn..(c + 1) * m.nn];
    let num: f64 = x.iter().zip(mu).map(|(a, b)| (a - b) * (a - b)).sum();
    let cat = m.codes[i * m.nc..(i + 1) * m.nc]
        .iter()
        .zip(&modes[c * m.nc..(c + 1) * m.nc])
        .filter(|(a, b)| a != b)
        .count();
    num + gamma * cat as f64
}

/// Cluster mixed rows.
pub fn kprototypes(m: &MixedRows, config: &KPrototypesConfig) -> KPrototypes {
    let n = m.rows;
    let k = config.k.min(n);
    let gamma = config.gamma.unwrap_or(0.5);
    let mut out = KPrototypes {
        k,
        means: vec![],
        modes: vec![],
        labels: vec![0; n],
        history: vec![],
        cost: 0.0,
        iterations: 0,
    };
    if k == 0 {
        return out;
    }
    // Seeding: first row at random, then rows drawn proportionally to their distance.
    let mut rng = Rng::new(config.seed);
    let first = rng.below(n);
    let mut means = m.numeric[first * m.nn..(first + 1) * m.nn].to_vec();
    let mut modes = m.codes[first * m.nc..(first + 1) * m.nc].to_vec();
    let mut closest: Vec<f64> = (0..n)
        .map(|i| distance(m, i, &means, &modes, 0, gamma))
        .collect();
    for c in 1..k {
        let total: f64 = closest.iter().sum();
        let pick = if total > 0.0 {
            rng.weighted(&closest)
        } else {
            rng.below(n)
        };
        means.extend_from_slice(&m.numeric[pick * m.nn..(pick + 1) * m.nn]);
        modes.extend_from_slice(&m.codes[pick * m.nc..(pick + 1) * m.nc]);
        for (i, d) in closest.iter_mut().enumerate() {
            *d = d.min(distance(m, i, &means, &modes, c, gamma));
        }
    }
    let mut labels = vec![u32::MAX; n];
    loop {
        let mut cost = 0.0;
        let mut moved = 0;
        for (i, label) in labels.iter_mut().enumerate() {
            let (best, d) = (0..k)
                .map(|c| (c, distance(m, i, &means, &modes, c, gamma)))
                .fold((0, f64::INFINITY), |b, x| if x.1 < b.1 { x } else { b });
            cost += d;
            if *label != best as u32 {
                *label = best as u32;
                moved += 1;
            }
        }
        out.history.push(cost);
        out.cost = cost;
        if moved == 0 || out.iterations == config.max_iter {
            break;
        }
        // Update: means and modes of the members; an empty cluster keeps its prototype.
        let mut sums = vec![0f64; k * m.nn];
        let mut counts = vec![0usize; k];
        let mut votes: Vec<std::collections::BTreeMap<u32, usize>> =
            vec![Default::default(); k * m.nc];
        for (i, &c) in labels.iter().enumerate() {
            let c = c as usize;
            counts[c] += 1;
            for j in 0..m.nn {
                sums[c * m.nn + j] += m.numeric[i * m.nn + j];
            }
            for j in 0..m.nc {
                *votes[c * m.nc + j]
                    .entry(m.codes[i * m.nc + j])
                    .or_default() += 1;
            }
        }
        for c in 0..k {
            if counts[c] == 0 {
                continue;
            }
            for j in 0..m.nn {
                means[c * m.nn + j] = sums[c * m.nn + j] / counts[c] as f64;
            }
            for j in 0..m.nc {
                let v = &votes[c * m.nc + j];
                if let Some((&code, _)) = v.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
                    modes[c * m.nc + j] = code;
                }
            }
        }
        out.iterations += 1;
    }
    out.means = means;
    out.modes = modes;
    out.labels = labels;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::table::{import_csv, ImportConfig};

    #[test]
    fn separates_two_mixed_groups() {
        let mut csv = String::from("size,industry,channel,won\n");
        for i in 0..60 {
            let (size, industry) = if i % 2 == 0 {
                (10 + i % 5, "energy")
            } else {
                (100 + i % 7, "retail")
            };
            csv.push_str(&format!(
                "{size},{industry},{},{}\n",
                ["web", "event"][i % 3 % 2],
                i % 2
            ));
        }
        let data = import_csv(csv.as_bytes(), &ImportConfig::new("won"))
            .expect("imports")
            .dataset;
        let enc = Encoder::fit(&data);
        let rows = mixed_rows(&enc, &data);
        assert_eq!((rows.nn, rows.nc, rows.rows), (1, 2, 60));
        let run = kprototypes(
            &rows,
            &KPrototypesConfig {
                k: 2,
                seed: 4,
                ..Default::default()
            },
        );
        for i in 0..60 {
            assert_eq!(run.labels[i], run.labels[i % 2], "row {i}");
        }
        assert_ne!(run.labels[0], run.labels[1]);
        for w in run.history.windows(2) {
            assert!(w[1] <= w[0] + 1e-9, "{:?}", run.history);
        }
        let energy = run.labels[0] as usize;
        assert_eq!(enc.describe(1, Raw::Level(run.modes[energy * 2])), "energy");
    }
}
