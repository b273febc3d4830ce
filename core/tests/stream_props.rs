//! Property tests of the stream operator against a naive batch reference written here:
//! for random inputs, window types, delays and lateness,
//! - any arrival order within the out-of-orderness bound, with duplicated events anywhere
//!   after their original, gives final windows equal to a batch computation over the
//!   de-duplicated input;
//! - any arrival order at all gives what a naive event-by-event simulation of Flink's rules
//!   (watermark = max seen − delay − 1; a window is closed once `end − 1 + lateness <= wm`)
//!   gives (tumbling and sliding; for sessions the batch over the events not reported late,
//!   each late report checked against the rule);
//! - a crash at any point, restore from the last snapshot and replay of the events since,
//!   ends with the same final windows (revisions included) as the uninterrupted run;
//! - per-event and micro-batch execution end with the same final windows.

use proptest::prelude::*;
use spur_core::stream::hash::hash128;
use spur_core::stream::hash::hash64;
use spur_core::stream::hll::Hll;
use spur_core::stream::{
    AggSpec, AggValue, Event, FinalWindows, LateReason, Mode, Operator, Runner, StreamConfig,
    Value, WindowResult, WindowSpec,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const FIELDS: [&str; 3] = ["v", "item", "act"];

fn aggs() -> Vec<AggSpec> {
    vec![
        AggSpec::Count,
        AggSpec::Sum { field: 0 },
        AggSpec::Min { field: 0 },
        AggSpec::Max { field: 0 },
        AggSpec::Mean { field: 0 },
        AggSpec::Distinct { field: 1 },
        AggSpec::ApproxDistinct { field: 1 },
        AggSpec::TopK { field: 1, k: 2 },
        AggSpec::Dfg {
            activity: 2,
            case: None,
        },
    ]
}

fn config(window: WindowSpec, delay: i64, lateness: i64) -> StreamConfig {
    let mut c = StreamConfig::new(
        window,
        FIELDS.iter().map(|s| s.to_string()).collect(),
        aggs(),
    );
    c.out_of_orderness = delay;
    c.lateness = lateness;
    c
}

fn window_of(rng: &mut Rng) -> WindowSpec {
    match rng.below(3) {
        0 => {
            let size = 5 + rng.below(40) as i64;
            WindowSpec::Tumbling {
                size,
                offset: rng.below(size as u64) as i64,
            }
        }
        1 => {
            let slide = 3 + rng.below(15) as i64;
            let size = slide * (1 + rng.below(4) as i64) + rng.below(3) as i64;
            WindowSpec::Sliding {
                size,
                slide,
                offset: rng.below(slide as u64) as i64,
            }
        }
        _ => WindowSpec::Session {
            gap: 3 + rng.below(25) as i64,
        },
    }
}

/// Distinct-id events with small integer values (exact float sums).
fn events(rng: &mut Rng, n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let mut values = vec![
                Some(Value::Num(rng.below(10) as f64)),
                Some(Value::Text(
                    ["a", "b", "c", "d"][rng.below(4) as usize].into(),
                )),
                Some(Value::Text(["x", "y", "z"][rng.below(3) as usize].into())),
            ];
            if rng.below(8) == 0 {
                values[0] = None;
            }
            Event {
                id: Some(format!("e{i}")),
                key: ["k1", "k2", "k3"][rng.below(3) as usize].into(),
                time: rng.below(300) as i64 - 50,
                source: 0,
                values,
            }
        })
        .collect()
}

/// Arrival order within the bound: sort by time + jitter in [0, delay].
fn bounded_order(rng: &mut Rng, evs: &[Event], delay: i64) -> Vec<Event> {
    let mut keyed: Vec<(i64, usize)> = evs
        .iter()
        .enumerate()
        .map(|(i, e)| (e.time + rng.below(delay as u64 + 1) as i64, i))
        .collect();
    keyed.sort();
    keyed.into_iter().map(|(_, i)| evs[i].clone()).collect()
}

/// Copies of some events inserted after their original.
fn with_duplicates(rng: &mut Rng, mut order: Vec<Event>, copies: usize) -> Vec<Event> {
    for _ in 0..copies {
        if order.is_empty() {
            break;
        }
        let i = rng.below(order.len() as u64) as usize;
        let at = i + 1 + rng.below((order.len() - i) as u64) as usize;
        let copy = order[i].clone();
        order.insert(at.min(order.len()), copy);
    }
    order
}

fn run_per_event(
    cfg: &StreamConfig,
    order: &[Event],
) -> (FinalWindows, Vec<spur_core::stream::Late>) {
    let mut op = Operator::new(cfg.clone()).unwrap();
    let mut finals = FinalWindows::default();
    let mut late = Vec::new();
    for e in order {
        op.push(e, 0);
        let out = op.poll();
        out.windows.iter().for_each(|w| finals.apply(w));
        late.extend(out.late);
    }
    op.advance_watermark(i64::MAX);
    let out = op.poll();
    out.windows.iter().for_each(|w| finals.apply(w));
    late.extend(out.late);
    assert_eq!(op.open_windows(), 0);
    (finals, late)
}

// ---- the naive reference ----------------------------------------------------------------

fn fixed_windows(spec: WindowSpec, t: i64) -> Vec<(i64, i64)> {
    let (size, slide, offset) = match spec {
        WindowSpec::Tumbling { size, offset } => (size, size, offset),
        WindowSpec::Sliding {
            size,
            slide,
            offset,
        } => (size, slide, offset),
        WindowSpec::Session { .. } => unreachable!(),
    };
    // Every start offset + k·slide with start <= t < start + size, by brute force.
    let mut out = Vec::new();
    let mut k = (t - offset - size) / slide - 2;
    loop {
        let s = offset + k * slide;
        if s > t {
            break;
        }
        if t < s + size {
            out.push((s, s + size));
        }
        k += 1;
    }
    out
}

fn num(e: &Event) -> Option<f64> {
    match &e.values[0] {
        Some(Value::Num(x)) => Some(*x),
        _ => None,
    }
}
fn text(e: &Event, i: usize) -> String {
    match &e.values[i] {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    }
}

fn batch_result(key: &str, start: i64, end: i64, evs: &[&Event]) -> WindowResult {
    let nums: Vec<f64> = evs.iter().filter_map(|e| num(e)).collect();
    let sum: f64 = nums.iter().fold(0.0, |a, b| a + b);
    let items: BTreeSet<String> = evs.iter().map(|e| text(e, 1)).collect();
    let mut hll = Hll::default();
    for i in &items {
        hll.add(hash64(i.as_bytes(), 0));
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for e in evs {
        *counts.entry(text(e, 1)).or_default() += 1;
    }
    let mut top: Vec<(String, u64)> = counts.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(2);
    let mut seq: Vec<&&Event> = evs.iter().collect();
    seq.sort_by_key(|e| (e.time, hash128(e.id.as_deref().unwrap_or("").as_bytes())));
    let mut df: BTreeMap<(String, String), u64> = BTreeMap::new();
    for p in seq.windows(2) {
        *df.entry((text(p[0], 2), text(p[1], 2))).or_default() += 1;
    }
    let mut dfg: Vec<(String, String, u64)> = df.into_iter().map(|((a, b), c)| (a, b, c)).collect();
    dfg.sort_by(|a, b| b.2.cmp(&a.2).then((&a.0, &a.1).cmp(&(&b.0, &b.1))));
    let min = nums.iter().copied().reduce(f64::min);
    let max = nums.iter().copied().reduce(f64::max);
    WindowResult {
        key: key.into(),
        start,
        end,
        revision: 0,
        count: evs.len() as u64,
        aggs: vec![
            AggValue::Count(evs.len() as u64),
            AggValue::Number(Some(sum)),
            AggValue::Number(min),
            AggValue::Number(max),
            AggValue::Number((!nums.is_empty()).then(|| sum / nums.len() as f64)),
            AggValue::Count(items.len() as u64),
            AggValue::Count(hll.estimate().round() as u64),
            AggValue::TopK(top),
            AggValue::Dfg(dfg),
        ],
        replaces: Vec::new(),
    }
}

/// Batch windows over `evs` (each already de-duplicated and accepted), or for fixed windows
/// over explicit (event, window) memberships.
fn batch(spec: WindowSpec, members: &[(&Event, (i64, i64))]) -> Vec<WindowResult> {
    let mut groups: BTreeMap<(String, i64, i64), Vec<&Event>> = BTreeMap::new();
    for (e, (s, en)) in members {
        groups.entry((e.key.clone(), *s, *en)).or_default().push(e);
    }
    let _ = spec;
    groups
        .into_iter()
        .map(|((k, s, e), evs)| batch_result(&k, s, e, &evs))
        .collect()
}

fn sessions(gap: i64, evs: &[&Event]) -> Vec<WindowResult> {
    let mut by_key: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for e in evs {
        by_key.entry(e.key.clone()).or_default().push(e);
    }
    let mut members = Vec::new();
    for (_, mut list) in by_key {
        list.sort_by_key(|e| e.time);
        let mut cur: Vec<&Event> = Vec::new();
        let (mut s, mut en) = (0, i64::MIN);
        for e in list {
            if cur.is_empty() || e.time > en {
                for c in cur.drain(..) {
                    members.push((c, (s, en)));
                }
                s = e.time;
                en = e.time + gap;
            } else {
                en = en.max(e.time + gap);
            }
            cur.push(e);
        }
        for c in cur {
            members.push((c, (s, en)));
        }
    }
    batch(WindowSpec::Session { gap }, &members)
}

fn reference_all(spec: WindowSpec, evs: &[&Event]) -> Vec<WindowResult> {
    match spec {
        WindowSpec::Session { gap } => sessions(gap, evs),
        _ => {
            let members: Vec<(&Event, (i64, i64))> = evs
                .iter()
                .flat_map(|e| {
                    fixed_windows(spec, e.time)
                        .into_iter()
                        .map(move |w| (*e, w))
                })
                .collect();
            batch(spec, &members)
        }
    }
}

fn arrivals_any(rng: &mut Rng, evs: &[Event]) -> Vec<Event> {
    let mut v = evs.to_vec();
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn bounded_disorder_and_duplicates_equal_the_batch(seed in any::<u64>(), n in 0usize..70, copies in 0usize..20) {
        let mut rng = Rng(seed);
        let spec = window_of(&mut rng);
        let delay = rng.below(30) as i64;
        let lateness = rng.below(3) as i64 * 7;
        // Sessions merge when they touch, so an event exactly `delay` behind (watermark =
        // its time − 1) can touch a session that already fired and closed; Flink then starts a
        // new session where a batch would merge. The batch equality holds for disorder < delay.
        let (delay, disorder) = match spec {
            WindowSpec::Session { .. } => (delay + 1, delay),
            _ => (delay, delay),
        };
        let cfg = config(spec, delay, lateness);
        let evs = events(&mut rng, n);
        let base = bounded_order(&mut rng, &evs, disorder);
        let order = with_duplicates(&mut rng, base, copies);
        let (finals, late) = run_per_event(&cfg, &order);
        // Only copies may be reported late (an original within the bound never is).
        let originals: Vec<&Event> = evs.iter().collect();
        let expected = reference_all(spec, &originals);
        prop_assert_eq!(finals.contents(), expected, "late: {:?}", late);
    }

    #[test]
    fn any_order_follows_the_naive_flink_simulation(seed in any::<u64>(), n in 0usize..60, copies in 0usize..10) {
        let mut rng = Rng(seed);
        let spec = window_of(&mut rng);
        let delay = rng.below(20) as i64;
        let lateness = rng.below(4) as i64 * 10;
        let cfg = config(spec, delay, lateness);
        let horizon = cfg.horizon();
        let evs = events(&mut rng, n);
        let base = arrivals_any(&mut rng, &evs);
        let order = with_duplicates(&mut rng, base, copies);
        let (finals, late) = run_per_event(&cfg, &order);
        match spec {
            WindowSpec::Session { gap } => {
                // Naive Flink: sessions of a key live until `end - 1 + lateness <= wm`, when
                // their cleanup timer removes them; an event merges with the live sessions
                // its own window touches, unless the result is already closed.
                type Live<'a> = Vec<(i64, i64, Vec<&'a Event>)>;
                let mut live: BTreeMap<String, Live> = BTreeMap::new();
                let mut done: Vec<(String, i64, i64, Vec<&Event>)> = Vec::new();
                let mut max = i64::MIN;
                let mut accepted_ids = HashSet::new();
                let mut naive_late = Vec::new();
                // Copies arriving after their id was counted: the operator reports them as
                // duplicates or, once the id expired, late; either way not counted.
                let mut copies = HashSet::new();
                for e in &order {
                    let wm = if max == i64::MIN { i64::MIN } else { max - delay - 1 };
                    max = max.max(e.time);
                    for (k, list) in live.iter_mut() {
                        let (closed, open): (Live, Live) = list.drain(..).partition(|w| w.1 - 1 + lateness <= wm);
                        done.extend(closed.into_iter().map(|(s, en, v)| (k.clone(), s, en, v)));
                        *list = open;
                    }
                    if accepted_ids.contains(&e.id) {
                        copies.insert((e.id.clone(), wm));
                        continue;
                    }
                    let list = live.entry(e.key.clone()).or_default();
                    let own = (e.time, e.time + gap);
                    let (touch, rest): (Live, Live) = list.drain(..).partition(|w| w.0 <= own.1 && w.1 >= own.0);
                    let merged = touch.iter().fold(own, |c, w| (c.0.min(w.0), c.1.max(w.1)));
                    let closed = merged.1 - 1 + lateness <= wm;
                    if closed || e.time + horizon <= wm {
                        naive_late.push((e.id.clone(), if closed { LateReason::WindowClosed } else { LateReason::BeyondDedupHorizon }));
                        *list = rest;
                        list.extend(touch);
                        continue;
                    }
                    let mut evs: Vec<&Event> = touch.into_iter().flat_map(|w| w.2).collect();
                    evs.push(e);
                    *list = rest;
                    list.push((merged.0, merged.1, evs));
                    accepted_ids.insert(e.id.clone());
                }
                for (k, list) in live {
                    done.extend(list.into_iter().map(|(s, en, v)| (k.clone(), s, en, v)));
                }
                let mut want: Vec<WindowResult> = done.iter().map(|(k, s, en, v)| batch_result(k, *s, *en, v)).collect();
                want.sort_by(|a, b| (&a.key, a.start, a.end).cmp(&(&b.key, b.start, b.end)));
                let got_late: Vec<(Option<String>, LateReason)> = late
                    .iter()
                    .filter(|l| !copies.contains(&(l.id.clone(), l.watermark)))
                    .map(|l| (l.id.clone(), l.reason))
                    .collect();
                prop_assert_eq!(got_late, naive_late);
                prop_assert_eq!(finals.contents(), want);
            }
            _ => {
                let mut max = i64::MIN;
                let mut accepted_ids = HashSet::new();
                let mut members = Vec::new();
                let mut naive_late = Vec::new();
                for e in &order {
                    let wm = if max == i64::MIN { i64::MIN } else { max - delay - 1 };
                    max = max.max(e.time);
                    if accepted_ids.contains(&e.id) {
                        continue;
                    }
                    let open: Vec<(i64, i64)> = fixed_windows(spec, e.time)
                        .into_iter()
                        .filter(|&(_, end)| end - 1 + lateness > wm)
                        .collect();
                    if open.is_empty() {
                        naive_late.push(e.id.clone());
                        continue;
                    }
                    accepted_ids.insert(e.id.clone());
                    members.extend(open.into_iter().map(|w| (e, w)));
                }
                // A copy of a counted event arriving after its id expired is reported late
                // (the naive run calls it a duplicate): both mean "not counted again".
                for l in late.iter().filter(|l| accepted_ids.contains(&l.id)) {
                    prop_assert!(fixed_windows(spec, l.time).iter().all(|&(_, end)| end - 1 + lateness <= l.watermark));
                }
                let late_ids: Vec<Option<String>> = late
                    .iter()
                    .filter(|l| !accepted_ids.contains(&l.id))
                    .map(|l| l.id.clone())
                    .collect();
                prop_assert_eq!(late_ids, naive_late);
                prop_assert_eq!(finals.contents(), batch(spec, &members));
            }
        }
    }

    #[test]
    fn crash_restore_and_replay_end_like_the_uninterrupted_run(seed in any::<u64>(), n in 1usize..60, every in 1usize..8, crash in 0usize..70) {
        let mut rng = Rng(seed);
        let spec = window_of(&mut rng);
        let delay = rng.below(15) as i64;
        let lateness = rng.below(3) as i64 * 10;
        let cfg = config(spec, delay, lateness);
        let evs = events(&mut rng, n);
        let base = arrivals_any(&mut rng, &evs);
        let order = with_duplicates(&mut rng, base, 5);
        let crash = crash.min(order.len());

        let mut whole = Operator::new(cfg.clone()).unwrap();
        let mut want = FinalWindows::default();
        for e in &order {
            whole.push(e, 0);
            whole.poll().windows.iter().for_each(|w| want.apply(w));
        }
        whole.advance_watermark(i64::MAX);
        whole.poll().windows.iter().for_each(|w| want.apply(w));

        let mut op = Operator::new(cfg.clone()).unwrap();
        let mut got = FinalWindows::default();
        let mut last = (0usize, op.snapshot());
        for (i, e) in order[..crash].iter().enumerate() {
            op.push(e, 0);
            op.poll().windows.iter().for_each(|w| got.apply(w));
            if (i + 1) % every == 0 {
                last = (i + 1, op.snapshot());
            }
        }
        // Crash: the live operator is lost; restore and replay from the snapshot's position.
        drop(op);
        let mut op = Operator::restore(&last.1).unwrap();
        for e in &order[last.0..] {
            op.push(e, 0);
            op.poll().windows.iter().for_each(|w| got.apply(w));
        }
        op.advance_watermark(i64::MAX);
        op.poll().windows.iter().for_each(|w| got.apply(w));
        prop_assert_eq!(&got, &want);
        prop_assert_eq!(op.stats(), whole.stats());
    }

    #[test]
    fn per_event_and_micro_batch_end_with_the_same_windows(seed in any::<u64>(), n in 0usize..80, interval in 1i64..40) {
        let mut rng = Rng(seed);
        let spec = window_of(&mut rng);
        let delay = rng.below(15) as i64;
        let lateness = rng.below(3) as i64 * 10;
        let cfg = config(spec, delay, lateness);
        let evs = events(&mut rng, n);
        let base = arrivals_any(&mut rng, &evs);
        let order = with_duplicates(&mut rng, base, 5);
        let mut finals = Vec::new();
        for mode in [Mode::PerEvent, Mode::MicroBatch { interval }] {
            let mut r = Runner::new(Operator::new(cfg.clone()).unwrap(), mode).unwrap();
            let mut f = FinalWindows::default();
            let mut late = 0;
            for (i, e) in order.iter().enumerate() {
                if let Some(emit) = r.offer(i as i64 * 3, e.clone()) {
                    prop_assert!(emit.arrivals.iter().all(|&a| a <= emit.at));
                    emit.output.windows.iter().for_each(|w| f.apply(w));
                    late += emit.output.late.len();
                }
            }
            for emit in r.finish() {
                emit.output.windows.iter().for_each(|w| f.apply(w));
                late += emit.output.late.len();
            }
            finals.push((f.contents(), late));
        }
        prop_assert_eq!(&finals[0], &finals[1]);
    }
}
