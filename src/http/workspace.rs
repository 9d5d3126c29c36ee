//! The agents' workspace: `/api/labels`, `/api/canned-replies`, `/api/contacts`,
//! `/api/mentions` and `/api/search`. Every route acts in the caller's own organization.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{AgentCaller, Json, PathId, Query};
use crate::chat::{ContactView, SearchResults};
use crate::domain::canned::{self, CannedReply};
use crate::domain::contacts;
use crate::domain::hours::{self, BusinessHours};
use crate::domain::labels::{self, Label};
use crate::domain::mentions::Mention;
use crate::domain::teams::{self, Team, TeamChange};
use crate::domain::{AgentId, CannedReplyId, ClientId, LabelId, SessionId, TeamId, input, search};
use crate::error::ApiResult;
use crate::parse_fields;
use crate::state::App;

#[derive(Serialize, ToSchema)]
pub struct LabelsBody {
    labels: Vec<Label>,
}

#[derive(Serialize, ToSchema)]
pub struct LabelBody {
    label: Label,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabelInput {
    /// 1 to 40 characters, unique in the organization (any case).
    #[schema(value_type = String, required = true, min_length = 1, max_length = 40)]
    name: Option<String>,
    /// `#rgb` or `#rrggbb`.
    #[schema(value_type = String, required = true)]
    color: Option<String>,
}

/// The organization's labels (its agents).
#[utoipa::path(get, path = "/api/labels", tag = "workspace", operation_id = "list_labels",
    security(("bearer" = [])), responses((status = 200, body = LabelsBody)))]
pub async fn labels(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
) -> ApiResult<axum::Json<LabelsBody>> {
    let labels = app.chat.labels(&me, me.organization_id).await?;
    Ok(axum::Json(LabelsBody { labels }))
}

/// Defines a label (admins; at most 100 per organization).
#[utoipa::path(post, path = "/api/labels", tag = "workspace", operation_id = "create_label",
    request_body = LabelInput, security(("bearer" = [])),
    responses((status = 201, body = LabelBody), (status = 409)))]
pub async fn create_label(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Json(body): Json<LabelInput>,
) -> ApiResult<(StatusCode, axum::Json<LabelBody>)> {
    parse_fields!(
        name = "name" => labels::name(body.name.as_deref()),
        color = "color" => input::color(body.color.as_deref().unwrap_or_default()),
    );
    let label = app.chat.create_label(&me, name, color).await?;
    Ok((StatusCode::CREATED, axum::Json(LabelBody { label })))
}

/// Renames or recolours a label (admins).
#[utoipa::path(put, path = "/api/labels/{id}", tag = "workspace", operation_id = "update_label",
    params(("id" = uuid::Uuid, Path)), request_body = LabelInput, security(("bearer" = [])),
    responses((status = 200, body = LabelBody), (status = 409)))]
pub async fn update_label(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<LabelId>,
    Json(body): Json<LabelInput>,
) -> ApiResult<axum::Json<LabelBody>> {
    parse_fields!(
        name = "name" => labels::name(body.name.as_deref()),
        color = "color" => input::color(body.color.as_deref().unwrap_or_default()),
    );
    let label = app.chat.update_label(&me, id, name, color).await?;
    Ok(axum::Json(LabelBody { label }))
}

/// Deletes a label (admins); conversations lose it.
#[utoipa::path(delete, path = "/api/labels/{id}", tag = "workspace", operation_id = "delete_label",
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted")))]
pub async fn delete_label(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<LabelId>,
) -> ApiResult<StatusCode> {
    app.chat.delete_label(&me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct CannedRepliesBody {
    canned_replies: Vec<CannedReply>,
}

#[derive(Serialize, ToSchema)]
pub struct CannedReplyBody {
    canned_reply: CannedReply,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyInput {
    /// 1 to 32 of a-z, 0-9, `-` and `_`.
    #[schema(value_type = String, required = true)]
    shortcut: Option<String>,
    /// 1 to 4,000 characters; may hold `{{customer.name}}`, `{{agent.name}}`,
    /// `{{organization.name}}`.
    #[schema(value_type = String, required = true)]
    content: Option<String>,
    /// The caller's own reply (default) or, for supervisors and admins, the organization's.
    personal: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedReplyChange {
    shortcut: Option<String>,
    content: Option<String>,
}

/// The organization's shared canned replies and the caller's own, by shortcut.
#[utoipa::path(get, path = "/api/canned-replies", tag = "workspace",
    operation_id = "list_canned_replies", security(("bearer" = [])),
    responses((status = 200, body = CannedRepliesBody)))]
pub async fn canned_replies(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
) -> ApiResult<axum::Json<CannedRepliesBody>> {
    Ok(axum::Json(CannedRepliesBody {
        canned_replies: app.chat.canned_replies(&me).await?,
    }))
}

/// Saves a canned reply: the caller's own (at most 100), or the organization's (supervisors
/// and admins; at most 500).
#[utoipa::path(post, path = "/api/canned-replies", tag = "workspace",
    operation_id = "create_canned_reply", request_body = CannedReplyInput,
    security(("bearer" = [])), responses((status = 201, body = CannedReplyBody), (status = 409)))]
pub async fn create_canned_reply(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Json(body): Json<CannedReplyInput>,
) -> ApiResult<(StatusCode, axum::Json<CannedReplyBody>)> {
    parse_fields!(
        shortcut = "shortcut" => canned::shortcut(body.shortcut.as_deref()),
        content = "content" => canned::content(body.content.as_deref()),
    );
    let personal = body.personal.unwrap_or(true);
    let canned_reply = app
        .chat
        .create_canned_reply(&me, personal, shortcut, content)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CannedReplyBody { canned_reply }),
    ))
}

/// Changes a canned reply (its owner; the organization's: supervisors and admins).
#[utoipa::path(put, path = "/api/canned-replies/{id}", tag = "workspace",
    operation_id = "update_canned_reply", params(("id" = uuid::Uuid, Path)),
    request_body = CannedReplyChange, security(("bearer" = [])),
    responses((status = 200, body = CannedReplyBody)))]
pub async fn update_canned_reply(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<CannedReplyId>,
    Json(body): Json<CannedReplyChange>,
) -> ApiResult<axum::Json<CannedReplyBody>> {
    parse_fields!(
        shortcut = "shortcut" => body.shortcut.as_deref().map(|s| canned::shortcut(Some(s))).transpose(),
        content = "content" => body.content.as_deref().map(|s| canned::content(Some(s))).transpose(),
    );
    let canned_reply = app
        .chat
        .update_canned_reply(&me, id, shortcut, content)
        .await?;
    Ok(axum::Json(CannedReplyBody { canned_reply }))
}

/// Deletes a canned reply (as for changing it).
#[utoipa::path(delete, path = "/api/canned-replies/{id}", tag = "workspace",
    operation_id = "delete_canned_reply", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 204, description = "deleted")))]
pub async fn delete_canned_reply(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<CannedReplyId>,
) -> ApiResult<StatusCode> {
    app.chat.delete_canned_reply(&me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// 1 to 100 characters.
    name: Option<String>,
    /// An e-mail address, or `null` to forget it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    email: Option<Option<String>>,
    /// Merged into the kept attributes; `null` removes one.
    #[schema(value_type = Option<Object>)]
    attributes: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The customer panel: what the organization keeps of a customer of one of its
/// conversations, and their conversations with it.
#[utoipa::path(get, path = "/api/contacts/{id}", tag = "workspace", operation_id = "get_contact",
    params(("id" = uuid::Uuid, Path, description = "the customer's client id")),
    security(("bearer" = [])), responses((status = 200, body = ContactView)))]
pub async fn contact(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<ClientId>,
) -> ApiResult<axum::Json<ContactView>> {
    Ok(axum::Json(app.chat.contact_view(&me, id).await?))
}

/// Changes the customer's name, e-mail or attributes as the organization keeps them; their
/// conversations show the change.
#[utoipa::path(put, path = "/api/contacts/{id}", tag = "workspace",
    operation_id = "update_contact", params(("id" = uuid::Uuid, Path)),
    request_body = ContactInput, security(("bearer" = [])),
    responses((status = 200, body = ContactView)))]
pub async fn update_contact(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<ClientId>,
    Json(body): Json<ContactInput>,
) -> ApiResult<axum::Json<ContactView>> {
    parse_fields!(
        name = "name" => input::optional_name(body.name.as_deref()),
        email = "email" => body.email.map(|e| input::optional_email(e.as_deref())).transpose(),
        attributes = "attributes" => body.attributes.as_ref().map(contacts::attributes).transpose(),
    );
    let change = crate::chat::ContactChange {
        name,
        email,
        attributes,
    };
    Ok(axum::Json(app.chat.update_contact(&me, id, change).await?))
}

#[derive(Serialize, ToSchema)]
pub struct MentionsBody {
    mentions: Vec<Mention>,
    /// How many of them are unread.
    unread: usize,
}

/// Where teammates mentioned the caller in private notes, newest first (at most 100 listed,
/// 200 kept).
#[utoipa::path(get, path = "/api/mentions", tag = "workspace", operation_id = "list_mentions",
    security(("bearer" = [])), responses((status = 200, body = MentionsBody)))]
pub async fn mentions(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
) -> ApiResult<axum::Json<MentionsBody>> {
    let mentions = app.chat.mentions(&me).await?;
    let unread = mentions.iter().filter(|m| m.read_at.is_none()).count();
    Ok(axum::Json(MentionsBody { mentions, unread }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadMentionsInput {
    /// Only the mentions in this conversation (default: all).
    session_id: Option<SessionId>,
}

#[derive(Serialize, ToSchema)]
pub struct ReadMentionsBody {
    /// How many mentions became read.
    read: u64,
}

/// Marks the caller's mentions read.
#[utoipa::path(put, path = "/api/mentions/read", tag = "workspace",
    operation_id = "read_mentions", request_body = ReadMentionsInput, security(("bearer" = [])),
    responses((status = 200, body = ReadMentionsBody), (status = 404)))]
pub async fn read_mentions(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Json(body): Json<ReadMentionsInput>,
) -> ApiResult<axum::Json<ReadMentionsBody>> {
    let read = app.chat.read_mentions(&me, body.session_id).await?;
    Ok(axum::Json(ReadMentionsBody { read }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// 1 to 200 characters with a letter or digit: words match messages by prefix, the whole
    /// text customers' names and e-mails and labels.
    #[param(value_type = String, required = false, min_length = 1, max_length = 200)]
    q: Option<String>,
}

/// Searches the organization's conversations by customer, label and message text (plain
/// agents: their own and the queue). At most 120 searches per agent per minute.
#[utoipa::path(get, path = "/api/search", tag = "workspace", operation_id = "search",
    params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = SearchResults), (status = 429)))]
pub async fn search(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Query(q): Query<SearchQuery>,
) -> ApiResult<axum::Json<SearchResults>> {
    parse_fields!(query = "q" => search::query(q.q.as_deref()));
    Ok(axum::Json(app.chat.search(&me, &query).await?))
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Serialize, ToSchema)]
pub struct TeamsBody {
    teams: Vec<Team>,
}

#[derive(Serialize, ToSchema)]
pub struct TeamBody {
    team: Team,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// 1 to 60 characters, unique in the organization (any case). Required when creating.
    #[schema(min_length = 1, max_length = 60)]
    name: Option<String>,
    /// The agents of the team (the organization's); when changing, replaces them.
    #[schema(value_type = Option<Vec<AgentId>>)]
    members: Option<Vec<AgentId>>,
    /// When the team answers (`time_zone`, `weekly` periods, `days_off`); outside them its
    /// customers are told it is offline. `null`: the organization's hours. Not for the
    /// default team, which answers in the organization's hours.
    #[schema(value_type = Option<BusinessHours>)]
    #[serde(default, deserialize_with = "super::extract::sent_as_is")]
    business_hours: Option<serde_json::Value>,
}

/// The organization's teams with their members (its agents).
#[utoipa::path(get, path = "/api/teams", tag = "workspace", operation_id = "list_teams",
    security(("bearer" = [])), responses((status = 200, body = TeamsBody)))]
pub async fn teams(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
) -> ApiResult<axum::Json<TeamsBody>> {
    Ok(axum::Json(TeamsBody {
        teams: app.chat.teams(&me).await?,
    }))
}

/// Creates a team (admins; at most 50 per organization).
#[utoipa::path(post, path = "/api/teams", tag = "workspace", operation_id = "create_team",
    request_body = TeamInput, security(("bearer" = [])),
    responses((status = 201, body = TeamBody), (status = 409)))]
pub async fn create_team(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    Json(body): Json<TeamInput>,
) -> ApiResult<(StatusCode, axum::Json<TeamBody>)> {
    parse_fields!(
        name = "name" => teams::name(body.name.as_deref()),
        hours = "business_hours" => body.business_hours.map_or(Ok(None), hours::parse),
    );
    let members = body.members.unwrap_or_default();
    let team = app.chat.create_team(&me, name, members, hours).await?;
    Ok((StatusCode::CREATED, axum::Json(TeamBody { team })))
}

/// Renames a team, replaces its members or sets its hours (admins).
#[utoipa::path(put, path = "/api/teams/{id}", tag = "workspace", operation_id = "update_team",
    params(("id" = uuid::Uuid, Path)), request_body = TeamInput, security(("bearer" = [])),
    responses((status = 200, body = TeamBody), (status = 409)))]
pub async fn update_team(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<TeamId>,
    Json(body): Json<TeamInput>,
) -> ApiResult<axum::Json<TeamBody>> {
    parse_fields!(
        name = "name" => body.name.as_deref().map(|n| teams::name(Some(n))).transpose(),
        business_hours = "business_hours" => body.business_hours.map(hours::parse).transpose(),
    );
    let change = TeamChange {
        name,
        members: body.members,
        business_hours,
    };
    let team = app.chat.update_team(&me, id, change).await?;
    Ok(axum::Json(TeamBody { team }))
}

/// Deletes a team (admins; not the default one, 409); its conversations move to the default
/// team.
#[utoipa::path(delete, path = "/api/teams/{id}", tag = "workspace", operation_id = "delete_team",
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 409)))]
pub async fn delete_team(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<TeamId>,
) -> ApiResult<StatusCode> {
    app.chat.delete_team(&me, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything the organization holds about a customer, as one JSON file (admins): what it
/// keeps of them and each conversation with its messages, notes and rating.
#[utoipa::path(get, path = "/api/contacts/{id}/export", tag = "workspace",
    operation_id = "export_contact", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = crate::chat::CustomerExport)))]
pub async fn export_contact(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<ClientId>,
    super::extract::ClientIp(ip): super::extract::ClientIp,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let export = app.chat.export_customer(&me, id).await?;
    app.chat
        .audit(
            me.organization_id,
            crate::chat::Chat::actor(&me),
            "customer.exported",
            Some(id.to_string()),
            serde_json::json!({ "conversations": export.conversations.len() }),
            Some(ip.to_string()),
        )
        .await;
    let mut res = axum::Json(export).into_response();
    if let Ok(v) =
        axum::http::HeaderValue::from_str(&format!("attachment; filename=\"customer-{id}.json\""))
    {
        res.headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Erases a customer from the organization (admins): their messages, what it kept of them,
/// their e-mails and ratings' comments, everywhere; their conversations stay as "Deleted
/// customer" placeholders so reports still add up.
#[utoipa::path(delete, path = "/api/contacts/{id}", tag = "workspace",
    operation_id = "erase_contact", params(("id" = uuid::Uuid, Path)), security(("bearer" = [])),
    responses((status = 204)))]
pub async fn erase_contact(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<ClientId>,
    super::extract::ClientIp(ip): super::extract::ClientIp,
) -> ApiResult<StatusCode> {
    let n = app.chat.erase_customer(&me, id).await?;
    app.chat
        .audit(
            me.organization_id,
            crate::chat::Chat::actor(&me),
            "customer.erased",
            Some(id.to_string()),
            serde_json::json!({ "conversations": n }),
            Some(ip.to_string()),
        )
        .await;
    Ok(StatusCode::NO_CONTENT)
}
