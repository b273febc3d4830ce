//! The one shape every categorical result takes: `{value, count, share}` rows, count descending.

use serde::{Deserialize, Serialize};

/// One value of a distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub value: String,
    pub count: u64,
    /// `count / total`, in 0..=1 (0 when the total is 0).
    pub share: f64,
}

/// Counted values, most frequent first, ties by value, so output is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Distribution(pub Vec<Share>);

impl Distribution {
    /// Build from `(value, count)` pairs; equal values are summed, zero counts dropped.
    pub fn from_counts<S: Into<String>>(counts: impl IntoIterator<Item = (S, u64)>) -> Self {
        let mut merged: std::collections::BTreeMap<String, u64> = Default::default();
        for (v, n) in counts {
            *merged.entry(v.into()).or_default() += n;
        }
        let total: u64 = merged.values().sum();
        let mut rows: Vec<Share> = merged
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(value, count)| Share {
                value,
                count,
                share: if total == 0 {
                    0.0
                } else {
                    count as f64 / total as f64
                },
            })
            .collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        Distribution(rows)
    }

    /// Sum of counts.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|s| s.count).sum()
    }

    /// The row for `value`, if present.
    pub fn get(&self, value: &str) -> Option<&Share> {
        self.0.iter().find(|s| s.value == value)
    }

    /// The share of `value` (0 when absent).
    pub fn share_of(&self, value: &str) -> f64 {
        self.get(value).map_or(0.0, |s| s.share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_count_then_value_with_shares() {
        let d = Distribution::from_counts([("b", 2), ("a", 2), ("c", 4), ("b", 0), ("z", 0)]);
        let rows: Vec<(&str, u64, f64)> =
            d.0.iter()
                .map(|s| (s.value.as_str(), s.count, s.share))
                .collect();
        assert_eq!(rows, [("c", 4, 0.5), ("a", 2, 0.25), ("b", 2, 0.25)]);
        assert_eq!(d.total(), 8);
        assert_eq!(d.share_of("q"), 0.0);
        assert_eq!(
            serde_json::to_string(&Distribution::from_counts([("x", 1)])).expect("json"),
            r#"[{"value":"x","count":1,"share":1.0}]"#
        );
    }
}
