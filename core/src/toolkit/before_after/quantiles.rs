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
    /// Summary of `values` (sorted in place); `None` when empty. The q-quantile of n sorted
    /// values is the value at position q·(n−1), interpolated between neighbours (numpy's
    /// `quantile(..., method="linear")`).
    pub fn of(values: &mut [f64]) -> Option<Quantiles> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
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
}
