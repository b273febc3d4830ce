//! `POST /events`: the worker's part (read and parse the batch, group it by key, merge the
//! objects' answers into one acknowledgement) and the Durable Object's part ([`object_call`],
//! [`object_alarm`]: restore, apply, answer, and say what to store). The adapter only moves
//! bytes between these functions, workerd's storage and the object stubs.
//!
//! Wire shape: the body is `[{id, key, time, type?, item?, value?}, ...]` or `{"events": [...]}`
//! (at most [`MAX_EVENTS`] events, [`BODY_LIMIT`] bytes). The answer is `200 {accepted,
//! duplicates, conflicts, late, rejected, objects, rejections: [{index, field, reason}]}`,
//! sent only after every object stored its new state; if one could not, `503` and nothing
//! is acknowledged: resend the batch (ids make that safe).

use super::body::{read_body, Limit};
use super::http::{BodyStream, Request, Response};
use super::route::echo;
use crate::stream::json_events::{parse_json_events, JsonEventError, JsonEventSpec, JsonRejection};
use crate::stream::session_features::{Counts, ObjectState, FIELDS};
use crate::stream::Event;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The path of the endpoint.
pub const PATH: &str = "/events";
/// Most events in one batch.
pub const MAX_EVENTS: usize = 1000;
/// Most bytes in one batch body.
pub const BODY_LIMIT: Limit = Limit {
    bytes: 1 << 20,
    code: "body_too_large",
    what: "body",
    advice: "; send at most 1,000 events per batch",
};

/// The parser settings of the endpoint.
pub fn spec() -> JsonEventSpec {
    JsonEventSpec {
        fields: FIELDS.iter().map(|f| f.to_string()).collect(),
        max_events: MAX_EVENTS,
        require_id: true,
    }
}

/// Is this request for `/events`? `None`: not this endpoint. `Some(Err)`: answer that
/// (405, or the CORS-free preflight). `Some(Ok)`: a `POST` to serve.
pub fn route(method: &str, path: &str) -> Option<Result<(), Response>> {
    if path != PATH {
        return None;
    }
    Some(match method {
        "POST" => Ok(()),
        "OPTIONS" => Err(Response::empty(204).with_header("allow", "POST, OPTIONS")),
        m => Err(Response::error(
            405,
            "method_not_allowed",
            format!(
                "{PATH} does not accept {}; it accepts POST, OPTIONS",
                echo(m, 16)
            ),
        )
        .with_header("allow", "POST, OPTIONS")),
    })
}

/// A batch ready to fan out: one body per key (the object's `POST /apply`).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Key → JSON array of that key's events, in batch order.
    pub groups: Vec<(String, Vec<u8>)>,
    pub rejections: Vec<JsonRejection>,
}

/// Read, parse and group a batch. Errors are the answer (400/413).
pub async fn plan(req: &Request<'_>, body: &mut impl BodyStream) -> Result<Plan, Response> {
    let bytes = read_body(req, body, &BODY_LIMIT).await?;
    plan_bytes(&bytes)
}

/// [`plan`] for a body already read.
pub fn plan_bytes(bytes: &[u8]) -> Result<Plan, Response> {
    let batch = parse_json_events(bytes, &spec()).map_err(|e| match e {
        JsonEventError::TooMany { .. } => Response::error(413, "too_many_events", e.to_string()),
        JsonEventError::Malformed { .. } => Response::error(400, "malformed_json", e.to_string()),
        JsonEventError::Shape => Response::error(400, "bad_shape", e.to_string()),
    })?;
    let mut groups: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for ev in batch.events {
        groups.entry(ev.key.clone()).or_default().push(ev);
    }
    let groups = groups
        .into_iter()
        .map(|(k, evs)| {
            let body = serde_json::to_vec(&evs).unwrap_or_else(|_| b"[]".to_vec());
            (k, body)
        })
        .collect();
    Ok(Plan {
        groups,
        rejections: batch.rejected,
    })
}

/// The acknowledgement of a batch.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ack {
    #[serde(flatten)]
    pub counts: Counts,
    pub rejected: u64,
    pub objects: u64,
    pub rejections: Vec<JsonRejection>,
}

/// Merge the objects' answers (status, body), in [`Plan::groups`] order, into the answer.
pub fn merge(plan: Plan, answers: Vec<Result<(u16, Vec<u8>), String>>) -> Response {
    let mut ack = Ack {
        rejected: plan.rejections.len() as u64,
        objects: plan.groups.len() as u64,
        rejections: plan.rejections,
        ..Ack::default()
    };
    let mut failed = Vec::new();
    for ((key, _), answer) in plan.groups.iter().zip(answers) {
        match answer {
            Ok((200, body)) => match serde_json::from_slice::<Counts>(&body) {
                Ok(c) => ack.counts.add(&c),
                Err(e) => failed.push(format!("{}: unreadable answer: {e}", echo(key, 32))),
            },
            Ok((status, body)) => failed.push(format!(
                "{}: {status} {}",
                echo(key, 32),
                echo(&String::from_utf8_lossy(&body), 200)
            )),
            Err(e) => failed.push(format!("{}: {}", echo(key, 32), echo(&e, 200))),
        }
    }
    if !failed.is_empty() {
        return Response::error(
            503,
            "not_stored",
            format!(
                "{} of {} keys could not be stored, so the batch is not acknowledged; resend it (ids make that safe): {}",
                failed.len(),
                ack.objects,
                failed.join("; ")
            ),
        );
    }
    Response::json(200, &ack)
}

/// What an object does after a call: store `store` (when `Some`) before answering, then set
/// its alarm to `alarm_at` (`None`: delete it).
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectOutcome {
    pub store: Option<Vec<u8>>,
    pub alarm_at: Option<i64>,
    pub response: Response,
}

/// An object's state from what its storage holds (`None`: never stored); corrupt bytes are
/// the `500 corrupt_state` to answer.
pub fn object_load(stored: Option<&[u8]>) -> Result<ObjectState, Response> {
    ObjectState::decode(stored).map_err(|e| Response::error(500, "corrupt_state", e))
}

/// An object's own routes: `POST /apply` (a JSON array of its key's events → [`Counts`]) and
/// `GET /features` (→ [`crate::stream::session_features::FeatureView`]). `stored` is what
/// its storage holds, `now` the clock.
pub fn object_call(
    stored: Option<&[u8]>,
    method: &str,
    path: &str,
    body: &[u8],
    now: i64,
) -> ObjectOutcome {
    match object_load(stored) {
        Ok(mut state) => object_call_on(&mut state, method, path, body, now),
        Err(response) => ObjectOutcome {
            store: None,
            alarm_at: None,
            response,
        },
    }
}

/// [`object_call`] on a state the object keeps in memory between calls (what the Durable
/// Object does: it saves a storage read and a snapshot decode per batch). `state` is changed
/// in place; if storing `store` then fails, the caller must drop it and load again.
pub fn object_call_on(
    state: &mut ObjectState,
    method: &str,
    path: &str,
    body: &[u8],
    now: i64,
) -> ObjectOutcome {
    let fail = |response| ObjectOutcome {
        store: None,
        alarm_at: None,
        response,
    };
    match (method, path) {
        ("POST", "/apply") => {
            let events: Vec<Event> = match serde_json::from_slice(body) {
                Ok(e) => e,
                Err(e) => return fail(Response::error(400, "bad_apply", e.to_string())),
            };
            let counts = state.apply(&events, now);
            ObjectOutcome {
                store: Some(state.encode()),
                alarm_at: state.next_alarm(),
                response: Response::json(200, &counts),
            }
        }
        ("GET", "/features") => ObjectOutcome {
            store: None,
            alarm_at: state.next_alarm(),
            response: Response::json(200, &state.view()),
        },
        _ => fail(Response::error(
            404,
            "not_found",
            "an events object serves POST /apply and GET /features",
        )),
    }
}

/// The object's alarm: close idle sessions. `store` is `None` when nothing changed.
pub fn object_alarm(stored: Option<&[u8]>, now: i64) -> ObjectOutcome {
    match object_load(stored) {
        Ok(mut state) => {
            let mut out = object_alarm_on(&mut state, now);
            if stored.is_none() {
                out.store = None;
            }
            out
        }
        Err(response) => ObjectOutcome {
            store: None,
            alarm_at: None,
            response,
        },
    }
}

/// [`object_alarm`] on a state kept in memory (changed in place).
pub fn object_alarm_on(state: &mut ObjectState, now: i64) -> ObjectOutcome {
    let before = state.encode();
    state.alarm(now);
    let bytes = state.encode();
    ObjectOutcome {
        store: (bytes != before).then_some(bytes),
        alarm_at: state.next_alarm(),
        response: Response::empty(204),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::session_features::FeatureView;

    /// Drive the worker and objects in memory, as the adapter does.
    fn post(objects: &mut BTreeMap<String, Vec<u8>>, body: &[u8], now: i64) -> Response {
        let plan = match plan_bytes(body) {
            Ok(p) => p,
            Err(r) => return r,
        };
        let answers = plan
            .groups
            .iter()
            .map(|(key, b)| {
                let out = object_call(
                    objects.get(key).map(|v| v.as_slice()),
                    "POST",
                    "/apply",
                    b,
                    now,
                );
                if let Some(s) = out.store {
                    objects.insert(key.clone(), s);
                }
                Ok((out.response.status, out.response.body))
            })
            .collect();
        merge(plan, answers)
    }

    fn ack(r: &Response) -> Ack {
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        serde_json::from_slice(&r.body).unwrap()
    }

    #[test]
    fn batches_dedup_across_keys_and_resends() {
        let mut objs = BTreeMap::new();
        let b1 = br#"[{"id":"1","key":"s1","time":1714557600000,"type":"view","item":"a"},
                      {"id":"2","key":"s2","time":1714557600000,"type":"cart","item":"b","value":3},
                      {"id":"1","key":"s1","time":1714557600000,"type":"view","item":"a"},
                      {"id":"3","time":1714557600000},
                      {"id":"4","key":"s1","time":"yesterday"}]"#;
        let a = ack(&post(&mut objs, b1, 1));
        assert_eq!(
            (
                a.counts.accepted,
                a.counts.duplicates,
                a.rejected,
                a.objects
            ),
            (2, 1, 2, 2)
        );
        assert_eq!(a.rejections[0].field, "key");
        assert_eq!(a.rejections[1].field, "time");
        let again = ack(&post(&mut objs, b1, 2));
        assert_eq!((again.counts.accepted, again.counts.duplicates), (0, 3));
        let f = object_call(
            objs.get("s2").map(|v| v.as_slice()),
            "GET",
            "/features",
            b"",
            3,
        );
        let v: FeatureView = serde_json::from_slice(&f.response.body).unwrap();
        assert_eq!(v.clicks[0].item.as_deref(), Some("b"));
        assert_eq!(v.session.and_then(|s| s.value), Some(3.0));
    }

    #[test]
    fn refused_batches() {
        let mut objs = BTreeMap::new();
        assert_eq!(
            post(&mut objs, b"[{", 1).error_code().as_deref(),
            Some("malformed_json")
        );
        assert_eq!(
            post(&mut objs, b"{\"x\":1}", 1).error_code().as_deref(),
            Some("bad_shape")
        );
        let many = format!("[{}]", vec!["{}"; MAX_EVENTS + 1].join(","));
        let r = post(&mut objs, many.as_bytes(), 1);
        assert_eq!(
            (r.status, r.error_code().as_deref()),
            (413, Some("too_many_events"))
        );
        assert!(objs.is_empty());
        assert_eq!(route("GET", PATH).map(|r| r.unwrap_err().status), Some(405));
        assert!(route("POST", "/events/").is_none());
    }

    #[test]
    fn the_hostile_event_corpus_gets_located_answers() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/stream");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let r = post(&mut BTreeMap::new(), &std::fs::read(&path).unwrap(), 1);
                let text = String::from_utf8_lossy(&r.body);
                match r.status {
                    200 => assert!(text.contains("\"rejections\""), "{path:?}: {text}"),
                    400 => assert!(r.error_code().is_some(), "{path:?}: {text}"),
                    s => panic!("{path:?}: {s} {text}"),
                }
                seen += 1;
            }
        }
        assert!(seen >= 3, "the corpus is in core/test_data/stream");
    }

    #[test]
    fn a_failed_object_acknowledges_nothing() {
        let plan = plan_bytes(br#"[{"id":"1","key":"k","time":1}]"#).unwrap();
        let r = merge(plan, vec![Err("storage down".into())]);
        assert_eq!(
            (r.status, r.error_code().as_deref()),
            (503, Some("not_stored"))
        );
    }

    /// The Durable Object keeps its state in memory ([`object_call_on`]); that must store the
    /// same bytes and answer the same as reading storage on every call ([`object_call`]).
    #[test]
    fn state_kept_in_memory_equals_state_read_each_call() {
        let batches: Vec<String> = (0..6)
            .map(|b| {
                let evs: Vec<String> = (0..4)
                    .map(|i| {
                        let n = b * 3 + i; // overlapping ids: duplicates across batches
                        format!(
                            r#"{{"id":"e{n}","key":"k","time":{},"type":"view","item":"p{}"}}"#,
                            1_714_557_600_000i64 + n * 600_000 + (b % 2) * 3_600_000 * b,
                            n % 3
                        )
                    })
                    .collect();
                format!("[{}]", evs.join(","))
            })
            .collect();
        let mut stored: Option<Vec<u8>> = None;
        let mut memory = object_load(None).unwrap();
        for (i, b) in batches.iter().enumerate() {
            let now = 10 + i as i64;
            let read = object_call(stored.as_deref(), "POST", "/apply", b.as_bytes(), now);
            let kept = object_call_on(&mut memory, "POST", "/apply", b.as_bytes(), now);
            assert_eq!(read, kept, "batch {i}");
            stored = read.store;
        }
        let later = 10 + 31 * 60_000;
        let read = object_alarm(stored.as_deref(), later);
        let kept = object_alarm_on(&mut memory, later);
        assert_eq!(read, kept);
        assert!(read.store.is_some(), "the alarm closed the open session");
        let f = object_call_on(&mut memory, "GET", "/features", b"", later);
        let v: FeatureView = serde_json::from_slice(&f.response.body).unwrap();
        assert!(v.session.is_none() && !v.closed.is_empty(), "{v:?}");
        assert_eq!(
            object_alarm_on(&mut memory, later + 1).store,
            None,
            "nothing changed"
        );
    }

    #[test]
    fn object_refuses_corrupt_state_and_bad_calls() {
        let out = object_call(Some(b"junk"), "POST", "/apply", b"[]", 1);
        assert_eq!((out.response.status, out.store), (500, None));
        let out = object_call(None, "POST", "/apply", b"{", 1);
        assert_eq!(out.response.status, 400);
        let out = object_call(None, "DELETE", "/apply", b"", 1);
        assert_eq!(out.response.status, 404);
        assert_eq!(object_alarm(None, 1).store, None);
    }
}
