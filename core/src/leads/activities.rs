//! Sales-activity mining: which actions and timings separate won from lost leads.
//!
//! A lead's activities (lead created, first response, follow-ups, meetings, offers …, each with
//! a timestamp and attributes such as the channel) form an event log whose case id is the lead
//! id. [`mine`] joins every case to its lead's outcome and compares won with lost leads:
//!
//! 1. **Join.** Cases are matched to leads by id. Leads without any activity and cases without
//!    a lead are counted (with examples) in the [`JoinReport`], never dropped silently; only
//!    matched cases are analysed.
//! 2. **Outcome markers.** An activity that (nearly) only one outcome group has, such as
//!    `deal won` / `deal lost`, leaks the outcome: it is reported in
//!    [`ActivityFindings::outcome_markers`] and its events are left out of everything below.
//!    Rule: it occurs in at least [`ActivityOptions::marker_min_share`] of one group's leads
//!    and in the other group at most [`ActivityOptions::marker_leak_ratio`] times as often
//!    (by share of leads). How often it ends its case is reported alongside.
//! 3. **Funnel stages** (see [`stages`]): the ordered milestone activities, given
//!    ([`ActivityOptions::stages`]) or detected from the log's order, each lead's furthest stage,
//!    and per stage how many leads reached it and how many of those were won.
//! 4. **Per-lead features** for each remaining activity (see [`features`]): whether the lead has
//!    it, how often, hours from lead creation (the case's first event) and from the previous
//!    step to its first occurrence (bucketed at cut points chosen from the data, see
//!    [`timing`]), the weekday and hour of day of that first occurrence in the user's time zone
//!    (a fixed offset, default UTC, stated in [`ActivityFindings::time_zone`]), and every
//!    categorical event attribute and the resource of that first occurrence. Each feature is a
//!    table of win rates per bucket with a chi-square test (won × bucket) and Cramér's V, and a
//!    **stage-adjusted** comparison (see [`adjust`]): Cochran–Mantel–Haenszel over the leads'
//!    furthest stages, common odds ratio and standardised win rates. Its [`Verdict`]: `action`
//!    when it separates won from lost among leads at the same stage, `stage` when it does so
//!    only through how far leads got (and always for a milestone's presence or count).
//! 5. **Process views**, from the toolkit on the log without markers: the most frequent
//!    variants with their win rates, and `toolkit::compare` of won (A) vs lost (B) leads
//!    (attribute ranking and directly-follows difference).
//! 6. **Findings**: deterministic sentences, with their numbers, each of kind `stage` or
//!    `action` (or marker / no difference) and what it is `adjusted_for` (see [`findings`]).
//!
//! [`mine_with_progress`] reports how far it got, for a web worker's progress bar; the result
//! is plain serde data.
//!
//! Lead outcomes come as `(id, won)` pairs; [`outcomes_from_csv`] reads them from a lead table
//! with the lead table's CSV reader and outcome spelling (true/false, 1/0, yes/no, won/lost).

pub mod adjust;
pub mod features;
pub mod findings;
mod markers;
pub mod stages;
#[cfg(test)]
mod tests;
pub mod timing;

pub use adjust::Adjusted;
pub use features::{Bucket, FeatureEffect, FeatureKind, NumericTest, Verdict};
pub use findings::{Finding, FindingKind};
pub use markers::{Outcome, OutcomeMarker};
pub use stages::{Funnel, Stage};

use super::csv::{self as lead_csv, CsvError};
use super::table::{is_missing, parse_outcome, Rejected};
use crate::log::EventLog;
use crate::toolkit::compare::{self, CompareError, CompareOptions, Comparison};
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// Tunables of [`mine`]; the defaults are the documented thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityOptions {
    /// Cut points (hours, increasing) of the time buckets, e.g. 4, 24, 72: `≤ 4 h`, `4–24 h`,
    /// `1–3 d`, `> 3 d`. Default empty: chosen per feature from the data (quartiles snapped to
    /// round durations, see `timing::chosen_cuts`).
    pub time_cuts_hours: Vec<f64>,
    /// The funnel's milestone activities in order; `None` (default): detected from the log.
    pub stages: Option<Vec<String>>,
    /// Minutes east of UTC in which weekday and hour of day are read. Default 0 (UTC).
    pub tz_offset_minutes: i32,
    /// A detected milestone is in at least this share of the leads. Default 0.05.
    pub stage_min_share: f64,
    /// ... occurs once in at least this share of the leads that have it. Default 0.9.
    pub stage_once_share: f64,
    /// ... and nearly all leads with it (this share) have the previous milestone, first
    /// occurring before it. Default 0.95.
    pub stage_consistency: f64,
    /// At most this many detected milestones. Default 8.
    pub max_stages: usize,
    /// A stage-adjusted odds ratio must be at least this far from 1 (or its inverse) to make an
    /// action. Default 1.25.
    pub min_odds_ratio: f64,
    /// Sentences about features that separate won from lost only through the stage. Default 3.
    pub max_stage_findings: usize,
    /// A marker occurs in at least this share of one outcome group's leads. Default 0.05.
    pub marker_min_share: f64,
    /// ... and in the other group's leads at most this ratio as often. Default 0.02.
    pub marker_leak_ratio: f64,
    /// Activities in fewer than this share of the analysed leads get no features. Default 0.01.
    pub min_activity_share: f64,
    /// At most this many activities (the most frequent) get features. Default 30.
    pub max_activities: usize,
    /// Attribute values shown and tested individually; the rest is `(other)`. Default 12.
    pub top_values: usize,
    /// Buckets with fewer leads are shown but never named best or worst. Default 30.
    pub min_bucket: u64,
    /// Cramér's V below this is negligible. Default 0.05.
    pub min_effect: f64,
    /// Significance level. Default 0.05.
    pub alpha: f64,
    /// One bucket holding this share of the tested leads makes a feature `constant`. Default 0.99.
    pub constant_share: f64,
    /// Variants listed. Default 10.
    pub top_variants: usize,
    /// Sentences about separating features (at most two per activity). Default 8.
    pub max_findings: usize,
    /// Sentences about features that make no difference. Default 5.
    pub max_no_difference: usize,
    /// Options of the won-vs-lost `toolkit::compare`.
    pub compare: CompareOptions,
}

impl Default for ActivityOptions {
    fn default() -> Self {
        ActivityOptions {
            time_cuts_hours: Vec::new(),
            stages: None,
            tz_offset_minutes: 0,
            stage_min_share: 0.05,
            stage_once_share: 0.9,
            stage_consistency: 0.95,
            max_stages: 8,
            min_odds_ratio: 1.25,
            max_stage_findings: 3,
            marker_min_share: 0.05,
            marker_leak_ratio: 0.02,
            min_activity_share: 0.01,
            max_activities: 30,
            top_values: 12,
            min_bucket: 30,
            min_effect: 0.05,
            alpha: 0.05,
            constant_share: 0.99,
            top_variants: 10,
            max_findings: 8,
            max_no_difference: 5,
            compare: CompareOptions::default(),
        }
    }
}

/// Why the activity log cannot be mined against the lead table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ActivityError {
    #[error("lead table: {0}")]
    Csv(#[from] CsvError),
    #[error(
        "the lead table has no {role} column `{name}` (columns: {available}); name it with {flag}"
    )]
    NoColumn {
        role: &'static str,
        name: String,
        available: String,
        flag: &'static str,
    },
    #[error("no row of the lead table has a readable outcome ({rejected} rows rejected{first}); check the outcome column")]
    NoLeads { rejected: usize, first: String },
    #[error("no case of the activity log matches a lead id (log cases look like `{case_example}`, lead ids like `{lead_example}`); check the id column and the log's case column")]
    NoMatch {
        case_example: String,
        lead_example: String,
    },
    #[error(
        "all {leads} matched leads are {outcome}: won and lost leads are needed to compare them"
    )]
    OneOutcome { leads: u64, outcome: &'static str },
    #[error("time cut points must be finite, positive and increasing, got {0:?}")]
    BadCuts(Vec<f64>),
    #[error("stage `{name}` is no activity of the log (activities: {known}…)")]
    NoSuchStage { name: String, known: String },
    #[error("stage `{0}` is named twice")]
    StageRepeated(String),
    #[error("stage `{0}` marks the outcome (it is an outcome marker), so it cannot be a stage")]
    StageIsMarker(String),
    #[error("time zone offset {0} minutes is out of range (−14:00 … +14:00)")]
    BadTimeZone(i32),
    #[error(transparent)]
    Compare(#[from] CompareError),
}

/// Lead outcomes read from a lead table, and the rows that had none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadOutcomes {
    /// `(lead id, won)` in table order (duplicates kept; [`mine`] uses the first).
    pub outcomes: Vec<(String, bool)>,
    /// Rows without a usable id or outcome, with their line.
    pub rejected: Vec<Rejected>,
}

/// Read `(id, won)` from lead-table CSV bytes: `id_column` names the lead id (the activity
/// log's case id), `outcome_column` the outcome.
pub fn outcomes_from_csv(
    bytes: &[u8],
    id_column: &str,
    outcome_column: &str,
) -> Result<LeadOutcomes, ActivityError> {
    let parsed = lead_csv::parse(bytes)?;
    let find = |role: &'static str, flag: &'static str, name: &str| {
        parsed
            .header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| ActivityError::NoColumn {
                role,
                name: name.to_string(),
                available: parsed.header.join(", "),
                flag,
            })
    };
    let id_col = find("id", "--id", id_column)?;
    let outcome_col = find("outcome", "--outcome", outcome_column)?;
    let mut outcomes = Vec::with_capacity(parsed.records.len());
    let mut rejected = Vec::new();
    for r in &parsed.records {
        let reject = |column: &str, reason: String| Rejected {
            line: r.line,
            column: Some(column.to_string()),
            reason,
        };
        let id = r.fields.get(id_col).map_or("", |s| s.trim());
        let raw = r.fields.get(outcome_col).map_or("", |s| s.trim());
        if is_missing(id) {
            rejected.push(reject(id_column, "the lead id is missing".into()));
            continue;
        }
        match parse_outcome(raw) {
            Some(won) => outcomes.push((id.to_string(), won)),
            None => rejected.push(reject(
                outcome_column,
                if is_missing(raw) {
                    "the outcome is missing".into()
                } else {
                    format!(
                        "`{}` is not an outcome (expected true/false, 1/0, yes/no, won/lost)",
                        clip(raw)
                    )
                },
            )),
        }
    }
    if outcomes.is_empty() {
        let first = rejected
            .first()
            .map(|r| format!("; first: line {}: {}", r.line, r.reason))
            .unwrap_or_default();
        return Err(ActivityError::NoLeads {
            rejected: rejected.len(),
            first,
        });
    }
    Ok(LeadOutcomes { outcomes, rejected })
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// How the lead table and the activity log matched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JoinReport {
    /// Distinct lead ids with an outcome.
    pub leads: u64,
    /// Further rows repeating an id (the first row's outcome is used).
    pub duplicate_leads: u64,
    /// Cases in the activity log.
    pub cases: u64,
    /// Cases matched to a lead.
    pub matched: u64,
    /// Leads with no case in the log, and how many of them were won.
    pub leads_without_activity: u64,
    pub leads_without_activity_won: u64,
    /// Cases whose id is no lead (left out of the analysis).
    pub cases_without_lead: u64,
    /// Matched cases that hold nothing but outcome markers (left out).
    pub cases_only_markers: u64,
    /// Matched cases analysed (with at least one action), and their outcomes.
    pub analysed: u64,
    pub won: u64,
    pub lost: u64,
    /// Up to 5 lead ids without activity, in table order.
    pub examples_leads_without_activity: Vec<String>,
    /// Up to 5 case ids without a lead, in log order.
    pub examples_cases_without_lead: Vec<String>,
}

/// A variant (activity sequence without markers) and how its leads ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantOutcome {
    pub activities: Vec<String>,
    pub leads: u64,
    pub won: u64,
    pub win_rate: f64,
    /// Share of the analysed leads.
    pub share: f64,
}

/// Everything [`mine`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityFindings {
    pub join: JoinReport,
    /// Win rate of the analysed leads.
    pub win_rate: f64,
    pub outcome_markers: Vec<OutcomeMarker>,
    /// Plain-language statements, markers first, then separating actions, then no-differences.
    pub findings: Vec<Finding>,
    /// Ranked: informative first, then Cramér's V descending, p ascending, name.
    pub features: Vec<FeatureEffect>,
    /// The most frequent variants (count descending, ties by sequence).
    pub variants: Vec<VariantOutcome>,
    /// `toolkit::compare` of won (A) vs lost (B) leads on the log without markers.
    pub comparison: Comparison,
    /// The given cut points (empty: chosen per feature, see each feature's `cuts_hours`).
    pub time_cuts_hours: Vec<f64>,
    /// The funnel (`stages`: milestones in order, how many leads reached each, their win
    /// rate), where the stages came from, and the leads before the first one.
    #[serde(flatten)]
    pub funnel: Funnel,
    /// What the action findings are adjusted for: `["stage"]`, or empty without stages.
    pub adjusted_for: Vec<String>,
    /// The time zone weekday and hour are read in (`UTC`, `UTC+02:00`).
    pub time_zone: String,
}

/// Mine `log` (one case per lead) against the leads' `outcomes`.
pub fn mine(
    log: &EventLog,
    outcomes: &[(String, bool)],
    opts: &ActivityOptions,
) -> Result<ActivityFindings, ActivityError> {
    mine_with_progress(log, outcomes, opts, &mut |_, _| {})
}

/// [`mine`], telling `progress(done, step)` how far it got (`done` in 0..=1, `step` names the
/// step), e.g. for a web worker's progress bar.
pub fn mine_with_progress(
    log: &EventLog,
    outcomes: &[(String, bool)],
    opts: &ActivityOptions,
    progress: &mut dyn FnMut(f64, &str),
) -> Result<ActivityFindings, ActivityError> {
    let cuts = &opts.time_cuts_hours;
    if cuts.iter().any(|c| !c.is_finite() || *c <= 0.0) || cuts.windows(2).any(|w| w[0] >= w[1]) {
        return Err(ActivityError::BadCuts(cuts.clone()));
    }
    if opts.tz_offset_minutes.abs() > 14 * 60 {
        return Err(ActivityError::BadTimeZone(opts.tz_offset_minutes));
    }
    progress(0.0, "join");
    let mut join = JoinReport::default();
    let mut by_id: HashMap<&str, (bool, bool)> = HashMap::with_capacity(outcomes.len());
    for (id, won) in outcomes {
        match by_id.entry(id.as_str()) {
            hashbrown::hash_map::Entry::Occupied(_) => join.duplicate_leads += 1,
            hashbrown::hash_map::Entry::Vacant(slot) => {
                slot.insert((*won, false));
            }
        }
    }
    join.leads = by_id.len() as u64;
    join.cases = log.num_cases() as u64;
    // Per case of the full log: its outcome, if it is a lead.
    let mut outcome_of: Vec<Option<bool>> = Vec::with_capacity(log.num_cases());
    for id in log.case_ids().iter() {
        match by_id.get_mut(id) {
            Some(entry) => {
                entry.1 = true;
                join.matched += 1;
                outcome_of.push(Some(entry.0));
            }
            None => {
                join.cases_without_lead += 1;
                if join.examples_cases_without_lead.len() < 5 {
                    join.examples_cases_without_lead.push(id.to_string());
                }
                outcome_of.push(None);
            }
        }
    }
    for (id, won) in outcomes {
        if let Some(entry) = by_id.get_mut(id.as_str()) {
            if !entry.1 {
                entry.1 = true; // count each id once
                join.leads_without_activity += 1;
                join.leads_without_activity_won += u64::from(*won);
                if join.examples_leads_without_activity.len() < 5 {
                    join.examples_leads_without_activity.push(id.clone());
                }
            }
        }
    }
    if join.matched == 0 {
        return Err(ActivityError::NoMatch {
            case_example: log.case_ids().get(0).unwrap_or("").to_string(),
            lead_example: outcomes.first().map(|o| o.0.clone()).unwrap_or_default(),
        });
    }
    let matched_won = outcome_of.iter().filter(|o| **o == Some(true)).count() as u64;
    one_outcome(join.matched, matched_won)?;
    let outcome_markers = markers::markers(log, &outcome_of, opts);
    let is_marker = |a: u32| {
        let name = log.activities().resolve(a);
        outcome_markers.iter().any(|m| m.activity == name)
    };
    let marker_code: Vec<bool> = (0..log.activities().len() as u32).map(is_marker).collect();
    let keep: Vec<bool> = (0..log.num_events())
        .map(|i| {
            outcome_of[log.case_codes()[i] as usize].is_some()
                && !marker_code[log.activity_codes()[i] as usize]
        })
        .collect();
    let sub = log.select_events(&keep);
    join.analysed = sub.num_cases() as u64;
    join.cases_only_markers = join.matched - join.analysed;
    let won: Vec<bool> = sub
        .case_ids()
        .iter()
        .map(|id| by_id.get(id).is_some_and(|e| e.0))
        .collect();
    join.won = won.iter().filter(|&&w| w).count() as u64;
    join.lost = join.analysed - join.won;
    one_outcome(join.analysed, join.won)?;
    progress(0.1, "stages");
    let marker_names: Vec<String> = outcome_markers.iter().map(|m| m.activity.clone()).collect();
    let milestones = stages::milestones(&sub, &won, opts.stages.as_deref(), &marker_names, opts)?;
    let furthest = stages::furthest(&sub, &milestones);
    let funnel = stages::funnel(&sub, &milestones, &furthest, &won, opts.stages.is_some());
    let mut stratum_names = vec!["(before the first stage)".to_string()];
    stratum_names.extend(funnel.stages.iter().map(|s| s.activity.clone()));
    let mut milestone = vec![false; sub.activities().len()];
    for &a in &milestones {
        milestone[a as usize] = true;
    }
    let strata = features::Strata {
        of: &furthest,
        names: &stratum_names,
        milestone: &milestone,
    };
    progress(0.15, "compare");
    let lost: Vec<bool> = won.iter().map(|w| !w).collect();
    let comparison = compare::compare(&sub, &won, &lost, &opts.compare)?;
    progress(0.3, "features");
    let features = features::features(&sub, &won, &strata, opts, &mut |done| {
        progress(0.3 + 0.65 * done, "features")
    });
    let variants = variants(&sub, &won, opts.top_variants);
    let win_rate = join.won as f64 / join.analysed as f64;
    let adjusted_for: Vec<String> = if milestones.is_empty() {
        Vec::new()
    } else {
        vec!["stage".to_string()]
    };
    let findings = findings::findings(
        &outcome_markers,
        &funnel,
        &features,
        join.analysed,
        &adjusted_for,
        opts,
    );
    progress(1.0, "done");
    Ok(ActivityFindings {
        funnel,
        adjusted_for,
        time_zone: timing::tz_name(opts.tz_offset_minutes),
        join,
        win_rate,
        outcome_markers,
        findings,
        features,
        variants,
        comparison,
        time_cuts_hours: cuts.clone(),
    })
}

/// `log` with the case attribute `attribute` set to `won` or `lost` from `outcomes` (the first
/// row of a repeated id counts, as in [`mine`]); cases that match no lead have none, and an
/// attribute of that name is replaced. This is how a shell opens the activity log in the
/// process view "filtered to won (lost) leads": the toolkit's case-attribute filter and the
/// won-vs-lost comparison then work on it like on any case attribute.
pub fn with_outcome_attribute(
    mut log: EventLog,
    outcomes: &[(String, bool)],
    attribute: &str,
) -> EventLog {
    use crate::log::{Column, ColumnType, Value};
    let mut by_id: HashMap<&str, bool> = HashMap::with_capacity(outcomes.len());
    for (id, won) in outcomes {
        by_id.entry(id.as_str()).or_insert(*won);
    }
    let mut column = Column::new(attribute, ColumnType::Str);
    for (case, id) in log.case_ids().iter().enumerate() {
        if let Some(&won) = by_id.get(id) {
            column.set(case, Value::Str(if won { "won" } else { "lost" }));
        }
    }
    column.pad_to(log.num_cases());
    log.case_attrs.retain(|c| c.name() != attribute);
    log.case_attrs.push(column);
    log
}

/// Refuse `leads` of which `won` are won when they are all won or all lost.
fn one_outcome(leads: u64, won: u64) -> Result<(), ActivityError> {
    if won == 0 || won == leads {
        return Err(ActivityError::OneOutcome {
            leads,
            outcome: if won == 0 { "lost" } else { "won" },
        });
    }
    Ok(())
}

/// The most frequent variants with their win rates.
fn variants(log: &EventLog, won: &[bool], top: usize) -> Vec<VariantOutcome> {
    let all = crate::mining::variants(log);
    let total = log.num_cases().max(1) as f64;
    all.variants
        .iter()
        .take(top)
        .map(|v| {
            let w = v
                .cases
                .iter()
                .filter(|&&c| won.get(c as usize).copied().unwrap_or(false))
                .count() as u64;
            VariantOutcome {
                activities: all.names(v).iter().map(|s| s.to_string()).collect(),
                leads: v.count,
                won: w,
                win_rate: w as f64 / v.count.max(1) as f64,
                share: v.count as f64 / total,
            }
        })
        .collect()
}
