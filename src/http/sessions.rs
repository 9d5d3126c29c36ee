//! `/api/sessions`: conversations and their messages.

use crate::chat::Draft;
use crate::domain::AttachmentId;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::agents::SessionsBody;
use super::extract::{AgentCaller, Caller, ClientCaller, ClientIp, Json, PathId, Query};
use crate::chat::{ClientSessionView, HistoryPage, Opening, SessionView};
use crate::domain::contacts::{self, ReportedContext, VisitContext};
use crate::domain::input;
use crate::domain::model::{Message, Priority, Session, SessionStatus};
use crate::domain::{AgentId, LabelId, OrgId, SessionId, TeamId};
use crate::error::ApiResult;
use crate::parse_fields;
use crate::state::App;
use crate::store::{SessionFilter, SessionSort};

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
    /// What the widget sees of the visit (page, referrer, browser, language, time zone), for
    /// the agents' customer panel.
    context: Option<ReportedContext>,
    /// Custom attributes of the customer set by the site (at most 50; a text of at most 500
    /// characters, a number or true/false each; `null` removes one).
    #[schema(value_type = Option<Object>)]
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
    /// The team to talk to (one of the organization's; default: its default team).
    team_id: Option<TeamId>,
    /// Answers to the organization's pre-chat form (its profile's `prechat`); a required one
    /// missing is named `prechat.<question>`.
    prechat: Option<crate::domain::prechat::PrechatAnswers>,
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
    /// A private note of the organization's agents (agents only): never shown to the customer.
    internal: Option<bool>,
    /// Files uploaded to this conversation by the sender (`POST /api/sessions/{id}/attachments`),
    /// at most 10; `content` may then be empty.
    #[schema(max_items = 10)]
    attachments: Option<Vec<AttachmentId>>,
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
    ClientIp(peer): ClientIp,
    Json(body): Json<OpenSessionInput>,
) -> ApiResult<(StatusCode, axum::Json<SessionBody>)> {
    let ip = app.config.record_visitor_ip.then(|| peer.to_string());
    parse_fields!(
        org = "organization_id" => body.organization_id.ok_or_else(|| "is required".to_string()),
        subject = "subject" => input::subject(body.subject.as_deref()),
        message = "message" => body.message.as_deref().map(|m| input::content(Some(m))).transpose(),
        context = "context" => contacts::visit_context(&body.context.unwrap_or_default(), ip),
        attributes = "attributes" => body.attributes.as_ref().map(contacts::attributes).transpose(),
    );
    let opening = Opening {
        subject,
        first_message: message,
        context: Some(context),
        attributes,
        team: body.team_id,
        prechat: body.prechat,
    };
    let session = app.chat.open_session(&client, org, opening).await?;
    Ok((StatusCode::CREATED, session_body(session.for_customer())))
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
    let draft = Draft::parse(
        body.content.as_deref(),
        body.client_msg_id.as_deref(),
        body.internal,
        body.attachments.as_deref(),
    )?;
    let message = app.chat.post(&who, id, draft).await?;
    Ok((StatusCode::CREATED, axum::Json(MessageBody { message })))
}

async fn org_sessions(
    app: &App,
    me: &crate::domain::model::Agent,
    org: OrgId,
    filter: SessionFilter,
) -> ApiResult<axum::Json<SessionsBody>> {
    Ok(axum::Json(SessionsBody {
        sessions: app.chat.org_sessions(me, org, filter).await?,
    }))
}

/// The list as one status shows it: the queue longest waiting first, others newest first.
fn with_status(status: SessionStatus) -> SessionFilter {
    SessionFilter {
        status: Some(status),
        sort: match status {
            SessionStatus::Waiting => SessionSort::Waiting,
            _ => SessionSort::Newest,
        },
        ..Default::default()
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionListQuery {
    /// Only sessions with this status.
    #[param(value_type = SessionStatus, required = false)]
    status: Option<String>,
    /// Only sessions assigned to this agent.
    #[param(value_type = uuid::Uuid, required = false)]
    agent_id: Option<String>,
    /// Only sessions with this label.
    #[param(value_type = uuid::Uuid, required = false)]
    label: Option<String>,
    /// Only sessions with this priority.
    #[param(value_type = Priority, required = false)]
    priority: Option<String>,
    /// Only sessions of this team.
    #[param(value_type = uuid::Uuid, required = false)]
    team: Option<String>,
    /// `true`: only snoozed conversations; `false`: only the others.
    #[param(value_type = bool, required = false)]
    snoozed: Option<String>,
    /// `newest` (default; `waiting` for the queue), `activity`, `waiting` (longest waiting
    /// first) or `priority` (most urgent first).
    #[param(required = false)]
    sort: Option<String>,
}

impl SessionListQuery {
    fn filter(&self) -> ApiResult<SessionFilter> {
        parse_fields!(
            status = "status" => self.status.as_deref().map(|s| s.parse()).transpose(),
            agent = "agent_id" => self.agent_id.as_deref().map(|s| s.parse().map_err(|_| "must be an agent id".to_string())).transpose(),
            label = "label" => self.label.as_deref().map(|s| s.parse().map_err(|_| "must be a label id".to_string())).transpose(),
            priority = "priority" => self.priority.as_deref().map(|s| s.parse()).transpose(),
            sort = "sort" => self.sort.as_deref().map(sort_order).transpose(),
            team = "team" => self.team.as_deref().map(|s| s.parse().map_err(|_| "must be a team id".to_string())).transpose(),
            snoozed = "snoozed" => self.snoozed.as_deref().map(|s| s.parse::<bool>().map_err(|_| "must be true or false".to_string())).transpose(),
        );
        let default = status.map(with_status).unwrap_or_default();
        Ok(SessionFilter {
            status,
            agent,
            label,
            priority,
            snoozed,
            team,
            sort: sort.unwrap_or(default.sort),
            ..default
        })
    }
}

fn sort_order(s: &str) -> Result<SessionSort, String> {
    match s {
        "newest" => Ok(SessionSort::Newest),
        "activity" => Ok(SessionSort::Activity),
        "waiting" => Ok(SessionSort::Waiting),
        "priority" => Ok(SessionSort::Priority),
        _ => Err("must be one of: newest, activity, waiting, priority".into()),
    }
}

/// The organization's sessions, filtered and sorted: plain agents see their own and the
/// waiting ones.
#[utoipa::path(get, path = "/api/sessions/organization/{organization_id}", tag = "sessions",
    operation_id = "list_organization_sessions",
    params(("organization_id" = uuid::Uuid, Path), SessionListQuery), security(("bearer" = [])),
    responses((status = 200, body = SessionsBody)))]
pub async fn of_org(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(org): PathId<OrgId>,
    Query(q): Query<SessionListQuery>,
) -> ApiResult<axum::Json<SessionsBody>> {
    org_sessions(&app, &me, org, q.filter()?).await
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
    org_sessions(&app, &me, org, with_status(SessionStatus::Active)).await
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
    org_sessions(&app, &me, org, with_status(SessionStatus::Waiting)).await
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
        app.chat
            .set_session_status(&who, id, status)
            .await?
            .as_seen_by(who.side()),
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
    let closed = app.chat.close(&who, id).await?;
    Ok(session_body(closed.as_seen_by(who.side())))
}

/// Opens a closed conversation again; the reopening agent answers it (plain agents: one that was
/// theirs or nobody's).
#[utoipa::path(put, path = "/api/sessions/{id}/reopen", tag = "sessions",
    operation_id = "reopen_session", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = SessionBody)))]
pub async fn reopen(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<axum::Json<SessionBody>> {
    Ok(session_body(app.chat.reopen(&me, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelsInput {
    /// The labels the conversation has from now on (at most 10 of the organization's).
    #[schema(value_type = Vec<LabelId>, required = true)]
    labels: Option<Vec<LabelId>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityInput {
    #[schema(value_type = Priority, required = true)]
    priority: Option<String>,
}

/// Sets a conversation's labels; the organization's agents see it live (`session_updated`).
#[utoipa::path(put, path = "/api/sessions/{id}/labels", tag = "sessions",
    operation_id = "set_session_labels", params(("id" = uuid::Uuid, Path)),
    request_body = LabelsInput, security(("bearer" = [])),
    responses((status = 200, body = SessionBody)))]
pub async fn set_labels(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<LabelsInput>,
) -> ApiResult<axum::Json<SessionBody>> {
    parse_fields!(labels = "labels" => body.labels.ok_or_else(|| "is required".to_string()));
    Ok(session_body(
        app.chat.tag_session(&me, id, Some(labels), None).await?,
    ))
}

/// Sets a conversation's priority; the organization's agents see it live (`session_updated`).
#[utoipa::path(put, path = "/api/sessions/{id}/priority", tag = "sessions",
    operation_id = "set_session_priority", params(("id" = uuid::Uuid, Path)),
    request_body = PriorityInput, security(("bearer" = [])),
    responses((status = 200, body = SessionBody)))]
pub async fn set_priority(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<PriorityInput>,
) -> ApiResult<axum::Json<SessionBody>> {
    parse_fields!(priority = "priority" => input::one_of::<Priority>(body.priority.as_deref()));
    Ok(session_body(
        app.chat.tag_session(&me, id, None, Some(priority)).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ContextBody {
    context: VisitContext,
}

/// What the widget saw when the conversation started (agents of the organization).
#[utoipa::path(get, path = "/api/sessions/{id}/context", tag = "sessions",
    operation_id = "get_session_context", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = ContextBody)))]
pub async fn context(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<axum::Json<ContextBody>> {
    Ok(axum::Json(ContextBody {
        context: app.chat.visit_context(&me, id).await?,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeInput {
    /// When it comes back; without it, when the customer writes (a customer's message always
    /// ends a snooze).
    #[schema(value_type = Option<String>, format = DateTime)]
    until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Snoozes a conversation: it leaves the active lists until `until` or until the customer
/// writes, then comes back (`session_updated`).
#[utoipa::path(put, path = "/api/sessions/{id}/snooze", tag = "sessions",
    operation_id = "snooze_session", params(("id" = uuid::Uuid, Path)),
    request_body = SnoozeInput, security(("bearer" = [])),
    responses((status = 200, body = SessionBody), (status = 409)))]
pub async fn snooze(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<SnoozeInput>,
) -> ApiResult<axum::Json<SessionBody>> {
    Ok(session_body(app.chat.snooze(&me, id, body.until).await?))
}

/// Ends a conversation's snooze now.
#[utoipa::path(delete, path = "/api/sessions/{id}/snooze", tag = "sessions",
    operation_id = "wake_session", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = SessionBody), (status = 409)))]
pub async fn wake(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<axum::Json<SessionBody>> {
    Ok(session_body(app.chat.wake(&me, id).await?))
}

// Named apart from the teams' own `TeamInput` (`/api/teams`): the OpenAPI document keeps one
// schema per name, so a second `TeamInput` replaced the first.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveToTeamInput {
    #[schema(value_type = TeamId, required = true)]
    team_id: Option<TeamId>,
}

/// Moves a conversation to another team's queue, at its original place, unassigned
/// (supervisors, admins, and its assigned agent).
#[utoipa::path(put, path = "/api/sessions/{id}/team", tag = "sessions",
    operation_id = "move_session_to_team", params(("id" = uuid::Uuid, Path)),
    request_body = MoveToTeamInput, security(("bearer" = [])),
    responses((status = 200, body = SessionBody), (status = 409)))]
pub async fn move_to_team(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<SessionId>,
    Json(body): Json<MoveToTeamInput>,
) -> ApiResult<axum::Json<SessionBody>> {
    parse_fields!(team = "team_id" => body.team_id.ok_or_else(|| "is required".to_string()));
    Ok(session_body(app.chat.move_to_team(&me, id, team).await?))
}
