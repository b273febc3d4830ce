//! The findings as sentences: deterministic wording from the ranked features, numbers kept
//! alongside so the JSON carries both.
//!
//! Order: outcome markers (by name); the funnel (kind `stage`: the share of lost leads that
//! never got past the stage where most of them stopped, and each stage's reach and win rate);
//! then actions (kind `action`): features that separate won from lost leads among leads at the
//! same stage, by |ln stage-adjusted odds ratio|, at most two per activity and `max_findings`
//! in all, worded "Among leads that reached …, those … were won x % vs y % for the others"
//! with the standardised rates, the common odds ratio and the CMH p-value; then features that
//! separate won from lost only through the stage (kind `stage`, at most `max_stage_findings`):
//! the raw comparison and that it is gone within stages; then features that make no difference: time, weekday and attribute features of activities in
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

use super::adjust::Adjusted;
use super::features::{Bucket, FeatureEffect, FeatureKind, Verdict};
use super::stages::Funnel;
use super::{ActivityOptions, Outcome, OutcomeMarker};
use crate::text::pct;
use serde::{Deserialize, Serialize};

/// What a finding says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The activity leaks the outcome and is left out of the actions.
    OutcomeMarker,
    /// How far leads got (the funnel), or a feature that separates won from lost leads only
    /// through the stage: not something to act on.
    Stage,
    /// The feature separates won from lost leads among leads at the same stage.
    Action,
    /// The feature makes no difference.
    NoDifference,
}

/// One statement with its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub activity: String,
    /// The feature's name (`None` for markers and the funnel).
    pub feature: Option<String>,
    pub text: String,
    /// What the sentence's comparison is adjusted for (`["stage"]`), empty when it is raw.
    pub adjusted_for: Vec<String>,
    /// Raw chi-square p-value and Cramér's V.
    pub p_value: Option<f64>,
    pub effect: Option<f64>,
    /// The raw buckets compared: higher and lower win rate.
    pub high: Option<Bucket>,
    pub low: Option<Bucket>,
    /// The stage-adjusted comparison (actions and stage-only features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted: Option<Adjusted>,
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
    funnel: &Funnel,
    features: &[FeatureEffect],
    analysed: u64,
    adjusted_for: &[String],
    opts: &ActivityOptions,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = markers.iter().map(marker).collect();
    out.extend(funnel_finding(funnel));
    let mut per_activity: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut actions = 0;
    for f in features.iter().filter(|f| f.verdict == Verdict::Action) {
        if actions >= opts.max_findings {
            break;
        }
        let used = per_activity.entry(f.activity.as_str()).or_default();
        if *used >= 2 {
            continue;
        }
        let finding = match (&f.adjusted, adjusted_for.is_empty()) {
            (Some(a), false) => Some(action(f, a, adjusted_for)),
            _ => separates(f, opts),
        };
        if let Some(finding) = finding {
            *used += 1;
            actions += 1;
            out.push(finding);
        }
    }
    // Milestones' own presence and count are the funnel, said above.
    let stage_only = features
        .iter()
        .filter(|f| f.verdict == Verdict::Stage && !f.milestone)
        .filter_map(|f| stage_only(f, opts))
        .take(opts.max_stage_findings);
    out.extend(stage_only);
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
        adjusted_for: Vec::new(),
        p_value: None,
        effect: None,
        high: None,
        low: None,
        adjusted: None,
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
        FeatureKind::HoursSincePrevious => {
            match (label.strip_prefix("≤ "), label.strip_prefix("> ")) {
                (Some(t), _) => format!("whose first `{act}` came within {t} of the previous step"),
                (_, Some(t)) => {
                    format!("whose first `{act}` came more than {t} after the previous step")
                }
                _ => format!("whose first `{act}` came {label} after the previous step"),
            }
        }
        FeatureKind::WeekdayOfFirst => format!("whose first `{act}` fell on {label}"),
        FeatureKind::HourOfFirst => format!("whose first `{act}` was in the {label}"),
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
        kind: FindingKind::Action,
        activity: act.to_string(),
        feature: Some(f.name.clone()),
        text,
        adjusted_for: Vec::new(),
        p_value: Some(f.p_value),
        effect: Some(f.effect),
        high: Some(high),
        low: Some(low),
        adjusted: f.adjusted.clone(),
    })
}

fn no_difference(f: &FeatureEffect, opts: &ActivityOptions) -> Finding {
    let act = &f.activity;
    let what = match &f.kind {
        FeatureKind::HoursToFirst => format!("The time to the first `{act}`"),
        FeatureKind::HoursSincePrevious => {
            format!("The time from the previous step to the first `{act}`")
        }
        FeatureKind::WeekdayOfFirst => format!("The weekday of the first `{act}`"),
        FeatureKind::HourOfFirst => format!("The hour of the first `{act}`"),
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
        adjusted_for: Vec::new(),
        p_value: Some(f.p_value),
        effect: Some(f.effect),
        high: high.cloned(),
        low: low.cloned(),
        adjusted: None,
    }
}

/// "72.0 % of lost leads never got past `first response`", and the funnel.
fn funnel_finding(funnel: &Funnel) -> Option<Finding> {
    let stages = &funnel.stages;
    let lost: u64 = funnel.before_first_stage - funnel.before_first_stage_won
        + stages.iter().map(|s| s.lost_stopped).sum::<u64>();
    // The stage where most lost leads stopped (ties: the earlier).
    let (at, stop) =
        stages
            .iter()
            .enumerate()
            .fold(None::<(usize, &super::Stage)>, |m, (i, s)| match m {
                Some((_, x)) if x.lost_stopped >= s.lost_stopped => m,
                _ => Some((i, s)),
            })?;
    if lost == 0 {
        return None;
    }
    let never_past = funnel.before_first_stage - funnel.before_first_stage_won
        + stages[..=at].iter().map(|s| s.lost_stopped).sum::<u64>();
    let chain: Vec<String> = stages
        .iter()
        .map(|s| {
            format!(
                "`{}` {} (won {})",
                s.activity,
                pct(s.reached_share),
                pct(s.won_rate)
            )
        })
        .collect();
    let source = if funnel.stages_given {
        "given"
    } else {
        "detected from the log"
    };
    Some(Finding {
        kind: FindingKind::Stage,
        activity: stop.activity.clone(),
        feature: None,
        text: format!(
            "{} of lost leads never got past `{}` ({never_past} of {lost}). Funnel ({source}; share of leads that reached each stage, and how many of those were won): {}.",
            pct(never_past as f64 / lost as f64),
            stop.activity,
            chain.join(" → ")
        ),
        adjusted_for: Vec::new(),
        p_value: None,
        effect: None,
        high: None,
        low: None,
        adjusted: None,
    })
}

/// "among leads that reached the same stage (`offer`, `negotiation`)".
fn among(a: &Adjusted) -> String {
    match a.strata.as_slice() {
        [one] => format!("among leads whose furthest stage is `{one}`"),
        many => format!(
            "among leads that reached the same stage ({})",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The leads outside the compared bucket.
fn rest(f: &FeatureEffect, a: &Adjusted) -> String {
    match (&f.kind, a.bucket.as_str()) {
        (FeatureKind::Has, "yes") => format!("leads without `{}`", f.activity),
        (FeatureKind::Has, _) => format!("leads with `{}`", f.activity),
        (FeatureKind::Count, _) => "the others".into(),
        _ => format!("the other leads with `{}`", f.activity),
    }
}

fn adjusted_stats(a: &Adjusted) -> String {
    let bonferroni = if a.comparisons > 1 {
        format!(", Bonferroni × {}", a.comparisons)
    } else {
        String::new()
    };
    format!(
        "common odds ratio {:.2}, CMH {}{bonferroni}; {} vs {} leads",
        a.odds_ratio,
        p_text(a.p_value),
        a.leads_bucket,
        a.leads_rest
    )
}

/// An action: the bucket vs the rest among leads at the same stage.
fn action(f: &FeatureEffect, a: &Adjusted, adjusted_for: &[String]) -> Finding {
    let among = format!("A{}", &among(a)[1..]); // "among …" is ASCII at its start
    Finding {
        kind: FindingKind::Action,
        activity: f.activity.clone(),
        feature: Some(f.name.clone()),
        text: format!(
            "{among}, those {} were won {} vs {} for {} (stage-adjusted rates; {}).",
            phrase(&f.kind, &f.activity, &a.bucket),
            pct(a.rate_bucket),
            pct(a.rate_rest),
            rest(f, a),
            adjusted_stats(a)
        ),
        adjusted_for: adjusted_for.to_vec(),
        p_value: Some(f.p_value),
        effect: Some(f.effect),
        high: None,
        low: None,
        adjusted: Some(a.clone()),
    }
}

/// A feature that separates won from lost only through the stage.
fn stage_only(f: &FeatureEffect, opts: &ActivityOptions) -> Option<Finding> {
    let raw = separates(f, opts)?;
    let raw_text = raw.text.trim_end_matches('.');
    let why = match &f.adjusted {
        Some(a) => format!(
            ", but {} the difference is gone ({}): it says how far a lead got, not what to do.",
            among(a),
            adjusted_stats(a)
        ),
        None => ", but within a stage nearly all or too few leads have it, so it cannot separate leads at the same stage: it says how far a lead got, not what to do.".into(),
    };
    Some(Finding {
        kind: FindingKind::Stage,
        text: format!("{raw_text}{why}"),
        adjusted_for: vec!["stage".into()],
        ..raw
    })
}
