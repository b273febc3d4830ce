//! One module per endpoint; each limits and parses its input, calls core, serialises.

pub mod admin;
pub mod health;
pub mod leads;

use crate::error::ApiError;
use worker::Request;

/// Read a request body of at most `limit` bytes. Refuses before reading when the client
/// announces a larger (or unreadable) `Content-Length`, and again after reading, since the
/// header may be absent or wrong. `code`, `what` and `advice` shape the JSON error.
pub async fn read_body(
    req: &mut Request,
    limit: usize,
    code: &'static str,
    what: &str,
    advice: &str,
) -> Result<Vec<u8>, ApiError> {
    let too_large = |size: &str| {
        ApiError::new(
            413,
            code,
            format!("the {what} is {size} bytes; the limit is {limit} bytes{advice}"),
        )
    };
    if let Some(len) = req.headers().get("content-length").ok().flatten() {
        if len.trim().parse::<usize>().map_or(true, |n| n > limit) {
            return Err(too_large(&len));
        }
    }
    let bytes = req.bytes().await?;
    if bytes.len() > limit {
        return Err(too_large(&bytes.len().to_string()));
    }
    Ok(bytes)
}
