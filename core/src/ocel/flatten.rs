//! Flattening on an object type: an [`OcelLog`] → an ordinary [`EventLog`], pm4py's
//! `ocel_flattening` semantics, so every map, filter, toolkit view, recipe and model works on
//! the result.
//!
//! Each object of the chosen type becomes a case (case id = object id); its events are every
//! event related to it (once per object, whatever the number of qualifiers), ordered by time,
//! ties in file order. An event related to two objects of the type appears in both cases
//! (the convergence that flattening is known for). Activity = event type; event attributes
//! are copied, plus `ocel:eid` (the event id, to go back to the OCEL); the object's initial
//! attribute values become case attributes. Objects without events make no case.

use super::OcelLog;
use crate::log::{ColumnType, EventLog, EventLogBuilder, Value};

/// The event attribute holding the OCEL event id in a flattened log.
pub const EVENT_ID_ATTRIBUTE: &str = "ocel:eid";

/// Flatten `ocel` on the object type `object_type`; `None` when the log has no such type.
pub fn flatten(ocel: &OcelLog, object_type: &str) -> Option<EventLog> {
    let ot = ocel.object_types.lookup(object_type)?;
    let mut b = EventLogBuilder::new();
    let mut case_of = vec![u32::MAX; ocel.num_objects()];
    let mut act_of = vec![u32::MAX; ocel.event_types.len()];
    let eid_col = b.event_attr_column(EVENT_ID_ATTRIBUTE, ColumnType::Str);
    let cols: Vec<usize> = ocel
        .event_attrs
        .iter()
        .map(|c| b.event_attr_column(c.name(), c.column_type()))
        .collect();
    let mut seen: Vec<u32> = Vec::new();
    for e in ocel.time_order() {
        let e = e as usize;
        let (objects, _) = ocel.e2o(e);
        seen.clear();
        for &o in objects {
            if ocel.object_type[o as usize] != ot || seen.contains(&o) {
                continue;
            }
            seen.push(o);
            let case = match case_of[o as usize] {
                u32::MAX => {
                    let c = b.case_code(ocel.object_ids.resolve(o));
                    case_of[o as usize] = c;
                    c
                }
                c => c,
            };
            let t = ocel.event_type[e] as usize;
            if act_of[t] == u32::MAX {
                act_of[t] = b.activity_code(ocel.event_types.resolve(t as u32));
            }
            let row = b.push_event(case, act_of[t], Some(ocel.event_time[e]));
            b.set_event_attr_at(eid_col, row, Value::Str(ocel.event_ids.resolve(e as u32)));
            for (c, &col) in ocel.event_attrs.iter().zip(&cols) {
                if let Some(v) = c.get(e) {
                    b.set_event_attr_at(col, row, v);
                }
            }
        }
    }
    // Initial object attributes → case attributes (the first value in file order, as pm4py).
    for attr in &ocel.object_attrs {
        let col = b.case_attr_column(attr.name(), attr.values.column_type());
        for (row, &o) in attr.object.iter().enumerate() {
            let case = case_of[o as usize];
            if case == u32::MAX || b.case_attr_is_set(col, case) {
                continue;
            }
            if let Some(v) = attr.values.get(row) {
                b.set_case_attr_at(col, case, v);
            }
        }
    }
    Some(b.finish())
}
