//! The synthetic CRM's funnel recovered by stage-conditional mining (planted stages, drop-off
//! and within-stage effects, see `generate::funnel`), and the user's stages and refusals.

use super::super::features::{time_bucket, time_labels};
use super::super::*;
use super::log;
use crate::leads::generate;

/// The lead-table odds ratio of being won, leads with `inside` vs the rest.
fn odds_ratio(
    leads: &[generate::SyntheticLead],
    inside: impl Fn(&generate::SyntheticLead) -> bool,
) -> f64 {
    let mut t = [0.0f64; 4]; // won in, lost in, won out, lost out
    for l in leads {
        t[usize::from(!l.won) + 2 * usize::from(!inside(l))] += 1.0;
    }
    t[0] * t[3] / (t[1] * t[2])
}

/// The planted truth of the synthetic CRM's funnel (see `generate::funnel`) is recovered: the
/// stages and their drop-off; the offer-speed, response-time and weekday effects among leads
/// at the same stage (odds ratios within tolerance of the planted ones); follow-ups, which won
/// leads have more of only because they got further, come out as a stage effect, not an
/// action; the useless channel, resource and hour are never actions.
#[test]
fn planted_funnel_and_within_stage_effects_are_recovered() {
    use generate::funnel::{offer_delay_cdf, LOST_ADVANCE, STAGES};
    for seed in [11, 23] {
        let leads = generate::leads(20_000, seed);
        let log = log(&generate::activity_csv(&leads, seed));
        let outcomes: Vec<(String, bool)> = leads.iter().map(|l| (l.id.clone(), l.won)).collect();
        let f = mine(&log, &outcomes, &ActivityOptions::default()).expect("mines");
        assert_eq!(f.join.analysed, 20_000);
        let markers: Vec<&str> = f
            .outcome_markers
            .iter()
            .map(|m| m.activity.as_str())
            .collect();
        assert_eq!(markers, ["deal lost", "deal won"], "seed {seed}");
        // Stages and drop-off: lost leads advance with LOST_ADVANCE from the first response on.
        let stages: Vec<&str> = f
            .funnel
            .stages
            .iter()
            .map(|s| s.activity.as_str())
            .collect();
        assert_eq!(stages, STAGES, "seed {seed}");
        assert!(!f.funnel.stages_given && f.adjusted_for == ["stage"]);
        let lost_reached: Vec<f64> = f
            .funnel
            .stages
            .iter()
            .map(|s| (s.reached - s.won) as f64)
            .collect();
        let drop: Vec<Option<f64>> = f.funnel.stages.iter().map(|s| s.drop_off).collect();
        assert_eq!((drop[0], drop[4]), (Some(0.0), None), "seed {seed}");
        for (s, next) in f.funnel.stages.iter().zip(&f.funnel.stages[1..]) {
            let want = 1.0 - next.reached as f64 / s.reached as f64;
            assert!(s.drop_off.is_some_and(|d| (d - want).abs() < 1e-12));
        }
        for w in lost_reached[1..].windows(2) {
            let advance = w[1] / w[0];
            assert!(
                (advance - LOST_ADVANCE).abs() < 0.03,
                "seed {seed}: {advance}"
            );
        }
        let funnel = &f.findings[2];
        assert_eq!(funnel.kind, FindingKind::Stage);
        assert!(
            funnel
                .text
                .contains(" of lost leads never got past `first response` ("),
            "{}",
            funnel.text
        );
        let feature = |name: &str| {
            f.features
                .iter()
                .find(|x| x.name == name)
                .unwrap_or_else(|| panic!("no feature {name}"))
        };
        let adjusted = |name: &str| {
            let x = feature(name);
            assert_eq!(x.verdict, Verdict::Action, "seed {seed}: {name}");
            x.adjusted.clone().expect("adjusted")
        };
        let close = |got: f64, want: f64, what: &str| {
            let gap = (got.ln() - want.ln()).abs();
            assert!(
                gap < 0.3,
                "seed {seed}: {what}: odds ratio {got:.2} vs planted {want:.2}"
            );
            eprintln!("seed {seed}: {what}: odds ratio {got:.2} vs planted {want:.2}");
        };
        // Offer speed: the bucket's planted odds ratio from the planted delay distribution.
        let name = "hours from previous step to first offer";
        let a = adjusted(name);
        assert_eq!(a.strata, ["offer", "negotiation"], "seed {seed}");
        let cuts = &feature(name).cuts_hours;
        let b = time_labels(cuts)
            .iter()
            .position(|l| *l == a.bucket)
            .expect("bucket");
        let lo = if b == 0 { 0.0 } else { cuts[b - 1] };
        let hi = cuts.get(b).copied().unwrap_or(f64::INFINITY);
        let odds = |p: f64| p / (1.0 - p);
        let share = |won| offer_delay_cdf(hi, won) - offer_delay_cdf(lo, won);
        let planted = odds(share(true)) / odds(share(false));
        close(a.odds_ratio, planted, &format!("{name} ({})", a.bucket));
        // Response time and weekday: the lead table's odds ratio of the same bucket holds
        // within the stages.
        let name = "hours to first first response";
        let a = adjusted(name);
        let cuts = feature(name).cuts_hours.clone();
        let b = time_labels(&cuts)
            .iter()
            .position(|l| *l == a.bucket)
            .expect("bucket");
        let truth = odds_ratio(&leads, |l| {
            time_bucket(&cuts, l.hours_to_first_response) == b
        });
        close(a.odds_ratio, truth, &format!("{name} ({})", a.bucket));
        assert!(
            a.bucket.starts_with("≤ "),
            "seed {seed}: fast responses win"
        );
        let name = "weekday of first first response";
        let a = adjusted(name);
        let days: Vec<&str> = match a.bucket.as_str() {
            "Sat–Sun" => vec!["Sat", "Sun"],
            "Mon–Thu" => vec!["Mon", "Tue", "Wed", "Thu"],
            day => vec![day],
        };
        let truth = odds_ratio(&leads, |l| days.contains(&l.response_weekday));
        close(a.odds_ratio, truth, &format!("{name} ({})", a.bucket));
        // Planted: weekend × 0.5, Friday × 0.75, so the weekend (or a weekend day) loses.
        assert!(days.iter().all(|d| ["Sat", "Sun"].contains(d)) && a.odds_ratio < 1.0);
        // Follow-ups: more of them among won leads (raw), nothing within stages.
        for name in ["count of follow-up", "has follow-up"] {
            let x = feature(name);
            assert!(x.informative, "seed {seed}: {name} separates raw");
            assert_eq!(x.verdict, Verdict::Stage, "seed {seed}: {name}");
            assert!(x.adjusted.as_ref().is_some_and(|a| a.p_value >= 0.05));
        }
        let count = f
            .findings
            .iter()
            .find(|x| x.feature.as_deref() == Some("count of follow-up"))
            .expect("said");
        assert_eq!(count.kind, FindingKind::Stage);
        assert!(
            count.text.contains("the difference is gone"),
            "{}",
            count.text
        );
        for x in &f.features {
            let useless = x.name.starts_with("hour of ")
                || x.name.starts_with("resource of ")
                || x.name.starts_with("channel of first first response")
                || x.name.starts_with("channel of first follow-up");
            assert!(
                !(useless && x.verdict == Verdict::Action),
                "seed {seed}: {}",
                x.name
            );
            let presence = matches!(x.kind, FeatureKind::Has | FeatureKind::Count);
            assert!(!(x.milestone && presence && x.verdict == Verdict::Action));
        }
        // Actions: stage-adjusted, ranked by adjusted effect, the offer speed first.
        let actions: Vec<&Finding> = f
            .findings
            .iter()
            .filter(|x| x.kind == FindingKind::Action)
            .collect();
        assert!(actions.len() >= 3, "seed {seed}");
        assert!(actions
            .iter()
            .all(|x| x.adjusted_for == ["stage"] && x.adjusted.is_some()));
        assert_eq!(actions[0].activity, "offer", "seed {seed}");
        assert!(
            actions[0].text.starts_with(
                "Among leads that reached the same stage (`offer`, `negotiation`), those whose first `offer` came "
            ),
            "{}",
            actions[0].text
        );
        let strength = |x: &&Finding| x.adjusted.as_ref().map_or(0.0, |a| a.odds_ratio.ln().abs());
        for w in actions.windows(2) {
            assert!(strength(&w[0]) >= strength(&w[1]));
        }
        assert_eq!(f.time_zone, "UTC");
    }
}

/// Stages named by the user replace the detected ones; unknown, repeated or marker stages are
/// refused by name; progress is reported in order up to 1.
#[test]
fn stages_given_and_refused_and_progress() {
    let leads = generate::leads(3000, 5);
    let log = log(&generate::activity_csv(&leads, 5));
    let outcomes: Vec<(String, bool)> = leads.iter().map(|l| (l.id.clone(), l.won)).collect();
    let given = |names: &[&str]| ActivityOptions {
        stages: Some(names.iter().map(|s| s.to_string()).collect()),
        ..ActivityOptions::default()
    };
    let mut seen = Vec::new();
    let f = mine_with_progress(
        &log,
        &outcomes,
        &given(&["meeting", "offer"]),
        &mut |d, _| seen.push(d),
    )
    .expect("mines");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]) && seen.last() == Some(&1.0));
    let got: Vec<(&str, u64)> = f
        .funnel
        .stages
        .iter()
        .map(|s| (s.activity.as_str(), s.reached))
        .collect();
    let detected = mine(&log, &outcomes, &ActivityOptions::default()).expect("mines");
    let reached = |name: &str| {
        detected
            .funnel
            .stages
            .iter()
            .find(|s| s.activity == name)
            .map(|s| s.reached)
    };
    assert_eq!(
        got,
        [
            ("meeting", reached("meeting").expect("stage")),
            ("offer", reached("offer").expect("stage"))
        ]
    );
    assert!(f.funnel.stages_given);
    assert_eq!(f.funnel.before_first_stage, 3000 - got[0].1);
    let e = |names: &[&str]| {
        mine(&log, &outcomes, &given(names))
            .expect_err("refused")
            .to_string()
    };
    assert!(e(&["demo"]).starts_with("stage `demo` is no activity of the log (activities: "));
    assert_eq!(e(&["offer", "offer"]), "stage `offer` is named twice");
    assert_eq!(
        e(&["deal won"]),
        "stage `deal won` marks the outcome (it is an outcome marker), so it cannot be a stage"
    );
    let tz = ActivityOptions {
        tz_offset_minutes: 120,
        ..ActivityOptions::default()
    };
    assert_eq!(
        mine(&log, &outcomes, &tz).expect("mines").time_zone,
        "UTC+02:00"
    );
}
