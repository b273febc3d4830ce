//! The one body reader every endpoint uses: `Content-Length` is checked before reading (an
//! unreadable value is a 400, a value over the limit a 413), and the stream is read chunk by
//! chunk and abandoned at `limit + 1` bytes whether or not the header was sent (chunked bodies).

use super::http::{BodyStream, Request, Response};

/// What an over-limit answer says about the endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bytes: usize,
    /// `body_too_large`, `artifact_too_large`.
    pub code: &'static str,
    /// `body`, `artifact`.
    pub what: &'static str,
    /// Appended to the message: what to do instead.
    pub advice: &'static str,
}

impl Limit {
    fn too_large(&self, size: &str) -> Response {
        Response::error(
            413,
            self.code,
            format!(
                "the {} is {size} bytes; the limit is {} bytes{}",
                self.what, self.bytes, self.advice
            ),
        )
    }
}

/// `Content-Length` as a byte count: ASCII digits only (no sign, no list, no spaces inside).
pub fn content_length(req: &Request) -> Result<Option<u64>, Response> {
    let Some(raw) = req.header("content-length") else {
        return Ok(None);
    };
    let v = raw.trim_matches([' ', '\t']);
    if v.is_empty() || v.len() > 19 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Response::error(
            400,
            "invalid_content_length",
            format!(
                "Content-Length `{}` is not a byte count (at most 19 digits, nothing else); send a correct one, or none",
                super::route::echo(raw, 32)
            ),
        ));
    }
    Ok(v.parse().ok())
}

/// Read the whole body, refusing as soon as it exceeds `limit`.
pub async fn read_body(
    req: &Request<'_>,
    body: &mut impl BodyStream,
    limit: &Limit,
) -> Result<Vec<u8>, Response> {
    if let Some(n) = content_length(req)? {
        if n > limit.bytes as u64 {
            return Err(limit.too_large(&n.to_string()));
        }
    }
    let mut out = Vec::new();
    while let Some(chunk) = body.next_chunk().await {
        let chunk = chunk.map_err(|e| {
            Response::error(
                400,
                "body_unreadable",
                format!(
                    "the request body could not be read: {}",
                    super::route::echo(&e, 120)
                ),
            )
        })?;
        if out.len() + chunk.len() > limit.bytes {
            return Err(limit.too_large(&format!("more than {}", limit.bytes)));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
