//! Checkpoints: the whole operator state as versioned, checksummed bytes.
//!
//! Layout: `SPURSTRM` (8 bytes), format version (u16 LE), postcard body, SHA-256 of the body
//! (32 bytes). Decoding treats the bytes as hostile: wrong magic, unknown version, a bad
//! checksum, a body that does not decode, or state that breaks an invariant (windows out of
//! order or overlapping, sketches of the wrong size, settings out of range, timers pointing
//! nowhere) is an error naming the problem, never a panic. The bytes are deterministic: the
//! same state gives the same snapshot on every platform.

use super::config::StreamConfig;
use super::dedup::{Dedup, DedupState};
use super::event::{Conflict, Late, Stats};
use super::operator::{HashMap, KeyState, Operator};
use super::watermark::Watermarks;
use super::window::{MAX_SPAN, MAX_TIME};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const MAGIC: &[u8; 8] = b"SPURSTRM";
/// The snapshot format this build writes and reads.
pub const VERSION: u16 = 1;

/// Why snapshot bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a Spur stream snapshot (too short or wrong magic bytes)")]
    NotASnapshot,
    #[error("snapshot format version {found}; this build reads version {VERSION}")]
    Version { found: u16 },
    #[error("snapshot checksum mismatch: the bytes are damaged")]
    Checksum,
    #[error("snapshot body does not decode: {0}")]
    Decode(String),
    #[error("snapshot state is inconsistent: {0}")]
    Invalid(String),
}

#[derive(Serialize, Deserialize)]
struct State {
    /// The configuration as JSON (its tagged enums need a self-describing format).
    cfg: String,
    wm: Watermarks,
    slots: Vec<Option<KeyState>>,
    free: Vec<u32>,
    timers: Vec<(i64, Vec<u32>)>,
    dirty: Vec<u32>,
    dedup: DedupState,
    late: Vec<Late>,
    conflicts: Vec<Conflict>,
    stats: Stats,
    seq: u64,
}

impl Operator {
    /// The whole state as bytes (see the module doc). Pending late events and conflicts not
    /// yet polled are included.
    pub fn snapshot(&self) -> Vec<u8> {
        let state = State {
            cfg: serde_json::to_string(&self.cfg).unwrap_or_default(),
            wm: self.wm.clone(),
            slots: self.slots.clone(),
            free: self.free.clone(),
            timers: self.timers.iter().map(|(t, s)| (*t, s.clone())).collect(),
            dirty: self.dirty.clone(),
            dedup: self.dedup.to_state(),
            late: self.late.clone(),
            conflicts: self.conflicts.clone(),
            stats: self.stats,
            seq: self.seq,
        };
        // Serialising plain data into a Vec cannot fail; an empty body would be refused on
        // restore rather than panic here.
        let body = postcard::to_allocvec(&state).unwrap_or_default();
        let mut out = Vec::with_capacity(body.len() + 42);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&Sha256::digest(&body));
        out
    }

    /// An operator from [`Operator::snapshot`] bytes.
    pub fn restore(bytes: &[u8]) -> Result<Operator, SnapshotError> {
        if bytes.len() < MAGIC.len() + 2 + 32 || &bytes[..8] != MAGIC {
            return Err(SnapshotError::NotASnapshot);
        }
        let found = u16::from_le_bytes([bytes[8], bytes[9]]);
        if found != VERSION {
            return Err(SnapshotError::Version { found });
        }
        let (body, sum) = bytes[10..].split_at(bytes.len() - 10 - 32);
        if Sha256::digest(body).as_slice() != sum {
            return Err(SnapshotError::Checksum);
        }
        Operator::from_body(body)
    }

    /// Decode and validate a body whose checksum was checked (public to the fuzz target,
    /// which feeds bodies straight in).
    #[doc(hidden)]
    pub fn from_body(body: &[u8]) -> Result<Operator, SnapshotError> {
        let s: State =
            postcard::from_bytes(body).map_err(|e| SnapshotError::Decode(e.to_string()))?;
        let bad = SnapshotError::Invalid;
        let cfg: StreamConfig = serde_json::from_str(&s.cfg)
            .map_err(|e| SnapshotError::Decode(format!("configuration: {e}")))?;
        cfg.validate().map_err(bad)?;
        s.wm.validate().map_err(bad)?;
        let mut op = Operator::new(cfg).map_err(bad)?;
        op.wm = s.wm;
        let n = s.slots.len();
        if n > u32::MAX as usize {
            return Err(bad("too many key slots".into()));
        }
        let mut index = HashMap::default();
        let mut free_slots = Vec::new();
        let mut empty_keys = 0;
        let bound = MAX_TIME + 2 * MAX_SPAN;
        for (i, slot) in s.slots.iter().enumerate() {
            let Some(ks) = slot else {
                free_slots.push(i as u32);
                continue;
            };
            if index.insert(ks.key.as_str().into(), i as u32).is_some() {
                return Err(bad(format!("key `{}` held twice", ks.key)));
            }
            if ks.windows.is_empty() {
                empty_keys += 1;
            }
            for w in &ks.windows {
                if !(-bound..=bound).contains(&w.start)
                    || !(-bound..=bound).contains(&w.end)
                    || w.start >= w.end
                {
                    return Err(bad(format!("window [{}, {}) out of range", w.start, w.end)));
                }
                w.acc.validate(&op.cfg.aggs).map_err(bad)?;
            }
            // Sorted by start; sessions are disjoint except for closed ones a micro-batch has
            // not polled away yet, so only the order is checked.
            if ks.windows.windows(2).any(|p| p[0].start >= p[1].start) {
                return Err(bad(format!("windows of key `{}` out of order", ks.key)));
            }
        }
        let in_range = |v: &u32| (*v as usize) < n;
        if !s.dirty.iter().all(in_range) || !s.timers.iter().all(|(_, v)| v.iter().all(in_range)) {
            return Err(bad("a timer points at no key slot".into()));
        }
        let mut timers = BTreeMap::new();
        for (t, v) in s.timers {
            if timers.insert(t, v).is_some() {
                return Err(bad("a timer time appears twice".into()));
            }
        }
        let free = s.free;
        let mut sorted = free.clone();
        sorted.sort_unstable();
        if sorted != free_slots {
            return Err(bad(
                "the free slot list does not match the empty slots".into()
            ));
        }
        op.slots = s.slots;
        op.index = index;
        op.free = free;
        op.empty_keys = empty_keys;
        op.timers = timers;
        op.dirty = s.dirty;
        op.dedup = Dedup::from_state(s.dedup).map_err(bad)?;
        op.late = s.late;
        op.conflicts = s.conflicts;
        op.stats = s.stats;
        op.seq = s.seq;
        Ok(op)
    }
}
