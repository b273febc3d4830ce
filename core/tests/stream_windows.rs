//! Hand-computed cases for the stream operator: each window type, watermarks, allowed
//! lateness, session merging (including merging windows that already fired), de-duplication,
//! aggregates and snapshots. Every expected value below was worked out by hand from Flink's
//! rules (see `core/src/stream/window.rs` and `operator.rs`).

use spur_core::stream::{
    AggSpec, AggValue, Event, FinalWindows, LateReason, Operator, Output, StreamConfig, Value,
    WindowSpec,
};

fn ev(key: &str, time: i64, id: Option<&str>, values: &[&str]) -> Event {
    Event {
        id: id.map(str::to_string),
        key: key.into(),
        time,
        source: 0,
        values: values
            .iter()
            .map(|v| (!v.is_empty()).then(|| Value::Text(v.to_string())))
            .collect(),
    }
}

fn op(window: WindowSpec, delay: i64, lateness: i64) -> Operator {
    let mut cfg = StreamConfig::new(
        window,
        vec!["v".into()],
        vec![AggSpec::Count, AggSpec::Sum { field: 0 }],
    );
    cfg.out_of_orderness = delay;
    cfg.lateness = lateness;
    Operator::new(cfg).unwrap()
}

/// `(key, start, end, revision, count)` of each emitted window.
fn fired(out: &Output) -> Vec<(String, i64, i64, u32, u64)> {
    out.windows
        .iter()
        .map(|w| (w.key.clone(), w.start, w.end, w.revision, w.count))
        .collect()
}

fn w(key: &str, s: i64, e: i64, rev: u32, n: u64) -> (String, i64, i64, u32, u64) {
    (key.into(), s, e, rev, n)
}

#[test]
fn tumbling_fires_at_end_minus_one_and_refuses_closed_windows() {
    let mut o = op(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        0,
        0,
    );
    o.push(&ev("a", 1, None, &["1"]), 0);
    o.push(&ev("a", 5, None, &["2"]), 0);
    assert!(o.poll().windows.is_empty());
    // Watermark = 10 - 0 - 1 = 9 = end - 1 of [0, 10): fires.
    o.push(&ev("a", 10, None, &["3"]), 0);
    let out = o.poll();
    assert_eq!(out.watermark, 9);
    assert_eq!(fired(&out), [w("a", 0, 10, 0, 2)]);
    assert_eq!(out.windows[0].aggs[1], AggValue::Number(Some(3.0)));
    // t = 9 now: its window closed (no lateness).
    o.push(&ev("a", 9, None, &["4"]), 0);
    let out = o.poll();
    assert_eq!(out.late.len(), 1);
    assert_eq!(out.late[0].reason, LateReason::WindowClosed);
    assert_eq!(out.late[0].watermark, 9);
    o.advance_watermark(i64::MAX);
    assert_eq!(fired(&o.poll()), [w("a", 10, 20, 0, 1)]);
    let s = o.stats();
    assert_eq!((s.events, s.accepted, s.late, s.windows), (4, 3, 1, 2));
    assert_eq!(o.open_windows(), 0);
}

#[test]
fn out_of_orderness_delays_firing() {
    let mut o = op(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        5,
        0,
    );
    o.push(&ev("a", 3, None, &[]), 0);
    o.push(&ev("a", 14, None, &[]), 0); // wm 8: not yet
    assert!(o.poll().windows.is_empty());
    o.push(&ev("a", 9, None, &[]), 0); // on time (9 > 8)
    o.push(&ev("a", 15, None, &[]), 0); // wm 9: fires
    assert_eq!(fired(&o.poll()), [w("a", 0, 10, 0, 2)]);
}

#[test]
fn allowed_lateness_re_emits_with_next_revision_then_drops() {
    let mut o = op(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        0,
        5,
    );
    o.push(&ev("a", 1, None, &["1"]), 0);
    o.push(&ev("a", 12, None, &["1"]), 0);
    assert_eq!(fired(&o.poll()), [w("a", 0, 10, 0, 1)]);
    // wm 11 < 9 + 5: still accepted, re-emitted as revision 1.
    o.push(&ev("a", 8, None, &["1"]), 0);
    o.push(&ev("a", 7, None, &["1"]), 0);
    assert_eq!(fired(&o.poll()), [w("a", 0, 10, 1, 3)]);
    // wm 14 = 9 + 5: dropped; a later event is late.
    o.push(&ev("a", 15, None, &["1"]), 0);
    assert!(o.poll().windows.is_empty());
    o.push(&ev("a", 2, None, &["1"]), 0);
    let out = o.poll();
    assert_eq!(out.late[0].reason, LateReason::WindowClosed);
    assert_eq!(o.stats().late_accepted, 2);
    assert_eq!(o.stats().updates, 1);
}

#[test]
fn sliding_windows_hold_each_event_size_over_slide_times() {
    let mut o = op(
        WindowSpec::Sliding {
            size: 10,
            slide: 5,
            offset: 0,
        },
        100,
        0,
    );
    o.push(&ev("a", 7, None, &[]), 0);
    o.push(&ev("a", 12, None, &[]), 0);
    o.advance_watermark(i64::MAX);
    assert_eq!(
        fired(&o.poll()),
        [
            w("a", 0, 10, 0, 1),
            w("a", 5, 15, 0, 2),
            w("a", 10, 20, 0, 1)
        ]
    );
}

#[test]
fn sliding_event_partly_late_counts_in_its_open_windows_only() {
    // Flink: windows past lateness are skipped; the event still counts in the others.
    let mut o = op(
        WindowSpec::Sliding {
            size: 10,
            slide: 5,
            offset: 0,
        },
        0,
        0,
    );
    o.push(&ev("a", 11, None, &[]), 0); // wm 10: [0,10) would be closed
    o.push(&ev("a", 7, None, &[]), 0); // in [0,10) (closed) and [5,15) (open)
    let out = o.poll();
    assert!(out.late.is_empty());
    o.advance_watermark(i64::MAX);
    assert_eq!(
        fired(&o.poll()),
        [w("a", 5, 15, 0, 2), w("a", 10, 20, 0, 1)]
    );
}

#[test]
fn sessions_merge_when_an_event_bridges_them() {
    let mut o = op(WindowSpec::Session { gap: 10 }, 100, 0);
    for (k, t) in [("a", 0), ("a", 25), ("b", 3), ("a", 10), ("a", 15)] {
        o.push(&ev(k, t, None, &[]), 0);
    }
    // a: [0,10) + [10,20) touch → [0,20); [15,25) touches [0,20) and [25,35) → [0,35).
    o.advance_watermark(i64::MAX);
    assert_eq!(fired(&o.poll()), [w("b", 3, 13, 0, 1), w("a", 0, 35, 0, 4)]);
}

#[test]
fn late_event_merging_fired_sessions_supersedes_them() {
    let mut o = op(WindowSpec::Session { gap: 10 }, 0, 100);
    o.push(&ev("a", 0, None, &[]), 0);
    o.push(&ev("a", 30, None, &[]), 0); // wm 29
    assert_eq!(fired(&o.poll()), [w("a", 0, 10, 0, 1)]);
    o.push(&ev("a", 15, None, &[]), 0); // own session [15,25), allowed late
    assert_eq!(fired(&o.poll()), [w("a", 15, 25, 0, 1)]);
    o.push(&ev("a", 10, None, &[]), 0); // [10,20) bridges [0,10) and [15,25)
    let out = o.poll();
    assert_eq!(fired(&out), [w("a", 0, 25, 1, 3)]);
    assert_eq!(out.windows[0].replaces, [(0, 10), (15, 25)]);
    o.push(&ev("a", 26, None, &[]), 0); // joins [30,40) → [26,40), not fired yet
    o.advance_watermark(i64::MAX);
    let out2 = o.poll();
    assert_eq!(fired(&out2), [w("a", 26, 40, 0, 2)]);
    let mut finals = FinalWindows::default();
    for x in [&out, &out2] {
        for win in &x.windows {
            finals.apply(win);
        }
    }
    let keys: Vec<_> = finals.windows.keys().cloned().collect();
    assert_eq!(keys, [("a".to_string(), 0, 25), ("a".to_string(), 26, 40)]);
}

#[test]
fn duplicates_count_once_and_conflicts_are_reported_first_wins() {
    let mut o = op(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        0,
        0,
    );
    o.push(&ev("a", 1, Some("e1"), &["5"]), 0);
    o.push(&ev("a", 1, Some("e1"), &["5"]), 0);
    o.push(&ev("a", 2, Some("e1"), &["7"]), 0); // same id, other content
    o.push(&ev("a", 3, Some("e2"), &["1"]), 0);
    o.advance_watermark(i64::MAX);
    let out = o.poll();
    assert_eq!(fired(&out), [w("a", 0, 10, 0, 2)]);
    assert_eq!(out.windows[0].aggs[1], AggValue::Number(Some(6.0)));
    assert_eq!(out.conflicts.len(), 1);
    assert_eq!(out.conflicts[0].id, "e1");
    let s = o.stats();
    assert_eq!((s.duplicates, s.conflicts, s.accepted), (2, 1, 2));
}

#[test]
fn dedup_state_expires_with_the_watermark_and_is_bounded() {
    let mut o = op(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        0,
        0,
    );
    assert_eq!(o.horizon(), 10);
    o.push(&ev("a", 1, Some("x"), &[]), 0);
    o.push(&ev("a", 10, Some("y"), &[]), 0); // wm 9: x kept (1 + 10 > 9)
    assert_eq!(o.dedup_entries(), 2);
    o.push(&ev("a", 12, Some("z"), &[]), 0); // wm 11 >= 1 + 10: x forgotten
    assert_eq!(o.dedup_entries(), 2);
    // A copy of x now is late anyway: never counted twice.
    o.push(&ev("a", 1, Some("x"), &[]), 0);
    assert_eq!(o.poll().late[0].reason, LateReason::WindowClosed);

    let mut cfg = StreamConfig::new(
        WindowSpec::Session { gap: 10 },
        vec![],
        vec![AggSpec::Count],
    );
    cfg.max_dedup_entries = 2;
    let mut o = Operator::new(cfg).unwrap();
    for (i, t) in [5, 6, 7].into_iter().enumerate() {
        o.push(&ev("a", t, Some(&i.to_string()), &[]), 0);
    }
    assert_eq!(o.dedup_entries(), 2);
    assert_eq!(o.stats().dedup_evicted, 1);
    // At or below the evicted time: refused, it could be a copy of the evicted id.
    o.push(&ev("a", 5, Some("0"), &[]), 0);
    assert_eq!(o.poll().late[0].reason, LateReason::BeyondDedupHorizon);
}

#[test]
fn session_events_older_than_the_horizon_are_refused_not_double_counted() {
    // Gap 10, no lateness: the horizon is 10. A long session [0, 60) stays open; an id-carrying
    // event at t = 1 when the watermark is 40 would join it in Flink, but its id could have
    // been forgotten, so it is refused with its reason.
    let mut o = op(WindowSpec::Session { gap: 10 }, 0, 0);
    for t in (0..=50).step_by(5) {
        o.push(&ev("a", t, Some(&format!("e{t}")), &[]), 0);
    }
    o.push(&ev("a", 1, Some("late"), &[]), 0);
    let out = o.poll();
    assert_eq!(out.late[0].reason, LateReason::BeyondDedupHorizon);
    // Without an id there is nothing to de-duplicate: Flink's rule applies, it merges.
    o.push(&ev("a", 1, None, &[]), 0);
    o.advance_watermark(i64::MAX);
    assert_eq!(fired(&o.poll()), [w("a", 0, 60, 0, 12)]);
}

#[test]
fn aggregates_by_hand() {
    let cfg = StreamConfig::new(
        WindowSpec::Tumbling {
            size: 100,
            offset: 0,
        },
        vec![
            "price".into(),
            "item".into(),
            "activity".into(),
            "case".into(),
        ],
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
                case: Some(3),
            },
        ],
    );
    let mut o = Operator::new(cfg).unwrap();
    let rows = [
        (10, "e1", ["2", "x", "view", "c1"]),
        (30, "e2", ["4", "y", "cart", "c1"]),
        (20, "e3", ["", "x", "view", "c2"]),
        (20, "e4", ["oops", "z", "view", "c1"]),
        (40, "e5", ["6", "x", "pay", "c2"]),
    ];
    for (t, id, v) in rows {
        o.push(&ev("shop", t, Some(id), &v), 0);
    }
    o.advance_watermark(i64::MAX);
    let out = o.poll();
    let a = &out.windows[0].aggs;
    assert_eq!(a[0], AggValue::Count(5));
    assert_eq!(a[1], AggValue::Number(Some(12.0)));
    assert_eq!(a[2], AggValue::Number(Some(2.0)));
    assert_eq!(a[3], AggValue::Number(Some(6.0)));
    assert_eq!(a[4], AggValue::Number(Some(4.0)));
    assert_eq!(a[5], AggValue::Count(3));
    assert_eq!(a[6], AggValue::Count(3));
    assert_eq!(a[7], AggValue::TopK(vec![("x".into(), 3), ("y".into(), 1)]));
    // c1: view@10, view@20 (e4), cart@30 → view→view, view→cart; c2: view@20, pay@40.
    assert_eq!(
        a[8],
        AggValue::Dfg(vec![
            ("view".into(), "cart".into(), 1),
            ("view".into(), "pay".into(), 1),
            ("view".into(), "view".into(), 1),
        ])
    );
    // "oops" is not a number: counted once by each of the four numeric aggregates.
    assert_eq!(o.stats().bad_values, 4);
}

#[test]
fn several_sources_hold_the_watermark_until_idle() {
    let mut cfg = StreamConfig::new(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        vec![],
        vec![AggSpec::Count],
    );
    cfg.idle_timeout = Some(1_000);
    let mut o = Operator::new(cfg).unwrap();
    let mut e = ev("a", 5, None, &[]);
    e.source = 1;
    o.push(&e, 0);
    let mut e2 = ev("a", 50, None, &[]);
    e2.source = 2;
    o.push(&e2, 10); // source 1 holds the watermark at 4... but it was 4 already
    assert!(o.poll().windows.is_empty());
    o.tick(1_005); // source 1 idle for 1005 ms; source 2 for 995 ms: still active
    assert_eq!(fired(&o.poll()), [w("a", 0, 10, 0, 1)]);
    assert_eq!(o.watermark(), 49);
}

#[test]
fn snapshot_restore_resumes_exactly() {
    let mut a = op(WindowSpec::Session { gap: 10 }, 5, 20);
    let events: Vec<Event> = (0..60)
        .map(|i| {
            ev(
                ["a", "b", "c"][i % 3],
                (i as i64 * 7) % 50 + i as i64,
                Some(&format!("e{}", i % 45)),
                &["1"],
            )
        })
        .collect();
    let mut outs_a = Vec::new();
    for e in &events[..30] {
        a.push(e, 0);
        outs_a.push(a.poll());
    }
    let bytes = a.snapshot();
    let mut b = Operator::restore(&bytes).unwrap();
    assert_eq!(
        b.snapshot(),
        bytes,
        "restore then snapshot gives the same bytes"
    );
    let mut outs_b = Vec::new();
    for e in &events[30..] {
        a.push(e, 0);
        outs_a.push(a.poll());
        b.push(e, 0);
        outs_b.push(b.poll());
    }
    assert_eq!(outs_a[30..], outs_b[..]);
    assert_eq!(a.snapshot(), b.snapshot());
    assert_eq!(a.stats(), b.stats());
}

#[test]
fn hostile_snapshots_are_errors_not_panics() {
    let mut o = op(
        WindowSpec::Tumbling {
            size: 10,
            offset: 0,
        },
        0,
        5,
    );
    for i in 0..20 {
        o.push(&ev("k", i, Some(&i.to_string()), &["1"]), 0);
    }
    let good = o.snapshot();
    assert!(Operator::restore(&good).is_ok());
    assert!(Operator::restore(b"").is_err());
    assert!(Operator::restore(&good[..good.len() - 1]).is_err());
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x40;
        assert!(
            Operator::restore(&bad).is_err(),
            "flipped byte {i} accepted"
        );
    }
    let mut v2 = good.clone();
    v2[8] = 2;
    assert!(Operator::restore(&v2)
        .unwrap_err()
        .to_string()
        .contains("version 2"));
    // Bodies past the checksum: every truncation and byte flip decodes or errs, never panics.
    let body = &good[10..good.len() - 32];
    for n in 0..body.len() {
        let _ = Operator::from_body(&body[..n]);
    }
    for i in 0..body.len() {
        for x in [0x01u8, 0x80, 0xFF] {
            let mut b = body.to_vec();
            b[i] ^= x;
            let _ = Operator::from_body(&b);
        }
    }
}

#[test]
fn memory_follows_open_windows_and_the_horizon_not_the_stream_length() {
    // 50 keys, 10 events per ms-step, tumbling 100 ms with ids: the state after 20k and after
    // 200k events is the same size (windows close, ids expire).
    let mut o = op(
        WindowSpec::Tumbling {
            size: 100,
            offset: 0,
        },
        20,
        30,
    );
    let mut sizes = Vec::new();
    for i in 0..200_000i64 {
        let key = format!("k{}", i % 50);
        o.push(&ev(&key, i / 10, Some(&format!("e{i}")), &["1"]), 0);
        let _ = o.poll();
        if i == 19_999 || i == 199_999 {
            sizes.push((o.memory_bytes(), o.open_windows(), o.dedup_entries()));
        }
    }
    let (early, late) = (sizes[0], sizes[1]);
    assert!(late.1 <= 3 * 50, "open windows {late:?}");
    // Horizon = 100 + 30 ms of ids at 10 per ms, plus the watermark's 20 ms delay.
    assert!(late.2 <= (100 + 30 + 20 + 2) * 10, "dedup entries {late:?}");
    assert!(
        (late.0 as f64) < 1.5 * early.0 as f64,
        "memory grew: {early:?} → {late:?}"
    );
}
