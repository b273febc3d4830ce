//! The parts of the plan `spur stats --json` does not print (the DFG's durations, events
//! over time) and the filters, against `mining` and `toolkit::filter`, exactly, on shared
//! logs, for each engine (skipped without the engine or the data, unless CI is set). Spark
//! runs everything in one session (its JVM starts once).
use super::*;
use spur_core::log::EventLog;
use spur_core::mining;
use spur_core::toolkit::filter::{self, TimeMode};

/// A shared log's name, the log, and its Parquet file.
type Dataset = (&'static str, EventLog, String);

fn skip(what: &str) {
    let msg = format!("SKIPPED: {what} (bash scripts/setup.sh) or ../shared/data is missing");
    assert!(std::env::var_os("CI").is_none(), "{msg}; CI is set");
    eprintln!("{msg}");
}

/// Three shared logs in memory and as Parquet with row numbers (as `spur convert` writes
/// them) under a temporary folder named after `tag`; `None` without the shared data.
fn datasets(tag: &str) -> Option<(PathBuf, Vec<Dataset>)> {
    let data = std::env::var_os("SPUR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if !data.join("eventlogs").is_dir() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("spur-engine-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let options = spur_core::arrow::WriteOptions {
        row_numbers: true,
        ..Default::default()
    };
    let logs = [
        "running-example.xes",
        "receipt.xes",
        "interval_event_log.xes",
    ]
    .into_iter()
    .map(|name| {
        let bytes = std::fs::read(data.join("eventlogs").join(name)).expect("log");
        let log = crate::convert::read_log(name, &bytes, &Default::default())
            .expect("imports")
            .log;
        let parquet = dir.join(format!("{name}.parquet"));
        let written = spur_core::arrow::parquet::write(&log, &options).expect("parquet");
        std::fs::write(&parquet, written).expect("written");
        (name, log, parquet.to_str().expect("utf-8").to_string())
    })
    .collect();
    Some((dir, logs))
}

/// The DFG with durations, the activities' first positions and events over time (hourly,
/// and widened from 1 ms buckets).
fn check_dfg_and_time(engine: &mut Engine, name: &str, log: &EventLog, path: &str) {
    let extra = vec![
        sql::events_over_time_query(3_600_000),
        sql::Query {
            name: "over_time_fine",
            ..sql::events_over_time_query(1)
        },
        sql::positions_query(),
    ];
    let (answers, _) = engine
        .answers(path, &Default::default(), &[], extra)
        .expect("answers");
    let dfg = sql::assemble::dfg(&answers).expect("dfg");
    assert_eq!(dfg, mining::dfg_performance(log), "{name}");
    // The process map's node order (what `spur map --engine` adds to the statistics).
    let mut positions = sql::assemble::positions(&answers).expect("positions");
    let mut want = spur_core::map::model::first_positions(log);
    positions.sort_by(|a, b| a.0.cmp(&b.0));
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(positions, want, "{name}");
    let hourly = sql::assemble::events_over_time(&answers, 3_600_000).expect("rows");
    assert_eq!(hourly, mining::events_over_time(log, 3_600_000), "{name}");
    let mut fine = answers.clone();
    let rows = fine.remove("over_time_fine").expect("answered");
    fine.insert("over_time".into(), rows);
    let widened = sql::assemble::events_over_time(&fine, 1).expect("rows");
    assert_eq!(
        widened,
        mining::events_over_time(log, 1),
        "{name} (widened)"
    );
}

/// The log summary file from the engine is byte for byte the one `LogSummary::of` writes
/// (`spur stats --summary-out`), after `filters`.
fn check_summary(engine: &mut Engine, name: &str, log: &EventLog, path: &str, filters: &[Filter]) {
    let got = engine
        .summary(path, &Default::default(), filters)
        .expect("summary");
    let kept = filter::apply_all(log, filters).expect("filters apply").0;
    let want = spur_core::mining::LogSummary::of(&kept);
    assert!(want.cases > 0, "{name}: nothing kept by {filters:?}");
    assert!(
        got.to_json() == want.to_json(),
        "{name} {filters:?}: the summaries differ"
    );
}

/// The statistics of the events of the three most frequent activities (`spur map
/// --activities`'s projection) equal those of the sub-log `select_events` keeps.
fn check_projection(engine: &mut Engine, name: &str, log: &EventLog, path: &str) {
    let kept: Vec<String> = mining::activity_counts(log)
        .into_iter()
        .take(3)
        .map(|a| a.0)
        .collect();
    let dialect = engine.dialect();
    let (answers, roles) = engine
        .query(
            path,
            &Default::default(),
            &[],
            Some(&kept),
            sql::stats_queries(dialect),
        )
        .expect("answers");
    let keep: Vec<bool> = log
        .activity_codes()
        .iter()
        .map(|&a| kept.iter().any(|k| k == log.activities().resolve(a)))
        .collect();
    let got = sql::assemble::stats(&answers, roles.timestamp.is_some()).expect("stats");
    assert_eq!(got, mining::stats(&log.select_events(&keep)), "{name}");
}

/// Filter lists over `log`: every form `sql::filter` compiles, most of them narrowing.
fn filter_cases(log: &EventLog) -> Vec<Vec<Filter>> {
    let all = mining::stats(log);
    let (top, first, last) = (
        all.activities[0].0.clone(),
        all.start_activities[0].0.clone(),
        all.end_activities[0].0.clone(),
    );
    let (ts, valid) = log.timestamps().expect("timed");
    let timed: Vec<i64> = (0..ts.len())
        .filter(|&i| valid.get(i))
        .map(|i| ts[i])
        .collect();
    let (lo, hi) = (
        timed.iter().copied().min().unwrap_or(0),
        timed.iter().copied().max().unwrap_or(0),
    );
    let (from, to) = (lo + (hi - lo) / 4, lo + 3 * (hi - lo) / 4);
    let time = |mode| Filter::TimeRange { from, to, mode };
    let has = |keep| Filter::HasActivity {
        activities: vec![top.clone()],
        keep,
    };
    // The most frequent edge, and a pair that follows each other eventually in some cases.
    let edge = all.dfg.iter().max_by_key(|e| e.2).expect("an edge").clone();
    let df = |keep| Filter::DirectlyFollows {
        from: edge.0.clone(),
        to: edge.1.clone(),
        keep,
    };
    let ef = |max_gap_ms, keep| Filter::EventuallyFollows {
        from: first.clone(),
        to: last.clone(),
        max_gap_ms,
        keep,
    };
    let top_variant = all.variants[0].0.clone();
    vec![
        vec![has(true)],
        vec![has(false)],
        vec![Filter::StartActivities {
            activities: vec![first.clone()],
            keep: true,
        }],
        vec![Filter::EndActivities {
            activities: vec![last.clone()],
            keep: false,
        }],
        vec![Filter::CaseSize {
            min: Some(3),
            max: Some(6),
        }],
        vec![Filter::CaseDuration {
            min_ms: Some(60_000),
            max_ms: Some(30 * 86_400_000),
        }],
        vec![time(TimeMode::Contained)],
        vec![time(TimeMode::Intersecting)],
        vec![time(TimeMode::StartedIn)],
        vec![time(TimeMode::CompletedIn)],
        vec![time(TimeMode::Events)],
        vec![Filter::Not {
            filter: Box::new(Filter::And {
                filters: vec![has(true), time(TimeMode::Contained)],
            }),
        }],
        vec![
            time(TimeMode::Events),
            has(true),
            Filter::CaseSize {
                min: Some(2),
                max: None,
            },
        ],
        // 13..: the forms that read a case's order or its variant.
        vec![df(true)],
        vec![df(false), ef(None, true)],
        vec![ef(None, false)],
        vec![ef(Some(3_600_000), true)],
        vec![ef(Some(86_400_000), false)],
        vec![Filter::VariantsTopK { top_k: 3 }],
        vec![Filter::VariantsCoverage { coverage: 0.8 }],
        vec![Filter::Variants {
            variants: vec![top_variant.clone(), vec![first.clone()]],
            keep: false,
        }],
        // After an event-level step the variants are the narrowed cases' ones.
        vec![time(TimeMode::Events), Filter::VariantsTopK { top_k: 2 }],
        vec![Filter::Not {
            filter: Box::new(Filter::And {
                filters: vec![df(true), Filter::VariantsTopK { top_k: 4 }],
            }),
        }],
        // 23..: between, keeping events (from ≠ to; from = to shares the boundaries).
        vec![Filter::Between {
            from: edge.0.clone(),
            to: last.clone(),
        }],
        vec![Filter::Between {
            from: top.clone(),
            to: top.clone(),
        }],
        vec![
            time(TimeMode::Events),
            Filter::Between {
                from: first.clone(),
                to: edge.1.clone(),
            },
        ],
    ]
}

/// The engine's filtered statistics equal the toolkit's; returns how many filter lists
/// kept some events but not all (so the equality says something).
fn check_filters(
    engine: &mut Engine,
    name: &str,
    log: &EventLog,
    path: &str,
    cases: &[Vec<Filter>],
) -> usize {
    let mut narrowing = 0;
    for filters in cases {
        let (kept, steps) = filter::apply_all(log, filters).expect("filters apply");
        if kept.num_events() > 0 && kept.num_events() < log.num_events() {
            narrowing += 1;
        }
        let extra = vec![sql::filter::steps_query(filters)];
        let (answers, roles) = engine
            .answers(path, &Default::default(), filters, extra)
            .expect("answers");
        let got = sql::assemble::stats(&answers, roles.timestamp.is_some()).expect("stats");
        assert_eq!(got, mining::stats(&kept), "{name}: {filters:?}");
        // What `spur filter --engine` prints per step.
        let counted = sql::filter::steps(filters, &answers).expect("steps");
        assert_eq!(counted, steps, "{name}: {filters:?}");
    }
    narrowing
}

/// [`check_filters`] with fewer queries, for Spark's many filter lists (each query is a job):
/// the steps' counts and the kept cases' variants (which cases, which events, in which order)
/// equal the toolkit's; the statistics plan over a filtered table is checked by the others.
fn check_filters_lean(
    engine: &mut Engine,
    name: &str,
    log: &EventLog,
    path: &str,
    cases: &[Vec<Filter>],
) -> usize {
    let mut narrowing = 0;
    let variants = sql::stats_queries(engine.dialect())
        .into_iter()
        .find(|q| q.name == "variants")
        .expect("a variants query");
    for filters in cases {
        let (kept, steps) = filter::apply_all(log, filters).expect("filters apply");
        if kept.num_events() > 0 && kept.num_events() < log.num_events() {
            narrowing += 1;
        }
        let queries = vec![sql::filter::steps_query(filters), variants.clone()];
        let (answers, _) = engine
            .query(path, &Default::default(), filters, None, queries)
            .expect("answers");
        let counted = sql::filter::steps(filters, &answers).expect("steps");
        assert_eq!(counted, steps, "{name}: {filters:?}");
        let mut got: Vec<(Vec<String>, u64)> = answers["variants"]
            .iter()
            .map(|r| {
                let seq = r["v"].as_array().expect("a list");
                let seq = seq.iter().map(|a| a.as_str().expect("text").to_string());
                (seq.collect(), r["n"].as_u64().expect("a count"))
            })
            .collect();
        got.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        assert_eq!(got, mining::variant_counts(&kept), "{name}: {filters:?}");
    }
    narrowing
}

#[test]
fn duckdb_dfg_durations_and_events_over_time_equal_mining() {
    let (Some((dir, logs)), Ok(mut engine)) = (datasets("unit"), Engine::start(&Choice::duckdb()))
    else {
        return skip("DuckDB");
    };
    for (name, log, path) in &logs {
        check_dfg_and_time(&mut engine, name, log, path);
        check_projection(&mut engine, name, log, path);
        check_summary(&mut engine, name, log, path, &[]);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn duckdb_filtered_stats_equal_the_toolkit_filters_in_memory() {
    let (Some((dir, logs)), Ok(mut engine)) =
        (datasets("filter"), Engine::start(&Choice::duckdb()))
    else {
        return skip("DuckDB");
    };
    for (name, log, path) in &logs {
        let narrowing = check_filters(&mut engine, name, log, path, &filter_cases(log));
        assert!(
            narrowing >= 18,
            "{name}: only {narrowing} filters narrowed the log"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spark_dfg_durations_events_over_time_and_filters_equal_memory() {
    let Some((dir, logs)) = datasets("spark") else {
        return skip("Spark");
    };
    // Small logs, a short-lived JVM: the C1 compiler alone starts faster.
    let session = spark::Session::start_with(
        "local[2]",
        &[(
            "SPUR_SPARK_CONF",
            "spark.driver.extraJavaOptions=-XX:TieredStopAtLevel=1",
        )],
        // Not what is tested here: a loaded machine must not hit the default.
        std::time::Duration::from_secs(600),
    );
    let Ok(session) = session else {
        return skip("Spark");
    };
    let mut engine = Engine::Spark(Box::new(session));
    // receipt and the interval log (start timestamps order its cases).
    for (name, log, path) in &logs[1..] {
        check_dfg_and_time(&mut engine, name, log, path);
    }
    check_projection(&mut engine, logs[1].0, &logs[1].1, &logs[1].2);
    // The summary file (`--summary-out`): receipt after a filter, the interval log whole.
    let narrow = [Filter::CaseSize {
        min: Some(3),
        max: Some(9),
    }];
    check_summary(&mut engine, logs[1].0, &logs[1].1, &logs[1].2, &narrow);
    check_summary(&mut engine, logs[2].0, &logs[2].1, &logs[2].2, &[]);
    // One log through the forms whose Spark SQL differs from DuckDB's (quoting, min_by,
    // renumbering after the event-level range, NOT over AND); DuckDB runs them all.
    let (name, log, path) = &logs[1];
    let pick = |indices: &[usize]| -> Vec<Vec<Filter>> {
        filter_cases(log)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| indices.contains(i))
            .map(|(_, c)| c)
            .collect()
    };
    let narrowing = check_filters(&mut engine, name, log, path, &pick(&[3, 5, 10, 11, 12]));
    assert!(narrowing >= 4, "{name}: only {narrowing} filters narrowed");
    // Order, variants and between: the kept cases' variants and the steps' counts.
    let cases = pick(&[14, 16, 19, 20, 22, 23, 24]);
    let narrowing = check_filters_lean(&mut engine, name, log, path, &cases);
    assert!(narrowing >= 5, "{name}: only {narrowing} filters narrowed");
    // Attributes: Spark's first_value(x, true) for case attributes, typed literals, renumbering.
    let (typed, typed_path) = typed_log(&dir);
    let cases: Vec<Vec<Filter>> = typed_cases()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| [1, 3, 5, 8, 11].contains(i))
        .map(|(_, c)| c)
        .collect();
    let narrowing = check_filters_lean(&mut engine, "typed", &typed, &typed_path, &cases);
    assert_eq!(narrowing, cases.len(), "typed: a filter narrowed nothing");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small log with typed event attributes (int, float with gaps, bool, time) and case
/// attributes (text with a missing value, int), in memory and as Parquet under `dir`.
fn typed_log(dir: &Path) -> (EventLog, String) {
    let csv = "case,activity,timestamp,amount,score,flag,due,case:tier,case:size\n\
        1,a,2024-01-01 10:00,5,1.5,true,2024-02-01 00:00,gold,3\n\
        1,b,2024-01-01 11:00,7,,false,2024-02-02 00:00,gold,3\n\
        1,c,2024-01-01 12:00,,2.25,true,,gold,3\n\
        2,a,2024-01-02 10:00,10,0.5,false,2024-03-01 00:00,silver,10\n\
        2,c,2024-01-02 10:30,3,1.5,false,2024-03-01 00:00,silver,10\n\
        3,b,2024-01-03 09:00,8,3.0,true,2024-01-15 00:00,,\n\
        3,a,2024-01-03 09:10,-2,0.1,true,2024-01-16 00:00,,\n\
        4,a,2024-01-04 08:00,1,,false,2024-01-20 00:00,bronze,7\n\
        4,b,2024-01-04 09:00,6,4.5,true,2024-01-21 00:00,bronze,7\n";
    let log = crate::convert::read_log("typed.csv", csv.as_bytes(), &Default::default())
        .expect("imports")
        .log;
    let options = spur_core::arrow::WriteOptions {
        row_numbers: true,
        ..Default::default()
    };
    let path = dir.join("typed.parquet");
    let bytes = spur_core::arrow::parquet::write(&log, &options).expect("parquet");
    std::fs::write(&path, bytes).expect("written");
    (log, path.to_str().expect("utf-8").to_string())
}

/// Attribute filters over [`typed_log`]: values and ranges, case and event level, negated.
fn typed_cases() -> Vec<Vec<Filter>> {
    use spur_core::toolkit::filter::Level;
    let event = |attribute: &str, values: &[&str], keep, level| Filter::EventAttribute {
        attribute: attribute.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        keep,
        level,
    };
    let range = |attribute: &str, min, max, level| Filter::EventAttributeRange {
        attribute: attribute.into(),
        min,
        max,
        level,
    };
    let case = |attribute: &str, values: &[&str], keep| Filter::CaseAttribute {
        attribute: attribute.into(),
        values: values.iter().map(|v| v.to_string()).collect(),
        keep,
    };
    let size = |min, max| Filter::CaseAttributeRange {
        attribute: "size".into(),
        min,
        max,
    };
    vec![
        vec![event("amount", &["5", "10"], true, Level::Cases)],
        vec![event("amount", &[" 7"], false, Level::Events)],
        vec![range("amount", Some(0.0), Some(6.0), Level::Cases)],
        vec![range("score", Some(1.0), None, Level::Events)],
        vec![event("flag", &["TRUE"], true, Level::Events)],
        vec![event("due", &["2024-03-01"], true, Level::Cases)],
        vec![event("concept:name", &["a"], true, Level::Events)],
        vec![case("tier", &["gold", "bronze"], true)],
        vec![case("case:tier", &["gold"], false)],
        vec![size(Some(5.0), None)],
        vec![Filter::Not {
            filter: Box::new(size(None, Some(5.0))),
        }],
        vec![
            range("amount", Some(2.0), None, Level::Events),
            Filter::CaseSize {
                min: Some(2),
                max: None,
            },
            case("tier", &["silver"], false),
        ],
    ]
}

/// What the toolkit refuses (attributes, ranges, lists), the engine refuses in the same words.
fn check_refusals(engine: &mut Engine, log: &EventLog, path: &str) {
    for text in [
        "time:2024-02-01..2024-01-01",
        "duration:2d..1h",
        "size:5..2",
        "variants:top=0",
        "variants:cover=1.5",
        "df:a->zz",
        "between:zz->a",
        "not:events:amount=5",
        "all(has:a; not:time:2024-01-01..2024-02-01:events)",
        "case-attr:nope=1",
        "event-attr:nope=1",
        "event-attr:amount=seven",
        "case-attr:size=3.5",
        "event-attr:flag=yes",
        "events:due=..",
        "event-attr:flag=1..2",
        "case-attr:tier=1..",
        "event-attr:concept:name=z",
    ] {
        let filters = vec![text.parse::<Filter>().expect("parses")];
        let memory = filter::apply_all(log, &filters)
            .map(|_| ())
            .expect_err(text);
        let got = engine
            .answers(path, &Default::default(), &filters, Vec::new())
            .map(|_| ())
            .expect_err(text);
        assert_eq!(got, memory.to_string(), "{text}");
    }
}

#[test]
fn duckdb_attribute_filters_equal_the_toolkit_filters_in_memory() {
    use spur_core::toolkit::filter::Level;
    let (Some((dir, logs)), Ok(mut engine)) = (datasets("attrs"), Engine::start(&Choice::duckdb()))
    else {
        return skip("DuckDB");
    };
    let (log, path) = typed_log(&dir);
    let narrowing = check_filters(&mut engine, "typed", &log, &path, &typed_cases());
    assert!(narrowing >= 11, "typed: only {narrowing} filters narrowed");
    check_refusals(&mut engine, &log, &path);
    // A golden log: case attributes (text), an event attribute and the resource role.
    let (name, log, path) = &logs[1];
    let values = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cases = vec![
        vec![Filter::CaseAttribute {
            attribute: "channel".into(),
            values: values(&["Desk", "Post"]),
            keep: true,
        }],
        vec![Filter::CaseAttribute {
            attribute: "case:department".into(),
            values: values(&["General"]),
            keep: false,
        }],
        vec![Filter::EventAttribute {
            attribute: "org:group".into(),
            values: values(&["Group 2"]),
            keep: true,
            level: Level::Cases,
        }],
        vec![Filter::EventAttribute {
            attribute: "org:resource".into(),
            values: values(&["Resource01", "Resource02"]),
            keep: false,
            level: Level::Events,
        }],
    ];
    let narrowing = check_filters(&mut engine, name, log, path, &cases);
    assert_eq!(narrowing, cases.len(), "{name}: a filter narrowed nothing");
    let _ = std::fs::remove_dir_all(&dir);
}
