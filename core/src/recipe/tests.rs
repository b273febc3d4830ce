//! Recipe tests: the format round-trips, replay follows the cells (order, disabled), hostile
//! recipes get located errors.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::log::EventLog;
use expect_test::{expect, Expect};
use proptest::prelude::*;

const LOG: &str = "case,activity,timestamp,resource,source,machine,customer,sender_role
b1,reserved,2024-01-01 10:00,,states,M1,c1,
b1,reset,2024-01-01 10:05,ann,commands,M1,,hotline
b2,reserved,2024-01-01 10:07,,states,M1,c1,
b2,finish booking,2024-01-01 11:00,,states,M1,c1,
b2,reset,2024-01-01 15:00,olaf,commands,M1,,object manager
b3,waiting for door opening,2024-01-01 10:00,,states,M2,c2,
b3,start booking,2024-01-01 10:01,ann,commands,M2,,hotline
b3,reset,2024-01-01 10:02,ann,commands,M2,,hotline
b4,reserved,2024-01-01 18:00,,states,M1,c3,
entity:M1,sensor error,2024-01-01 14:30,,errors,M1,,
b5,reset,2024-01-01 09:00,olaf,commands,M3,,object manager
";

const LAUNDRY: &str = include_str!("../../test_data/recipes/laundry.json");

fn log() -> EventLog {
    import_bytes("laundry.csv", LOG.as_bytes(), &ImportOptions::default())
        .expect("the test log imports")
        .0
}

/// One line per step: index, id, kind, counts, and a compact digest of the output.
fn render(r: &Replay) -> String {
    let mut out = String::new();
    for s in &r.steps {
        let digest = match &s.output {
            None => "(disabled)".to_string(),
            Some(Output::Import(m)) => format!("case={:?}", m.case),
            Some(Output::Filter(f)) => format!(
                "{}: cases {}→{}, events {}→{}",
                f.filter, f.cases_before, f.cases_after, f.events_before, f.events_after
            ),
            Some(Output::Stats(st)) => format!("events {} cases {}", st.events, st.cases),
            Some(Output::Map(m)) => format!("{} nodes, {} edges", m.nodes, m.edges),
            Some(Output::Variants(v)) => v
                .top
                .iter()
                .map(|r| format!("{}×{}", r.activities.join(">"), r.count))
                .collect::<Vec<_>>()
                .join(" | "),
            Some(Output::BeforeAfter(b)) => format!(
                "{} occurrences; before: {}",
                b.occurrences,
                b.overall
                    .before
                    .distribution
                    .0
                    .iter()
                    .map(|d| format!("{}={}", d.value, d.count))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Some(Output::Compare(c)) => format!(
                "A {} vs B {}; top: {}",
                c.cases_a,
                c.cases_b,
                c.attributes.first().map_or("", |a| a.name.as_str())
            ),
            Some(Output::Roles(r)) => format!("{} resources", r.resources.len()),
            Some(Output::Discover(d)) => d.tree.clone(),
            Some(Output::Conformance(c)) => format!("{} cases", c.cases.len()),
        };
        out.push_str(&format!(
            "{} {} {} [{} cases, {} events] {}\n",
            s.index, s.id, s.kind, s.cases, s.events, digest
        ));
    }
    out
}

fn check(recipe: &str, expected: Expect) {
    let recipe = Recipe::from_json(recipe).expect("the recipe reads");
    let replayed = replay(&recipe, &log()).expect("the recipe replays");
    expected.assert_eq(&render(&replayed));
}

#[test]
fn laundry_recipe_round_trips() {
    let recipe = Recipe::from_json(LAUNDRY).expect("laundry.json reads");
    let again = Recipe::from_json(&recipe.to_json()).expect("its export reads");
    assert_eq!(recipe, again);
    assert_eq!(
        recipe.import_mapping().and_then(|m| m.activity.as_deref()),
        Some("concept:name")
    );
}

#[test]
fn laundry_recipe_replays() {
    check(
        LAUNDRY,
        expect![[r#"
            0 roles import [6 cases, 11 events] case=Some("case:concept:name")
            1 resets-vs-rest compare [6 cases, 11 events] A 4 vs B 2; top: contains reset
            2 resets filter [4 cases, 9 events] has:reset: cases 6→4, events 11→9
            3 state-before-reset before_after [4 cases, 9 events] 4 occurrences; before: (case start)=1 finish booking=1 reserved=1 waiting for door opening=1
            4 map map [4 cases, 9 events] 7 nodes, 9 edges
        "#]],
    );
}

const VIEWS: &str = r#"{"version": 1, "name": "views", "steps": [
  {"id": "all", "kind": "stats"},
  {"id": "v", "kind": "variants", "top": 2},
  {"id": "no-errors", "kind": "filter", "filter": {"kind": "case_attribute", "attribute": "case", "values": ["entity:M1"], "keep": false}, "enabled": false},
  {"id": "who", "kind": "roles"},
  {"id": "after", "kind": "before_after", "query": {"activity": "reserved"}}
]}"#;

#[test]
fn views_compute_and_disabled_steps_are_skipped() {
    check(
        VIEWS,
        expect![[r#"
            0 all stats [6 cases, 11 events] events 11 cases 6
            1 v variants [6 cases, 11 events] reserved×1 | reserved>finish booking>reset×1
            2 no-errors filter [6 cases, 11 events] (disabled)
            3 who roles [6 cases, 11 events] 3 resources
            4 after before_after [6 cases, 11 events] 3 occurrences; before: (case start)=3
        "#]],
    );
}

fn steps_json(order: &[&str]) -> String {
    let step = |id: &str| match id {
        "reserved" => {
            r#"{"id": "reserved", "kind": "filter", "filter": {"kind": "has_activity", "activities": ["reserved"]}}"#
        }
        "commands" => {
            r#"{"id": "commands", "kind": "filter", "filter": {"kind": "event_attribute", "attribute": "source", "values": ["commands"], "level": "events"}}"#
        }
        _ => r#"{"id": "variants", "kind": "variants"}"#,
    };
    let steps: Vec<&str> = order.iter().map(|id| step(id)).collect();
    format!(r#"{{"version": 1, "steps": [{}]}}"#, steps.join(","))
}

#[test]
fn reordering_filters_changes_what_later_steps_see() {
    // Cases with a `reserved` state, then only their commands: the resets of b1 and b2.
    check(
        &steps_json(&["reserved", "commands", "variants"]),
        expect![[r#"
            0 reserved filter [3 cases, 6 events] has:reserved: cases 6→3, events 11→6
            1 commands filter [2 cases, 2 events] events:source=commands: cases 3→2, events 6→2
            2 variants variants [2 cases, 2 events] reset×2
        "#]],
    );
    // Commands first: no `reserved` is left to look for, and the error says so.
    expect!["recipe step 1 (`reserved`, filter): the log has no activity `reserved` (did you mean `reset`?); activities: reset, start booking"].assert_eq(&refused(&steps_json(&["commands", "reserved", "variants"])));
}

fn refused(recipe: &str) -> String {
    match Recipe::from_json(recipe).and_then(|r| replay(&r, &log())) {
        Ok(_) => "accepted".into(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn hostile_recipes_get_located_errors() {
    let cases = [
        "not json",
        "[1, 2]",
        r#"{"steps": []}"#,
        r#"{"version": 2, "steps": []}"#,
        r#"{"version": "1", "steps": []}"#,
        r#"{"version": 1, "steps": [], "extra": true}"#,
        r#"{"version": 1, "steps": [{"id": "a", "kind": "pivot"}]}"#,
        r#"{"version": 1, "steps": [{"id": "a", "kind": "variants", "topp": 3}]}"#,
        r#"{"version": 1, "steps": [{"id": "a", "kind": "filter", "filter": {"kind": "has_activity"}}]}"#,
        r#"{"version": 1, "steps": [{"id": "a", "kind": "stats"}, {"id": "a", "kind": "stats"}]}"#,
        r#"{"version": 1, "steps": [{"id": "a", "kind": "stats"}, {"id": "b", "kind": "import", "mapping": {}}]}"#,
        r#"{"version": 1, "steps": [{"id": "f", "kind": "filter", "filter": {"kind": "has_activity", "activities": ["rest"]}}]}"#,
        r#"{"version": 1, "steps": [{"id": "c", "kind": "compare", "a": [{"kind": "has_activity", "activities": ["sensor error"]}], "b": [{"kind": "has_activity", "activities": ["nope"]}]}]}"#,
        r#"{"version": 1, "steps": [{"id": "c", "kind": "compare", "a": [{"kind": "variants_top_k", "top_k": 1}], "b": [{"kind": "variants_top_k", "top_k": 10}], "options": {}}, {"id": "r", "kind": "filter", "filter": {"kind": "has_activity", "activities": ["zzz"]}}]}"#,
        r#"{"version": 1, "steps": [{"id": "ba", "kind": "before_after", "query": {"activity": "reset", "by": {"attribute": "colour"}}}]}"#,
        r#"{"version": 1, "steps": [{"id": "r", "kind": "roles", "role": "team"}]}"#,
    ];
    let got: Vec<String> = cases.iter().map(|c| refused(c)).collect();
    expect![[r#"
        recipe is not valid JSON at line 1, column 2: expected ident
        recipe: at `$`: a recipe is a JSON object `{"version": 1, "name": …, "steps": […]}`
        recipe: at `version`: missing; add `"version": 1`
        recipe version 2 is not supported; this build reads version 1
        recipe version "1" is not supported; this build reads version 1
        recipe: at `extra`: unknown field `extra`, expected one of `version`, `name`, `steps`
        recipe: at `steps[0]`: (step `a`, pivot) unknown variant `pivot`, expected one of `import`, `filter`, `stats`, `map`, `variants`, `before_after`, `compare`, `roles`, `discover`, `conformance`, `fitness`
        recipe: at `steps[0]`: (step `a`, variants) unknown field `topp`, expected `top`
        recipe: at `steps[0]`: (step `a`, filter) missing field `activities`
        recipe step 1 (`a`): the id is used by an earlier step; ids must be unique
        recipe step 1 (`b`): an `import` step must be the first step
        recipe step 0 (`f`, filter): the log has no activity `rest` (did you mean `reset`?); activities: finish booking, reserved, reset, sensor error, start booking, waiting for door opening
        recipe step 0 (`c`, compare): group b: the log has no activity `nope`; activities: finish booking, reserved, reset, sensor error, start booking, waiting for door opening
        recipe step 1 (`r`, filter): the log has no activity `zzz`; activities: finish booking, reserved, reset, sensor error, start booking, waiting for door opening
        recipe step 0 (`ba`, before_after): the log has no attribute `colour`; its attributes are: activity, resource, source, machine, customer, sender_role
        recipe step 0 (`r`, roles): the log has no attribute `team`; its attributes are: activity, resource, source, machine, customer, sender_role"#]]
    .assert_eq(&got.join("\n"));
}

proptest! {
    /// Any text, and any mutation of a valid recipe, reads or is refused: never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = Recipe::from_json(&text);
    }

    #[test]
    fn truncated_recipes_never_panic(cut in 0usize..2000) {
        let end = LAUNDRY.char_indices().map(|(i, _)| i).nth(cut).unwrap_or(LAUNDRY.len());
        if let Ok(r) = Recipe::from_json(&LAUNDRY[..end]) {
            let _ = replay(&r, &log());
        }
    }
}

/// The browser decodes the worker's replay: every kind of output must read back equal.
#[test]
fn replay_round_trips_through_json() {
    for text in [LAUNDRY, VIEWS] {
        let recipe = Recipe::from_json(text).expect("the recipe reads");
        let replayed = replay(&recipe, &log()).expect("the recipe replays");
        let json = serde_json::to_string(&replayed).expect("a replay serializes");
        let back: Replay = serde_json::from_str(&json).expect("a replay reads back");
        assert_eq!(back, replayed);
    }
    let bad = r#"{"steps":[{"index":0,"id":"x","kind":"dance","enabled":true,"cases":0,"events":0,"output":null}]}"#;
    let err = serde_json::from_str::<Replay>(bad).expect_err("an unknown kind is refused");
    assert!(
        err.to_string().contains("unknown step kind `dance`"),
        "{err}"
    );
}

#[test]
fn the_fitness_step_keeps_the_cases_that_do_not_fit() {
    use crate::discovery::{tree_to_net, write_pnml, ProcessTree};
    // The laundry log against "reserved, then reset": b1 fits; b2 (an extra finish booking),
    // b3, b4 (no reset) and b5 (no reserved) do not; the sensor-error entity case neither.
    // Token replay (pm4py's trace fitness) skips events the model lacks, so b2 scores 1 there.
    let net = tree_to_net(&ProcessTree::parse("->( 'reserved', 'reset' )").unwrap());
    let step = |extra: &str| {
        let model = serde_json::to_string(&write_pnml(&net)).unwrap();
        format!(
            r#"{{"version": 1, "steps": [{{"id": "unfit", "kind": "fitness", "model": {model}, "name": "m.pnml"{extra}}}, {{"id": "v", "kind": "variants"}}]}}"#
        )
    };
    check(
        &step(""),
        expect![[r#"
            0 unfit fitness [5 cases, 9 events] fitness<1 to m.pnml (alignments): cases 6→5, events 11→9
            1 v variants [5 cases, 9 events] reserved×1 | reserved>finish booking>reset×1 | reset×1 | sensor error×1 | waiting for door opening>start booking>reset×1
        "#]],
    );
    check(
        &step(r#", "fitting": true, "method": "tbr""#),
        expect![[r#"
            0 unfit fitness [2 cases, 5 events] fitness>=1 to m.pnml (token replay): cases 6→2, events 11→5
            1 v variants [2 cases, 5 events] reserved>finish booking>reset×1 | reserved>reset×1
        "#]],
    );
    let r = Recipe::from_json(&step("")).unwrap();
    assert_eq!(Recipe::from_json(&r.to_json()).unwrap(), r);
    expect!["recipe step 0 (`unfit`, fitness): `below` is 1.5: give a fitness in [0, 1] (1 keeps every case that does not fit perfectly)"]
        .assert_eq(&refused(&step(r#", "below": 1.5"#)));
    let bad = r#"{"version": 1, "steps": [{"id": "unfit", "kind": "fitness", "model": "<pnml>"}]}"#;
    assert!(
        refused(bad).starts_with("recipe step 0 (`unfit`, fitness): model: "),
        "{}",
        refused(bad)
    );
}
