//! The push/poll operator: events in, fired windows, late events and conflicts out.
//!
//! Sans-IO and deterministic: processing time (`now`) is an argument of [`Operator::push`] and
//! [`Operator::tick`], used only for source idleness. Lateness decisions use the watermark
//! *before* the event's own time is observed, exactly as Flink's window operator sees the
//! watermark emitted after the previous element. Windows fire in [`Operator::poll`], so
//! calling `poll` after every push (per-event mode) or once per batch (micro-batch) gives the
//! same final windows: only how many intermediate revisions are emitted differs.
//!
//! Per event: (1) a time beyond ±2⁶⁰ ms is refused; (2) an id already counted is a duplicate
//! (a conflict when its key, time or values differ; the first wins); (3) windows whose
//! `end − 1 + lateness <= watermark` are closed — if all of the event's windows are (for
//! sessions: the window after merging), it is late (`window_closed`); (4) an id-carrying event
//! with `time + horizon <= watermark` is refused (`beyond_dedup_horizon`, only possible for
//! sessions with the default horizon); (5) otherwise it is added to its open windows and its
//! id remembered. A window fires once when `watermark >= end − 1` (revision 0); each later
//! poll in which allowed-late events changed it re-emits it (revision + 1); it is dropped when
//! `watermark >= end − 1 + lateness`.

use super::agg::Acc;
use super::config::StreamConfig;
use super::dedup::{Dedup, Seen};
use super::event::{Conflict, Event, Late, LateReason, Output, Stats, Value, WindowResult};
use super::hash::{hash128, Hasher64};
use super::watermark::Watermarks;
use super::window::{intersects, WindowSpec, MAX_TIME};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(super) type HashMap<K, V> = hashbrown::HashMap<K, V, foldhash::fast::FixedState>;

/// One open window of one key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Win {
    pub(super) start: i64,
    pub(super) end: i64,
    /// Last emitted revision; `None` until the window first fires.
    pub(super) rev: Option<u32>,
    /// Changed since it was last emitted.
    pub(super) dirty: bool,
    /// Emitted bounds this window supersedes (sessions), reported with its next emission.
    pub(super) replaces: Vec<(i64, i64)>,
    pub(super) acc: Acc,
}

/// A key and its open windows, sorted by start (for sessions also disjoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct KeyState {
    pub(super) key: String,
    pub(super) windows: Vec<Win>,
}

/// The streaming operator; see the module doc.
#[derive(Debug, Clone)]
pub struct Operator {
    pub(super) cfg: StreamConfig,
    pub(super) horizon: i64,
    pub(super) wm: Watermarks,
    pub(super) slots: Vec<Option<KeyState>>,
    pub(super) free: Vec<u32>,
    /// Key states kept without windows (reused when the key comes back; swept in bulk when
    /// they outnumber the live ones, so memory stays proportional to open windows).
    pub(super) empty_keys: usize,
    pub(super) index: HashMap<Box<str>, u32>,
    /// Watermark value → slots to look at when the watermark reaches it.
    pub(super) timers: BTreeMap<i64, Vec<u32>>,
    /// Slots with allowed-late changes to re-emit.
    pub(super) dirty: Vec<u32>,
    pub(super) dedup: Dedup,
    pub(super) late: Vec<Late>,
    pub(super) conflicts: Vec<Conflict>,
    pub(super) stats: Stats,
    /// Arrival counter (orders equal-time events without id in a DFG).
    pub(super) seq: u64,
    pub(super) scratch: Vec<(i64, i64)>,
}

/// The fingerprint that tells a true duplicate from a repeated id with other content.
fn content_hash(ev: &Event) -> u64 {
    let mut h = Hasher64::default();
    h.bytes(ev.key.as_bytes()).u64(ev.time as u64);
    for v in &ev.values {
        match v {
            None => h.u64(0),
            Some(Value::Num(x)) => h.u64(1).u64(x.to_bits()),
            Some(Value::Text(s)) => h.u64(2).bytes(s.as_bytes()),
        };
    }
    h.finish()
}

impl Operator {
    /// A new operator; the configuration is validated.
    pub fn new(cfg: StreamConfig) -> Result<Operator, String> {
        cfg.validate()?;
        Ok(Operator {
            horizon: cfg.horizon(),
            wm: Watermarks::new(cfg.out_of_orderness, cfg.idle_timeout),
            cfg,
            slots: Vec::new(),
            free: Vec::new(),
            empty_keys: 0,
            index: HashMap::default(),
            timers: BTreeMap::new(),
            dirty: Vec::new(),
            dedup: Dedup::new(),
            late: Vec::new(),
            conflicts: Vec::new(),
            stats: Stats::default(),
            seq: 0,
            scratch: Vec::new(),
        })
    }

    pub fn config(&self) -> &StreamConfig {
        &self.cfg
    }

    /// The current watermark ([`super::watermark::NONE`] before any event).
    pub fn watermark(&self) -> i64 {
        self.wm.current()
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The dedup horizon in force (ms).
    pub fn horizon(&self) -> i64 {
        self.horizon
    }

    /// Open windows over all keys.
    pub fn open_windows(&self) -> usize {
        self.slots.iter().flatten().map(|k| k.windows.len()).sum()
    }

    /// Ids currently remembered.
    pub fn dedup_entries(&self) -> usize {
        self.dedup.len()
    }

    /// The smallest watermark at which [`Operator::poll`] has something to fire or drop: an
    /// edge object sets its alarm from this.
    pub fn next_timer(&self) -> Option<i64> {
        self.timers.keys().next().copied()
    }

    /// The current (not yet fired) value of every open window, by key then start: what an
    /// edge object reports as a session's live features between firings.
    pub fn open_results(&self) -> Vec<WindowResult> {
        let mut out: Vec<WindowResult> = self
            .slots
            .iter()
            .flatten()
            .flat_map(|ks| {
                ks.windows.iter().map(|w| WindowResult {
                    key: ks.key.clone(),
                    start: w.start,
                    end: w.end,
                    revision: w.rev.map_or(0, |r| r.saturating_add(1)),
                    count: w.acc.count,
                    aggs: w.acc.results(&self.cfg.aggs),
                    replaces: Vec::new(),
                })
            })
            .collect();
        out.sort_unstable_by(|a, b| (&a.key, a.start).cmp(&(&b.key, b.start)));
        out
    }

    /// Heap bytes held by the state (estimated from lengths and capacities).
    pub fn memory_bytes(&self) -> usize {
        let windows: usize = self
            .slots
            .iter()
            .flatten()
            .map(|k| {
                k.key.capacity()
                    + k.windows.capacity() * std::mem::size_of::<Win>()
                    + k.windows.iter().map(|w| w.acc.heap_bytes()).sum::<usize>()
            })
            .sum();
        windows
            + self.slots.capacity() * std::mem::size_of::<Option<KeyState>>()
            + self.index.capacity() * (std::mem::size_of::<(Box<str>, u32)>() + 1)
            + self
                .timers
                .values()
                .map(|v| v.capacity() * 4 + 48)
                .sum::<usize>()
            + self.dedup.heap_bytes()
    }

    fn refuse(&mut self, ev: &Event, reason: LateReason, wm: i64) {
        self.stats.late += 1;
        self.late.push(Late {
            id: ev.id.clone(),
            key: ev.key.clone(),
            time: ev.time,
            reason,
            watermark: wm,
        });
    }

    /// Take one event that arrived at processing time `now`.
    pub fn push(&mut self, ev: &Event, now: i64) {
        self.stats.events += 1;
        self.seq += 1;
        let wm = self.wm.current();
        if ev.time.unsigned_abs() > MAX_TIME as u64 {
            self.refuse(ev, LateReason::TimeOutOfRange, wm);
            return;
        }
        let id = ev.id.as_ref().map(|id| hash128(id.as_bytes()));
        let content = if id.is_some() { content_hash(ev) } else { 0 };
        if let Some(h) = id {
            match self.dedup.check(h, content) {
                Seen::New => {}
                seen => {
                    self.stats.duplicates += 1;
                    if matches!(seen, Seen::Different) {
                        self.stats.conflicts += 1;
                        self.conflicts.push(Conflict {
                            id: ev.id.clone().unwrap_or_default(),
                            key: ev.key.clone(),
                            time: ev.time,
                        });
                    }
                    self.observe(ev, now);
                    return;
                }
            }
        }
        let tie = id.unwrap_or(self.seq as u128);
        let result = match self.cfg.window {
            WindowSpec::Session { gap } => self.add_session(ev, wm, tie, gap, id.is_some()),
            _ => self.add_fixed(ev, wm, tie, id.is_some()),
        };
        match result {
            Ok(()) => {
                self.stats.accepted += 1;
                if let Some(h) = id {
                    self.stats.dedup_evicted +=
                        self.dedup
                            .insert(h, ev.time, content, self.cfg.max_dedup_entries);
                }
            }
            Err(reason) => self.refuse(ev, reason, wm),
        }
        self.observe(ev, now);
    }

    fn observe(&mut self, ev: &Event, now: i64) {
        self.wm.observe(ev.source, ev.time, now);
        self.dedup.expire(self.wm.current(), self.horizon);
    }

    /// Processing time moved to `now` (idle sources may release the watermark).
    pub fn tick(&mut self, now: i64) {
        self.wm.tick(now);
        self.dedup.expire(self.wm.current(), self.horizon);
    }

    /// Move the watermark to at least `t` (an explicit watermark; `i64::MAX` at end of input
    /// fires every window).
    pub fn advance_watermark(&mut self, t: i64) {
        self.wm.advance(t);
        self.dedup.expire(self.wm.current(), self.horizon);
    }

    fn closed(&self, end: i64, wm: i64) -> bool {
        (end - 1).saturating_add(self.cfg.lateness) <= wm
    }

    fn beyond_horizon(&self, t: i64, wm: i64, has_id: bool) -> bool {
        has_id && (t <= self.dedup.floor || t.saturating_add(self.horizon) <= wm)
    }

    fn slot_for(&mut self, key: &str) -> u32 {
        if let Some(&s) = self.index.get(key) {
            if self.slots[s as usize]
                .as_ref()
                .is_some_and(|k| k.windows.is_empty())
            {
                self.empty_keys -= 1;
            }
            return s;
        }
        let state = KeyState {
            key: key.to_string(),
            windows: Vec::new(),
        };
        let s = match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = Some(state);
                s
            }
            None => {
                self.slots.push(Some(state));
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(key.into(), s);
        s
    }

    fn timer(&mut self, end: i64, slot: u32) {
        let fire = end - 1;
        self.timers.entry(fire).or_default().push(slot);
        if self.cfg.lateness > 0 {
            let cleanup = fire.saturating_add(self.cfg.lateness);
            self.timers.entry(cleanup).or_default().push(slot);
        }
    }

    fn add_fixed(
        &mut self,
        ev: &Event,
        wm: i64,
        tie: u128,
        has_id: bool,
    ) -> Result<(), LateReason> {
        let mut wins = std::mem::take(&mut self.scratch);
        self.cfg.window.assign(ev.time, &mut wins);
        wins.retain(|&(_, end)| !self.closed(end, wm));
        if wins.is_empty() {
            self.scratch = wins;
            return Err(LateReason::WindowClosed);
        }
        if self.beyond_horizon(ev.time, wm, has_id) {
            self.scratch = wins;
            return Err(LateReason::BeyondDedupHorizon);
        }
        let slot = self.slot_for(&ev.key);
        let mut dirty = false;
        let mut new_ends = Vec::new();
        if let Some(ks) = self.slots[slot as usize].as_mut() {
            for &(start, end) in &wins {
                let i = match ks.windows.binary_search_by_key(&start, |w| w.start) {
                    Ok(i) => i,
                    Err(i) => {
                        ks.windows.insert(
                            i,
                            Win {
                                start,
                                end,
                                rev: None,
                                dirty: false,
                                replaces: Vec::new(),
                                acc: Acc::new(&self.cfg.aggs),
                            },
                        );
                        new_ends.push(end);
                        i
                    }
                };
                let w = &mut ks.windows[i];
                self.stats.bad_values += w.acc.add(&self.cfg.aggs, ev, &ks.key, tie);
                if w.rev.is_some() {
                    w.dirty = true;
                    dirty = true;
                }
            }
        }
        for end in new_ends {
            self.timer(end, slot);
        }
        if dirty {
            self.stats.late_accepted += 1;
            self.dirty.push(slot);
        }
        self.scratch = wins;
        Ok(())
    }

    fn add_session(
        &mut self,
        ev: &Event,
        wm: i64,
        tie: u128,
        gap: i64,
        has_id: bool,
    ) -> Result<(), LateReason> {
        let own = (ev.time, ev.time + gap);
        // The existing sessions the event's window touches: a contiguous run (disjoint, sorted).
        let (lo, hi, merged) = match self
            .index
            .get(ev.key.as_str())
            .and_then(|&s| self.slots[s as usize].as_ref())
        {
            Some(ks) => {
                // Closed sessions (a prefix: ends grow along the list) are gone for Flink —
                // its cleanup timer ran — even if a micro-batch has not polled them away yet.
                let open = ks.windows.partition_point(|w| self.closed(w.end, wm));
                let lo = open + ks.windows[open..].partition_point(|w| w.end < own.0);
                let mut hi = lo;
                let mut merged = own;
                while hi < ks.windows.len()
                    && intersects((ks.windows[hi].start, ks.windows[hi].end), own)
                {
                    merged = (
                        merged.0.min(ks.windows[hi].start),
                        merged.1.max(ks.windows[hi].end),
                    );
                    hi += 1;
                }
                (lo, hi, merged)
            }
            None => (0, 0, own),
        };
        if self.closed(merged.1, wm) {
            return Err(LateReason::WindowClosed);
        }
        if self.beyond_horizon(ev.time, wm, has_id) {
            return Err(LateReason::BeyondDedupHorizon);
        }
        let slot = self.slot_for(&ev.key);
        let aggs = &self.cfg.aggs;
        let Some(ks) = self.slots[slot as usize].as_mut() else {
            return Ok(());
        };
        let mut parts = ks.windows.drain(lo..hi);
        let mut win = match parts.next() {
            Some(first) => first,
            None => Win {
                start: merged.0,
                end: merged.1,
                rev: None,
                dirty: false,
                replaces: Vec::new(),
                acc: Acc::new(aggs),
            },
        };
        let mut prev_end = (lo < hi).then_some(win.end);
        let mut superseded: Vec<(i64, i64, Option<u32>)> = vec![(win.start, win.end, win.rev)];
        for w in parts {
            prev_end = prev_end.max(Some(w.end));
            superseded.push((w.start, w.end, w.rev));
            win.rev = win.rev.max(w.rev);
            win.replaces.extend(w.replaces);
            win.acc.merge(aggs, w.acc);
        }
        for &(s, e, rev) in &superseded {
            if rev.is_some() && (s, e) != merged {
                win.replaces.push((s, e));
            }
        }
        win.start = merged.0;
        win.end = merged.1;
        self.stats.bad_values += win.acc.add(aggs, ev, &ks.key, tie);
        let late_update = win.rev.is_some();
        if late_update {
            win.dirty = true;
        }
        ks.windows.insert(lo, win);
        if prev_end != Some(merged.1) {
            self.timer(merged.1, slot);
        }
        if late_update {
            self.stats.late_accepted += 1;
            self.dirty.push(slot);
        }
        Ok(())
    }

    /// Fire and drop what the watermark allows; hand out late events and conflicts.
    pub fn poll(&mut self) -> Output {
        let wm = self.wm.current();
        let mut due = std::mem::take(&mut self.dirty);
        while let Some(entry) = self.timers.first_entry() {
            if *entry.key() > wm {
                break;
            }
            due.extend(entry.remove());
        }
        due.sort_unstable();
        due.dedup();
        let mut windows = Vec::new();
        for slot in due {
            self.process_slot(slot, wm, &mut windows);
        }
        let live = self.slots.len() - self.free.len();
        if self.empty_keys > 1024 && self.empty_keys * 2 > live {
            self.sweep_empty_keys();
        }
        windows.sort_unstable_by(|a, b| (a.end, a.start, &a.key).cmp(&(b.end, b.start, &b.key)));
        Output {
            windows,
            late: std::mem::take(&mut self.late),
            conflicts: std::mem::take(&mut self.conflicts),
            watermark: wm,
        }
    }

    fn process_slot(&mut self, slot: u32, wm: i64, out: &mut Vec<WindowResult>) {
        let lateness = self.cfg.lateness;
        let Some(Some(ks)) = self.slots.get_mut(slot as usize) else {
            return;
        };
        let had_windows = !ks.windows.is_empty();
        for w in ks.windows.iter_mut() {
            if w.end - 1 <= wm && (w.rev.is_none() || w.dirty) {
                let rev = w.rev.map_or(0, |r| r.saturating_add(1));
                if rev == 0 {
                    self.stats.windows += 1;
                } else {
                    self.stats.updates += 1;
                }
                w.rev = Some(rev);
                w.dirty = false;
                out.push(WindowResult {
                    key: ks.key.clone(),
                    start: w.start,
                    end: w.end,
                    revision: rev,
                    count: w.acc.count,
                    aggs: w.acc.results(&self.cfg.aggs),
                    replaces: std::mem::take(&mut w.replaces),
                });
            }
        }
        ks.windows
            .retain(|w| (w.end - 1).saturating_add(lateness) > wm);
        if had_windows && ks.windows.is_empty() {
            self.empty_keys += 1;
        }
    }

    fn sweep_empty_keys(&mut self) {
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.as_ref().is_some_and(|k| k.windows.is_empty()) {
                if let Some(ks) = slot.take() {
                    self.index.remove(ks.key.as_str());
                }
                self.free.push(i as u32);
            }
        }
        self.empty_keys = 0;
    }
}
