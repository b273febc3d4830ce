//! Hostile stream inputs from `core/test_data/stream/`: every file gives a located error or
//! counted, located rejections — never a panic. The outcome of each file is pinned in
//! `expected.txt` (`UPDATE_EXPECT=1` blesses).

use spur_core::stream::csv_events::{read_csv_events, CsvEventSpec};
use spur_core::stream::json_events::{parse_json_events, JsonEventError, JsonEventSpec};
use std::fmt::Write as _;
use std::path::Path;

fn outcome(name: &str, bytes: &[u8]) -> String {
    let mut s = String::new();
    if name.ends_with(".csv") {
        let spec = CsvEventSpec {
            key: "key".into(),
            time: "time".into(),
            id: Some("id".into()),
            fields: vec!["value".into()],
            ..Default::default()
        };
        let mut ok = 0;
        let mut lines = Vec::new();
        match read_csv_events(bytes, &spec, |r| match r {
            Ok(_) => ok += 1,
            Err(rej) => lines.push(format!(
                "  line {} {:?}: {}",
                rej.line, rej.field, rej.reason
            )),
        }) {
            Ok(rows) => {
                let _ = writeln!(
                    s,
                    "{name}: {rows} rows, {ok} events, {} rejected",
                    lines.len()
                );
                for l in lines {
                    let _ = writeln!(s, "{l}");
                }
            }
            Err(e) => {
                let _ = writeln!(s, "{name}: error: {e}");
            }
        }
    } else {
        let spec = JsonEventSpec {
            fields: vec!["value".into()],
            max_events: 1000,
            require_id: true,
        };
        match parse_json_events(bytes, &spec) {
            Ok(b) => {
                let _ = writeln!(
                    s,
                    "{name}: {} events, {} rejected",
                    b.events.len(),
                    b.rejected.len()
                );
                for r in b.rejected {
                    let _ = writeln!(s, "  #{} {}: {}", r.index, r.field, r.reason);
                }
            }
            Err(e) => {
                let _ = writeln!(s, "{name}: error: {e}");
            }
        }
    }
    s
}

#[test]
fn every_bad_input_is_a_located_error_or_counted_rejection() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data/stream");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv") || n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 10);
    let mut all = String::new();
    for n in &names {
        let bytes = std::fs::read(dir.join(n)).unwrap();
        all.push_str(&outcome(n, &bytes));
    }
    expect_test::expect_file!["../test_data/stream/expected.txt"].assert_eq(&all);
}

#[test]
fn batches_up_to_the_limit_are_read_and_larger_ones_refused() {
    let body = |n: usize| {
        let items: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"e{i}","key":"k{}","time":{},"value":{i}}}"#,
                    i % 7,
                    1_714_557_600 + i
                )
            })
            .collect();
        format!("[{}]", items.join(","))
    };
    let spec = JsonEventSpec {
        fields: vec!["value".into()],
        max_events: 10_000,
        require_id: true,
    };
    let b = parse_json_events(body(10_000).as_bytes(), &spec).unwrap();
    assert_eq!((b.events.len(), b.rejected.len()), (10_000, 0));
    assert_eq!(
        parse_json_events(body(10_001).as_bytes(), &spec),
        Err(JsonEventError::TooMany {
            count: 10_001,
            limit: 10_000
        })
    );
}
