//! Events from a JSON body: the wire shape of the edge's `POST /events` and of a browser
//! replay. The body is an array of event objects, or `{"events": [...]}`; each object has
//! `id`, `key`, `time` (ISO 8601 text, or epoch seconds/milliseconds as a number or text —
//! 12 or more integer digits are milliseconds), optionally `source`, and the fields the
//! aggregates read (numbers, text or booleans; `null` or missing = no value). Malformed JSON
//! and too-large batches are errors naming the line and column or the limit; events without a
//! key or a readable time are rejected one by one with their index and field.

use super::csv_events::parse_time;
use super::event::{Event, Value};
use serde_json::Value as Json;

/// What to read from each object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonEventSpec {
    /// Field names read into [`Event::values`], in order.
    pub fields: Vec<String>,
    /// Most events in one body.
    pub max_events: usize,
    /// Is an `id` required (exactly-once counting needs one)?
    pub require_id: bool,
}

/// One event that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JsonRejection {
    /// Position in the batch (0-based).
    pub index: usize,
    pub field: String,
    pub reason: String,
}

/// A parsed batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JsonBatch {
    pub events: Vec<Event>,
    pub rejected: Vec<JsonRejection>,
}

/// Why a body was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonEventError {
    #[error("line {line}, column {column}: malformed JSON: {message}")]
    Malformed {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("expected an array of events or {{\"events\": [...]}}")]
    Shape,
    #[error("a batch of {count} events exceeds the limit of {limit}")]
    TooMany { count: usize, limit: usize },
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn time_of(v: &Json) -> Option<i64> {
    match v {
        Json::String(s) => parse_time(s),
        Json::Number(n) => parse_time(&n.to_string()),
        _ => None,
    }
}

/// Parse a body.
pub fn parse_json_events(body: &[u8], spec: &JsonEventSpec) -> Result<JsonBatch, JsonEventError> {
    let doc: Json = serde_json::from_slice(body).map_err(|e| JsonEventError::Malformed {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let list = match doc {
        Json::Array(a) => a,
        Json::Object(mut o) => match o.remove("events") {
            Some(Json::Array(a)) => a,
            _ => return Err(JsonEventError::Shape),
        },
        _ => return Err(JsonEventError::Shape),
    };
    if list.len() > spec.max_events {
        return Err(JsonEventError::TooMany {
            count: list.len(),
            limit: spec.max_events,
        });
    }
    let mut batch = JsonBatch::default();
    for (index, item) in list.iter().enumerate() {
        let reject = |field: &str, reason: &str| JsonRejection {
            index,
            field: field.into(),
            reason: reason.into(),
        };
        let Json::Object(o) = item else {
            batch.rejected.push(reject("", "not an object"));
            continue;
        };
        let Some(key) = o.get("key").and_then(scalar_text) else {
            batch
                .rejected
                .push(reject("key", "no key (a string or number)"));
            continue;
        };
        let Some(time) = o.get("time").and_then(time_of) else {
            batch
                .rejected
                .push(reject("time", "no time, or one that does not parse"));
            continue;
        };
        let id = o.get("id").and_then(scalar_text);
        if spec.require_id && id.is_none() {
            batch.rejected.push(reject("id", "no id"));
            continue;
        }
        let source = match o.get("source") {
            Some(Json::Number(n)) => n.as_u64().and_then(|s| u32::try_from(s).ok()),
            None | Some(Json::Null) => Some(0),
            _ => None,
        };
        let Some(source) = source else {
            batch
                .rejected
                .push(reject("source", "the source must be a small integer"));
            continue;
        };
        let values = spec
            .fields
            .iter()
            .map(|f| match o.get(f) {
                Some(Json::Number(n)) => n.as_f64().map(Value::Num),
                Some(Json::String(s)) => Some(Value::Text(s.clone())),
                Some(Json::Bool(b)) => Some(Value::Text(b.to_string())),
                _ => None,
            })
            .collect();
        batch.events.push(Event {
            id,
            key,
            time,
            source,
            values,
        });
    }
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> JsonEventSpec {
        JsonEventSpec {
            fields: vec!["type".into(), "value".into()],
            max_events: 3,
            require_id: true,
        }
    }

    #[test]
    fn events_and_rejections() {
        let body = br#"{"events": [
            {"id": "a", "key": "s1", "time": "2024-05-01T10:00:00Z", "type": "view", "value": 2.5},
            {"id": 7, "key": 42, "time": 1714557600, "type": "cart"},
            {"id": "c", "time": 1714557600123}
        ]}"#;
        let b = parse_json_events(body, &spec()).unwrap();
        assert_eq!(b.events.len(), 2);
        assert_eq!(b.events[0].time, 1_714_557_600_000);
        assert_eq!(
            b.events[0].values,
            [Some(Value::Text("view".into())), Some(Value::Num(2.5))]
        );
        assert_eq!(
            (b.events[1].id.as_deref(), b.events[1].key.as_str()),
            (Some("7"), "42")
        );
        assert_eq!(
            b.rejected,
            [JsonRejection {
                index: 2,
                field: "key".into(),
                reason: "no key (a string or number)".into()
            }]
        );
    }

    #[test]
    fn refused_bodies() {
        let e = parse_json_events(b"[{\"key\": 1,}", &spec()).unwrap_err();
        assert!(
            matches!(e, JsonEventError::Malformed { line: 1, .. }),
            "{e}"
        );
        assert_eq!(
            parse_json_events(b"{\"x\": 1}", &spec()),
            Err(JsonEventError::Shape)
        );
        assert_eq!(
            parse_json_events(b"[{},{},{},{}]", &spec()),
            Err(JsonEventError::TooMany { count: 4, limit: 3 })
        );
        let b = parse_json_events(br#"[{"id":"x","key":"k","time":"soon"}, 5]"#, &spec()).unwrap();
        assert_eq!(b.rejected.len(), 2);
    }
}
