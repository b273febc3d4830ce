//! The synthetic CRM's activity log as a sales funnel, so that stage-conditional mining has a
//! known truth to recover: how far a lead got and what was done within a stage are planted
//! separately.
//!
//! Planted truth (the tests of `leads::activities` recover it):
//! - **Milestones**, in the order of [`STAGES`], each at most once per lead: `lead created` →
//!   `first response` → `meeting` → `offer` → `negotiation`; then `deal won` or `deal lost` (the
//!   outcome markers). Every lead is created and answered: the first response comes
//!   `hours_to_first_response` after creation, on `response_weekday`, so the lead table's
//!   response-time and weekday effects are in the log.
//! - **Drop-off.** Won leads pass the meeting and the offer; [`WON_NEGOTIATE`] of them negotiate,
//!   the rest accept the offer as it is. Lost leads reach each next stage with probability
//!   [`LOST_ADVANCE`] (meeting, offer, negotiation). Given the outcome, the stage reached is
//!   independent of everything else, so the lead table's response-time and weekday effects hold
//!   within every stage with the odds ratio they have in the table.
//! - **Follow-ups are a stage effect only.** After every milestone but the last one it reached,
//!   a lead gets 0, 1 or 2 `follow-up`s (equally likely, 1–72 h apart, a random channel), won or
//!   lost alike: won leads have more follow-ups only because they got further.
//! - **Offer speed is an action effect within the stage.** The offer comes a delay
//!   after the lead's previous event: fast (uniform 2–48 h) with probability
//!   [`OFFER_FAST_WON`] for won and [`OFFER_FAST_LOST`] for lost leads, else slow (uniform
//!   48–240 h); [`offer_delay_cdf`] is the planted distribution, so the odds ratio of any delay
//!   bucket among leads that got an offer can be computed exactly
//!   (`odds(0.65) / odds(0.35)` ≈ 3.45 for "within 2 d").
//! - **Useless:** the channel of every follow-up and of the first response, the `resource`
//!   (one of [`REPS`], at random) and the hour of day.
//!
//! Deterministic for a seed; no clock.

use super::{iso_datetime, SyntheticLead, RESPONSE_CHANNELS};
use crate::leads::rng::Rng;

/// The planted milestones, in funnel order.
pub const STAGES: [&str; 5] = [
    "lead created",
    "first response",
    "meeting",
    "offer",
    "negotiation",
];
/// Share of won leads that negotiate (the rest accept the offer).
pub const WON_NEGOTIATE: f64 = 0.6;
/// Probability that a lost lead reaches the meeting, the offer (given the meeting) and the
/// negotiation (given the offer).
pub const LOST_ADVANCE: f64 = 0.5;
/// Probability of a fast offer (within 48 h of the previous event) for won and lost leads.
pub const OFFER_FAST_WON: f64 = 0.65;
pub const OFFER_FAST_LOST: f64 = 0.35;
/// Sales reps (the resource, useless).
pub const REPS: [&str; 4] = ["Ada", "Ben", "Cleo", "Dev"];

const HOUR: f64 = 3_600_000.0;

/// The planted probability that the offer delay is at most `hours`, for a won or lost lead.
pub fn offer_delay_cdf(hours: f64, won: bool) -> f64 {
    let uniform = |lo: f64, hi: f64| ((hours - lo) / (hi - lo)).clamp(0.0, 1.0);
    let fast = if won { OFFER_FAST_WON } else { OFFER_FAST_LOST };
    fast * uniform(2.0, 48.0) + (1.0 - fast) * uniform(48.0, 240.0)
}

/// One draw of the offer delay in hours.
fn offer_delay(rng: &mut Rng, won: bool) -> f64 {
    let fast = rng.chance(if won { OFFER_FAST_WON } else { OFFER_FAST_LOST });
    if fast {
        2.0 + 46.0 * rng.f64()
    } else {
        48.0 + 192.0 * rng.f64()
    }
}

/// The index in [`STAGES`] of the furthest milestone a lead reaches.
fn furthest(rng: &mut Rng, won: bool) -> usize {
    if won {
        return if rng.chance(WON_NEGOTIATE) { 4 } else { 3 };
    }
    let mut s = 1;
    while s < 4 && rng.chance(LOST_ADVANCE) {
        s += 1;
    }
    s
}

/// Sales activity of each lead as an event-log CSV (`case,activity,timestamp,channel,resource`),
/// a funnel with the planted truth of this module.
pub fn activity_csv(leads: &[SyntheticLead], seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0xA5A5_A5A5);
    let mut out = String::from("case,activity,timestamp,channel,resource\n");
    for l in leads {
        let rep = REPS[rng.below(REPS.len())];
        let mut push = |activity: &str, t: f64, channel: &str| {
            out.push_str(&format!(
                "{},{activity},{},{channel},{rep}\n",
                l.id,
                iso_datetime(t as i64)
            ));
        };
        let last = furthest(&mut rng, l.won);
        let mut t = l.created_at_ms as f64;
        for (s, stage) in STAGES.iter().enumerate().take(last + 1) {
            match s {
                0 => push(stage, t, l.channel),
                1 => {
                    t = l.created_at_ms as f64 + l.hours_to_first_response * HOUR;
                    push(stage, t, l.response_channel);
                }
                _ => {
                    t += match s {
                        3 => offer_delay(&mut rng, l.won),
                        _ => 24.0 + 120.0 * rng.f64(),
                    } * HOUR;
                    let channel = if s == 2 { "video" } else { "email" };
                    push(stage, t, channel);
                }
            }
            if s >= 1 && s < last {
                for _ in 0..rng.below(3) {
                    t += (1.0 + 71.0 * rng.f64()) * HOUR;
                    push(
                        "follow-up",
                        t,
                        RESPONSE_CHANNELS[rng.below(RESPONSE_CHANNELS.len())],
                    );
                }
            }
        }
        t += (24.0 + 216.0 * rng.f64()) * HOUR;
        push(if l.won { "deal won" } else { "deal lost" }, t, "email");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::generate::leads;

    #[test]
    fn funnel_is_ordered_deterministic_and_planted() {
        let ls = leads(3000, 5);
        let csv = activity_csv(&ls, 5);
        assert_eq!(csv, activity_csv(&ls, 5));
        // Per lead: the milestones seen so far (they must come in funnel order, none skipped or
        // repeated) and whether it was won.
        let mut stage_of = std::collections::BTreeMap::<&str, (usize, bool)>::new();
        let mut prev: Option<(&str, &str)> = None;
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (id, act, at) = (f[0], f[1], f[2]);
            if let Some((pid, pat)) = prev.filter(|p| p.0 == id) {
                assert!(pat <= at, "{pid}: out of order");
            }
            prev = Some((id, at));
            if let Some(s) = STAGES.iter().position(|&x| x == act) {
                let e = stage_of.entry(id).or_insert((0, false));
                assert_eq!(e.0, s, "{id}: {act} out of funnel order");
                e.0 = s + 1;
            }
            if act == "deal won" {
                stage_of.entry(id).or_default().1 = true;
            }
        }
        // v.0 is now the number of milestones reached: won leads got an offer at least.
        let won: Vec<usize> = stage_of.values().filter(|v| v.1).map(|v| v.0).collect();
        assert!(!won.is_empty() && won.iter().all(|&s| s >= 4));
        let lost_first = stage_of.values().filter(|v| !v.1 && v.0 == 2).count() as f64;
        let lost = stage_of.values().filter(|v| !v.1).count() as f64;
        assert!(
            (lost_first / lost - 0.5).abs() < 0.04,
            "{}",
            lost_first / lost
        );
        assert!((offer_delay_cdf(48.0, true) - 0.65).abs() < 1e-12);
        assert_eq!(offer_delay_cdf(240.0, false), 1.0);
    }
}
