//! One error type for the edge API and the one place that maps it to HTTP.

use serde_json::json;
use worker::Response;

/// A refusal or failure, already classified: `status` < 500 means the caller's mistake.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(path: &str) -> Self {
        Self::new(
            404,
            "not_found",
            format!("no endpoint at {path}; the API is GET /health, POST /leads/score, PUT /admin/model"),
        )
    }

    pub fn method_not_allowed(path: &str) -> Self {
        Self::new(
            405,
            "method_not_allowed",
            format!("{path} does not accept this method; see GET /health"),
        )
    }

    /// `{"error":{"code","message"}}` with the status.
    pub fn into_response(self) -> worker::Result<Response> {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        Ok(Response::from_json(&body)?.with_status(self.status))
    }
}

impl From<spur_core::leads::request::RequestError> for ApiError {
    fn from(e: spur_core::leads::request::RequestError) -> Self {
        ApiError::new(e.status(), e.code(), e.to_string())
    }
}

impl From<worker::kv::KvError> for ApiError {
    fn from(e: worker::kv::KvError) -> Self {
        ApiError::new(
            500,
            "storage",
            format!("model storage (KV) failed: {e}; retry"),
        )
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::new(500, "internal", format!("edge runtime error: {e}"))
    }
}
