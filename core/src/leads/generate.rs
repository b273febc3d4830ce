//! A seeded synthetic CRM: leads with planted effects, for tests, benchmarks and the demo.
//!
//! Planted truth (all documented in [`planted_probability`]):
//! - segments with known base win rates: energy companies with ≥ 500 employees (55 %), software
//!   companies under 50 employees (35 %), finance (25 %), everyone else (8 %);
//! - a response-time effect: the base rate is multiplied by 1.0 when the first response came
//!   within 4 hours, 0.7 within 24 hours, 0.4 later;
//! - a weekday effect: × 1.0 for a response Monday–Thursday, 0.75 on Friday, 0.5 at weekends;
//! - a useless acquisition `channel` and `response_channel` (no effect at all), an identifier-
//!   like `company` and an `id`;
//! - a planted leak, `stage_after_call`: the stage the sales team records once the deal is
//!   decided ([`leak_stage`]), which alone ranks won above lost leads with an AUC of about 0.95
//!   and which no new lead has. It is the last column, drawn from its own random stream, so
//!   every other column is what it was before the leak was planted.
//!
//! Columns match [`super::request::Lead`]'s field names, so a model trained on generated data
//! scores API leads directly. The activity log (per-lead sales actions) can be written as CSV
//! with [`activity_csv`] for the event-log analyses: a sales funnel whose stages, drop-off and
//! within-stage effects are planted and documented in [`funnel`]. Deterministic for a seed; no
//! clock.

use super::rng::Rng;
use crate::import::timestamp::format_iso;

pub mod funnel;

pub const INDUSTRIES: [&str; 8] = [
    "energy",
    "software",
    "retail",
    "manufacturing",
    "finance",
    "healthcare",
    "logistics",
    "education",
];
const INDUSTRY_WEIGHTS: [f64; 8] = [0.15, 0.18, 0.14, 0.14, 0.10, 0.11, 0.10, 0.08];
pub const CHANNELS: [&str; 5] = ["web", "referral", "event", "partner", "cold_call"];
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_WEIGHTS: [f64; 7] = [0.18, 0.18, 0.18, 0.18, 0.16, 0.06, 0.06];
pub const RESPONSE_CHANNELS: [&str; 3] = ["email", "phone", "linkedin"];

/// Planted base win rates, by segment.
pub const RATE_ENERGY_LARGE: f64 = 0.55;
pub const RATE_SOFTWARE_SMALL: f64 = 0.35;
pub const RATE_FINANCE: f64 = 0.25;
pub const RATE_OTHER: f64 = 0.08;

/// One generated lead (the truth behind a CSV row).
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticLead {
    pub id: String,
    pub company: String,
    pub company_size: f64,
    pub industry: &'static str,
    pub channel: &'static str,
    pub hours_to_first_response: f64,
    pub response_weekday: &'static str,
    pub response_channel: &'static str,
    /// Creation time, ms since the epoch.
    pub created_at_ms: i64,
    pub won: bool,
    pub deal_value: Option<f64>,
    /// The planted probability this lead was won with.
    pub probability: f64,
    /// The planted leak: filled in from the outcome, see [`leak_stage`].
    pub stage_after_call: &'static str,
}

/// Stages of the planted leak column `stage_after_call`.
pub const LEAK_STAGES: [&str; 3] = ["contract sent", "no answer", "not interested"];
/// Share of leads whose `stage_after_call` disagrees with the outcome.
pub const LEAK_NOISE: f64 = 0.05;

/// The planted leak: "contract sent" for won leads, "no answer" or "not interested" for lost
/// ones, except for a [`LEAK_NOISE`] share drawn from the other side.
pub fn leak_stage(won: bool, rng: &mut Rng) -> &'static str {
    let looks_won = won != rng.chance(LEAK_NOISE);
    if looks_won {
        LEAK_STAGES[0]
    } else {
        LEAK_STAGES[1 + rng.below(2)]
    }
}

/// The planted segment of a lead: 0 energy & ≥ 500, 1 software & < 50, 2 finance, 3 other.
pub fn planted_segment(industry: &str, company_size: f64) -> usize {
    match industry {
        "energy" if company_size >= 500.0 => 0,
        "software" if company_size < 50.0 => 1,
        "finance" => 2,
        _ => 3,
    }
}

/// Multiplier of the response-time effect.
pub fn response_factor(hours: f64) -> f64 {
    if hours <= 4.0 {
        1.0
    } else if hours <= 24.0 {
        0.7
    } else {
        0.4
    }
}

/// Multiplier of the weekday effect.
pub fn weekday_factor(weekday: &str) -> f64 {
    match weekday {
        "Fri" => 0.75,
        "Sat" | "Sun" => 0.5,
        _ => 1.0,
    }
}

/// The planted win probability.
pub fn planted_probability(industry: &str, company_size: f64, hours: f64, weekday: &str) -> f64 {
    let base = [
        RATE_ENERGY_LARGE,
        RATE_SOFTWARE_SMALL,
        RATE_FINANCE,
        RATE_OTHER,
    ][planted_segment(industry, company_size)];
    base * response_factor(hours) * weekday_factor(weekday)
}

/// Generate `rows` leads with `seed`, created over two years from 2024-01-01.
pub fn leads(rows: usize, seed: u64) -> Vec<SyntheticLead> {
    let mut rng = Rng::new(seed);
    // The leak has its own stream so that the planted columns do not depend on it.
    let mut leak_rng = Rng::new(seed ^ 0x1EA4_5747_A6E5_0001);
    let start = 1_704_067_200_000i64; // 2024-01-01T00:00:00Z
    let span = 730 * 86_400_000i64;
    (0..rows)
        .map(|i| {
            let industry = INDUSTRIES[rng.weighted(&INDUSTRY_WEIGHTS)];
            let company_size = (5.0 + 1.5 * rng.normal())
                .exp()
                .round()
                .clamp(1.0, 100_000.0);
            let channel = CHANNELS[rng.below(CHANNELS.len())];
            let hours = ((2.0 + 1.1 * rng.normal()).exp() * 10.0)
                .round()
                .clamp(1.0, 2400.0)
                / 10.0;
            let response_weekday = WEEKDAYS[rng.weighted(&WEEKDAY_WEIGHTS)];
            let response_channel = RESPONSE_CHANNELS[rng.below(RESPONSE_CHANNELS.len())];
            let probability = planted_probability(industry, company_size, hours, response_weekday);
            let won = rng.chance(probability);
            let deal_value =
                won.then(|| (1_000.0 * company_size.sqrt() * (0.4 * rng.normal()).exp()).round());
            let created_at_ms = on_weekday(
                start + (span as f64 * (i as f64 + rng.f64()) / rows.max(1) as f64) as i64,
                hours,
                response_weekday,
            );
            SyntheticLead {
                id: format!("L{:06}", i + 1),
                company: format!("Company {:05}", rng.below(1_000_000)),
                company_size,
                industry,
                channel,
                hours_to_first_response: hours,
                response_weekday,
                response_channel,
                created_at_ms,
                won,
                deal_value,
                probability,
                stage_after_call: leak_stage(won, &mut leak_rng),
            }
        })
        .collect()
}

/// `created_at_ms` moved back by 0–6 whole days so that the first response, `hours` later,
/// falls on `weekday` (UTC): the activity log then carries the planted weekday effect.
fn on_weekday(created_at_ms: i64, hours: f64, weekday: &str) -> i64 {
    let response = created_at_ms + (hours * 3_600_000.0) as i64;
    let actual = weekday_index(response);
    let wanted = WEEKDAYS
        .iter()
        .position(|&d| d == weekday)
        .unwrap_or(actual) as i64;
    created_at_ms - (actual as i64 - wanted).rem_euclid(7) * 86_400_000
}

/// Monday = 0 … Sunday = 6 of a UTC instant (1970-01-01 was a Thursday).
pub fn weekday_index(ms: i64) -> usize {
    (ms.div_euclid(86_400_000) + 3).rem_euclid(7) as usize
}

/// The CSV header of [`leads_csv`].
pub const HEADER: &str = "id,company,company_size,industry,channel,hours_to_first_response,response_weekday,response_channel,created_at,won,deal_value,stage_after_call";

/// Leads as CSV (outcome column `won`, value column `deal_value`, date column `created_at`,
/// the planted leak `stage_after_call` last).
pub fn leads_csv(leads: &[SyntheticLead]) -> String {
    let mut out = String::with_capacity(leads.len() * 125);
    out.push_str(HEADER);
    out.push('\n');
    for l in leads {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            l.id,
            l.company,
            l.company_size,
            l.industry,
            l.channel,
            l.hours_to_first_response,
            l.response_weekday,
            l.response_channel,
            iso_date(l.created_at_ms),
            l.won,
            l.deal_value.map(|v| v.to_string()).unwrap_or_default(),
            l.stage_after_call
        ));
    }
    out
}

/// Sales activity of each lead as an event-log CSV: a funnel with drop-off and planted
/// within-stage effects, see [`funnel`].
pub fn activity_csv(leads: &[SyntheticLead], seed: u64) -> String {
    funnel::activity_csv(leads, seed)
}

fn iso_date(ms: i64) -> String {
    format_iso(ms)[..10].to_string()
}

/// `yyyy-mm-ddTHH:MM:SSZ` (whole seconds, as the generated tables have always been written).
fn iso_datetime(ms: i64) -> String {
    format!("{}Z", &format_iso(ms)[..19])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::table::parse_date;

    #[test]
    fn deterministic_and_dates_round_trip() {
        assert_eq!(leads(50, 3), leads(50, 3));
        assert_ne!(leads(50, 3), leads(50, 4));
        for ms in [0i64, 1_704_067_200_000, 1_767_225_599_000] {
            assert_eq!(parse_date(&iso_datetime(ms)), Some(ms));
        }
        let csv = leads_csv(&leads(3, 1));
        assert_eq!(csv.lines().count(), 4);
        assert!(activity_csv(&leads(3, 1), 1).lines().count() >= 13);
        // The first response falls on the lead's response weekday.
        for l in leads(200, 7) {
            let response = l.created_at_ms + (l.hours_to_first_response * 3_600_000.0) as i64;
            assert_eq!(WEEKDAYS[weekday_index(response)], l.response_weekday);
        }
        assert_eq!(weekday_index(0), 3);
        assert_eq!(weekday_index(1_704_067_200_000), 0); // 2024-01-01, a Monday
    }
}
