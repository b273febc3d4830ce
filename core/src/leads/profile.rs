//! What distinguishes a group of leads: cluster profiles and one-attribute effects.
//!
//! [`cluster_profiles`] describes each cluster by its size, win rate, mean won-deal value and
//! the encoded features where its centre departs most from the overall mean (shares for
//! categories, standard deviations for numbers). [`attribute_effects`] is the one-attribute
//! view: win rate and lift per category or per quantile bin of a number; it is also how the
//! planted response-time and weekday effects are read back from data.

use super::encode::{format_number, Encoder, FeatureSpec};
use super::table::{Dataset, FeatureData};
use serde::{Deserialize, Serialize};

/// One feature where a cluster differs from the whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distinction {
    /// Encoded feature name (`industry = energy`, `company_size`).
    pub feature: String,
    /// Cluster mean minus overall mean (share points for categories, SDs for numbers).
    pub difference: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterProfile {
    pub id: u32,
    pub size: usize,
    pub win_rate: f64,
    pub mean_won_value: Option<f64>,
    pub distinguishing: Vec<Distinction>,
}

/// Profiles of the clusters `labels` (over `k` clusters) of `data`, encoded as `encoded`
/// (row-major, `encoder.width()` wide).
pub fn cluster_profiles(
    encoder: &Encoder,
    encoded: &[f64],
    labels: &[u32],
    k: usize,
    data: &Dataset,
) -> Vec<ClusterProfile> {
    let dims = encoder.width();
    let names = encoder.names();
    let numeric: Vec<bool> = encoder
        .features
        .iter()
        .flat_map(|f| match f {
            FeatureSpec::Numeric {
                missing_indicator, ..
            } => {
                let mut v = vec![true];
                if *missing_indicator {
                    v.push(false);
                }
                v
            }
            FeatureSpec::Categorical { levels, .. } => vec![false; levels.len()],
        })
        .collect();
    let n = labels.len().min(data.rows());
    let mut overall = vec![0f64; dims];
    let mut sums = vec![0f64; k * dims];
    let mut sizes = vec![0usize; k];
    let mut wins = vec![0usize; k];
    let mut values = vec![(0f64, 0usize); k];
    for i in 0..n {
        let c = labels[i] as usize;
        if c >= k {
            continue;
        }
        let row = &encoded[i * dims..(i + 1) * dims];
        for j in 0..dims {
            overall[j] += row[j] / n as f64;
            sums[c * dims + j] += row[j];
        }
        sizes[c] += 1;
        if data.outcome[i] {
            wins[c] += 1;
            if let Some(v) = data.value.as_ref().and_then(|v| v[i]) {
                values[c].0 += v;
                values[c].1 += 1;
            }
        }
    }
    (0..k)
        .map(|c| {
            let size = sizes[c].max(1) as f64;
            let mut distinguishing: Vec<Distinction> = (0..dims)
                .map(|j| {
                    let mean = sums[c * dims + j] / size;
                    let difference = mean - overall[j];
                    let text = if numeric[j] {
                        format!("{}: {:+.1} SD", names[j], difference)
                    } else {
                        format!(
                            "{}: {:.0} % vs {:.0} %",
                            names[j],
                            100.0 * mean,
                            100.0 * overall[j]
                        )
                    };
                    Distinction {
                        feature: names[j].clone(),
                        difference,
                        text,
                    }
                })
                .collect();
            // Numbers are in SDs, shares in [0, 1]: a share gap of 0.3 weighs like 1 SD.
            let weight = |d: &Distinction, j: bool| d.difference.abs() * if j { 0.3 } else { 1.0 };
            let mut order: Vec<usize> = (0..dims).collect();
            order.sort_by(|&a, &b| {
                weight(&distinguishing[b], numeric[b])
                    .total_cmp(&weight(&distinguishing[a], numeric[a]))
            });
            let keep: Vec<usize> = order.into_iter().take(3).collect();
            distinguishing = keep.iter().map(|&j| distinguishing[j].clone()).collect();
            ClusterProfile {
                id: c as u32,
                size: sizes[c],
                win_rate: wins[c] as f64 / size,
                mean_won_value: (values[c].1 > 0).then(|| values[c].0 / values[c].1 as f64),
                distinguishing,
            }
        })
        .collect()
}

/// Win rate of one group of an attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupEffect {
    /// `energy`, `≤ 3.5`, `3.5 – 12`, `> 40`, `(missing)`.
    pub label: String,
    pub rows: usize,
    pub win_rate: f64,
    /// Win rate divided by the overall win rate.
    pub lift: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeEffect {
    pub column: String,
    pub groups: Vec<GroupEffect>,
    /// Highest minus lowest lift among groups with at least 30 rows.
    pub spread: f64,
}

/// One-attribute win rates for every feature of `data` (numbers in `bins` quantile bins).
pub fn attribute_effects(data: &Dataset, bins: usize) -> Vec<AttributeEffect> {
    let base = data.win_rate();
    let group = |label: String, rows: &[usize]| {
        let w = rows.iter().filter(|&&i| data.outcome[i]).count() as f64;
        let rate = w / rows.len().max(1) as f64;
        GroupEffect {
            label,
            rows: rows.len(),
            win_rate: rate,
            lift: if base > 0.0 { rate / base } else { 0.0 },
        }
    };
    let mut out = Vec::new();
    for f in &data.features {
        let mut groups = Vec::new();
        match &f.data {
            FeatureData::Categorical { levels, codes } => {
                for (c, label) in levels.iter().enumerate() {
                    let rows: Vec<usize> = (0..codes.len())
                        .filter(|&i| codes[i] as usize == c)
                        .collect();
                    if !rows.is_empty() {
                        groups.push(group(label.clone(), &rows));
                    }
                }
            }
            FeatureData::Numeric(v) => {
                let mut present: Vec<usize> = (0..v.len()).filter(|&i| v[i].is_some()).collect();
                present.sort_by(|&a, &b| v[a].unwrap_or(0.0).total_cmp(&v[b].unwrap_or(0.0)));
                let bins = bins.max(1);
                let mut start = 0;
                let mut lo: Option<f64> = None;
                for b in 0..bins {
                    let mut end = ((b + 1) * present.len() / bins).max(start);
                    while end < present.len() && end > 0 && v[present[end]] == v[present[end - 1]] {
                        end += 1;
                    }
                    if end <= start {
                        continue;
                    }
                    let hi = v[present[end - 1]].unwrap_or(0.0);
                    let label = match (lo, end == present.len()) {
                        (None, _) => format!("≤ {}", format_number(hi)),
                        (Some(l), true) => format!("> {}", format_number(l)),
                        (Some(l), false) => format!("{} – {}", format_number(l), format_number(hi)),
                    };
                    groups.push(group(label, &present[start..end]));
                    lo = Some(hi);
                    start = end;
                }
                let missing: Vec<usize> = (0..v.len()).filter(|&i| v[i].is_none()).collect();
                if !missing.is_empty() {
                    groups.push(group(super::table::MISSING.into(), &missing));
                }
            }
        }
        let big: Vec<f64> = groups
            .iter()
            .filter(|g| g.rows >= 30)
            .map(|g| g.lift)
            .collect();
        let spread = if big.is_empty() {
            0.0
        } else {
            big.iter().copied().fold(f64::MIN, f64::max)
                - big.iter().copied().fold(f64::MAX, f64::min)
        };
        out.push(AttributeEffect {
            column: f.name.clone(),
            groups,
            spread,
        });
    }
    out
}

/// Which clustering the exploration view runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterMethod {
    /// k-means on the encoded features (one-hot categories, standardised numbers).
    KMeans,
    /// k-prototypes on numbers and category codes.
    KPrototypes,
}

/// Parameters of [`explore`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExploreConfig {
    pub method: ClusterMethod,
    /// Candidate k; the one with the best sampled silhouette is kept.
    pub ks: Vec<usize>,
    pub silhouette_sample: usize,
    pub seed: u64,
}

impl Default for ExploreConfig {
    fn default() -> Self {
        ExploreConfig {
            method: ClusterMethod::KMeans,
            ks: (2..=10).collect(),
            silhouette_sample: 1000,
            seed: 0,
        }
    }
}

/// The clustering view of a lead table: the silhouette curve, the chosen k, and the profile
/// (size, win rate, mean won value, distinguishing features) of each cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exploration {
    pub method: ClusterMethod,
    pub k: usize,
    pub curve: Vec<super::kmeans::KChoice>,
    pub clusters: Vec<ClusterProfile>,
    /// Cluster of each row of the dataset.
    pub labels: Vec<u32>,
}

/// Cluster `data` for exploration (no outcome is used to form clusters; it only describes them).
/// Silhouettes are measured on the encoded features for both methods, so curves compare.
pub fn explore(data: &Dataset, config: &ExploreConfig) -> Exploration {
    use super::kmeans::{self, KChoice, KMeansConfig};
    use super::kprototypes::{self, KPrototypesConfig};
    let encoder = Encoder::fit(data);
    let dims = encoder.width();
    let encoded = encoder.encode_dataset(data);
    let as_f32: Vec<f32> = encoded.iter().map(|&v| v as f32).collect();
    let mut curve = Vec::new();
    let mut best: Option<(f64, usize, Vec<u32>)> = None;
    let mixed = (config.method == ClusterMethod::KPrototypes)
        .then(|| kprototypes::mixed_rows(&encoder, data));
    for &k in &config.ks {
        let (k, labels, cost) = match &mixed {
            None => {
                let run = kmeans::kmeans(
                    &as_f32,
                    dims,
                    &KMeansConfig {
                        k,
                        max_iter: 100,
                        tol: 1e-6,
                        seed: config.seed,
                    },
                );
                (run.k, run.labels, run.inertia)
            }
            Some(rows) => {
                let run = kprototypes::kprototypes(
                    rows,
                    &KPrototypesConfig {
                        k,
                        seed: config.seed,
                        ..Default::default()
                    },
                );
                (run.k, run.labels, run.cost)
            }
        };
        let s = kmeans::silhouette(
            &as_f32,
            dims,
            &labels,
            config.silhouette_sample,
            config.seed,
        );
        curve.push(KChoice {
            k,
            inertia: cost,
            silhouette: s,
        });
        if best.as_ref().is_none_or(|(bs, _, _)| s > *bs + 1e-12) {
            best = Some((s, k, labels));
        }
    }
    let (_, k, labels) = best.unwrap_or((0.0, 0, vec![0; data.rows()]));
    Exploration {
        method: config.method,
        k,
        curve,
        clusters: cluster_profiles(&encoder, &encoded, &labels, k, data),
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::generate;
    use crate::leads::table::{import_csv, ImportConfig};

    #[test]
    fn exploration_reports_curve_and_profiles_for_both_methods() {
        let csv = generate::leads_csv(&generate::leads(1500, 4));
        let mut config = ImportConfig::new("won");
        config.value = Some("deal_value".into());
        let data = import_csv(csv.as_bytes(), &config)
            .expect("imports")
            .dataset;
        for method in [ClusterMethod::KMeans, ClusterMethod::KPrototypes] {
            let e = explore(
                &data,
                &ExploreConfig {
                    method,
                    ks: vec![2, 3, 4],
                    silhouette_sample: 300,
                    seed: 1,
                },
            );
            assert_eq!(e.curve.len(), 3);
            assert!(e.curve.iter().any(|c| c.k == e.k));
            assert_eq!(e.clusters.len(), e.k);
            assert_eq!(e.clusters.iter().map(|c| c.size).sum::<usize>(), 1500);
            assert!(e
                .clusters
                .iter()
                .all(|c| c.distinguishing.len() == 3 && (0.0..=1.0).contains(&c.win_rate)));
        }
    }
}
