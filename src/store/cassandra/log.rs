//! The message log in Apache Cassandra: one partition per conversation, keyed
//! `((organization_id, session_id), seq)`, so every read is a single-partition range read; no
//! secondary index, no `ALLOW FILTERING`. A second table lists an organization's conversations,
//! so deleting an organization can find its partitions.
//!
//! Every statement is prepared (token-aware routing sends it to a replica of its partition) and
//! runs at the configured consistency (QUORUM or LOCAL_QUORUM): a write returns once a majority
//! of replicas has it, and a read asks a majority, so a read sees every acknowledged write.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use scylla::client::session::Session;
use scylla::client::session_builder::SessionBuilder;
use scylla::statement::Consistency;
use scylla::statement::prepared::PreparedStatement;
use uuid::Uuid;

use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::{Page, StoreResult};

/// The columns of a message row, in statement order.
const COLUMNS: &str = "organization_id, session_id, seq, id, sender_type, sender_id, \
    sender_name, content, client_msg_id, created_at_us, internal, attachments";

type Row = (
    Uuid,
    Uuid,
    i64,
    Uuid,
    String,
    Option<Uuid>,
    String,
    String,
    Option<String>,
    i64,
    Option<bool>,
    Option<String>,
);

/// How Cassandra is reached and used.
#[derive(Debug, Clone)]
pub struct CassandraSettings {
    pub contact_points: Vec<String>,
    pub keyspace: String,
    pub consistency: Consistency,
}

struct Statements {
    insert: PreparedStatement,
    index_session: PreparedStatement,
    after: PreparedStatement,
    before: PreparedStatement,
    at: PreparedStatement,
    last: PreparedStatement,
    kinds_after: PreparedStatement,
    delete_session: PreparedStatement,
    org_sessions: PreparedStatement,
    delete_org_index: PreparedStatement,
}

pub struct CassandraLog {
    session: Arc<Session>,
    statements: Statements,
}

/// Connects to the cluster.
pub async fn connect(contact_points: &[String]) -> anyhow::Result<Session> {
    SessionBuilder::new()
        .known_nodes(contact_points)
        .build()
        .await
        .with_context(|| format!("connecting to Cassandra at {}", contact_points.join(", ")))
}

impl CassandraLog {
    /// Connects and prepares every statement (the keyspace must exist: `raasel migrate`).
    pub async fn open(settings: &CassandraSettings) -> anyhow::Result<CassandraLog> {
        let session = Arc::new(connect(&settings.contact_points).await?);
        let ks = &settings.keyspace;
        let prepare = |cql: String| {
            let session = session.clone();
            let consistency = settings.consistency;
            async move {
                let mut statement = session.prepare(cql.clone()).await.with_context(|| {
                    format!("preparing {cql} (did `raasel migrate` create the keyspace?)")
                })?;
                statement.set_consistency(consistency);
                statement.set_is_idempotent(true);
                anyhow::Ok(statement)
            }
        };
        let partition = "organization_id = ? AND session_id = ?";
        let statements = Statements {
            insert: prepare(format!(
                "INSERT INTO {ks}.messages ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ))
            .await?,
            index_session: prepare(format!(
                "INSERT INTO {ks}.sessions_by_organization (organization_id, session_id) VALUES (?, ?)"
            ))
            .await?,
            after: prepare(format!(
                "SELECT {COLUMNS} FROM {ks}.messages WHERE {partition} AND seq > ? AND seq < ? \
                 ORDER BY seq ASC LIMIT ?"
            ))
            .await?,
            before: prepare(format!(
                "SELECT {COLUMNS} FROM {ks}.messages WHERE {partition} AND seq < ? \
                 ORDER BY seq DESC LIMIT ?"
            ))
            .await?,
            at: prepare(format!("SELECT {COLUMNS} FROM {ks}.messages WHERE {partition} AND seq = ?"))
                .await?,
            last: prepare(format!(
                "SELECT {COLUMNS} FROM {ks}.messages WHERE {partition} ORDER BY seq DESC LIMIT 1"
            ))
            .await?,
            kinds_after: prepare(format!(
                "SELECT seq, sender_type, internal FROM {ks}.messages WHERE {partition} AND seq > ?"
            ))
            .await?,
            delete_session: prepare(format!("DELETE FROM {ks}.messages WHERE {partition}")).await?,
            org_sessions: prepare(format!(
                "SELECT session_id FROM {ks}.sessions_by_organization WHERE organization_id = ?"
            ))
            .await?,
            delete_org_index: prepare(format!(
                "DELETE FROM {ks}.sessions_by_organization WHERE organization_id = ?"
            ))
            .await?,
        };
        Ok(CassandraLog {
            session,
            statements,
        })
    }

    /// Writes messages at their seqs (an upsert: the same key twice leaves one row).
    pub async fn write(&self, messages: &[Message]) -> StoreResult<()> {
        for m in messages {
            if m.seq == 1 {
                self.session
                    .execute_unpaged(
                        &self.statements.index_session,
                        (m.organization_id.0, m.session_id.0),
                    )
                    .await
                    .context("indexing a conversation in Cassandra")?;
            }
            self.session
                .execute_unpaged(&self.statements.insert, to_row(m))
                .await
                .context("writing a message to Cassandra")?;
        }
        Ok(())
    }

    async fn rows(
        &self,
        statement: &PreparedStatement,
        values: impl scylla::serialize::row::SerializeRow,
    ) -> StoreResult<Vec<Message>> {
        let result = self
            .session
            .execute_unpaged(statement, values)
            .await
            .context("reading messages from Cassandra")?
            .into_rows_result()
            .context("reading messages from Cassandra")?;
        let mut out = vec![];
        for row in result.rows::<Row>().context("decoding messages")? {
            out.push(from_row(row.context("decoding a message")?)?);
        }
        Ok(out)
    }

    /// A window of what `audience` sees in ascending `seq` and whether more it sees exist
    /// beyond it, as `MessageLog::range`. Private notes are skipped for a customer by reading
    /// on past them (Cassandra filters no column but the key).
    pub async fn range(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
        audience: Audience,
    ) -> StoreResult<(Vec<Message>, bool)> {
        let limit = page.limit as usize;
        let mut cursor = page;
        let mut seen = Vec::new();
        loop {
            let (window, more) = self.window(org, session, cursor).await?;
            let edge = match page.after {
                Some(_) => window.last().map(|m| m.seq),
                None => window.first().map(|m| m.seq),
            };
            seen.extend(window.into_iter().filter(|m| audience.sees(m)));
            match edge {
                Some(edge) if more && seen.len() <= limit => match page.after {
                    Some(_) => cursor.after = Some(edge),
                    None => cursor.before = Some(edge),
                },
                _ => break,
            }
        }
        seen.sort_by_key(|m| m.seq);
        let has_more = seen.len() > limit;
        if has_more {
            match page.after {
                Some(_) => seen.truncate(limit),
                None => {
                    seen.drain(..seen.len() - limit);
                }
            }
        }
        Ok((seen, has_more))
    }

    /// A window of every message, notes included, and whether more exist beyond it.
    async fn window(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
    ) -> StoreResult<(Vec<Message>, bool)> {
        let limit = i32::try_from(page.limit)
            .unwrap_or(i32::MAX)
            .saturating_add(1);
        let key = (org.0, session.0);
        let mut messages = match page.after {
            Some(after) => {
                let before = page.before.unwrap_or(i64::MAX);
                self.rows(&self.statements.after, (key.0, key.1, after, before, limit))
                    .await?
            }
            None => {
                let before = page.before.unwrap_or(i64::MAX);
                let mut newest = self
                    .rows(&self.statements.before, (key.0, key.1, before, limit))
                    .await?;
                newest.reverse();
                newest
            }
        };
        let has_more = messages.len() > page.limit as usize;
        if has_more {
            match page.after {
                Some(_) => messages.truncate(page.limit as usize),
                None => {
                    messages.remove(0);
                }
            }
        }
        Ok((messages, has_more))
    }

    pub async fn at(
        &self,
        org: OrgId,
        session: SessionId,
        seq: i64,
        audience: Audience,
    ) -> StoreResult<Option<Message>> {
        Ok(self
            .rows(&self.statements.at, (org.0, session.0, seq))
            .await?
            .pop()
            .filter(|m| audience.sees(m)))
    }

    pub async fn last(
        &self,
        org: OrgId,
        session: SessionId,
        audience: Audience,
    ) -> StoreResult<Option<Message>> {
        if audience == Audience::Agents {
            return Ok(self
                .rows(&self.statements.last, (org.0, session.0))
                .await?
                .pop());
        }
        let newest = Page {
            before: None,
            after: None,
            limit: 1,
        };
        Ok(self.range(org, session, newest, audience).await?.0.pop())
    }

    /// The seq, sender type and privacy of every message after `seq` (for unread counts).
    pub async fn kinds_after(
        &self,
        org: OrgId,
        session: SessionId,
        seq: i64,
    ) -> StoreResult<Vec<(i64, String, bool)>> {
        let result = self
            .session
            .execute_unpaged(&self.statements.kinds_after, (org.0, session.0, seq))
            .await
            .context("counting messages in Cassandra")?
            .into_rows_result()
            .context("counting messages in Cassandra")?;
        let mut out = vec![];
        for row in result
            .rows::<(i64, String, Option<bool>)>()
            .context("decoding messages")?
        {
            let (seq, kind, internal) = row.context("decoding a message")?;
            out.push((seq, kind, internal.unwrap_or(false)));
        }
        Ok(out)
    }

    pub async fn delete_session(&self, org: OrgId, session: SessionId) -> StoreResult<()> {
        self.session
            .execute_unpaged(&self.statements.delete_session, (org.0, session.0))
            .await
            .context("deleting a conversation from Cassandra")?;
        Ok(())
    }

    /// Deletes every conversation the organization has in the log, then its index.
    pub async fn delete_organization(&self, org: OrgId) -> StoreResult<()> {
        let result = self
            .session
            .execute_unpaged(&self.statements.org_sessions, (org.0,))
            .await
            .context("listing an organization's conversations in Cassandra")?
            .into_rows_result()
            .context("listing an organization's conversations in Cassandra")?;
        for row in result.rows::<(Uuid,)>().context("decoding conversations")? {
            let (session,) = row.context("decoding a conversation")?;
            self.delete_session(org, SessionId(session)).await?;
        }
        self.session
            .execute_unpaged(&self.statements.delete_org_index, (org.0,))
            .await
            .context("deleting an organization's index from Cassandra")?;
        Ok(())
    }
}

fn to_row(m: &Message) -> Row {
    (
        m.organization_id.0,
        m.session_id.0,
        m.seq,
        m.id.0,
        m.sender_type.as_str().to_string(),
        m.sender_id,
        m.sender_name.clone(),
        m.content.clone(),
        m.client_msg_id.clone(),
        m.created_at.timestamp_micros(),
        Some(m.internal),
        crate::domain::attachments::encode_refs(&m.attachments),
    )
}

fn from_row(r: Row) -> anyhow::Result<Message> {
    Ok(Message {
        organization_id: OrgId(r.0),
        session_id: SessionId(r.1),
        seq: r.2,
        id: MessageId(r.3),
        sender_type: r
            .4
            .parse()
            .map_err(|e| anyhow::anyhow!("sender_type: {e}"))?,
        sender_id: r.5,
        sender_name: r.6,
        content: r.7,
        client_msg_id: r.8,
        created_at: DateTime::<Utc>::from_timestamp_micros(r.9).context("created_at")?,
        internal: r.10.unwrap_or(false),
        attachments: crate::domain::attachments::decode_refs(r.11.as_deref()),
    })
}
