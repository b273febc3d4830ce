//! Any bytes given to the stream snapshot decoder give an operator or an error, never a panic.
//! Bodies are also fed past the checksum (`from_body`), so the fuzzer reaches the decoder and
//! the state validation; a state that validates must then run (push, poll, flush, snapshot).
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::stream::{Event, Operator, Value};

fuzz_target!(|data: &[u8]| {
    let _ = Operator::restore(data);
    if let Ok(mut op) = Operator::from_body(data) {
        let fields = op.config().fields.len();
        for t in [0i64, -5_000, 1 << 50, 90_000] {
            let ev = Event {
                id: Some(format!("f{t}")),
                key: "k".into(),
                time: t,
                source: 0,
                values: vec![Some(Value::Text("1".into())); fields],
            };
            op.push(&ev, t);
            let _ = op.poll();
        }
        op.tick(i64::MAX);
        op.advance_watermark(i64::MAX);
        let _ = op.poll();
        let _ = Operator::restore(&op.snapshot());
    }
});
