//! One activity's feature tables: bucket the analysed leads (by presence, count, timing, weekday,
//! hour or attribute value), test won × bucket, and attach the stage-adjusted comparison and
//! the verdict. [`super::features`] decides which features an activity gets.

use super::{Bucket, FeatureEffect, FeatureKind, NumericTest, Strata, NONE};
use crate::leads::activities::adjust::{adjust, verdict, Counts, Flags};
use crate::leads::activities::timing::{chosen_cuts, time_bucket, time_labels};
use crate::leads::activities::ActivityOptions;
use crate::toolkit::compare::stats_tests::{chi_square, quantile, two_sample};

/// Pooled groups a feature's stage-adjusted comparison also tries: Mon–Thu and Sat–Sun for a
/// weekday.
fn pooled(kind: &FeatureKind, labels: &[String]) -> Vec<(String, Vec<usize>)> {
    if *kind != FeatureKind::WeekdayOfFirst {
        return Vec::new();
    }
    let of = |days: &[&str]| -> Vec<usize> {
        (0..labels.len())
            .filter(|&i| days.contains(&labels[i].as_str()))
            .collect()
    };
    vec![
        ("Mon–Thu".to_string(), of(&["Mon", "Tue", "Wed", "Thu"])),
        ("Sat–Sun".to_string(), of(&["Sat", "Sun"])),
    ]
}

pub(super) fn bucket(label: String, leads: u64, won: u64, tested: bool) -> Bucket {
    Bucket {
        label,
        leads,
        won,
        win_rate: if leads == 0 {
            0.0
        } else {
            won as f64 / leads as f64
        },
        tested,
    }
}

/// What every feature of one activity shares.
pub(super) struct Feature<'a> {
    pub(super) act: &'a str,
    pub(super) won: &'a [bool],
    pub(super) opts: &'a ActivityOptions,
    pub(super) strata: &'a Strata<'a>,
    /// The activity is a funnel milestone: its presence and count are stage effects.
    pub(super) milestone: bool,
}

impl Feature<'_> {
    /// A time feature of the leads with the activity (`count > 0`): `hours(case)` bucketed at
    /// the given cut points, or at cut points chosen from the values; `None` when the values
    /// do not spread into two buckets.
    pub(super) fn time(
        &self,
        name: String,
        kind: FeatureKind,
        count: &[u32],
        hours: impl Fn(usize) -> Option<f64>,
    ) -> Option<FeatureEffect> {
        let cuts = if self.opts.time_cuts_hours.is_empty() {
            let mut values: Vec<f64> = (0..count.len())
                .filter(|&c| count[c] > 0)
                .filter_map(&hours)
                .filter(|h| h.is_finite())
                .collect();
            values.sort_unstable_by(f64::total_cmp);
            chosen_cuts(&values)
        } else {
            self.opts.time_cuts_hours.clone()
        };
        if cuts.is_empty() {
            return None;
        }
        let mut names = time_labels(&cuts);
        names.push(NONE.to_string());
        let none = cuts.len() + 1;
        let numeric = self.numeric(|c| hours(c).filter(|_| count[c] > 0));
        let mut f = self.table(
            name,
            kind,
            names,
            |c| match count[c] {
                0 => Some(none),
                _ => hours(c).map(|h| time_bucket(&cuts, h)),
            },
            Some(numeric),
        );
        f.cuts_hours = cuts;
        Some(f)
    }

    /// Tally `code(case)` (a bucket of `names`, `None`: the case is not counted) and test it.
    /// The bucket named [`NONE`] is shown but not tested.
    pub(super) fn table(
        &self,
        name: String,
        kind: FeatureKind,
        names: Vec<String>,
        code: impl Fn(usize) -> Option<usize>,
        numeric: Option<NumericTest>,
    ) -> FeatureEffect {
        let k = names.len();
        let (mut leads, mut won) = (vec![0u64; k], vec![0u64; k]);
        let mut strat = Counts::new(self.strata.names.len().max(1), k);
        for (c, &w) in self.won.iter().enumerate() {
            if let Some(b) = code(c).filter(|&b| b < k) {
                leads[b] += 1;
                won[b] += u64::from(w);
                strat.add(self.strata.of.get(c).copied().unwrap_or(0), b, w);
            }
        }
        let tested_codes: Vec<usize> = (0..k)
            .filter(|&b| leads[b] > 0 && names[b] != NONE)
            .collect();
        let all_labels = names.clone();
        let buckets: Vec<Bucket> = names
            .into_iter()
            .enumerate()
            .filter(|&(b, _)| leads[b] > 0)
            .map(|(b, label)| {
                let tested = label != NONE;
                bucket(label, leads[b], won[b], tested)
            })
            .collect();
        let tested: Vec<&Bucket> = buckets.iter().filter(|b| b.tested).collect();
        let table: Vec<u64> = tested
            .iter()
            .flat_map(|b| [b.won, b.leads - b.won])
            .collect();
        let test = chi_square(&table, 2);
        let total: u64 = tested.iter().map(|b| b.leads).sum();
        let largest = tested.iter().map(|b| b.leads).max().unwrap_or(0);
        let opts = self.opts;
        let constant = tested.len() < 2 || largest as f64 >= opts.constant_share * total as f64;
        let no_difference = test.cramers_v < opts.min_effect || test.p_value >= opts.alpha;
        let eligible: Vec<&&Bucket> = tested
            .iter()
            .filter(|b| b.leads >= opts.min_bucket)
            .collect();
        let pick = |better: fn(f64, f64) -> bool| {
            let mut best: Option<&Bucket> = None;
            for b in &eligible {
                if best.is_none_or(|x| better(b.win_rate, x.win_rate)) {
                    best = Some(b);
                }
            }
            best
        };
        let (best, worst) = match (pick(|a, b| a > b), pick(|a, b| a < b)) {
            (Some(b), Some(w)) if eligible.len() >= 2 => (Some(b), Some(w)),
            _ => (None, None),
        };
        let informative = !constant && !no_difference;
        let adjusted = if constant {
            None
        } else {
            adjust(
                &strat,
                &tested_codes,
                &all_labels,
                &pooled(&kind, &all_labels),
                self.strata.names,
                opts.min_bucket,
                opts.alpha,
            )
        };
        let presence = matches!(kind, FeatureKind::Has | FeatureKind::Count);
        let verdict = verdict(
            adjusted.as_ref(),
            Flags {
                constant,
                informative,
                stage_by_definition: self.milestone && presence,
                stratified: self.strata.names.len() > 1,
            },
            opts,
        );
        FeatureEffect {
            adjusted,
            verdict,
            milestone: self.milestone,
            cuts_hours: Vec::new(),
            name,
            activity: self.act.to_string(),
            kind,
            leads: total,
            chi_square: test.statistic,
            dof: test.dof,
            p_value: test.p_value,
            effect: test.cramers_v,
            numeric,
            informative,
            constant,
            no_difference,
            best: best.map(|b| b.label.clone()),
            worst: worst.map(|b| b.label.clone()),
            rate_ratio: best
                .zip(worst)
                .filter(|(_, w)| w.win_rate > 0.0)
                .map(|(b, w)| b.win_rate / w.win_rate),
            day_groups: Vec::new(),
            buckets,
        }
    }

    /// Won vs lost samples of `value(case)`.
    pub(super) fn numeric(&self, value: impl Fn(usize) -> Option<f64>) -> NumericTest {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (c, &w) in self.won.iter().enumerate() {
            if let Some(v) = value(c).filter(|v| v.is_finite()) {
                if w {
                    a.push(v);
                } else {
                    b.push(v);
                }
            }
        }
        a.sort_unstable_by(f64::total_cmp);
        b.sort_unstable_by(f64::total_cmp);
        let t = two_sample(&a, &b);
        let median = |s: &[f64]| (!s.is_empty()).then(|| quantile(s, 0.5));
        NumericTest {
            median_won: median(&a),
            median_lost: median(&b),
            cliffs_delta: t.cliffs_delta,
            mann_whitney_p: t.mw_p,
        }
    }

    /// `<attr> of first A` over the leads with `A`: top values by leads, `(other)`,
    /// `(missing)`.
    pub(super) fn attribute(
        &self,
        attr: &str,
        names: &[&str],
        count: &[u32],
        value: impl Fn(usize) -> Option<u32>,
    ) -> FeatureEffect {
        let mut per = vec![0u64; names.len()];
        for (c, _) in count.iter().enumerate().filter(|(_, &k)| k > 0) {
            if let Some(v) = value(c).filter(|&v| (v as usize) < names.len()) {
                per[v as usize] += 1;
            }
        }
        let mut order: Vec<usize> = (0..names.len()).filter(|&v| per[v] > 0).collect();
        order.sort_by(|&x, &y| per[y].cmp(&per[x]).then_with(|| names[x].cmp(names[y])));
        let shown = order.len().min(self.opts.top_values);
        let other = shown;
        let missing = shown + 1;
        let mut bucket_of = vec![other; names.len()];
        for (b, &v) in order[..shown].iter().enumerate() {
            bucket_of[v] = b;
        }
        let mut labels: Vec<String> = order[..shown]
            .iter()
            .map(|&v| names[v].to_string())
            .collect();
        labels.push("(other)".into());
        labels.push("(missing)".into());
        self.table(
            format!("{attr} of first {}", self.act),
            FeatureKind::AttributeOfFirst {
                attribute: attr.to_string(),
            },
            labels,
            |c| {
                (count[c] > 0).then(|| match value(c) {
                    Some(v) => bucket_of.get(v as usize).copied().unwrap_or(other),
                    None => missing,
                })
            },
            None,
        )
    }
}
