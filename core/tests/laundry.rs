//! Issue 4's acceptance: the laundry hunt, end to end. The simulator plants the causes of
//! machine resets at known rates; merging its three sources and running the toolkit must
//! recover every finding from the analysis outputs alone (the truth is only used to check).

use spur_core::import::{import_bytes, ImportOptions};
use spur_core::log::EventLog;
use spur_core::sim::laundry::{generate, LaundryConfig};
use spur_core::toolkit::before_after::{
    before_after, BeforeAfter, By, Condition, Group, Preceded, Query, Scope, Side,
};
use spur_core::toolkit::compare::{compare, CompareOptions};
use spur_core::toolkit::entity::real_cases;
use spur_core::toolkit::filter::{case_mask, Filter};
use spur_core::toolkit::merge::{merge, MergeOptions, MergeSource};

fn import(name: &str, bytes: &[u8], case: &str, activity: &str) -> EventLog {
    let mut options = ImportOptions::default();
    options.mapping.case = Some(case.into());
    options.mapping.activity = Some(activity.into());
    let (log, report) = import_bytes(name, bytes, &options).expect("simulated source imports");
    assert_eq!(report.rejected, 0, "{name}: no rejected rows");
    log
}

fn merged(cfg: &LaundryConfig) -> (EventLog, spur_core::sim::laundry::LaundryTruth) {
    let data = generate(cfg);
    let states = import("states.csv", &data.states, "booking", "state");
    let commands = import("commands.csv", &data.commands, "machine", "command");
    let errors = import("errors.csv", &data.errors, "machine", "error");
    let opts = MergeOptions {
        entity: "machine".into(),
        closes: vec!["logged out".into()],
    };
    let (log, report) = merge(
        MergeSource {
            name: "states",
            log: &states,
        },
        &[
            MergeSource {
                name: "commands",
                log: &commands,
            },
            MergeSource {
                name: "errors",
                log: &errors,
            },
        ],
        &opts,
    )
    .expect("merge");
    assert_eq!(report.unplaced, 0);
    (log, data.truth)
}

fn group<'a>(result: &'a BeforeAfter, value: &str) -> &'a Group {
    let by = result.by.as_ref().expect("a breakdown");
    by.groups
        .iter()
        .find(|g| g.value == value)
        .unwrap_or_else(|| {
            panic!(
                "no group `{value}` in {:?}",
                by.groups.iter().map(|g| &g.value).collect::<Vec<_>>()
            )
        })
}

fn previous_state() -> Side {
    Side {
        scope: Scope::Case,
        only: Some(Condition {
            attribute: "source".into(),
            value: "states".into(),
        }),
    }
}

#[test]
fn the_laundry_hunt_recovers_every_planted_finding() {
    let cfg = LaundryConfig::default();
    let (log, truth) = merged(&cfg);
    let resets = truth.resets as f64;
    assert!(truth.resets_reserved > 30 && truth.resets_card > 30 && truth.resets_finish > 100);

    // 1. Reset share by the state the machine was in, within ±2 percentage points.
    let by_state = before_after(
        &log,
        &Query {
            activity: "reset".into(),
            before: previous_state(),
            after: Side {
                scope: Scope::Entity {
                    attribute: "machine".into(),
                    other_cases: true,
                },
                only: None,
            },
            same_as: Some("customer".into()),
            by: Some(By::Previous),
            describe: vec!["sender_role".into()],
            preceded_by: Some(Preceded {
                activity: "sensor error".into(),
                within_ms: 3_600_000,
                scope: Scope::Entity {
                    attribute: "machine".into(),
                    other_cases: false,
                },
            }),
        },
    )
    .expect("before/after");
    assert_eq!(by_state.occurrences, truth.resets);
    let prev = &by_state.overall.before.distribution;
    for (state, planted) in [
        ("reserved", truth.resets_reserved),
        ("waiting for door opening", truth.resets_card),
        ("finish booking", truth.resets_finish),
    ] {
        let got = prev.share_of(state);
        let want = planted as f64 / resets;
        assert!(
            (got - want).abs() <= 0.02,
            "{state}: {got:.3} vs planted {want:.3}"
        );
    }
    // The majority cause is the customers who do not log out.
    assert_eq!(prev.0[0].value, "finish booking");

    // 2. Resets in `reserved`: the next booking on the machine is by the same customer within
    //    minutes, or by another customer hours later.
    let reserved = group(&by_state, "reserved");
    let same = reserved
        .block
        .after
        .same
        .as_ref()
        .expect("same-customer comparison");
    let planted_same = truth.rebooked_same_customer as f64
        / (truth.rebooked_same_customer + truth.rebooked_other_customer) as f64;
    assert!(
        (same.share - planted_same).abs() <= 0.02,
        "same customer {:.3} vs {planted_same:.3}",
        same.share
    );
    let quick = same
        .seconds_when_equal
        .as_ref()
        .expect("equal timings")
        .median;
    let late = same
        .seconds_when_different
        .as_ref()
        .expect("different timings")
        .median;
    assert!(
        quick <= 10.0 * 60.0,
        "same customer re-books within minutes (median {quick} s)"
    );
    assert!(
        late >= 2.0 * 3600.0,
        "another customer comes hours later (median {late} s)"
    );

    // 3. Resets in `finish booking`: sent by object managers, long after the state was entered.
    let finish = group(&by_state, "finish booking");
    let roles = &finish.block.describe[0].distribution;
    assert_eq!(roles.0[0].value, "object manager");
    assert!(roles.share_of("object manager") >= 0.9);
    let finish_wait = finish
        .block
        .before
        .seconds
        .as_ref()
        .expect("timings")
        .median;
    for other in ["reserved", "waiting for door opening"] {
        let wait = group(&by_state, other)
            .block
            .before
            .seconds
            .as_ref()
            .expect("timings")
            .median;
        assert!(
            finish_wait >= 4.0 * wait,
            "finish booking waits {finish_wait} s vs {other} {wait} s"
        );
    }
    let hotline = group(&by_state, "waiting for door opening").block.describe[0]
        .distribution
        .share_of("hotline");
    assert!(
        hotline >= 0.9,
        "card problems are handled by the hotline ({hotline})"
    );

    // 4. Card problems: a remote `start booking` right before the reset in the same booking.
    let any_previous = before_after(
        &log,
        &Query {
            activity: "reset".into(),
            ..Query::default()
        },
    )
    .expect("before/after");
    let start_then_reset = any_previous
        .overall
        .before
        .distribution
        .share_of("start booking");
    let planted = truth.resets_card as f64 / resets;
    assert!(
        (start_then_reset - planted).abs() <= 0.02,
        "start booking → reset {start_then_reset:.3} vs {planted:.3}"
    );

    // 5. Sensor errors do not precede most resets.
    let sensor = by_state.overall.preceded_by.as_ref().expect("preceded-by");
    assert!(
        sensor.share < 0.1,
        "sensor errors precede only {:.3} of resets",
        sensor.share
    );
    assert_eq!(sensor.count, truth.resets_after_sensor_error);

    // 6. Machine model and software version do not differ between reset and healthy bookings.
    let real = real_cases(&log);
    let with_reset =
        case_mask(&log, &"has:reset".parse::<Filter>().expect("filter")).expect("mask");
    let a: Vec<bool> = with_reset
        .iter()
        .zip(&real)
        .map(|(r, c)| *r && *c)
        .collect();
    let b: Vec<bool> = with_reset
        .iter()
        .zip(&real)
        .map(|(r, c)| !*r && *c)
        .collect();
    let cmp = compare(&log, &a, &b, &CompareOptions::default()).expect("compare");
    for name in ["model", "software"] {
        let attr = cmp
            .attributes
            .iter()
            .find(|x| x.name == name)
            .expect("attribute compared");
        assert!(
            !attr.informative,
            "{name} is flagged non-informative: {attr:?}"
        );
    }
    // …while what actually separates them ranks first among the informative attributes.
    let top: Vec<&str> = cmp
        .attributes
        .iter()
        .take_while(|x| x.informative)
        .map(|x| x.name.as_str())
        .collect();
    assert!(
        top.iter().any(|n| n.contains("logged out")),
        "`logged out` separates the groups: {top:?}"
    );
}
