//! Transcript tests of `spur roles`: exact stdout, stderr and exit code.

mod support;
use support::spur_parts;

use expect_test::expect;

#[test]
fn roles_human_with_a_role_field() {
    let (code, stdout, stderr) =
        spur_parts(&["roles", "tests/data/laundry.csv", "--role", "sender_role"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    expect![[r#"
        tests/data/laundry.csv: 3 resources

        activity x resource (events):
          activity                  (none)     ann    olaf
          reset                          0       2       2
          reserved                       3       0       0
          finish booking                 1       0       0
          sensor error                   1       0       0
          start booking                  0       1       0
          waiting for door opening       1       0       0

        activity x sender_role (events):
          activity                  (none)  hotline  object manager
          reset                          0        2               2
          reserved                       3        0               0
          finish booking                 1        0               0
          sensor error                   1        0               0
          start booking                  0        1               0
          waiting for door opening       1        0               0

        handover of work by resource (1 consecutive pairs):
          ann -> ann        1  100.0%  mean 1.0m

        handover of work by sender_role (1 consecutive pairs):
          hotline -> hotline        1  100.0%  mean 1.0m

          resource   events   cases  time since previous event
          (none)          6       5  mean 53.0m, median 53.0m
          ann             3       2  mean 2.3m, median 1.0m
          olaf            2       2  mean 4.0h, median 4.0h

          sender_role      events   cases  time since previous event
          (none)                6       5  mean 53.0m, median 53.0m
          hotline               3       2  mean 2.3m, median 1.0m
          object manager        2       2  mean 4.0h, median 4.0h
    "#]]
    .assert_eq(&stdout);
}

#[test]
fn roles_json_and_refusals() {
    let (code, stdout, _) = spur_parts(&["roles", "tests/data/small.csv", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["activity_resource"]["attribute"], "resource");
    assert!(v["activity_role"].is_null());
    assert!(v["handover"]["pairs"].as_u64().is_some_and(|n| n > 0));
    let (code, _, stderr) = spur_parts(&["roles", "tests/data/laundry.csv", "--role", "sender"]);
    assert_eq!(code, 1);
    expect![[r#"
        spur: tests/data/laundry.csv: the log has no attribute `sender` (did you mean `sender_role`?); its attributes are: activity, resource, source, machine, customer, sender_role
    "#]].assert_eq(&stderr);
    let (code, _, _) = spur_parts(&["roles"]);
    assert_eq!(code, 2);
}
