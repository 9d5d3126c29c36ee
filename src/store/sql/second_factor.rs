//! `SecondFactors` written once for both SQL backends. Using a code or a recovery code is one
//! conditional update, so two servers given the same code at once accept it once.

/// Implements `SecondFactors` for `$store`.
macro_rules! sql_second_factors {
    ($store:ty) => {
        use crate::domain::second_factor::SecondFactor;
        use crate::store::SecondFactors;

        #[async_trait]
        impl SecondFactors for $store {
            async fn second_factor(&self, agent: AgentId) -> StoreResult<Option<SecondFactor>> {
                crate::store::during("second_factor", &agent, async move {
                    let row = sqlx::query("SELECT * FROM second_factors WHERE agent_id = $1")
                        .bind(agent.0)
                        .fetch_optional(self.reads())
                        .await?;
                    Ok(row.as_ref().map(rows::second_factor).transpose()?)
                })
                .await
            }

            async fn start_second_factor(&self, f: &SecondFactor) -> StoreResult<bool> {
                crate::store::during("start_second_factor", &f.agent_id, async move {
                    let mut tx = self.begin_write().await?;
                    sqlx::query(
                        "DELETE FROM second_factors WHERE agent_id = $1 AND enabled_at IS NULL",
                    )
                    .bind(f.agent_id.0)
                    .execute(&mut *tx)
                    .await?;
                    let done = sqlx::query(
                        "INSERT INTO second_factors (agent_id, organization_id, secret,
                         enabled_at, last_step, created_at)
                         VALUES ($1, $2, $3, NULL, 0, $4) ON CONFLICT (agent_id) DO NOTHING",
                    )
                    .bind(f.agent_id.0)
                    .bind(f.organization_id.0)
                    .bind(crate::domain::second_factor::secret_text(&f.secret))
                    .bind(f.created_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn enable_second_factor(
                &self,
                agent: AgentId,
                step: i64,
                recovery: &[String],
                now: Timestamp,
            ) -> StoreResult<bool> {
                crate::store::during("enable_second_factor", &agent, async move {
                    let mut tx = self.begin_write().await?;
                    let done = sqlx::query(
                        "UPDATE second_factors SET enabled_at = $2, last_step = $3
                         WHERE agent_id = $1 AND enabled_at IS NULL",
                    )
                    .bind(agent.0)
                    .bind(now)
                    .bind(step)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() != 1 {
                        return Ok(false);
                    }
                    sqlx::query("DELETE FROM recovery_codes WHERE agent_id = $1")
                        .bind(agent.0)
                        .execute(&mut *tx)
                        .await?;
                    for hash in recovery {
                        sqlx::query("INSERT INTO recovery_codes (agent_id, hash) VALUES ($1, $2)")
                            .bind(agent.0)
                            .bind(hash)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(true)
                })
                .await
            }

            async fn use_step(&self, agent: AgentId, step: i64) -> StoreResult<bool> {
                crate::store::during("use_step", &agent, async move {
                    let done = sqlx::query(
                        "UPDATE second_factors SET last_step = $2
                         WHERE agent_id = $1 AND enabled_at IS NOT NULL AND last_step < $2",
                    )
                    .bind(agent.0)
                    .bind(step)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn use_recovery_code(
                &self,
                agent: AgentId,
                hash: &str,
                now: Timestamp,
            ) -> StoreResult<bool> {
                crate::store::during("use_recovery_code", &agent, async move {
                    let done = sqlx::query(
                        "UPDATE recovery_codes SET used_at = $3
                         WHERE agent_id = $1 AND hash = $2 AND used_at IS NULL",
                    )
                    .bind(agent.0)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn recovery_codes_left(&self, agent: AgentId) -> StoreResult<u32> {
                crate::store::during("recovery_codes_left", &agent, async move {
                    let (n,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM recovery_codes WHERE agent_id = $1 AND used_at IS NULL",
                    )
                    .bind(agent.0)
                    .fetch_one(self.reads())
                    .await?;
                    Ok(n as u32)
                })
                .await
            }

            async fn remove_second_factor(&self, agent: AgentId) -> StoreResult<()> {
                crate::store::during("remove_second_factor", &agent, async move {
                    let mut tx = self.begin_write().await?;
                    for table in ["second_factors", "recovery_codes"] {
                        sqlx::query(&format!("DELETE FROM {table} WHERE agent_id = $1"))
                            .bind(agent.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            async fn revoke_without_second_factor(&self, org: OrgId) -> StoreResult<Vec<AgentId>> {
                crate::store::during("revoke_without_second_factor", &org, async move {
                    let revoked: Vec<(uuid::Uuid,)> = sqlx::query_as(
                        "UPDATE agents SET token_version = token_version + 1
                         WHERE organization_id = $1 AND id NOT IN (
                             SELECT agent_id FROM second_factors
                             WHERE organization_id = $1 AND enabled_at IS NOT NULL)
                         RETURNING id",
                    )
                    .bind(org.0)
                    .fetch_all(&mut *self.writing().await?)
                    .await?;
                    Ok(revoked.into_iter().map(|(id,)| AgentId(id)).collect())
                })
                .await
            }
        }
    };
}

pub(crate) use sql_second_factors;
