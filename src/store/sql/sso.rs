//! `SingleSignOn` written once for both SQL backends.

/// Implements `SingleSignOn` for `$store`.
macro_rules! sql_sso {
    ($store:ty) => {
        use crate::domain::sso::{SsoLogin, SsoProvider};
        use crate::store::SingleSignOn;

        #[async_trait]
        impl SingleSignOn for $store {
            async fn sso_provider(&self, org: OrgId) -> StoreResult<Option<SsoProvider>> {
                crate::store::during("sso_provider", &org, async move {
                    let row =
                        sqlx::query("SELECT * FROM sso_providers WHERE organization_id = $1")
                            .bind(org.0)
                            .fetch_optional(self.reads())
                            .await?;
                    Ok(row.as_ref().map(rows::sso_provider).transpose()?)
                })
                .await
            }

            async fn sso_providers_for_domain(
                &self,
                domain: &str,
            ) -> StoreResult<Vec<SsoProvider>> {
                crate::store::during("sso_providers_for_domain", &domain, async move {
                    // The domains are a JSON list of host names (letters, digits, '-', '.'):
                    // the quoted name matches one whole entry, and holds no LIKE wildcard.
                    let quoted = format!("%\"{domain}\"%");
                    let found = sqlx::query(
                        "SELECT * FROM sso_providers WHERE allowed_domains LIKE $1
                         ORDER BY organization_id LIMIT 10",
                    )
                    .bind(quoted)
                    .fetch_all(self.reads())
                    .await?;
                    Ok(found.iter().map(rows::sso_provider).collect::<Result<_, _>>()?)
                })
                .await
            }

            async fn put_sso_provider(&self, p: &SsoProvider) -> StoreResult<()> {
                crate::store::during("put_sso_provider", &p.organization_id, async move {
                    let domains = serde_json::to_string(&p.allowed_domains)
                        .expect("a list of strings is JSON");
                    sqlx::query(
                        "INSERT INTO sso_providers (organization_id, issuer, client_id,
                         client_secret, label, allowed_domains, create_agents, required,
                         break_glass_agent_id, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                         ON CONFLICT (organization_id) DO UPDATE SET issuer = $2,
                         client_id = $3, client_secret = $4, label = $5, allowed_domains = $6,
                         create_agents = $7, required = $8, break_glass_agent_id = $9,
                         updated_at = $10",
                    )
                    .bind(p.organization_id.0)
                    .bind(&p.issuer)
                    .bind(&p.client_id)
                    .bind(&p.client_secret)
                    .bind(&p.label)
                    .bind(domains)
                    .bind(p.create_agents)
                    .bind(p.required)
                    .bind(p.break_glass_agent_id.map(|a| a.0))
                    .bind(p.updated_at)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(())
                })
                .await
            }

            async fn delete_sso_provider(&self, org: OrgId) -> StoreResult<bool> {
                crate::store::during("delete_sso_provider", &org, async move {
                    let done =
                        sqlx::query("DELETE FROM sso_providers WHERE organization_id = $1")
                            .bind(org.0)
                            .execute(&mut *self.writing().await?)
                            .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn add_sso_login(&self, l: &SsoLogin, max_pending: u32) -> StoreResult<bool> {
                crate::store::during("add_sso_login", &l.organization_id, async move {
                    // The count and the insert are one statement: SQLite's single writer makes
                    // the bound exact; concurrent inserts on PostgreSQL may pass it by as many
                    // as are made at once.
                    let done = sqlx::query(
                        "INSERT INTO sso_logins (state_hash, organization_id, nonce, verifier,
                         expires_at) SELECT $1, $2, $3, $4, $5
                         WHERE (SELECT count(*) FROM sso_logins) < $6",
                    )
                    .bind(&l.state_hash)
                    .bind(l.organization_id.0)
                    .bind(&l.nonce)
                    .bind(&l.verifier)
                    .bind(l.expires_at)
                    .bind(i64::from(max_pending))
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn take_sso_login(&self, state_hash: &str) -> StoreResult<Option<SsoLogin>> {
                crate::store::during("take_sso_login", &"sso_logins", async move {
                    let row = sqlx::query(
                        "DELETE FROM sso_logins WHERE state_hash = $1 RETURNING *",
                    )
                    .bind(state_hash)
                    .fetch_optional(&mut *self.writing().await?)
                    .await?;
                    Ok(row.as_ref().map(rows::sso_login).transpose()?)
                })
                .await
            }

            async fn prune_sso_logins(&self, now: Timestamp) -> StoreResult<u64> {
                crate::store::during("prune_sso_logins", &"sso_logins", async move {
                    let done = sqlx::query("DELETE FROM sso_logins WHERE expires_at <= $1")
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

pub(crate) use sql_sso;
