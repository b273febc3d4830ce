//! When and where each primary case runs: the lookup that places secondary events.
//!
//! A case runs on the entity of its first event that names one, from its earliest timestamp.
//! It ends at its last event when that event's activity is a closing one (inclusive: an event
//! at the same millisecond still belongs to it); otherwise it stays open until the next case on
//! the same entity starts (exclusive), or forever. Per entity the cases are sorted by start
//! (ties by case order), with a running maximum of their ends, so "which case runs at `t`"
//! is a binary search plus a short walk back over overlapping cases.

use super::MergeError;
use crate::log::EventLog;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// The time span of one primary case on its entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseInterval {
    /// Entity code (index into [`Intervals::entity_ids`]), `None` when no event names one.
    pub entity: Option<u32>,
    /// Earliest timestamp (ms), `None` when the case has none.
    pub start: Option<i64>,
    /// Exclusive end (ms); `None` = open forever (or no start).
    pub end: Option<i64>,
    /// Ended by a closing activity.
    pub closed: bool,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    start: i64,
    /// Exclusive; `i64::MAX` = open forever.
    end: i64,
    case: u32,
    /// The largest `end` of this slot and all before it.
    reach: i64,
}

/// Case intervals of a primary log, indexed per entity.
#[derive(Debug, Clone, Default)]
pub struct Intervals {
    /// Entity ids by entity code, in order of first appearance.
    pub entity_ids: Vec<String>,
    /// One interval per case code of the primary.
    pub cases: Vec<CaseInterval>,
    pub closed_cases: u64,
    pub multi_entity_cases: u64,
    pub cases_without_entity: u64,
    pub cases_without_time: u64,
    code_of: HashMap<String, u32>,
    slots: Vec<Vec<Slot>>,
}

impl Intervals {
    /// The code of entity `id`, if some case runs on it.
    pub fn entity_code(&self, id: &str) -> Option<u32> {
        self.code_of.get(id).copied()
    }

    /// The case running on entity `entity` at time `t` (the one that started last if several).
    pub fn case_at(&self, entity: u32, t: i64) -> Option<u32> {
        let slots = self.slots.get(entity as usize)?;
        let upto = slots.partition_point(|s| s.start <= t);
        for s in slots[..upto].iter().rev() {
            if s.end > t {
                return Some(s.case);
            }
            if s.reach <= t {
                break;
            }
        }
        None
    }
}

/// Compute every case's entity and interval in `log` (see the module docs).
pub fn case_intervals(
    log: &EventLog,
    entity: &str,
    closes: &[String],
) -> Result<Intervals, MergeError> {
    let column = log
        .event_attribute(entity)
        .ok_or_else(|| MergeError::NoEntityAttribute {
            source_name: "primary".into(),
            attribute: entity.to_string(),
            available: log
                .event_attributes()
                .iter()
                .map(|c| c.name())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if !log.has_timestamps() && !log.is_empty() {
        return Err(MergeError::PrimaryWithoutTimestamps("primary".into()));
    }
    let closing: Vec<bool> = log
        .activities()
        .iter()
        .map(|a| closes.iter().any(|c| c == a))
        .collect();
    let mut out = Intervals::default();
    for c in 0..log.num_cases() as u32 {
        let events = log.case_events(c);
        let mut iv = CaseInterval::default();
        let mut first = None;
        let mut multi = false;
        let mut last: Option<(i64, usize)> = None;
        for i in events {
            if let Some(v) = column.get(i) {
                match first {
                    None => first = Some(v),
                    Some(f) => multi |= f != v,
                }
            }
            if let Some(t) = log.timestamp(i) {
                iv.start = Some(iv.start.map_or(t, |s: i64| s.min(t)));
                if last.is_none_or(|(lt, _)| t >= lt) {
                    last = Some((t, i));
                }
            }
        }
        iv.entity = first.map(|v| {
            let key = v.to_string();
            let next = out.entity_ids.len() as u32;
            *out.code_of.entry(key.clone()).or_insert_with(|| {
                out.entity_ids.push(key);
                next
            })
        });
        if let Some((t, i)) = last {
            if closing[log.activity_codes()[i] as usize] {
                iv.closed = true;
                iv.end = Some(t.saturating_add(1));
                out.closed_cases += 1;
            }
        }
        out.multi_entity_cases += u64::from(multi);
        out.cases_without_entity += u64::from(iv.entity.is_none());
        out.cases_without_time += u64::from(iv.start.is_none());
        out.cases.push(iv);
    }
    // Per entity: cases by start; open cases end where the next one starts.
    let mut slots: Vec<Vec<Slot>> = vec![Vec::new(); out.entity_ids.len()];
    for (c, iv) in out.cases.iter().enumerate() {
        if let (Some(e), Some(start)) = (iv.entity, iv.start) {
            slots[e as usize].push(Slot {
                start,
                end: iv.end.unwrap_or(i64::MAX),
                case: c as u32,
                reach: 0,
            });
        }
    }
    for list in &mut slots {
        list.sort_by_key(|s| (s.start, s.case));
        let mut reach = i64::MIN;
        for j in 0..list.len() {
            if !out.cases[list[j].case as usize].closed {
                let end = list.get(j + 1).map(|n| n.start);
                out.cases[list[j].case as usize].end = end;
                list[j].end = end.unwrap_or(i64::MAX);
            }
            reach = reach.max(list[j].end);
            list[j].reach = reach;
        }
    }
    out.slots = slots;
    Ok(out)
}
