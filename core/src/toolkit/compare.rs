//! Compare two groups of cases (two filters, or a filter and the rest): for every attribute the
//! two distributions side by side with a significance test and an effect size, ranked, with the
//! attributes that cannot explain a difference flagged; and the directly-follows difference.
//!
//! Groups are case masks over the log (`toolkit::filter`'s case filters produce them; "filter
//! vs rest" is a mask and its negation). A case in both groups counts in both.
//!
//! **Features.** Case attributes; event attributes and the resource, aggregated per case; and
//! derived features: `case duration` (seconds), `events per case`, `distinct activities`,
//! `start activity`, `end activity`, and `contains <activity>` (true/false) for every activity
//! present in at least [`CompareOptions::min_activity_share`] of the cases of either group.
//! - *Categorical* (string, bool): cases per value. For event attributes a case counts once
//!   under **each value it contains at least once** (shares are shares of cases and may sum to
//!   more than 1; the chi-square test then treats (case, value) memberships as observations,
//!   an approximation). Cases without any value count as `(missing)`. Beyond the
//!   [`CompareOptions::top_values`] most frequent values the rest is grouped as `(other)`.
//!   Test: chi-square of independence over the group × value table (no Yates correction);
//!   effect: Cramér's V.
//! - *Numeric* (int, float, timestamp as epoch seconds, durations, counts): one value per case
//!   (the mean of its event values for event attributes). Tests: Kolmogorov–Smirnov D and
//!   Mann–Whitney U (both reported); effect: |Cliff's delta| (= |rank-biserial correlation|),
//!   p-value: Mann–Whitney's. The sign of `cliffs_delta` says which group is larger (> 0: A).
//!
//! **Flags.** `constant`: one value (or `(missing)`) covers at least
//! [`CompareOptions::constant_share`] of the grouped cases and every other value at most
//! `1 − constant_share` (for event attributes a case may hold several values; each must then be
//! near-always or near-never present), or there is no variation at all. `no_difference`: the
//! effect is below [`CompareOptions::min_effect`] **or** the p-value is at least
//! [`CompareOptions::alpha`]: with thousands of cases a negligible effect is "significant", and
//! with a handful a large effect can be chance; either way the data shows no difference worth
//! reading. `informative` = neither.
//!
//! **Ranking.** Informative attributes first, then by effect size descending, p-value
//! ascending, name, source. Cramér's V and |Cliff's delta| both run from 0 (no association) to
//! 1, so one ranking holds both kinds.

mod dfg_diff;
mod features;
mod judge;
pub mod stats_tests;

pub use dfg_diff::EdgeDifference;

use crate::log::{ColumnData, EventLog, NO_RESOURCE};
use features::{Counts, Labels};
use judge::{categorical, numeric, value_order};
use serde::{Deserialize, Serialize};

/// Tunables of [`compare`]; the defaults are the documented thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareOptions {
    /// Categorical values shown and tested individually; the rest is `(other)`. Default 20.
    pub top_values: usize,
    /// `contains <activity>` features for activities in at least this share of the cases of
    /// either group. Default 0.01.
    pub min_activity_share: f64,
    /// A value covering this share of the cases makes the attribute `constant`. Default 0.99.
    pub constant_share: f64,
    /// Effect sizes below this are negligible. Default 0.05.
    pub min_effect: f64,
    /// Significance level. Default 0.05.
    pub alpha: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            top_values: 20,
            min_activity_share: 0.01,
            constant_share: 0.99,
            min_effect: 0.05,
            alpha: 0.05,
        }
    }
}

/// Why two groups cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("group {group} has {got} case flags but the log has {expected} cases; build the mask over this log's cases")]
    MaskLength {
        group: &'static str,
        got: usize,
        expected: usize,
    },
    #[error("group {group} selects no case; loosen its filter")]
    EmptyGroup { group: &'static str },
}

/// The comparison of two groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub cases_a: u64,
    pub cases_b: u64,
    /// Cases in both groups (they count in both).
    pub cases_in_both: u64,
    /// Ranked (see the module documentation).
    pub attributes: Vec<AttributeComparison>,
    /// Sorted by |share_diff| descending, then edge name.
    pub dfg: Vec<EdgeDifference>,
}

/// Where a feature comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Case,
    Event,
    Derived,
}

/// One attribute (or derived feature) in A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeComparison {
    pub name: String,
    pub source: Source,
    /// Cramér's V (categorical) or |Cliff's delta| (numeric), 0..=1.
    pub effect: f64,
    /// Chi-square (categorical) or Mann–Whitney (numeric) p-value.
    pub p_value: f64,
    pub informative: bool,
    /// One value covers (nearly) all cases, or there is no variation.
    pub constant: bool,
    /// The groups do not differ (negligible effect or not significant).
    pub no_difference: bool,
    #[serde(flatten)]
    pub detail: Detail,
}

/// The test and distributions, by kind of feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    Categorical {
        chi_square: f64,
        dof: u32,
        cramers_v: f64,
        /// By total count descending, ties by value; `(other)` and `(missing)` included.
        values: Vec<ValueShares>,
    },
    Numeric {
        unit: Unit,
        ks_d: f64,
        ks_p: f64,
        mann_whitney_u: f64,
        mann_whitney_p: f64,
        /// `P(A > B) − P(A < B)`, −1..=1.
        cliffs_delta: f64,
        a: Box<NumericSummary>,
        b: Box<NumericSummary>,
    },
}

/// A value's cases in A and B; shares are of the group's cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueShares {
    pub value: String,
    pub count_a: u64,
    pub share_a: f64,
    pub count_b: u64,
    pub share_b: f64,
}

/// What a numeric feature measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain number (an attribute's own unit).
    Number,
    /// A count (events, activities).
    Count,
    /// A duration in seconds.
    Seconds,
    /// A point in time, seconds since 1970-01-01 UTC.
    EpochSeconds,
}

/// Location and spread of one group's values (`None` when the group has no value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NumericSummary {
    /// Cases with a value.
    pub count: u64,
    /// Cases without one.
    pub missing: u64,
    pub mean: Option<f64>,
    pub min: Option<f64>,
    pub p10: Option<f64>,
    pub p25: Option<f64>,
    pub median: Option<f64>,
    pub p75: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
}

/// Per case: bit 0 = in A, bit 1 = in B.
pub(crate) struct Groups {
    member: Vec<u8>,
    n_a: u64,
    n_b: u64,
}

/// Compare the cases where `a` is true with the cases where `b` is true.
pub fn compare(
    log: &EventLog,
    a: &[bool],
    b: &[bool],
    opts: &CompareOptions,
) -> Result<Comparison, CompareError> {
    let n = log.num_cases();
    for (group, mask) in [("A", a), ("B", b)] {
        if mask.len() != n {
            return Err(CompareError::MaskLength {
                group,
                got: mask.len(),
                expected: n,
            });
        }
    }
    let member: Vec<u8> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| u8::from(x) | u8::from(y) << 1)
        .collect();
    let groups = Groups {
        n_a: a.iter().filter(|&&x| x).count() as u64,
        n_b: b.iter().filter(|&&x| x).count() as u64,
        member,
    };
    for (group, k) in [("A", groups.n_a), ("B", groups.n_b)] {
        if k == 0 {
            return Err(CompareError::EmptyGroup { group });
        }
    }
    let mut out = Vec::new();
    derived(log, &groups, opts, &mut out);
    for col in log.case_attributes() {
        out.push(column(log, &groups, opts, col, Source::Case));
    }
    for col in log.event_attributes() {
        out.push(column(log, &groups, opts, col, Source::Event));
    }
    if !log.resources().is_empty() {
        let res = log.resource_codes();
        let code = |i: usize| Some(res[i]).filter(|&r| r != NO_RESOURCE);
        out.push(categorical_events(
            log,
            &groups,
            opts,
            ("resource", Source::Event),
            Labels::Dict(log.resources()),
            code,
        ));
    }
    out.sort_by(|x, y| {
        y.informative
            .cmp(&x.informative)
            .then_with(|| y.effect.total_cmp(&x.effect))
            .then_with(|| x.p_value.total_cmp(&y.p_value))
            .then_with(|| x.name.cmp(&y.name))
            .then_with(|| x.source.cmp(&y.source))
    });
    Ok(Comparison {
        cases_a: groups.n_a,
        cases_b: groups.n_b,
        cases_in_both: groups.member.iter().filter(|&&m| m == 3).count() as u64,
        attributes: out,
        dfg: dfg_diff::dfg_difference(log, &groups),
    })
}

/// The derived case features.
fn derived(
    log: &EventLog,
    groups: &Groups,
    opts: &CompareOptions,
    out: &mut Vec<AttributeComparison>,
) {
    let key = |name: &'static str| (name, Source::Derived);
    if log.has_timestamps() {
        let durations = crate::mining::case_durations(log).per_case;
        let s = features::sample_cases(groups, |c| durations.get(c).copied().flatten());
        out.push(numeric(key("case duration"), Unit::Seconds, s, opts));
    }
    let starts = log.case_starts();
    let size = |c: usize| Some(f64::from(starts[c + 1] - starts[c]));
    out.push(numeric(
        key("events per case"),
        Unit::Count,
        features::sample_cases(groups, size),
        opts,
    ));
    let (distinct, presence) = features::activity_presence(log, groups);
    out.push(numeric(
        key("distinct activities"),
        Unit::Count,
        features::sample_cases(groups, |c| distinct[c]),
        opts,
    ));
    let acts = log.activity_codes();
    let n_act = log.activities().len();
    let labels = Labels::Dict(log.activities());
    for (name, first) in [("start activity", true), ("end activity", false)] {
        let code = |c: usize| {
            let i = if first { starts[c] } else { starts[c + 1] - 1 };
            acts.get(i as usize).copied()
        };
        let counts = features::count_cases(groups, n_act, code);
        out.push(categorical(key(name), labels, counts, false, groups, opts));
    }
    let (na, nb) = (groups.n_a as f64, groups.n_b as f64);
    let mut shown: Vec<usize> = (0..n_act)
        .filter(|&x| {
            let (ca, cb) = (presence.a[x] as f64, presence.b[x] as f64);
            ca / na >= opts.min_activity_share || cb / nb >= opts.min_activity_share
        })
        .collect();
    shown.sort_by_key(|&x| labels.get(x as u32));
    for x in shown {
        let (ya, yb) = (presence.a[x], presence.b[x]);
        let counts = Counts {
            a: vec![groups.n_a - ya, ya],
            b: vec![groups.n_b - yb, yb],
            ..Counts::default()
        };
        let name = format!("contains {}", labels.get(x as u32));
        let mut row = categorical(
            ("", Source::Derived),
            Labels::Bool,
            counts,
            false,
            groups,
            opts,
        );
        row.name = name;
        out.push(row);
    }
}

/// A case or event attribute column.
fn column(
    log: &EventLog,
    groups: &Groups,
    opts: &CompareOptions,
    col: &crate::log::Column,
    source: Source,
) -> AttributeComparison {
    let key = (col.name(), source);
    let v = col.validity();
    let per_case = source == Source::Case;
    let sample = |value: &dyn Fn(usize) -> Option<f64>| {
        if per_case {
            features::sample_cases(groups, value)
        } else {
            features::sample_event_means(log, groups, value)
        }
    };
    match col.data() {
        ColumnData::Str { codes, dict } => {
            let code = features::valid(codes, v);
            if per_case {
                let counts = features::count_cases(groups, dict.len(), code);
                categorical(key, Labels::Dict(dict), counts, false, groups, opts)
            } else {
                categorical_events(log, groups, opts, key, Labels::Dict(dict), code)
            }
        }
        ColumnData::Bool(values) => {
            let get = features::valid(values, v);
            let code = |i: usize| get(i).map(u32::from);
            if per_case {
                let counts = features::count_cases(groups, 2, code);
                categorical(key, Labels::Bool, counts, false, groups, opts)
            } else {
                categorical_events(log, groups, opts, key, Labels::Bool, code)
            }
        }
        ColumnData::Int(values) => {
            let get = features::valid(values, v);
            numeric(
                key,
                Unit::Number,
                sample(&|i| get(i).map(|x| x as f64)),
                opts,
            )
        }
        ColumnData::Float(values) => {
            let get = features::valid(values, v);
            numeric(key, Unit::Number, sample(&get), opts)
        }
        ColumnData::Timestamp(values) => {
            let get = features::valid(values, v);
            let secs = |i: usize| get(i).map(|ms| ms as f64 / 1000.0);
            numeric(key, Unit::EpochSeconds, sample(&secs), opts)
        }
    }
}

/// A categorical event attribute: counted per case, with a second pass for `(other)` when
/// there are more values than shown.
fn categorical_events(
    log: &EventLog,
    groups: &Groups,
    opts: &CompareOptions,
    key: (&str, Source),
    labels: Labels<'_>,
    code: impl Fn(usize) -> Option<u32>,
) -> AttributeComparison {
    let n_values = match labels {
        Labels::Dict(d) => d.len(),
        Labels::Bool => 2,
    };
    let counts = features::count_events(log, groups, n_values, &code, None);
    let order = value_order(&counts, labels);
    if order.len() <= opts.top_values {
        return categorical(key, labels, counts, true, groups, opts);
    }
    let mut rare = vec![false; n_values];
    for &v in &order[opts.top_values..] {
        rare[v as usize] = true;
    }
    let counts = features::count_events(log, groups, n_values, &code, Some(&rare));
    categorical(key, labels, counts, true, groups, opts)
}

#[cfg(test)]
mod tests;
