//! L2-regularised logistic regression fitted by Newton's method (IRLS, with step halving when
//! a full step would raise the loss), the stronger scorer blended with the segments.
//!
//! Small and dense on purpose: lead features are tens of columns, so the `d × d` Hessian and a
//! Cholesky solve are cheap and the fit is deterministic (no learning rate, no shuffling). The
//! intercept is not penalised. smartcore's logistic regression was not used: this is ~80 lines,
//! has no dependency, and exposes the coefficients the reasons are built from.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Logistic {
    pub intercept: f64,
    pub weights: Vec<f64>,
}

impl Logistic {
    /// Log-odds for one encoded row (missing trailing values count as 0).
    pub fn logit(&self, x: &[f64]) -> f64 {
        self.intercept + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

/// Fit on a row-major matrix `x` (`y.len()` rows × `dims`) with penalty `l2 · ‖w‖² / 2`.
pub fn fit(x: &[f64], dims: usize, y: &[bool], l2: f64, iterations: usize) -> Logistic {
    let n = y.len();
    let d = dims + 1; // intercept last
    let mut beta = vec![0f64; d];
    let rate = y.iter().filter(|&&v| v).count() as f64 / n.max(1) as f64;
    beta[dims] = logit(rate);
    let row = |i: usize| &x[i * dims..(i + 1) * dims];
    // Negative log-likelihood plus the penalty, computed stably from the log-odds.
    let loss = |beta: &[f64]| -> f64 {
        let mut total = 0.5 * l2 * beta[..dims].iter().map(|b| b * b).sum::<f64>();
        for (i, &yi) in y.iter().enumerate() {
            let z = beta[dims] + row(i).iter().zip(beta).map(|(a, b)| a * b).sum::<f64>();
            // -log p(y | z) = softplus(z) - y z
            let softplus = z.max(0.0) + (-z.abs()).exp().ln_1p();
            total += softplus - if yi { z } else { 0.0 };
        }
        total
    };
    for _ in 0..iterations {
        let mut grad = vec![0f64; d];
        let mut hess = vec![0f64; d * d];
        for (i, &yi) in y.iter().enumerate() {
            let xi = row(i);
            let z = beta[dims] + xi.iter().zip(&beta).map(|(a, b)| a * b).sum::<f64>();
            let p = sigmoid(z);
            let r = p - yi as u8 as f64;
            let w = (p * (1.0 - p)).max(1e-9);
            for a in 0..d {
                let xa = if a == dims { 1.0 } else { xi[a] };
                if xa == 0.0 {
                    continue;
                }
                grad[a] += r * xa;
                let wa = w * xa;
                for b in 0..=a {
                    let xb = if b == dims { 1.0 } else { xi[b] };
                    hess[a * d + b] += wa * xb;
                }
            }
        }
        for a in 0..dims {
            grad[a] += l2 * beta[a];
            hess[a * d + a] += l2;
        }
        hess[dims * d + dims] += 1e-9;
        for a in 0..d {
            for b in 0..a {
                hess[b * d + a] = hess[a * d + b];
            }
        }
        let Some(step) = cholesky_solve(&hess, &grad, d) else {
            break;
        };
        // Damped Newton: halve the step until the penalised loss does not rise, so that nearly
        // separable data (a column that almost decides the outcome) cannot overshoot to
        // infinite weights; a full step is taken whenever it helps, as plain Newton would.
        let current = loss(&beta);
        let mut scale = 1.0;
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - s).collect();
        for _ in 0..30 {
            let l = loss(&next);
            if l.is_finite() && l <= current + 1e-12 * current.abs().max(1.0) {
                break;
            }
            scale /= 2.0;
            next = beta.iter().zip(&step).map(|(b, s)| b - scale * s).collect();
        }
        let change = step.iter().fold(0f64, |m, s| m.max((scale * s).abs()));
        if !next.iter().all(|b| b.is_finite()) {
            break;
        }
        beta = next;
        if change < 1e-7 {
            break;
        }
    }
    Logistic {
        intercept: beta[dims],
        weights: beta[..dims].to_vec(),
    }
}

/// Solve `A v = b` for symmetric positive definite `A` (`d × d`); `None` if not SPD.
fn cholesky_solve(a: &[f64], b: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = vec![0f64; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    let mut y = vec![0f64; d];
    for i in 0..d {
        let s = b[i] - (0..i).map(|k| l[i * d + k] * y[k]).sum::<f64>();
        y[i] = s / l[i * d + i];
    }
    let mut v = vec![0f64; d];
    for i in (0..d).rev() {
        let s = y[i] - (i + 1..d).map(|k| l[k * d + i] * v[k]).sum::<f64>();
        v[i] = s / l[i * d + i];
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::rng::Rng;

    #[test]
    fn recovers_planted_coefficients() {
        let mut rng = Rng::new(11);
        let (n, dims) = (20_000, 3);
        let truth = [1.5, -0.8, 0.0];
        let mut x = Vec::with_capacity(n * dims);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let row: Vec<f64> = (0..dims).map(|_| rng.normal()).collect();
            let z = -0.5 + row.iter().zip(&truth).map(|(a, b)| a * b).sum::<f64>();
            y.push(rng.chance(sigmoid(z)));
            x.extend(row);
        }
        let m = fit(&x, dims, &y, 1.0, 25);
        assert!((m.intercept + 0.5).abs() < 0.06, "{m:?}");
        for (w, t) in m.weights.iter().zip(truth) {
            assert!((w - t).abs() < 0.08, "{m:?}");
        }
    }

    #[test]
    fn nearly_separable_data_does_not_overshoot() {
        // One input decides 95 % of the outcomes: plain Newton from the base rate overshot to
        // weights that predicted 0 for every row.
        let mut rng = Rng::new(5);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for i in 0..4000 {
            let won = i % 12 == 0;
            let flag = won != rng.chance(0.05);
            x.extend([flag as u8 as f64, if flag { 3.0 } else { -4.6 }]);
            y.push(won);
        }
        let m = fit(&x, 2, &y, 1.0, 12);
        let p_flag = sigmoid(m.logit(&[1.0, 3.0]));
        let p_not = sigmoid(m.logit(&[0.0, -4.6]));
        assert!(p_flag > 0.3 && p_not < 0.05, "{m:?}: {p_flag} {p_not}");
    }
}
