//! Transcript tests of `spur before` / `spur after`: exact stdout, stderr and exit code.

mod support;
use support::spur;

use expect_test::expect;

const LOG: &str = "tests/data/laundry.csv";

#[test]
fn before_previous_state_with_roles_per_state() {
    let r = spur(&[
        "before",
        LOG,
        "reset",
        "--where",
        "source=states",
        "--by",
        "@previous",
        "--describe",
        "sender_role",
        "--top",
        "3",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect![[r#"
        tests/data/laundry.csv: 4 occurrences of `reset`
        previous event (within the case, where source=states):
          previous          count   share
          (case start)          1   25.0%
          finish booking        1   25.0%
          reserved              1   25.0%
          … 1 more (1 events)
          time since previous: n=3: median 5.0m, p25–p75 3.5m–2.0h, p10–p90 2.6m–3.2h, min 2.0m, max 4.0h, mean 1.4h
          sender_role       count   share
          hotline               2   50.0%
          object manager        2   50.0%

        by @previous:

        = (case start): 1 occurrences (25.0%)
             previous        count   share
             (case start)        1  100.0%
             sender_role       count   share
             object manager        1  100.0%

        = finish booking: 1 occurrences (25.0%)
             previous          count   share
             finish booking        1  100.0%
             time since previous: n=1: median 4.0h, p25–p75 4.0h–4.0h, p10–p90 4.0h–4.0h, min 4.0h, max 4.0h, mean 4.0h
             sender_role       count   share
             object manager        1  100.0%

        = reserved: 1 occurrences (25.0%)
             previous    count   share
             reserved        1  100.0%
             time since previous: n=1: median 5.0m, p25–p75 5.0m–5.0m, p10–p90 5.0m–5.0m, min 5.0m, max 5.0m, mean 5.0m
             sender_role    count   share
             hotline            1  100.0%

        = waiting for door opening: 1 occurrences (25.0%)
             previous                    count   share
             waiting for door opening        1  100.0%
             time since previous: n=1: median 2.0m, p25–p75 2.0m–2.0m, p10–p90 2.0m–2.0m, min 2.0m, max 2.0m, mean 2.0m
             sender_role    count   share
             hotline            1  100.0%
    "#]].assert_eq(&r.stdout);
}

#[test]
fn after_next_booking_on_the_machine() {
    let r = spur(&[
        "after",
        LOG,
        "reset",
        "--entity",
        "machine",
        "--other-cases",
        "--same-as",
        "customer",
        "--preceded-by",
        "sensor error",
        "--within",
        "1h",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    expect![[r#"
        tests/data/laundry.csv: 4 occurrences of `reset`
        next event (on the same machine, in another case):
          next        count   share
          (none)          2   50.0%
          reserved        2   50.0%
          time to next: n=2: median 1.5h, p25–p75 46.5m–2.3h, p10–p90 19.8m–2.7h, min 2.0m, max 3.0h, mean 1.5h
          same customer as next: 1 of 2 (50.0%)
            time to next when same: n=1: median 2.0m, p25–p75 2.0m–2.0m, p10–p90 2.0m–2.0m, min 2.0m, max 2.0m, mean 2.0m
            time to next when different: n=1: median 3.0h, p25–p75 3.0h–3.0h, p10–p90 3.0h–3.0h, min 3.0h, max 3.0h, mean 3.0h
          preceded by `sensor error` within 1.0h: 1 (25.0%)
    "#]].assert_eq(&r.stdout);
}

#[test]
fn json_holds_both_sides() {
    let r = spur(&["after", LOG, "start booking", "--json"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["occurrences"], 1);
    assert_eq!(v["overall"]["after"]["distribution"][0]["value"], "reset");
    assert_eq!(
        v["overall"]["before"]["distribution"][0]["value"],
        "waiting for door opening"
    );
}

#[test]
fn refused_queries_and_usage() {
    let r = spur(&["before", LOG, "rset"]);
    assert_eq!(r.code, 1);
    expect![[r#"
        spur: tests/data/laundry.csv: the log has no activity `rset` (did you mean `reset`?)
    "#]]
    .assert_eq(&r.stderr);
    let r = spur(&["after", LOG, "reset", "--same-as", "costumer"]);
    assert_eq!(r.code, 1);
    expect![[r#"
        spur: tests/data/laundry.csv: the log has no attribute `costumer` (did you mean `customer`?); its attributes are: activity, resource, source, machine, customer, sender_role
    "#]].assert_eq(&r.stderr);
    let r = spur(&["after", LOG, "reset", "--entity", "mashine"]);
    assert_eq!(r.code, 1);
    expect![[r#"
        spur: tests/data/laundry.csv: the log has no event attribute `mashine` to use as entity; name one of its event attributes (source, machine, customer, sender_role)
    "#]].assert_eq(&r.stderr);
    let r = spur(&["after", LOG, "reset", "--within", "2x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: unknown duration unit `x` in `2x`"),
        "{}",
        r.stderr
    );
    let r = spur(&["before", LOG]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("spur: the following required arguments were not provided")
            && r.stderr.contains("<ACTIVITY>")
            && r.stderr.contains("Usage: spur before <LOG> <ACTIVITY>"),
        "{}",
        r.stderr
    );
}
