//! Agents' second factor over HTTP. Setting one up signs in with the password (the same limits
//! as a login), so an agent whose organization requires one can set it up before they have a
//! token; turning it on signs them in.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::agents::{LoginBody, LoginInput, signed_in};
use super::devices::RefreshCookie;
use super::extract::{AgentCaller, ClientIp, Json, PathId, UserAgent};
use crate::chat::{Chat, SecondFactorSetup, SecondFactorStatus};
use crate::domain::AgentId;
use crate::error::{ApiError, ApiResult};
use crate::state::App;

#[derive(Serialize, ToSchema)]
pub struct EnabledBody {
    #[serde(flatten)]
    signed_in: LoginBody,
    /// Ten single-use codes for when the phone is away: shown this once.
    recovery_codes: Vec<String>,
}

/// Starts setting up the agent's second factor (e-mail and password, as a sign-in): the
/// secret and QR code for an authenticator app. Nothing is asked at sign-in until a code
/// confirms it.
#[utoipa::path(post, path = "/api/agents/second-factor", tag = "agents",
    operation_id = "start_second_factor", request_body = LoginInput,
    responses((status = 201, body = SecondFactorSetup), (status = 401), (status = 409),
        (status = 429)))]
pub async fn start(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginInput>,
) -> ApiResult<(StatusCode, axum::Json<SecondFactorSetup>)> {
    let agent = body.agent(&app, ip).await?;
    let setup = app.chat.start_second_factor(&agent).await?;
    Ok((StatusCode::CREATED, axum::Json(setup)))
}

/// Turns the second factor on with the app's current code (in `code`) and signs the agent in;
/// the answer carries ten recovery codes, shown this once.
#[utoipa::path(put, path = "/api/agents/second-factor", tag = "agents",
    operation_id = "enable_second_factor", request_body = LoginInput,
    responses((status = 200, body = EnabledBody), (status = 401), (status = 409),
        (status = 429)))]
pub async fn enable(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    Json(body): Json<LoginInput>,
) -> ApiResult<(Option<RefreshCookie>, axum::Json<EnabledBody>)> {
    let agent = body.agent(&app, ip).await?;
    let code = body
        .code()
        .ok_or_else(|| ApiError::field("code", "is required"))?;
    let recovery_codes = app.chat.enable_second_factor(&agent, code).await?;
    audit(&app, &agent, &agent, "agent.second_factor_on", ip).await;
    let (cookie, axum::Json(signed_in)) = signed_in(&app, agent, ip, ua.as_deref()).await?;
    Ok((
        cookie,
        axum::Json(EnabledBody {
            signed_in,
            recovery_codes,
        }),
    ))
}

/// Whether the agent's second factor is on (themself or an admin).
#[utoipa::path(get, path = "/api/agents/{id}/second-factor", tag = "agents",
    operation_id = "second_factor_status", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = SecondFactorStatus)))]
pub async fn status(
    State(app): State<App>,
    AgentCaller(actor): AgentCaller,
    PathId(id): PathId<AgentId>,
) -> ApiResult<axum::Json<SecondFactorStatus>> {
    let agent = app.chat.agent_of_org(&actor, id).await?;
    Ok(axum::Json(
        app.chat.second_factor_status(&actor, &agent).await?,
    ))
}

/// Turns the agent's second factor off: themself (unless the organization requires one), or
/// an admin resetting a lost one.
#[utoipa::path(delete, path = "/api/agents/{id}/second-factor", tag = "agents",
    operation_id = "remove_second_factor", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn remove(
    State(app): State<App>,
    AgentCaller(actor): AgentCaller,
    ClientIp(ip): ClientIp,
    PathId(id): PathId<AgentId>,
) -> ApiResult<StatusCode> {
    let agent = app.chat.agent_of_org(&actor, id).await?;
    app.chat.remove_second_factor(&actor, &agent).await?;
    audit(&app, &actor, &agent, "agent.second_factor_off", ip).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(
    app: &App,
    actor: &crate::domain::model::Agent,
    agent: &crate::domain::model::Agent,
    action: &str,
    ip: std::net::IpAddr,
) {
    app.chat
        .audit(
            agent.organization_id,
            Chat::actor(actor),
            action,
            Some(agent.id.to_string()),
            json!({}),
            Some(ip.to_string()),
        )
        .await;
}
