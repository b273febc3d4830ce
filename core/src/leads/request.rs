//! The body of `POST /leads/score`: one lead or a batch, validated strictly.
//!
//! Validation is a core decision (not the edge worker's) so that the CLI, the browser and the
//! edge refuse exactly the same inputs with exactly the same messages. Unknown fields are
//! refused rather than ignored: a misspelt `industy` silently scoring as "unknown industry" is
//! the kind of quiet data loss Spur promises not to do.

use serde::{Deserialize, Serialize};

/// Largest body the scoring endpoint accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Most leads one request may score.
pub const MAX_BATCH: usize = 1_000;
/// Longest accepted string field, in bytes.
pub const MAX_STRING_BYTES: usize = 256;

/// A lead as the scoring API receives it. Every field but `id` is optional: a missing value is
/// a valid input that the model treats explicitly as missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Lead {
    pub id: Option<String>,
    pub company: Option<String>,
    pub company_size: Option<f64>,
    pub industry: Option<String>,
    pub channel: Option<String>,
    pub hours_to_first_response: Option<f64>,
    pub response_weekday: Option<String>,
    pub response_channel: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    leads: Vec<Lead>,
}

/// Why a scoring request was refused. The caller's mistake in every case (a 4xx).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    #[error("the body is {size} bytes; the limit is {limit} bytes: split the batch")]
    TooLarge { size: usize, limit: usize },
    #[error("the body is empty: send a JSON lead object or {{\"leads\": [...]}}")]
    Empty,
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("field `{path}`: {message}")]
    Field { path: String, message: String },
    #[error("{count} leads in one request; the limit is {limit}: split the batch")]
    TooManyLeads { count: usize, limit: usize },
    #[error("the batch `leads` is empty: send at least one lead")]
    NoLeads,
}

impl RequestError {
    /// Stable code for `{"error":{"code":...}}`.
    pub fn code(&self) -> &'static str {
        match self {
            RequestError::TooLarge { .. } => "body_too_large",
            RequestError::Empty => "empty_body",
            RequestError::Syntax { .. } => "invalid_json",
            RequestError::Field { .. } => "invalid_field",
            RequestError::TooManyLeads { .. } => "too_many_leads",
            RequestError::NoLeads => "no_leads",
        }
    }

    /// HTTP status an adapter should answer with.
    pub fn status(&self) -> u16 {
        match self {
            RequestError::TooLarge { .. } => 413,
            _ => 400,
        }
    }
}

/// Parse and validate a scoring request body: a single lead object, or `{"leads": [...]}`.
pub fn parse_score_request(body: &[u8]) -> Result<Vec<Lead>, RequestError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(RequestError::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(RequestError::Empty);
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| RequestError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_location(&e.to_string()),
        })?;
    let is_batch = matches!(&value, serde_json::Value::Object(map) if map.contains_key("leads"));
    let leads = if is_batch {
        from_value::<Batch>(value)?.leads
    } else if value.is_object() {
        vec![from_value::<Lead>(value)?]
    } else {
        return Err(RequestError::Field {
            path: "$".into(),
            message: format!("expected a JSON object, found {}", json_kind(&value)),
        });
    };
    if leads.is_empty() {
        return Err(RequestError::NoLeads);
    }
    if leads.len() > MAX_BATCH {
        return Err(RequestError::TooManyLeads {
            count: leads.len(),
            limit: MAX_BATCH,
        });
    }
    for (i, lead) in leads.iter().enumerate() {
        check_lead(lead).map_err(|(field, message)| RequestError::Field {
            path: if is_batch {
                format!("leads[{i}].{field}")
            } else {
                field.into()
            },
            message,
        })?;
    }
    Ok(leads)
}

fn check_lead(lead: &Lead) -> Result<(), (&'static str, String)> {
    let strings = [
        ("id", &lead.id),
        ("company", &lead.company),
        ("industry", &lead.industry),
        ("channel", &lead.channel),
        ("response_weekday", &lead.response_weekday),
        ("response_channel", &lead.response_channel),
    ];
    for (name, v) in strings {
        if let Some(s) = v {
            if s.len() > MAX_STRING_BYTES {
                return Err((
                    name,
                    format!("{} bytes; the limit is {MAX_STRING_BYTES}", s.len()),
                ));
            }
        }
    }
    let numbers = [
        ("company_size", lead.company_size),
        ("hours_to_first_response", lead.hours_to_first_response),
    ];
    for (name, v) in numbers {
        if let Some(x) = v {
            if !x.is_finite() || x < 0.0 {
                return Err((name, format!("must be a finite number ≥ 0, got {x}")));
            }
        }
    }
    Ok(())
}

fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, RequestError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        RequestError::Field {
            path: if path == "." { "$".into() } else { path },
            message: strip_location(&e.into_inner().to_string()),
        }
    })
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> RequestError {
        parse_score_request(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn accepts_one_lead_and_a_batch() {
        let one = parse_score_request(br#"{"industry":"energy","company_size":250}"#).unwrap();
        assert_eq!(one.len(), 1);
        let two = parse_score_request(br#"{"leads":[{"id":"a"},{"id":"b"}]}"#).unwrap();
        assert_eq!(two.len(), 2);
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(
            err(r#"{"leads":[{"id":"a"},{"company_size":"big"}]}"#).to_string(),
            "field `leads[1].company_size`: invalid type: string \"big\", expected f64"
        );
        assert_eq!(err(r#"{"industy":"energy"}"#).code(), "invalid_field");
        assert!(err(r#"{"industy":"energy"}"#)
            .to_string()
            .contains("unknown field `industy`"));
        assert_eq!(err("[1,2]").code(), "invalid_field");
        assert_eq!(err("{\"id\": ").code(), "invalid_json");
        assert_eq!(err("   ").code(), "empty_body");
        assert_eq!(err(r#"{"leads":[]}"#).code(), "no_leads");
        assert_eq!(err(r#"{"company_size":-1}"#).code(), "invalid_field");
    }

    #[test]
    fn limits_are_enforced() {
        let many = format!("{{\"leads\":[{}]}}", vec!["{}"; MAX_BATCH + 1].join(","));
        assert_eq!(err(&many).code(), "too_many_leads");
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(parse_score_request(&big).unwrap_err().status(), 413);
    }
}
