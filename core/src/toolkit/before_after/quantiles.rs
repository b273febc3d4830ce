//! Quantile summaries of durations (seconds), numpy's default linear interpolation.

use serde::{Deserialize, Serialize};

/// min, p10, p25, median, p75, p90, max and mean of a set of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantiles {
    /// How many values were summarised.
    pub count: u64,
    pub min: f64,
    pub p10: f64,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
    pub p90: f64,
    pub max: f64,
    pub mean: f64,
}

impl Quantiles {
    /// Summary of `values` (reordered in place); `None` when empty. The q-quantile of n sorted
    /// values is the value at position q·(n−1), interpolated between neighbours (numpy's
    /// `quantile(..., method="linear")`). Only the needed order statistics are selected (linear
    /// time), the values are not sorted.
    pub fn of(values: &mut [f64]) -> Option<Quantiles> {
        if values.is_empty() {
            return None;
        }
        let n = values.len();
        let mut ranks: Vec<usize> = [0.1, 0.25, 0.5, 0.75, 0.9]
            .iter()
            .flat_map(|p| {
                let pos = p * (n - 1) as f64;
                [pos.floor() as usize, (pos.floor() as usize + 1).min(n - 1)]
            })
            .chain([0, n - 1])
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        // After selecting rank k, everything left of k is <= and right of it >=, so the next
        // (larger) rank is selected within the right part only.
        let mut start = 0;
        for &k in &ranks {
            if k >= start {
                values[start..].select_nth_unstable_by(k - start, f64::total_cmp);
                start = k + 1;
            }
        }
        let q = |p: f64| {
            let pos = p * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            values[lo] + (pos - lo as f64) * (values[hi] - values[lo])
        };
        Some(Quantiles {
            count: n as u64,
            min: values[0],
            p10: q(0.1),
            p25: q(0.25),
            median: q(0.5),
            p75: q(0.75),
            p90: q(0.9),
            max: values[n - 1],
            mean: values.iter().sum::<f64>() / n as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_linear_quantiles() {
        // numpy.quantile([1, 2, 3, 4, 10], [.1, .25, .5, .75, .9]) = [1.4, 2, 3, 4, 7.6]
        let q = Quantiles::of(&mut [10.0, 1.0, 3.0, 2.0, 4.0]).expect("values");
        let got = [q.min, q.p10, q.p25, q.median, q.p75, q.p90, q.max, q.mean];
        let want = [1.0, 1.4, 2.0, 3.0, 4.0, 7.6, 10.0, 4.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{got:?}");
        }
        assert_eq!(Quantiles::of(&mut [5.0]).expect("one").p90, 5.0);
        assert_eq!(Quantiles::of(&mut []), None);
    }

    proptest::proptest! {
        #[test]
        fn selection_equals_sorting(mut v in proptest::collection::vec(-1e6f64..1e6, 1..60)) {
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let at = |p: f64| {
                let pos = p * (n - 1) as f64;
                let lo = pos.floor() as usize;
                sorted[lo] + (pos - lo as f64) * (sorted[(lo + 1).min(n - 1)] - sorted[lo])
            };
            let q = Quantiles::of(&mut v).expect("values");
            proptest::prop_assert_eq!(
                [q.min, q.p10, q.p25, q.median, q.p75, q.p90, q.max],
                [sorted[0], at(0.1), at(0.25), at(0.5), at(0.75), at(0.9), sorted[n - 1]]
            );
        }
    }
}
