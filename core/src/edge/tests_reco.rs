//! `/recommend` and the feature store natively: the reco cross-shell fixture answered through
//! the edge, profile uploads with bad lines, the profile cache's bounds, and the table of
//! hostile requests (`core/test_data/edge/reco-requests.json`, sent to workerd too) after which
//! nothing in KV or in service has changed.
use super::memory::MemoryEdge;
use super::profiles::{profile_key, CACHE_ENTRIES, CACHE_TTL_MS};
use super::*;
use sha2::{Digest, Sha256};

const TOKEN: &str = "0123456789abcdef0123456789abcdef-test";
const MODEL: &[u8] = include_bytes!("../../test_data/reco/cross-shell/model.spur");
const REQUESTS: &str = include_str!("../../test_data/reco/cross-shell/requests.json");
const EXPECTED: &str = include_str!("../../test_data/reco/cross-shell/expected.json");

fn edge() -> MemoryEdge {
    MemoryEdge::new(Config {
        admin_token: Some(TOKEN.into()),
        allowed_origins: vec!["https://app.example".into()],
        check_interval_ms: 5_000,
    })
}

fn auth() -> Vec<(String, String)> {
    vec![("Authorization".into(), format!("Bearer {TOKEN}"))]
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

fn recommend(e: &MemoryEdge, body: &serde_json::Value, now: i64) -> serde_json::Value {
    let r = e.call("POST", "/recommend", &[], body.to_string().as_bytes(), now);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    json(&r)
}

fn model_sha() -> String {
    format!("{:x}", Sha256::digest(&MODEL[..MODEL.len() - 32]))
}

#[test]
fn the_cross_shell_fixture_answers_through_the_edge() {
    let e = edge();
    let none = recommend(&e, &serde_json::json!({"clicks": ["P00003"]}), 0);
    assert_eq!(none["degraded"], "no_model");
    assert_eq!(none["items"], serde_json::json!([]));
    let up = e.call("PUT", "/admin/model", &auth(), MODEL, 0);
    assert_eq!(up.status, 200, "{}", String::from_utf8_lossy(&up.body));
    assert_eq!(json(&up)["model"]["kind"], "reco");
    let requests: Vec<serde_json::Value> = serde_json::from_str(REQUESTS).unwrap();
    let expected: Vec<serde_json::Value> = serde_json::from_str(EXPECTED).unwrap();
    assert_eq!(requests.len(), expected.len());
    for (req, want) in requests.iter().zip(&expected) {
        let got = recommend(&e, req, 1);
        assert_eq!(got["model"]["sha256"], model_sha().as_str(), "{req}");
        assert_eq!(got["model"]["kind"], "reco");
        assert_eq!(got["items"], want["items"], "{req}");
        assert_eq!(got["degraded"], want["degraded"], "{req}");
        assert_eq!(got["profile"], want["profile"], "{req}");
    }
    let health = json(&e.call("GET", "/health", &[], b"", 2));
    assert_eq!(health["models"]["reco"]["sha256"], model_sha().as_str());
}

#[test]
fn profiles_upload_stores_the_good_lines_and_lists_the_bad_ones() {
    let e = edge();
    let ndjson = concat!(
        "{\"customer_id\": \"c1\", \"preferred_categories\": [\"C03\"]}\n",
        "{\"customer_id\": 7}\n",
        "\n",
        "{\"customer_id\": \"c2\"}\n",
        "not json\n",
    );
    let r = e.call("PUT", "/admin/profiles", &auth(), ndjson.as_bytes(), 0);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = json(&r);
    assert_eq!(v["accepted"], 2);
    assert_eq!(v["rejected_count"], 2);
    let lines: Vec<_> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 5]);
    assert!(e.host.kv.borrow().contains_key(&profile_key("c1")));
    let got = e.call("GET", "/admin/profiles/c1", &auth(), b"", 0);
    assert_eq!(got.status, 200);
    assert_eq!(
        json(&got)["preferred_categories"],
        serde_json::json!(["C03"])
    );
    e.call("PUT", "/admin/model", &auth(), MODEL, 0);
    let with = recommend(
        &e,
        &serde_json::json!({"customer_id": "c1", "clicks": ["P00003"]}),
        1,
    );
    assert_eq!(with["profile"], true);
    let without = recommend(
        &e,
        &serde_json::json!({"customer_id": "nobody", "clicks": ["P00003"]}),
        1,
    );
    assert_eq!(without["profile"], false);
}

#[test]
fn the_profile_cache_is_bounded_and_expires() {
    let e = edge();
    for i in 0..CACHE_ENTRIES + 500 {
        let body = serde_json::json!({"customer_id": format!("u{i}")});
        recommend(&e, &body, i as i64);
    }
    assert!(e.models.profiles.len() <= CACHE_ENTRIES);
    // A miss is cached; a profile written straight into KV shows after the TTL.
    let ask =
        |now| recommend(&e, &serde_json::json!({"customer_id": "late"}), now)["profile"].clone();
    assert_eq!(ask(10_000), false);
    e.host.kv.borrow_mut().insert(
        profile_key("late"),
        br#"{"customer_id":"late","preferred_categories":["C01"]}"#.to_vec(),
    );
    assert_eq!(ask(10_001), false, "cached miss");
    assert_eq!(ask(10_000 + CACHE_TTL_MS), true, "expired and read again");
    // A stored profile that rotted is ignored (and logged), never an error.
    e.host
        .kv
        .borrow_mut()
        .insert(profile_key("rot"), b"{garbage".to_vec());
    assert_eq!(
        recommend(&e, &serde_json::json!({"customer_id": "rot"}), 0)["profile"],
        false
    );
    assert!(e
        .host
        .logs
        .borrow()
        .iter()
        .any(|l| l.contains("profile:rot")));
}

/// The body a table case describes (the workerd test builds the same).
fn body_of(case: &serde_json::Value) -> Vec<u8> {
    if let Some([s, n]) = case["raw_repeat"]
        .as_array()
        .map(|a| [a[0].clone(), a[1].clone()])
    {
        return s
            .as_str()
            .unwrap()
            .repeat(n.as_u64().unwrap() as usize)
            .into_bytes();
    }
    if let Some(b) = case["raw_bytes"].as_array() {
        return b.iter().map(|x| x.as_u64().unwrap() as u8).collect();
    }
    if let Some(a) = case.get("json_array") {
        let mut base = a["base"].clone();
        let n = a["n"].as_u64().unwrap() as usize;
        base[a["field"].as_str().unwrap()] = match a["string"].as_str() {
            Some(s) => serde_json::json!(s.repeat(n)),
            None => serde_json::json!(vec![a["item"].clone(); n]),
        };
        return base.to_string().into_bytes();
    }
    if let Some(l) = case["lines"].as_array() {
        let line = l[0].as_str().unwrap();
        return vec![line; l[1].as_u64().unwrap() as usize]
            .join("\n")
            .into_bytes();
    }
    match &case["body"] {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::String(s) => s.clone().into_bytes(),
        v => v.to_string().into_bytes(),
    }
}

#[test]
fn hostile_requests_are_refused_and_change_nothing() {
    let table: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../test_data/edge/reco-requests.json")).unwrap();
    let e = edge();
    assert_eq!(e.call("PUT", "/admin/model", &auth(), MODEL, 0).status, 200);
    let before = e.host.kv.borrow().clone();
    for case in &table {
        let name = &case["name"];
        let mut headers: Vec<(String, String)> = case["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        match case.get("auth") {
            None => headers.extend(auth()),
            Some(serde_json::Value::String(a)) => headers.push(("Authorization".into(), a.clone())),
            Some(_) => {}
        }
        let path = match case["path_repeat"].as_array() {
            Some(p) => format!(
                "{}{}",
                p[0].as_str().unwrap(),
                p[1].as_str()
                    .unwrap()
                    .repeat(p[2].as_u64().unwrap() as usize)
            ),
            None => case["path"].as_str().unwrap().to_string(),
        };
        let method = case["method"].as_str().unwrap();
        let r = e.call(method, &path, &headers, &body_of(case), 1);
        let text = String::from_utf8_lossy(&r.body);
        assert_eq!(r.status, case["status"], "{name}: {text}");
        if let Some(code) = case["code"].as_str() {
            assert_eq!(r.error_code().as_deref(), Some(code), "{name}: {text}");
            assert!(r.body.len() < 2_000, "{name}: echoed input is capped");
        }
        if let Some(want) = case["message_contains"].as_str() {
            assert!(
                text.contains(want),
                "{name}: the message names {want}: {text}"
            );
        }
        for (k, v) in case["response_headers"].as_object().into_iter().flatten() {
            assert_eq!(r.header(k), v.as_str(), "{name}: header {k}");
        }
        assert_eq!(*e.host.kv.borrow(), before, "{name}: KV changed");
        assert_eq!(
            e.models.pointer(ModelKind::Recommender).map(|p| p.sha256),
            Some(model_sha()),
            "{name}"
        );
    }
}

/// The fuzz target's seeds for the new endpoints reach them (`core/test_data/edge/*.http`).
#[test]
fn reco_fuzz_seeds_reach_their_endpoints() {
    let e = MemoryEdge::new(Config {
        admin_token: Some("fuzz-admin-token-0123456789abcdef".into()),
        allowed_origins: vec!["https://app.example".into()],
        check_interval_ms: 0,
    });
    let profiles = e.call_raw(include_bytes!("../../test_data/edge/profiles.http"), 0);
    assert_eq!(
        profiles.status,
        200,
        "{}",
        String::from_utf8_lossy(&profiles.body)
    );
    assert_eq!(json(&profiles)["accepted"], 1);
    let r = e.call_raw(include_bytes!("../../test_data/edge/recommend.http"), 0);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(json(&r)["profile"], true);
    assert_eq!(json(&r)["degraded"], "no_model");
}

/// A body stream that never ends, counting what it handed out.
struct Endless {
    sent: usize,
}

impl BodyStream for Endless {
    async fn next_chunk(&mut self) -> Option<Result<Vec<u8>, String>> {
        self.sent += 64 * 1024;
        Some(Ok(vec![b' '; 64 * 1024]))
    }
}

#[test]
fn chunked_bodies_stop_at_the_limit_on_the_new_endpoints() {
    let e = edge();
    for (path, method, limit) in [
        ("/recommend", "POST", crate::reco::request::MAX_BODY_BYTES),
        ("/admin/profiles", "PUT", profiles::MAX_PROFILES_BODY_BYTES),
    ] {
        let headers = auth();
        let req = Request {
            method,
            path,
            headers: &headers,
            now_ms: 0,
        };
        let mut body = Endless { sent: 0 };
        let r = super::memory::block_on(handle(&e.config, &e.models, &e.host, &req, &mut body))
            .unwrap();
        assert_eq!(r.status, 413, "{path}");
        assert!(body.sent <= limit + 64 * 1024, "{path}: read {}", body.sent);
    }
}
