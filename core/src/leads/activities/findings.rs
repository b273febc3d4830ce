//! The findings as sentences: deterministic wording from the ranked features, numbers kept
//! alongside so the JSON carries both.
//!
//! Order: outcome markers (by name); then separating actions, the informative features in rank
//! order with a best and a worst bucket, at most two per activity and `max_findings` in all;
//! then features that make no difference: time, weekday and attribute features of activities in
//! at least a fifth of the leads, not constant, at most `max_no_difference` (not significant
//! first, then by leads descending, then name), worded "makes no
//! difference" when p ≥ `alpha` and "makes little difference" when the test is significant but
//! Cramér's V is below `min_effect`.
//!
//! A separating sentence compares the best with the worst bucket ("Leads whose first `first
//! response` came within 4 h were won 12.1 % of the time vs 4.9 % for leads whose first `first
//! response` came after more than 3 d (…)"); a weekday feature compares Sat–Sun with Mon–Thu
//! and names Fri and the best and worst day. Percentages have one decimal; p-values below
//! 0.001 read `p < 0.001`.

use super::features::{Bucket, FeatureEffect, FeatureKind};
use super::{ActivityOptions, Outcome, OutcomeMarker};
use crate::text::pct;
use serde::{Deserialize, Serialize};

/// What a finding says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The activity leaks the outcome and is left out of the actions.
    OutcomeMarker,
    /// The feature separates won from lost leads.
    Separates,
    /// The feature makes no difference.
    NoDifference,
}

/// One statement with its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub activity: String,
    /// The feature's name (`None` for markers).
    pub feature: Option<String>,
    pub text: String,
    pub p_value: Option<f64>,
    pub effect: Option<f64>,
    /// The buckets compared: higher and lower win rate.
    pub high: Option<Bucket>,
    pub low: Option<Bucket>,
}

/// `p < 0.001`, `p = 0.004`, `p = 0.61`.
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

pub(super) fn findings(
    markers: &[OutcomeMarker],
    features: &[FeatureEffect],
    analysed: u64,
    opts: &ActivityOptions,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = markers.iter().map(marker).collect();
    let mut per_activity: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut separating = 0;
    for f in features.iter().filter(|f| f.informative) {
        if separating >= opts.max_findings {
            break;
        }
        let used = per_activity.entry(f.activity.as_str()).or_default();
        if *used >= 2 {
            continue;
        }
        if let Some(finding) = separates(f, opts) {
            *used += 1;
            separating += 1;
            out.push(finding);
        }
    }
    let common = |f: &FeatureEffect| f.leads as f64 >= 0.2 * analysed as f64;
    let mut none: Vec<&FeatureEffect> = features
        .iter()
        .filter(|f| f.no_difference && !f.constant && common(f))
        .filter(|f| !matches!(f.kind, FeatureKind::Has | FeatureKind::Count))
        .collect();
    // Not significant before negligible-but-significant, then the most leads, then by name.
    none.sort_by(|x, y| {
        (y.p_value >= opts.alpha)
            .cmp(&(x.p_value >= opts.alpha))
            .then_with(|| y.leads.cmp(&x.leads))
            .then_with(|| x.name.cmp(&y.name))
    });
    out.extend(
        none.into_iter()
            .take(opts.max_no_difference)
            .map(|f| no_difference(f, opts)),
    );
    out
}

fn marker(m: &OutcomeMarker) -> Finding {
    let marks = match m.marks {
        Outcome::Won => "won",
        Outcome::Lost => "lost",
    };
    Finding {
        kind: FindingKind::OutcomeMarker,
        activity: m.activity.clone(),
        feature: None,
        text: format!(
            "`{}` occurs in {} of won and {} of lost leads and is the last event in {} of the leads that have it: it marks the outcome ({marks}) and is left out of the actions.",
            m.activity,
            pct(m.share_won),
            pct(m.share_lost),
            pct(m.terminal_share)
        ),
        p_value: None,
        effect: None,
        high: None,
        low: None,
    }
}

/// The leads of bucket `label`, as a phrase after "Leads …".
fn phrase(kind: &FeatureKind, act: &str, label: &str) -> String {
    match kind {
        FeatureKind::Has if label == "yes" => format!("with `{act}`"),
        FeatureKind::Has => format!("without `{act}`"),
        FeatureKind::Count => match label {
            "0" => format!("with no `{act}`"),
            "3+" => format!("with 3 or more `{act}`"),
            n => format!("with {n} `{act}`"),
        },
        FeatureKind::HoursToFirst => match (label.strip_prefix("≤ "), label.strip_prefix("> ")) {
            (Some(t), _) => format!("whose first `{act}` came within {t}"),
            (_, Some(t)) => format!("whose first `{act}` came after more than {t}"),
            _ => format!("whose first `{act}` came after {label}"),
        },
        FeatureKind::WeekdayOfFirst => format!("whose first `{act}` fell on {label}"),
        FeatureKind::AttributeOfFirst { attribute } => match label {
            "(missing)" => format!("whose first `{act}` had no {attribute}"),
            "(other)" => format!("whose first `{act}` had another {attribute}"),
            v => format!("whose first `{act}` had {attribute} = {v}"),
        },
    }
}

fn stats(f: &FeatureEffect) -> String {
    let mut s = format!(
        "{} leads, χ² {}, V = {:.2}",
        f.leads,
        p_text(f.p_value),
        f.effect
    );
    if let (FeatureKind::HoursToFirst, Some(n)) = (&f.kind, &f.numeric) {
        if let (Some(w), Some(l)) = (n.median_won, n.median_lost) {
            s.push_str(&format!("; median {w:.1} h won vs {l:.1} h lost"));
        }
    }
    s
}

fn find<'a>(buckets: &'a [Bucket], label: &str) -> Option<&'a Bucket> {
    buckets.iter().find(|b| b.label == label)
}

fn separates(f: &FeatureEffect, opts: &ActivityOptions) -> Option<Finding> {
    let act = f.activity.as_str();
    let weekend = find(&f.day_groups, "Sat–Sun").filter(|b| b.leads >= opts.min_bucket);
    let core_days = find(&f.day_groups, "Mon–Thu").filter(|b| b.leads >= opts.min_bucket);
    let (high, low, extra) = match (&f.kind, weekend, core_days) {
        (FeatureKind::WeekdayOfFirst, Some(we), Some(wd)) => {
            let mut extra = String::new();
            if let Some(fri) = find(&f.day_groups, "Fri").filter(|b| b.leads > 0) {
                extra.push_str(&format!("Fri {}; ", pct(fri.win_rate)));
            }
            if let (Some(best), Some(worst)) = (&f.best, &f.worst) {
                let rate = |l: &str| find(&f.buckets, l).map_or(0.0, |b| b.win_rate);
                extra.push_str(&format!(
                    "by day from {} on {worst} to {} on {best}; ",
                    pct(rate(worst)),
                    pct(rate(best))
                ));
            }
            let (h, l) = if we.win_rate > wd.win_rate {
                (we, wd)
            } else {
                (wd, we)
            };
            (h.clone(), l.clone(), extra)
        }
        _ => {
            let high = find(&f.buckets, f.best.as_deref()?)?;
            let low = find(&f.buckets, f.worst.as_deref()?)?;
            (high.clone(), low.clone(), String::new())
        }
    };
    let text = format!(
        "Leads {} were won {} of the time vs {} for leads {} ({extra}{}).",
        phrase(&f.kind, act, &high.label),
        pct(high.win_rate),
        pct(low.win_rate),
        phrase(&f.kind, act, &low.label),
        stats(f)
    );
    Some(Finding {
        kind: FindingKind::Separates,
        activity: act.to_string(),
        feature: Some(f.name.clone()),
        text,
        p_value: Some(f.p_value),
        effect: Some(f.effect),
        high: Some(high),
        low: Some(low),
    })
}

fn no_difference(f: &FeatureEffect, opts: &ActivityOptions) -> Finding {
    let act = &f.activity;
    let what = match &f.kind {
        FeatureKind::HoursToFirst => format!("The time to the first `{act}`"),
        FeatureKind::WeekdayOfFirst => format!("The weekday of the first `{act}`"),
        FeatureKind::AttributeOfFirst { attribute } => {
            format!("The {attribute} of the first `{act}`")
        }
        FeatureKind::Has => format!("Having `{act}`"),
        FeatureKind::Count => format!("The number of `{act}`"),
    };
    let tested: Vec<&Bucket> = f.buckets.iter().filter(|b| b.tested).collect();
    let big: Vec<&Bucket> = tested
        .iter()
        .copied()
        .filter(|b| b.leads >= opts.min_bucket)
        .collect();
    let range = if big.len() >= 2 { &big } else { &tested };
    let low = range.iter().copied().fold(None::<&Bucket>, |m, b| match m {
        Some(x) if x.win_rate <= b.win_rate => Some(x),
        _ => Some(b),
    });
    let high = range.iter().copied().fold(None::<&Bucket>, |m, b| match m {
        Some(x) if x.win_rate >= b.win_rate => Some(x),
        _ => Some(b),
    });
    let spread = match (low, high) {
        (Some(l), Some(h)) => format!(
            ": win rates {}–{} across its {} values",
            pct(l.win_rate),
            pct(h.win_rate),
            tested.len()
        ),
        _ => String::new(),
    };
    let verdict = if f.p_value >= opts.alpha {
        "makes no difference"
    } else {
        "makes little difference"
    };
    Finding {
        kind: FindingKind::NoDifference,
        activity: act.clone(),
        feature: Some(f.name.clone()),
        text: format!(
            "{what} {verdict}{spread} ({} leads, χ² {}, V = {:.2}).",
            f.leads,
            p_text(f.p_value),
            f.effect
        ),
        p_value: Some(f.p_value),
        effect: Some(f.effect),
        high: high.cloned(),
        low: low.cloned(),
    }
}
