//! `/api/webhooks`: the organization's webhook endpoints (admins): add one (its secret is
//! shown once), change, pause or resume, delete, read its recent deliveries, redeliver one.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::extract::{AgentCaller, ClientIp, Json, PathId};
use crate::chat::Chat;
use crate::domain::webhooks::{self, Delivery, Endpoint, WebhookEvent};
use crate::error::ApiResult;
use crate::parse_fields;
use crate::state::App;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInput {
    /// `https://…` (or `http://`); loopback, private and link-local addresses are refused
    /// unless the operator allows them. Required when adding.
    #[schema(max_length = 2000)]
    url: Option<String>,
    /// The events to send, at least one. Required when adding.
    events: Option<Vec<WebhookEvent>>,
    /// Pause (or resume: its failures are forgotten) the endpoint.
    paused: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct EndpointsBody {
    webhooks: Vec<Endpoint>,
}

#[derive(Serialize, ToSchema)]
pub struct EndpointBody {
    webhook: Endpoint,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedEndpointBody {
    webhook: Endpoint,
    /// The signing secret, shown this once: `X-Raasel-Signature` is
    /// `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
    secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveriesBody {
    deliveries: Vec<Delivery>,
}

#[derive(Serialize, ToSchema)]
pub struct DeliveryBody {
    delivery: Delivery,
}

/// The organization's webhook endpoints (admins).
#[utoipa::path(get, path = "/api/webhooks", tag = "webhooks", operation_id = "list_webhooks",
    security(("bearer" = [])), responses((status = 200, body = EndpointsBody)))]
pub async fn list(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
) -> ApiResult<axum::Json<EndpointsBody>> {
    Ok(axum::Json(EndpointsBody {
        webhooks: app.chat.endpoints(&me).await?,
    }))
}

/// Adds an endpoint (admins; at most 20): its secret is in this answer only.
#[utoipa::path(post, path = "/api/webhooks", tag = "webhooks", operation_id = "create_webhook",
    request_body = EndpointInput, security(("bearer" = [])),
    responses((status = 201, body = CreatedEndpointBody), (status = 409)))]
pub async fn create(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    ClientIp(ip): ClientIp,
    Json(body): Json<EndpointInput>,
) -> ApiResult<(StatusCode, axum::Json<CreatedEndpointBody>)> {
    parse_fields!(
        url = "url" => webhooks::url(body.url.as_deref().unwrap_or_default()),
        events = "events" => webhooks::events(body.events.unwrap_or_default()),
    );
    let created = app.chat.create_endpoint(&me, url, events).await?;
    let e = &created.endpoint;
    let details = json!({ "url": e.url, "events": e.events });
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "webhook.created",
            Some(e.id.to_string()),
            details,
            Some(ip.to_string()),
        )
        .await;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedEndpointBody {
            webhook: created.endpoint,
            secret: created.secret,
        }),
    ))
}

/// Changes an endpoint's address or events, pauses or resumes it (admins).
#[utoipa::path(put, path = "/api/webhooks/{id}", tag = "webhooks", operation_id = "update_webhook",
    params(("id" = uuid::Uuid, Path)), request_body = EndpointInput, security(("bearer" = [])),
    responses((status = 200, body = EndpointBody)))]
pub async fn update(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<uuid::Uuid>,
    ClientIp(ip): ClientIp,
    Json(body): Json<EndpointInput>,
) -> ApiResult<axum::Json<EndpointBody>> {
    parse_fields!(
        url = "url" => body.url.as_deref().map(webhooks::url).transpose(),
        events = "events" => body.events.map(webhooks::events).transpose(),
    );
    let details = json!({ "url": url, "events": events, "paused": body.paused });
    let webhook = app
        .chat
        .update_endpoint(&me, id, url, events, body.paused)
        .await?;
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "webhook.updated",
            Some(id.to_string()),
            details,
            Some(ip.to_string()),
        )
        .await;
    Ok(axum::Json(EndpointBody { webhook }))
}

/// Deletes an endpoint and its deliveries (admins).
#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "webhooks", operation_id = "delete_webhook",
    params(("id" = uuid::Uuid, Path)), security(("bearer" = [])), responses((status = 204)))]
pub async fn delete(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<uuid::Uuid>,
    ClientIp(ip): ClientIp,
) -> ApiResult<StatusCode> {
    app.chat.delete_endpoint(&me, id).await?;
    app.chat
        .audit(
            me.organization_id,
            Chat::actor(&me),
            "webhook.deleted",
            Some(id.to_string()),
            json!({}),
            Some(ip.to_string()),
        )
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// An endpoint's latest 50 deliveries, newest first (admins).
#[utoipa::path(get, path = "/api/webhooks/{id}/deliveries", tag = "webhooks",
    operation_id = "list_webhook_deliveries", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = DeliveriesBody)))]
pub async fn deliveries(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<uuid::Uuid>,
) -> ApiResult<axum::Json<DeliveriesBody>> {
    Ok(axum::Json(DeliveriesBody {
        deliveries: app.chat.deliveries(&me, id).await?,
    }))
}

/// Sends a delivery's event again, as a new delivery with the same event id (admins).
#[utoipa::path(post, path = "/api/webhooks/deliveries/{id}/redeliver", tag = "webhooks",
    operation_id = "redeliver_webhook", params(("id" = uuid::Uuid, Path)),
    security(("bearer" = [])), responses((status = 202, body = DeliveryBody)))]
pub async fn redeliver(
    State(app): State<App>,
    AgentCaller(me): AgentCaller,
    PathId(id): PathId<uuid::Uuid>,
) -> ApiResult<(StatusCode, axum::Json<DeliveryBody>)> {
    let delivery = app.chat.redeliver(&me, id).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(DeliveryBody { delivery })))
}
