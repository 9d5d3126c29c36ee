//! `Store` written once for both SQL backends: organizations, agents, clients, sessions and
//! read marks. See `super` for what a backend provides.

/// Implements `Store` for `$store` on sqlx database `$db`; `$for_update` is the suffix that
/// locks the rows a query reads until its transaction ends (`" FOR UPDATE"`, or `""` where
/// write transactions are serialized anyway).
macro_rules! sql_store {
    ($store:ty, $db:ty, for_update = $for_update:literal) => {
use anyhow::Context;
use async_trait::async_trait;
use sqlx::Row;

use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::{AgentChanges, AgentLoad, Mark, QueueLock, Store, StoreError, StoreResult};

/// Locks the organization's admins, so that rules counting them (at least one admin stays)
/// see every concurrent demotion or deletion in order.
async fn lock_admins(tx: &mut <$db as sqlx::Database>::Connection, org: OrgId) -> StoreResult<()> {
    sqlx::query(concat!(
        "SELECT id FROM agents WHERE organization_id = $1 AND role = 'admin'",
        $for_update
    ))
    .bind(org.0)
    .fetch_all(&mut *tx)
    .await?;
    Ok(())
}

/// Makes agent `$1` a member of the default team of organization `$2`.
const JOIN_DEFAULT_TEAM: &str = "INSERT INTO team_members (team_id, agent_id, organization_id)
    SELECT id, $1, organization_id FROM teams WHERE organization_id = $2 AND is_default";

const AGENT_INSERT: &str = "INSERT INTO agents (id, organization_id, name, email, password_hash,
    role, status, max_concurrent_sessions, last_assigned_at, token_version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

fn bind_agent<'q>(
    q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
    a: &'q Agent,
    hash: &'q str,
) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
    q.bind(a.id.0)
        .bind(a.organization_id.0)
        .bind(&a.name)
        .bind(&a.email)
        .bind(hash)
        .bind(a.role.as_str())
        .bind(a.status.as_str())
        .bind(a.max_concurrent_sessions.map(i64::from))
        .bind(a.last_assigned_at)
        .bind(a.token_version)
        .bind(a.created_at)
        .bind(a.updated_at)
}

#[async_trait]
impl Store for $store {
    async fn ping(&self) -> StoreResult<()> {
        crate::store::during("ping", &"all organizations", async move {
            sqlx::query(
                "INSERT INTO store_probe (id, checked_at) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
            )
            .bind(chrono::Utc::now())
            .execute(&mut *self.writing().await?)
            .await
            .context("writing the readiness probe")?;
            Ok(())
        })
        .await
    }

    async fn create_organization(
        &self,
        org: &Organization,
        admin: &Agent,
        hash: &str,
    ) -> StoreResult<()> {
        crate::store::during("create_organization", &org.id, async move {
            let mut tx = self.begin_write().await?;
            sqlx::query(
                "INSERT INTO organizations (id, name, domain, settings, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(org.id.0)
            .bind(&org.name)
            .bind(&org.domain)
            .bind(serde_json::to_string(&org.settings).map_err(anyhow::Error::from)?)
            .bind(org.created_at)
            .bind(org.updated_at)
            .execute(&mut *tx)
            .await?;
            bind_agent(sqlx::query(AGENT_INSERT), admin, hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO teams (id, organization_id, name, is_default, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(TeamId::new().0)
            .bind(org.id.0)
            .bind(crate::domain::teams::DEFAULT_TEAM_NAME)
            .bind(true)
            .bind(org.created_at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(JOIN_DEFAULT_TEAM)
                .bind(admin.id.0)
                .bind(org.id.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        crate::store::during("organization", &id, async move {
            let row = sqlx::query("SELECT * FROM organizations WHERE id = $1")
                .bind(id.0)
                .fetch_optional(self.reads())
                .await?;
            Ok(row.as_ref().map(rows::organization).transpose()?)
        })
        .await
    }

    async fn organization_by_domain(&self, domain: &str) -> StoreResult<Option<Organization>> {
        crate::store::during("organization_by_domain", &domain, async move {
            let row = sqlx::query("SELECT * FROM organizations WHERE domain = $1")
                .bind(domain)
                .fetch_optional(self.reads())
                .await?;
            Ok(row.as_ref().map(rows::organization).transpose()?)
        })
        .await
    }

    async fn organizations(&self) -> StoreResult<Vec<Organization>> {
        crate::store::during("organizations", &"all organizations", async move {
            let all = sqlx::query("SELECT * FROM organizations ORDER BY created_at, id")
                .fetch_all(self.reads())
                .await?;
            Ok(rows::all(all, rows::organization)?)
        })
        .await
    }

    async fn search_organizations(&self, q: &str, limit: u32) -> StoreResult<Vec<Organization>> {
        crate::store::during("search_organizations", &"all organizations", async move {
            let found = sqlx::query(
                "SELECT * FROM organizations
                 WHERE lower(name) LIKE $1 ESCAPE '\\' OR domain LIKE $1 ESCAPE '\\'
                 ORDER BY name, id LIMIT $2",
            )
            .bind(crate::store::sql::like_pattern(q))
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::organization)?)
        })
        .await
    }

    async fn update_organization(
        &self,
        id: OrgId,
        name: &str,
        domain: &str,
        settings: &OrgSettings,
        now: Timestamp,
    ) -> StoreResult<Option<Organization>> {
        crate::store::during("update_organization", &id, async move {
            let row = sqlx::query(
                "UPDATE organizations SET name = $1, domain = $2, settings = $3, updated_at = $4
                 WHERE id = $5 RETURNING *",
            )
            .bind(name)
            .bind(domain)
            .bind(serde_json::to_string(settings).map_err(anyhow::Error::from)?)
            .bind(now)
            .bind(id.0)
            .fetch_optional(&mut *self.writing().await?)
            .await?;
            Ok(row.as_ref().map(rows::organization).transpose()?)
        })
        .await
    }

    async fn delete_organization(&self, id: OrgId) -> StoreResult<bool> {
        crate::store::during("delete_organization", &id, async move {
            let mut tx = self.begin_write().await?;
            // Messages carry no foreign key to the organization; they go with their sessions.
            let done = sqlx::query("DELETE FROM organizations WHERE id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn insert_agent(&self, agent: &Agent, hash: &str) -> StoreResult<()> {
        crate::store::during("insert_agent", &agent.organization_id, async move {
            let mut tx = self.begin_write().await?;
            bind_agent(sqlx::query(AGENT_INSERT), agent, hash)
                .execute(&mut *tx)
                .await?;
            sqlx::query(JOIN_DEFAULT_TEAM)
                .bind(agent.id.0)
                .bind(agent.organization_id.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn agent(&self, org: OrgId, id: AgentId) -> StoreResult<Option<Agent>> {
        crate::store::during("agent", &org, async move {
            let row = sqlx::query("SELECT * FROM agents WHERE id = $1 AND organization_id = $2")
                .bind(id.0)
                .bind(org.0)
                .fetch_optional(self.reads())
                .await?;
            Ok(row.as_ref().map(rows::agent).transpose()?)
        })
        .await
    }

    async fn agent_logins(&self, email: &str) -> StoreResult<Vec<(Agent, String)>> {
        crate::store::during("agent_logins", &"an e-mail address", async move {
            let found = sqlx::query("SELECT * FROM agents WHERE email = $1 ORDER BY created_at")
                .bind(email)
                .fetch_all(self.reads())
                .await?;
            found
                .iter()
                .map(|r| Ok((rows::agent(r)?, r.try_get("password_hash")?)))
                .collect()
        })
        .await
    }

    async fn agent_password_hash(&self, org: OrgId, id: AgentId) -> StoreResult<Option<String>> {
        crate::store::during("agent_password_hash", &org, async move {
            Ok(sqlx::query_scalar(
                "SELECT password_hash FROM agents WHERE id = $1 AND organization_id = $2",
            )
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(self.reads())
            .await?)
        })
        .await
    }

    async fn agents(&self, org: OrgId) -> StoreResult<Vec<Agent>> {
        crate::store::during("agents", &org, async move {
            let found =
                sqlx::query("SELECT * FROM agents WHERE organization_id = $1 ORDER BY name, id")
                    .bind(org.0)
                    .fetch_all(self.reads())
                    .await?;
            Ok(rows::all(found, rows::agent)?)
        })
        .await
    }

    async fn agent_loads(&self, org: OrgId) -> StoreResult<Vec<AgentLoad>> {
        crate::store::during("agent_loads", &org, async move {
            let found = sqlx::query(
                "SELECT a.*, (SELECT COUNT(*) FROM sessions s
                              WHERE s.agent_id = a.id AND s.organization_id = a.organization_id
                                AND s.status = 'active') AS active_sessions
                 FROM agents a WHERE a.organization_id = $1 ORDER BY a.id",
            )
            .bind(org.0)
            .fetch_all(self.reads())
            .await?;
            found
                .iter()
                .map(|r| {
                    Ok(AgentLoad {
                        agent: rows::agent(r)?,
                        active_sessions: r.try_get::<i64, _>("active_sessions")? as u32,
                    })
                })
                .collect()
        })
        .await
    }

    async fn update_agent(
        &self,
        org: OrgId,
        id: AgentId,
        c: &AgentChanges,
        now: Timestamp,
    ) -> StoreResult<Option<Agent>> {
        crate::store::during("update_agent", &org, async move {
            let mut tx = self.begin_write().await?;
            if c.role.is_some() {
                lock_admins(&mut tx, org).await?;
            }
            let row = sqlx::query(
                "UPDATE agents SET
                    name = COALESCE($1, name),
                    email = COALESCE($2, email),
                    role = COALESCE($3, role),
                    status = COALESCE($4, status),
                    max_concurrent_sessions = CASE WHEN $5 THEN $6 ELSE max_concurrent_sessions END,
                    updated_at = $7
                 WHERE id = $8 AND organization_id = $9
                   AND ($3 IS NULL OR $3 = 'admin' OR role <> 'admin'
                        OR (SELECT COUNT(*) FROM agents others WHERE others.role = 'admin'
                            AND others.organization_id = agents.organization_id) > 1)
                 RETURNING *",
            )
            .bind(c.name.as_deref())
            .bind(c.email.as_deref())
            .bind(c.role.map(Role::as_str))
            .bind(c.status.map(AgentStatus::as_str))
            .bind(c.max_concurrent_sessions.is_some())
            .bind(c.max_concurrent_sessions.flatten().map(i64::from))
            .bind(now)
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            match row {
                Some(row) => Ok(Some(rows::agent(&row)?)),
                None if self.agent(org, id).await?.is_some() => Err(StoreError::Conflict(
                    "the last admin of an organization cannot lose the admin role",
                )),
                None => Ok(None),
            }
        })
        .await
    }

    async fn set_agent_password(
        &self,
        org: OrgId,
        id: AgentId,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        crate::store::during("set_agent_password", &org, async move {
            let done = sqlx::query(
                "UPDATE agents SET password_hash = $1, token_version = token_version + 1,
                 updated_at = $2 WHERE id = $3 AND organization_id = $4",
            )
            .bind(hash)
            .bind(now)
            .bind(id.0)
            .bind(org.0)
            .execute(&mut *self.writing().await?)
            .await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn delete_agent(
        &self,
        org: OrgId,
        id: AgentId,
        now: Timestamp,
    ) -> StoreResult<Vec<SessionId>> {
        crate::store::during("delete_agent", &org, async move {
            let mut tx = self.begin_write().await?;
            lock_admins(&mut tx, org).await?;
            let exists = sqlx::query(concat!(
                "SELECT id FROM agents WHERE id = $1 AND organization_id = $2",
                $for_update
            ))
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?;
            if exists.is_none() {
                return Err(StoreError::AgentNotFound);
            }
            let requeued: Vec<uuid::Uuid> = sqlx::query_scalar(
                "UPDATE sessions SET agent_id = NULL, status = 'waiting', updated_at = $1
                 WHERE agent_id = $2 AND organization_id = $3 AND status = 'active' RETURNING id",
            )
            .bind(now)
            .bind(id.0)
            .bind(org.0)
            .fetch_all(&mut *tx)
            .await?;
            let deleted = sqlx::query(
                "DELETE FROM agents WHERE id = $1 AND organization_id = $2
                 AND (role <> 'admin' OR (SELECT COUNT(*) FROM agents
                      WHERE organization_id = $2 AND role = 'admin') > 1)",
            )
            .bind(id.0)
            .bind(org.0)
            .execute(&mut *tx)
            .await?;
            if deleted.rows_affected() == 0 {
                return Err(StoreError::Conflict(
                    "the last admin of an organization cannot be removed",
                ));
            }
            tx.commit().await?;
            Ok(requeued.into_iter().map(SessionId).collect())
        })
        .await
    }

    async fn insert_client(&self, c: &Client, hash: Option<&str>) -> StoreResult<()> {
        crate::store::during("insert_client", &c.id, async move {
            sqlx::query(
                "INSERT INTO clients (id, organization_id, username, email, name, password_hash,
                 external_id, token_version, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(c.id.0)
            .bind(c.organization_id.map(|o| o.0))
            .bind(c.username.as_deref())
            .bind(c.email.as_deref())
            .bind(c.name.as_deref())
            .bind(hash)
            .bind(c.external_id.as_deref())
            .bind(c.token_version)
            .bind(c.created_at)
            .execute(&mut *self.writing().await?)
            .await?;
            Ok(())
        })
        .await
    }

    async fn client(&self, id: ClientId, org: Option<OrgId>) -> StoreResult<Option<Client>> {
        crate::store::during("client", &id, async move {
            let row = sqlx::query(
                "SELECT * FROM clients WHERE id = $1 AND organization_id IS NOT DISTINCT FROM $2",
            )
            .bind(id.0)
            .bind(org.map(|o| o.0))
            .fetch_optional(self.reads())
            .await?;
            Ok(row.as_ref().map(rows::client).transpose()?)
        })
        .await
    }

    async fn client_login(&self, email: &str) -> StoreResult<Option<(Client, String)>> {
        crate::store::during("client_login", &"an e-mail address", async move {
            let row = sqlx::query(
                "SELECT * FROM clients WHERE email = $1 AND organization_id IS NULL
                 AND password_hash IS NOT NULL",
            )
            .bind(email)
            .fetch_optional(self.reads())
            .await?;
            row.map(|r| Ok((rows::client(&r)?, r.try_get("password_hash")?)))
                .transpose()
        })
        .await
    }

    async fn revoke_verified_visitors(&self, org: OrgId) -> StoreResult<u64> {
        crate::store::during("revoke_verified_visitors", &org, async move {
            let done = sqlx::query(
                "UPDATE clients SET token_version = token_version + 1
                 WHERE organization_id = $1 AND external_id IS NOT NULL",
            )
            .bind(org.0)
            .execute(&mut *self.writing().await?)
            .await?;
            Ok(done.rows_affected())
        })
        .await
    }

    async fn visitor_by_external_id(
        &self,
        org: OrgId,
        external_id: &str,
    ) -> StoreResult<Option<Client>> {
        crate::store::during("visitor_by_external_id", &org, async move {
            let row =
                sqlx::query("SELECT * FROM clients WHERE organization_id = $1 AND external_id = $2")
                    .bind(org.0)
                    .bind(external_id)
                    .fetch_optional(self.reads())
                    .await?;
            Ok(row.as_ref().map(rows::client).transpose()?)
        })
        .await
    }

    async fn insert_session(&self, s: &Session) -> StoreResult<()> {
        crate::store::during("insert_session", &s.id, async move {
            sqlx::query(
                "INSERT INTO sessions (id, organization_id, client_id, client_name, client_email,
                 agent_id, status, subject, last_seq, last_message_at, queued_at, created_at,
                 updated_at, closed_at, team_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(s.id.0)
            .bind(s.organization_id.0)
            .bind(s.client_id.0)
            .bind(&s.client_name)
            .bind(s.client_email.as_deref())
            .bind(s.agent_id.map(|a| a.0))
            .bind(s.status.as_str())
            .bind(s.subject.as_deref())
            .bind(s.last_seq)
            .bind(s.last_message_at)
            .bind(s.queued_at)
            .bind(s.created_at)
            .bind(s.updated_at)
            .bind(s.closed_at)
            .bind(s.team_id.map(|t| t.0))
            .execute(&mut *self.writing().await?)
            .await?;
            Ok(())
        })
        .await
    }

    async fn session(&self, org: OrgId, id: SessionId) -> StoreResult<Option<Session>> {
        crate::store::during("session", &org, async move {
            let row = sqlx::query("SELECT * FROM sessions WHERE id = $1 AND organization_id = $2")
                .bind(id.0)
                .bind(org.0)
                .fetch_optional(self.reads())
                .await?;
            Ok(row.as_ref().map(rows::session).transpose()?)
        })
        .await
    }

    async fn client_session(
        &self,
        client: ClientId,
        id: SessionId,
    ) -> StoreResult<Option<Session>> {
        crate::store::during("client_session", &id, async move {
            let row = sqlx::query("SELECT * FROM sessions WHERE id = $1 AND client_id = $2")
                .bind(id.0)
                .bind(client.0)
                .fetch_optional(self.reads())
                .await?;
            Ok(row.as_ref().map(rows::session).transpose()?)
        })
        .await
    }

    async fn client_sessions(&self, client: ClientId) -> StoreResult<Vec<Session>> {
        crate::store::during("client_sessions", &client, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE client_id = $1
                 ORDER BY COALESCE(last_message_at, created_at) DESC, id DESC",
            )
            .bind(client.0)
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn org_sessions(
        &self,
        org: OrgId,
        status: Option<SessionStatus>,
    ) -> StoreResult<Vec<Session>> {
        crate::store::during("org_sessions", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE organization_id = $1 AND ($2 IS NULL OR status = $2)
                 ORDER BY created_at DESC, id DESC LIMIT 500",
            )
            .bind(org.0)
            .bind(status.map(SessionStatus::as_str))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn agent_sessions(
        &self,
        org: OrgId,
        agent: AgentId,
        status: Option<SessionStatus>,
    ) -> StoreResult<Vec<Session>> {
        crate::store::during("agent_sessions", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE agent_id = $1 AND organization_id = $2
                 AND ($3 IS NULL OR status = $3)
                 ORDER BY created_at DESC, id DESC LIMIT 500",
            )
            .bind(agent.0)
            .bind(org.0)
            .bind(status.map(SessionStatus::as_str))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn queue(&self, org: OrgId) -> StoreResult<Vec<Session>> {
        crate::store::during("queue", &org, async move {
            let found = sqlx::query(
                "SELECT * FROM sessions WHERE organization_id = $1 AND status = 'waiting'
                 AND agent_id IS NULL AND queued_at IS NOT NULL ORDER BY created_at, id",
            )
            .bind(org.0)
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::session)?)
        })
        .await
    }

    async fn recent_waits(
        &self,
        org: OrgId,
        team: Option<TeamId>,
        limit: u32,
    ) -> StoreResult<Vec<chrono::Duration>> {
        crate::store::during("recent_waits", &org, async move {
            let found: Vec<(Timestamp, Timestamp)> = sqlx::query_as(
                "SELECT queued_at, assigned_at FROM sessions WHERE organization_id = $1
                 AND assigned_at IS NOT NULL AND queued_at IS NOT NULL
                 AND ($3 IS NULL OR team_id = $3)
                 ORDER BY assigned_at DESC LIMIT $2",
            )
            .bind(org.0)
            .bind(i64::from(limit))
            .bind(team.map(|t| t.0))
            .fetch_all(self.reads())
            .await?;
            Ok(found
                .into_iter()
                .map(|(queued, assigned)| (assigned - queued).max(chrono::Duration::zero()))
                .collect())
        })
        .await
    }

    async fn organizations_with_waiting(&self) -> StoreResult<Vec<OrgId>> {
        crate::store::during("organizations_with_waiting", &"all organizations", async move {
            let found: Vec<uuid::Uuid> = sqlx::query_scalar(
                "SELECT DISTINCT organization_id FROM sessions
                 WHERE status = 'waiting' AND queued_at IS NOT NULL LIMIT 1000",
            )
            .fetch_all(self.reads())
            .await?;
            Ok(found.into_iter().map(OrgId).collect())
        })
        .await
    }

    async fn waiting_sessions(&self) -> StoreResult<u64> {
        crate::store::during("waiting_sessions", &"all organizations", async move {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sessions WHERE status = 'waiting'
                 AND agent_id IS NULL AND queued_at IS NOT NULL",
            )
            .fetch_one(self.reads())
            .await?;
            Ok(n as u64)
        })
        .await
    }

    async fn lock_queue(&self, org: OrgId) -> StoreResult<QueueLock> {
        crate::store::during("lock_queue", &org, async move {
            self.queue_lock(org).await
        })
        .await
    }

    async fn mark(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
        mark: Mark,
        seq: i64,
    ) -> StoreResult<ReadState> {
        crate::store::during("mark", &org, async move {
            let read = if mark == Mark::Read { seq } else { 0 };
            let row = sqlx::query(
                "INSERT INTO read_states (session_id, side, delivered_seq, read_seq)
                 SELECT id, $2, $3, $4 FROM sessions WHERE id = $1 AND organization_id = $5
                 ON CONFLICT (session_id, side) DO UPDATE SET
                    delivered_seq = CASE WHEN excluded.delivered_seq > read_states.delivered_seq
                        THEN excluded.delivered_seq ELSE read_states.delivered_seq END,
                    read_seq = CASE WHEN excluded.read_seq > read_states.read_seq
                        THEN excluded.read_seq ELSE read_states.read_seq END
                 RETURNING delivered_seq, read_seq",
            )
            .bind(session.0)
            .bind(side.as_str())
            .bind(seq)
            .bind(read)
            .bind(org.0)
            .fetch_optional(&mut *self.writing().await?)
            .await?
            .ok_or(StoreError::SessionNotFound)?;
            Ok(rows::read_state(&row)?)
        })
        .await
    }

    async fn read_state(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
    ) -> StoreResult<ReadState> {
        crate::store::during("read_state", &org, async move {
            let row = sqlx::query(
                "SELECT r.delivered_seq, r.read_seq FROM read_states r
                 JOIN sessions s ON s.id = r.session_id
                 WHERE r.session_id = $1 AND r.side = $2 AND s.organization_id = $3",
            )
            .bind(session.0)
            .bind(side.as_str())
            .bind(org.0)
            .fetch_optional(self.reads())
            .await?;
            Ok(row
                .as_ref()
                .map(rows::read_state)
                .transpose()?
                .unwrap_or_default())
        })
        .await
    }
}
    };
}

pub(crate) use sql_store;
