//! Merging sources: several tables about the same entities become one [`EventLog`].
//!
//! The *primary* source is grouped by case (machine states, case = booking) and names the entity
//! each event happened on in an event attribute (`machine`). Each *secondary* source (remote
//! commands, error messages) was imported with its entity column as the case column, so its case
//! id is the entity id. Every primary case runs on one entity over an interval (see
//! [`case_intervals`]); a secondary event at time `t` on entity `E` joins the case running on
//! `E` at `t` (the one that started last when several do), or else becomes an *entity-level*
//! event in the holder case [`ENTITY_CASE_PREFIX`]` + E`. Nothing is dropped: a secondary event
//! without a timestamp cannot be placed and is kept entity-level, counted as `unplaced`.
//!
//! Every output event keeps its attributes and resource and gains `source` (the source's name)
//! and the entity attribute. The entity attribute is written as text for secondary events (their
//! case id); a numeric entity column in the primary is widened to text when they meet.
//!
//! Cost: one pass per source, per-entity interval lists sorted once, one binary search per
//! secondary event; the output is built by [`EventLogBuilder`] (one sort).

use super::entity::ENTITY_CASE_PREFIX;
use crate::log::{ColumnType, EventLog, EventLogBuilder, Value, NO_RESOURCE};
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

mod intervals;
pub mod sources;
#[cfg(test)]
mod tests;

pub use intervals::{case_intervals, CaseInterval, Intervals};

/// The event attribute that names each output event's source.
pub const SOURCE_ATTR: &str = "source";

/// What to merge on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MergeOptions {
    /// The entity attribute of the primary (e.g. `machine`); also written on every output event.
    pub entity: String,
    /// Activities of the primary that end a case (e.g. `logged out`). A case whose last event is
    /// one of them ends there; any other case, and every case when this is empty, stays open
    /// until the next case on its entity starts.
    pub closes: Vec<String>,
}

/// One input log and the name its events carry in the `source` attribute.
#[derive(Debug, Clone, Copy)]
pub struct MergeSource<'a> {
    pub name: &'a str,
    pub log: &'a EventLog,
}

/// Why sources could not be merged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("the primary source `{source_name}` has no event attribute `{attribute}` to use as entity; name one of its event attributes ({available})")]
    NoEntityAttribute {
        source_name: String,
        attribute: String,
        available: String,
    },
    #[error("the primary source `{0}` has no timestamps, so cases have no time span to attach events to; import it with a timestamp column")]
    PrimaryWithoutTimestamps(String),
    #[error("two sources are named `{0}`; give each source its own name")]
    DuplicateSource(String),
    #[error("source `{source_name}` already has an event attribute `{attribute}`, which the merge writes; rename or drop that column first")]
    ReservedAttribute {
        source_name: String,
        attribute: String,
    },
    #[error("the entity attribute name is empty; name the attribute that says which entity an event happened on (e.g. machine)")]
    EmptyEntity,
}

/// Counts for one source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    pub name: String,
    /// `primary` or `secondary`.
    pub role: String,
    /// Events read from this source (= events written for it).
    pub events: u64,
    /// Events in a case (every primary event; secondary events that found a running case).
    pub attached: u64,
    /// Events written to an entity-level case.
    pub entity_level: u64,
    /// Secondary events without a timestamp (kept entity-level, so also in `entity_level`).
    pub unplaced: u64,
}

/// A secondary event that could not be placed in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnplacedExample {
    pub source: String,
    /// Its case id in the source, i.e. its entity.
    pub entity: String,
    pub activity: String,
    /// Its position among the source log's events (0-based, log order).
    pub event: u64,
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MergeReport {
    pub entity: String,
    pub sources: Vec<SourceReport>,
    /// Events in the merged log (the sum of all sources).
    pub events: u64,
    /// Cases of the primary (all kept).
    pub cases: u64,
    /// Primary cases that end with one of the `closes` activities.
    pub closed_cases: u64,
    /// Primary cases whose events name several entities (the first one is used).
    pub multi_entity_cases: u64,
    /// Primary cases with no entity value (nothing attaches to them).
    pub cases_without_entity: u64,
    /// Primary cases with no timestamp (nothing attaches to them).
    pub cases_without_time: u64,
    /// Entity-level holder cases written.
    pub entity_cases: u64,
    /// Events in entity-level cases.
    pub entity_level_events: u64,
    /// Entities of secondary sources on which no primary case runs.
    pub unknown_entities: u64,
    /// Secondary events without a timestamp.
    pub unplaced: u64,
    pub first_unplaced: Option<UnplacedExample>,
}

/// Merge `secondaries` into the cases of `primary` by entity and time. See the module docs.
pub fn merge(
    primary: MergeSource<'_>,
    secondaries: &[MergeSource<'_>],
    opts: &MergeOptions,
) -> Result<(EventLog, MergeReport), MergeError> {
    check_sources(primary, secondaries, opts)?;
    let iv = case_intervals(primary.log, &opts.entity, &opts.closes)?;
    let mut report = MergeReport {
        entity: opts.entity.clone(),
        cases: primary.log.num_cases() as u64,
        closed_cases: iv.closed_cases,
        multi_entity_cases: iv.multi_entity_cases,
        cases_without_entity: iv.cases_without_entity,
        cases_without_time: iv.cases_without_time,
        ..MergeReport::default()
    };
    let mut b = EventLogBuilder::new();
    if let Some(start) = primary.log.start_timestamps() {
        b.set_start_timestamp_attr(start.name());
    }
    // Primary: every event stays in its case.
    let p = primary.log;
    let case_out: Vec<u32> = p.case_ids().iter().map(|id| b.case_code(id)).collect();
    let cases: Vec<u32> = p
        .case_codes()
        .iter()
        .map(|&c| case_out[c as usize])
        .collect();
    let base = push_source(&mut b, p, &cases, primary.name);
    copy_case_attrs(&mut b, p, &case_out);
    report.sources.push(SourceReport {
        name: primary.name.to_string(),
        role: "primary".into(),
        events: p.num_events() as u64,
        attached: p.num_events() as u64,
        ..SourceReport::default()
    });
    debug_assert_eq!(base, 0);
    // Secondaries: each event finds its case, or its entity's holder case.
    let mut holder: Vec<Option<u32>> = vec![None; iv.entity_ids.len()];
    let mut unknown_holder: HashMap<&str, Option<u32>> = HashMap::new();
    let entity_col = b.event_attr_column(&opts.entity, ColumnType::Str);
    for src in secondaries {
        let log = src.log;
        let mut sr = SourceReport {
            name: src.name.to_string(),
            role: "secondary".into(),
            events: log.num_events() as u64,
            ..SourceReport::default()
        };
        let mut out_case = vec![0u32; log.num_events()];
        for c in 0..log.num_cases() as u32 {
            let id = log.case_ids().resolve(c);
            let entity = iv.entity_code(id);
            let mut case_holder: Option<u32> = None;
            for i in log.case_events(c) {
                let found = match (entity, log.timestamp(i)) {
                    (Some(e), Some(t)) => iv.case_at(e, t),
                    (_, None) => {
                        sr.unplaced += 1;
                        if report.first_unplaced.is_none() {
                            report.first_unplaced = Some(UnplacedExample {
                                source: src.name.to_string(),
                                entity: id.to_string(),
                                activity: log.activities().resolve(log.activity_codes()[i]).into(),
                                event: i as u64,
                            });
                        }
                        None
                    }
                    (None, Some(_)) => None,
                };
                out_case[i] = match found {
                    Some(pc) => {
                        sr.attached += 1;
                        case_out[pc as usize]
                    }
                    None => {
                        sr.entity_level += 1;
                        *case_holder.get_or_insert_with(|| {
                            let slot = match entity {
                                Some(e) => &mut holder[e as usize],
                                None => unknown_holder.entry(id).or_insert(None),
                            };
                            *slot.get_or_insert_with(|| {
                                b.case_code(&format!("{ENTITY_CASE_PREFIX}{id}"))
                            })
                        })
                    }
                };
            }
        }
        let base = push_source(&mut b, log, &out_case, src.name);
        for c in 0..log.num_cases() as u32 {
            let id = log.case_ids().resolve(c);
            for i in log.case_events(c) {
                b.set_event_attr_at(entity_col, base + i, Value::Str(id));
            }
        }
        copy_case_attrs_to_events(&mut b, log, base, &opts.entity);
        report.unplaced += sr.unplaced;
        report.entity_level_events += sr.entity_level;
        report.sources.push(sr);
    }
    report.unknown_entities = unknown_holder.len() as u64;
    report.entity_cases =
        (holder.iter().filter(|h| h.is_some()).count() + unknown_holder.len()) as u64;
    let log = b.finish();
    report.events = log.num_events() as u64;
    Ok((log, report))
}

fn check_sources(
    primary: MergeSource<'_>,
    secondaries: &[MergeSource<'_>],
    opts: &MergeOptions,
) -> Result<(), MergeError> {
    if opts.entity.is_empty() {
        return Err(MergeError::EmptyEntity);
    }
    let all = || std::iter::once(&primary).chain(secondaries);
    let mut names: Vec<&str> = all().map(|s| s.name).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(MergeError::DuplicateSource(w[0].to_string()));
    }
    for s in all() {
        if s.log.event_attribute(SOURCE_ATTR).is_some() {
            return Err(MergeError::ReservedAttribute {
                source_name: s.name.to_string(),
                attribute: SOURCE_ATTR.to_string(),
            });
        }
    }
    if primary.log.event_attribute(&opts.entity).is_none() {
        let names: Vec<&str> = primary
            .log
            .event_attributes()
            .iter()
            .map(|c| c.name())
            .collect();
        return Err(MergeError::NoEntityAttribute {
            source_name: primary.name.to_string(),
            attribute: opts.entity.clone(),
            available: if names.is_empty() {
                "it has none".to_string()
            } else {
                names.join(", ")
            },
        });
    }
    if !primary.log.has_timestamps() && !primary.log.is_empty() {
        return Err(MergeError::PrimaryWithoutTimestamps(
            primary.name.to_string(),
        ));
    }
    Ok(())
}

/// Append every event of `log` (case codes in the builder given per event), with activity,
/// timestamp, resource, event attributes and `source`; returns the index of the first.
fn push_source(b: &mut EventLogBuilder, log: &EventLog, cases: &[u32], name: &str) -> usize {
    let base = b.len();
    let acts: Vec<u32> = log
        .activities()
        .iter()
        .map(|a| b.activity_code(a))
        .collect();
    let res: Vec<u32> = log.resources().iter().map(|r| b.resource_code(r)).collect();
    for (i, (&c, &a)) in cases.iter().zip(log.activity_codes()).enumerate() {
        let e = b.push_event(c, acts[a as usize], log.timestamp(i));
        match log.resource_codes()[i] {
            NO_RESOURCE => {}
            r => b.set_resource(e, res[r as usize]),
        }
    }
    for col in log.event_attributes() {
        let k = b.event_attr_column(col.name(), col.column_type());
        for i in 0..log.num_events() {
            if let Some(v) = col.get(i) {
                b.set_event_attr_at(k, base + i, v);
            }
        }
    }
    let k = b.event_attr_column(SOURCE_ATTR, ColumnType::Str);
    for i in 0..log.num_events() {
        b.set_event_attr_at(k, base + i, Value::Str(name));
    }
    base
}

fn copy_case_attrs(b: &mut EventLogBuilder, log: &EventLog, case_out: &[u32]) {
    for col in log.case_attributes() {
        let k = b.case_attr_column(col.name(), col.column_type());
        for (c, &out) in case_out.iter().enumerate() {
            if let Some(v) = col.get(c) {
                b.set_case_attr_at(k, out, v);
            }
        }
    }
}

/// A secondary's cases are entities: their attributes travel with each event instead.
fn copy_case_attrs_to_events(b: &mut EventLogBuilder, log: &EventLog, base: usize, entity: &str) {
    for col in log.case_attributes() {
        if col.name() == entity || col.name() == SOURCE_ATTR {
            continue;
        }
        let k = b.event_attr_column(col.name(), col.column_type());
        for c in 0..log.num_cases() as u32 {
            let Some(v) = col.get(c as usize) else {
                continue;
            };
            for i in log.case_events(c) {
                b.set_event_attr_at(k, base + i, v);
            }
        }
    }
}
