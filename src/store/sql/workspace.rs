//! `Workspace` written once for both SQL backends: labels, canned replies, contacts, mentions
//! and filtered session lists. Bounds are kept by the insert itself (`INSERT … SELECT … WHERE
//! count < bound`) with the organization's row locked, so concurrent inserts count each other.

/// The `ORDER BY` of each `SessionSort`.
macro_rules! filtered_sessions {
    ($order:literal) => {
        concat!(
            "SELECT * FROM sessions WHERE organization_id = $1
             AND ($2 IS NULL OR status = $2)
             AND ($3 IS NULL OR agent_id = $3)
             AND ($4 IS NULL OR ',' || labels || ',' LIKE '%,' || $4 || ',%')
             AND ($5 IS NULL OR priority = $5)
             AND ($6 IS NULL OR lower(client_name) LIKE $6 ESCAPE '\\'
                  OR lower(coalesce(client_email, '')) LIKE $6 ESCAPE '\\')
             AND NOT (status = 'waiting' AND queued_at IS NULL)
             AND ($9 IS NULL OR snoozed = $9)
             AND ($11 IS NULL OR team_id = $11)
             AND ",
            $crate::within_sql!("sessions", "$7", "$10"),
            " ORDER BY ",
            $order,
            " LIMIT $8"
        )
    };
}
pub(crate) use filtered_sessions;

/// Implements `Workspace` for `$store` on sqlx database `$db`; `$lock` is the suffix that locks
/// the rows a query reads until its transaction ends (or `""` where write transactions are
/// serialized anyway).
macro_rules! sql_workspace {
    ($store:ty, $db:ty, lock = $lock:literal) => {
use async_trait::async_trait;

use crate::domain::canned::{self, CannedReply};
use crate::domain::contacts::{ContactDetails, VisitContext};
use crate::domain::ids::*;
use crate::domain::labels::{self, Label};
use crate::domain::mentions::{self, Mention};
use crate::domain::model::*;
use crate::domain::hours::BusinessHours;
use crate::domain::teams::{Team, TeamChange};
use crate::store::sql::workspace::filtered_sessions;
use crate::store::{SessionFilter, SessionSort, StoreResult, Workspace};

fn json(value: &impl serde::Serialize) -> StoreResult<String> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?)
}

/// Locks the organization's row until the transaction ends, so that inserts counting what it
/// holds see each other in order: under READ COMMITTED an `INSERT … WHERE count < bound` alone
/// lets two concurrent inserts both find room for one.
async fn lock_organization(
    tx: &mut <$db as sqlx::Database>::Connection,
    org: OrgId,
) -> StoreResult<()> {
    sqlx::query(concat!("SELECT id FROM organizations WHERE id = $1", $lock))
        .bind(org.0)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(())
}

/// Business hours as stored: JSON text.
fn hours_json(hours: Option<&BusinessHours>) -> Option<String> {
    hours.map(|h| serde_json::to_string(h).expect("hours serialize"))
}

/// Replaces the team's members.
async fn set_members(
    tx: &mut <$db as sqlx::Database>::Connection,
    org: OrgId,
    team: TeamId,
    members: &[AgentId],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND organization_id = $2")
        .bind(team.0)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    for agent in members {
        sqlx::query(
            "INSERT INTO team_members (team_id, agent_id, organization_id) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(team.0)
        .bind(agent.0)
        .bind(org.0)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl Workspace for $store {
    async fn labels(&self, org: OrgId) -> StoreResult<Vec<Label>> {
        crate::store::during("labels", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM labels WHERE organization_id = $1 ORDER BY lower(name), id",
            )
            .bind(org.0)
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::label)?)
        })
        .await
    }

    async fn insert_label(&self, l: &Label) -> StoreResult<bool> {
        crate::store::during("insert_label", &l.organization_id, async move {
            let mut tx = self.begin_write().await?;
            lock_organization(&mut tx, l.organization_id).await?;
            let done = sqlx::query(
                "INSERT INTO labels (id, organization_id, name, color, created_at)
                 SELECT $1, $2, $3, $4, $5
                 WHERE (SELECT COUNT(*) FROM labels WHERE organization_id = $2) < $6",
            )
            .bind(l.id.0)
            .bind(l.organization_id.0)
            .bind(&l.name)
            .bind(&l.color)
            .bind(l.created_at)
            .bind(labels::MAX_LABELS_PER_ORG)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn update_label(
        &self,
        org: OrgId,
        id: LabelId,
        name: &str,
        color: &str,
    ) -> StoreResult<Option<Label>> {
        crate::store::during("update_label", &org, async move {
            let row = sqlx::query(
                "UPDATE labels SET name = $1, color = $2 WHERE id = $3 AND organization_id = $4
                 RETURNING *",
            )
            .bind(name)
            .bind(color)
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *self.writing().await?)
            .await?;
            Ok(row.as_ref().map(rows::label).transpose()?)
        })
        .await
    }

    async fn delete_label(&self, org: OrgId, id: LabelId) -> StoreResult<bool> {
        crate::store::during("delete_label", &org, async move {
            let done = sqlx::query("DELETE FROM labels WHERE id = $1 AND organization_id = $2")
                .bind(id.0)
                .bind(org.0)
                .execute(&mut *self.writing().await?)
                .await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn set_session_tags(
        &self,
        org: OrgId,
        session: SessionId,
        tags: &[LabelId],
        priority: Priority,
        now: Timestamp,
    ) -> StoreResult<Option<Session>> {
        crate::store::during("set_session_tags", &org, async move {
            let row = sqlx::query(
                "UPDATE sessions SET labels = $1, priority = $2, updated_at = $3
                 WHERE id = $4 AND organization_id = $5 RETURNING *",
            )
            .bind(labels::encode(tags))
            .bind(priority.as_str())
            .bind(now)
            .bind(session.0)
            .bind(org.0)
            .fetch_optional(&mut *self.writing().await?)
            .await?;
            Ok(row.as_ref().map(rows::session).transpose()?)
        })
        .await
    }

    async fn filtered_sessions(
        &self,
        org: OrgId,
        f: &SessionFilter,
    ) -> StoreResult<Vec<Session>> {
        crate::store::during("filtered_sessions", &org, async move {
            let sql = match f.sort {
                SessionSort::Newest => filtered_sessions!("created_at DESC, id DESC"),
                SessionSort::Activity => {
                    filtered_sessions!("COALESCE(last_message_at, created_at) DESC, id DESC")
                }
                SessionSort::Waiting => {
                    filtered_sessions!("(queued_at IS NULL), queued_at, created_at, id")
                }
                SessionSort::Priority => filtered_sessions!(
                    "CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2
                     WHEN 'low' THEN 1 ELSE 0 END DESC, created_at DESC, id DESC"
                ),
            };
            let found = sqlx::query(sql)
                .bind(org.0)
                .bind(f.status.map(|s| s.as_str()))
                .bind(f.agent.map(|a| a.0))
                .bind(f.label.map(|l| l.to_string()))
                .bind(f.priority.map(|p| p.as_str()))
                .bind(f.customer.as_deref().map(crate::store::sql::like_pattern))
                .bind(f.visible_to.map(|w| w.agent.0))
                .bind(i64::from(f.limit))
                .bind(f.snoozed)
                .bind(f.visible_to.is_some_and(|w| w.whole_teams))
                .bind(f.team.map(|t| t.0))
                .fetch_all(self.reads())
                .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn canned_replies(&self, org: OrgId, agent: AgentId) -> StoreResult<Vec<CannedReply>> {
        crate::store::during("canned_replies", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM canned_replies WHERE organization_id = $1
                 AND (owner_id IS NULL OR owner_id = $2) ORDER BY shortcut, id",
            )
            .bind(org.0)
            .bind(agent.0)
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::canned_reply)?)
        })
        .await
    }

    async fn canned_reply(
        &self,
        org: OrgId,
        id: CannedReplyId,
    ) -> StoreResult<Option<CannedReply>> {
        crate::store::during("canned_reply", &org, async move {
            let row =
                sqlx::query("SELECT * FROM canned_replies WHERE id = $1 AND organization_id = $2")
                    .bind(id.0)
                    .bind(org.0)
                    .fetch_optional(self.reads())
                    .await?;
            Ok(row.as_ref().map(rows::canned_reply).transpose()?)
        })
        .await
    }

    async fn insert_canned_reply(&self, r: &CannedReply) -> StoreResult<bool> {
        crate::store::during("insert_canned_reply", &r.organization_id, async move {
            let bound = match r.owner_id {
                Some(_) => canned::MAX_PERSONAL_PER_AGENT,
                None => canned::MAX_SHARED_PER_ORG,
            };
            let mut tx = self.begin_write().await?;
            lock_organization(&mut tx, r.organization_id).await?;
            let done = sqlx::query(
                "INSERT INTO canned_replies
                 (id, organization_id, owner_id, shortcut, content, created_at, updated_at)
                 SELECT $1, $2, $3, $4, $5, $6, $7
                 WHERE (SELECT COUNT(*) FROM canned_replies
                        WHERE organization_id = $2 AND owner_id IS NOT DISTINCT FROM $3) < $8",
            )
            .bind(r.id.0)
            .bind(r.organization_id.0)
            .bind(r.owner_id.map(|a| a.0))
            .bind(&r.shortcut)
            .bind(&r.content)
            .bind(r.created_at)
            .bind(r.updated_at)
            .bind(bound)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn update_canned_reply(
        &self,
        org: OrgId,
        id: CannedReplyId,
        shortcut: &str,
        content: &str,
        now: Timestamp,
    ) -> StoreResult<Option<CannedReply>> {
        crate::store::during("update_canned_reply", &org, async move {
            let row = sqlx::query(
                "UPDATE canned_replies SET shortcut = $1, content = $2, updated_at = $3
                 WHERE id = $4 AND organization_id = $5 RETURNING *",
            )
            .bind(shortcut)
            .bind(content)
            .bind(now)
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *self.writing().await?)
            .await?;
            Ok(row.as_ref().map(rows::canned_reply).transpose()?)
        })
        .await
    }

    async fn delete_canned_reply(&self, org: OrgId, id: CannedReplyId) -> StoreResult<bool> {
        crate::store::during("delete_canned_reply", &org, async move {
            let done =
                sqlx::query("DELETE FROM canned_replies WHERE id = $1 AND organization_id = $2")
                    .bind(id.0)
                    .bind(org.0)
                    .execute(&mut *self.writing().await?)
                    .await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn contact_details(
        &self,
        org: OrgId,
        client: ClientId,
    ) -> StoreResult<Option<ContactDetails>> {
        crate::store::during("contact_details", &org, async move {
            let row = sqlx::query(
                "SELECT * FROM contacts WHERE organization_id = $1 AND client_id = $2",
            )
            .bind(org.0)
            .bind(client.0)
            .fetch_optional(self.reads())
            .await?;
            Ok(row.as_ref().map(rows::contact_details).transpose()?)
        })
        .await
    }

    async fn save_contact_details(
        &self,
        org: OrgId,
        client: ClientId,
        d: &ContactDetails,
        display_name: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        crate::store::during("save_contact_details", &org, async move {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO contacts (organization_id, client_id, name, email, attributes, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (organization_id, client_id) DO UPDATE SET name = excluded.name,
                 email = excluded.email, attributes = excluded.attributes,
                 updated_at = excluded.updated_at",
            )
            .bind(org.0)
            .bind(client.0)
            .bind(d.name.as_deref())
            .bind(d.email.as_deref())
            .bind(json(&d.attributes)?)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE sessions SET client_name = $1, client_email = $2
                 WHERE organization_id = $3 AND client_id = $4",
            )
            .bind(display_name)
            .bind(d.email.as_deref())
            .bind(org.0)
            .bind(client.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn set_session_context(
        &self,
        org: OrgId,
        session: SessionId,
        context: &VisitContext,
    ) -> StoreResult<()> {
        crate::store::during("set_session_context", &org, async move {
            sqlx::query("UPDATE sessions SET context = $1 WHERE id = $2 AND organization_id = $3")
                .bind(json(context)?)
                .bind(session.0)
                .bind(org.0)
                .execute(&mut *self.writing().await?)
                .await?;
            Ok(())
        })
        .await
    }

    async fn session_context(
        &self,
        org: OrgId,
        session: SessionId,
    ) -> StoreResult<Option<VisitContext>> {
        crate::store::during("session_context", &org, async move {
            let stored: Option<Option<String>> = sqlx::query_scalar(
                "SELECT context FROM sessions WHERE id = $1 AND organization_id = $2",
            )
            .bind(session.0)
            .bind(org.0)
            .fetch_optional(self.reads())
            .await?;
            match stored.flatten() {
                Some(text) => Ok(Some(
                    serde_json::from_str(&text).map_err(anyhow::Error::from)?,
                )),
                None => Ok(None),
            }
        })
        .await
    }

    async fn contact_sessions(&self, org: OrgId, client: ClientId) -> StoreResult<Vec<Session>> {
        crate::store::during("contact_sessions", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE organization_id = $1 AND client_id = $2
                 ORDER BY created_at DESC, id DESC LIMIT 50",
            )
            .bind(org.0)
            .bind(client.0)
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn set_snooze(
        &self,
        org: OrgId,
        session: SessionId,
        snoozed: bool,
        until: Option<Timestamp>,
        now: Timestamp,
    ) -> StoreResult<Option<Session>> {
        crate::store::during("set_snooze", &org, async move {
            let row = sqlx::query(
                "UPDATE sessions SET snoozed = $1, snoozed_until = $2, updated_at = $3
                 WHERE id = $4 AND organization_id = $5 AND status <> 'closed' RETURNING *",
            )
            .bind(snoozed)
            .bind(until)
            .bind(now)
            .bind(session.0)
            .bind(org.0)
            .fetch_optional(&mut *self.writing().await?)
            .await?;
            Ok(row.as_ref().map(rows::session).transpose()?)
        })
        .await
    }

    async fn wake_due_snoozes(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Session>> {
        crate::store::during("wake_due_snoozes", &"all organizations", async move {
            // The condition is checked again on each row as it is updated: of two servers
            // waking the same session, one updates it and the other finds it awake.
            let found = sqlx::query(
                "UPDATE sessions SET snoozed = $1, snoozed_until = NULL, updated_at = $2
                 WHERE id IN (SELECT id FROM sessions WHERE snoozed AND snoozed_until <= $2
                              LIMIT $3)
                 AND snoozed AND snoozed_until <= $2 RETURNING *",
            )
            .bind(false)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(&mut *self.writing().await?)
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn idle_sessions(
        &self,
        org: OrgId,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Session>> {
        crate::store::during("idle_sessions", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE organization_id = $1 AND status <> 'closed'
                 AND NOT snoozed AND COALESCE(last_message_at, created_at) < $2
                 ORDER BY COALESCE(last_message_at, created_at), id LIMIT $3",
            )
            .bind(org.0)
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn unanswered_sessions(
        &self,
        org: OrgId,
        before: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<Session>> {
        crate::store::during("unanswered_sessions", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE organization_id = $1 AND status = 'active'
                 AND awaiting_since < $2 ORDER BY awaiting_since, id LIMIT $3",
            )
            .bind(org.0)
            .bind(before)
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn teams(&self, org: OrgId) -> StoreResult<Vec<Team>> {
        crate::store::during("teams", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM teams WHERE organization_id = $1
                 ORDER BY is_default DESC, lower(name), id",
            )
            .bind(org.0)
            .fetch_all(self.reads())
            .await?;
            let mut teams = rows::all(found, rows::team)?;
            let members: Vec<(uuid::Uuid, uuid::Uuid)> = sqlx::query_as(
                "SELECT team_id, agent_id FROM team_members WHERE organization_id = $1
                 ORDER BY agent_id",
            )
            .bind(org.0)
            .fetch_all(self.reads())
            .await?;
            for (team, agent) in members {
                if let Some(t) = teams.iter_mut().find(|t| t.id.0 == team) {
                    t.members.push(AgentId(agent));
                }
            }
            Ok(teams)
        })
        .await
    }

    async fn insert_team(&self, t: &Team) -> StoreResult<bool> {
        crate::store::during("insert_team", &t.organization_id, async move {
            let mut tx = self.begin_write().await?;
            lock_organization(&mut tx, t.organization_id).await?;
            let done = sqlx::query(
                "INSERT INTO teams (id, organization_id, name, is_default, created_at, business_hours)
                 SELECT $1, $2, $3, $4, $5, $7
                 WHERE (SELECT COUNT(*) FROM teams WHERE organization_id = $2) < $6",
            )
            .bind(t.id.0)
            .bind(t.organization_id.0)
            .bind(&t.name)
            .bind(t.is_default)
            .bind(t.created_at)
            .bind(crate::domain::teams::MAX_TEAMS_PER_ORG)
            .bind(hours_json(t.business_hours.as_ref()))
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            set_members(&mut tx, t.organization_id, t.id, &t.members).await?;
            tx.commit().await?;
            Ok(true)
        })
        .await
    }

    async fn update_team(
        &self,
        org: OrgId,
        id: TeamId,
        change: &TeamChange,
    ) -> StoreResult<Option<Team>> {
        crate::store::during("update_team", &org, async move {
            let mut tx = self.begin_write().await?;
            let hours = change.business_hours.as_ref();
            let row = sqlx::query(
                "UPDATE teams SET name = COALESCE($1, name),
                 business_hours = CASE WHEN $4 THEN $5 ELSE business_hours END
                 WHERE id = $2 AND organization_id = $3
                 RETURNING *",
            )
            .bind(change.name.as_deref())
            .bind(id.0)
            .bind(org.0)
            .bind(hours.is_some())
            .bind(hours.and_then(|h| hours_json(h.as_ref())))
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let mut team = rows::team(&row)?;
            if let Some(members) = &change.members {
                set_members(&mut tx, org, id, members).await?;
            }
            tx.commit().await?;
            team.members = self
                .teams(org)
                .await?
                .into_iter()
                .find(|t| t.id == id)
                .map(|t| t.members)
                .unwrap_or_default();
            Ok(Some(team))
        })
        .await
    }

    async fn delete_team(&self, org: OrgId, id: TeamId) -> StoreResult<bool> {
        crate::store::during("delete_team", &org, async move {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "UPDATE sessions SET team_id = (SELECT d.id FROM teams d
                     WHERE d.organization_id = $1 AND d.is_default)
                 WHERE organization_id = $1 AND team_id = $2
                 AND EXISTS (SELECT 1 FROM teams t WHERE t.id = $2 AND NOT t.is_default)",
            )
            .bind(org.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query(
                "DELETE FROM teams WHERE id = $1 AND organization_id = $2 AND NOT is_default",
            )
            .bind(id.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn insert_mentions(&self, found: &[Mention]) -> StoreResult<()> {
        crate::store::during("insert_mentions", &"mentions", async move {
            let mut tx = self.begin_write().await?;
            for m in found {
                sqlx::query(
                    "INSERT INTO mentions (id, organization_id, agent_id, session_id, seq,
                     author_name, excerpt, created_at, read_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
                )
                .bind(m.id)
                .bind(m.organization_id.0)
                .bind(m.agent_id.0)
                .bind(m.session_id.0)
                .bind(m.seq)
                .bind(&m.author_name)
                .bind(&m.excerpt)
                .bind(m.created_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM mentions WHERE agent_id = $1 AND organization_id = $2
                     AND id NOT IN (SELECT id FROM mentions WHERE agent_id = $1
                     AND organization_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3)",
                )
                .bind(m.agent_id.0)
                .bind(m.organization_id.0)
                .bind(mentions::MAX_KEPT_PER_AGENT)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn mentions(&self, org: OrgId, agent: AgentId, limit: u32) -> StoreResult<Vec<Mention>> {
        crate::store::during("mentions", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM mentions WHERE organization_id = $1 AND agent_id = $2
                 ORDER BY created_at DESC, id DESC LIMIT $3",
            )
            .bind(org.0)
            .bind(agent.0)
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::mention)?)
        })
        .await
    }

    async fn read_mentions(
        &self,
        org: OrgId,
        agent: AgentId,
        session: Option<SessionId>,
        now: Timestamp,
    ) -> StoreResult<u64> {
        crate::store::during("read_mentions", &org, async move {
            let done = sqlx::query(
                "UPDATE mentions SET read_at = $1 WHERE organization_id = $2 AND agent_id = $3
                 AND read_at IS NULL AND ($4 IS NULL OR session_id = $4)",
            )
            .bind(now)
            .bind(org.0)
            .bind(agent.0)
            .bind(session.map(|s| s.0))
            .execute(&mut *self.writing().await?)
            .await?;
            Ok(done.rows_affected())
        })
        .await
    }
}

    };
}

pub(crate) use sql_workspace;
