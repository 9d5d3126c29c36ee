//! `Devices` written once for both SQL backends.

/// Implements `Devices` for `$store`.
macro_rules! sql_devices {
    ($store:ty) => {
        use crate::domain::devices::Device;
        use crate::store::Devices;

        #[async_trait]
        impl Devices for $store {
            async fn add_device(&self, d: &Device) -> StoreResult<()> {
                crate::store::during("add_device", &d.agent_id, async move {
                    let mut tx = self.begin_write().await?;
                    // Devices of an earlier token version were signed out already.
                    sqlx::query("DELETE FROM devices WHERE agent_id = $1 AND token_version <> $2")
                        .bind(d.agent_id.0)
                        .bind(d.token_version)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO devices (id, organization_id, agent_id, token_version, name,
                         address, started_at, last_used_at, expires_at, refresh_hash,
                         previous_hash, rotated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(d.id.0)
                    .bind(d.organization_id.0)
                    .bind(d.agent_id.0)
                    .bind(d.token_version)
                    .bind(&d.name)
                    .bind(&d.address)
                    .bind(d.started_at)
                    .bind(d.last_used_at)
                    .bind(d.expires_at)
                    .bind(&d.refresh_hash)
                    .bind(&d.previous_hash)
                    .bind(d.rotated_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            async fn device(&self, id: DeviceId) -> StoreResult<Option<Device>> {
                crate::store::during("device", &id, async move {
                    let row = sqlx::query("SELECT * FROM devices WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(self.reads())
                        .await?;
                    Ok(row.as_ref().map(rows::device).transpose()?)
                })
                .await
            }

            async fn touch_device(&self, id: DeviceId, now: Timestamp) -> StoreResult<()> {
                crate::store::during("touch_device", &id, async move {
                    sqlx::query("UPDATE devices SET last_used_at = $2 WHERE id = $1")
                        .bind(id.0)
                        .bind(now)
                        .execute(&mut *self.writing().await?)
                        .await?;
                    Ok(())
                })
                .await
            }

            async fn rotate_refresh(
                &self,
                id: DeviceId,
                from: &str,
                to: &str,
                now: Timestamp,
                expires_at: Timestamp,
            ) -> StoreResult<bool> {
                crate::store::during("rotate_refresh", &id, async move {
                    let done = sqlx::query(
                        "UPDATE devices SET previous_hash = refresh_hash, refresh_hash = $3,
                         rotated_at = $4, last_used_at = $4, expires_at = $5
                         WHERE id = $1 AND refresh_hash = $2",
                    )
                    .bind(id.0)
                    .bind(from)
                    .bind(to)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn devices_of(
                &self,
                agent: AgentId,
                version: i64,
                now: Timestamp,
            ) -> StoreResult<Vec<Device>> {
                crate::store::during("devices_of", &agent, async move {
                    let found = sqlx::query(
                        "SELECT * FROM devices WHERE agent_id = $1 AND token_version = $2
                         AND expires_at > $3 ORDER BY last_used_at DESC, id",
                    )
                    .bind(agent.0)
                    .bind(version)
                    .bind(now)
                    .fetch_all(self.reads())
                    .await?;
                    Ok(found.iter().map(rows::device).collect::<Result<_, _>>()?)
                })
                .await
            }

            async fn end_device(&self, agent: AgentId, id: DeviceId) -> StoreResult<bool> {
                crate::store::during("end_device", &id, async move {
                    let done = sqlx::query("DELETE FROM devices WHERE id = $1 AND agent_id = $2")
                        .bind(id.0)
                        .bind(agent.0)
                        .execute(&mut *self.writing().await?)
                        .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn end_devices(&self, agent: AgentId) -> StoreResult<Vec<DeviceId>> {
                crate::store::during("end_devices", &agent, async move {
                    let mut tx = self.begin_write().await?;
                    let ended: Vec<(uuid::Uuid,)> =
                        sqlx::query_as("DELETE FROM devices WHERE agent_id = $1 RETURNING id")
                            .bind(agent.0)
                            .fetch_all(&mut *tx)
                            .await?;
                    sqlx::query(
                        "UPDATE agents SET token_version = token_version + 1 WHERE id = $1",
                    )
                    .bind(agent.0)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(ended.into_iter().map(|(id,)| DeviceId(id)).collect())
                })
                .await
            }

            async fn prune_devices(&self, now: Timestamp) -> StoreResult<u64> {
                crate::store::during("prune_devices", &"devices", async move {
                    let done = sqlx::query("DELETE FROM devices WHERE expires_at <= $1")
                        .bind(now)
                        .execute(&mut *self.writing().await?)
                        .await?;
                    Ok(done.rows_affected())
                })
                .await
            }
        }
    };
}

pub(crate) use sql_devices;
