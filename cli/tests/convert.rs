//! Transcript tests of `spur convert`: a small log through every output format and back, and
//! the errors a user sees (exit code 1 = input refused, 2 = usage or I/O trouble).

mod support;
use support::{scratch, spur};

const EXPECTED_CSV: &str = "case:concept:name,concept:name,time:timestamp,org:resource,cost\r
c1,register,2024-02-01T09:00:00.000Z,ann,10\r
c1,check,2024-02-01T09:30:00.000Z,bob,12\r
c1,decide,2024-02-02T10:00:00.000Z,ann,\r
c2,register,2024-02-01T11:00:00.000Z,ann,10\r
c2,decide,2024-02-01T11:05:00.000Z,cid,7.5\r
c3,register,2024-02-03T08:00:00.000Z,bob,3\r
c3,check,2024-02-03T08:10:00.000Z,bob,4\r
c3,decide,2024-02-03T08:20:00.000Z,ann,5\r
";

#[test]
fn a_log_goes_through_every_format_and_back_unchanged() {
    let first = scratch("first.csv");
    let r = spur(&[
        "convert",
        "tests/data/small.csv",
        first.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("8 events, 3 cases"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&first).expect("written"),
        EXPECTED_CSV
    );
    for ext in ["tsv", "xes", "xes.gz", "parquet", "arrow", "ipc"] {
        let mid = scratch(&format!("mid.{ext}"));
        let back = scratch(&format!("back-from-{ext}.csv"));
        let r = spur(&[
            "convert",
            first.to_str().expect("path"),
            mid.to_str().expect("path"),
        ]);
        assert_eq!(r.code, 0, "to {ext}: {}", r.stderr);
        let r = spur(&[
            "convert",
            mid.to_str().expect("path"),
            back.to_str().expect("path"),
        ]);
        assert_eq!(r.code, 0, "from {ext}: {}", r.stderr);
        assert_eq!(
            std::fs::read_to_string(&back).expect("written"),
            EXPECTED_CSV,
            "via .{ext}"
        );
    }
}

#[test]
fn errors_say_what_is_wrong() {
    let r = spur(&["convert", "tests/data/small.csv", "out.json"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "spur: cannot tell the output format from the name `out.json`: end it with one of .csv .tsv .xes .xes.gz .parquet .arrow .ipc .feather\n"
    );

    let r = spur(&["convert", "tests/data/small.csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: the following required arguments were not provided")
            && r.stderr.contains("<OUT>"),
        "{}",
        r.stderr
    );

    let r = spur(&["convert", "tests/data/small.csv", "tests/data/small.csv"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("same file"), "{}", r.stderr);

    let bad = scratch("bad.parquet");
    std::fs::write(&bad, b"PAR1 not really PAR1").expect("written");
    let r = spur(&[
        "convert",
        bad.to_str().expect("path"),
        scratch("x.csv").to_str().expect("path"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("Parquet"), "{}", r.stderr);
}

#[test]
fn an_arrow_ipc_stream_opens_in_convert_as_in_stats() {
    // Issue 16: `spur stats` read IPC streams that `spur convert` refused. Both open logs
    // through core's one entry now; the stream is recognised by its bytes, whatever its name.
    let csv = std::fs::read("tests/data/small.csv").expect("fixture");
    let options = spur_core::import::ImportOptions::default();
    let (log, _) = spur_core::open::open_log("small.csv", &csv, &options).expect("opens");
    let stream = spur_core::arrow::ipc::write_stream(&log, &Default::default()).expect("stream");
    let input = scratch("small-stream.bin");
    std::fs::write(&input, stream).expect("written");
    let out = scratch("from-stream.csv");
    let r = spur(&[
        "convert",
        input.to_str().expect("path"),
        out.to_str().expect("path"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        EXPECTED_CSV
    );
    let r = spur(&["stats", input.to_str().expect("path")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("8 events, 3 cases"), "{}", r.stdout);
}
