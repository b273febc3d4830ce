//! Before / after analysis: what precedes and follows every occurrence of an activity X.
//!
//! The laundry hunt asks, for every `reset`: in which state was the machine before it, what
//! happened next (on the booking, or on the machine: the next booking), how long in between,
//! whether the next booking's customer is the same, which role sent the reset, and whether a
//! sensor error came shortly before. [`before_after`] answers all of it in one call, one pass:
//!
//! - **before / after** ([`Query::before`], [`Query::after`]): the previous / next event of each
//!   occurrence, looked up within the case ([`Scope::Case`]) or along the entity's timeline
//!   ([`Scope::Entity`], e.g. `machine`; with `other_cases` only events of *another* real case
//!   count, so "next" is the next booking on the machine and entity-level events such as error
//!   messages are skipped). [`Side::only`] restricts neighbours to events whose own value of an
//!   attribute equals a value (`source` = `states` makes "previous" the previous *state*).
//!   The distribution is over the neighbour's activity; no neighbour counts as
//!   [`CASE_START`] (before, case scope) or [`NOTHING`] (otherwise), an occurrence without an
//!   entity value as [`NO_ENTITY`];
//! - **time** between X and the neighbour (X − previous, next − X), in seconds, as
//!   [`Quantiles`], over occurrences where both have a timestamp;
//! - **same as** ([`Query::same_as`], e.g. `customer` or `resource`): how often the neighbour's
//!   value equals X's, with the time quantiles split by equal / different. The value of a field
//!   for an event is its own, else the first non-null one in its case (see [`Field`]);
//! - **by** ([`Query::by`]): the same block per value of X's attribute, or per previous / next
//!   activity ([`By::Previous`]: "per previous state"), groups by count descending, ties by value;
//! - **describe**: distributions of X's own attributes in every block (the role shares per
//!   previous state);
//! - **preceded by** ([`Query::preceded_by`]): how many occurrences have an event of a given
//!   activity at most a window earlier, in the case or on the entity.
//!
//! Neighbour lookup is one forward and one backward pass ([`scan`]), not a walk per occurrence.
//!
//! JSON shape of [`BeforeAfter`] (snake_case, stable):
//! ```text
//! { "activity": "reset", "occurrences": 120,
//!   "overall": BLOCK,
//!   "by": null | { "attribute": "sender_role" | "@previous" | "@next",
//!                  "groups": [ { "value": "object manager", "share": 0.6, ...BLOCK } ] } }
//! BLOCK = { "occurrences": 72,
//!           "before": SIDE, "after": SIDE,
//!           "describe": [ { "attribute": "sender_role", "distribution": [{value,count,share}] } ],
//!           "preceded_by": null | { "activity", "within_seconds", "count", "share" } }
//! SIDE  = { "distribution": [ {"value": "finish booking", "count": 70, "share": 0.58}, … ],
//!           "seconds": null | QUANTILES,
//!           "same": null | { "attribute", "compared", "equal", "share",
//!                            "seconds_when_equal": null | QUANTILES,
//!                            "seconds_when_different": null | QUANTILES } }
//! QUANTILES = { "count", "min", "p10", "p25", "median", "p75", "p90", "max", "mean" }
//! ```

mod fields;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests;
mod quantiles;
mod result;
mod scan;
#[cfg(test)]
mod tests;

pub use fields::{activity_code, close_matches, field_names, Field, FieldError, MISSING};
pub use quantiles::Quantiles;
pub use result::{
    BeforeAfter, Block, Breakdown, Described, Group, PrecededResult, Same, SideResult,
};

use crate::log::EventLog;
use crate::toolkit::entity::{real_cases, EntityError, EntityTimeline};
use crate::toolkit::Distribution;
use hashbrown::HashMap;
use scan::{previous_matching, Mode, NONE};
use serde::{Deserialize, Serialize};

/// Label of "no previous event" within the case.
pub const CASE_START: &str = "(case start)";
/// Label of "no neighbour" (nothing follows; nothing before on the entity).
pub const NOTHING: &str = "(none)";
/// Label of an occurrence without a value for the entity attribute.
pub const NO_ENTITY: &str = "(no entity)";

/// Marks an occurrence that has no entity (in the neighbour arrays).
const NO_ENTITY_MARK: u32 = u32::MAX - 1;

/// What to analyse. Every field but `activity` has a default (`{"activity": "reset"}` is a
/// complete query).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Query {
    /// The activity X.
    pub activity: String,
    /// How the previous event is found.
    pub before: Side,
    /// How the next event is found.
    pub after: Side,
    /// Compare this field of X with its neighbours' (e.g. `customer`, `resource`).
    pub same_as: Option<String>,
    /// Break everything down.
    pub by: Option<By>,
    /// Fields of X whose distributions every block shows.
    pub describe: Vec<String>,
    /// Count occurrences preceded by an event of an activity within a window.
    pub preceded_by: Option<Preceded>,
}

/// How a neighbour is looked up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Side {
    pub scope: Scope,
    /// Only events whose own value of an attribute is a value count as neighbours.
    pub only: Option<Condition>,
}

/// Where neighbours are looked up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Within X's case, in log order.
    #[default]
    Case,
    /// Along the timeline of X's entity (the event attribute `attribute`), across cases.
    Entity {
        attribute: String,
        /// Only events of another real case (not X's own, not entity-level events).
        #[serde(default)]
        other_cases: bool,
    },
}

/// `attribute` = `value`, on the event's own value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub attribute: String,
    pub value: String,
}

/// What a breakdown groups occurrences by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// X's value of a field (own, else its case's).
    Attribute(String),
    /// The previous event's activity (as in the `before` distribution).
    Previous,
    /// The next event's activity (as in the `after` distribution).
    Next,
}

/// "Was X preceded by `activity` within `within_ms`?"
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preceded {
    pub activity: String,
    /// The window, in milliseconds (≥ 0).
    pub within_ms: i64,
    #[serde(default)]
    pub scope: Scope,
}

impl Preceded {
    /// "Preceded by `activity` within `within_ms`" looked up in `scope`, but never in other
    /// cases: an error message before a reset counts on the same machine only when that machine
    /// sent it in this case. Shells build it here so the rule is stated once.
    pub fn new(activity: String, within_ms: i64, scope: &Scope) -> Self {
        Preceded {
            activity,
            within_ms,
            scope: scope.own_case(),
        }
    }
}

impl Scope {
    /// The same scope without other cases.
    pub fn own_case(&self) -> Scope {
        match self {
            Scope::Entity { attribute, .. } => Scope::Entity {
                attribute: attribute.clone(),
                other_cases: false,
            },
            Scope::Case => Scope::Case,
        }
    }
}

/// Why a query cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BeforeAfterError {
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Entity(#[from] EntityError),
    #[error("`preceded by` needs timestamps, and this log has none")]
    NoTimestamps,
    #[error("the `preceded by` window must not be negative (got {0} ms)")]
    NegativeWindow(i64),
}

/// One occurrence of X with its neighbours (event indices, [`NONE`] or [`NO_ENTITY_MARK`]).
#[derive(Debug, Clone, Copy)]
struct Occ {
    event: u32,
    prev: u32,
    next: u32,
    preceded: bool,
}

/// Answer `query` over `log` (see the module documentation).
pub fn before_after(log: &EventLog, query: &Query) -> Result<BeforeAfter, BeforeAfterError> {
    let x = activity_code(log, &query.activity)?;
    let acts = log.activity_codes();
    // Resolve every name first, so a bad query fails before any work.
    let before_only = condition(log, query.before.only.as_ref())?;
    let after_only = condition(log, query.after.only.as_ref())?;
    let same = query
        .same_as
        .as_deref()
        .map(|n| Field::resolve(log, n))
        .transpose()?;
    let describe = query
        .describe
        .iter()
        .map(|n| Field::resolve(log, n))
        .collect::<Result<Vec<_>, _>>()?;
    let by_field = match &query.by {
        Some(By::Attribute(n)) => Some(Field::resolve(log, n)?),
        _ => None,
    };
    let preceded_code = match &query.preceded_by {
        Some(p) => {
            if p.within_ms < 0 {
                return Err(BeforeAfterError::NegativeWindow(p.within_ms));
            }
            if !log.has_timestamps() {
                return Err(BeforeAfterError::NoTimestamps);
            }
            Some(activity_code(log, &p.activity)?)
        }
        None => None,
    };
    let mut timelines: Vec<(String, EntityTimeline)> = Vec::new();
    let scopes = [
        Some(&query.before.scope),
        Some(&query.after.scope),
        query.preceded_by.as_ref().map(|p| &p.scope),
    ];
    for scope in scopes.into_iter().flatten() {
        if let Scope::Entity { attribute, .. } = scope {
            if !timelines.iter().any(|(a, _)| a == attribute) {
                timelines.push((attribute.clone(), EntityTimeline::build(log, attribute)?));
            }
        }
    }
    let real = real_cases(log);
    let lookup = Lookup {
        log,
        x,
        timelines: &timelines,
        real: &real,
    };
    let prev = lookup.neighbours(&query.before.scope, false, matcher(&before_only));
    let next = lookup.neighbours(&query.after.scope, true, matcher(&after_only));
    let preceded = match (preceded_code, &query.preceded_by) {
        (Some(a), Some(p)) => {
            // A recipe may carry any scope; the lookup never uses other cases (`Preceded::new`).
            let scope = p.scope.own_case();
            Some((
                lookup.neighbours(&scope, false, |e| acts.get(e as usize) == Some(&a)),
                p.within_ms,
            ))
        }
        _ => None,
    };
    let occs: Vec<Occ> = (0..log.num_events())
        .filter(|&i| acts[i] == x)
        .map(|i| Occ {
            event: i as u32,
            prev: prev[i],
            next: next[i],
            preceded: preceded.as_ref().is_some_and(|(p, within)| {
                let p = p[i];
                p < NO_ENTITY_MARK
                    && matches!(
                        (log.timestamp(i), log.timestamp(p as usize)),
                        (Some(t), Some(tp)) if (0..=*within).contains(&(t - tp))
                    )
            }),
        })
        .collect();
    let ctx = Ctx {
        log,
        query,
        same: same.as_ref(),
        describe: &describe,
        before_missing: missing_label(true, &query.before.scope),
        after_missing: missing_label(false, &query.after.scope),
    };
    let overall = ctx.block(&occs);
    let by = query.by.as_ref().map(|by| match (by, &by_field) {
        (By::Attribute(_), Some(f)) => ctx.breakdown(
            f.name.clone(),
            &occs,
            |o| f.value_or_case(log, o.event as usize),
            |k, _| f.label(k).to_string(),
        ),
        (By::Next, _) => ctx.breakdown(
            "@next".to_string(),
            &occs,
            |o| activity_key(o.next, acts),
            |_, o| ctx.neighbour_label(o.next, false).to_string(),
        ),
        _ => ctx.breakdown(
            "@previous".to_string(),
            &occs,
            |o| activity_key(o.prev, acts),
            |_, o| ctx.neighbour_label(o.prev, true).to_string(),
        ),
    });
    Ok(BeforeAfter {
        activity: query.activity.clone(),
        occurrences: occs.len() as u64,
        overall,
        by,
    })
}

/// A neighbour as a grouping key: its activity code, or its marker.
fn activity_key(neighbour: u32, acts: &[u32]) -> u32 {
    acts.get(neighbour as usize).copied().unwrap_or(neighbour)
}

fn condition(
    log: &EventLog,
    c: Option<&Condition>,
) -> Result<Option<(Field, u32)>, BeforeAfterError> {
    let Some(c) = c else { return Ok(None) };
    let field = Field::resolve(log, &c.attribute)?;
    let code = field.code_of(&c.value)?;
    Ok(Some((field, code)))
}

/// "Does event `e` satisfy the condition?" (always, without one).
fn matcher(only: &Option<(Field, u32)>) -> impl Fn(u32) -> bool + '_ {
    let own = only.as_ref().map(|(f, c)| (f.own.as_slice(), *c));
    move |e: u32| own.is_none_or(|(own, c)| own.get(e as usize) == Some(&c))
}

fn missing_label(before: bool, scope: &Scope) -> &'static str {
    match (before, scope) {
        (true, Scope::Case) => CASE_START,
        _ => NOTHING,
    }
}

struct Lookup<'a> {
    log: &'a EventLog,
    x: u32,
    timelines: &'a [(String, EntityTimeline)],
    real: &'a [bool],
}

impl Lookup<'_> {
    /// Per event (filled for occurrences of X): the neighbour event in `scope` that `matches`,
    /// after (`forward`) or before.
    fn neighbours(&self, scope: &Scope, forward: bool, matches: impl Fn(u32) -> bool) -> Vec<u32> {
        let log = self.log;
        let n = log.num_events() as u32;
        let acts = log.activity_codes();
        let case = log.case_codes();
        let is_x = |e: u32| acts.get(e as usize) == Some(&self.x);
        let mut out = vec![NONE; n as usize];
        match scope {
            Scope::Case => {
                if forward {
                    previous_matching((0..n).rev(), case, Mode::SameCase, is_x, matches, &mut out);
                } else {
                    previous_matching(0..n, case, Mode::SameCase, is_x, matches, &mut out);
                }
            }
            Scope::Entity {
                attribute,
                other_cases,
            } => {
                let Some((_, tl)) = self.timelines.iter().find(|(a, _)| a == attribute) else {
                    return out;
                };
                let mode = if *other_cases {
                    Mode::OtherCase
                } else {
                    Mode::Any
                };
                let real = |e: u32| {
                    !*other_cases
                        || case
                            .get(e as usize)
                            .and_then(|&c| self.real.get(c as usize))
                            .copied()
                            .unwrap_or(false)
                };
                let m = |e: u32| real(e) && matches(e);
                for list in &tl.events {
                    if forward {
                        previous_matching(
                            list.iter().rev().copied(),
                            case,
                            mode,
                            is_x,
                            m,
                            &mut out,
                        );
                    } else {
                        previous_matching(list.iter().copied(), case, mode, is_x, m, &mut out);
                    }
                }
                for (e, slot) in out.iter_mut().enumerate() {
                    if tl.position.get(e).is_some_and(Option::is_none) && is_x(e as u32) {
                        *slot = NO_ENTITY_MARK;
                    }
                }
            }
        }
        out
    }
}

struct Ctx<'a> {
    log: &'a EventLog,
    query: &'a Query,
    same: Option<&'a Field>,
    describe: &'a [Field],
    before_missing: &'static str,
    after_missing: &'static str,
}

impl Ctx<'_> {
    fn neighbour_label(&self, nb: u32, before: bool) -> &str {
        match nb {
            NONE if before => self.before_missing,
            NONE => self.after_missing,
            NO_ENTITY_MARK => NO_ENTITY,
            e => self.log.activities().resolve(
                self.log
                    .activity_codes()
                    .get(e as usize)
                    .copied()
                    .unwrap_or(u32::MAX),
            ),
        }
    }

    fn block(&self, occs: &[Occ]) -> Block {
        let total = occs.len() as u64;
        Block {
            occurrences: total,
            before: self.side(occs, true),
            after: self.side(occs, false),
            describe: self
                .describe
                .iter()
                .map(|f| Described {
                    attribute: f.name.clone(),
                    distribution: count_codes(
                        occs.iter()
                            .map(|o| f.value_or_case(self.log, o.event as usize)),
                        |c| f.label(c),
                    ),
                })
                .collect(),
            preceded_by: self.query.preceded_by.as_ref().map(|p| {
                let count = occs.iter().filter(|o| o.preceded).count() as u64;
                PrecededResult {
                    activity: p.activity.clone(),
                    within_seconds: p.within_ms as f64 / 1000.0,
                    count,
                    share: ratio(count, total),
                }
            }),
        }
    }

    fn side(&self, occs: &[Occ], before: bool) -> SideResult {
        let log = self.log;
        let acts = log.activity_codes();
        let nb = |o: &Occ| if before { o.prev } else { o.next };
        let distribution = count_codes(
            occs.iter().map(|o| activity_key(nb(o), acts)),
            |c| match c {
                NONE | NO_ENTITY_MARK => self.neighbour_label(c, before),
                a => log.activities().resolve(a),
            },
        );
        let gap = |o: &Occ| {
            let (a, b) = (o.event as usize, nb(o) as usize);
            let (ta, tb) = (log.timestamp(a)?, log.timestamp(b)?);
            Some((if before { ta - tb } else { tb - ta }) as f64 / 1000.0)
        };
        let mut seconds: Vec<f64> = occs.iter().filter_map(gap).collect();
        let same = self.same.map(|f| {
            let (mut compared, mut equal) = (0u64, 0u64);
            let (mut eq_s, mut ne_s) = (Vec::new(), Vec::new());
            for o in occs.iter().filter(|o| nb(o) < NO_ENTITY_MARK) {
                let a = f.value_or_case(log, o.event as usize);
                let b = f.value_or_case(log, nb(o) as usize);
                if a == MISSING || b == MISSING {
                    continue;
                }
                compared += 1;
                let bucket = if a == b {
                    equal += 1;
                    &mut eq_s
                } else {
                    &mut ne_s
                };
                bucket.extend(gap(o));
            }
            Same {
                attribute: f.name.clone(),
                compared,
                equal,
                share: ratio(equal, compared),
                seconds_when_equal: Quantiles::of(&mut eq_s),
                seconds_when_different: Quantiles::of(&mut ne_s),
            }
        });
        SideResult {
            distribution,
            seconds: Quantiles::of(&mut seconds),
            same,
        }
    }

    fn breakdown(
        &self,
        attribute: String,
        occs: &[Occ],
        key: impl Fn(&Occ) -> u32,
        name: impl Fn(u32, &Occ) -> String,
    ) -> Breakdown {
        // Keyed by code; each group's name is built once, from its first member.
        let mut groups: HashMap<u32, (String, Vec<Occ>)> = HashMap::new();
        for o in occs {
            let k = key(o);
            groups
                .entry(k)
                .or_insert_with(|| (name(k, o), Vec::new()))
                .1
                .push(*o);
        }
        let total = occs.len() as u64;
        let mut groups: Vec<Group> = groups
            .into_values()
            .map(|(value, members)| Group {
                value,
                share: ratio(members.len() as u64, total),
                block: self.block(&members),
            })
            .collect();
        groups.sort_by(|a, b| {
            b.block
                .occurrences
                .cmp(&a.block.occurrences)
                .then_with(|| a.value.cmp(&b.value))
        });
        Breakdown { attribute, groups }
    }
}

/// Count codes (any u32, markers included) and name them: the [`Distribution`] of a column.
fn count_codes<'a>(
    codes: impl Iterator<Item = u32>,
    label: impl Fn(u32) -> &'a str,
) -> Distribution {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for c in codes {
        *counts.entry(c).or_default() += 1;
    }
    Distribution::from_counts(counts.into_iter().map(|(c, n)| (label(c), n)))
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
