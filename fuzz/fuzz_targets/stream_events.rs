//! Any bytes read as stream events (CSV rows in file order, and a JSON `POST /events` body)
//! give events, located rejections or a located error, never a panic; whatever events come out
//! run through the operator, and its own snapshot restores.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::stream::csv_events::{read_csv_events, CsvEventSpec};
use spur_core::stream::json_events::{parse_json_events, JsonEventSpec};
use spur_core::stream::{AggSpec, Operator, StreamConfig, WindowSpec};

fuzz_target!(|data: &[u8]| {
    let fields = vec!["value".to_string(), "item".to_string()];
    let spec = CsvEventSpec {
        key: "key".into(),
        time: "time".into(),
        id: Some("id".into()),
        source: None,
        fields: fields.clone(),
        max_record_bytes: 1 << 16,
    };
    let mut events = Vec::new();
    let _ = read_csv_events(data, &spec, |r| {
        if let Ok((_, e)) = r {
            events.push(e);
        }
    });
    let json = JsonEventSpec { fields: fields.clone(), max_events: 10_000, require_id: false };
    if let Ok(b) = parse_json_events(data, &json) {
        events.extend(b.events);
    }
    let window = match data.first().copied().unwrap_or(0) % 3 {
        0 => WindowSpec::Tumbling { size: 60_000, offset: 0 },
        1 => WindowSpec::Sliding { size: 60_000, slide: 20_000, offset: 0 },
        _ => WindowSpec::Session { gap: 30_000 },
    };
    let aggs = vec![
        AggSpec::Count,
        AggSpec::Sum { field: 0 },
        AggSpec::ApproxDistinct { field: 1 },
        AggSpec::TopK { field: 1, k: 3 },
        AggSpec::Dfg { activity: 1, case: None },
    ];
    let mut cfg = StreamConfig::new(window, fields, aggs);
    cfg.lateness = 10_000;
    cfg.out_of_orderness = 5_000;
    let Ok(mut op) = Operator::new(cfg) else { return };
    for (i, e) in events.iter().enumerate() {
        op.push(e, i as i64);
        let _ = op.poll();
    }
    let snap = op.snapshot();
    assert!(Operator::restore(&snap).is_ok(), "an operator's own snapshot restores");
    op.advance_watermark(i64::MAX);
    let _ = op.poll();
});
