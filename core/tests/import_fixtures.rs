//! Data-driven import tests: every `test_data/import/{ok,err}/NNN_name.<ext>` is imported and
//! rendered as text, compared with `NNN_name.txt` next to it (`UPDATE_EXPECT=1` blesses).
//! An optional `NNN_name.options.json` holds [`ImportOptions`].
//!
//! `ok/` inputs must import cleanly. `err/` is the bad-input corpus: each must give a located
//! error or a report with at least one issue, never a panic. Inputs that are too big or binary to
//! commit (gzip damage, a 64 MiB line) are generated below, with inline snapshots.

use spur_core::import::{import_bytes, ImportError, ImportOptions, Importer};
use spur_core::log::{EventLog, Value};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

fn render(log: &EventLog) -> String {
    let mut o = String::new();
    for case in 0..log.num_cases() as u32 {
        let _ = write!(o, "case {:?}", log.case_ids().resolve(case));
        for col in log.case_attributes() {
            if let Some(v) = col.get(case as usize) {
                let _ = write!(o, " {}={}", col.name(), v);
            }
        }
        o.push('\n');
        for i in log.case_events(case) {
            let act = log.activities().resolve(log.activity_codes()[i]);
            let _ = write!(o, "  {act:?}");
            if let Some(ms) = log.timestamp(i) {
                let _ = write!(o, " @ {}", spur_core::import::timestamp::format_iso(ms));
            }
            if let Some(r) = log.resources().get(log.resource_codes()[i]) {
                let _ = write!(o, " by {r:?}");
            }
            for col in log.event_attributes() {
                if let Some(v) = col.get(i) {
                    let shown = match v {
                        Value::Str(s) => format!("{s:?}"),
                        other => format!("{other} ({:?})", col.column_type()),
                    };
                    let _ = write!(o, " {}={}", col.name(), shown);
                }
            }
            o.push('\n');
        }
    }
    o
}

/// The full text rendering of one import.
fn check_text(name: &str, bytes: &[u8], options: &ImportOptions) -> (String, bool) {
    match import_bytes(name, bytes, options) {
        Err(e) => (format!("error [{}]: {e}\n", e.code()), true),
        Ok((log, report)) => {
            let mut o = String::new();
            let _ = writeln!(
                o,
                "{:?}: {} events, {} cases ({} rows, {} lines); {} rejected, {} repaired",
                report.format,
                report.events,
                report.cases,
                report.rows,
                report.lines,
                report.rejected,
                report.repaired
            );
            if let Some(d) = &report.csv {
                let _ = writeln!(
                    o,
                    "dialect: delimiter {:?}, header {}, encoding {:?}",
                    d.delimiter, d.has_header, d.encoding
                );
                for c in &d.columns {
                    let fmt = c
                        .timestamp_format
                        .map(|f| format!(", {f:?}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        o,
                        "  column {:?}: {:?} ({:?}{fmt})",
                        c.name, c.role, c.column_type
                    );
                }
            }
            for issue in &report.issues {
                let _ = writeln!(o, "issue: {issue} [{:?}]", issue.kind);
            }
            o.push_str(&render(&log));
            // Pushing one byte at a time must give the same log (chunk boundaries anywhere).
            let mut imp = Importer::new(name, options);
            for b in bytes {
                imp.push(std::slice::from_ref(b));
            }
            let (log2, report2) = imp
                .finish()
                .expect("byte-wise import fails where the whole one did not");
            assert_eq!(log2, log, "{name}: byte-wise push differs");
            assert_eq!(report2, report, "{name}: byte-wise report differs");
            let problems = report.rejected + report.repaired + report.counts.values().sum::<u64>();
            (o, problems > 0)
        }
    }
}

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data/import")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !n.ends_with(".txt") && !n.ends_with(".options.json")
        })
        .collect();
    files.sort();
    files
}

fn run_dir(dir: &str) -> usize {
    let files = fixtures(dir);
    for path in &files {
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let stem = file.split('.').next().expect("stem");
        let options_path = path.with_file_name(format!("{stem}.options.json"));
        let options: ImportOptions = match std::fs::read(&options_path) {
            Ok(b) => serde_json::from_slice(&b).expect("options JSON"),
            Err(_) => ImportOptions::default(),
        };
        let bytes = std::fs::read(path).expect("fixture readable");
        let (text, problem) = check_text(file, &bytes, &options);
        let expected = path.with_file_name(format!("{stem}.txt"));
        expect_test::expect_file![expected].assert_eq(&text);
        match dir {
            "ok" => assert!(
                !text.starts_with("error"),
                "{file}: ok/ fixture failed: {text}"
            ),
            _ => assert!(
                problem,
                "{file}: err/ fixture neither failed nor reported an issue:\n{text}"
            ),
        }
    }
    files.len()
}

#[test]
fn ok_fixtures() {
    assert!(run_dir("ok") >= 20);
}

#[test]
fn err_fixtures() {
    assert!(
        run_dir("err") >= 30,
        "the bad-input corpus must hold at least 30 inputs"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn err_of(name: &str, bytes: &[u8]) -> String {
    match import_bytes(name, bytes, &ImportOptions::default()) {
        Err(e) => format!("[{}] {e}", e.code()),
        Ok((log, r)) => format!(
            "ok: {} events, {} rejected, {} repaired",
            log.num_events(),
            r.rejected,
            r.repaired
        ),
    }
}

const SMALL_XES: &str = r#"<?xml version="1.0"?><log><trace><string key="concept:name" value="1"/>
<event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>
<event><string key="concept:name" value="b"/><date key="time:timestamp" value="2024-01-01T11:00:00Z"/></event>
</trace></log>
"#;

#[test]
fn gzip_damage_is_located() {
    let good = gzip(SMALL_XES.as_bytes());
    expect_test::expect![[r#"ok: 2 events, 0 rejected, 0 repaired"#]]
        .assert_eq(&err_of("x.xes.gz", &good));
    let truncated = &good[..good.len() / 2];
    expect_test::expect!["[bad_gzip] gzip: the compressed stream ends early (truncated file?) (within the first 79 compressed bytes)"].assert_eq(&err_of("x.xes.gz", truncated));
    let mut corrupt = good.clone();
    for b in &mut corrupt[12..30] {
        *b ^= 0x5a;
    }
    expect_test::expect!["[bad_gzip] gzip: the compressed stream is truncated or corrupt (within the first 158 compressed bytes)"].assert_eq(&err_of("x.xes.gz", &corrupt));
    expect_test::expect!["[bad_gzip] gzip: the compressed stream ends early (truncated file?) (within the first 10 compressed bytes)"].assert_eq(&err_of("x.xes.gz", &good[..10]));
    expect_test::expect!["[bad_gzip] gzip: the compressed stream ends early (truncated file?) (within the first 2 compressed bytes)"].assert_eq(&err_of("x.gz", &[0x1f, 0x8b]));
    // A gzip whose content is broken XML: the XML error, with its line in the decompressed text.
    let broken = gzip(SMALL_XES.replace("</trace>", "</event>").as_bytes());
    expect_test::expect![
        "[malformed_xml] line 4: XML: </event> does not close <trace> (opened on line 1)"
    ]
    .assert_eq(&err_of("x.xes.gz", &broken));
    // gzip of a CSV is read as CSV.
    let csv = gzip(b"case,activity\n1,a\n");
    expect_test::expect![[r#"ok: 1 events, 0 rejected, 0 repaired"#]]
        .assert_eq(&err_of("x.csv.gz", &csv));
    // Two gzip members are one stream.
    let mut two = gzip(b"case,activity\n1,a\n");
    two.extend(gzip(b"2,b\n"));
    expect_test::expect![[r#"ok: 2 events, 0 rejected, 0 repaired"#]]
        .assert_eq(&err_of("x.csv.gz", &two));
}

/// The "1 GB single line" case: the record limit (16 MiB) stops the import after reading just
/// over 16 MiB of the line, whatever its full length. A 64 MiB line stands in for 1 GB.
#[test]
fn a_runaway_line_stops_at_the_limit() {
    let mut line = b"case,activity\n1,".to_vec();
    line.resize(64 << 20, b'x');
    let mut imp = Importer::new("big.csv", &ImportOptions::default());
    let mut fed = 0usize;
    for chunk in line.chunks(1 << 20) {
        fed += chunk.len();
        if imp.push(chunk).failed {
            break;
        }
    }
    assert!(
        fed <= (17 << 20) + (1 << 20),
        "the limit must trigger early, fed {fed} bytes"
    );
    let e = imp.finish().expect_err("too long");
    expect_test::expect!["[too_long] line 2: a CSV row is longer than the limit of 16777216 bytes (the input is not read further)"].assert_eq(&format!("[{}] {e}", e.code()));
    // The same inside quotes (a quoted field spanning the rest of the file).
    let mut quoted = b"case,activity\n1,\"".to_vec();
    quoted.resize(20 << 20, b'\n');
    expect_test::expect!["[too_long] line 2: a CSV row is longer than the limit of 16777216 bytes (the input is not read further)"].assert_eq(&err_of("q.csv", &quoted));
    // A single XES tag without `>`.
    let mut tag = b"<log><trace><string key=\"a\" value=\"".to_vec();
    tag.resize(20 << 20, b'y');
    expect_test::expect!["[too_long] line 1: a XML tag is longer than the limit of 16777216 bytes (the input is not read further)"].assert_eq(&err_of("t.xes", &tag));
}

#[test]
fn very_wide_headers_are_refused_quickly() {
    let header: Vec<String> = (0..100_000).map(|i| format!("c{}", i % 7)).collect();
    let csv = format!("{}\n", header.join(","));
    expect_test::expect![
        "[malformed_input] line 1: too many columns (at least 21846; Spur reads up to 4096)"
    ]
    .assert_eq(&err_of("wide.csv", csv.as_bytes()));
    let header: Vec<String> = (0..4000).map(|_| "x".to_string()).collect();
    let csv = format!(
        "case,activity,{}\n1,a{}\n",
        header.join(","),
        ",".repeat(4000)
    );
    expect_test::expect!["ok: 1 events, 0 rejected, 0 repaired"]
        .assert_eq(&err_of("wide.csv", csv.as_bytes()));
}

#[test]
fn bad_utf8_after_the_sniffed_prefix_is_repaired_as_latin1() {
    let mut csv = b"case,activity\n".to_vec();
    while csv.len() < 70_000 {
        csv.extend_from_slice(b"1,a\n");
    }
    csv.extend_from_slice(b"2,caf\xe9\n");
    let (log, report) = import_bytes("x.csv", &csv, &ImportOptions::default()).expect("imports");
    assert_eq!(report.repaired, 1);
    let line = 1 + csv[..csv.len() - 7].iter().filter(|&&b| b == b'\n').count() as u64;
    assert_eq!(report.issues[0].line, line);
    assert!(log.activities().lookup("café").is_some());
}

/// Deterministic pseudo-random inputs: mutated fixtures and raw noise never panic.
#[test]
fn mutated_inputs_never_panic() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut bases: Vec<(String, Vec<u8>)> = fixtures("ok")
        .into_iter()
        .chain(fixtures("err"))
        .map(|p| {
            (
                p.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("x")
                    .to_string(),
                std::fs::read(&p).unwrap_or_default(),
            )
        })
        .collect();
    bases.push(("x.xes.gz".into(), gzip(SMALL_XES.as_bytes())));
    let mut outcomes = (0, 0);
    let rounds: usize = std::env::var("SPUR_MUTATION_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3000);
    for round in 0..rounds {
        let (name, base) = &bases[round % bases.len()];
        let mut data = base.clone();
        for _ in 0..(next() % 8) {
            if data.is_empty() {
                break;
            }
            let i = (next() as usize) % data.len();
            match next() % 4 {
                0 => data[i] = next() as u8,
                1 => data.truncate(i),
                2 => data.insert(i, b"<>\"',;\n\r\0&"[(next() % 10) as usize]),
                _ => {
                    data.remove(i);
                }
            }
        }
        match import_bytes(name, &data, &ImportOptions::default()) {
            Ok(_) => outcomes.0 += 1,
            Err(e) => {
                // Every error is explained; located ones carry a plausible line.
                assert!(!e.to_string().is_empty());
                if let Some(line) = e.line() {
                    assert!(
                        line >= 1
                            && line
                                <= 1 + data.iter().filter(|&&b| b == b'\n' || b == b'\r').count()
                                    as u64,
                        "{name}: {e}"
                    );
                }
                outcomes.1 += 1;
            }
        }
    }
    assert!(outcomes.0 > 100 && outcomes.1 > 100, "{outcomes:?}");
    // Token soup: random sequences of XES and CSV fragments.
    const TOKENS: &[&[u8]] = &[
        b"<log>",
        b"</log>",
        b"<trace>",
        b"</trace>",
        b"<event>",
        b"</event>",
        b"<string key=\"concept:name\" value=\"a\"/>",
        b"<string key=\"concept:name\" value=\"b\">",
        b"</string>",
        b"<date key=\"time:timestamp\" value=\"2024-01-01T00:00:00Z\"/>",
        b"<int key=\"x\" value=\"1\"/>",
        b"<list key=\"l\">",
        b"</list>",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b"]]>",
        b"<?xml version='1.0'?>",
        b"\"",
        b"'",
        b"&amp;",
        b"&#",
        b";",
        b"\n",
        b"\r\n",
        b"\r",
        b",",
        b"\t",
        b"a",
        b"1",
        b"case,activity,timestamp\n",
        b"2024-01-01 10:00",
        b"01.02.2024 10:00",
        b"\xff",
        b"\0",
        b"\xef\xbb\xbf",
        b" ",
        b"<",
        b">",
        b"/>",
    ];
    for round in 0..rounds {
        let mut data = Vec::new();
        for _ in 0..(next() % 60) {
            data.extend_from_slice(TOKENS[(next() as usize) % TOKENS.len()]);
        }
        let name = ["x.xes", "x.csv", "x.tsv", "x"][round % 4];
        if let Err(e) = import_bytes(name, &data, &ImportOptions::default()) {
            assert!(!e.to_string().is_empty());
        }
    }
    let _ = ImportError::Empty;
}

/// A clickstream's columns are found by name (case = session, activity = item), so the
/// Recommendations screen and the CLI read a shop's `clicks.csv` without a mapping; a column
/// named like an activity still wins over the item.
#[test]
fn clickstream_columns_are_found_by_name() {
    let csv = b"session_id,customer,item_id,timestamp,event_type\nS1,C1,P1,1704067200,view\nS1,C1,P2,1704067260,cart\n";
    let (log, _) = import_bytes("clicks.csv", csv, &ImportOptions::default()).expect("imports");
    assert_eq!(log.num_cases(), 1);
    assert!(log.case_ids().lookup("S1").is_some());
    assert!(log.activities().lookup("P2").is_some());
    assert!(log.event_attribute("customer").is_some());
    let csv = b"session,item,activity,timestamp\nS1,P1,view,1704067200\n";
    let (log, _) = import_bytes("clicks.csv", csv, &ImportOptions::default()).expect("imports");
    assert!(log.activities().lookup("view").is_some());
}
