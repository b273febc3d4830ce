//! Which endpoint a method and path name, or the 404/405 that says what exists.

use super::http::Response;
use crate::leads::request::MAX_MESSAGE_CHARS;

/// The endpoints of the edge API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Health,
    Score,
    AdminModel,
    /// `POST /recommend` (public, like scoring).
    Recommend,
    /// `PUT /admin/profiles`: NDJSON customer profiles into the feature store.
    AdminProfiles,
    /// `GET /admin/profiles/{id}`: one stored profile.
    AdminProfile,
}

/// What the request asks of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// The endpoint's own method (GET, POST or PUT).
    Call,
    /// `HEAD` on a `GET` endpoint: the `GET` answer without its body.
    Head,
    /// `OPTIONS`: what is allowed (a CORS preflight when the browser asks).
    Options,
}

/// The API in one line, for 404 messages.
pub const API: &str = "GET /health, POST /leads/score, POST /recommend, PUT /admin/model, PUT /admin/profiles, GET /admin/profiles/{id}";

/// The prefix of `GET /admin/profiles/{id}`.
pub const PROFILE_PREFIX: &str = "/admin/profiles/";

impl Endpoint {
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Health => "/health",
            Endpoint::Score => "/leads/score",
            Endpoint::AdminModel => "/admin/model",
            Endpoint::Recommend => "/recommend",
            Endpoint::AdminProfiles => "/admin/profiles",
            Endpoint::AdminProfile => "/admin/profiles/{id}",
        }
    }

    /// Whether the endpoint is token-guarded (and answers only the configured origins).
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Endpoint::AdminModel | Endpoint::AdminProfiles | Endpoint::AdminProfile
        )
    }

    fn matches(self, path: &str) -> bool {
        match self {
            Endpoint::AdminProfile => path
                .strip_prefix(PROFILE_PREFIX)
                .is_some_and(|id| !id.is_empty() && !id.contains('/')),
            _ => self.path() == path,
        }
    }

    /// The `Allow` header: the endpoint's method, HEAD where GET exists, and OPTIONS.
    pub fn allow(self) -> &'static str {
        match self {
            Endpoint::Health => "GET, HEAD, OPTIONS",
            Endpoint::Score => "POST, OPTIONS",
            Endpoint::AdminModel | Endpoint::AdminProfiles => "PUT, OPTIONS",
            Endpoint::Recommend => "POST, OPTIONS",
            Endpoint::AdminProfile => "GET, HEAD, OPTIONS",
        }
    }

    fn method(self) -> &'static str {
        match self {
            Endpoint::Health => "GET",
            Endpoint::Score | Endpoint::Recommend => "POST",
            Endpoint::AdminModel | Endpoint::AdminProfiles => "PUT",
            Endpoint::AdminProfile => "GET",
        }
    }

    const ALL: [Endpoint; 6] = [
        Endpoint::Health,
        Endpoint::Score,
        Endpoint::AdminModel,
        Endpoint::Recommend,
        Endpoint::AdminProfiles,
        Endpoint::AdminProfile,
    ];
}

/// Route `method` and `path` (exact: no trailing slash, no case folding, no query).
pub fn route(method: &str, path: &str) -> Result<(Endpoint, Verb), Response> {
    let Some(endpoint) = Endpoint::ALL.into_iter().find(|e| e.matches(path)) else {
        return Err(not_found(path));
    };
    let verb = match method {
        m if m == endpoint.method() => Verb::Call,
        "HEAD" if endpoint.method() == "GET" => Verb::Head,
        "OPTIONS" => Verb::Options,
        _ => {
            return Err(Response::error(
                405,
                "method_not_allowed",
                format!(
                    "{} does not accept {}; it accepts {}",
                    endpoint.path(),
                    echo(method, 16),
                    endpoint.allow()
                ),
            )
            .with_header("allow", endpoint.allow()))
        }
    };
    Ok((endpoint, verb))
}

fn not_found(path: &str) -> Response {
    let trimmed = path.trim_end_matches('/');
    let hint = Endpoint::ALL
        .into_iter()
        .find(|e| !trimmed.is_empty() && trimmed != path && e.matches(trimmed))
        .map(|e| format!(" (did you mean {}? paths have no trailing slash)", e.path()))
        .unwrap_or_default();
    Response::error(
        404,
        "not_found",
        format!("no endpoint at {}{hint}; the API is {API}", echo(path, 64)),
    )
}

/// Caller input quoted in a message: at most `chars` characters, control characters escaped.
pub fn echo(s: &str, chars: usize) -> String {
    let chars = chars.min(MAX_MESSAGE_CHARS);
    let mut out: String = s
        .chars()
        .take(chars)
        .flat_map(char::escape_default)
        .collect();
    if s.chars().nth(chars).is_some() {
        out.push('…');
    }
    out
}
