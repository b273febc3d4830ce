//! Tests of the one entry: every format detected and read, the report's fields, and errors
//! that name no shell's command.

use super::*;
use crate::arrow::WriteOptions;
use std::io::Write;

const CSV: &str = "case,activity,timestamp,amount\n\
                   1,a,2024-01-01 10:00,5\n\
                   1,b,,7\n\
                   2,a,2024-01-02 10:00,3\n\
                   ,b,2024-01-02 11:00,1\n";

fn csv_log() -> EventLog {
    open_log("t.csv", CSV.as_bytes(), &ImportOptions::default())
        .expect("the CSV opens")
        .0
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

/// Opens `bytes` as `name` and checks what every format must give: the true format and the
/// CSV's three events in two cases.
fn opens_as(name: &str, bytes: &[u8], want: LogFormat) -> LogReport {
    assert_eq!(detect(name, &bytes[..bytes.len().min(512)]), want, "{name}");
    let (log, report) =
        open_log(name, bytes, &ImportOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(report.format, want, "{name}");
    assert_eq!((log.num_events(), log.num_cases()), (3, 2), "{name}");
    assert_eq!((report.events, report.cases), (3, 2), "{name}");
    report
}

#[test]
fn every_format_is_detected_and_read() {
    let csv = opens_as("t.csv", CSV.as_bytes(), LogFormat::Csv);
    assert_eq!((csv.rows, csv.rejected, csv.lines), (4, 1, 6));
    assert_eq!(csv.csv.as_ref().map(|d| d.delimiter), Some(','));
    assert_eq!(csv.counts.get(&IssueKind::MissingCase), Some(&1));
    opens_as("t.csv.gz", &gzip(CSV.as_bytes()), LogFormat::CsvGz);

    let log = csv_log();
    let xes = crate::export::xes::write(&log);
    let report = opens_as("t.xes", &xes, LogFormat::Xes);
    assert!(report.csv.is_none());
    opens_as("t.xes.gz", &gzip(&xes), LogFormat::XesGz);
    // Magic bytes, not the name: an XES called `.txt` is still XES.
    opens_as("t.txt", &xes, LogFormat::Xes);

    let options = WriteOptions::default();
    let file = crate::arrow::ipc::write_file(&log, &options).expect("IPC file");
    let report = opens_as("t.bin", &file, LogFormat::ArrowIpc);
    assert_eq!(
        (report.rows, report.lines, report.csv.as_ref()),
        (3, 0, None)
    );
    // The stream format (continuation marker first), whatever its name.
    let stream = crate::arrow::ipc::write_stream(&log, &options).expect("IPC stream");
    assert!(stream.starts_with(&[0xff; 4]));
    opens_as("t.bin", &stream, LogFormat::ArrowIpc);
    opens_as("t.arrows", &stream, LogFormat::ArrowIpc);
    #[cfg(feature = "parquet")]
    {
        let parquet = crate::arrow::parquet::write(&log, &options).expect("Parquet");
        let report = opens_as("t.bin", &parquet, LogFormat::Parquet);
        assert_eq!(report.rows, 3);
    }
}

#[test]
fn magic_wins_over_the_name() {
    let cases: &[(&str, &[u8], LogFormat)] = &[
        ("log.csv", b"PAR1....", LogFormat::Parquet),
        ("log.PARQUET", b"", LogFormat::Parquet),
        ("x", b"ARROW1\0\0", LogFormat::ArrowIpc),
        ("x", b"\xff\xff\xff\xff\x10\0\0\0", LogFormat::ArrowIpc),
        ("log.feather", b"", LogFormat::ArrowIpc),
        ("log.xes.gz", b"\x1f\x8b", LogFormat::XesGz),
        ("log.csv.gz", b"\x1f\x8b", LogFormat::CsvGz),
        ("log.csv", b"<?xml version='1.0'?><log>", LogFormat::Xes),
        ("log.csv", b"case,activity", LogFormat::Csv),
    ];
    for (name, head, want) in cases {
        assert_eq!(detect(name, head), *want, "{name}");
    }
}

#[test]
fn broken_tables_are_located_errors_naming_no_command() {
    let e = open_log("x.parquet", b"PAR1garbage", &ImportOptions::default())
        .expect_err("not a Parquet file");
    assert!(e.to_string().contains("Parquet"), "{e}");
    assert_eq!(e.code(), "malformed_input");
    let e = open_log("x.arrow", b"ARROW1garbage", &ImportOptions::default())
        .expect_err("not an IPC file");
    assert!(!e.to_string().contains("spur "), "{e}");
    // The text importers' own refusal of a table names no command either.
    let e = crate::import::import_bytes("x", b"PAR1garbage", &ImportOptions::default())
        .expect_err("refused");
    assert!(!e.to_string().contains("spur "), "{e}");
}

#[test]
fn a_table_report_keeps_nulled_values() {
    let log = csv_log();
    let arrow = ArrowReport {
        rows: 5,
        events: 3,
        rejected: 2,
        rejected_rows: vec![RejectedRow {
            row: 3,
            column: "case:concept:name".into(),
            reason: "empty case id".into(),
        }],
        nulled_values: 4,
        skipped_columns: vec![("blob".into(), "Binary".into())],
    };
    let report = LogReport::from_table(LogFormat::Parquet, &log, arrow);
    assert_eq!(report.format, LogFormat::Parquet);
    assert_eq!((report.nulled_values, report.repaired), (4, 4));
    assert_eq!(
        report.notes(5),
        [
            "2 rows rejected (first: row 3, column `case:concept:name`: empty case id)",
            "4 unreadable values set to null",
            "column `blob` (Binary) skipped",
        ]
    );
}

#[test]
fn text_notes_and_the_report_as_json() {
    let (_, report) = open_log("t.csv", CSV.as_bytes(), &ImportOptions::default()).expect("opens");
    let notes = report.notes(5);
    assert_eq!(notes[0], "1 rows rejected, 1 repaired");
    assert!(notes[1].starts_with("line "), "{notes:?}");
    let json = serde_json::to_string(&report).expect("serialises");
    assert!(json.contains("\"format\":\"csv\""), "{json}");
    let back: LogReport = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, report);
}

#[test]
fn progress_is_reported_per_chunk_of_text() {
    let mut seen = Vec::new();
    open_log_with(
        "t.csv",
        CSV.as_bytes(),
        &ImportOptions::default(),
        &mut |p| seen.push(p.bytes),
    )
    .expect("opens");
    assert_eq!(seen, [CSV.len() as u64]);
}

#[test]
fn an_opening_in_steps_reads_chunk_by_chunk_to_the_same_log() {
    // More than two chunks of CSV, so the opening stops twice before the end.
    let mut csv = String::from("case,activity,timestamp\n");
    let mut rows = 0;
    while csv.len() <= 2 * CHUNK + 100 {
        csv.push_str(&format!("c{},a{},2024-01-01 10:00\n", rows % 997, rows % 7));
        rows += 1;
    }
    let bytes = csv.as_bytes();
    let mut opening = Opening::new("big.csv", bytes, &ImportOptions::default());
    assert_eq!(opening.format(), LogFormat::Csv);
    let mut read = Vec::new();
    while !opening.is_read() {
        opening.step(bytes);
        read.push(opening.bytes_read());
    }
    assert_eq!(read, [CHUNK, 2 * CHUNK, bytes.len()]);
    let (stepped, _) = opening.finish(bytes).expect("opens");
    let (whole, _) = open_log("big.csv", bytes, &ImportOptions::default()).expect("opens");
    assert_eq!(stepped.num_events(), rows);
    assert_eq!(
        (stepped.num_events(), stepped.num_cases()),
        (whole.num_events(), whole.num_cases())
    );

    // A table is read whole at the end; an empty file is the importer's own error.
    let opening = Opening::new("t.parquet", b"PAR1", &ImportOptions::default());
    assert!(opening.is_read());
    let mut empty = Opening::new("e.csv", b"", &ImportOptions::default());
    empty.step(b"");
    assert!(empty.is_read());
    assert!(empty.finish(b"").is_err());
}
