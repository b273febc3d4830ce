//! Cross-origin rules: the scoring endpoints are public (`*`); the admin endpoints answer only
//! the configured app origins (`ALLOWED_ORIGINS`), so a browser tab of the Spur app can ship a
//! model it trained and no other site can make a visitor's browser try.

use super::http::Response;
use super::route::{echo, Endpoint};

/// CORS headers for a response of `endpoint` to a request from `origin`, or the 403 for an
/// admin request from an origin that is not configured. No `Origin` (curl, servers): no CORS.
pub fn headers(
    endpoint: Endpoint,
    origin: Option<&str>,
    allowed: &[String],
) -> Result<Vec<(&'static str, String)>, Response> {
    match (endpoint, origin) {
        (e, _) if !e.is_admin() => Ok(vec![("access-control-allow-origin", "*".into())]),
        (_, None) => Ok(Vec::new()),
        (_, Some(o)) if allowed.iter().any(|a| a == o) => Ok(vec![
            ("access-control-allow-origin", o.to_string()),
            ("vary", "Origin".into()),
        ]),
        (_, Some(o)) => Err(Response::error(
            403,
            "origin_not_allowed",
            format!(
                "origin {} may not use the admin endpoints; add it to the ALLOWED_ORIGINS var (comma-separated) to allow it",
                echo(o, 100)
            ),
        )
        .with_header("vary", "Origin")),
    }
}

/// The answer to `OPTIONS`: what the endpoint allows, as `Allow` and as a CORS preflight.
pub fn preflight(endpoint: Endpoint, cors: Vec<(&'static str, String)>) -> Response {
    let mut r = Response::empty(204).with_header("allow", endpoint.allow());
    if !cors.is_empty() {
        let request_headers = if endpoint.is_admin() {
            "authorization, content-type"
        } else {
            "content-type"
        };
        r = r
            .with_header("access-control-allow-methods", endpoint.allow())
            .with_header("access-control-allow-headers", request_headers)
            .with_header("access-control-max-age", "600");
        r.headers.extend(cors);
    }
    r
}

/// The configured origins: `ALLOWED_ORIGINS`, comma- or space-separated, trailing `/` ignored.
pub fn parse_origins(var: &str) -> Vec<String> {
    var.split([',', ' ', '\n'])
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect()
}
