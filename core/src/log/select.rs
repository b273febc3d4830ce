//! Sub-logs: the events (or cases) a filter keeps, as a new [`EventLog`] with the same invariants.
//!
//! Filters decide per event or per case; this is the one place that turns that decision into a
//! log. Because the source is already ordered, selection is a single pass: no sort, kept events
//! stay in order, cases left without events disappear, and case, activity and resource codes are
//! renumbered densely (so "number of activities" means the activities still present). Attribute
//! dictionaries are kept whole: a string column may list values no kept row uses.

use super::builder::compact;
use super::{EventLog, Interner, Validity, NO_RESOURCE};

impl EventLog {
    /// The log restricted to the events where `keep_event[i]` is true (missing entries count as
    /// false). Cases keep their attributes; cases without a kept event are dropped.
    pub fn select_events(&self, keep_event: &[bool]) -> EventLog {
        let kept: Vec<u32> = (0..self.num_events())
            .filter(|&i| keep_event.get(i).copied().unwrap_or(false))
            .map(|i| i as u32)
            .collect();
        self.sub_log(&kept)
    }

    /// The log restricted to the cases where `keep_case[c]` is true (missing entries count as
    /// false), with all their events.
    pub fn select_cases(&self, keep_case: &[bool]) -> EventLog {
        let mut kept = Vec::new();
        for c in 0..self.num_cases() {
            if keep_case.get(c).copied().unwrap_or(false) {
                kept.extend(self.case_events(c as u32).map(|i| i as u32));
            }
        }
        self.sub_log(&kept)
    }

    /// Build from increasing event indices.
    fn sub_log(&self, kept: &[u32]) -> EventLog {
        let mut case_new = vec![u32::MAX; self.num_cases()];
        let mut case_ids = Interner::new();
        let mut case_old_of_new = Vec::new();
        let mut case = Vec::with_capacity(kept.len());
        let mut case_starts = Vec::new();
        for (k, &i) in kept.iter().enumerate() {
            let old = self.case[i as usize];
            let slot = &mut case_new[old as usize];
            if *slot == u32::MAX {
                *slot = case_ids.intern(self.case_ids.resolve(old));
                case_old_of_new.push(old);
                case_starts.push(k as u32);
            }
            case.push(*slot);
        }
        case_starts.push(kept.len() as u32);
        let (activities, act_map) = compact(
            &self.activities,
            kept.iter().map(|&i| self.activity[i as usize]),
        );
        let (resources, res_map) = compact(
            &self.resources,
            kept.iter()
                .map(|&i| self.resource[i as usize])
                .filter(|&r| r != NO_RESOURCE),
        );
        let activity = kept
            .iter()
            .map(|&i| act_map[self.activity[i as usize] as usize])
            .collect();
        let resource = kept
            .iter()
            .map(|&i| match self.resource[i as usize] {
                NO_RESOURCE => NO_RESOURCE,
                r => res_map[r as usize],
            })
            .collect();
        let timestamps = self.timestamps.as_ref().and_then(|(t, v)| {
            let mut valid = Validity::default();
            let ts: Vec<i64> = kept
                .iter()
                .map(|&i| {
                    valid.push(v.get(i as usize));
                    t[i as usize]
                })
                .collect();
            (valid.count_valid() > 0).then_some((ts, valid))
        });
        EventLog {
            case_ids,
            activities,
            resources,
            case,
            case_starts,
            activity,
            resource,
            timestamps,
            event_attrs: self.event_attrs.iter().map(|c| c.permuted(kept)).collect(),
            case_attrs: self
                .case_attrs
                .iter()
                .map(|c| c.permuted(&case_old_of_new))
                .collect(),
            log_attrs: self.log_attrs.clone(),
            start_timestamp_attr: self.start_timestamp_attr.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{import_bytes, ImportOptions};
    use crate::mining::stats;

    const CSV: &str = "case,activity,timestamp,resource,cost\n1,a,2024-01-01 10:00,r1,1\n1,b,2024-01-01 10:01,r2,2\n2,c,2024-01-01 09:00,r1,3\n2,b,2024-01-01 12:00,,4\n3,a,2024-01-02 00:00,r3,5\n";

    #[test]
    fn selecting_everything_is_the_identity_and_nothing_is_empty() {
        let (log, _) =
            import_bytes("t.csv", CSV.as_bytes(), &ImportOptions::default()).expect("ok");
        assert_eq!(log.select_events(&[true; 5]), log);
        assert_eq!(log.select_cases(&[true; 3]), log);
        let none = log.select_events(&[]);
        assert_eq!((none.num_events(), none.num_cases()), (0, 0));
        assert_eq!(stats(&none).dfg.len(), 0);
    }

    #[test]
    fn selection_renumbers_codes_and_keeps_attributes_aligned() {
        let (log, _) =
            import_bytes("t.csv", CSV.as_bytes(), &ImportOptions::default()).expect("ok");
        // Drop case 1 entirely and the first event of case 2.
        let sub = log.select_events(&[false, false, false, true, true]);
        assert_eq!(sub.num_cases(), 2);
        assert_eq!(sub.case_ids().iter().collect::<Vec<_>>(), ["2", "3"]);
        assert_eq!(sub.activities().iter().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(sub.resources().iter().collect::<Vec<_>>(), ["r3"]);
        let cost: Vec<String> = (0..sub.num_events())
            .map(|i| {
                sub.event_attribute("cost")
                    .and_then(|c| c.get(i))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(cost, ["4", "5"]);
        assert_eq!(sub.timestamp(0), log.timestamp(3));
        let by_case = log.select_cases(&[false, true]);
        assert_eq!(by_case.num_events(), 2);
        assert_eq!(by_case.case_ids().resolve(0), "2");
    }
}
