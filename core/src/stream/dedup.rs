//! Exactly-once effect: the ids of counted events, kept while a copy could still be counted.
//!
//! An entry (128-bit id hash → event time, content fingerprint) lives until the watermark
//! passes `time + horizon`; the operator refuses any id-carrying event older than that
//! (`LateReason::BeyondDedupHorizon`), so an expired id can never be counted twice. The table
//! is bounded: when full, the oldest entries are evicted and the refusal line (`floor`) moves
//! up to their time — exactly-once still holds, at the price of refusing (and reporting)
//! those older events.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

type HashMap<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;

#[derive(Debug, Clone, Default)]
pub(crate) struct Dedup {
    /// id hash → (event time, content fingerprint).
    ids: HashMap<u128, (i64, u64)>,
    /// Expiry queue: event time → ids.
    by_time: BTreeMap<i64, Vec<u128>>,
    /// Events at or below this time are refused (evicted range).
    pub(crate) floor: i64,
}

/// The serialised form: entries sorted by id (deterministic bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DedupState {
    entries: Vec<(u128, i64, u64)>,
    floor: i64,
}

pub(crate) enum Seen {
    New,
    Same,
    Different,
}

impl Dedup {
    pub(crate) fn new() -> Self {
        Dedup {
            floor: i64::MIN,
            ..Default::default()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(crate) fn check(&self, id: u128, content: u64) -> Seen {
        match self.ids.get(&id) {
            None => Seen::New,
            Some(&(_, c)) if c == content => Seen::Same,
            Some(_) => Seen::Different,
        }
    }

    /// Record a counted event; returns how many entries were evicted to stay within `max`.
    pub(crate) fn insert(&mut self, id: u128, time: i64, content: u64, max: usize) -> u64 {
        self.ids.insert(id, (time, content));
        self.by_time.entry(time).or_default().push(id);
        let mut evicted = 0;
        while self.ids.len() > max.max(1) {
            let Some((t, ids)) = self.by_time.pop_first() else {
                break;
            };
            for i in &ids {
                if self.ids.remove(i).is_some() {
                    evicted += 1;
                }
            }
            self.floor = self.floor.max(t);
        }
        evicted
    }

    /// Forget ids whose time + horizon is at or below the watermark.
    pub(crate) fn expire(&mut self, watermark: i64, horizon: i64) {
        while let Some((&t, _)) = self.by_time.first_key_value() {
            if t.saturating_add(horizon) > watermark {
                break;
            }
            if let Some((_, ids)) = self.by_time.pop_first() {
                for i in ids {
                    self.ids.remove(&i);
                }
            }
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        // hashbrown: key + value + 1 control byte per bucket; B-tree ids: 16 bytes + overhead.
        self.ids.capacity() * (16 + 16 + 1) + self.ids.len() * 16 + self.by_time.len() * 48
    }

    pub(crate) fn to_state(&self) -> DedupState {
        let mut entries: Vec<(u128, i64, u64)> =
            self.ids.iter().map(|(&id, &(t, c))| (id, t, c)).collect();
        entries.sort_unstable_by_key(|e| e.0);
        DedupState {
            entries,
            floor: self.floor,
        }
    }

    pub(crate) fn from_state(s: DedupState) -> Result<Dedup, String> {
        let mut d = Dedup::new();
        d.floor = s.floor;
        for w in s.entries.windows(2) {
            if w[0].0 >= w[1].0 {
                return Err("dedup entries are not sorted by id".into());
            }
        }
        d.ids.reserve(s.entries.len());
        let mut entries = s.entries;
        entries.sort_by_key(|e| e.1);
        for (id, t, c) in entries {
            d.ids.insert(id, (t, c));
            d.by_time.entry(t).or_default().push(id);
        }
        Ok(d)
    }
}
