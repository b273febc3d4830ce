//! Arrow / Parquet / IPC: pm4py's Parquet files give pm4py's statistics, logs survive a round
//! trip through every Arrow format, and hostile tables give located errors, never a panic.
//!
//! Tests that read `../shared/data` find it at `$SPUR_SHARED_DATA` or
//! `<workspace>/../shared/data`; when it is missing they say so loudly and skip, except under
//! `CI`, where they fail.
#![cfg(feature = "parquet")]

mod support;
use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray};
use spur_core::arrow::{self as sa, ArrowLogError, WriteOptions};
use spur_core::import::{import_bytes, ImportOptions, Mapping};
use spur_core::log::EventLog;
use spur_core::mining;
use std::path::PathBuf;
use std::sync::Arc;
use support::{close, shared_data};

/// `got` equals the golden JSON: counts exactly, durations to 1e-6 relative or within
/// `slack_s` seconds.
fn assert_stats_equal(name: &str, got: &serde_json::Value, want: &serde_json::Value, slack_s: f64) {
    for (key, w) in want.as_object().expect("golden object") {
        let g = &got[key];
        if key == "case_duration_seconds" {
            for (k, x) in w.as_object().expect("durations") {
                let (a, b) = (
                    g[k].as_f64().unwrap_or(f64::NAN),
                    x.as_f64().unwrap_or(f64::NAN),
                );
                assert!(
                    close(a, b) || (a - b).abs() <= slack_s,
                    "{name}: case_duration_seconds.{k}: got {a}, want {b}"
                );
            }
        } else {
            assert_eq!(g, w, "{name}: `{key}` differs from the golden file");
        }
    }
}

fn stats_json(log: &EventLog) -> serde_json::Value {
    serde_json::to_value(mining::stats(log)).expect("stats serialise")
}

/// pm4py's Parquet files hold *local wall-clock* timestamps without a zone (pandas dropped the
/// `+01:00`/`+02:00` of the XES), so a case spanning a daylight-saving change is one hour
/// longer or shorter than in the XES golden file. Counts must be exact; durations may differ
/// by at most that hour (and do, for receipt's longest case).
#[test]
fn pm4py_parquet_files_give_the_golden_statistics() {
    let Some(dir) = shared_data("arrow") else {
        return;
    };
    for (parquet, golden) in [
        ("running-example.parquet", "running-example.xes.json"),
        ("receipt.parquet", "receipt.xes.json"),
    ] {
        let bytes = std::fs::read(dir.join("eventlogs").join(parquet)).expect("parquet readable");
        let (log, report) =
            sa::parquet::read(&bytes, &Mapping::default()).expect("parquet imports");
        assert_eq!(report.rejected, 0, "{parquet}: {report:?}");
        let want: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("golden").join(golden)).expect("golden readable"),
        )
        .expect("golden JSON");
        assert_stats_equal(parquet, &stats_json(&log), &want, 3600.0);
    }
}

fn imported(dir: &std::path::Path, name: &str) -> EventLog {
    let bytes = std::fs::read(dir.join("eventlogs").join(name)).expect("log readable");
    import_bytes(name, &bytes, &ImportOptions::default())
        .expect("log imports")
        .0
}

/// Same statistics and the same attributes (names, types and values, per event and per case).
fn assert_same_log(name: &str, a: &EventLog, b: &EventLog) {
    assert_eq!(
        stats_json(a),
        stats_json(b),
        "{name}: statistics differ after the round trip"
    );
    assert_eq!(a.case_ids(), b.case_ids(), "{name}: case ids");
    assert_eq!(
        a.timestamps().map(|t| t.0.to_vec()),
        b.timestamps().map(|t| t.0.to_vec()),
        "{name}: timestamps"
    );
    assert_eq!(a.resource_codes().len(), b.resource_codes().len());
    for i in 0..a.num_events() {
        let ra = a.resources().get(a.resource_codes()[i]);
        let rb = b.resources().get(b.resource_codes()[i]);
        assert_eq!(ra, rb, "{name}: resource of event {i}");
    }
    for (columns_a, columns_b, what) in [
        (a.event_attributes(), b.event_attributes(), "event"),
        (a.case_attributes(), b.case_attributes(), "case"),
    ] {
        let names_a: Vec<&str> = columns_a.iter().map(|c| c.name()).collect();
        let names_b: Vec<&str> = columns_b.iter().map(|c| c.name()).collect();
        assert_eq!(names_a, names_b, "{name}: {what} attribute names");
        for (ca, cb) in columns_a.iter().zip(columns_b) {
            assert_eq!(
                ca.column_type(),
                cb.column_type(),
                "{name}: type of {what} attribute {}",
                ca.name()
            );
            for i in 0..ca.len() {
                assert_eq!(
                    ca.get(i),
                    cb.get(i),
                    "{name}: {what} attribute {} row {i}",
                    ca.name()
                );
            }
        }
    }
    assert_eq!(
        a.log_attributes(),
        b.log_attributes(),
        "{name}: log attributes"
    );
}

#[test]
fn logs_survive_ipc_file_ipc_stream_and_parquet() {
    let Some(dir) = shared_data("arrow") else {
        return;
    };
    for name in [
        "running-example.xes",
        "receipt.xes",
        "interval_event_log.csv",
    ] {
        let log = imported(&dir, name);
        for dictionary in [true, false] {
            let options = WriteOptions {
                dictionary,
                ..Default::default()
            };
            let file = sa::ipc::write_file(&log, &options).expect("ipc file written");
            assert!(file.starts_with(sa::ipc::FILE_MAGIC));
            let (back, report) = sa::ipc::read(&file, &Mapping::default()).expect("ipc file read");
            assert_eq!(report.rejected, 0);
            assert_same_log(&format!("{name} via IPC file"), &log, &back);

            let stream = sa::ipc::write_stream(&log, &options).expect("ipc stream written");
            let (back, _) = sa::ipc::read(&stream, &Mapping::default()).expect("ipc stream read");
            assert_same_log(&format!("{name} via IPC stream"), &log, &back);

            let parquet = sa::parquet::write(&log, &options).expect("parquet written");
            let (back, _) = sa::parquet::read(&parquet, &Mapping::default()).expect("parquet read");
            assert_same_log(&format!("{name} via Parquet"), &log, &back);
        }
    }
}

#[test]
fn a_partitioned_dataset_holds_each_case_whole_and_numbers_events_across_files() {
    let Some(dir) = shared_data("arrow") else {
        return;
    };
    let log = imported(&dir, "receipt.xes");
    let options = WriteOptions {
        row_numbers: true,
        ..Default::default()
    };
    let parts = sa::parquet::write_partitioned(&log, &options, 4).expect("written");
    assert_eq!(parts.len(), 4);
    let mut rows: Vec<i64> = Vec::new();
    let mut cases: Vec<String> = Vec::new();
    for (_, bytes) in &parts {
        let (part, _) = sa::parquet::read(bytes, &Mapping::default()).expect("read");
        cases.extend(part.case_ids().iter().map(String::from));
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            bytes::Bytes::from(bytes.clone()),
        )
        .expect("reader")
        .build()
        .expect("batches");
        for b in reader {
            let b = b.expect("batch");
            let col = b.column_by_name(sa::ROW_COLUMN).expect("row column");
            let col = col.as_any().downcast_ref::<Int64Array>().expect("int64");
            rows.extend(col.values().iter().copied());
        }
    }
    // Every case in exactly one file; the row numbers are the whole log's 0..n, once each.
    let (n_cases, n_ids) = (cases.len(), {
        cases.sort();
        cases.dedup();
        cases.len()
    });
    assert_eq!((n_cases, n_ids), (log.num_cases(), log.num_cases()));
    rows.sort_unstable();
    assert_eq!(rows, (0..log.num_events() as i64).collect::<Vec<_>>());
    let again = sa::parquet::write_partitioned(&log, &options, 4).expect("written");
    assert!(again == parts, "the same log gives the same files");
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).expect("valid batch")
}

#[test]
fn rows_without_case_or_activity_are_rejected_with_their_row() {
    let b = batch(vec![
        (
            "case:concept:name",
            Arc::new(StringArray::from(vec![Some("1"), None, Some("2")])) as ArrayRef,
        ),
        (
            "concept:name",
            Arc::new(StringArray::from(vec![Some("a"), Some("b"), None])) as ArrayRef,
        ),
        (
            "time:timestamp",
            Arc::new(TimestampNanosecondArray::from(vec![
                Some(1_500_000),
                None,
                Some(3_000_000),
            ])) as ArrayRef,
        ),
    ]);
    let (log, report) =
        sa::log_from_batches(&b.schema(), [&b], &Mapping::default()).expect("reads");
    assert_eq!((log.num_events(), report.rows, report.rejected), (1, 3, 2));
    assert_eq!(report.rejected_rows[0].row, 1);
    assert_eq!(report.rejected_rows[0].column, "case:concept:name");
    assert_eq!(report.rejected_rows[1].column, "concept:name");
    assert_eq!(log.timestamp(0), Some(1), "ns → ms");
}

#[test]
fn missing_or_mistyped_role_columns_are_named() {
    let b = batch(vec![(
        "activity",
        Arc::new(StringArray::from(vec!["a"])) as ArrayRef,
    )]);
    let e =
        sa::log_from_batches(&b.schema(), [&b], &Mapping::default()).expect_err("no case column");
    assert!(
        matches!(&e, ArrowLogError::MissingColumn { role: "case", .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains("`activity`"),
        "lists the columns: {e}"
    );

    let b = batch(vec![
        ("case", Arc::new(Int64Array::from(vec![7])) as ArrayRef),
        (
            "activity",
            Arc::new(StringArray::from(vec!["a"])) as ArrayRef,
        ),
        ("timestamp", Arc::new(Int64Array::from(vec![7])) as ArrayRef),
    ]);
    let e =
        sa::log_from_batches(&b.schema(), [&b], &Mapping::default()).expect_err("int timestamp");
    assert!(
        e.to_string().contains("`timestamp`") && e.to_string().contains("Int64"),
        "{e}"
    );

    let mapping = Mapping {
        case: Some("id".into()),
        ..Default::default()
    };
    let e = sa::log_from_batches(&b.schema(), [&b], &mapping).expect_err("explicit name missing");
    assert!(e.to_string().contains("`id`"), "{e}");
}

#[test]
fn integer_case_ids_and_mapped_names_are_read() {
    let b = batch(vec![
        ("id", Arc::new(Int64Array::from(vec![7, 7, 8])) as ArrayRef),
        (
            "step",
            Arc::new(StringArray::from(vec!["a", "b", "a"])) as ArrayRef,
        ),
    ]);
    let mapping = Mapping {
        case: Some("id".into()),
        activity: Some("step".into()),
        ..Default::default()
    };
    let (log, _) = sa::log_from_batches(&b.schema(), [&b], &mapping).expect("reads");
    assert_eq!((log.num_cases(), log.case_ids().resolve(0)), (2, "7"));
    assert!(!log.has_timestamps());
}

#[test]
fn hostile_bytes_give_errors_not_panics() {
    let log = {
        let csv = b"case,activity,timestamp,cost\n1,a,2024-01-01T10:00:00Z,3\n1,b,2024-01-01T11:00:00Z,4\n2,a,2024-01-02T10:00:00Z,5\n";
        import_bytes("t.csv", csv, &ImportOptions::default())
            .expect("imports")
            .0
    };
    let parquet = sa::parquet::write(&log, &WriteOptions::default()).expect("parquet");
    let ipc = sa::ipc::write_file(&log, &WriteOptions::default()).expect("ipc");
    let stream = sa::ipc::write_stream(&log, &WriteOptions::default()).expect("ipc stream");
    let m = Mapping::default();
    assert!(matches!(
        sa::parquet::read(b"", &m),
        Err(ArrowLogError::Empty { .. })
    ));
    assert!(sa::parquet::read(b"PAR1garbagePAR1", &m).is_err());
    assert!(sa::ipc::read(b"ARROW1\0\0garbage", &m).is_err());
    assert!(sa::ipc::read(b"\xff\xff\xff\xff\x10\0\0\0garbage", &m).is_err());
    // Every truncation and a byte flipped at many offsets: an error or a log, never a panic.
    for bytes in [&parquet, &ipc, &stream] {
        for cut in (0..bytes.len()).step_by(7) {
            let _ = sa::parquet::read(&bytes[..cut], &m);
            let _ = sa::ipc::read(&bytes[..cut], &m);
        }
        for at in (0..bytes.len()).step_by(5) {
            let mut b = bytes.clone();
            b[at] ^= 0x5a;
            let _ = sa::parquet::read(&b, &m);
            let _ = sa::ipc::read(&b, &m);
        }
    }
    let e = sa::parquet::read(&parquet[..parquet.len() - 1], &m).expect_err("truncated");
    assert!(e.to_string().contains("Parquet"), "{e}");
}

/// Inputs that once made arrow-ipc or parquet panic (found by `bench/fuzz.sh`): now errors.
#[test]
fn former_fuzz_crashes_are_errors() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/arrow/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("regression dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        let m = Mapping::default();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if name.starts_with("ipc-") {
            assert!(sa::ipc::read(&bytes, &m).is_err(), "{name}");
        } else {
            assert!(sa::parquet::read(&bytes, &m).is_err(), "{name}");
        }
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}
