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

mod feature;

use super::adjust::Adjusted;
pub use super::adjust::Verdict;
use super::timing::{hour_bucket, local_weekday, HOUR_LABELS};
pub use super::timing::{time_bucket, time_labels};
use super::ActivityOptions;
use crate::leads::generate::WEEKDAYS;
use crate::log::{ColumnData, EventLog, NO_RESOURCE};
use feature::{bucket, Feature};
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
