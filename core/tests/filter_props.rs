//! Property tests: on random small logs, every filter keeps exactly what a naive reference
//! implementation over `Vec<Vec<event>>` keeps, and every filter's text form parses back to it.
//!
//! The reference is written from the semantics in the `toolkit::filter` module doc, without the
//! columnar log: cases are plain vectors, attribute values are compared as text.

use proptest::prelude::*;
use spur_core::log::{EventLog, EventLogBuilder, Value};
use spur_core::toolkit::filter::{apply, Filter, FilterError, Level, TimeMode};

const ACTS: [&str; 4] = ["a", "b", "c", "d"];
const MIN: i64 = 60_000;

#[derive(Debug, Clone)]
struct Ev {
    act: &'static str,
    ts: Option<i64>,
    res: Option<&'static str>,
    amount: Option<i64>,
}

#[derive(Debug, Clone)]
struct Case {
    id: String,
    model: Option<&'static str>,
    events: Vec<Ev>,
}

fn ev() -> impl Strategy<Value = Ev> {
    (
        0..4usize,
        prop::option::weighted(0.9, 0..200i64),
        prop::option::of(prop::sample::select(vec!["r1", "r2"])),
        prop::option::of(0..10i64),
    )
        .prop_map(|(a, t, res, amount)| Ev {
            act: ACTS[a],
            ts: t.map(|m| 1_700_000_000_000 + m * MIN),
            res,
            amount,
        })
}

fn cases() -> impl Strategy<Value = Vec<Case>> {
    prop::collection::vec(
        (
            prop::option::of(prop::sample::select(vec!["A", "B"])),
            prop::collection::vec(ev(), 1..7),
        ),
        1..8,
    )
    .prop_map(|cs| {
        cs.into_iter()
            .enumerate()
            .map(|(i, (model, mut events))| {
                // The log's order: by timestamp, events without one last, ties in input order.
                events.sort_by_key(|e| (e.ts.is_none(), e.ts.unwrap_or(0)));
                Case {
                    id: format!("c{i}"),
                    model,
                    events,
                }
            })
            .collect()
    })
}

fn build(cases: &[Case]) -> EventLog {
    let mut b = EventLogBuilder::new();
    for c in cases {
        let code = b.case_code(&c.id);
        if let Some(m) = c.model {
            b.set_case_attr(code, "model", Value::Str(m));
        }
        for e in &c.events {
            let a = b.activity_code(e.act);
            let i = b.push_event(code, a, e.ts);
            if let Some(r) = e.res {
                let r = b.resource_code(r);
                b.set_resource(i, r);
            }
            if let Some(x) = e.amount {
                b.set_event_attr(i, "amount", Value::Int(x));
            }
        }
    }
    b.finish()
}

fn names(max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(ACTS.to_vec()), 1..=max)
        .prop_map(|v| v.into_iter().map(String::from).collect())
}

fn act() -> impl Strategy<Value = String> {
    prop::sample::select(ACTS.to_vec()).prop_map(String::from)
}

fn time_mode() -> impl Strategy<Value = TimeMode> {
    prop::sample::select(vec![
        TimeMode::Contained,
        TimeMode::Intersecting,
        TimeMode::StartedIn,
        TimeMode::CompletedIn,
        TimeMode::Events,
    ])
}

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(vec![Level::Cases, Level::Events])
}

fn opt_bound(lo: i64, hi: i64) -> impl Strategy<Value = Option<i64>> {
    prop::option::of(lo..hi)
}

/// Filters that are not negations or lists.
fn leaf() -> impl Strategy<Value = Filter> {
    let t0 = 1_700_000_000_000i64;
    prop_oneof![
        (0..200i64, 0..200i64, time_mode()).prop_map(move |(a, b, mode)| Filter::TimeRange {
            from: t0 + a.min(b) * MIN,
            to: t0 + a.max(b) * MIN,
            mode
        }),
        (
            prop::sample::subsequence(vec!["A", "B", "C"], 1..3),
            any::<bool>()
        )
            .prop_map(|(v, keep)| Filter::CaseAttribute {
                attribute: "model".into(),
                values: v.into_iter().map(String::from).collect(),
                keep
            }),
        (
            prop::sample::select(vec!["org:resource", "amount", "concept:name"]),
            any::<bool>(),
            level()
        )
            .prop_map(|(attr, keep, level)| {
                let values = match attr {
                    "org:resource" => vec!["r1".to_string()],
                    "amount" => vec!["3".to_string(), "7".to_string()],
                    _ => vec!["a".to_string(), "c".to_string()],
                };
                Filter::EventAttribute {
                    attribute: attr.into(),
                    values,
                    keep,
                    level,
                }
            }),
        (opt_bound(0, 6), opt_bound(4, 10), level()).prop_map(|(a, b, level)| {
            Filter::EventAttributeRange {
                attribute: "amount".into(),
                min: a.map(|x| x as f64),
                max: b.map(|x| x as f64),
                level,
            }
        }),
        (1..5usize).prop_map(|top_k| Filter::VariantsTopK { top_k }),
        (1..=10u32).prop_map(|c| Filter::VariantsCoverage {
            coverage: c as f64 / 10.0
        }),
        (prop::collection::vec(names(3), 1..3), any::<bool>())
            .prop_map(|(variants, keep)| Filter::Variants { variants, keep }),
        (names(2), any::<bool>())
            .prop_map(|(activities, keep)| Filter::HasActivity { activities, keep }),
        (names(2), any::<bool>())
            .prop_map(|(activities, keep)| Filter::StartActivities { activities, keep }),
        (names(2), any::<bool>())
            .prop_map(|(activities, keep)| Filter::EndActivities { activities, keep }),
        (act(), act(), any::<bool>()).prop_map(|(from, to, keep)| Filter::DirectlyFollows {
            from,
            to,
            keep
        }),
        (act(), act(), opt_bound(0, 90), any::<bool>()).prop_map(|(from, to, g, keep)| {
            Filter::EventuallyFollows {
                from,
                to,
                max_gap_ms: g.map(|m| m * MIN),
                keep,
            }
        }),
        (opt_bound(0, 60), opt_bound(30, 200)).prop_map(|(a, b)| Filter::CaseDuration {
            min_ms: a.map(|m| m * MIN),
            max_ms: b.map(|m| m * MIN)
        }),
        (prop::option::of(1..4usize), prop::option::of(3..7usize))
            .prop_map(|(min, max)| Filter::CaseSize { min, max }),
        (act(), act()).prop_map(|(from, to)| Filter::Between { from, to }),
    ]
}

fn filter() -> impl Strategy<Value = Filter> {
    prop_oneof![
        4 => leaf(),
        1 => leaf().prop_filter("case level", Filter::is_case_level)
            .prop_map(|f| Filter::Not { filter: Box::new(f) }),
        1 => prop::collection::vec(leaf(), 0..3).prop_map(|filters| Filter::And { filters }),
    ]
}

// ---------- the reference ----------

fn variant(c: &Case) -> Vec<&'static str> {
    c.events.iter().map(|e| e.act).collect()
}

fn times(c: &Case) -> Vec<i64> {
    c.events.iter().filter_map(|e| e.ts).collect()
}

fn keep_cases(log: &[Case], pred: impl Fn(&Case) -> bool) -> Vec<Case> {
    log.iter().filter(|c| pred(c)).cloned().collect()
}

fn keep_events(log: &[Case], pred: impl Fn(&Case, usize) -> bool) -> Vec<Case> {
    log.iter()
        .filter_map(|c| {
            let events: Vec<Ev> = (0..c.events.len())
                .filter(|&i| pred(c, i))
                .map(|i| c.events[i].clone())
                .collect();
            (!events.is_empty()).then(|| Case {
                events,
                ..c.clone()
            })
        })
        .collect()
}

/// Event attribute as text, like a user would write it.
fn attr_text(e: &Ev, attr: &str) -> Option<String> {
    match attr {
        "org:resource" => e.res.map(String::from),
        "amount" => e.amount.map(|x| x.to_string()),
        _ => Some(e.act.to_string()),
    }
}

fn reference(log: &[Case], f: &Filter) -> Vec<Case> {
    let within = |v: f64, min: Option<f64>, max: Option<f64>| {
        min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
    };
    match f {
        Filter::TimeRange { from, to, mode } => match mode {
            TimeMode::Events => keep_events(log, |c, i| {
                c.events[i].ts.is_some_and(|t| t >= *from && t <= *to)
            }),
            _ => keep_cases(log, |c| {
                let ts = times(c);
                let (Some(&lo), Some(&hi)) = (ts.iter().min(), ts.iter().max()) else {
                    return false;
                };
                match mode {
                    TimeMode::Contained => lo >= *from && hi <= *to,
                    TimeMode::Intersecting => lo < *to && hi > *from,
                    TimeMode::StartedIn => lo >= *from && lo <= *to,
                    _ => hi >= *from && hi <= *to,
                }
            }),
        },
        Filter::CaseAttribute { values, keep, .. } => keep_cases(log, |c| {
            c.model.is_some_and(|m| values.iter().any(|v| v == m)) == *keep
        }),
        Filter::EventAttribute {
            attribute,
            values,
            keep,
            level,
        } => {
            let hit = |e: &Ev| attr_text(e, attribute).is_some_and(|t| values.contains(&t));
            match level {
                Level::Events => keep_events(log, |c, i| hit(&c.events[i]) == *keep),
                Level::Cases => keep_cases(log, |c| c.events.iter().any(hit) == *keep),
            }
        }
        Filter::EventAttributeRange {
            min, max, level, ..
        } => {
            let hit = |e: &Ev| e.amount.is_some_and(|x| within(x as f64, *min, *max));
            match level {
                Level::Events => keep_events(log, |c, i| hit(&c.events[i])),
                Level::Cases => keep_cases(log, |c| c.events.iter().any(hit)),
            }
        }
        Filter::VariantsTopK { .. } | Filter::VariantsCoverage { .. } => {
            let mut counts: Vec<(Vec<&str>, usize)> = Vec::new();
            for c in log {
                let v = variant(c);
                match counts.iter_mut().find(|(w, _)| *w == v) {
                    Some(slot) => slot.1 += 1,
                    None => counts.push((v, 1)),
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
            let chosen: Vec<Vec<&str>> = match f {
                Filter::VariantsTopK { top_k } => {
                    counts.iter().take(*top_k).map(|x| x.0.clone()).collect()
                }
                Filter::VariantsCoverage { coverage } => {
                    let mut out = Vec::new();
                    let mut covered = 0;
                    for (v, n) in &counts {
                        if covered as f64 >= coverage * log.len() as f64 - 1e-9 {
                            break;
                        }
                        covered += n;
                        out.push(v.clone());
                    }
                    out
                }
                _ => Vec::new(),
            };
            keep_cases(log, |c| chosen.contains(&variant(c)))
        }
        Filter::Variants { variants, keep } => {
            keep_cases(log, |c| variants.iter().any(|v| *v == variant(c)) == *keep)
        }
        Filter::HasActivity { activities, keep } => keep_cases(log, |c| {
            c.events
                .iter()
                .any(|e| activities.iter().any(|a| a == e.act))
                == *keep
        }),
        Filter::StartActivities { activities, keep } => keep_cases(log, |c| {
            activities.iter().any(|a| a == c.events[0].act) == *keep
        }),
        Filter::EndActivities { activities, keep } => keep_cases(log, |c| {
            activities
                .iter()
                .any(|a| a == c.events[c.events.len() - 1].act)
                == *keep
        }),
        Filter::DirectlyFollows { from, to, keep } => keep_cases(log, |c| {
            let v = variant(c);
            (1..v.len()).any(|i| v[i - 1] == from && v[i] == to) == *keep
        }),
        Filter::EventuallyFollows {
            from,
            to,
            max_gap_ms,
            keep,
        } => keep_cases(log, |c| {
            let e = &c.events;
            let found = (0..e.len()).any(|i| {
                (i + 1..e.len()).any(|j| {
                    e[i].act == from
                        && e[j].act == to
                        && match max_gap_ms {
                            None => true,
                            Some(g) => matches!((e[i].ts, e[j].ts),
                                (Some(a), Some(b)) if b - a >= 0 && b - a <= *g),
                        }
                })
            });
            found == *keep
        }),
        Filter::CaseDuration { min_ms, max_ms } => keep_cases(log, |c| {
            let ts = times(c);
            let (Some(first), Some(last)) = (ts.first(), ts.last()) else {
                return false;
            };
            let d = last - first;
            min_ms.is_none_or(|m| d >= m) && max_ms.is_none_or(|m| d <= m)
        }),
        Filter::CaseSize { min, max } => keep_cases(log, |c| {
            let n = c.events.len();
            min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
        }),
        Filter::Between { from, to } => {
            let kept: Vec<Vec<bool>> = log
                .iter()
                .map(|c| {
                    let mut keep = vec![false; c.events.len()];
                    let mut start: Option<usize> = None;
                    for (j, e) in c.events.iter().enumerate() {
                        match start {
                            Some(s) if e.act == to => {
                                for k in keep.iter_mut().take(j + 1).skip(s) {
                                    *k = true;
                                }
                                start = if from == to { Some(j) } else { None };
                            }
                            None if e.act == from => start = Some(j),
                            _ => {}
                        }
                    }
                    keep
                })
                .collect();
            let pos = |c: &Case| log.iter().position(|d| d.id == c.id).unwrap_or(0);
            keep_events(log, |c, i| kept[pos(c)][i])
        }
        Filter::Not { filter } => {
            let inner: Vec<String> = reference(log, filter).into_iter().map(|c| c.id).collect();
            keep_cases(log, |c| !inner.contains(&c.id))
        }
        Filter::And { filters } => filters
            .iter()
            .fold(log.to_vec(), |cur, f| reference(&cur, f)),
        Filter::CaseAttributeRange { .. } => log.to_vec(),
    }
}

/// Does `f` hold a range whose min is above its max?
fn inverted(f: &Filter) -> bool {
    match f {
        Filter::CaseDuration {
            min_ms: Some(a),
            max_ms: Some(b),
        } => a > b,
        Filter::CaseSize {
            min: Some(a),
            max: Some(b),
        } => a > b,
        Filter::EventAttributeRange {
            min: Some(a),
            max: Some(b),
            ..
        } => a > b,
        Filter::Not { filter } => inverted(filter),
        Filter::And { filters } => filters.iter().any(inverted),
        _ => false,
    }
}

/// Cases and their activity sequences, as text.
fn shape_of_log(log: &EventLog) -> Vec<String> {
    (0..log.num_cases() as u32)
        .map(|c| {
            let acts: Vec<&str> = log
                .case_activities(c)
                .iter()
                .map(|&a| log.activities().resolve(a))
                .collect();
            format!("{}:{}", log.case_ids().resolve(c), acts.join(""))
        })
        .collect()
}

fn shape_of_ref(cases: &[Case]) -> Vec<String> {
    cases
        .iter()
        .map(|c| format!("{}:{}", c.id, variant(c).join("")))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn filters_agree_with_the_reference(cases in cases(), f in filter()) {
        let log = build(&cases);
        match apply(&log, &f) {
            Ok(out) => {
                let want = reference(&cases, &f);
                prop_assert_eq!(shape_of_log(&out.log), shape_of_ref(&want), "filter {}", f);
                if let Some(mask) = out.case_mask {
                    let ids: Vec<String> = want.iter().map(|c| c.id.clone()).collect();
                    let expect: Vec<bool> = cases.iter().map(|c| ids.contains(&c.id)).collect();
                    prop_assert_eq!(mask, expect);
                }
            }
            // Refusals must be justified by the log.
            Err(FilterError::UnknownActivity { activity, .. }) => {
                prop_assert!(!cases.iter().flat_map(|c| &c.events).any(|e| e.act == activity));
            }
            Err(FilterError::UnknownAttribute { attribute, .. }) => {
                let present = match attribute.as_str() {
                    "model" => cases.iter().any(|c| c.model.is_some()),
                    _ => cases.iter().flat_map(|c| &c.events).any(|e| e.amount.is_some()),
                };
                prop_assert!(!present, "{} exists", attribute);
            }
            Err(FilterError::NoTimestamps { .. }) => {
                prop_assert!(cases.iter().flat_map(|c| &c.events).all(|e| e.ts.is_none()));
            }
            Err(FilterError::BadRange { .. }) => prop_assert!(inverted(&f), "{}", f),
            Err(e) => prop_assert!(false, "{} refused: {}", f, e),
        }
    }

    #[test]
    fn text_form_round_trips(f in round_trip_filter()) {
        let text = f.to_string();
        prop_assert_eq!(text.parse::<Filter>(), Ok(f.clone()), "text {}", text);
        let json = serde_json::to_string(&f).expect("json");
        prop_assert_eq!(serde_json::from_str::<Filter>(&json).ok(), Some(f));
    }
}

/// Names full of the syntax's own characters.
fn wild() -> impl Strategy<Value = String> {
    "[a-c ,|;()\"\\\\=!<>.:-]{0,8}"
}

fn wild_list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(wild(), 1..4)
}

fn round_trip_leaf() -> impl Strategy<Value = Filter> {
    // Decimals as people write them (serde_json reads the last digit of arbitrary floats
    // inexactly without its `float_roundtrip` feature; the text form is exact either way).
    let float =
        prop::option::of((-1_000_000_000..1_000_000_000i64).prop_map(|k| k as f64 / 1000.0));
    prop_oneof![
        (
            0..4_102_444_800_000i64,
            0..4_102_444_800_000i64,
            time_mode()
        )
            .prop_map(|(from, to, mode)| Filter::TimeRange { from, to, mode }),
        (wild(), wild_list(), any::<bool>()).prop_map(|(attribute, values, keep)| {
            Filter::CaseAttribute {
                attribute,
                values,
                keep,
            }
        }),
        (wild(), float.clone(), float.clone()).prop_map(|(attribute, min, max)| {
            Filter::CaseAttributeRange {
                attribute,
                min,
                max,
            }
        }),
        (wild(), wild_list(), any::<bool>(), level()).prop_map(
            |(attribute, values, keep, level)| Filter::EventAttribute {
                attribute,
                values,
                keep,
                level
            }
        ),
        (wild(), float.clone(), float, level()).prop_map(|(attribute, min, max, level)| {
            Filter::EventAttributeRange {
                attribute,
                min,
                max,
                level,
            }
        }),
        (0..1000usize).prop_map(|top_k| Filter::VariantsTopK { top_k }),
        (0..=1000u32).prop_map(|k| Filter::VariantsCoverage {
            coverage: k as f64 / 1000.0
        }),
        (prop::collection::vec(wild_list(), 1..3), any::<bool>())
            .prop_map(|(variants, keep)| Filter::Variants { variants, keep }),
        (wild_list(), any::<bool>())
            .prop_map(|(activities, keep)| Filter::HasActivity { activities, keep }),
        (wild_list(), any::<bool>())
            .prop_map(|(activities, keep)| Filter::StartActivities { activities, keep }),
        (wild_list(), any::<bool>())
            .prop_map(|(activities, keep)| Filter::EndActivities { activities, keep }),
        (wild(), wild(), any::<bool>()).prop_map(|(from, to, keep)| Filter::DirectlyFollows {
            from,
            to,
            keep
        }),
        (
            wild(),
            wild(),
            prop::option::of(0..10_000_000_000i64),
            any::<bool>()
        )
            .prop_map(|(from, to, max_gap_ms, keep)| Filter::EventuallyFollows {
                from,
                to,
                max_gap_ms,
                keep
            }),
        (
            prop::option::of(0..10_000_000_000i64),
            prop::option::of(0..10_000_000_000i64)
        )
            .prop_map(|(min_ms, max_ms)| Filter::CaseDuration { min_ms, max_ms }),
        (prop::option::of(0..100usize), prop::option::of(0..100usize))
            .prop_map(|(min, max)| Filter::CaseSize { min, max }),
        (wild(), wild()).prop_map(|(from, to)| Filter::Between { from, to }),
    ]
    .prop_filter("arrows need names", |f| match f {
        Filter::DirectlyFollows { from, to, .. }
        | Filter::EventuallyFollows { from, to, .. }
        | Filter::Between { from, to } => !from.is_empty() && !to.is_empty(),
        Filter::CaseAttribute { attribute, .. }
        | Filter::CaseAttributeRange { attribute, .. }
        | Filter::EventAttribute { attribute, .. }
        | Filter::EventAttributeRange { attribute, .. } => !attribute.is_empty(),
        _ => true,
    })
}

fn round_trip_filter() -> impl Strategy<Value = Filter> {
    round_trip_leaf().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| Filter::Not {
                filter: Box::new(f)
            }),
            prop::collection::vec(inner, 0..3).prop_map(|filters| Filter::And { filters }),
        ]
    })
}
