//! Per-lead features of the sales actions, each as a win-rate table with a test.
//!
//! For every activity in at least `min_activity_share` of the analysed leads (at most
//! `max_activities`, the most frequent), with `A` its name:
//! - `has A`: buckets `yes` / `no`, every lead tested;
//! - `count of A`: buckets `0`, `1`, `2`, `3+` (only when some lead has `A` more than once);
//!   also Mann–Whitney / Cliff's delta of the counts, won vs lost;
//! - `hours to first A`: hours from the lead's first event (its creation) to the first `A`,
//!   bucketed at the cut points (given, or chosen from the data: `timing::chosen_cuts`; a value
//!   equal to a cut point falls in the lower bucket); leads without `A` are shown as `(none)`
//!   but not tested, so the test is about timing, not presence (that is `has A`); also
//!   Mann–Whitney / Cliff's delta of the hours;
//! - `hours from previous step to first A`: the same for the time since the event before the
//!   first `A` (left out when that event is always the lead's first one);
//! - `weekday of first A`: `Mon` … `Sun` (in the user's time zone) of the first `A`, with the
//!   pooled groups Mon–Thu, Fri and Sat–Sun alongside (`day_groups`);
//! - `hour of first A`: night, morning, afternoon, evening (in the user's time zone);
//! - `<attribute> of first A`: the value of every text or boolean event attribute, and of the
//!   resource, on the first `A`: the `top_values` most frequent values, `(other)` and
//!   `(missing)`, tested among the leads with `A`.
//!
//! The test is a chi-square of independence over the tested buckets × {won, lost}
//! (`toolkit::compare::stats_tests::chi_square`), the effect Cramér's V; the flags and the
//! ranking follow `toolkit::compare`: `constant` when fewer than two tested buckets have leads
//! or one holds `constant_share` of them, `no_difference` when V < `min_effect` or
//! p ≥ `alpha`. `best` / `worst` are the tested buckets of highest / lowest win rate among those
//! with at least `min_bucket` leads (ties: the earlier bucket). Every feature also gets the
//! stage-adjusted comparison of `adjust` and a [`Verdict`]; features rank by verdict (actions
//! first), then |ln adjusted odds ratio| for actions, then V, p and name.
//!
//! One pass over the events fills dense `activity × case` arrays (first event, count) for the
//! chosen activities; each feature is then one pass over the cases, on codes.

pub use super::adjust::Verdict;
use super::adjust::{adjust, verdict, Adjusted, Counts, Flags};
use super::timing::{chosen_cuts, hour_bucket, local_weekday, HOUR_LABELS};
pub use super::timing::{time_bucket, time_labels};
use super::ActivityOptions;
use crate::leads::generate::WEEKDAYS;
use crate::log::{ColumnData, EventLog, NO_RESOURCE};
use crate::toolkit::compare::stats_tests::{chi_square, quantile, two_sample};
use serde::{Deserialize, Serialize};

/// What a feature measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureKind {
    Has,
    Count,
    HoursToFirst,
    /// Hours from the event before the first occurrence (any activity) to it.
    HoursSincePrevious,
    WeekdayOfFirst,
    HourOfFirst,
    AttributeOfFirst {
        attribute: String,
    },
}

/// Leads in one bucket of a feature and how many were won.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    pub label: String,
    pub leads: u64,
    pub won: u64,
    pub win_rate: f64,
    /// Part of the chi-square test (`(none)` of a time feature is not).
    pub tested: bool,
}

/// Won vs lost values of a numeric feature (hours or counts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericTest {
    pub median_won: Option<f64>,
    pub median_lost: Option<f64>,
    /// `P(won > lost) − P(won < lost)`, −1..=1.
    pub cliffs_delta: f64,
    pub mann_whitney_p: f64,
}

/// One feature: its win-rate table, test and flags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureEffect {
    pub name: String,
    pub activity: String,
    #[serde(flatten)]
    pub kind: FeatureKind,
    /// Leads in the tested buckets.
    pub leads: u64,
    /// In the feature's natural order (yes/no, counts, time, weekday; attribute values by
    /// leads descending, then `(other)`, `(missing)`); empty buckets left out.
    pub buckets: Vec<Bucket>,
    /// Weekday features only: Mon–Thu, Fri, Sat–Sun.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub day_groups: Vec<Bucket>,
    pub chi_square: f64,
    pub dof: u32,
    pub p_value: f64,
    /// Cramér's V, 0..=1.
    pub effect: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numeric: Option<NumericTest>,
    pub informative: bool,
    pub constant: bool,
    pub no_difference: bool,
    pub best: Option<String>,
    pub worst: Option<String>,
    /// Win rate of `best` / win rate of `worst` (`None` when the worst is 0).
    pub rate_ratio: Option<f64>,
    /// The comparison among leads at the same funnel stage (see `adjust`); unstratified when
    /// there are no stages.
    pub adjusted: Option<Adjusted>,
    pub verdict: Verdict,
    /// The activity is a funnel milestone (its presence and count are stage effects).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub milestone: bool,
    /// Time features: the cut points (hours) of the buckets, chosen from the data or given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts_hours: Vec<f64>,
}

/// How the leads split into funnel strata, shared by every feature.
pub(super) struct Strata<'a> {
    /// Per analysed lead: its stratum (0 = before the first stage, s + 1 = stage s).
    pub of: &'a [usize],
    /// Stratum names, `of`'s range.
    pub names: &'a [String],
    /// Per activity code: whether it is a milestone.
    pub milestone: &'a [bool],
}

/// The label of leads without the activity in a time feature.
pub const NONE: &str = "(none)";

/// All features of the analysed leads, ranked; `progress` gets the share of activities done.
pub(super) fn features(
    log: &EventLog,
    won: &[bool],
    strata: &Strata,
    opts: &ActivityOptions,
    progress: &mut dyn FnMut(f64),
) -> Vec<FeatureEffect> {
    let n = log.num_cases();
    let acts = log.activity_codes();
    let n_act = log.activities().len();
    let mut presence = vec![0u64; n_act];
    let mut stamp = vec![u32::MAX; n_act];
    for c in 0..n {
        for i in log.case_events(c as u32) {
            let a = acts[i] as usize;
            if stamp[a] != c as u32 {
                stamp[a] = c as u32;
                presence[a] += 1;
            }
        }
    }
    let name = |a: u32| log.activities().resolve(a);
    let mut chosen: Vec<u32> = (0..n_act as u32)
        .filter(|&a| {
            let k = presence[a as usize];
            k > 0 && k as f64 >= opts.min_activity_share * n as f64
        })
        .collect();
    chosen.sort_by(|&x, &y| {
        presence[y as usize]
            .cmp(&presence[x as usize])
            .then_with(|| name(x).cmp(name(y)))
    });
    chosen.truncate(opts.max_activities);
    let mut slot = vec![usize::MAX; n_act];
    for (s, &a) in chosen.iter().enumerate() {
        slot[a as usize] = s;
    }
    let mut first = vec![u32::MAX; chosen.len() * n];
    let mut count = vec![0u32; chosen.len() * n];
    for c in 0..n {
        for i in log.case_events(c as u32) {
            let s = slot[acts[i] as usize];
            if s != usize::MAX {
                let j = s * n + c;
                if count[j] == 0 {
                    first[j] = i as u32;
                }
                count[j] += 1;
            }
        }
    }
    let starts = log.case_starts();
    let case_start: Vec<Option<i64>> = (0..n).map(|c| log.timestamp(starts[c] as usize)).collect();
    let mut out = Vec::new();
    for (s, &a) in chosen.iter().enumerate() {
        progress(s as f64 / chosen.len().max(1) as f64);
        let act = name(a);
        let count = &count[s * n..(s + 1) * n];
        let first = &first[s * n..(s + 1) * n];
        let milestone = strata.milestone.get(a as usize).copied().unwrap_or(false);
        let f = Feature {
            act,
            won,
            opts,
            strata,
            milestone,
        };
        out.push(f.table(
            format!("has {act}"),
            FeatureKind::Has,
            labels(&["yes", "no"]),
            |c| Some(usize::from(count[c] == 0)),
            None,
        ));
        if count.iter().any(|&k| k > 1) {
            let numeric = f.numeric(|c| Some(f64::from(count[c])));
            out.push(f.table(
                format!("count of {act}"),
                FeatureKind::Count,
                labels(&["0", "1", "2", "3+"]),
                |c| Some(count[c].min(3) as usize),
                Some(numeric),
            ));
        }
        if log.has_timestamps() {
            let at = |c: usize| log.timestamp(*first.get(c)? as usize);
            let since_start = |c: usize| Some((at(c)? - case_start[c]?) as f64 / 3_600_000.0);
            let since_previous = |c: usize| {
                let i = *first.get(c)? as usize;
                let prev = i.checked_sub(1).filter(|&p| p >= starts[c] as usize)?;
                Some((at(c)? - log.timestamp(prev)?) as f64 / 3_600_000.0)
            };
            let tz = opts.tz_offset_minutes;
            out.extend(f.time(
                format!("hours to first {act}"),
                FeatureKind::HoursToFirst,
                count,
                since_start,
            ));
            // When the first `A` always directly follows the lead's first event, the time
            // from the previous step is the time to the first `A`: one feature is enough.
            let second = (0..n)
                .filter(|&c| count[c] > 0)
                .all(|c| first[c] as usize == starts[c] as usize + 1);
            out.extend(
                (!second)
                    .then(|| {
                        f.time(
                            format!("hours from previous step to first {act}"),
                            FeatureKind::HoursSincePrevious,
                            count,
                            since_previous,
                        )
                    })
                    .flatten(),
            );
            let day = |c: usize| Some(local_weekday(at(c)?, tz));
            let mut weekday = f.table(
                format!("weekday of first {act}"),
                FeatureKind::WeekdayOfFirst,
                labels(&WEEKDAYS),
                day,
                None,
            );
            weekday.day_groups = day_groups(&weekday.buckets);
            out.push(weekday);
            out.push(f.table(
                format!("hour of first {act}"),
                FeatureKind::HourOfFirst,
                labels(&HOUR_LABELS),
                |c| Some(hour_bucket(at(c)?, tz)),
                None,
            ));
        }
        for col in log.event_attributes() {
            let (validity, attr) = (col.validity(), col.name());
            match col.data() {
                ColumnData::Str { codes, dict } => {
                    let value = |c: usize| {
                        let i = *first.get(c)? as usize;
                        validity.get(i).then(|| codes.get(i).copied()).flatten()
                    };
                    let names: Vec<&str> = dict.iter().collect();
                    out.push(f.attribute(attr, &names, count, value));
                }
                ColumnData::Bool(values) => {
                    let value = |c: usize| {
                        let i = *first.get(c)? as usize;
                        validity
                            .get(i)
                            .then(|| values.get(i).map(|&b| u32::from(b)))
                            .flatten()
                    };
                    out.push(f.attribute(attr, &["false", "true"], count, value));
                }
                _ => {}
            }
        }
        if !log.resources().is_empty() {
            let res = log.resource_codes();
            let value = |c: usize| {
                let r = *res.get(*first.get(c)? as usize)?;
                (r != NO_RESOURCE).then_some(r)
            };
            let names: Vec<&str> = log.resources().iter().collect();
            out.push(f.attribute("resource", &names, count, value));
        }
    }
    progress(1.0);
    out.sort_by(|x, y| {
        x.verdict
            .cmp(&y.verdict)
            .then_with(|| strength(y).total_cmp(&strength(x)))
            .then_with(|| y.effect.total_cmp(&x.effect))
            .then_with(|| x.p_value.total_cmp(&y.p_value))
            .then_with(|| x.name.cmp(&y.name))
    });
    out
}

/// Ranking strength: |ln adjusted odds ratio| for actions, 0 otherwise (then Cramér's V).
fn strength(f: &FeatureEffect) -> f64 {
    match (&f.adjusted, f.verdict) {
        (Some(a), Verdict::Action) => a.odds_ratio.ln().abs(),
        _ => 0.0,
    }
}

fn labels(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

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

/// Mon–Thu, Fri and Sat–Sun pooled from the day buckets.
fn day_groups(days: &[Bucket]) -> Vec<Bucket> {
    [
        ("Mon–Thu", &["Mon", "Tue", "Wed", "Thu"][..]),
        ("Fri", &["Fri"]),
        ("Sat–Sun", &["Sat", "Sun"]),
    ]
    .iter()
    .map(|(label, members)| {
        let (leads, won) = days
            .iter()
            .filter(|b| members.contains(&b.label.as_str()))
            .fold((0, 0), |(l, w), b| (l + b.leads, w + b.won));
        bucket(label.to_string(), leads, won, true)
    })
    .collect()
}

fn bucket(label: String, leads: u64, won: u64, tested: bool) -> Bucket {
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
struct Feature<'a> {
    act: &'a str,
    won: &'a [bool],
    opts: &'a ActivityOptions,
    strata: &'a Strata<'a>,
    /// The activity is a funnel milestone: its presence and count are stage effects.
    milestone: bool,
}

impl Feature<'_> {
    /// A time feature of the leads with the activity (`count > 0`): `hours(case)` bucketed at
    /// the given cut points, or at cut points chosen from the values; `None` when the values
    /// do not spread into two buckets.
    fn time(
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
    fn table(
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
    fn numeric(&self, value: impl Fn(usize) -> Option<f64>) -> NumericTest {
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
    fn attribute(
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
