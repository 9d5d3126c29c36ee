//! Webhooks: admins' endpoints, the events queued for them as things happen, and the sender
//! that delivers them at least once, signed, retried with backoff for a day, pausing an
//! endpoint that keeps failing (and telling the organization's admins).

use serde_json::json;

use super::Chat;
use super::subscriptions::{Subscription, Subscriptions};
use crate::domain::OrgId;
use crate::domain::model::{Agent, Message, Role, Session};
use crate::domain::permissions;
use crate::domain::webhooks::{self, Delivery, Endpoint, Outgoing, WebhookEvent};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::{Target, events};
use crate::store::DeliveryOutcome;
use crate::webhook::Answer;

/// Deliveries looked at per pass of the sender.
const PER_PASS: u32 = 20;
/// Deliveries an endpoint's history shows.
const HISTORY: u32 = 50;

/// What a new endpoint's creator learns once: its secret.
#[derive(Debug)]
pub struct CreatedEndpoint {
    pub endpoint: Endpoint,
    pub secret: String,
}

impl Chat {
    /// Queues `event` about the organization, with `data` (made only when an endpoint asked for
    /// the event), for each endpoint that asked for it (a failure to queue is logged: the action
    /// itself happened).
    pub(super) async fn webhook(
        &self,
        org: OrgId,
        event: WebhookEvent,
        data: impl FnOnce() -> serde_json::Value,
    ) {
        if let Err(e) = self.queue_webhook(org, event, data).await {
            tracing::warn!(org = %org, event = event.as_str(), error = %e, "webhook not queued");
        }
    }

    /// A conversation's event, with the conversation as agents see it.
    pub(super) async fn conversation_webhook(&self, event: WebhookEvent, s: &Session) {
        self.webhook(s.organization_id, event, || json!({ "session": s }))
            .await;
    }

    /// A message or private note written by a person (`internal` says which).
    pub(super) async fn message_webhook(&self, s: &Session, m: &Message) {
        let data = || json!({ "session_id": s.id, "message": m });
        self.webhook(s.organization_id, WebhookEvent::MessageCreated, data)
            .await;
    }

    /// What the organization keeps of a customer changed.
    pub(super) async fn customer_webhook(
        &self,
        org: OrgId,
        contact: &crate::domain::contacts::Contact,
    ) {
        let data = || json!({ "contact": contact });
        self.webhook(org, WebhookEvent::CustomerUpdated, data).await;
    }

    /// The organization's webhook subscriptions: remembered on an installation's only server
    /// (`subscriptions`), read from the store otherwise.
    async fn subscriptions(&self, org: OrgId) -> ApiResult<Subscriptions> {
        if let Some(known) = self.webhook_subscriptions.get(org) {
            return Ok(known);
        }
        let asked = self.webhook_subscriptions.asking();
        let found: Subscriptions = self
            .hooks
            .endpoints(org)
            .await?
            .iter()
            .map(Subscription::of)
            .collect();
        self.webhook_subscriptions
            .remember(org, found.clone(), asked);
        Ok(found)
    }

    async fn queue_webhook(
        &self,
        org: OrgId,
        event: WebhookEvent,
        data: impl FnOnce() -> serde_json::Value,
    ) -> ApiResult<()> {
        let subscribed = self.subscriptions(org).await?;
        let wanted: Vec<&Subscription> = subscribed
            .iter()
            .filter(|s| s.events.contains(&event))
            .collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let now = crate::domain::model::now();
        let event_id = uuid::Uuid::now_v7();
        let body = json!({
            "id": event_id,
            "type": event.as_str(),
            "created_at": now,
            "organization_id": org,
            "data": data(),
        })
        .to_string();
        let deliveries: Vec<Outgoing> = wanted
            .iter()
            .map(|s| Outgoing {
                id: uuid::Uuid::now_v7(),
                event_id,
                endpoint_id: s.endpoint,
                organization_id: org,
                event,
                body: body.clone(),
                attempts: 0,
                created_at: now,
            })
            .collect();
        self.hooks.queue_deliveries(&deliveries, now).await?;
        self.webhook_wake.notify_one();
        Ok(())
    }

    /// Delivers what is due: each delivery by one server at a time, again after a server
    /// died while delivering it (at least once).
    pub async fn deliver_due_webhooks(&self) -> ApiResult<()> {
        let now = crate::domain::model::now();
        let reclaimed = self.hooks.reclaim_stale_deliveries(now).await?;
        if reclaimed > 0 {
            tracing::warn!(
                count = reclaimed,
                "webhook deliveries of a stopped server are delivered again"
            );
        }
        for d in self.hooks.due_deliveries(now, PER_PASS).await? {
            let until = now + chrono::Duration::seconds(webhooks::CLAIM_SECS);
            if self.hooks.claim_delivery(d.id, until).await? {
                self.deliver_webhook(&d).await?;
            }
        }
        Ok(())
    }

    async fn deliver_webhook(&self, d: &Outgoing) -> ApiResult<()> {
        let Some((endpoint, secret)) = self.hooks.endpoint_with_secret(d.endpoint_id).await? else {
            return Ok(());
        };
        let sent_at = crate::domain::model::now();
        let headers = [
            (
                "x-raasel-signature",
                webhooks::signature(&secret, sent_at.timestamp(), &d.body),
            ),
            ("x-raasel-event", d.event.as_str().to_string()),
            ("x-raasel-event-id", d.event_id.to_string()),
            ("x-raasel-delivery", d.id.to_string()),
        ];
        let answer = self
            .deliverer
            .post(&endpoint.url, &headers, d.body.clone())
            .await;
        let now = crate::domain::model::now();
        let later = |status: Option<i64>, error: String| match webhooks::retry_at(
            d.attempts + 1,
            d.created_at,
            now,
        ) {
            Some(at) => DeliveryOutcome::Retry { status, error, at },
            None => DeliveryOutcome::Failed {
                status,
                error: format!("gave up after a day: {error}"),
            },
        };
        let outcome = match answer {
            Answer::Status(s, _) if (200..300).contains(&s) => DeliveryOutcome::Delivered {
                status: i64::from(s),
            },
            Answer::Status(s, body) => later(Some(i64::from(s)), format!("answered {s}: {body}")),
            Answer::Unreachable(why) => later(None, why),
        };
        let delivered = matches!(outcome, DeliveryOutcome::Delivered { .. });
        metrics::counter!("raasel_webhook_attempts_total", "outcome" => if delivered { "delivered" } else { "failed" })
            .increment(1);
        match &outcome {
            DeliveryOutcome::Delivered { .. } => {
                tracing::info!(delivery = %d.id, event = d.event.as_str(), endpoint = %endpoint.id, "webhook delivered")
            }
            other => {
                tracing::warn!(delivery = %d.id, event = d.event.as_str(), endpoint = %endpoint.id, outcome = ?other, "webhook not delivered")
            }
        }
        let paused = self
            .hooks
            .finish_delivery(d.id, &outcome, webhooks::PAUSE_AFTER_FAILURES, now)
            .await?;
        if paused {
            self.tell_admins_paused(&endpoint).await?;
        }
        Ok(())
    }

    /// An endpoint paused after failing again and again: its organization's admins hear it.
    async fn tell_admins_paused(&self, endpoint: &Endpoint) -> ApiResult<()> {
        tracing::warn!(endpoint = %endpoint.id, org = %endpoint.organization_id, url = %endpoint.url, "webhook endpoint paused after failing again and again");
        let mut paused = endpoint.clone();
        paused.paused = true;
        for admin in self.store.agents(endpoint.organization_id).await? {
            if admin.role == Role::Admin {
                self.emit(
                    vec![Target::Agent(admin.id)],
                    events::webhook_paused(&paused),
                )
                .await;
            }
        }
        Ok(())
    }

    pub async fn endpoints(&self, admin: &Agent) -> ApiResult<Vec<Endpoint>> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        Ok(self.hooks.endpoints(org).await?)
    }

    /// Refuses an address webhooks may not reach (an IP literal here; names when delivering).
    fn reachable(&self, url: &str) -> ApiResult<()> {
        match self.deliverer.refuses_literal(url) {
            true => Err(ApiError::field(
                "url",
                "is an address webhooks may not reach (loopback, private or link-local)",
            )),
            false => Ok(()),
        }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %admin.id))]
    pub async fn create_endpoint(
        &self,
        admin: &Agent,
        url: String,
        events: Vec<WebhookEvent>,
    ) -> ApiResult<CreatedEndpoint> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        self.reachable(&url)?;
        let endpoint = Endpoint {
            id: uuid::Uuid::now_v7(),
            organization_id: org,
            url,
            events,
            paused: false,
            failures: 0,
            created_at: crate::domain::model::now(),
        };
        let secret = webhooks::new_secret();
        let inserted = self.hooks.insert_endpoint(&endpoint, &secret).await;
        self.webhook_subscriptions.forget(org);
        if !inserted? {
            return Err(ApiError::Conflict(format!(
                "an organization has at most {} webhooks",
                webhooks::MAX_ENDPOINTS_PER_ORG
            )));
        }
        tracing::info!(target: "security", org = %org, actor = %admin.id, endpoint = %endpoint.id, url = %endpoint.url, "webhook added");
        Ok(CreatedEndpoint { endpoint, secret })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %admin.id))]
    pub async fn update_endpoint(
        &self,
        admin: &Agent,
        id: uuid::Uuid,
        url: Option<String>,
        events: Option<Vec<WebhookEvent>>,
        paused: Option<bool>,
    ) -> ApiResult<Endpoint> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        if let Some(u) = &url {
            self.reachable(u)?;
        }
        let updated = self
            .hooks
            .update_endpoint(org, id, url.as_deref(), events.as_deref(), paused)
            .await;
        self.webhook_subscriptions.forget(org);
        let updated = updated?.ok_or_else(|| ApiError::not_found("webhook"))?;
        if paused == Some(false) {
            self.webhook_wake.notify_one();
        }
        Ok(updated)
    }

    pub async fn delete_endpoint(&self, admin: &Agent, id: uuid::Uuid) -> ApiResult<()> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let deleted = self.hooks.delete_endpoint(org, id).await;
        self.webhook_subscriptions.forget(org);
        match deleted? {
            true => Ok(()),
            false => Err(ApiError::not_found("webhook")),
        }
    }

    pub async fn deliveries(&self, admin: &Agent, id: uuid::Uuid) -> ApiResult<Vec<Delivery>> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        if !self.hooks.endpoints(org).await?.iter().any(|e| e.id == id) {
            return Err(ApiError::not_found("webhook"));
        }
        Ok(self.hooks.deliveries(org, id, HISTORY).await?)
    }

    /// Sends a delivery's event again (the same event id, a new delivery).
    pub async fn redeliver(&self, admin: &Agent, delivery: uuid::Uuid) -> ApiResult<Delivery> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let now = crate::domain::model::now();
        let again = self
            .hooks
            .redeliver(org, delivery, now)
            .await?
            .ok_or_else(|| ApiError::not_found("delivery"))?;
        self.webhook_wake.notify_one();
        Ok(again)
    }
}
