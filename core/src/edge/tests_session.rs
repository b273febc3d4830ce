//! `/recommend` with a `session_id`, natively: events go in through `POST /events` (the same
//! planner and object functions the Durable Objects run), then each case's `{session_id, …}`
//! request must answer exactly what the equivalent body-only request answers (items, scores,
//! reasons, `degraded`), with `session` saying what came from the store. Then the hostile
//! `session_id`s, and an unreachable object.
use super::memory::MemoryEdge;
use super::*;
use serde_json::{json, Value};

const TOKEN: &str = "0123456789abcdef0123456789abcdef-test";
const MODEL: &[u8] = include_bytes!("../../test_data/reco/cross-shell/model.spur");
const T0: i64 = 1_714_557_600_000;

fn edge(with_model: bool) -> MemoryEdge {
    let e = MemoryEdge::new(Config {
        admin_token: Some(TOKEN.into()),
        allowed_origins: Vec::new(),
        check_interval_ms: 5_000,
    });
    if with_model {
        let auth = [("Authorization".into(), format!("Bearer {TOKEN}"))];
        let up = e.call("PUT", "/admin/model", &auth, MODEL, 0);
        assert_eq!(up.status, 200, "{}", String::from_utf8_lossy(&up.body));
    }
    // s1: two views, a cart, a duplicate and a view without an item (not a click to score).
    let events = json!([
        {"id": "1", "key": "s1", "time": T0, "type": "view", "item": "P00003"},
        {"id": "2", "key": "s1", "time": T0 + 1000, "type": "view", "item": "P00120"},
        {"id": "3", "key": "s1", "time": T0 + 2000, "type": "cart", "item": "P00010", "value": 9.5},
        {"id": "2", "key": "s1", "time": T0 + 1000, "type": "view", "item": "P00120"},
        {"id": "4", "key": "s1", "time": T0 + 3000, "type": "search"},
        {"id": "5", "key": "s1", "time": T0 - 500, "type": "view", "item": "P00200"},
    ]);
    let ack = e.post_events(events.to_string().as_bytes(), 10);
    assert_eq!(ack.status, 200, "{}", String::from_utf8_lossy(&ack.body));
    // long: 60 views (the object keeps the last 50).
    let long: Vec<Value> = (0..60)
        .map(|i| json!({"id": format!("l{i}"), "key": "long", "time": T0 + i * 1000, "type": "view", "item": format!("P{:05}", i + 1)}))
        .collect();
    let ack = e.post_events(Value::Array(long).to_string().as_bytes(), 11);
    assert_eq!(ack.status, 200, "{}", String::from_utf8_lossy(&ack.body));
    e
}

fn answer(e: &MemoryEdge, body: &Value) -> Value {
    let r = e.call("POST", "/recommend", &[], body.to_string().as_bytes(), 20);
    assert_eq!(
        r.status,
        200,
        "{body}: {}",
        String::from_utf8_lossy(&r.body)
    );
    serde_json::from_slice(&r.body).unwrap()
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// The stored order of s1 (by event time): P00200, P00003, P00120, P00010 (cart).
const S1: [&str; 4] = ["P00200", "P00003", "P00120", "P00010"];

#[test]
fn session_requests_answer_as_the_equivalent_body() {
    let long_tail: Vec<String> = (11..=60).map(|i| format!("P{i:05}")).collect();
    let many = ids("X", 180);
    let all = ids("Y", 200);
    let cat = |a: &[&str], b: &[String]| -> Vec<String> {
        a.iter()
            .map(|s| s.to_string())
            .chain(b.iter().cloned())
            .collect()
    };
    // (case, request, equivalent body-only request, found, clicks_from_store, basket_from_store)
    let cases: Vec<(&str, Value, Value, bool, usize, usize)> = vec![
        (
            "stored clicks and basket",
            json!({"session_id": "s1"}),
            json!({"clicks": S1, "basket": ["P00010"]}),
            true,
            4,
            1,
        ),
        (
            "body clicks append after the stored",
            json!({"session_id": "s1", "clicks": ["P00011"], "k": 5}),
            json!({"clicks": cat(&S1, &["P00011".into()]), "basket": ["P00010"], "k": 5}),
            true,
            4,
            1,
        ),
        (
            "body basket first, stored cart items after",
            json!({"session_id": "s1", "basket": ["P00011"]}),
            json!({"clicks": S1, "basket": ["P00011", "P00010"]}),
            true,
            4,
            1,
        ),
        (
            "a stored cart item already in the body's basket",
            json!({"session_id": "s1", "basket": ["P00010"]}),
            json!({"clicks": S1, "basket": ["P00010"]}),
            true,
            4,
            0,
        ),
        (
            "unknown session: as an empty one",
            json!({"session_id": "nobody"}),
            json!({"clicks": []}),
            false,
            0,
            0,
        ),
        (
            "unknown session with body clicks",
            json!({"session_id": "nobody", "clicks": ["P00003"]}),
            json!({"clicks": ["P00003"]}),
            false,
            0,
            0,
        ),
        (
            "the object keeps the last 50",
            json!({"session_id": "long"}),
            json!({"clicks": long_tail}),
            true,
            50,
            0,
        ),
        (
            "200 at most: the oldest stored go first",
            json!({"session_id": "long", "clicks": many}),
            json!({"clicks": cat(&long_tail[30..].iter().map(String::as_str).collect::<Vec<_>>(), &many)}),
            true,
            20,
            0,
        ),
        (
            "a full body keeps nothing stored",
            json!({"session_id": "long", "clicks": all}),
            json!({"clicks": all}),
            true,
            0,
            0,
        ),
    ];
    let e = edge(true);
    for (name, req, equivalent, found, clicks, basket) in cases {
        let got = answer(&e, &req);
        let want = answer(&e, &equivalent);
        for field in ["items", "degraded", "profile", "model"] {
            assert_eq!(got[field], want[field], "{name}: {field}");
        }
        assert!(
            want.get("session").is_none(),
            "{name}: no session_id, no session field"
        );
        let id = req["session_id"].clone();
        assert_eq!(
            got["session"],
            json!({"id": id, "found": found, "clicks_from_store": clicks, "basket_from_store": basket}),
            "{name}"
        );
    }
    // the answers used the model, and the stored session's cart item is not offered back
    let s1 = answer(&e, &json!({"session_id": "s1", "k": 20}));
    let items: Vec<&str> = s1["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert!(!items.is_empty() && !items.contains(&"P00010"), "{items:?}");
    assert_eq!(s1["degraded"], Value::Null);
}

#[test]
fn an_empty_session_is_degraded_as_the_issue_defines_and_no_model_still_reports_it() {
    let e = edge(true);
    let empty = answer(&e, &json!({"session_id": "nobody"}));
    assert_eq!(empty["degraded"], "unknown_items");
    assert!(
        !empty["items"].as_array().unwrap().is_empty(),
        "popularity fallback"
    );
    let e = edge(false);
    let r = answer(&e, &json!({"session_id": "s1"}));
    assert_eq!(r["degraded"], "no_model");
    assert_eq!(r["session"]["clicks_from_store"], 4);
}

#[test]
fn an_unreachable_object_answers_from_the_body_and_logs_it() {
    let e = edge(true);
    e.host.objects_down.set(true);
    let got = answer(&e, &json!({"session_id": "s1", "clicks": ["P00003"]}));
    let want = answer(&e, &json!({"clicks": ["P00003"]}));
    assert_eq!(got["items"], want["items"]);
    assert_eq!(got["session"]["found"], false);
    assert_eq!(got["session"]["clicks_from_store"], 0);
    assert!(got["session"]["error"]
        .as_str()
        .is_some_and(|m| m.contains("unreachable")));
    assert!(e
        .host
        .logs
        .borrow()
        .iter()
        .any(|l| l.contains("session s1")));
}

#[test]
fn hostile_session_ids_are_4xx_naming_the_field_and_change_nothing() {
    let e = edge(true);
    let before = e.host.objects.borrow().clone();
    let long = format!(r#"{{"session_id":"{}"}}"#, "s".repeat(257));
    let cases: [(&[u8], u16, &str); 6] = [
        (long.as_bytes(), 400, "invalid_field"),
        (br#"{"session_id": 7}"#, 400, "invalid_field"),
        (br#"{"session_id": ["s1"]}"#, 400, "invalid_field"),
        (br#"{"session_id": ""}"#, 400, "invalid_field"),
        (b"{\"session_id\": \"s\xff1\"}", 400, "invalid_json"),
        (br#"{"session_id": {"id": "s1"}}"#, 400, "invalid_field"),
    ];
    for (body, status, code) in cases {
        let r = e.call("POST", "/recommend", &[], body, 20);
        let text = String::from_utf8_lossy(&r.body);
        assert_eq!(
            (r.status, r.error_code().as_deref()),
            (status, Some(code)),
            "{text}"
        );
        assert!(text.contains("session_id"), "names the field: {text}");
    }
    assert_eq!(*e.host.objects.borrow(), before);
    assert!(e.host.logs.borrow().is_empty());
}
