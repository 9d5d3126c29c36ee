//! `Audit` written once for both SQL backends: append and read, nothing else (entries are
//! never changed, only forgotten after a year).

/// Implements `Audit` for `$store`.
macro_rules! sql_audit {
    ($store:ty) => {
        use crate::domain::audit::AuditEntry;
        use crate::store::Audit;

        #[async_trait]
        impl Audit for $store {
            async fn record(&self, e: &AuditEntry) -> StoreResult<()> {
                crate::store::during("record_audit", &e.organization_id, async move {
                    sqlx::query(
                        "INSERT INTO audit_log (id, organization_id, at, actor_kind, actor_id,
                         actor_name, action, target, details, ip)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(e.id)
                    .bind(e.organization_id.0)
                    .bind(e.at)
                    .bind(&e.actor_kind)
                    .bind(e.actor_id)
                    .bind(&e.actor_name)
                    .bind(&e.action)
                    .bind(e.target.as_deref())
                    .bind(e.details.to_string())
                    .bind(e.ip.as_deref())
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(())
                })
                .await
            }

            async fn entries(
                &self,
                org: OrgId,
                action: Option<&str>,
                actor: Option<uuid::Uuid>,
                before: Option<Timestamp>,
                limit: u32,
            ) -> StoreResult<Vec<AuditEntry>> {
                crate::store::during("audit_entries", &org, async move {
                    let found = sqlx::query(
                        "SELECT * FROM audit_log WHERE organization_id = $1
                         AND ($2 IS NULL OR action = $2) AND ($3 IS NULL OR actor_id = $3)
                         AND ($4 IS NULL OR at < $4)
                         ORDER BY at DESC, id DESC LIMIT $5",
                    )
                    .bind(org.0)
                    .bind(action)
                    .bind(actor)
                    .bind(before)
                    .bind(i64::from(limit))
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::audit_entry)?)
                })
                .await
            }

            async fn prune_audit(&self, until: Timestamp) -> StoreResult<u64> {
                crate::store::during("prune_audit", &"all organizations", async move {
                    let done = sqlx::query("DELETE FROM audit_log WHERE at < $1")
                        .bind(until)
                        .execute(&mut *self.writing().await?)
                        .await?;
                    Ok(done.rows_affected())
                })
                .await
            }
        }
    };
}
pub(crate) use sql_audit;
