//! Stage-adjusted comparison of one feature: does a bucket still separate won from lost leads
//! among leads that reached the same funnel stage?
//!
//! For a feature with buckets and a stratum per lead (the furthest stage it reached), each
//! tested bucket (and each pooled group given, such as Sat–Sun) is compared with the rest of
//! the tested leads in a 2 × 2 table per stratum
//! (bucket / rest × won / lost). The Cochran–Mantel–Haenszel test (with continuity correction)
//! pools the strata, the Mantel–Haenszel common odds ratio is the adjusted effect, and the
//! win rates are standardised to the strata's sizes. A stratum with only won or only lost
//! leads, or with leads in only one group, carries no information and is left out of the
//! rates (it adds nothing to the test either). The p-value is Bonferroni-corrected over the
//! comparisons (one for two buckets, plus the groups). The bucket reported is the one with the
//! largest |ln odds ratio| among the significant ones with at least `min_bucket` leads on
//! either side, else the one of smallest p.
//!
//! `verdict` then says whether the feature is an action (it separates won from lost within
//! stages), a stage effect (only raw), or makes no difference.

use super::ActivityOptions;
use crate::toolkit::compare::stats_tests::chi2_sf;
use serde::{Deserialize, Serialize};

/// What a feature says once the funnel stage is taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Separates won from lost leads among leads at the same stage: something to act on.
    Action,
    /// Separates won from lost leads only through how far they got (or is a milestone's
    /// presence or count): a stage effect, not ranked as an action.
    Stage,
    /// Makes no (or negligible) difference.
    NoDifference,
    /// Fewer than two tested buckets have leads, or one holds nearly all.
    Constant,
}

/// What [`verdict`] needs to know of a feature besides its adjusted comparison.
pub(super) struct Flags {
    pub constant: bool,
    /// The raw chi-square flags it informative.
    pub informative: bool,
    /// A milestone's presence or count: a stage effect whatever the numbers.
    pub stage_by_definition: bool,
    /// The leads fall into more than one stratum (there are stages).
    pub stratified: bool,
}

/// Action when the adjusted comparison is significant and its odds ratio at least
/// `min_odds_ratio` from 1 (without stages: also when the raw test separates); stage when only
/// the raw test separates; else no difference (or constant).
pub(super) fn verdict(adjusted: Option<&Adjusted>, f: Flags, opts: &ActivityOptions) -> Verdict {
    let acts_on = adjusted.is_some_and(|a| {
        a.p_value < opts.alpha && a.odds_ratio.ln().abs() >= opts.min_odds_ratio.ln()
    });
    if f.constant {
        Verdict::Constant
    } else if f.stage_by_definition {
        if f.informative {
            Verdict::Stage
        } else {
            Verdict::NoDifference
        }
    } else if acts_on || (!f.stratified && f.informative) {
        Verdict::Action
    } else if f.informative {
        Verdict::Stage
    } else {
        Verdict::NoDifference
    }
}

/// The stage-adjusted comparison of one bucket with the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjusted {
    /// The bucket compared with the rest of the tested leads.
    pub bucket: String,
    /// Mantel–Haenszel common odds ratio of being won, bucket vs rest (Haldane's 0.5 added to
    /// every cell when a sum is zero, so it stays finite).
    pub odds_ratio: f64,
    /// CMH statistic (1 dof) and its p-value, Bonferroni-corrected over `comparisons`.
    pub chi_square: f64,
    pub p_value: f64,
    pub comparisons: u32,
    /// Win rates of the bucket and the rest, standardised to the sizes of the strata used.
    pub rate_bucket: f64,
    pub rate_rest: f64,
    /// Leads in the bucket and in the rest, within the strata used.
    pub leads_bucket: u64,
    pub leads_rest: u64,
    /// The strata that carry information (both outcomes, both groups), by name.
    pub strata: Vec<String>,
}

/// Leads and wins per stratum × bucket.
pub(super) struct Counts {
    pub strata: usize,
    pub buckets: usize,
    /// `[stratum * buckets + bucket]`.
    pub leads: Vec<u64>,
    pub won: Vec<u64>,
}

impl Counts {
    pub fn new(strata: usize, buckets: usize) -> Counts {
        Counts {
            strata,
            buckets,
            leads: vec![0; strata * buckets],
            won: vec![0; strata * buckets],
        }
    }

    pub fn add(&mut self, stratum: usize, bucket: usize, won: bool) {
        let i = stratum * self.buckets + bucket;
        if let (Some(l), Some(w)) = (self.leads.get_mut(i), self.won.get_mut(i)) {
            *l += 1;
            *w += u64::from(won);
        }
    }
}

/// Compare every bucket in `tested` (indices into the buckets of `counts`, labelled by
/// `labels`) with the rest of `tested`; `stratum_names[s]` names stratum `s`.
pub(super) fn adjust(
    counts: &Counts,
    tested: &[usize],
    labels: &[String],
    groups: &[(String, Vec<usize>)],
    stratum_names: &[String],
    min_bucket: u64,
    alpha: f64,
) -> Option<Adjusted> {
    if tested.len() < 2 {
        return None;
    }
    // Each bucket (one of two suffices: the other is its rest), then the pooled groups.
    let singles = if tested.len() == 2 {
        &tested[..1]
    } else {
        tested
    };
    let mut candidates: Vec<(String, Vec<usize>)> = singles
        .iter()
        .filter_map(|&b| Some((labels.get(b)?.clone(), vec![b])))
        .collect();
    candidates.extend(groups.iter().cloned());
    let comparisons = candidates.len() as u32;
    let all: Vec<Adjusted> = candidates
        .iter()
        .filter_map(|(label, group)| one(counts, group, tested, label, stratum_names, comparisons))
        .filter(|a| a.leads_bucket >= min_bucket && a.leads_rest >= min_bucket)
        .collect();
    let strength = |a: &Adjusted| a.odds_ratio.ln().abs();
    let significant = all
        .iter()
        .filter(|a| a.p_value < alpha)
        .max_by(|x, y| strength(x).total_cmp(&strength(y)));
    significant
        .or_else(|| all.iter().min_by(|x, y| x.p_value.total_cmp(&y.p_value)))
        .cloned()
}

/// The buckets of `group` vs the rest of `tested`.
fn one(
    counts: &Counts,
    group: &[usize],
    tested: &[usize],
    label: &str,
    stratum_names: &[String],
    comparisons: u32,
) -> Option<Adjusted> {
    // Per stratum: a = won in the group, bb = lost in it, c = won in the rest, d = lost in it.
    let mut tables = Vec::new();
    for s in 0..counts.strata {
        let at = |k: usize| {
            let i = s * counts.buckets + k;
            (counts.leads[i], counts.won[i])
        };
        let (mut lb, mut wb, mut lr, mut wr) = (0, 0, 0, 0);
        for &k in tested {
            let (l, w) = at(k);
            if group.contains(&k) {
                lb += l;
                wb += w;
            } else {
                lr += l;
                wr += w;
            }
        }
        let (a, bb, c, d) = (wb, lb - wb, wr, lr - wr);
        let informative = lb > 0 && lr > 0 && a + c > 0 && bb + d > 0;
        if informative {
            tables.push((s, [a as f64, bb as f64, c as f64, d as f64]));
        }
    }
    if tables.is_empty() {
        return None;
    }
    let or_sums = |h: f64| {
        tables.iter().fold((0.0, 0.0), |(num, den), (_, t)| {
            let [a, b, c, d] = t.map(|x| x + h);
            let n = a + b + c + d;
            (num + a * d / n, den + b * c / n)
        })
    };
    let (num, den) = or_sums(0.0);
    let odds_ratio = if num > 0.0 && den > 0.0 {
        num / den
    } else {
        let (num, den) = or_sums(0.5);
        num / den
    };
    let (mut sum_a, mut sum_e, mut var) = (0.0, 0.0, 0.0);
    let (mut weight, mut rate_b, mut rate_r, mut leads_b, mut leads_r) = (0.0, 0.0, 0.0, 0, 0);
    for (_, [a, b, c, d]) in &tables {
        let n = a + b + c + d;
        sum_a += a;
        sum_e += (a + b) * (a + c) / n;
        if n > 1.0 {
            var += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1.0));
        }
        weight += n;
        rate_b += n * a / (a + b);
        rate_r += n * c / (c + d);
        leads_b += (a + b) as u64;
        leads_r += (c + d) as u64;
    }
    let chi_square = if var > 0.0 {
        ((sum_a - sum_e).abs() - 0.5).max(0.0).powi(2) / var
    } else {
        0.0
    };
    let p = if var > 0.0 {
        chi2_sf(chi_square, 1.0)
    } else {
        1.0
    };
    Some(Adjusted {
        bucket: label.to_string(),
        odds_ratio,
        chi_square,
        p_value: (p * f64::from(comparisons)).min(1.0),
        comparisons,
        rate_bucket: rate_b / weight,
        rate_rest: rate_r / weight,
        leads_bucket: leads_b,
        leads_rest: leads_r,
        strata: tables
            .iter()
            .filter_map(|(s, _)| stratum_names.get(*s).cloned())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two strata with the same odds ratio 4 but different base rates: pooled naively the
    /// effect would mix with the stratum; Mantel–Haenszel gives exactly 4.
    #[test]
    fn mantel_haenszel_recovers_a_common_odds_ratio() {
        let mut c = Counts::new(3, 2);
        let mut put = |s: usize, b: usize, won: u64, lost: u64| {
            for _ in 0..won {
                c.add(s, b, true);
            }
            for _ in 0..lost {
                c.add(s, b, false);
            }
        };
        put(0, 0, 80, 20); // odds 4
        put(0, 1, 50, 50); // odds 1
        put(1, 0, 40, 60); // odds 2/3
        put(1, 1, 14, 84); // odds 1/6
        put(2, 0, 0, 30); // no won lead: no information
        put(2, 1, 0, 70);
        let labels = vec!["fast".to_string(), "slow".to_string()];
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let a = adjust(&c, &[0, 1], &labels, &[], &names, 30, 0.05).expect("comparable");
        assert_eq!(a.bucket, "fast");
        assert!((a.odds_ratio - 4.0).abs() < 0.02, "{}", a.odds_ratio);
        assert!(a.p_value < 1e-6 && a.comparisons == 1);
        assert_eq!(a.strata, ["a", "b"]);
        assert_eq!((a.leads_bucket, a.leads_rest), (200, 198));
        // Standardised: (100·0.8 + 100·0.4 … weighted by 200 and 198 leads.
        let want = (200.0 * 0.8 + 198.0 * 0.4) / 398.0;
        assert!((a.rate_bucket - want).abs() < 1e-12);
        // No effect within strata: not significant.
        let mut c = Counts::new(2, 2);
        for (s, b, won, n) in [
            (0, 0, 30, 100),
            (0, 1, 30, 100),
            (1, 0, 5, 100),
            (1, 1, 5, 100),
        ] {
            for i in 0..n {
                c.add(s, b, i < won);
            }
        }
        let a = adjust(&c, &[0, 1], &labels, &[], &names, 30, 0.05).expect("comparable");
        assert!(a.p_value > 0.5 && (a.odds_ratio - 1.0).abs() < 1e-9);
    }
}
