//! The cases table against `mining` (same durations, same variants), every sort key against a
//! naive reference, the page encoding round trip, and the timeline drawn for a real case.

use super::*;
use crate::chart::timeline::case_timeline;
use crate::import::{import_bytes, ImportOptions};
use proptest::prelude::*;

const LOG: &str = "case,activity,timestamp,resource,amount
c10,register,2024-01-01 09:00:00,ann,100
c10,check,2024-01-01 09:30:00,bob,100
c10,pay,2024-01-03 12:00:00,ann,100
c9,register,2024-01-02 08:00:00,ann,50
c9,check,2024-01-02 08:05:00,cy,50
c2,register,2024-01-01 07:00:00,bob,7
c2,check,2024-01-01 07:10:00,bob,7
c2,pay,2024-01-01 07:20:00,bob,7
C1,register,2024-01-04 10:00:00,ann,1
x-noTime,register,,,3
";

fn log(csv: &str) -> EventLog {
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid log")
        .0
}

fn ids(log: &EventLog, order: &[u32]) -> Vec<String> {
    order
        .iter()
        .map(|&c| log.case_ids().resolve(c).to_string())
        .collect()
}

fn query(sort: CaseSort, descending: bool, search: &str) -> CaseQuery {
    CaseQuery {
        sort,
        descending,
        search: search.into(),
    }
}

#[test]
fn table_agrees_with_mining() {
    let l = log(LOG);
    let t = CaseTable::new(&l);
    assert_eq!(t.len(), l.num_cases());
    let durations = mining::case_durations(&l);
    for c in 0..t.len() {
        assert_eq!(
            t.duration_ms(c).map(|ms| ms as f64 / 1000.0),
            durations.per_case[c],
            "case {}",
            l.case_ids().resolve(c as u32)
        );
    }
    let variants = mining::variants(&l);
    for (rank, v) in variants.variants.iter().enumerate() {
        for &c in &v.cases {
            assert_eq!(t.variant[c as usize] as usize, rank + 1);
        }
    }
    assert_eq!(
        t.events.iter().map(|&e| e as usize).sum::<usize>(),
        l.num_events()
    );
}

#[test]
fn sorts_search_and_pages() {
    let l = log(LOG);
    let t = CaseTable::new(&l);
    let order = |sort, desc, search: &str| ids(&l, &t.order(&l, &query(sort, desc, search)));
    // Natural order: c2 < c9 < c10; `C1` (upper case) sorts before the lower-case ids.
    assert_eq!(
        order(CaseSort::Id, false, ""),
        ["C1", "c2", "c9", "c10", "x-noTime"]
    );
    assert_eq!(
        order(CaseSort::Id, true, ""),
        ["x-noTime", "c10", "c9", "c2", "C1"]
    );
    // Ties (3 events) keep log order in both directions.
    assert_eq!(
        order(CaseSort::Events, true, ""),
        ["c10", "c2", "c9", "C1", "x-noTime"]
    );
    assert_eq!(
        order(CaseSort::Events, false, ""),
        ["C1", "x-noTime", "c9", "c10", "c2"]
    );
    // Cases without timestamps go last either way.
    assert_eq!(
        order(CaseSort::Start, false, ""),
        ["c2", "c10", "c9", "C1", "x-noTime"]
    );
    assert_eq!(
        order(CaseSort::Start, true, ""),
        ["C1", "c9", "c10", "c2", "x-noTime"]
    );
    assert_eq!(
        order(CaseSort::Duration, true, ""),
        ["c10", "c2", "c9", "C1", "x-noTime"]
    );
    assert_eq!(order(CaseSort::End, true, "")[0], "C1");
    assert_eq!(order(CaseSort::Variant, false, "").len(), 5);
    // Search ignores case and surrounding blanks.
    assert_eq!(order(CaseSort::Id, false, " C1"), ["C1", "c10"]);
    assert_eq!(order(CaseSort::Id, false, "NOTIME"), ["x-noTime"]);
    assert!(order(CaseSort::Id, false, "zzz").is_empty());

    let all = t.order(&l, &query(CaseSort::Duration, true, ""));
    let page = t.page(&l, &all, 1, 2);
    let shown: Vec<(&str, u32, Option<i64>)> = page
        .rows
        .iter()
        .map(|r| (r.id.as_str(), r.events, r.duration_ms()))
        .collect();
    assert_eq!(
        shown,
        [("c2", 3, Some(1_200_000)), ("c9", 2, Some(300_000))]
    );
    assert!(t.page(&l, &all, 9, 5).rows.is_empty(), "past the end");
}

#[test]
fn natural_order_of_ids() {
    let mut v = vec!["a10", "a9", "a09", "b", "a", "10", "9", "a9b", "a9a"];
    v.sort_by(|a, b| natural_cmp(a, b));
    assert_eq!(v, ["9", "10", "a", "a09", "a9", "a9a", "a9b", "a10", "b"]);
}

#[test]
fn detail_lists_events_with_attributes() {
    let l = log(LOG);
    let t = CaseTable::new(&l);
    let d = CaseDetail::of(&l, &t, "c10").expect("present");
    assert_eq!(d.events.len(), 3);
    assert_eq!(
        d.variant,
        t.variant[l.case_ids().lookup("c10").unwrap_or(0) as usize]
    );
    let e = &d.events[1];
    assert_eq!(
        (e.activity.as_str(), e.resource.as_deref()),
        ("check", Some("bob"))
    );
    assert!(e.timestamp_ms.is_some());
    assert!(
        e.attributes
            .iter()
            .any(|(k, v)| k == "amount" && v == "100"),
        "{:?}",
        e.attributes
    );
    let none = CaseDetail::of(&l, &t, "x-noTime").expect("present");
    assert_eq!(
        (
            none.events[0].timestamp_ms,
            none.events[0].resource.as_deref()
        ),
        (None, None)
    );
    assert!(CaseDetail::of(&l, &t, "nope").is_none());
}

#[test]
fn timeline_of_a_case_snapshot() {
    let l = log(LOG);
    let t = CaseTable::new(&l);
    let d = CaseDetail::of(&l, &t, "c10").expect("present");
    let svg = case_timeline(&d);
    assert_eq!(svg.matches(r#"<g class="timeline-event""#).count(), 3);
    expect_test::expect_file!["../../test_data/cases/timeline-c10.svg"].assert_eq(&svg);
}

#[test]
fn fingerprint_tells_logs_apart() {
    let a = log(LOG);
    let b = log(&LOG.replace("c9,check", "c9,pay"));
    assert_eq!(fingerprint(&a), fingerprint(&log(LOG)));
    assert_ne!(fingerprint(&a), fingerprint(&b));
}

#[test]
fn decode_refuses_bad_bytes() {
    let page = CasePage {
        rows: vec![CaseRow {
            id: "é1".into(),
            events: 2,
            start_ms: Some(5),
            end_ms: None,
            variant: 1,
        }],
    };
    let bytes = page.encode();
    assert_eq!(bytes.len(), 8 + 28 + "é1".len());
    assert_eq!(CasePage::decode(&bytes), Ok(page));
    assert_eq!(CasePage::decode(b"nope1234"), Err(PageError::Magic));
    assert!(matches!(
        CasePage::decode(&bytes[..bytes.len() - 1]),
        Err(PageError::Truncated { .. })
    ));
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(CasePage::decode(&long), Err(PageError::Trailing(1)));
    let mut bad = bytes.clone();
    let at = bad.len() - 3;
    bad[at] = 0xff;
    assert_eq!(CasePage::decode(&bad), Err(PageError::Utf8(0)));
    let mut huge = b"SPC1".to_vec();
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        CasePage::decode(&huge),
        Err(PageError::Truncated { .. })
    ));
}

fn row() -> impl Strategy<Value = CaseRow> {
    (
        "\\PC{0,12}",
        any::<u32>(),
        proptest::option::of(any::<i64>()),
        proptest::option::of(any::<i64>()),
        any::<u32>(),
    )
        .prop_map(|(id, events, start_ms, end_ms, variant)| CaseRow {
            id,
            events,
            // i64::MIN is the null marker; every other value is kept exactly.
            start_ms: start_ms.filter(|&v| v != i64::MIN),
            end_ms: end_ms.filter(|&v| v != i64::MIN),
            variant,
        })
}

proptest! {
    #[test]
    fn page_round_trips(rows in proptest::collection::vec(row(), 0..40)) {
        let page = CasePage { rows };
        prop_assert_eq!(CasePage::decode(&page.encode()), Ok(page));
    }

    #[test]
    fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut with_magic = b"SPC1".to_vec();
        with_magic.extend_from_slice(&bytes);
        let _ = CasePage::decode(&bytes);
        let _ = CasePage::decode(&with_magic);
    }

    /// Every sort equals a naive sort of the rows by the same key (nulls last, ties by code).
    #[test]
    fn order_matches_naive_reference(
        cases in proptest::collection::vec((1usize..5, proptest::option::of(0i64..100)), 1..30),
        sort in proptest::sample::select(CaseSort::ALL.to_vec()),
        descending in any::<bool>(),
    ) {
        let mut csv = String::from("case,activity,timestamp\n");
        for (k, (n, t)) in cases.iter().enumerate() {
            for e in 0..*n {
                let ts = t.map(|t| format!("2024-01-01 {:02}:{:02}:00", (t + e as i64 * 7) / 60 % 24, (t + e as i64 * 7) % 60)).unwrap_or_default();
                csv.push_str(&format!("k{k},a{},{ts}\n", e % 2));
            }
        }
        let l = log(&csv);
        let t = CaseTable::new(&l);
        let got = t.order(&l, &query(sort, descending, ""));
        let key = |c: u32| -> Option<i64> {
            let i = c as usize;
            match sort {
                CaseSort::Id => None,
                CaseSort::Events => Some(i64::from(t.events[i])),
                CaseSort::Start => t.start_ms[i],
                CaseSort::End => t.end_ms[i],
                CaseSort::Duration => t.duration_ms(i),
                CaseSort::Variant => Some(i64::from(t.variant[i])),
            }
        };
        let mut want: Vec<u32> = (0..t.len() as u32).collect();
        if sort == CaseSort::Id {
            // Ids are `k<number>`: natural order is numeric order.
            let num = |c: u32| l.case_ids().resolve(c)[1..].parse::<u64>().unwrap_or(u64::MAX);
            want.sort_by_key(|&c| num(c));
            if descending {
                want.reverse();
            }
        } else {
            want.sort_by_key(|&c| {
                let k = key(c);
                (k.is_none(), k.map(|v| if descending { -v } else { v }), c)
            });
        }
        prop_assert_eq!(got, want);
    }
}
