//! Ranking quality on held-out leads: ROC AUC, lift and win rate in the top share, calibration.
//!
//! Pure functions of (scores, outcomes). Ties in scores are handled exactly: AUC uses average
//! ranks, and the top-share figures take tied rows in a fixed (input) order after a stable sort.

use serde::{Deserialize, Serialize};

/// Area under the ROC curve (0.5 when one class is absent).
pub fn auc(scores: &[f64], outcome: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len().min(outcome.len())).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut pos) = (0f64, 0f64);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if outcome[k] {
                rank_sum += avg;
                pos += 1.0;
            }
        }
        i = j + 1;
    }
    let neg = idx.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return 0.5;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Win rate among the top `share` (0..1] of rows by score.
pub fn win_rate_at(scores: &[f64], outcome: &[bool], share: f64) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len().min(outcome.len())).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let top = ((idx.len() as f64 * share).ceil() as usize).clamp(1.min(idx.len()), idx.len());
    if top == 0 {
        return 0.0;
    }
    idx[..top].iter().filter(|&&i| outcome[i]).count() as f64 / top as f64
}

/// Win rate in the top `share` divided by the overall win rate (1 = no better than random).
pub fn lift_at(scores: &[f64], outcome: &[bool], share: f64) -> f64 {
    let base = outcome.iter().filter(|&&w| w).count() as f64 / outcome.len().max(1) as f64;
    if base == 0.0 {
        return 0.0;
    }
    win_rate_at(scores, outcome, share) / base
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub rows: usize,
    pub mean_predicted: f64,
    pub observed: f64,
}

/// Rows sorted by predicted probability and cut into `bins` equal-count bins.
pub fn calibration(predicted: &[f64], outcome: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let mut idx: Vec<usize> = (0..predicted.len().min(outcome.len())).collect();
    idx.sort_by(|&a, &b| predicted[a].total_cmp(&predicted[b]));
    let bins = bins.clamp(1, idx.len().max(1));
    (0..bins)
        .map(|b| {
            let part = &idx[b * idx.len() / bins..(b + 1) * idx.len() / bins];
            let n = part.len().max(1) as f64;
            CalibrationBin {
                rows: part.len(),
                mean_predicted: part.iter().map(|&i| predicted[i]).sum::<f64>() / n,
                observed: part.iter().filter(|&&i| outcome[i]).count() as f64 / n,
            }
        })
        .filter(|b| b.rows > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let s = [0.1, 0.4, 0.35, 0.8];
        let y = [false, false, true, true];
        assert!((auc(&s, &y) - 0.75).abs() < 1e-12);
        assert_eq!(auc(&[0.5; 4], &y), 0.5);
        assert_eq!(auc(&s, &[true; 4]), 0.5);
        assert_eq!(win_rate_at(&s, &y, 0.25), 1.0);
        assert_eq!(lift_at(&s, &y, 0.5), 1.0);
        let cal = calibration(&s, &y, 2);
        assert_eq!(cal.len(), 2);
        assert_eq!(
            (cal[0].rows, cal[0].observed, cal[1].observed),
            (2, 0.5, 0.5)
        );
        assert!((cal[1].mean_predicted - 0.6).abs() < 1e-12);
        assert!(calibration(&[], &[], 10).is_empty());
        assert_eq!(win_rate_at(&[], &[], 0.1), 0.0);
    }
}
