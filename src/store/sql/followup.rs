//! `Followup` written once for both SQL backends: ratings, e-mail opt-outs and the e-mail
//! outbox. Each change is one conditional statement, so that of several servers acting on the
//! same row exactly one does: a rating only where none is (`ON CONFLICT DO NOTHING`), a claim
//! only of a pending e-mail, the give-up only of a claim that ran out.

/// Implements `Followup` for `$store`; `erase` are the statements (taking the organization
/// and a conversation) that remove what that backend keeps of a conversation's messages besides
/// the message log (PostgreSQL's search index and outbox; SQLite's index follows its messages).
macro_rules! sql_followup {
    ($store:ty, erase = [$($erase:literal),*]) => {
        use crate::domain::email::{self, EmailOutcome, OutgoingEmail};
        use crate::domain::ratings::Rating;
        use crate::store::Followup;

        #[async_trait]
        impl Followup for $store {
            async fn rate(
                &self,
                org: OrgId,
                session: SessionId,
                client: ClientId,
                r: &Rating,
            ) -> StoreResult<bool> {
                crate::store::during("rate", &org, async move {
                    let done = sqlx::query(
                        "INSERT INTO ratings (session_id, organization_id, client_id, score,
                         comment, rated_at) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (session_id) DO NOTHING",
                    )
                    .bind(session.0)
                    .bind(org.0)
                    .bind(client.0)
                    .bind(i64::from(r.score))
                    .bind(r.comment.as_deref())
                    .bind(r.rated_at)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn rating(&self, org: OrgId, session: SessionId) -> StoreResult<Option<Rating>> {
                crate::store::during("rating", &org, async move {
                    let row = sqlx::query(
                        "SELECT * FROM ratings WHERE session_id = $1 AND organization_id = $2",
                    )
                    .bind(session.0)
                    .bind(org.0)
                    .fetch_optional(self.reads())
                    .await?;
                    Ok(row.as_ref().map(rows::rating).transpose()?)
                })
                .await
            }

            async fn report_rows(
                &self,
                org: OrgId,
                from: Timestamp,
                until: Timestamp,
                team: Option<TeamId>,
                agent: Option<AgentId>,
            ) -> StoreResult<Vec<crate::domain::reports::ReportRow>> {
                crate::store::during("report_rows", &org, async move {
                    let found = sqlx::query(
                        "SELECT s.created_at, s.queued_at, s.assigned_at, s.first_response_at,
                         s.closed_at, s.agent_id, s.team_id, s.last_seq, r.score
                         FROM sessions s LEFT JOIN ratings r ON r.session_id = s.id
                         WHERE s.organization_id = $1 AND s.created_at >= $2 AND s.created_at < $3
                         AND ($4 IS NULL OR s.team_id = $4) AND ($5 IS NULL OR s.agent_id = $5)
                         LIMIT $6",
                    )
                    .bind(org.0)
                    .bind(from)
                    .bind(until)
                    .bind(team.map(|t| t.0))
                    .bind(agent.map(|a| a.0))
                    .bind(crate::domain::reports::MAX_ROWS)
                    .fetch_all(self.reads())
                    .await?;
                    let mut out = Vec::with_capacity(found.len());
                    for row in &found {
                        out.push(crate::domain::reports::ReportRow {
                            created_at: row.try_get("created_at")?,
                            queued_at: row.try_get("queued_at")?,
                            assigned_at: row.try_get("assigned_at")?,
                            first_response_at: row.try_get("first_response_at")?,
                            closed_at: row.try_get("closed_at")?,
                            agent_id: row.try_get::<Option<uuid::Uuid>, _>("agent_id")?.map(AgentId),
                            team_id: row.try_get::<Option<uuid::Uuid>, _>("team_id")?.map(TeamId),
                            messages: row.try_get("last_seq")?,
                            score: row
                                .try_get::<Option<i64>, _>("score")?
                                .and_then(|s| u8::try_from(s).ok()),
                        });
                    }
                    Ok(out)
                })
                .await
            }

            async fn erase_customer(
                &self,
                org: OrgId,
                client: ClientId,
            ) -> StoreResult<Vec<SessionId>> {
                crate::store::during("erase_customer", &org, async move {
                    let mut tx = self.begin_write().await?;
                    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
                        "SELECT id FROM sessions WHERE organization_id = $1 AND client_id = $2",
                    )
                    .bind(org.0)
                    .bind(client.0)
                    .fetch_all(&mut *tx)
                    .await?;
                    let extra: &[&str] = &[$($erase),*];
                    for id in &ids {
                        for statement in extra
                            .iter()
                            .chain(["DELETE FROM mentions WHERE organization_id = $1 AND session_id = $2"].iter())
                        {
                            sqlx::query(statement)
                                .bind(org.0)
                                .bind(*id)
                                .execute(&mut *tx)
                                .await?;
                        }
                    }
                    sqlx::query(
                        "UPDATE sessions SET client_name = $3, client_email = NULL,
                         subject = NULL, preview = NULL, context = NULL
                         WHERE organization_id = $1 AND client_id = $2",
                    )
                    .bind(org.0)
                    .bind(client.0)
                    .bind(crate::domain::contacts::ERASED_NAME)
                    .execute(&mut *tx)
                    .await?;
                    for statement in [
                        "DELETE FROM contacts WHERE organization_id = $1 AND client_id = $2",
                        // The placeholder the organization keeps instead (see `Chat::contact`).
                        "INSERT INTO contacts (organization_id, client_id, name, email, attributes,
                         updated_at) SELECT $1, $2, 'Deleted customer', NULL, '{}', MAX(updated_at)
                         FROM sessions WHERE organization_id = $1 AND client_id = $2
                         HAVING COUNT(*) > 0",
                        "DELETE FROM email_opt_outs WHERE organization_id = $1 AND client_id = $2",
                        "DELETE FROM email_outbox WHERE organization_id = $1 AND client_id = $2",
                        "UPDATE ratings SET comment = NULL WHERE organization_id = $1 AND client_id = $2",
                        "UPDATE clients SET name = NULL, email = NULL, external_id = NULL,
                         token_version = token_version + 1
                         WHERE organization_id = $1 AND id = $2",
                    ] {
                        sqlx::query(statement)
                            .bind(org.0)
                            .bind(client.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(ids.into_iter().map(SessionId).collect())
                })
                .await
            }

            async fn closed_before(
                &self,
                org: OrgId,
                before: Timestamp,
                limit: u32,
            ) -> StoreResult<Vec<SessionId>> {
                crate::store::during("closed_before", &org, async move {
                    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
                        "SELECT id FROM sessions WHERE organization_id = $1 AND status = 'closed'
                         AND closed_at < $2 ORDER BY closed_at LIMIT $3",
                    )
                    .bind(org.0)
                    .bind(before)
                    .bind(i64::from(limit))
                    .fetch_all(self.reads())
                    .await?;
                    Ok(ids.into_iter().map(SessionId).collect())
                })
                .await
            }

            async fn delete_conversation(&self, org: OrgId, session: SessionId) -> StoreResult<bool> {
                crate::store::during("delete_conversation", &org, async move {
                    let done = sqlx::query(
                        "DELETE FROM sessions WHERE organization_id = $1 AND id = $2",
                    )
                    .bind(org.0)
                    .bind(session.0)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn client_ratings(
                &self,
                client: ClientId,
            ) -> StoreResult<Vec<(SessionId, Rating)>> {
                crate::store::during("client_ratings", &client, async move {
                    let found = sqlx::query("SELECT * FROM ratings WHERE client_id = $1")
                        .bind(client.0)
                        .fetch_all(self.reads())
                        .await?;
                    let mut out = Vec::with_capacity(found.len());
                    for row in &found {
                        out.push((SessionId(row.try_get("session_id")?), rows::rating(row)?));
                    }
                    Ok(out)
                })
                .await
            }

            async fn set_email_opt_out(
                &self,
                org: OrgId,
                client: ClientId,
                out: bool,
                now: Timestamp,
            ) -> StoreResult<()> {
                crate::store::during("set_email_opt_out", &org, async move {
                    let statement = match out {
                        true => {
                            "INSERT INTO email_opt_outs (organization_id, client_id, opted_out_at)
                             VALUES ($1, $2, $3) ON CONFLICT (organization_id, client_id) DO NOTHING"
                        }
                        false => {
                            "DELETE FROM email_opt_outs WHERE organization_id = $1
                             AND client_id = $2 AND opted_out_at <= $3"
                        }
                    };
                    sqlx::query(statement)
                        .bind(org.0)
                        .bind(client.0)
                        .bind(now)
                        .execute(&mut *self.writing().await?)
                        .await?;
                    Ok(())
                })
                .await
            }

            async fn email_opted_out(&self, org: OrgId, client: ClientId) -> StoreResult<bool> {
                crate::store::during("email_opted_out", &org, async move {
                    let found: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM email_opt_outs WHERE organization_id = $1
                         AND client_id = $2",
                    )
                    .bind(org.0)
                    .bind(client.0)
                    .fetch_one(self.reads())
                    .await?;
                    Ok(found > 0)
                })
                .await
            }

            async fn queue_email(&self, e: &OutgoingEmail) -> StoreResult<bool> {
                crate::store::during("queue_email", &e.organization_id, async move {
                    let done = sqlx::query(
                        "INSERT INTO email_outbox (id, organization_id, session_id, client_id,
                         kind, to_address, due_at, created_at)
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8
                         WHERE (SELECT COUNT(*) FROM email_outbox WHERE client_id = $4
                                AND created_at > $9) < $10
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(e.id)
                    .bind(e.organization_id.0)
                    .bind(e.session_id.0)
                    .bind(e.client_id.0)
                    .bind(e.kind.as_str())
                    .bind(&e.to)
                    .bind(e.due_at)
                    .bind(e.created_at)
                    .bind(e.created_at - chrono::Duration::hours(1))
                    .bind(email::MAX_PER_CUSTOMER_PER_HOUR)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected() == 1)
                })
                .await
            }

            async fn due_emails(
                &self,
                now: Timestamp,
                limit: u32,
            ) -> StoreResult<Vec<OutgoingEmail>> {
                crate::store::during("due_emails", &"all organizations", async move {
                    let found = sqlx::query(
                        "SELECT * FROM email_outbox WHERE state = 'pending' AND due_at <= $1
                         ORDER BY due_at LIMIT $2",
                    )
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(self.reads())
                    .await?;
                    Ok(rows::all(found, rows::outgoing_email)?)
                })
                .await
            }

            async fn claim_email(&self, id: uuid::Uuid, until: Timestamp) -> StoreResult<bool> {
                crate::store::during("claim_email", &id, async move {
                    let done = sqlx::query(
                        "UPDATE email_outbox SET state = 'sending', lease_until = $1,
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

            async fn finish_email(
                &self,
                id: uuid::Uuid,
                outcome: &EmailOutcome,
                upto_seq: Option<i64>,
                now: Timestamp,
            ) -> StoreResult<()> {
                crate::store::during("finish_email", &id, async move {
                    let (error, due) = match outcome {
                        EmailOutcome::Failed(e) => (Some(e.as_str()), None),
                        EmailOutcome::Skipped(why) => (Some(*why), None),
                        EmailOutcome::Retry { error, at } => (Some(error.as_str()), Some(*at)),
                        EmailOutcome::Sent => (None, None),
                    };
                    sqlx::query(
                        "UPDATE email_outbox SET state = $1, last_error = $2,
                         due_at = COALESCE($3, due_at), lease_until = NULL,
                         sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END,
                         upto_seq = $6
                         WHERE id = $5 AND state = 'sending'",
                    )
                    .bind(outcome.state())
                    .bind(error)
                    .bind(due)
                    .bind(now)
                    .bind(id)
                    .bind(upto_seq)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(())
                })
                .await
            }

            async fn emailed_upto(&self, org: OrgId, session: SessionId) -> StoreResult<i64> {
                crate::store::during("emailed_upto", &org, async move {
                    let upto: Option<i64> = sqlx::query_scalar(
                        "SELECT MAX(upto_seq) FROM email_outbox WHERE session_id = $1
                         AND organization_id = $2 AND kind = 'replies'
                         AND state IN ('sent', 'uncertain')",
                    )
                    .bind(session.0)
                    .bind(org.0)
                    .fetch_one(self.reads())
                    .await?;
                    Ok(upto.unwrap_or(0))
                })
                .await
            }

            async fn prune_emails(&self, until: Timestamp) -> StoreResult<u64> {
                crate::store::during("prune_emails", &"all organizations", async move {
                    let done = sqlx::query(
                        "DELETE FROM email_outbox WHERE created_at < $1
                         AND (state = 'failed' OR (state IN ('sent', 'uncertain') AND EXISTS (
                             SELECT 1 FROM email_outbox AS newer
                             WHERE newer.session_id = email_outbox.session_id
                             AND newer.kind = email_outbox.kind
                             AND newer.state IN ('sent', 'uncertain')
                             AND newer.created_at > email_outbox.created_at)))",
                    )
                    .bind(until)
                    .execute(&mut *self.writing().await?)
                    .await?;
                    Ok(done.rows_affected())
                })
                .await
            }

            async fn give_up_stale_emails(&self, now: Timestamp) -> StoreResult<u64> {
                crate::store::during("give_up_stale_emails", &"all organizations", async move {
                    let done = sqlx::query(
                        "UPDATE email_outbox SET state = 'uncertain', lease_until = NULL,
                         last_error = 'the server sending it stopped: it may have gone out'
                         WHERE state = 'sending' AND lease_until < $1",
                    )
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
pub(crate) use sql_followup;
