//! Entities: the things cases run on (a machine, a lead, a patient's bed).
//!
//! An entity is an event attribute (for example `machine`) whose value says which entity an
//! event happened on. A merged log may hold *entity-level* events that belong to no case (an
//! error message while no booking ran); they live in one case per entity whose id is
//! [`ENTITY_CASE_PREFIX`] + the entity id, so every log format keeps them without extra
//! metadata. [`EntityTimeline`] orders all events of each entity by time, across cases, so
//! questions like "what happened next on this machine" are one index step.

use crate::log::EventLog;
use hashbrown::HashMap;

/// Case ids of entity-level events: `entity:` + entity id.
pub const ENTITY_CASE_PREFIX: &str = "entity:";

/// Is case `case` the holder of an entity's case-less events?
pub fn is_entity_case(log: &EventLog, case: u32) -> bool {
    log.case_ids()
        .get(case)
        .is_some_and(|id| id.starts_with(ENTITY_CASE_PREFIX))
}

/// Per case, true for real cases and false for entity-level holders (a mask for filters).
pub fn real_cases(log: &EventLog) -> Vec<bool> {
    (0..log.num_cases() as u32)
        .map(|c| !is_entity_case(log, c))
        .collect()
}

/// Where an entity lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntityError {
    #[error("the log has no event attribute `{0}` to use as entity; name one of its event attributes ({1})")]
    NoSuchAttribute(String, String),
    #[error("entity lookups need timestamps, and this log has none")]
    NoTimestamps,
}

/// All events of each entity in time order (ties: log order), with the position of every event
/// in its entity's list.
#[derive(Debug, Clone)]
pub struct EntityTimeline {
    /// Entity ids, by entity code.
    pub ids: Vec<String>,
    /// Per entity code, its events (indices into the log) in time order.
    pub events: Vec<Vec<u32>>,
    /// Per event: (entity code, position in that entity's list), or `None` without an entity.
    pub position: Vec<Option<(u32, u32)>>,
}

impl EntityTimeline {
    /// Index the log by the entity attribute `attr`. Events with no value for `attr` belong to
    /// no entity; events without a timestamp sort last within their entity.
    pub fn build(log: &EventLog, attr: &str) -> Result<EntityTimeline, EntityError> {
        let column = log.event_attribute(attr).ok_or_else(|| {
            let names: Vec<&str> = log.event_attributes().iter().map(|c| c.name()).collect();
            EntityError::NoSuchAttribute(attr.to_string(), names.join(", "))
        })?;
        if !log.has_timestamps() {
            return Err(EntityError::NoTimestamps);
        }
        let n = log.num_events();
        let mut ids: Vec<String> = Vec::new();
        let mut entity_of = vec![u32::MAX; n];
        if let crate::log::ColumnData::Str { codes, dict } = column.data() {
            // String columns are coded already: an id per used dictionary entry, in order of
            // first use, and no string per event.
            let mut local = vec![u32::MAX; dict.len()];
            for (i, slot) in entity_of.iter_mut().enumerate() {
                let code = codes.get(i).copied().unwrap_or(u32::MAX);
                let Some(l) = local.get_mut(code as usize) else {
                    continue;
                };
                if !column.validity().get(i) {
                    continue;
                }
                if *l == u32::MAX {
                    *l = ids.len() as u32;
                    ids.push(dict.resolve(code).to_string());
                }
                *slot = *l;
            }
        } else {
            let mut code_of: HashMap<String, u32> = HashMap::new();
            for (i, slot) in entity_of.iter_mut().enumerate() {
                let Some(v) = column.get(i) else { continue };
                let key = v.to_string();
                let next = ids.len() as u32;
                let code = *code_of.entry(key.clone()).or_insert_with(|| {
                    ids.push(key);
                    next
                });
                *slot = code;
            }
        }
        let mut events: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
        for (i, &e) in entity_of.iter().enumerate() {
            if e != u32::MAX {
                events[e as usize].push(i as u32);
            }
        }
        let key = |i: &u32| {
            let t = log.timestamp(*i as usize);
            (t.is_none(), t.unwrap_or(0), *i)
        };
        let mut position = vec![None; n];
        for (e, list) in events.iter_mut().enumerate() {
            list.sort_unstable_by_key(key);
            for (p, &i) in list.iter().enumerate() {
                position[i as usize] = Some((e as u32, p as u32));
            }
        }
        Ok(EntityTimeline {
            ids,
            events,
            position,
        })
    }

    /// The event after event `i` on the same entity, if any.
    pub fn next(&self, i: usize) -> Option<usize> {
        let (e, p) = self.position.get(i).copied().flatten()?;
        self.events[e as usize]
            .get(p as usize + 1)
            .map(|&j| j as usize)
    }

    /// The event before event `i` on the same entity, if any.
    pub fn previous(&self, i: usize) -> Option<usize> {
        let (e, p) = self.position.get(i).copied().flatten()?;
        let p = (p as usize).checked_sub(1)?;
        Some(self.events[e as usize][p] as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import_bytes, ImportOptions};

    #[test]
    fn timeline_orders_events_of_an_entity_across_cases() {
        let csv = "case,activity,timestamp,machine\nb1,start,2024-01-01 10:00,M1\nb1,end,2024-01-01 10:30,M1\nb2,start,2024-01-01 10:10,M2\nb3,start,2024-01-01 10:40,M1\nentity:M1,error,2024-01-01 10:35,M1\nb2,end,2024-01-01 10:20,\n";
        let (log, _) =
            import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default()).expect("ok");
        let tl = EntityTimeline::build(&log, "machine").expect("timeline");
        let name = |i: usize| {
            format!(
                "{}/{}",
                log.case_ids().resolve(log.case_codes()[i]),
                log.activities().resolve(log.activity_codes()[i])
            )
        };
        let m1 = tl.ids.iter().position(|s| s == "M1").expect("M1");
        let order: Vec<String> = tl.events[m1].iter().map(|&i| name(i as usize)).collect();
        assert_eq!(order, ["b1/start", "b1/end", "entity:M1/error", "b3/start"]);
        let b1_end = (0..log.num_events())
            .find(|&i| name(i) == "b1/end")
            .expect("event");
        assert_eq!(
            tl.next(b1_end).map(name).as_deref(),
            Some("entity:M1/error")
        );
        assert_eq!(tl.previous(b1_end).map(name).as_deref(), Some("b1/start"));
        let b2_end = (0..log.num_events())
            .find(|&i| name(i) == "b2/end")
            .expect("event");
        assert_eq!(tl.next(b2_end), None);
        assert_eq!(real_cases(&log), [true, true, true, false]);
        assert!(matches!(
            EntityTimeline::build(&log, "nope"),
            Err(EntityError::NoSuchAttribute(..))
        ));
    }
}
