//! Agents' devices over HTTP: an agent sees and ends their own, an admin an agent's.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, IntoResponseParts, Response, ResponseParts};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{AgentCaller, CallerDevice, PathId};
use crate::chat::{SignIn, SignInPolicy};
use crate::domain::devices::DeviceView;
use crate::domain::model::Agent;
use crate::domain::{AgentId, DeviceId};
use crate::error::{ApiError, ApiResult};
use crate::state::App;

/// The refresh cookie: sent only to the refresh route, never readable by scripts, never sent
/// from another site.
const REFRESH_COOKIE: &str = "raasel_refresh";
const REFRESH_PATH: &str = "/api/agents/refresh";

/// How sign-ins last, as configured.
pub(super) fn policy(app: &App) -> SignInPolicy {
    let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    SignInPolicy {
        keep: app.config.devices_per_agent as usize,
        access_ttl: secs(app.config.access_token_ttl),
        device_ttl: secs(app.config.sign_in_ttl),
        reuse_grace: secs(app.config.refresh_reuse_grace),
    }
}

/// Sets the refresh cookie (a new secret), or clears it (`None`).
pub struct RefreshCookie {
    value: Option<String>,
    max_age: i64,
}

impl RefreshCookie {
    pub fn clear() -> Self {
        RefreshCookie {
            value: None,
            max_age: 0,
        }
    }

    fn header(&self) -> String {
        let value = self.value.as_deref().unwrap_or("");
        format!(
            "{REFRESH_COOKIE}={value}; Path={REFRESH_PATH}; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
            self.max_age
        )
    }
}

impl IntoResponseParts for RefreshCookie {
    type Error = std::convert::Infallible;
    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Self::Error> {
        if let Ok(v) = HeaderValue::from_str(&self.header()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(res)
    }
}

/// The refresh cookie for what a sign-in or refresh issued (nothing when it issued no secret).
fn cookie_of(app: &App, signed: &mut SignIn) -> Option<RefreshCookie> {
    signed.refresh.take().map(|value| RefreshCookie {
        value: Some(value),
        max_age: policy(app).device_ttl,
    })
}

/// The agent signing in now from `ip` with user agent `ua` (a new device): an access token
/// and the refresh cookie that renews it.
pub(super) async fn new_sign_in(
    app: &App,
    agent: &Agent,
    ip: std::net::IpAddr,
    ua: Option<&str>,
) -> ApiResult<(String, Option<RefreshCookie>)> {
    let mut signed = app
        .chat
        .sign_in(&app.tokens, agent, ip.to_string(), ua, policy(app))
        .await?;
    let cookie = cookie_of(app, &mut signed);
    Ok((signed.token, cookie))
}

/// The refresh cookie's value among the request's cookies.
fn refresh_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == REFRESH_COOKIE)
        .map(|(_, value)| value)
}

/// A new access token for the device of the refresh cookie (the console calls this before its
/// token expires, and after a single sign-on); the cookie's secret is replaced. A refused
/// refresh clears the cookie.
#[utoipa::path(post, path = "/api/agents/refresh", tag = "agents",
    operation_id = "refresh_agent_token",
    responses((status = 200, body = super::agents::LoginBody), (status = 401)))]
pub async fn refresh(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(cookie) = refresh_cookie(&headers) else {
        let e = ApiError::Unauthorized("no sign-in to refresh; sign in again".into());
        return (RefreshCookie::clear(), e).into_response();
    };
    match app.chat.refresh(&app.tokens, cookie, policy(&app)).await {
        Ok((agent, mut signed)) => {
            let cookie = cookie_of(&app, &mut signed);
            let agent = match app.chat.with_online(agent).await {
                Ok(agent) => agent,
                Err(e) => return e.into_response(),
            };
            let body = super::agents::LoginBody {
                token: signed.token,
                agent,
            };
            (cookie, axum::Json(body)).into_response()
        }
        Err(e) => (RefreshCookie::clear(), e).into_response(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct DevicesBody {
    devices: Vec<DeviceView>,
}

#[derive(Serialize, ToSchema)]
pub struct EndedBody {
    /// How many devices were signed out.
    ended: usize,
}

/// The agent's devices signed in now, most recently used first (the agent, or an admin);
/// `current` marks the caller's own.
#[utoipa::path(get, path = "/api/agents/{id}/devices", tag = "agents",
    operation_id = "list_agent_devices", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = DevicesBody)))]
pub async fn list(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    CallerDevice(current): CallerDevice,
    PathId(id): PathId<AgentId>,
) -> ApiResult<axum::Json<DevicesBody>> {
    let agent = app.chat.agent_of_org(&me, id).await?;
    let devices = app.chat.devices(&me, &agent, current).await?;
    Ok(axum::Json(DevicesBody { devices }))
}

/// Signs the agent out of every device (the agent, or an admin): their tokens are refused and
/// their sockets closed on every node at once.
#[utoipa::path(delete, path = "/api/agents/{id}/devices", tag = "agents",
    operation_id = "end_agent_devices", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = EndedBody)))]
pub async fn end_all(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<AgentId>,
) -> ApiResult<axum::Json<EndedBody>> {
    let agent = app.chat.agent_of_org(&me, id).await?;
    let ended = app.chat.end_devices(&me, &agent).await?;
    Ok(axum::Json(EndedBody { ended }))
}

/// Signs one device out (its agent, or an admin): its token is refused and its sockets closed
/// on every node at once; the agent's other devices go on.
#[utoipa::path(delete, path = "/api/agents/devices/{id}", tag = "agents",
    operation_id = "end_device", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 404)))]
pub async fn end(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<DeviceId>,
) -> ApiResult<StatusCode> {
    app.chat.end_device(&me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Logs the caller out: ends the device its token belongs to (its sockets close on every node)
/// and clears the refresh cookie. A token without a device (an API token) is left as it is.
#[utoipa::path(post, path = "/api/agents/logout", tag = "agents",
    operation_id = "log_out_agent", security(("bearer" = [])),
    responses((status = 204)))]
pub async fn log_out(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    CallerDevice(current): CallerDevice,
) -> ApiResult<(RefreshCookie, StatusCode)> {
    if let Some(id) = current {
        app.chat.end_device(&me, id).await?;
    }
    Ok((RefreshCookie::clear(), StatusCode::NO_CONTENT))
}
