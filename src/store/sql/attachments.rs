//! `Attachments` written once for both SQL backends: what is known about each file of a
//! conversation (its bytes are in the file store).

/// Implements `Attachments` for `$store`.
macro_rules! sql_attachments {
    ($store:ty) => {
        use crate::domain::AttachmentId;
        use crate::domain::attachments::Attachment;
        use crate::store::Attachments;

        #[async_trait]
        impl Attachments for $store {
            async fn add_attachment(&self, a: &Attachment) -> StoreResult<()> {
                crate::store::during("add_attachment", &a.file.id, async move {
                    sqlx::query(
                        "INSERT INTO attachments (id, organization_id, session_id, uploader_id,
                         name, content_type, kind, size, width, height, thumbnail_size, sha256,
                         sent, internal, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                    )
                    .bind(a.file.id.0)
                    .bind(a.organization_id.0)
                    .bind(a.session_id.0)
                    .bind(a.uploader_id)
                    .bind(&a.file.name)
                    .bind(&a.file.content_type)
                    .bind(a.file.kind.as_str())
                    .bind(a.file.size as i64)
                    .bind(a.file.width.map(i64::from))
                    .bind(a.file.height.map(i64::from))
                    .bind(a.thumbnail_size as i64)
                    .bind(&a.sha256)
                    .bind(a.sent)
                    .bind(a.internal)
                    .bind(a.created_at)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(())
                })
                .await
            }

            async fn find_attachment(&self, id: AttachmentId) -> StoreResult<Option<Attachment>> {
                crate::store::during("find_attachment", &id, async move {
                    let row = sqlx::query("SELECT * FROM attachments WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(self.reads())
                        .await?;
                    Ok(row.as_ref().map(rows::attachment).transpose()?)
                })
                .await
            }

            async fn attachments(
                &self,
                org: OrgId,
                ids: &[AttachmentId],
            ) -> StoreResult<Vec<Attachment>> {
                crate::store::during("attachments", &org, async move {
                    let mut found = Vec::with_capacity(ids.len());
                    for id in ids {
                        let row = sqlx::query(
                            "SELECT * FROM attachments WHERE id = $1 AND organization_id = $2",
                        )
                        .bind(id.0)
                        .bind(org.0)
                        .fetch_optional(self.reads())
                        .await?;
                        if let Some(row) = row {
                            found.push(rows::attachment(&row)?);
                        }
                    }
                    Ok(found)
                })
                .await
            }

            async fn mark_sent(
                &self,
                org: OrgId,
                ids: &[AttachmentId],
                internal: bool,
            ) -> StoreResult<()> {
                crate::store::during("mark_sent", &org, async move {
                    let mut tx = self.begin_write().await?;
                    for id in ids {
                        // A file once in a message the customer sees stays visible to them.
                        sqlx::query(
                            "UPDATE attachments SET internal = (CASE WHEN sent THEN internal
                             ELSE $3 END) AND $3, sent = TRUE
                             WHERE id = $1 AND organization_id = $2",
                        )
                        .bind(id.0)
                        .bind(org.0)
                        .bind(internal)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            async fn session_attachments(
                &self,
                org: OrgId,
                session: SessionId,
                sent_only: bool,
            ) -> StoreResult<Vec<Attachment>> {
                crate::store::during("session_attachments", &session, async move {
                    let found = sqlx::query(
                        "SELECT * FROM attachments WHERE organization_id = $1
                         AND session_id = $2 AND (sent OR NOT $3) ORDER BY created_at, id",
                    )
                    .bind(org.0)
                    .bind(session.0)
                    .bind(sent_only)
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::attachment)?)
                })
                .await
            }

            async fn storage_used(&self, org: OrgId) -> StoreResult<(u64, u64)> {
                crate::store::during("storage_used", &org, async move {
                    let (bytes, files): (Option<i64>, i64) = sqlx::query_as(
                        "SELECT CAST(SUM(size + thumbnail_size) AS BIGINT), COUNT(*)
                         FROM attachments WHERE organization_id = $1",
                    )
                    .bind(org.0)
                    .fetch_one(self.reads())
                    .await?;
                    Ok((bytes.unwrap_or(0) as u64, files as u64))
                })
                .await
            }

            async fn remove_attachments(
                &self,
                org: OrgId,
                ids: &[AttachmentId],
            ) -> StoreResult<()> {
                crate::store::during("remove_attachments", &org, async move {
                    let mut tx = self.begin_write().await?;
                    for id in ids {
                        sqlx::query("DELETE FROM attachments WHERE id = $1 AND organization_id = $2")
                            .bind(id.0)
                            .bind(org.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                })
                .await
            }

            async fn unsent_before(
                &self,
                before: Timestamp,
                limit: u32,
            ) -> StoreResult<Vec<Attachment>> {
                crate::store::during("unsent_before", &"all organizations", async move {
                    let found = sqlx::query(
                        "SELECT * FROM attachments WHERE NOT sent AND created_at < $1
                         ORDER BY created_at LIMIT $2",
                    )
                    .bind(before)
                    .bind(i64::from(limit))
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::attachment)?)
                })
                .await
            }
        }
    };
}

pub(crate) use sql_attachments;
