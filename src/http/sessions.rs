//! `/api/sessions`: conversations and their messages.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::agents::{SessionsBody, StatusQuery};
use super::extract::{AgentCaller, Caller, ClientCaller, Json, PathId, Query};
use crate::chat::{ClientSessionView, HistoryPage, SessionView};
use crate::domain::input;
use crate::domain::model::{Message, Session, SessionStatus};
use crate::domain::{AgentId, OrgId, SessionId};
use crate::error::ApiResult;
use crate::parse_fields;
use crate::state::App;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenSessionInput {
    #[schema(value_type = OrgId, required = true)]
    organization_id: Option<OrgId>,
    /// 1 to 200 characters after trimming.
    #[schema(min_length = 1)]
    subject: Option<String>,
    /// A first message (1 to 4,000 characters after trimming): stored at once, and puts the
    /// session in the assignment queue.
    #[schema(min_length = 1)]
    message: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    /// 1 to 4,000 characters after trimming.
    #[schema(value_type = String, required = true, min_length = 1)]
    content: Option<String>,
    /// Idempotency key: resending it returns the stored message.
    #[schema(min_length = 1, max_length = 64)]
    client_msg_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    #[schema(value_type = AgentId, required = true)]
    agent_id: Option<AgentId>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionStatusInput {
    /// `closed`, or `active` (an agent takes a waiting session).
    #[schema(value_type = SessionStatus, required = true)]
    status: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// 1 to 200, default 50.
    #[param(value_type = u32, minimum = 1, maximum = 200, required = false)]
    limit: Option<u32>,
    /// Only messages with a smaller seq.
    #[param(value_type = i64, minimum = 0, required = false)]
    before: Option<i64>,
    /// Only messages with a larger seq.
    #[param(value_type = i64, minimum = 0, required = false)]
    after: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    session: Session,
}

#[derive(Serialize, ToSchema)]
pub struct SessionViewBody {
    session: SessionView,
}

#[derive(Serialize, ToSchema)]
pub struct ClientSessionsBody {
    sessions: Vec<ClientSessionView>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    message: Message,
}

fn session_body(session: Session) -> axum::Json<SessionBody> {
    axum::Json(SessionBody { session })
}

/// Opens a conversation with an organization (a customer or visitor).
#[utoipa::path(post, path = "/api/sessions", tag = "sessions", operation_id = "open_session",
    request_body = OpenSessionInput, security(("bearer" = [])),
    responses((status = 201, body = SessionBody), (status = 404), (status = 429)))]
pub async fn open(
    State(app): State<App>,
    ClientCaller(client): ClientCaller,
    Json(body): Json<OpenSessionInput>,
) -> ApiResult<(StatusCode, axum::Json<SessionBody>)> {
    parse_fields!(
        org = "organization_id" => body.organization_id.ok_or_else(|| "is required".to_string()),
        subject = "subject" => input::subject(body.subject.as_deref()),
        message = "message" => body.message.as_deref().map(|m| input::content(Some(m))).transpose(),
    );
    let session = app
        .chat
        .open_session(&client, org, subject, message)
        .await?;
    Ok((StatusCode::CREATED, session_body(session)))
}

/// The caller's conversations across organizations (a customer or visitor).
#[utoipa::path(get, path = "/api/sessions", tag = "sessions", operation_id = "list_my_sessions",
    security(("bearer" = [])), responses((status = 200, body = ClientSessionsBody)))]
pub async fn mine(
    State(app): State<App>,
    ClientCaller(client): ClientCaller,
) -> ApiResult<axum::Json<ClientSessionsBody>> {
    Ok(axum::Json(ClientSessionsBody {
        sessions: app.chat.client_sessions(&client).await?,
    }))
}

/// A conversation, with the agent who answers it.
#[utoipa::path(get, path = "/api/sessions/{id}", tag = "sessions", operation_id = "get_session",
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = SessionViewBody)))]
pub async fn get_one(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<axum::Json<SessionViewBody>> {
    Ok(axum::Json(SessionViewBody {
        session: app.chat.session_view(&who, id).await?,
    }))
}

/// A window of the conversation's messages in ascending `seq`.
#[utoipa::path(get, path = "/api/sessions/{id}/messages", tag = "sessions",
    operation_id = "list_messages", params(("id" = uuid::Uuid, Path), HistoryQuery),
    security(("bearer" = [])), responses((status = 200, body = HistoryPage)))]
pub async fn messages(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<axum::Json<HistoryPage>> {
    Ok(axum::Json(
        app.chat
            .history(&who, id, q.before, q.after, q.limit)
            .await?,
    ))
}

/// Sends a message; a repeated `client_msg_id` returns the stored one.
#[utoipa::path(post, path = "/api/sessions/{id}/messages", tag = "sessions",
    operation_id = "send_message", params(("id" = uuid::Uuid, Path)), request_body = SendInput,
    security(("bearer" = [])),
    responses((status = 201, body = MessageBody), (status = 409), (status = 429)))]
pub async fn send(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<SendInput>,
) -> ApiResult<(StatusCode, axum::Json<MessageBody>)> {
    parse_fields!(
        content = "content" => input::content(body.content.as_deref()),
        client_msg_id = "client_msg_id" => input::client_msg_id(body.client_msg_id.as_deref()),
    );
    let message = app
        .chat
        .send_message(&who, id, content, client_msg_id)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(MessageBody { message })))
}

async fn org_sessions(
    app: &App,
    me: &crate::domain::model::Agent,
    org: OrgId,
    status: Option<SessionStatus>,
) -> ApiResult<axum::Json<SessionsBody>> {
    Ok(axum::Json(SessionsBody {
        sessions: app.chat.org_sessions(me, org, status).await?,
    }))
}

/// The organization's sessions: plain agents see their own and the waiting ones.
#[utoipa::path(get, path = "/api/sessions/organization/{organization_id}", tag = "sessions",
    operation_id = "list_organization_sessions",
    params(("organization_id" = uuid::Uuid, Path), StatusQuery), security(("bearer" = [])),
    responses((status = 200, body = SessionsBody)))]
pub async fn of_org(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(org): PathId<OrgId>,
    Query(q): Query<StatusQuery>,
) -> ApiResult<axum::Json<SessionsBody>> {
    org_sessions(&app, &me, org, q.parse()?).await
}

/// The organization's active sessions, as the caller may see them.
#[utoipa::path(get, path = "/api/sessions/organization/{organization_id}/active", tag = "sessions",
    operation_id = "list_active_sessions", params(("organization_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = SessionsBody)))]
pub async fn active_of_org(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(org): PathId<OrgId>,
) -> ApiResult<axum::Json<SessionsBody>> {
    org_sessions(&app, &me, org, Some(SessionStatus::Active)).await
}

/// The queue: waiting sessions, oldest first.
#[utoipa::path(get, path = "/api/sessions/organization/{organization_id}/waiting", tag = "sessions",
    operation_id = "list_waiting_sessions", params(("organization_id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = SessionsBody)))]
pub async fn waiting_of_org(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(org): PathId<OrgId>,
) -> ApiResult<axum::Json<SessionsBody>> {
    org_sessions(&app, &me, org, Some(SessionStatus::Waiting)).await
}

/// Assigns or transfers a session (supervisors, admins; an agent takes a waiting one).
#[utoipa::path(put, path = "/api/sessions/{id}/assign", tag = "sessions",
    operation_id = "assign_session", params(("id" = uuid::Uuid, Path)), request_body = AssignInput,
    security(("bearer" = [])), responses((status = 200, body = SessionBody), (status = 409)))]
pub async fn assign(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<AssignInput>,
) -> ApiResult<axum::Json<SessionBody>> {
    parse_fields!(agent = "agent_id" => body.agent_id.ok_or_else(|| "is required".to_string()));
    Ok(session_body(app.chat.assign(&me, id, agent).await?))
}

/// Changes a session's status: `closed`, or `active` by taking it.
#[utoipa::path(put, path = "/api/sessions/{id}/status", tag = "sessions",
    operation_id = "set_session_status", params(("id" = uuid::Uuid, Path)),
    request_body = SessionStatusInput, security(("bearer" = [])),
    responses((status = 200, body = SessionBody), (status = 409)))]
pub async fn set_status(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<SessionStatusInput>,
) -> ApiResult<axum::Json<SessionBody>> {
    parse_fields!(status = "status" => input::one_of::<SessionStatus>(body.status.as_deref()));
    Ok(session_body(
        app.chat.set_session_status(&who, id, status).await?,
    ))
}

/// Closes a session (its client, the assigned agent, supervisors, admins).
#[utoipa::path(put, path = "/api/sessions/{id}/close", tag = "sessions",
    operation_id = "close_session", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = SessionBody)))]
pub async fn close(
    State(app): State<App>,
    Caller(who): Caller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<axum::Json<SessionBody>> {
    Ok(session_body(app.chat.close(&who, id).await?))
}
