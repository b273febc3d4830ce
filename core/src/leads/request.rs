//! The body of `POST /leads/score`: one lead or a batch, validated strictly.
//!
//! Validation is a core decision (not the edge worker's) so that the CLI, the browser and the
//! edge refuse exactly the same inputs with exactly the same messages. Unknown fields are
//! refused rather than ignored: a misspelt `industy` silently scoring as "unknown industry" is
//! the kind of quiet data loss Spur promises not to do.

mod visit;

use serde::de::DeserializeSeed;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use visit::{cap, Top, TopSeed, MAX_ECHO_CHARS};

/// Largest body the scoring endpoint accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Most leads one request may score; reading stops at the next one.
pub const MAX_BATCH: usize = 1_000;
/// Longest accepted string field, in bytes.
pub const MAX_STRING_BYTES: usize = 256;
/// Largest accepted number (`company_size`, `hours_to_first_response`); numbers are in
/// `0..=MAX_NUMBER`, finite, and not `-0`. Far above any real count, far below where
/// standardising (`ln(1 + x)`, `(x - mean) / std`) could overflow to infinity.
pub const MAX_NUMBER: f64 = 1e12;
/// Longest error message, in characters (messages may quote the caller's input).
pub const MAX_MESSAGE_CHARS: usize = 300;

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
    #[error("more than {limit} leads in one request: split the batch")]
    TooManyLeads { limit: usize },
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
///
/// Read in one pass from the bytes (see `visit`): limits hold before anything is allocated
/// for the elements beyond them.
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
    let stop = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let top = TopSeed { stop: &stop }
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
        .and_then(|top| de.end().map(|()| top))
        .map_err(|e| {
            stop.take()
                .unwrap_or_else(|| classify(e, track.path().to_string()))
        })?;
    let leads = match top {
        Top::One(lead) => vec![lead],
        Top::Batch(leads) if leads.is_empty() => return Err(RequestError::NoLeads),
        Top::Batch(leads) => leads,
    };
    Ok(leads)
}

/// A serde_json error as a syntax error (with its place) or a field error (with its path).
fn classify(e: serde_json::Error, path: String) -> RequestError {
    let message = cap(&strip_location(&e.to_string()), MAX_MESSAGE_CHARS);
    match e.classify() {
        serde_json::error::Category::Data => RequestError::Field {
            path: if path == "." {
                "$".into()
            } else {
                cap(&path, MAX_ECHO_CHARS)
            },
            message,
        },
        _ => RequestError::Syntax {
            line: e.line(),
            column: e.column(),
            message,
        },
    }
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests;
