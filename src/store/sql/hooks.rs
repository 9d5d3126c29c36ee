//! `Hooks` written once for both SQL backends: webhook endpoints and deliveries. A claim is a
//! conditional update (one server wins); a claim that ran out is pending again, so a delivery
//! is made at least once; the bound on endpoints is kept by the insert itself.

/// Implements `Hooks` for `$store`.
macro_rules! sql_hooks {
    ($store:ty) => {
        use crate::domain::api_tokens::{self, ApiToken};
        use crate::domain::webhooks::{self, Delivery, Endpoint, Outgoing, WebhookEvent};
        use crate::store::{DeliveryOutcome, Hooks};

        /// Events as stored: `,a,b,`.
        fn events_text(events: &[WebhookEvent]) -> String {
            let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
            format!(",{},", names.join(","))
        }

        /// Scopes as stored: `a,b`.
        fn scopes_text(scopes: &[api_tokens::Scope]) -> String {
            scopes
                .iter()
                .filter_map(|s| serde_json::to_value(s).ok())
                .filter_map(|v| v.as_str().map(String::from))
                .collect::<Vec<_>>()
                .join(",")
        }

        #[async_trait]
        impl Hooks for $store {
            async fn insert_api_token(&self, t: &ApiToken, hash: &str) -> StoreResult<bool> {
                crate::store::during("insert_api_token", &t.organization_id, async move {
                    let done = sqlx::query(
                        "INSERT INTO api_tokens (id, organization_id, name, scopes, hash,
                         created_by, created_at)
                         SELECT $1, $2, $3, $4, $5, $6, $7
                         WHERE (SELECT COUNT(*) FROM api_tokens WHERE organization_id = $2
                                AND revoked_at IS NULL) < $8",
                    )
                    .bind(t.id)
                    .bind(t.organization_id.0)
                    .bind(&t.name)
                    .bind(scopes_text(&t.scopes))
                    .bind(hash)
                    .bind(t.created_by.0)
                    .bind(t.created_at)
                    .bind(api_tokens::MAX_PER_ORG)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn api_tokens(&self, org: OrgId) -> StoreResult<Vec<ApiToken>> {
                crate::store::during("api_tokens", &org, async move {
                    let found = sqlx::query(
                        "SELECT * FROM api_tokens WHERE organization_id = $1 AND revoked_at IS NULL
                         ORDER BY created_at, id",
                    )
                    .bind(org.0)
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::api_token)?)
                })
                .await
            }

            async fn api_token_by_hash(&self, hash: &str) -> StoreResult<Option<ApiToken>> {
                crate::store::during("api_token_by_hash", &"a token", async move {
                    let row = sqlx::query(
                        "SELECT * FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL",
                    )
                    .bind(hash)
                    .fetch_optional(self.reads())
                    .await?;
                    Ok(row.as_ref().map(rows::api_token).transpose()?)
                })
                .await
            }

            async fn api_token(&self, id: uuid::Uuid) -> StoreResult<Option<ApiToken>> {
                crate::store::during("api_token", &id, async move {
                    let row = sqlx::query(
                        "SELECT * FROM api_tokens WHERE id = $1 AND revoked_at IS NULL",
                    )
                    .bind(id)
                    .fetch_optional(self.reads())
                    .await?;
                    Ok(row.as_ref().map(rows::api_token).transpose()?)
                })
                .await
            }

            async fn revoke_api_token(
                &self,
                org: OrgId,
                id: uuid::Uuid,
                now: Timestamp,
            ) -> StoreResult<bool> {
                crate::store::during("revoke_api_token", &org, async move {
                    let done = sqlx::query(
                        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2
                         AND organization_id = $3 AND revoked_at IS NULL",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(org.0)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn touch_api_token(&self, id: uuid::Uuid, now: Timestamp) -> StoreResult<()> {
                crate::store::during("touch_api_token", &id, async move {
                    sqlx::query(
                        "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2
                         AND (last_used_at IS NULL OR last_used_at < $3)",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(now - chrono::Duration::seconds(api_tokens::TOUCH_EVERY_SECS))
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(())
                })
                .await
            }

            async fn endpoints(&self, org: OrgId) -> StoreResult<Vec<Endpoint>> {
                crate::store::during("endpoints", &org, async move {
                    let found = sqlx::query(
                        "SELECT * FROM webhooks WHERE organization_id = $1 ORDER BY created_at, id",
                    )
                    .bind(org.0)
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::endpoint)?)
                })
                .await
            }

            async fn endpoint_with_secret(
                &self,
                id: uuid::Uuid,
            ) -> StoreResult<Option<(Endpoint, String)>> {
                crate::store::during("endpoint_with_secret", &id, async move {
                    let row = sqlx::query("SELECT * FROM webhooks WHERE id = $1")
                        .bind(id)
                        .fetch_optional(self.reads())
                        .await?;
                    let Some(row) = row else { return Ok(None) };
                    Ok(Some((rows::endpoint(&row)?, row.try_get("secret")?)))
                })
                .await
            }

            async fn insert_endpoint(&self, e: &Endpoint, secret: &str) -> StoreResult<bool> {
                crate::store::during("insert_endpoint", &e.organization_id, async move {
                    let done = sqlx::query(
                        "INSERT INTO webhooks (id, organization_id, url, events, secret, paused,
                         failures, created_at)
                         SELECT $1, $2, $3, $4, $5, $6, 0, $7
                         WHERE (SELECT COUNT(*) FROM webhooks WHERE organization_id = $2) < $8",
                    )
                    .bind(e.id)
                    .bind(e.organization_id.0)
                    .bind(&e.url)
                    .bind(events_text(&e.events))
                    .bind(secret)
                    .bind(false)
                    .bind(e.created_at)
                    .bind(webhooks::MAX_ENDPOINTS_PER_ORG)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn update_endpoint(
                &self,
                org: OrgId,
                id: uuid::Uuid,
                url: Option<&str>,
                events: Option<&[WebhookEvent]>,
                paused: Option<bool>,
            ) -> StoreResult<Option<Endpoint>> {
                crate::store::during("update_endpoint", &org, async move {
                    let row = sqlx::query(
                        "UPDATE webhooks SET url = COALESCE($1, url), events = COALESCE($2, events),
                         paused = COALESCE($3, paused),
                         failures = CASE WHEN $3 = $4 THEN 0 ELSE failures END
                         WHERE id = $5 AND organization_id = $6 RETURNING *",
                    )
                    .bind(url)
                    .bind(events.map(events_text))
                    .bind(paused)
                    .bind(false)
                    .bind(id)
                    .bind(org.0)
                    .fetch_optional(&mut *self.writing().await?)
                    .await?;
                    Ok(row.as_ref().map(rows::endpoint).transpose()?)
                })
                .await
            }

            async fn delete_endpoint(&self, org: OrgId, id: uuid::Uuid) -> StoreResult<bool> {
                crate::store::during("delete_endpoint", &org, async move {
                    let done =
                        sqlx::query("DELETE FROM webhooks WHERE id = $1 AND organization_id = $2")
                            .bind(id)
                            .bind(org.0)
                            .execute(&mut *self.writing().await?)
                            .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn queue_deliveries(&self, all: &[Outgoing], now: Timestamp) -> StoreResult<()> {
                crate::store::during("queue_deliveries", &"webhooks", async move {
                    let mut tx = self.begin_write().await?;
                    for d in all {
                        sqlx::query(
                            "INSERT INTO webhook_deliveries (id, event_id, endpoint_id,
                             organization_id, event, body, due_at, created_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                        )
                        .bind(d.id)
                        .bind(d.event_id)
                        .bind(d.endpoint_id)
                        .bind(d.organization_id.0)
                        .bind(d.event.as_str())
                        .bind(&d.body)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            async fn due_deliveries(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Outgoing>> {
                crate::store::during("due_deliveries", &"webhooks", async move {
                    let found = sqlx::query(
                        "SELECT d.* FROM webhook_deliveries d JOIN webhooks w ON w.id = d.endpoint_id
                         WHERE d.state = 'pending' AND d.due_at <= $1 AND NOT w.paused
                         ORDER BY d.due_at LIMIT $2",
                    )
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::outgoing_delivery)?)
                })
                .await
            }

            async fn claim_delivery(&self, id: uuid::Uuid, until: Timestamp) -> StoreResult<bool> {
                crate::store::during("claim_delivery", &id, async move {
                    let done = sqlx::query(
                        "UPDATE webhook_deliveries SET state = 'sending', lease_until = $1,
                         attempts = attempts + 1 WHERE id = $2 AND state = 'pending'",
                    )
                    .bind(until)
                    .bind(id)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn finish_delivery(
                &self,
                id: uuid::Uuid,
                outcome: &DeliveryOutcome,
                pause_after: i64,
                now: Timestamp,
            ) -> StoreResult<bool> {
                crate::store::during("finish_delivery", &id, async move {
                    let (state, status, error, due) = match outcome {
                        DeliveryOutcome::Delivered { status } => ("delivered", Some(*status), None, None),
                        DeliveryOutcome::Retry { status, error, at } => {
                            ("pending", *status, Some(error.as_str()), Some(*at))
                        }
                        DeliveryOutcome::Failed { status, error } => {
                            ("failed", *status, Some(error.as_str()), None)
                        }
                    };
                    let mut tx = self.begin_write().await?;
                    let endpoint: Option<uuid::Uuid> = sqlx::query_scalar(
                        "UPDATE webhook_deliveries SET state = $1, last_status = $2,
                         last_error = $3, due_at = COALESCE($4, due_at), lease_until = NULL,
                         delivered_at = CASE WHEN $1 = 'delivered' THEN $5 ELSE delivered_at END
                         WHERE id = $6 AND state = 'sending' RETURNING endpoint_id",
                    )
                    .bind(state)
                    .bind(status)
                    .bind(error)
                    .bind(due)
                    .bind(now)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let mut paused = false;
                    if let Some(endpoint) = endpoint {
                        let row = sqlx::query(
                            "UPDATE webhooks SET
                             failures = CASE WHEN $1 THEN 0 ELSE failures + 1 END,
                             paused = paused OR (NOT $1 AND failures + 1 >= $2)
                             WHERE id = $3 RETURNING paused, failures",
                        )
                        .bind(state == "delivered")
                        .bind(pause_after)
                        .bind(endpoint)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(row) = row {
                            let failures: i64 = row.try_get("failures")?;
                            paused = row.try_get::<bool, _>("paused")? && failures == pause_after;
                        }
                    }
                    tx.commit().await?;
                    Ok(paused)
                })
                .await
            }

            async fn reclaim_stale_deliveries(&self, now: Timestamp) -> StoreResult<u64> {
                crate::store::during("reclaim_stale_deliveries", &"webhooks", async move {
                    let done = sqlx::query(
                        "UPDATE webhook_deliveries SET state = 'pending', lease_until = NULL,
                         last_error = 'the server delivering it stopped: delivered again'
                         WHERE state = 'sending' AND lease_until < $1",
                    )
                    .bind(now)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected())
                })
                .await
            }

            async fn deliveries(
                &self,
                org: OrgId,
                endpoint: uuid::Uuid,
                limit: u32,
            ) -> StoreResult<Vec<Delivery>> {
                crate::store::during("deliveries", &org, async move {
                    let found = sqlx::query(
                        "SELECT * FROM webhook_deliveries WHERE organization_id = $1
                         AND endpoint_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
                    )
                    .bind(org.0)
                    .bind(endpoint)
                    .bind(i64::from(limit))
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::delivery)?)
                })
                .await
            }

            async fn prune_deliveries(&self, until: Timestamp) -> StoreResult<u64> {
                crate::store::during("prune_deliveries", &"all organizations", async move {
                    let done = sqlx::query(
                        "DELETE FROM webhook_deliveries WHERE state IN ('delivered', 'failed')
                         AND created_at < $1",
                    )
                    .bind(until)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected())
                })
                .await
            }

            async fn redeliver(
                &self,
                org: OrgId,
                delivery: uuid::Uuid,
                now: Timestamp,
            ) -> StoreResult<Option<Delivery>> {
                crate::store::during("redeliver", &org, async move {
                    let row = sqlx::query(
                        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id,
                         organization_id, event, body, due_at, created_at)
                         SELECT $1, event_id, endpoint_id, organization_id, event, body, $2, $2
                         FROM webhook_deliveries WHERE id = $3 AND organization_id = $4
                         RETURNING *",
                    )
                    .bind(uuid::Uuid::now_v7())
                    .bind(now)
                    .bind(delivery)
                    .bind(org.0)
                    .fetch_optional(&mut *self.writing().await?)
                    .await?;
                    Ok(row.as_ref().map(rows::delivery).transpose()?)
                })
                .await
            }
        }
    };
}
pub(crate) use sql_hooks;
