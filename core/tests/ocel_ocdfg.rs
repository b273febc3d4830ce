//! The object-centric DFG equals pm4py's `discover_ocdfg` (counts of events, unique objects
//! and total objects per activity, start and end activity, and of event couples, unique objects
//! and total objects per edge, per object type).
//!
//! References computed by pm4py (`bench/ocel_pm4py.py ocdfg`), committed under
//! `core/test_data/ocel/`: on the generated orders log (200 orders, seed 17: Spur's generator
//! is deterministic, and pm4py read Spur's OCEL 2.0 JSON export of it) and on the shared OCEL
//! 2.0 example (read from `../shared/data`; skipped loudly when missing, failing under CI).

mod support;
use serde_json::{json, Value};
use spur_core::ocel::generate::{generate_orders, OrdersConfig};
use spur_core::ocel::import::import_ocel;
use spur_core::ocel::ocdfg::discover_ocdfg;
use spur_core::ocel::OcelLog;

fn counts(log: &OcelLog) -> Value {
    let mut out = serde_json::Map::new();
    for t in discover_ocdfg(log).object_types {
        let edges: Vec<Value> = t
            .edges
            .iter()
            .map(|e| {
                json!({"from": e.from, "to": e.to, "event_couples": e.event_couples,
                       "unique_objects": e.unique_objects, "total_objects": e.total_objects})
            })
            .collect();
        out.insert(
            t.object_type.clone(),
            json!({"activities": t.activities, "start_activities": t.start_activities,
                   "end_activities": t.end_activities, "edges": edges}),
        );
    }
    Value::Object(out)
}

fn reference(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data/ocel")
        .join(name);
    let v: Value = serde_json::from_slice(&std::fs::read(path).expect("reference")).expect("JSON");
    v["object_types"].clone()
}

#[test]
fn ocdfg_equals_pm4py_on_the_generated_orders_log() {
    let (log, _) = generate_orders(&OrdersConfig {
        orders: 200,
        seed: 17,
        ..OrdersConfig::default()
    });
    assert_eq!(counts(&log), reference("ocdfg_orders200_pm4py.json"));
}

#[test]
fn ocdfg_equals_pm4py_on_the_ocel20_example() {
    let Some(dir) = support::shared_data("ocel ocdfg") else {
        return;
    };
    for ext in ["jsonocel", "xmlocel", "sqlite"] {
        let name = format!("ocel20_example.{ext}");
        let bytes = std::fs::read(dir.join("eventlogs").join(&name)).expect("readable");
        let (log, _) = import_ocel(&name, &bytes).expect("imports");
        assert_eq!(counts(&log), reference("ocdfg_pm4py.json"), "{name}");
    }
}
