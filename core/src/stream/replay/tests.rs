//! Replay sessions pinned against the CLI: every pace, pause and step gives `spur stream --json`
//! byte for byte in both modes, and the live map and chart describe the current window.

use super::*;
use crate::stream::csv_events::read_csv_events;
use crate::stream::live;

const LOG: &[u8] = include_bytes!("../../../test_data/stream-replay/replay.csv");

fn setup() -> ReplaySetup {
    ReplaySetup {
        key: "case".into(),
        time: "timestamp".into(),
        id: "id".into(),
        activity: "activity".into(),
        window: "tumbling:1m".into(),
        aggs: "count,dfg".into(),
        out_of_order: "10s".into(),
        lateness: "30s".into(),
        batch: "20s".into(),
    }
}

/// The transcript `spur stream --json` prints: the CLI's loop (file order, arrival clock =
/// largest event time so far), written out here independently of `Replay`.
fn cli_transcript(s: &ReplaySetup, mode: Mode) -> String {
    let list = parse_aggs(&s.aggs, &s.activity).unwrap();
    let mut cfg = StreamConfig::new(
        parse_window(&s.window).unwrap(),
        list.fields.clone(),
        list.aggs,
    );
    cfg.out_of_orderness = parse_duration(&s.out_of_order).unwrap();
    cfg.lateness = parse_duration(&s.lateness).unwrap();
    let mut runner = Runner::new(Operator::new(cfg).unwrap(), mode).unwrap();
    let spec = CsvEventSpec {
        key: s.key.clone(),
        time: s.time.clone(),
        id: Some(s.id.clone()),
        source: None,
        fields: list.fields,
        max_record_bytes: 0,
    };
    let (mut out, mut clock, mut rejected) = (String::new(), i64::MIN, 0);
    read_csv_events(LOG, &spec, |r| match r {
        Ok((_, ev)) => {
            clock = clock.max(ev.time);
            if let Some(e) = runner.offer(clock, ev) {
                jsonl::write_output(&e.output, &list.labels, &mut out);
            }
        }
        Err(rej) => {
            rejected += 1;
            jsonl::write_rejected(rej.line, rej.field.as_deref(), &rej.reason, &mut out);
        }
    })
    .unwrap();
    for e in runner.finish() {
        jsonl::write_output(&e.output, &list.labels, &mut out);
    }
    jsonl::write_summary(&runner.op.stats(), rejected, &mut out);
    out
}

#[test]
fn any_pace_gives_the_cli_transcript_in_both_modes() {
    let s = setup();
    let want_event = cli_transcript(&s, Mode::PerEvent);
    let want_batch = cli_transcript(&s, Mode::MicroBatch { interval: 20_000 });
    // Several paces: all at once, 1 s of log time per call, one row at a time, batch steps.
    let paces: [&dyn Fn(&mut Replay); 4] = [
        &|r| r.run_to_end(),
        &|r| {
            while !r.is_finished() {
                r.advance(1_000, usize::MAX);
            }
        },
        &|r| {
            while !r.is_finished() {
                r.step_event();
            }
        },
        &|r| {
            while !r.is_finished() {
                r.step_batch();
                r.advance(7_000, 2);
            }
        },
    ];
    for (i, pace) in paces.iter().enumerate() {
        let mut r = Replay::new(LOG, &s).unwrap();
        pace(&mut r);
        assert_eq!(
            r.lane(ReplayMode::PerEvent).transcript(),
            want_event,
            "pace {i}"
        );
        assert_eq!(
            r.lane(ReplayMode::MicroBatch).transcript(),
            want_batch,
            "pace {i}"
        );
    }
    // The fixture exercises what the screen counts.
    let r = {
        let mut r = Replay::new(LOG, &s).unwrap();
        r.run_to_end();
        r
    };
    let st = r.lane(ReplayMode::PerEvent).stats();
    assert_eq!((st.duplicates, st.conflicts, st.late), (3, 1, 1), "{st:?}");
    assert!(st.updates >= 1, "{st:?}");
}

#[test]
fn both_modes_end_with_the_same_windows_and_batches_wait() {
    let mut r = Replay::new(LOG, &setup()).unwrap();
    r.run_to_end();
    let (a, b) = (r.lane(ReplayMode::PerEvent), r.lane(ReplayMode::MicroBatch));
    assert_eq!(a.finals.contents(), b.finals.contents());
    assert!(!a.finals.windows.is_empty());
    assert_eq!(a.latency.max_ms, 0);
    assert!(b.latency.mean_ms().unwrap() > 0.0, "{:?}", b.latency);
    assert!(b.latency.max_ms <= 20_000, "{:?}", b.latency);
}

#[test]
fn the_clock_feeds_only_what_arrived_and_steps_move_one_row_or_one_batch() {
    let mut r = Replay::new(LOG, &setup()).unwrap();
    assert_eq!(r.position(), 0);
    r.advance(1, usize::MAX); // 10:00:05: the first row
    assert_eq!(r.position(), 1);
    r.advance(15_000, usize::MAX); // 10:00:20: the second
    assert_eq!(r.position(), 2);
    r.step_event();
    assert_eq!(r.position(), 3);
    let before = r.lane(ReplayMode::MicroBatch).emits;
    r.step_batch();
    assert_eq!(r.lane(ReplayMode::MicroBatch).emits, before + 1);
    r.advance(i64::MAX, 3);
    assert!(!r.is_finished(), "the row cap stops the clock");
    r.advance(i64::MAX, usize::MAX);
    assert!(r.is_finished());
    // The clock stops at the last arrival (the largest event time), not at the tick's target.
    assert_eq!(
        crate::import::timestamp::format_iso(r.now()),
        "2024-05-01T10:03:50.000Z"
    );
}

#[test]
fn the_live_view_sums_the_current_window_over_keys() {
    let mut r = Replay::new(LOG, &setup()).unwrap();
    while r.lane(ReplayMode::PerEvent).finals.windows.is_empty() {
        r.step_event();
    }
    let f = &r.lane(ReplayMode::PerEvent).finals;
    let span = live::current_span(f).unwrap();
    assert_eq!(span.1 - span.0, 60_000);
    let pairs = live::span_dfg(f, span, r.window()).unwrap();
    // Window 10:00–10:01: c1 Register→Check, c2 Register→Check (c3 has one event so far).
    assert_eq!(pairs, vec![("Register".into(), "Check".into(), 2)]);
    let map = live::dfg_map(&pairs);
    let labels: Vec<_> = map
        .nodes
        .iter()
        .map(|n| (n.label.as_str(), n.count))
        .collect();
    assert_eq!(
        labels,
        [("Start", 2), ("Check", 2), ("Register", 2), ("End", 2)]
    );
    let (svg, w, h) = live::dfg_svg(&pairs);
    assert!(svg.contains("Register") && w > 0.0 && h > 0.0);
    let series = live::count_series(f, 10);
    assert_eq!(series[0].2, 5, "{series:?}");
    assert!(live::count_chart(&series).contains("data-count=\"5\""));
}

#[test]
fn settings_errors_name_the_setting() {
    let mut s = setup();
    s.window = "tumbling:1x".into();
    assert!(Replay::new(LOG, &s).err().unwrap().contains("1x"));
    let mut s = setup();
    s.batch = "0s".into();
    assert!(Replay::new(LOG, &s).err().unwrap().contains("interval"));
    let mut s = setup();
    s.key = "nope".into();
    assert!(Replay::new(LOG, &s).err().unwrap().contains("nope"));
    assert_eq!(
        setup().cli_args(ReplayMode::MicroBatch).join(" "),
        "--key case --time timestamp --id id --activity activity --window tumbling:1m \
         --agg count,dfg --out-of-order 10s --lateness 30s --mode micro-batch:20s --json"
    );
}
