//! Request extractors: who is calling (the signature of a handler states who may call it),
//! JSON bodies, path ids and query strings, each failing with the API's own errors.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::auth;
use crate::domain::input;
use crate::domain::model::{Agent, Client};
use crate::domain::permissions::{self, Identity};
use crate::error::{ApiError, ApiResult};
use crate::state::App;

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn identity(parts: &Parts, app: &App) -> ApiResult<Identity> {
    let token = bearer(parts).ok_or_else(ApiError::unauthorized)?;
    let who = app.accounts.authenticate(&app.tokens, token).await;
    match &who {
        Ok(who) => record_caller(who),
        Err(_) => tracing::info!("request with an invalid or revoked token"),
    }
    who
}

/// Names the caller in the request's span.
fn record_caller(who: &Identity) {
    let span = tracing::Span::current();
    match who {
        Identity::Agent(a) => {
            span.record("org", tracing::field::display(a.organization_id));
            span.record("user", tracing::field::display(a.id));
        }
        Identity::Client(c) => {
            if let Some(org) = c.organization_id {
                span.record("org", tracing::field::display(org));
            }
            span.record("user", tracing::field::display(c.id));
        }
    }
}

/// Any signed-in agent or client.
pub struct Caller(pub Identity);

/// An optional caller: anonymous requests pass, bad tokens do not.
pub struct MaybeCaller(pub Option<Identity>);

/// A signed-in agent of any role.
pub struct AgentCaller(pub Agent);

/// A signed-in agent with the admin role (of their own organization).
pub struct Admin(pub Agent);

/// A signed-in customer or widget visitor.
pub struct ClientCaller(pub Client);

/// The agent's device the caller's token belongs to, if any (read from the token alone: use
/// it beside an extractor that authenticates).
pub struct CallerDevice(pub Option<crate::domain::DeviceId>);

/// The caller's `User-Agent`, if it sent one.
pub struct UserAgent(pub Option<String>);

/// The platform operator, by the configured operator token.
pub struct Operator;

/// An agent (whose rights the handler checks) or the platform operator.
pub enum AgentOrOperator {
    Agent(Agent),
    Operator,
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        identity(parts, app).await.map(Caller)
    }
}

impl FromRequestParts<App> for MaybeCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        if bearer(parts).is_none() {
            return Ok(MaybeCaller(None));
        }
        identity(parts, app).await.map(|i| MaybeCaller(Some(i)))
    }
}

impl FromRequestParts<App> for AgentCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        let who = identity(parts, app).await?;
        permissions::agent_of(&who)
            .map(|a| AgentCaller(a.clone()))
            .map_err(|_| ApiError::Forbidden("this needs an agent's token".into()))
    }
}

impl FromRequestParts<App> for Admin {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        let AgentCaller(a) = AgentCaller::from_request_parts(parts, app).await?;
        permissions::can_administer(&a, a.organization_id)
            .map_err(|_| ApiError::Forbidden("this needs an admin".into()))?;
        Ok(Admin(a))
    }
}

impl FromRequestParts<App> for ClientCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        match identity(parts, app).await? {
            Identity::Client(c) => Ok(ClientCaller(c)),
            Identity::Agent(_) => Err(ApiError::Forbidden("this needs a customer's token".into())),
        }
    }
}

impl FromRequestParts<App> for CallerDevice {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        let claims = bearer(parts).and_then(|t| app.tokens.verify(t));
        Ok(CallerDevice(
            claims.and_then(|c| c.sid).map(crate::domain::DeviceId),
        ))
    }
}

impl FromRequestParts<App> for UserAgent {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &App) -> ApiResult<Self> {
        let ua = parts.headers.get(axum::http::header::USER_AGENT);
        Ok(UserAgent(
            ua.and_then(|v| v.to_str().ok()).map(str::to_string),
        ))
    }
}

fn is_operator(parts: &Parts, app: &App) -> bool {
    match (bearer(parts), app.config.operator_token.as_deref()) {
        (Some(given), Some(expected)) if !expected.is_empty() => auth::same_secret(given, expected),
        _ => false,
    }
}

/// Whether the caller presents the operator token (anyone may call).
pub struct IsOperator(pub bool);

impl FromRequestParts<App> for IsOperator {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        Ok(IsOperator(is_operator(parts, app)))
    }
}

impl FromRequestParts<App> for Operator {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        if is_operator(parts, app) {
            return Ok(Operator);
        }
        // A signed-in account is forbidden; anything else is not a valid token at all.
        identity(parts, app).await?;
        Err(ApiError::Forbidden(
            "this needs the platform operator's token".into(),
        ))
    }
}

impl FromRequestParts<App> for AgentOrOperator {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        if is_operator(parts, app) {
            return Ok(AgentOrOperator::Operator);
        }
        AgentCaller::from_request_parts(parts, app)
            .await
            .map(|AgentCaller(a)| AgentOrOperator::Agent(a))
    }
}

/// The caller's address: the peer's, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy (entries to its left were
/// written by the client and prove nothing).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<App> for ClientIp {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([127, 0, 0, 1]));
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = client_address(peer, &forwarded, &app.config.trusted_proxies);
        tracing::Span::current().record("ip", tracing::field::display(ip));
        Ok(ClientIp(ip))
    }
}

/// Walks the forwarding chain from the peer backwards while each hop is a trusted proxy.
fn client_address(peer: IpAddr, forwarded: &[&str], trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    let hops = forwarded
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

/// A JSON body. Malformed JSON is a 400 that never quotes the input; an oversize body a 413.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> FromRequest<App> for Json<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, app: &App) -> ApiResult<Self> {
        let bytes = Bytes::from_request(req, app).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::bad_request("the request body could not be read")
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses JSON, describing a problem by kind and position only (no input is echoed). A string
/// holding a control character no person types is refused here, whatever the route, so no
/// store ever sees one.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    // Every body of the API is an object; serde would also read a struct from an array of its
    // fields in order (`[null, null]`), which no document allows.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(ApiError::bad_request(
            "invalid JSON body: it must be an object".to_string(),
        ));
    }
    if input::json_may_hold_control(bytes)
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = input::control_in(&value)
    {
        return Err(ApiError::field(&field, input::CONTROL_PROBLEM));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let msg = e.to_string();
        let detail = if e.is_data()
            && (msg.starts_with("missing field") || msg.starts_with("unknown field"))
        {
            msg
        } else if e.is_data() {
            format!(
                "a field has the wrong type (line {}, column {})",
                e.line(),
                e.column()
            )
        } else {
            format!("malformed JSON (line {}, column {})", e.line(), e.column())
        };
        ApiError::bad_request(format!("invalid JSON body: {detail}"))
    })
}

/// A path id; an id that cannot exist answers 404 like an unknown one.
pub struct PathId<T>(pub T);

impl<T: std::str::FromStr + Send> FromRequestParts<App> for PathId<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, app)
                .await
                .map_err(|_| ApiError::not_found("resource"))?;
        raw.parse()
            .map(PathId)
            .map_err(|_| ApiError::not_found("resource"))
    }
}

/// A query string; a malformed one is a 400.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<App> for Query<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, app: &App) -> ApiResult<Self> {
        let pairs = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes());
        for (key, value) in pairs {
            if key
                .chars()
                .chain(value.chars())
                .any(input::is_forbidden_control)
            {
                return Err(ApiError::field(&key, input::CONTROL_PROBLEM));
            }
        }
        axum::extract::Query::<T>::from_request_parts(parts, app)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::bad_request(format!("invalid query string: {}", e.body_text())))
    }
}

/// A field that may be absent (`None`) or sent, `null` included (`Some(Value::Null)`).
pub fn sent_as_is<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    use serde::Deserialize;
    serde_json::Value::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_count_only_behind_trusted_proxies() {
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // No trusted proxy in front: the header is the client's own writing.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["1.2.3.4"], &proxies),
            ip("203.0.113.9")
        );
        // One proxy: the entry it appended is the client.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["1.2.3.4"], &proxies),
            ip("1.2.3.4")
        );
        // A forged left-most entry is ignored: the proxy appended the real address last.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["6.6.6.6, 198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        // Two proxies in a row, the header split across lines.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.7", "10.1.1.1"], &proxies),
            ip("198.51.100.7")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["nonsense"], &proxies),
            ip("10.0.0.2")
        );
    }
}
