//! `/api/agents`: login, the organization's team, profiles, passwords and status.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::devices::RefreshCookie;
use super::extract::{Admin, AgentCaller, ClientIp, Json, PathId, Query, UserAgent};
use crate::chat::Chat;
use crate::domain::input;
use crate::domain::model::{Agent, AgentStatus, Role, Session, SessionStatus};
use crate::domain::{AgentId, OrgId};
use crate::error::{ApiError, ApiResult};
use crate::parse_fields;
use crate::state::App;
use crate::store::AgentChanges;
use crate::{accounts, auth};
use serde_json::json;

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn absent_or_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    #[schema(value_type = String, required = true, format = Email)]
    email: Option<String>,
    #[schema(value_type = String, required = true)]
    password: Option<String>,
    /// Needed only when the e-mail belongs to agents of several organizations.
    organization_id: Option<OrgId>,
    domain: Option<String>,
    /// The code of the agent's authenticator app (or a recovery code), when their second
    /// factor is on: without it the answer is 401 `second_factor_required`.
    code: Option<String>,
}

impl LoginInput {
    /// The agent these credentials sign in (password checked, limits counted, failures
    /// audited).
    pub(super) async fn agent(&self, app: &App, ip: std::net::IpAddr) -> ApiResult<Agent> {
        app.limits.auth_ip(ip).await?;
        parse_fields!(
            email = "email" => input::email(self.email.as_deref()),
            password = "password" => self.password.clone().ok_or_else(|| "is required".to_string()),
        );
        app.limits.auth_account(&email).await?;
        let choice = match (self.organization_id, self.domain.clone()) {
            (Some(id), _) => accounts::OrgChoice::Id(id),
            (None, Some(domain)) => accounts::OrgChoice::Domain(domain),
            (None, None) => accounts::OrgChoice::Any,
        };
        match app.accounts.agent_login(&email, password, choice).await {
            Ok(agent) => {
                app.chat.password_sign_in_allowed(&agent).await?;
                Ok(agent)
            }
            Err(e) => {
                failed_login(app, &email, ip).await;
                Err(e)
            }
        }
    }

    pub(super) fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgentInput {
    /// 1 to 100 characters after trimming.
    #[schema(value_type = String, required = true, min_length = 1)]
    name: Option<String>,
    #[schema(value_type = String, required = true, format = Email)]
    email: Option<String>,
    #[schema(value_type = String, required = true, min_length = 8, max_length = 256)]
    password: Option<String>,
    /// Default `agent`.
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
    /// The agent's own capacity; without it the organization's applies.
    #[schema(minimum = 1, maximum = 100)]
    max_concurrent_sessions: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgentInput {
    /// 1 to 100 characters after trimming.
    #[schema(min_length = 1)]
    name: Option<String>,
    #[schema(format = Email)]
    email: Option<String>,
    /// Admins only.
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
    /// A number sets the agent's own capacity; `null` returns to the organization's. Admins only.
    #[serde(default, deserialize_with = "absent_or_null")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 100)]
    max_concurrent_sessions: Option<Option<i64>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    /// Required when changing one's own password.
    current_password: Option<String>,
    #[schema(value_type = String, required = true, min_length = 8, max_length = 256)]
    new_password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    #[schema(value_type = AgentStatus, required = true)]
    status: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// Only sessions with this status.
    #[param(value_type = SessionStatus, required = false)]
    status: Option<String>,
}

impl StatusQuery {
    pub fn parse(&self) -> ApiResult<Option<SessionStatus>> {
        self.status
            .as_deref()
            .map(|s| s.parse().map_err(|e: String| ApiError::field("status", e)))
            .transpose()
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginBody {
    /// The access token (good for `--access-token-ttl`; renewed with the refresh cookie).
    pub(super) token: String,
    pub(super) agent: Agent,
}

#[derive(Serialize, ToSchema)]
pub struct AgentBody {
    agent: Agent,
    /// A fresh token, when the caller changed their own password (the old one is revoked).
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AgentsBody {
    agents: Vec<Agent>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionsBody {
    pub sessions: Vec<Session>,
}

fn agent_body(agent: Agent) -> axum::Json<AgentBody> {
    axum::Json(AgentBody { agent, token: None })
}

/// Logs an agent in; the organization is needed only when the e-mail is in several.
#[utoipa::path(post, path = "/api/agents/login", tag = "agents", operation_id = "log_in_agent",
    request_body = LoginInput,
    responses((status = 200, body = LoginBody), (status = 401), (status = 429)))]
pub async fn login(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    Json(body): Json<LoginInput>,
) -> ApiResult<(Option<RefreshCookie>, axum::Json<LoginBody>)> {
    let agent = body.agent(&app, ip).await?;
    if let Err(e) = app.chat.second_step(&agent, body.code()).await {
        if matches!(e, ApiError::Unauthorized(_)) {
            failed_login(&app, &agent.email, ip).await;
        }
        return Err(e);
    }
    signed_in(&app, agent, ip, ua.as_deref()).await
}

/// The answer to a sign-in that passed every step: a token for a new device and its refresh
/// cookie, the agent, an audit entry.
pub(super) async fn signed_in(
    app: &App,
    agent: Agent,
    ip: std::net::IpAddr,
    ua: Option<&str>,
) -> ApiResult<(Option<RefreshCookie>, axum::Json<LoginBody>)> {
    let agent = app.chat.with_online(agent).await?;
    tracing::info!(agent = %agent.id, org = %agent.organization_id, %ip, "agent logged in");
    let actor = Chat::actor(&agent);
    let target = Some(agent.id.to_string());
    app.chat
        .audit(
            agent.organization_id,
            actor,
            "agent.login",
            target,
            json!({}),
            Some(ip.to_string()),
        )
        .await;
    let (token, cookie) = super::devices::new_sign_in(app, &agent, ip, ua).await?;
    Ok((cookie, axum::Json(LoginBody { token, agent })))
}

/// Creates an agent in the admin's organization.
#[utoipa::path(post, path = "/api/agents", tag = "agents", operation_id = "create_agent",
    request_body = CreateAgentInput, security(("bearer" = [])),
    responses((status = 201, body = AgentBody), (status = 409)))]
pub async fn create(
    State(app): State<App>,
    Admin(admin): Admin,
    ClientIp(ip): ClientIp,
    Json(body): Json<CreateAgentInput>,
) -> ApiResult<(StatusCode, axum::Json<AgentBody>)> {
    parse_fields!(
        name = "name" => input::name(body.name.as_deref()),
        email = "email" => input::email(body.email.as_deref()),
        password = "password" => input::password(body.password.as_deref()),
        role = "role" => body.role.as_deref().map_or(Ok(Role::Agent), |r| input::one_of(Some(r))),
        capacity = "max_concurrent_sessions" => body.max_concurrent_sessions.map(input::capacity).transpose(),
    );
    let agent = app
        .accounts
        .create_agent(admin.organization_id, name, email, password, role, capacity)
        .await?;
    let details = json!({ "name": agent.name, "email": agent.email, "role": agent.role });
    let target = Some(agent.id.to_string());
    app.chat
        .audit(
            admin.organization_id,
            Chat::actor(&admin),
            "agent.created",
            target,
            details,
            Some(ip.to_string()),
        )
        .await;
    Ok((StatusCode::CREATED, agent_body(agent)))
}

/// An agent of the caller's organization.
#[utoipa::path(get, path = "/api/agents/{id}", tag = "agents", operation_id = "get_agent",
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = AgentBody)))]
pub async fn get_one(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<AgentId>,
) -> ApiResult<axum::Json<AgentBody>> {
    Ok(agent_body(app.chat.agent_of_org(&me, id).await?))
}

/// The organization's agents, with `online`.
#[utoipa::path(get, path = "/api/agents/organization/{organization_id}", tag = "agents",
    operation_id = "list_agents", params(("organization_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = AgentsBody)))]
pub async fn list(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(org): PathId<OrgId>,
) -> ApiResult<axum::Json<AgentsBody>> {
    let agents = app.chat.agents_of(&me, org).await?;
    Ok(axum::Json(AgentsBody { agents }))
}

/// The agents who can take a conversation now.
#[utoipa::path(get, path = "/api/agents/organization/{organization_id}/available", tag = "agents",
    operation_id = "list_available_agents", params(("organization_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = AgentsBody)))]
pub async fn available(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(org): PathId<OrgId>,
) -> ApiResult<axum::Json<AgentsBody>> {
    let agents = app.chat.available_agents(&me, org).await?;
    Ok(axum::Json(AgentsBody { agents }))
}

/// Changes name and e-mail (the agent or an admin), role and capacity (an admin).
#[utoipa::path(put, path = "/api/agents/{id}", tag = "agents", operation_id = "update_agent",
    params(("id" = uuid::Uuid, Path)), request_body = UpdateAgentInput, security(("bearer" = [])),
    responses((status = 200, body = AgentBody), (status = 409)))]
pub async fn update(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<AgentId>,
    ClientIp(ip): ClientIp,
    Json(body): Json<UpdateAgentInput>,
) -> ApiResult<axum::Json<AgentBody>> {
    parse_fields!(
        name = "name" => body.name.as_deref().map(|n| input::name(Some(n))).transpose(),
        email = "email" => body.email.as_deref().map(|e| input::email(Some(e))).transpose(),
        role = "role" => body.role.as_deref().map(|r| input::one_of::<Role>(Some(r))).transpose(),
        capacity = "max_concurrent_sessions" => body.max_concurrent_sessions.map(|c| c.map(input::capacity).transpose()).transpose(),
    );
    let details =
        json!({ "name": name, "email": email, "role": role, "max_concurrent_sessions": capacity });
    let changes = AgentChanges {
        name,
        email,
        role,
        status: None,
        max_concurrent_sessions: capacity,
    };
    let agent = app.chat.update_agent(&me, id, changes).await?;
    let target = Some(agent.id.to_string());
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "agent.updated",
            target,
            details,
            Some(ip.to_string()),
        )
        .await;
    Ok(agent_body(agent))
}

/// Changes a password and revokes the agent's earlier tokens.
#[utoipa::path(put, path = "/api/agents/{id}/password", tag = "agents",
    operation_id = "change_agent_password", params(("id" = uuid::Uuid, Path)),
    request_body = PasswordInput, security(("bearer" = [])),
    responses((status = 200, body = AgentBody)))]
pub async fn change_password(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<AgentId>,
    ClientIp(ip): ClientIp,
    UserAgent(ua): UserAgent,
    Json(body): Json<PasswordInput>,
) -> ApiResult<(Option<RefreshCookie>, axum::Json<AgentBody>)> {
    let target = app.chat.password_owner(&me, id).await?;
    parse_fields!(new_password = "new_password" => input::password(body.new_password.as_deref()));
    let is_self = me.id == target.id;
    if is_self {
        let current = body
            .current_password
            .ok_or_else(|| ApiError::field("current_password", "is required"))?;
        // Guessing the current password with a stolen token is throttled like logins.
        app.limits.auth_account(&me.email).await?;
        app.accounts.check_current_password(&me, current).await?;
    }
    let hash = auth::hash_password(new_password).await?;
    app.chat.set_agent_password(&me, &target, &hash).await?;
    let whose = Some(target.id.to_string());
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "agent.password_changed",
            whose,
            json!({}),
            Some(ip.to_string()),
        )
        .await;
    let agent = app.chat.agent_of_org(&me, id).await?;
    // The change signed out every device; this one signs in again.
    let (token, cookie) = match is_self {
        true => {
            let (token, cookie) =
                super::devices::new_sign_in(&app, &agent, ip, ua.as_deref()).await?;
            (Some(token), cookie)
        }
        false => (None, None),
    };
    Ok((cookie, axum::Json(AgentBody { agent, token })))
}

/// Sets an agent's availability (the agent, a supervisor or an admin).
#[utoipa::path(put, path = "/api/agents/{id}/status", tag = "agents",
    operation_id = "set_agent_status", params(("id" = uuid::Uuid, Path)),
    request_body = StatusInput, security(("bearer" = [])),
    responses((status = 200, body = AgentBody)))]
pub async fn set_status(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<AgentId>,
    Json(body): Json<StatusInput>,
) -> ApiResult<axum::Json<AgentBody>> {
    parse_fields!(status = "status" => input::one_of::<AgentStatus>(body.status.as_deref()));
    Ok(agent_body(
        app.chat.set_agent_status(&me, id, status).await?,
    ))
}

/// An agent's sessions.
#[utoipa::path(get, path = "/api/agents/{id}/sessions", tag = "agents",
    operation_id = "list_agent_sessions", params(("id" = uuid::Uuid, Path), StatusQuery),
    security(("bearer" = [])), responses((status = 200, body = SessionsBody)))]
pub async fn sessions(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<AgentId>,
    Query(q): Query<StatusQuery>,
) -> ApiResult<axum::Json<SessionsBody>> {
    let sessions = app.chat.agent_sessions(&me, id, q.parse()?).await?;
    Ok(axum::Json(SessionsBody { sessions }))
}

/// Deletes an agent; their active sessions return to the queue.
#[utoipa::path(delete, path = "/api/agents/{id}", tag = "agents", operation_id = "delete_agent",
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 409)))]
pub async fn delete(
    State(app): State<App>,
    AgentCaller(admin): AgentCaller,
    PathId(id): PathId<AgentId>,
    ClientIp(ip): ClientIp,
) -> ApiResult<StatusCode> {
    app.chat.delete_agent(&admin, id).await?;
    let target = Some(id.to_string());
    app.chat
        .audit(
            admin.organization_id,
            Chat::actor(&admin),
            "agent.deleted",
            target,
            json!({}),
            Some(ip.to_string()),
        )
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// A failed sign-in, in the audit log of each organization that has an agent with this e-mail
/// (the caller learns nothing of them).
async fn failed_login(app: &App, email: &str, ip: std::net::IpAddr) {
    let Ok(accounts) = app.chat.store.agent_logins(email).await else {
        return;
    };
    for (agent, _) in accounts {
        let actor = crate::domain::audit::Actor::Anonymous {
            tried: email.to_string(),
        };
        let target = Some(agent.id.to_string());
        app.chat
            .audit(
                agent.organization_id,
                actor,
                "agent.login_failed",
                target,
                json!({}),
                Some(ip.to_string()),
            )
            .await;
    }
}
