//! The request path end to end, natively: the same table of hostile requests the workerd tests
//! send (tests/edge/), plus the model store's rules, through [`MemoryEdge`].

use super::memory::{block_on, MemoryEdge, MemoryHost};
use super::store::{artifact_key, pointer_key};
use super::*;
use crate::leads::ranking::LeadModel;
use crate::model::{decode_leads, encode_leads};
use sha2::{Digest, Sha256};

const TOKEN: &str = "0123456789abcdef0123456789abcdef-test";
const FIXTURE: &[u8] = include_bytes!("../../test_data/leads/cross-shell/model.spur");
const LEADS: &[u8] = include_bytes!("../../test_data/leads/cross-shell/leads.json");

fn edge(token: Option<&str>) -> MemoryEdge {
    MemoryEdge::new(Config {
        admin_token: token.map(str::to_string),
        allowed_origins: vec!["https://app.example".into()],
        check_interval_ms: 5_000,
    })
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn auth() -> Vec<(String, String)> {
    h(&[("Authorization", &format!("Bearer {TOKEN}"))])
}

fn put(e: &MemoryEdge, bytes: &[u8], now: i64) -> Response {
    e.call("PUT", "/admin/model", &auth(), bytes, now)
}

fn serving_sha(e: &MemoryEdge) -> Option<String> {
    e.models.pointer(ModelKind::Leads).map(|p| p.sha256)
}

/// The fixture model re-stamped `created_at_ms` (a distinct, newer or older, valid artifact).
fn stamped(created_at_ms: i64) -> Vec<u8> {
    let (_, m) = decode_leads(FIXTURE).unwrap();
    encode_leads(&m, created_at_ms)
}

fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let at = bytes.len() - 32;
    let digest = Sha256::digest(&bytes[..at]);
    bytes[at..].copy_from_slice(&digest);
    bytes
}

fn json(r: &Response) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// Requests from `core/test_data/edge/requests.json`: each gets its status, code and headers.
#[test]
fn request_table() {
    let table: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../../test_data/edge/requests.json")).unwrap();
    for case in table {
        // `"token": null` leaves ADMIN_TOKEN unset; no `token` key means the usual one.
        let e = edge(case.get("token").map_or(Some(TOKEN), |t| t.as_str()));
        let headers: Vec<(String, String)> = case["headers"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let body = case["body"].as_str().unwrap_or_default();
        let r = e.call(
            case["method"].as_str().unwrap(),
            case["path"].as_str().unwrap(),
            &headers,
            body.as_bytes(),
            0,
        );
        let name = &case["name"];
        assert_eq!(
            r.status,
            case["status"],
            "{name}: {}",
            String::from_utf8_lossy(&r.body)
        );
        if let Some(code) = case["code"].as_str() {
            assert_eq!(r.error_code().as_deref(), Some(code), "{name}");
        }
        for (k, v) in case["response_headers"].as_object().into_iter().flatten() {
            assert_eq!(r.header(k), v.as_str(), "{name}: header {k}");
        }
        if case["empty_body"] == true {
            assert!(r.body.is_empty(), "{name}");
        } else if r.status >= 400 {
            let v = json(&r);
            assert!(v["error"]["message"].as_str().unwrap().len() > 10, "{name}");
            assert!(r.body.len() < 1_000, "{name}: echoed input is capped");
        }
    }
}

/// A body stream that counts what it handed out: reading stops just past the limit.
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
fn a_chunked_body_stops_at_the_limit_without_content_length() {
    let e = edge(Some(TOKEN));
    for (path, method, limit, headers) in [
        ("/leads/score", "POST", MAX_BODY_BYTES, vec![]),
        ("/admin/model", "PUT", MAX_ARTIFACT_BYTES, auth()),
    ] {
        let req = Request {
            method,
            path,
            headers: &headers,
            now_ms: 0,
        };
        let mut body = Endless { sent: 0 };
        let r = block_on(handle(&e.config, &e.models, &e.host, &req, &mut body)).unwrap();
        assert_eq!(r.status, 413, "{path}");
        assert!(
            body.sent <= limit + 64 * 1024,
            "{path}: read {} bytes",
            body.sent
        );
    }
}

#[test]
fn uploads_move_forward_only_and_keep_the_model_on_refusal() {
    let e = edge(Some(TOKEN));
    let r = e.call("POST", "/leads/score", &[], LEADS, 0);
    assert_eq!(r.error_code().as_deref(), Some("model_unavailable"));
    let (a, b) = (stamped(2_000), stamped(3_000));
    assert_eq!(put(&e, &a, 0).status, 200);
    let sha_a = serving_sha(&e).unwrap();
    assert_eq!(put(&e, &a, 0).status, 200, "the same model again is fine");
    assert_eq!(put(&e, &b, 0).status, 200);
    let sha_b = serving_sha(&e).unwrap();
    assert_ne!(sha_a, sha_b);
    let older = put(&e, &a, 0);
    assert_eq!(older.status, 409);
    assert_eq!(older.error_code().as_deref(), Some("model_not_newer"));
    // Stored content-addressed, pointer last; the pointer names the newest.
    let kv = e.host.kv.borrow();
    assert!(kv.contains_key(&artifact_key(ModelKind::Leads, &sha_a)));
    let p = Pointer::parse(&kv[&pointer_key(ModelKind::Leads)], ModelKind::Leads).unwrap();
    assert_eq!((p.sha256.as_str(), p.version), (sha_b.as_str(), 3_000));
    drop(kv);

    // Hostile but correctly sealed: a NaN win rate, an endless rule; a reserved kind.
    let (_, m) = decode_leads(FIXTURE).unwrap();
    let mut nan: LeadModel = m.clone();
    nan.tree.segments[0].win_rate = f64::NAN;
    let mut long = m.clone();
    long.tree.segments[0].rule = "x".repeat(1 << 20);
    let mut other_kind = stamped(9_000);
    other_kind[10] = 2;
    for (bytes, code) in [
        (encode_leads(&nan, 9_000), "artifact_corrupt"),
        (encode_leads(&long, 9_000), "artifact_corrupt"),
        (reseal(other_kind), "artifact_corrupt"),
        (b"SPURMODL".to_vec(), "artifact_truncated"),
    ] {
        let r = put(&e, &bytes, 0);
        assert_eq!(r.error_code().as_deref(), Some(code));
        assert_eq!(serving_sha(&e).as_deref(), Some(sha_b.as_str()));
    }
    let r = e.call("POST", "/leads/score", &[], LEADS, 0);
    assert_eq!(r.status, 200);
    assert_eq!(json(&r)["model"], sha_b.as_str());
}

#[test]
fn isolates_read_the_pointer_at_most_every_interval_and_never_go_back() {
    let writer = edge(Some(TOKEN));
    assert_eq!(put(&writer, &stamped(2_000), 0).status, 200);
    // A second isolate over the same KV.
    let reader = MemoryEdge {
        host: MemoryHost {
            kv: writer.host.kv.clone(),
            ..MemoryHost::default()
        },
        ..edge(Some(TOKEN))
    };
    assert_eq!(
        json(&reader.call("GET", "/health", &[], b"", 0))["model"]["loaded"],
        true
    );
    let first = serving_sha(&reader);
    // A newer upload lands in KV: the reader sees it only after its check interval.
    let newer = stamped(3_000);
    let sha_new = decode_leads(&newer).unwrap().0.sha256;
    block_on(admin::put_model(&writer.models, &reader.host, &newer)).unwrap();
    reader.call("GET", "/health", &[], b"", 4_999);
    assert_eq!(
        serving_sha(&reader),
        first,
        "checked again before the interval"
    );
    reader.call("GET", "/health", &[], b"", 5_000);
    assert_eq!(serving_sha(&reader).as_deref(), Some(sha_new.as_str()));

    // Bad bytes straight into KV: garbage pointer, a pointer back in time, a pointer to
    // missing or mismatching bytes. The reader logs them and keeps its model.
    let key = pointer_key(ModelKind::Leads);
    let older = decode_leads(&stamped(1_000)).unwrap().0;
    let bogus_sha = "ab".repeat(32);
    let bad_pointers = [
        b"{not json".to_vec(),
        br#"{"kind":"reco","sha256":"00","version":9}"#.to_vec(),
        Pointer::of(&older).to_json(),
        format!(r#"{{"kind":"leads","sha256":"{bogus_sha}","version":99999}}"#).into_bytes(),
    ];
    reader
        .host
        .kv
        .borrow_mut()
        .insert(artifact_key(ModelKind::Leads, &bogus_sha), stamped(99_999));
    for (i, p) in bad_pointers.into_iter().enumerate() {
        reader.host.kv.borrow_mut().insert(key.clone(), p);
        let now = 10_000 * (i as i64 + 2);
        let r = reader.call("POST", "/leads/score", &[], LEADS, now);
        assert_eq!(r.status, 200);
        assert_eq!(json(&r)["model"], sha_new.as_str(), "bad pointer {i}");
    }
    assert!(
        reader.host.logs.borrow().len() >= 3,
        "{:?}",
        reader.host.logs.borrow()
    );
}

#[test]
fn config_reads_vars() {
    let c = Config::from_vars(
        None,
        Some("https://a.example, https://b.example/"),
        Some("0.5"),
    );
    assert_eq!(
        c.allowed_origins,
        ["https://a.example", "https://b.example"]
    );
    assert_eq!(c.check_interval_ms, 500);
    assert_eq!(
        Config::from_vars(None, None, Some("soon")).check_interval_ms,
        DEFAULT_CHECK_SECONDS as i64 * 1000
    );
}

#[test]
fn raw_requests_never_panic() {
    let e = edge(Some(TOKEN));
    for raw in [
        &b""[..],
        b"\n\n",
        b"POST /leads/score\ncontent-length: 1e3\n\n{}",
        b"PUT /admin/model\nauthorization: BEARER 0123456789abcdef0123456789abcdef-test\n\nSPURMODL",
        b"OPTIONS /admin/model\norigin: https://evil.example\n\n",
    ] {
        let r = e.call_raw(raw, 0);
        assert!(r.status >= 200 && r.status < 600);
    }
}

/// The fuzz target's seeds (`core/test_data/edge/*.http`) reach the endpoints they aim at.
#[test]
fn fuzz_seeds_reach_their_endpoints() {
    let e = MemoryEdge::new(Config {
        admin_token: Some("fuzz-admin-token-0123456789abcdef".into()),
        allowed_origins: vec!["https://app.example".into()],
        check_interval_ms: 0,
    });
    for (raw, status) in [
        (&include_bytes!("../../test_data/edge/head.http")[..], 200),
        (include_bytes!("../../test_data/edge/preflight.http"), 204),
        (include_bytes!("../../test_data/edge/score.http"), 503),
        (include_bytes!("../../test_data/edge/admin.http"), 200),
        (include_bytes!("../../test_data/edge/score.http"), 200),
    ] {
        let r = e.call_raw(raw, 0);
        assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    }
}

/// KV whose every call waits once, so two requests polled in turn interleave at each await.
struct Interleaving(MemoryHost);

struct WaitOnce(bool);

impl std::future::Future for WaitOnce {
    type Output = ();
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    }
}

impl Host for Interleaving {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        WaitOnce(false).await;
        self.0.get(key).await
    }
    async fn put(&self, key: &str, value: &[u8]) -> Result<(), String> {
        WaitOnce(false).await;
        self.0.put(key, value).await
    }
    async fn session_features(&self, id: &str) -> Result<Vec<u8>, String> {
        WaitOnce(false).await;
        self.0.session_features(id).await
    }
    fn log(&self, line: &str) {
        self.0.log(line)
    }
}

/// Poll every future in turn until all are ready (a single-threaded interleaving executor).
fn run_interleaved<T>(
    mut futures: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = T> + '_>>>,
) -> Vec<T> {
    let mut out: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    while out.iter().any(Option::is_none) {
        for (f, slot) in futures.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                    *slot = Some(v);
                }
            }
        }
    }
    out.into_iter().flatten().collect()
}

type Pending<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + 'a>>;

fn request<'a>(
    config: &'a Config,
    models: &'a Models,
    host: &'a Interleaving,
    head: Request<'a>,
    body: &'a [u8],
) -> Pending<'a> {
    Box::pin(
        async move { handle(config, models, host, &head, &mut Bytes(Some(body.to_vec()))).await },
    )
}

#[test]
fn concurrent_uploads_interleaved_at_every_await_end_with_the_newest() {
    let (older, newer) = (stamped(2_000), stamped(3_000));
    let sha_newer = decode_leads(&newer).unwrap().0.sha256;
    let headers = auth();
    let put = Request {
        method: "PUT",
        path: "/admin/model",
        headers: &headers,
        now_ms: 0,
    };
    let score = Request {
        method: "POST",
        path: "/leads/score",
        headers: &[],
        now_ms: 0,
    };
    // Both orders of starting, readers in between: the newest ends in service and in KV.
    for (a, b) in [(&older, &newer), (&newer, &older)] {
        let config = edge(Some(TOKEN)).config;
        let models = Models::default();
        let host = Interleaving(MemoryHost::default());
        let results = run_interleaved(vec![
            request(&config, &models, &host, put, a),
            request(&config, &models, &host, score, LEADS),
            request(&config, &models, &host, put, b),
            request(&config, &models, &host, score, LEADS),
        ]);
        for r in &results {
            assert!([200, 409, 503].contains(&r.status), "{r:?}");
        }
        let serving = models.pointer(ModelKind::Leads).map(|p| p.sha256);
        assert_eq!(serving.as_deref(), Some(sha_newer.as_str()));
        let kv = host.0.kv.borrow();
        let p = Pointer::parse(&kv[&pointer_key(ModelKind::Leads)], ModelKind::Leads).unwrap();
        assert_eq!(p.sha256, sha_newer);
    }
}
