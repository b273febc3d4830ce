//! Data-driven OCEL import tests: every `test_data/ocel/{ok,err}/NNN_name.<ext>` is imported and
//! rendered as text next to it (`.txt`; `UPDATE_EXPECT=1` blesses). `ok/` files give a log
//! (events with their objects and attributes, objects with their history, the issues that
//! name what was dropped); `err/` files give a located error. Mutated inputs never panic.

use expect_test::expect_file;
use spur_core::ocel::import::import_ocel;
use spur_core::ocel::OcelLog;
use std::fmt::Write as _;
use std::path::PathBuf;

fn render(log: &OcelLog) -> String {
    let mut o = String::new();
    let time = |ms: i64| spur_core::import::timestamp::format_iso(ms);
    for e in 0..log.num_events() {
        let (objects, qualifiers) = log.e2o(e);
        let rel: Vec<String> = objects
            .iter()
            .zip(qualifiers)
            .map(|(&ob, &q)| {
                format!(
                    "{}({})",
                    log.object_ids().resolve(ob),
                    log.qualifiers().resolve(q)
                )
            })
            .collect();
        let attrs: Vec<String> = log
            .event_attributes()
            .iter()
            .filter_map(|c| c.get(e).map(|v| format!("{}={v:?}", c.name())))
            .collect();
        let _ = writeln!(
            o,
            "event {} {} at {} -> [{}] {}",
            log.event_ids().resolve(e as u32),
            log.event_types().resolve(log.event_type_codes()[e]),
            time(log.event_times()[e]),
            rel.join(", "),
            attrs.join(" ")
        );
    }
    for ob in 0..log.num_objects() {
        let _ = writeln!(
            o,
            "object {} {}",
            log.object_ids().resolve(ob as u32),
            log.object_types().resolve(log.object_type_codes()[ob])
        );
    }
    for a in log.object_attributes() {
        for r in 0..a.len() {
            let _ = writeln!(
                o,
                "  {}.{} from {} = {:?}",
                log.object_ids().resolve(a.objects()[r]),
                a.name(),
                time(a.times()[r]),
                a.values().get(r)
            );
        }
    }
    let (s, t, q) = log.o2o();
    for i in 0..s.len() {
        let _ = writeln!(
            o,
            "o2o {} -> {} ({})",
            log.object_ids().resolve(s[i]),
            log.object_ids().resolve(t[i]),
            log.qualifiers().resolve(q[i])
        );
    }
    o
}

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test_data/ocel")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x != "txt"))
        .collect();
    v.sort();
    v
}

fn check(path: &PathBuf, want_ok: bool) {
    let bytes = std::fs::read(path).expect("fixture readable");
    let name = path.file_name().and_then(|n| n.to_str()).expect("name");
    let text = match import_ocel(name, &bytes) {
        Ok((log, report)) => {
            assert!(want_ok, "{name}: expected an error, got a log");
            let mut t = format!(
                "{:?}: {} events, {} objects\n",
                report.format, report.events, report.objects
            );
            t.push_str(&render(&log));
            for i in &report.issues {
                let _ = writeln!(t, "issue: {i}");
            }
            t
        }
        Err(e) => {
            assert!(!want_ok, "{name}: import failed: {e}");
            format!("error ({}): {e}\n", e.code())
        }
    };
    expect_file![path.with_extension("txt")].assert_eq(&text);
}

#[test]
fn ok_fixtures() {
    let files = fixtures("ok");
    assert!(files.len() >= 5);
    files.iter().for_each(|p| check(p, true));
}

#[test]
fn err_fixtures() {
    let files = fixtures("err");
    assert!(files.len() >= 8);
    files.iter().for_each(|p| check(p, false));
}

#[test]
fn mutated_inputs_never_panic() {
    // Deterministic mutations of every fixture: truncations, byte flips, and splices.
    for path in fixtures("ok").iter().chain(&fixtures("err")) {
        let bytes = std::fs::read(path).expect("readable");
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..300usize {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut m = bytes.clone();
            let at = (seed as usize) % m.len().max(1);
            match round % 3 {
                0 => m.truncate(at),
                1 => {
                    if let Some(b) = m.get_mut(at) {
                        *b = (seed >> 32) as u8;
                    }
                }
                _ => {
                    let from = (seed >> 20) as usize % m.len().max(1);
                    let chunk: Vec<u8> = m[from..(from + 16).min(m.len())].to_vec();
                    m.splice(at..at, chunk);
                }
            }
            let _ = import_ocel(name, &m);
        }
    }
}
