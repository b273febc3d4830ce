//! What one edge Durable Object (one session key) does with its events, as a pure function of
//! its stored bytes, the events and the clock, so the whole object is tested natively and the
//! worker only moves bytes.
//!
//! The object keeps one [`Operator`] (session windows, gap 30 min, out-of-orderness 1 min;
//! aggregates: count, `sum:value` = basket value, `distinct:item`, `topk:type:10`) plus a
//! small [`Features`] record: the last [`MAX_CLICKS`] accepted events of the last 30 minutes
//! of event time (what `/recommend` needs as the session's clicks) and the last
//! [`MAX_CLOSED`] closed sessions (what `spur stream` emits for the key: the cross-shell test
//! compares them). Both go into one blob ([`ObjectState::encode`]) that the object writes in one
//! storage `put` before it answers, so an acknowledged batch is durable and a resent one is
//! recognised by its ids (they are in the operator snapshot).
//!
//! Windows close on the object's alarm: [`ObjectState::next_alarm`] is the last arrival plus
//! the gap in processing time (the key has been idle a whole gap); [`ObjectState::alarm`]
//! then advances the watermark past the session's end and fires it.

use super::agg::AggSpec;
use super::event::{AggValue, Event, Value, WindowResult};
use super::{Operator, StreamConfig, WindowSpec};
use serde::{Deserialize, Serialize};

/// The session gap (event time) and the idle time before the alarm closes it (processing time).
pub const GAP_MS: i64 = 30 * 60_000;
/// Bounded out-of-orderness of one key's events.
pub const OUT_OF_ORDERNESS_MS: i64 = 60_000;
/// Recent clicks kept for `/recommend`.
pub const MAX_CLICKS: usize = 50;
/// Closed sessions kept per key (oldest dropped first).
pub const MAX_CLOSED: usize = 16;
/// The event fields the object reads, in [`Event::values`] order.
pub const FIELDS: [&str; 3] = ["type", "item", "value"];

const MAGIC: &[u8; 4] = b"SPO1";

/// The operator settings every object uses (fixed: a stored snapshot carries them too).
pub fn config() -> StreamConfig {
    let aggs = vec![
        AggSpec::Count,
        AggSpec::Sum { field: 2 },
        AggSpec::Distinct { field: 1 },
        AggSpec::TopK { field: 0, k: 10 },
    ];
    let mut cfg = StreamConfig::new(
        WindowSpec::Session { gap: GAP_MS },
        FIELDS.iter().map(|f| f.to_string()).collect(),
        aggs,
    );
    cfg.out_of_orderness = OUT_OF_ORDERNESS_MS;
    cfg.max_dedup_entries = 100_000;
    cfg
}

/// One accepted event, as `/recommend` reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Click {
    pub id: Option<String>,
    pub time: i64,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// A session window's features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub start: i64,
    pub end: i64,
    pub events: u64,
    /// Sum of `value` (the basket value when `value` is a price).
    pub value: Option<f64>,
    pub distinct_items: u64,
    /// Events per `type` (category), most frequent first.
    pub types: Vec<(String, u64)>,
}

impl Session {
    fn from_window(w: &WindowResult) -> Session {
        let (mut value, mut distinct_items, mut types) = (None, 0, Vec::new());
        for (i, a) in w.aggs.iter().enumerate() {
            match (i, a) {
                (1, AggValue::Number(v)) => value = *v,
                (2, AggValue::Count(n)) => distinct_items = *n,
                (3, AggValue::TopK(t)) => types = t.clone(),
                _ => {}
            }
        }
        Session {
            start: w.start,
            end: w.end,
            events: w.count,
            value,
            distinct_items,
            types,
        }
    }
}

/// The object's own record next to the operator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Features {
    pub clicks: Vec<Click>,
    pub last_closed: Option<Session>,
    pub sessions_closed: u64,
    /// The last [`MAX_CLOSED`] closed sessions, by start (an update replaces its window).
    #[serde(default)]
    pub closed: Vec<Session>,
    /// Processing time of the last batch (`None`: never).
    pub last_arrival: Option<i64>,
}

/// Per-batch counts (each event is exactly one of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub accepted: u64,
    /// Ids seen before (in this batch or an earlier one), conflicts included.
    pub duplicates: u64,
    /// Of the duplicates, ids repeated with other content (the first one counts).
    pub conflicts: u64,
    /// Not counted: window closed, beyond the dedup horizon, time out of range.
    pub late: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.accepted += o.accepted;
        self.duplicates += o.duplicates;
        self.conflicts += o.conflicts;
        self.late += o.late;
    }
}

/// What `GET /features` of an object answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureView {
    /// Recent accepted events, oldest first (at most [`MAX_CLICKS`], within [`GAP_MS`]).
    pub clicks: Vec<Click>,
    /// The open session, if any (live values, not yet fired).
    pub session: Option<Session>,
    pub last_closed: Option<Session>,
    pub sessions_closed: u64,
    /// The last [`MAX_CLOSED`] closed sessions, oldest first.
    #[serde(default)]
    pub closed: Vec<Session>,
    pub watermark: i64,
    pub events: u64,
}

/// One object's state: restored from storage, changed by a batch or an alarm, stored again.
#[derive(Debug, Clone)]
pub struct ObjectState {
    pub op: Operator,
    pub features: Features,
}

impl ObjectState {
    /// A fresh object.
    pub fn new() -> ObjectState {
        let op = match Operator::new(config()) {
            Ok(op) => op,
            Err(e) => unreachable!("the fixed object config is valid: {e}"),
        };
        ObjectState {
            op,
            features: Features::default(),
        }
    }

    /// Restore from stored bytes (`None`: never stored). Corrupt bytes are an error naming
    /// what is wrong, never a panic.
    pub fn decode(bytes: Option<&[u8]>) -> Result<ObjectState, String> {
        let Some(bytes) = bytes else {
            return Ok(ObjectState::new());
        };
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or("stored object state: bad magic (not SPO1)")?;
        let (len, rest) = rest
            .split_first_chunk::<4>()
            .ok_or("stored object state: truncated length")?;
        let len = u32::from_le_bytes(*len) as usize;
        if rest.len() < len {
            return Err(format!(
                "stored object state: snapshot of {len} bytes but only {} stored",
                rest.len()
            ));
        }
        let (snap, json) = rest.split_at(len);
        let op =
            Operator::restore(snap).map_err(|e| format!("stored object state: snapshot: {e}"))?;
        if op.config() != &config() {
            return Err("stored object state: made with other operator settings".into());
        }
        let features = serde_json::from_slice(json)
            .map_err(|e| format!("stored object state: features: {e}"))?;
        Ok(ObjectState { op, features })
    }

    /// The bytes to store: magic, snapshot length, snapshot, features JSON.
    pub fn encode(&self) -> Vec<u8> {
        let snap = self.op.snapshot();
        let json = serde_json::to_vec(&self.features).unwrap_or_else(|_| b"{}".to_vec());
        let mut out = Vec::with_capacity(8 + snap.len() + json.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(snap.len() as u32).to_le_bytes());
        out.extend_from_slice(&snap);
        out.extend_from_slice(&json);
        out
    }

    /// Push a batch (`now`: processing time), fire what the watermark allows, update features.
    pub fn apply(&mut self, events: &[Event], now: i64) -> Counts {
        let mut counts = Counts::default();
        for ev in events {
            let before = self.op.stats();
            self.op.push(ev, now);
            let after = self.op.stats();
            counts.duplicates += after.duplicates - before.duplicates;
            counts.conflicts += after.conflicts - before.conflicts;
            counts.late += after.late - before.late;
            if after.accepted > before.accepted {
                counts.accepted += 1;
                self.features.clicks.push(click(ev));
            }
        }
        self.features.last_arrival = Some(now);
        self.settle();
        counts
    }

    /// The alarm: if the key has been idle a whole gap, close its sessions.
    pub fn alarm(&mut self, now: i64) {
        if self.next_alarm().is_some_and(|t| t <= now) {
            let last = self.features.clicks.iter().map(|c| c.time).max();
            let open_end = self.op.open_results().iter().map(|w| w.end).max();
            if let Some(end) = open_end.or(last.map(|t| t + GAP_MS)) {
                self.op
                    .advance_watermark(end.saturating_add(OUT_OF_ORDERNESS_MS));
            }
            self.settle();
        }
    }

    /// When the alarm should ring (ms, processing time): `None` when no window is open.
    pub fn next_alarm(&self) -> Option<i64> {
        if self.op.open_windows() == 0 {
            return None;
        }
        self.features.last_arrival.map(|t| t.saturating_add(GAP_MS))
    }

    fn settle(&mut self) {
        let out = self.op.poll();
        for w in &out.windows {
            if w.revision == 0 {
                self.features.sessions_closed += 1;
            }
            let newer = self
                .features
                .last_closed
                .as_ref()
                .is_none_or(|s| s.start <= w.start);
            if newer {
                self.features.last_closed = Some(Session::from_window(w));
            }
            let closed = &mut self.features.closed;
            closed.retain(|s| {
                s.start != w.start && !w.replaces.iter().any(|&(a, b)| (a, b) == (s.start, s.end))
            });
            closed.push(Session::from_window(w));
            closed.sort_by_key(|s| s.start);
            let excess = closed.len().saturating_sub(MAX_CLOSED);
            closed.drain(..excess);
        }
        let clicks = &mut self.features.clicks;
        clicks.sort_by(|a, b| (a.time, &a.id).cmp(&(b.time, &b.id)));
        if let Some(max) = clicks.last().map(|c| c.time) {
            clicks.retain(|c| c.time > max - GAP_MS);
        }
        let excess = clicks.len().saturating_sub(MAX_CLICKS);
        clicks.drain(..excess);
    }

    /// The features `/recommend` and the dashboard read.
    pub fn view(&self) -> FeatureView {
        FeatureView {
            clicks: self.features.clicks.clone(),
            session: self.op.open_results().last().map(Session::from_window),
            last_closed: self.features.last_closed.clone(),
            sessions_closed: self.features.sessions_closed,
            closed: self.features.closed.clone(),
            watermark: self.op.watermark(),
            events: self.op.stats().events,
        }
    }
}

impl Default for ObjectState {
    fn default() -> Self {
        ObjectState::new()
    }
}

fn click(ev: &Event) -> Click {
    let text = |i: usize| {
        ev.values
            .get(i)
            .and_then(|v| v.as_ref())
            .map(|v| v.as_text().into_owned())
    };
    Click {
        id: ev.id.clone(),
        time: ev.time,
        kind: text(0),
        item: text(1),
        value: ev
            .values
            .get(2)
            .and_then(|v| v.as_ref())
            .and_then(Value::as_num),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, t: i64, kind: &str, item: &str, value: f64) -> Event {
        Event {
            id: Some(id.into()),
            key: "s1".into(),
            time: t,
            source: 0,
            values: vec![
                Some(Value::Text(kind.into())),
                Some(Value::Text(item.into())),
                Some(Value::Num(value)),
            ],
        }
    }

    const T0: i64 = 1_714_557_600_000;

    #[test]
    fn batch_counts_dedup_and_restore_roundtrip() {
        let mut s = ObjectState::new();
        let a = [
            ev("a", T0, "view", "i1", 0.0),
            ev("b", T0 + 1000, "cart", "i2", 9.5),
            ev("a", T0, "view", "i1", 0.0),
        ];
        let c = s.apply(&a, 5);
        assert_eq!(
            (c.accepted, c.duplicates, c.conflicts, c.late),
            (2, 1, 0, 0)
        );
        let bytes = s.encode();
        let mut r = ObjectState::decode(Some(&bytes)).unwrap();
        assert_eq!(r.encode(), bytes, "restore then encode is the identity");
        // the same batch again after a restart: nothing counted twice
        let c = r.apply(&a, 6);
        assert_eq!((c.accepted, c.duplicates), (0, 3));
        // same id, other content: a conflict, first wins
        let c = r.apply(&[ev("b", T0 + 1000, "cart", "i2", 99.0)], 7);
        assert_eq!((c.accepted, c.duplicates, c.conflicts), (0, 1, 1));
        let v = r.view();
        assert_eq!(v.clicks.len(), 2);
        let sess = v.session.unwrap();
        assert_eq!(
            (sess.events, sess.value, sess.distinct_items),
            (2, Some(9.5), 2)
        );
        assert_eq!((sess.start, sess.end), (T0, T0 + 1000 + GAP_MS));
    }

    #[test]
    fn alarm_closes_the_session_after_an_idle_gap() {
        let mut s = ObjectState::new();
        s.apply(&[ev("a", T0, "view", "i1", 1.0)], 100);
        assert_eq!(s.next_alarm(), Some(100 + GAP_MS));
        s.alarm(99 + GAP_MS);
        assert!(s.view().session.is_some(), "not idle long enough");
        s.alarm(100 + GAP_MS);
        let v = s.view();
        assert_eq!((v.session, v.sessions_closed), (None, 1));
        assert_eq!(v.closed.len(), 1);
        assert_eq!(v.closed.first(), v.last_closed.as_ref());
        assert_eq!(v.last_closed.map(|l| l.events), Some(1));
        assert_eq!(s.next_alarm(), None);
        // an event of the closed session arriving now is late, and counted as such
        let c = s.apply(&[ev("z", T0 + 10, "view", "i9", 1.0)], 200 + GAP_MS);
        assert_eq!((c.accepted, c.late), (0, 1));
    }

    #[test]
    fn closed_sessions_are_kept_in_order_and_bounded() {
        let mut s = ObjectState::new();
        // 20 sessions 1 h apart, two events each: each one closes when the next one's events
        // move the watermark past it.
        let evs: Vec<Event> = (0..20)
            .flat_map(|i| {
                let t = T0 + i * 3_600_000;
                [
                    ev(&format!("a{i}"), t, "view", "i1", 1.0),
                    ev(&format!("b{i}"), t + 5_000, "cart", "i2", 2.0),
                ]
            })
            .collect();
        s.apply(&evs, 1);
        let v = s.view();
        assert_eq!(v.sessions_closed, 19);
        assert_eq!(v.closed.len(), MAX_CLOSED);
        let first = T0 + (19 - MAX_CLOSED as i64) * 3_600_000;
        assert_eq!(v.closed[0].start, first, "the oldest went first");
        assert!(v.closed.windows(2).all(|w| w[0].start < w[1].start));
        let last = v.closed.last().unwrap();
        assert_eq!(
            (last.events, last.value, last.end),
            (2, Some(3.0), T0 + 18 * 3_600_000 + 5_000 + GAP_MS)
        );
        assert_eq!(v.session.map(|o| o.start), Some(T0 + 19 * 3_600_000));
        let r = ObjectState::decode(Some(&s.encode())).unwrap();
        assert_eq!(r.view().closed, v.closed, "stored with the state");
    }

    #[test]
    fn clicks_are_recent_and_bounded() {
        let mut s = ObjectState::new();
        let evs: Vec<Event> = (0..80)
            .map(|i| {
                ev(
                    &format!("e{i}"),
                    T0 + i * 1000,
                    "view",
                    &format!("i{i}"),
                    0.0,
                )
            })
            .collect();
        s.apply(&evs, 1);
        let v = s.view();
        assert_eq!(v.clicks.len(), MAX_CLICKS);
        assert_eq!(
            v.clicks.last().and_then(|c| c.item.clone()).as_deref(),
            Some("i79")
        );
    }

    #[test]
    fn hostile_stored_bytes_are_errors() {
        let good = ObjectState::new().encode();
        for bad in [
            &b""[..],
            b"XXXX",
            b"SPO1",
            b"SPO1\xff\xff\xff\xff",
            &good[..good.len() - 1],
            &good[..10],
        ] {
            assert!(ObjectState::decode(Some(bad)).is_err(), "{bad:?}");
        }
        let mut flipped = good.clone();
        flipped[12] ^= 1;
        assert!(ObjectState::decode(Some(&flipped)).is_err());
    }
}
