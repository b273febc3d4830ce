//! The statistics behind `compare`, written out so spur-core needs no numerics crate (and stays
//! small for wasm32): chi-square test of independence with Cramér's V, the two-sample
//! Kolmogorov–Smirnov test, and the Mann–Whitney U test with Cliff's delta.
//!
//! Special functions: `ln Γ` by Lanczos (g = 7, 9 terms, ~1e-15 relative), the regularized
//! upper incomplete gamma `Q(a, x)` by series / continued fraction (Numerical Recipes §6.2), which
//! gives both the chi-square survival function `Q(k/2, x/2)` and `erfc(x) = Q(1/2, x²)`, hence
//! the normal survival function. Each test is pinned to scipy 1.17 values in the unit tests.
//! `exp`, `ln` and `sin` come from the pure-Rust `libm`, not the platform's: std's float math is
//! glibc natively and a libm port on wasm32, which differ in the last bit, and a recipe replayed in
//! the browser must give exactly the p-values `spur run` prints.
//!
//! Conventions (what scipy calls them):
//! - chi-square: no Yates continuity correction (`chi2_contingency(correction=False)`);
//! - KS: the asymptotic Kolmogorov distribution at `λ = (√n + 0.12 + 0.11/√n)·D`,
//!   `n = n₁n₂/(n₁+n₂)` (Stephens' small-sample correction, as in Numerical Recipes and
//!   scipy < 1.5; `kstwobign.sf(λ)`). Modern `ks_2samp(method='asymp')` uses the exact one-sample
//!   distribution at `round(n)` instead and gives somewhat larger p-values on tiny samples;
//! - Mann–Whitney: normal approximation with tie correction and continuity correction, two-sided
//!   (`mannwhitneyu(method='asymptotic')`); `U` is A's statistic.

use libm::{exp, log, sin};

const EPS: f64 = 1e-15;
const FPMIN: f64 = 1e-300;
const MAX_ITER: usize = 10_000;

/// `ln Γ(x)` for `x > 0`.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return log(pi / sin(pi * x)) - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * log(2.0 * std::f64::consts::PI) + (x + 0.5) * log(t) - t + log(a)
}

/// Regularized upper incomplete gamma `Q(a, x) = Γ(a, x) / Γ(a)`, for `a > 0`, `x ≥ 0`.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x.is_nan() || a.is_nan() || a <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    let prefactor = exp(-x + a * log(x) - ln_gamma(a));
    if x < a + 1.0 {
        // Series for P(a, x).
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..MAX_ITER {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * EPS {
                break;
            }
        }
        (1.0 - sum * prefactor).clamp(0.0, 1.0)
    } else {
        // Continued fraction for Q(a, x), modified Lentz.
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / FPMIN;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_ITER {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < FPMIN {
                d = FPMIN;
            }
            c = b + an / c;
            if c.abs() < FPMIN {
                c = FPMIN;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < EPS {
                break;
            }
        }
        (prefactor * h).clamp(0.0, 1.0)
    }
}

/// Complementary error function.
pub fn erfc(x: f64) -> f64 {
    let q = gamma_q(0.5, x * x);
    if x >= 0.0 {
        q
    } else {
        2.0 - q
    }
}

/// `P(Z > z)` for a standard normal `Z`.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// `P(X > x)` for `X ~ χ²(dof)`.
pub fn chi2_sf(x: f64, dof: f64) -> f64 {
    gamma_q(dof / 2.0, x / 2.0)
}

/// `P(K > λ)` for the Kolmogorov distribution (scipy's `kstwobign.sf`).
pub fn kolmogorov_sf(lambda: f64) -> f64 {
    if lambda.is_nan() {
        return f64::NAN;
    }
    if lambda <= 0.0 {
        return 1.0;
    }
    if lambda < 1.0 {
        // P(K ≤ λ) = √(2π)/λ · Σ exp(-(2k-1)² π² / (8λ²)): converges fast for small λ.
        let pi = std::f64::consts::PI;
        let f = -pi * pi / (8.0 * lambda * lambda);
        let mut cdf = 0.0;
        for k in 1..=50 {
            let m = (2 * k - 1) as f64;
            let term = exp(f * m * m);
            cdf += term;
            if term < EPS * cdf {
                break;
            }
        }
        (1.0 - (2.0 * pi).sqrt() / lambda * cdf).clamp(0.0, 1.0)
    } else {
        // P(K > λ) = 2 Σ (-1)^(k-1) exp(-2k²λ²).
        let mut sum = 0.0;
        let mut sign = 1.0;
        for k in 1..=100 {
            let kf = k as f64;
            let term = exp(-2.0 * kf * kf * lambda * lambda);
            sum += sign * term;
            if term < EPS * sum.abs() {
                break;
            }
            sign = -sign;
        }
        (2.0 * sum).clamp(0.0, 1.0)
    }
}

/// Result of a chi-square test of independence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChiSquare {
    pub statistic: f64,
    pub dof: u32,
    pub p_value: f64,
    /// `√(χ² / (N · (min(rows, cols) − 1)))`, in 0..=1.
    pub cramers_v: f64,
}

/// Chi-square test of independence of a `rows × cols` table (row-major). Rows and columns whose
/// total is zero are left out; a table with fewer than two non-empty rows or columns has no
/// variation to test (statistic 0, p 1, V 0).
pub fn chi_square(table: &[u64], cols: usize) -> ChiSquare {
    let none = ChiSquare {
        statistic: 0.0,
        dof: 0,
        p_value: 1.0,
        cramers_v: 0.0,
    };
    if cols == 0 || !table.len().is_multiple_of(cols) {
        return none;
    }
    let rows = table.len() / cols;
    let row_tot: Vec<f64> = (0..rows)
        .map(|r| table[r * cols..(r + 1) * cols].iter().sum::<u64>() as f64)
        .collect();
    let col_tot: Vec<f64> = (0..cols)
        .map(|c| (0..rows).map(|r| table[r * cols + c]).sum::<u64>() as f64)
        .collect();
    let total: f64 = row_tot.iter().sum();
    let live_rows = row_tot.iter().filter(|&&t| t > 0.0).count();
    let live_cols = col_tot.iter().filter(|&&t| t > 0.0).count();
    if live_rows < 2 || live_cols < 2 {
        return none;
    }
    let mut statistic = 0.0;
    for (r, &rt) in row_tot.iter().enumerate() {
        for (c, &ct) in col_tot.iter().enumerate() {
            if rt > 0.0 && ct > 0.0 {
                let expected = rt * ct / total;
                let d = table[r * cols + c] as f64 - expected;
                statistic += d * d / expected;
            }
        }
    }
    let dof = ((live_rows - 1) * (live_cols - 1)) as u32;
    let k = live_rows.min(live_cols) as f64 - 1.0;
    ChiSquare {
        statistic,
        dof,
        p_value: chi2_sf(statistic, dof as f64),
        cramers_v: (statistic / (total * k)).sqrt().min(1.0),
    }
}

/// Two-sample tests of two **sorted** samples (no NaN).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoSample {
    /// Kolmogorov–Smirnov D: the largest distance between the two empirical CDFs.
    pub ks_d: f64,
    pub ks_p: f64,
    /// Mann–Whitney U of the first sample (pairs a > b, ties counted ½).
    pub mw_u: f64,
    pub mw_p: f64,
    /// Cliff's delta `P(a > b) − P(a < b)` = rank-biserial correlation `2U/(n₁n₂) − 1`.
    pub cliffs_delta: f64,
}

/// KS and Mann–Whitney on sorted samples in one merge pass (ranks, ties and CDFs together).
/// Either sample empty: no test (D 0, p 1, δ 0).
pub fn two_sample(a: &[f64], b: &[f64]) -> TwoSample {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return TwoSample {
            ks_d: 0.0,
            ks_p: 1.0,
            mw_u: 0.0,
            mw_p: 1.0,
            cliffs_delta: 0.0,
        };
    }
    let (mut i, mut j) = (0usize, 0usize);
    let mut d: f64 = 0.0;
    let mut rank_sum_a = 0.0;
    let mut ties = 0.0; // Σ (t³ − t)
    let mut seen = 0usize; // values ranked so far
    while i < n1 || j < n2 {
        let v = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        let (i0, j0) = (i, j);
        while i < n1 && a[i] == v {
            i += 1;
        }
        while j < n2 && b[j] == v {
            j += 1;
        }
        let t = (i - i0 + j - j0) as f64;
        let mid_rank = seen as f64 + (t + 1.0) / 2.0;
        rank_sum_a += (i - i0) as f64 * mid_rank;
        ties += t * t * t - t;
        seen += (i - i0) + (j - j0);
        d = d.max((i as f64 / n1 as f64 - j as f64 / n2 as f64).abs());
    }
    let (f1, f2) = (n1 as f64, n2 as f64);
    let en = f1 * f2 / (f1 + f2);
    let lambda = (en.sqrt() + 0.12 + 0.11 / en.sqrt()) * d;
    let u1 = rank_sum_a - f1 * (f1 + 1.0) / 2.0;
    let n = f1 + f2;
    let mu = f1 * f2 / 2.0;
    let sigma = (f1 * f2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)))).sqrt();
    let u = u1.max(f1 * f2 - u1);
    let mw_p = if sigma > 0.0 {
        (2.0 * normal_sf((u - mu - 0.5) / sigma)).clamp(0.0, 1.0)
    } else {
        1.0
    };
    TwoSample {
        ks_d: d,
        ks_p: kolmogorov_sf(lambda),
        mw_u: u1,
        mw_p,
        cliffs_delta: 2.0 * u1 / (f1 * f2) - 1.0,
    }
}

/// Quantile `q` (0..=1) of a sorted, non-empty sample, linear interpolation (numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    match sorted.get(lo + 1) {
        Some(&hi) => sorted[lo] + (hi - sorted[lo]) * (pos - lo as f64),
        None => last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative closeness for reference values.
    fn assert_close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs().max(1e-300),
            "got {got:e}, want {want:e}"
        );
    }

    #[test]
    fn special_functions_match_scipy() {
        // scipy.stats.chi2.sf / scipy.special.erfc / scipy.stats.norm.sf / kstwobign.sf
        let cases = [
            (chi2_sf(3.84, 1.0), 0.050_043_521_248_705_19),
            (chi2_sf(10.0, 3.0), 0.018_566_135_463_043_25),
            (chi2_sf(0.5, 2.0), 0.778_800_783_071_404_9),
            (chi2_sf(100.0, 20.0), 1.259_608_459_166_084_7e-12),
            (chi2_sf(1e-3, 7.0), 0.999_999_999_999_759_7),
            (erfc(0.5), 0.479_500_122_186_953_5),
            (erfc(-1.2), 1.910_313_978_229_635_4),
            (erfc(3.0), 2.209_049_699_858_544_5e-5),
            (normal_sf(1.96), 0.024_997_895_148_220_435),
            (normal_sf(-0.3), 0.617_911_422_188_952_6),
            (kolmogorov_sf(0.2), 0.999_999_999_999_495),
            (kolmogorov_sf(0.5), 0.963_945_243_664_875_1),
            (kolmogorov_sf(1.0), 0.269_999_671_677_354_56),
            (kolmogorov_sf(1.36), 0.049_485_876_755_377_876),
            (kolmogorov_sf(2.5), 7.453_306_344_157_342e-6),
        ];
        for (got, want) in cases {
            assert_close(got, want, 1e-9);
        }
        assert_eq!(chi2_sf(0.0, 3.0), 1.0);
        assert_eq!(kolmogorov_sf(0.0), 1.0);
        assert!(gamma_q(-1.0, 1.0).is_nan());
    }

    #[test]
    fn contingency_tables_match_scipy() {
        // scipy.stats.chi2_contingency(t, correction=False)
        let t = chi_square(&[10, 20, 30, 20, 15, 5], 3);
        assert_close(t.statistic, 18.650_793_650_793_652, 1e-12);
        assert_close(t.p_value, 8.913_158_246_593_224e-5, 1e-9);
        assert_eq!(t.dof, 2);
        assert_close(
            t.cramers_v,
            (18.650_793_650_793_652f64 / 100.0).sqrt(),
            1e-12,
        );
        let t = chi_square(&[12, 5, 3, 9], 2);
        assert_close(t.statistic, 5.854_831_932_773_11, 1e-12);
        assert_close(t.p_value, 0.015_534_341_414_683_461, 1e-9);
        // Empty columns are left out; one live column is no test.
        let t = chi_square(&[12, 0, 5, 3, 0, 9], 3);
        assert_close(t.statistic, 5.854_831_932_773_11, 1e-12);
        assert_eq!(t.dof, 1);
        assert_eq!(chi_square(&[4, 0, 7, 0], 2).p_value, 1.0);
        assert_eq!(chi_square(&[], 0).dof, 0);
    }

    #[test]
    fn two_sample_tests_match_scipy() {
        let mut x = [1.2, 3.4, 2.2, 5.0, 4.1, 3.3, 2.9, 6.0, 1.1, 3.4];
        let mut y = [2.5, 4.4, 5.1, 6.3, 3.4, 7.0, 5.5, 4.9];
        x.sort_by(f64::total_cmp);
        y.sort_by(f64::total_cmp);
        let t = two_sample(&x, &y);
        // ks_2samp(x, y).statistic; kstwobign.sf((√en + 0.12 + 0.11/√en)·D)
        assert_close(t.ks_d, 0.55, 1e-12);
        assert_close(t.ks_p, 0.086_038_094_798_419_05, 1e-9);
        // mannwhitneyu(x, y, method='asymptotic')
        assert_eq!(t.mw_u, 17.0);
        assert_close(t.mw_p, 0.045_143_322_126_782_95, 1e-9);
        assert_close(t.cliffs_delta, 2.0 * 17.0 / 80.0 - 1.0, 1e-12);
        // Ties: mannwhitneyu's tie correction.
        let x = [
            1., 1., 2., 2., 2., 3., 3., 4., 5., 5., 5., 5., 6., 7., 7., 8.,
        ];
        let y = [
            2., 3., 3., 3., 4., 4., 5., 6., 6., 6., 7., 8., 8., 9., 9., 9., 10., 10.,
        ];
        let t = two_sample(&x, &y);
        assert_eq!(t.mw_u, 79.0);
        assert_close(t.mw_p, 0.025_166_191_361_127_153, 1e-9);
        assert_close(t.ks_d, 0.361_111_111_111_111_1, 1e-12);
        assert_close(t.ks_p, 0.171_584_821_135_095_38, 1e-9);
        // Larger samples: the corrected asymptotic p agrees with ks_2samp(method='asymp') too.
        let mut a: Vec<f64> = (0..400).map(|i| ((i * 37) % 101) as f64 / 10.0).collect();
        let mut b: Vec<f64> = (0..500)
            .map(|i| ((i * 53) % 97) as f64 / 9.0 + 0.3)
            .collect();
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        let t = two_sample(&a, &b);
        assert_close(t.ks_d, 0.092, 1e-9);
        assert_close(t.ks_p, 0.043_577_983_579_643_854, 1e-9);
        assert_close(t.ks_p, 0.043_732_697_836_520_45, 1e-2);
        assert_eq!(t.mw_u, 88581.0);
        assert_close(t.mw_p, 0.003_212_266_990_931_924_7, 1e-9);
        let same = two_sample(&[1.0, 1.0], &[1.0]);
        assert_eq!((same.ks_d, same.mw_p, same.cliffs_delta), (0.0, 1.0, 0.0));
        assert_eq!(two_sample(&[], &[1.0]).ks_p, 1.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert!((quantile(&[1.0, 2.0, 3.0, 4.0], 0.9) - 3.7).abs() < 1e-12);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
