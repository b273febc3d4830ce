//! The summary file: its exact bytes on a small log, the round trip, and hostile files refused
//! with the field (and line/column) named.

use super::*;
use crate::import::{import_bytes, ImportOptions};

fn small() -> LogSummary {
    let csv = "case,activity,timestamp\n1,a,2024-01-01 10:00\n1,b,2024-01-01 10:01\n1,b,2024-01-01 10:03\n2,a,2024-01-01 09:00\n2,b,2024-01-01 12:00\n3,a,2024-01-02 00:00\n";
    let log = import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0;
    LogSummary::of(&log)
}

#[test]
fn a_small_log_gives_these_bytes_and_reads_back_equal() {
    let s = small();
    let json = s.to_json();
    expect_test::expect![[r#"
        {"format":"spur-log-summary/1","events":6,"cases":3,"activities":[["a",3],["b",3]],"start_activities":[["a",3]],"end_activities":[["b",2],["a",1]],"dfg":[{"from":"a","to":"b","count":2,"performance":{"measured":2,"mean":5430.0,"median":5430.0,"min":60.0,"max":10800.0,"total":10860.0}},{"from":"b","to":"b","count":1,"performance":{"measured":1,"mean":120.0,"median":120.0,"min":120.0,"max":120.0,"total":120.0}}],"positions":[["a",0.0],["b",1.0]],"variants":[[["a"],1],[["a","b"],1],[["a","b","b"],1]],"case_durations":{"summary":{"min":0.0,"max":10800.0,"mean":3660.0,"median":180.0},"histogram":{"min_ms":0,"max_ms":10800000,"counts":[2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1]}},"case_sizes":[[1,1],[2,1],[3,1]],"time_range":{"first_ms":1704099600000,"last_ms":1704153600000},"events_over_time":{"start_ms":1704067200000,"bucket_ms":86400000,"counts":[5,1]}}
    "#]]
    .assert_eq(&json);
    assert_eq!(LogSummary::from_json(&json).expect("reads back"), s);
    // The fuzz seed (bench/fuzz.sh) is this file.
    assert_eq!(include_str!("../../test_data/summary/small.json"), json);
}

#[test]
fn histogram_bins_are_integer_and_the_maximum_is_in_the_last_bin() {
    assert_eq!(duration_bin(5, 5, 5), 0);
    assert_eq!(duration_bin(10, 0, 10), DURATION_BINS - 1);
    assert_eq!(duration_bin(9, 0, 10), 36);
    let h = duration_histogram(&[0, 1, 2, 3]).expect("some");
    assert_eq!(h.counts.iter().sum::<u64>(), 4);
    assert_eq!(
        (h.counts[0], h.counts[13], h.counts[26], h.counts[39]),
        (1, 1, 1, 1)
    );
    assert!(duration_histogram(&[]).is_none());
}

/// `json` with `from` replaced by `to` (which must occur).
fn edit(json: &str, from: &str, to: &str) -> String {
    assert!(json.contains(from), "{from}");
    json.replacen(from, to, 1)
}

#[test]
fn hostile_files_are_refused_naming_the_field() {
    let good = small().to_json();
    let cases: Vec<(String, &str)> =
        vec![
        ("".into(), "not a Spur log summary: it is not a JSON object"),
        ("[1, 2]".into(), "it is not a JSON object"),
        ("{\"format\": ".into(), "line 1, column 11: not JSON (EOF while parsing a value)"),
        ("{\"events\": 1}".into(), "not a Spur log summary: it has no `format` field"),
        (format!("{good} {{}}"), "line 2, column 2: not JSON (trailing characters)"),
        (
            edit(&good, "spur-log-summary/1", "spur-log-summary/2"),
            "format `spur-log-summary/2` is not one this Spur reads (spur-log-summary/1)",
        ),
        (edit(&good, "\"spur-log-summary/1\"", "7"), "format `7` is not one"),
        (
            edit(&good, "\"cases\":3,", ""),
            "field `(the top-level object)` (line 1, column 890): missing field `cases`",
        ),
        (
            edit(&good, "\"events\":6", "\"events\":\"6\""),
            "field `events` (line 1, column 43): invalid type: string \"6\", expected u64",
        ),
        (
            edit(&good, "\"events\":6", "\"events\":-6"),
            "field `events` (line 1, column 42): invalid value: integer `-6`, expected u64",
        ),
        (
            edit(&good, "\"count\":2", "\"count\":2.5"),
            "field `dfg[0].count` (line 1, column 186): invalid type: floating point `2.5`, expected u64",
        ),
        (
            edit(&good, "\"case_sizes\"", "\"extra\":1,\"case_sizes\""),
            "field `extra` (line 1, column 728): unknown field `extra`, expected one of `format`",
        ),
        (
            edit(&good, "\"events\":6", "\"events\":7"),
            "field `activities`: the counts sum to 6, but `events` is 7; the file was altered",
        ),
        (
            edit(&good, "[[\"a\"],1]", "[[\"a\"],2]"),
            "field `variants`: the counts sum to 4, but `cases` is 3",
        ),
        (
            edit(&good, "[[\"a\",\"b\"],1]", "[[\"a\",\"z\"],1]"),
            "field `variants[1][1]`: `z` is not one of the activities",
        ),
        (
            edit(&good, "\"from\":\"b\"", "\"from\":\"q\""),
            "field `dfg[1].from`: `q` is not one of the activities",
        ),
        (
            edit(&good, "[\"b\",3]]", "[\"a\",3]]"),
            "field `activities[1]`: `a` is listed twice",
        ),
        (
            edit(&good, "\"counts\":[2,0,0,", "\"counts\":[2,0,"),
            "field `case_durations.histogram`: 39 bins",
        ),
        (
            edit(&good, "\"bucket_ms\":86400000", "\"bucket_ms\":0"),
            "field `events_over_time`: 2 buckets of 0 ms",
        ),
        (
            edit(&good, "\"counts\":[5,1]", "\"counts\":[5,9]"),
            "field `events_over_time.counts`: 14 events, more than `events` (6)",
        ),
        (
            edit(&good, "\"median\":180.0", "\"median\":1e9"),
            "field `case_durations.summary`: min 0 ≤ median 1000000000 ≤ max 10800 does not hold",
        ),
        (
            edit(&good, "\"histogram\":{", "\"histogram\":null,\"x\":{"),
            "field `case_durations.x` (line 1, column 606): unknown field `x`, expected `summary` or `histogram`",
        ),
        (
            edit(&good, "\"first_ms\":1704099600000", "\"first_ms\":1904099600000"),
            "field `time_range`: first_ms is after last_ms",
        ),
        (
            edit(&good, "[[1,1],[2,1],[3,1]]", "[[1,1],[2,1],[4,1]]"),
            "field `case_sizes`: size × cases sums to 7 events, but `events` is 6",
        ),
        (
            edit(&good, "[[1,1],[2,1],[3,1]]", "[[1,1],[2,1],[18446744073709551615,1]]"),
            "field `case_sizes`: the counts overflow",
        ),
    ];
    for (text, want) in &cases {
        let e = LogSummary::from_json(text).expect_err(want).to_string();
        assert!(e.contains(want), "want `{want}` in:\n{e}");
    }
    let huge = " ".repeat(MAX_SUMMARY_BYTES + 1);
    assert!(matches!(
        LogSummary::from_json(&huge),
        Err(SummaryError::TooLarge { .. })
    ));
}

#[test]
fn every_truncation_and_byte_edit_is_refused_or_reads_consistently() {
    // Hostile input never panics: each prefix of a good file, and each byte replaced by a few
    // JSON-significant ones. What still reads must be consistent and write back to itself.
    let good = small().to_json();
    let mut read = 0;
    let check = |text: &str, read: &mut usize| {
        if let Ok(s) = LogSummary::from_json(text) {
            *read += 1;
            assert!(s.validate().is_ok(), "{text}");
            let again = s.to_json();
            assert_eq!(LogSummary::from_json(&again).as_ref(), Ok(&s), "{text}");
        }
    };
    for i in 0..good.len() {
        check(&good[..i], &mut read);
        for c in ['0', '9', '-', '"', '{', ']', ',', 'e', ' '] {
            let mut bytes = good.clone().into_bytes();
            bytes[i] = c as u8;
            if let Ok(text) = String::from_utf8(bytes) {
                check(&text, &mut read);
            }
        }
    }
    // Some edits keep a valid summary (a space, a digit in a float that changes no count):
    // the loop reached the success path, not only refusals.
    assert!(read > 0, "no edited file was read");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_at_the_first_bad_byte() {
    let mut bytes = b"{\"format\": \"spur-log-summary/1\",\n  \"events\": ".to_vec();
    bytes.extend([0xff, b'1', b'}']);
    let e = LogSummary::from_bytes(&bytes).expect_err("not UTF-8");
    assert_eq!(
        e.to_string(),
        "line 2, column 13: not JSON (not UTF-8 text)"
    );
    let good = small().to_json();
    assert_eq!(
        LogSummary::from_bytes(good.as_bytes()),
        LogSummary::from_json(&good)
    );
}
