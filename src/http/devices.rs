//! Agents' devices over HTTP: an agent sees and ends their own, an admin an agent's.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{AgentCaller, CallerDevice, PathId};
use crate::domain::devices::DeviceView;
use crate::domain::model::Agent;
use crate::domain::{AgentId, DeviceId};
use crate::error::ApiResult;
use crate::state::App;

/// A token for the agent signing in now from `ip` with user agent `ua` (a new device).
pub(super) async fn new_device_token(
    app: &App,
    agent: &Agent,
    ip: std::net::IpAddr,
    ua: Option<&str>,
) -> ApiResult<String> {
    let keep = app.config.devices_per_agent as usize;
    app.chat
        .sign_in(&app.tokens, agent, ip.to_string(), ua, keep)
        .await
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

/// Logs the caller out: ends the device its token belongs to (its sockets close on every node).
/// A token without a device (an API token) is left as it is.
#[utoipa::path(post, path = "/api/agents/logout", tag = "agents",
    operation_id = "log_out_agent", security(("bearer" = [])),
    responses((status = 204)))]
pub async fn log_out(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    CallerDevice(current): CallerDevice,
) -> ApiResult<StatusCode> {
    if let Some(id) = current {
        app.chat.end_device(&me, id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
