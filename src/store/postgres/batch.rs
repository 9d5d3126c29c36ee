//! One batch of a writer lane in the same few statements whatever its size: the batch's
//! sessions locked in one (in `id` order, the order every batch on every node takes its locks
//! in), the earlier sends of its keyed messages read in one, each change then decided in memory
//! by the shared rules (`store::sql::conversation`, over `Batch` as its steps), and finally
//! every new message inserted in one statement and every touched session updated in one.
//!
//! Statements per message were most of PostgreSQL's CPU on the message path (three round trips
//! per message, each parsed, planned and executed alone); a batch of any size now costs four
//! (five with the outbox).

use std::collections::HashMap;

use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::conversations::LogTarget;
use super::rows;
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::sql::conversation::{Moved, Steps};
use crate::store::{NewMessage, StoreError, StoreResult};

/// A keyed message: its session, sender and `client_msg_id`.
type Key = (SessionId, Uuid, String);

/// An earlier send of a keyed message.
enum Sent {
    /// The message, here (in `messages`, or in the outbox on its way to the log).
    Here(Message),
    /// Already moved on to the log kept elsewhere, with its seq.
    Elsewhere(i64),
}

/// What a batch read before deciding, and what its changes decided to write.
pub struct Batch {
    target: LogTarget,
    /// The batch's sessions as read locked, then as each change left them.
    sessions: HashMap<SessionId, Session>,
    sent: HashMap<Key, Sent>,
    messages: Vec<Message>,
}

impl Batch {
    /// Locks the sessions the changes name and reads the earlier sends of their keys.
    pub async fn read(
        tx: &mut PgConnection,
        target: LogTarget,
        sessions: &[SessionId],
        keys: &[(SessionId, Uuid, &str)],
    ) -> StoreResult<Batch> {
        let mut batch = Batch {
            target,
            sessions: HashMap::with_capacity(sessions.len()),
            sent: HashMap::new(),
            messages: Vec::with_capacity(sessions.len()),
        };
        batch.lock_sessions(tx, sessions).await?;
        if !keys.is_empty() {
            batch.read_sent(tx, keys).await?;
        }
        Ok(batch)
    }

    async fn lock_sessions(&mut self, tx: &mut PgConnection, ids: &[SessionId]) -> StoreResult<()> {
        let ids: Vec<Uuid> = ids.iter().map(|s| s.0).collect();
        let found = sqlx::query(LOCK_SESSIONS)
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?;
        for row in &found {
            let session = rows::session(row)?;
            self.sessions.insert(session.id, session);
        }
        Ok(())
    }

    async fn read_sent(
        &mut self,
        tx: &mut PgConnection,
        keys: &[(SessionId, Uuid, &str)],
    ) -> StoreResult<()> {
        let sessions: Vec<Uuid> = keys.iter().map(|k| k.0.0).collect();
        let senders: Vec<Uuid> = keys.iter().map(|k| k.1).collect();
        let ids: Vec<&str> = keys.iter().map(|k| k.2).collect();
        let sql = match self.target {
            LogTarget::Here => SENT_HERE,
            LogTarget::Outbox => SENT_TO_OUTBOX,
        };
        let found = sqlx::query(sql)
            .bind(&sessions)
            .bind(&senders)
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?;
        for row in &found {
            let key = (
                SessionId(row.try_get("key_session")?),
                row.try_get("key_sender")?,
                row.try_get("key_id")?,
            );
            let sent = match row.try_get::<Option<Uuid>, _>("id")? {
                Some(_) => Sent::Here(rows::message(row)?),
                None => Sent::Elsewhere(row.try_get("key_seq")?),
            };
            self.sent.insert(key, sent);
        }
        Ok(())
    }

    /// Inserts the batch's messages (and, with the outbox, their keys) and updates every
    /// session a change moved to its final state.
    pub async fn write_all(self, tx: &mut PgConnection) -> StoreResult<()> {
        if self.messages.is_empty() {
            return Ok(());
        }
        let m = &self.messages;
        let insert = match self.target {
            LogTarget::Here => INSERT_MESSAGES,
            LogTarget::Outbox => INSERT_TO_OUTBOX,
        };
        sqlx::query(insert)
            .bind(m.iter().map(|m| m.id.0).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.organization_id.0).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.session_id.0).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.seq).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.sender_type.as_str()).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.sender_id).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.sender_name.as_str()).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.content.as_str()).collect::<Vec<_>>())
            .bind(
                m.iter()
                    .map(|m| m.client_msg_id.as_deref())
                    .collect::<Vec<_>>(),
            )
            .bind(m.iter().map(|m| m.created_at).collect::<Vec<_>>())
            .bind(m.iter().map(|m| m.internal).collect::<Vec<_>>())
            .bind(
                m.iter()
                    .map(|m| crate::domain::attachments::encode_refs(&m.attachments))
                    .collect::<Vec<_>>(),
            )
            .execute(&mut *tx)
            .await?;
        if self.target == LogTarget::Outbox {
            self.insert_keys(tx).await?;
        }
        self.update_sessions(tx).await
    }

    /// The keys of the outbox's messages, so that a resend finds them once they have moved on.
    async fn insert_keys(&self, tx: &mut PgConnection) -> StoreResult<()> {
        let keyed: Vec<(&Message, Uuid, &str)> = self
            .messages
            .iter()
            .filter_map(|m| Some((m, m.sender_id?, m.client_msg_id.as_deref()?)))
            .collect();
        if keyed.is_empty() {
            return Ok(());
        }
        sqlx::query(INSERT_KEYS)
            .bind(keyed.iter().map(|k| k.0.session_id.0).collect::<Vec<_>>())
            .bind(keyed.iter().map(|k| k.1).collect::<Vec<_>>())
            .bind(keyed.iter().map(|k| k.2).collect::<Vec<_>>())
            .bind(keyed.iter().map(|k| k.0.seq).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
        Ok(())
    }

    async fn update_sessions(&self, tx: &mut PgConnection) -> StoreResult<()> {
        let mut touched: Vec<SessionId> = self.messages.iter().map(|m| m.session_id).collect();
        touched.sort_unstable();
        touched.dedup();
        let s: Vec<&Session> = touched.iter().map(|id| &self.sessions[id]).collect();
        sqlx::query(UPDATE_SESSIONS)
            .bind(s.iter().map(|s| s.id.0).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.organization_id.0).collect::<Vec<_>>())
            .bind(
                s.iter()
                    .map(|s| s.agent_id.map(|a| a.0))
                    .collect::<Vec<_>>(),
            )
            .bind(s.iter().map(|s| s.status.as_str()).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.closed_at).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.last_seq).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.last_message_at).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.updated_at).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.queued_at).collect::<Vec<_>>())
            .bind(
                s.iter()
                    .map(|s| MessagePreview::encode(&s.preview))
                    .collect::<Vec<_>>(),
            )
            .bind(s.iter().map(|s| s.assigned_at).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.snoozed).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.snoozed_until).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.awaiting_since).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.first_response_at).collect::<Vec<_>>())
            .bind(s.iter().map(|s| s.team_id.map(|t| t.0)).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}

/// A batch holds messages and closes only: they need the session and earlier sends, read
/// beforehand, and write into the batch. Assignments lock an agent and run on their own.
fn not_in_a_batch() -> StoreError {
    StoreError::Other(anyhow::anyhow!(
        "an assignment's step was asked of a batch of messages and closes"
    ))
}

impl Steps for Batch {
    async fn session(&mut self, org: OrgId, id: SessionId) -> StoreResult<Session> {
        self.sessions
            .get(&id)
            .filter(|s| s.organization_id == org)
            .cloned()
            .ok_or(StoreError::SessionNotFound)
    }

    /// The session was found in `org` before this is asked, so its messages are the org's.
    async fn sent_before(
        &mut self,
        _org: OrgId,
        m: &NewMessage,
        key: &str,
    ) -> StoreResult<Option<Message>> {
        let Some(sender) = m.sender_id else {
            return Ok(None);
        };
        match self.sent.get(&(m.session_id, sender, key.to_owned())) {
            None => Ok(None),
            Some(Sent::Here(message)) => Ok(Some(message.clone())),
            Some(Sent::Elsewhere(seq)) => Err(StoreError::StoredElsewhere { seq: *seq }),
        }
    }

    async fn agent(&mut self, _org: OrgId, _id: AgentId) -> StoreResult<Option<Agent>> {
        Err(not_in_a_batch())
    }

    async fn active_sessions(&mut self, _org: OrgId, _agent: AgentId) -> StoreResult<i64> {
        Err(not_in_a_batch())
    }

    async fn agent_name(&mut self, _org: OrgId, _id: AgentId) -> StoreResult<Option<String>> {
        Err(not_in_a_batch())
    }

    async fn stamp_assigned(
        &mut self,
        _org: OrgId,
        _agent: AgentId,
        _now: Timestamp,
    ) -> StoreResult<()> {
        Err(not_in_a_batch())
    }

    /// Keeps the session as decided for the next change and the message for the insert; a
    /// later resend in the same batch finds it.
    async fn write(&mut self, session: &Session, m: &Message, _moved: Moved) -> StoreResult<()> {
        if let (Some(sender), Some(key)) = (m.sender_id, &m.client_msg_id) {
            let key = (m.session_id, sender, key.clone());
            self.sent.insert(key, Sent::Here(m.clone()));
        }
        self.sessions.insert(session.id, session.clone());
        self.messages.push(m.clone());
        Ok(())
    }
}

const LOCK_SESSIONS: &str = concat!(
    "SELECT ",
    crate::store::sql::conversation::session_columns!(),
    " FROM sessions WHERE id = ANY($1) ORDER BY id FOR UPDATE"
);

/// Earlier sends in `messages`, by (session, sender, key).
const SENT_HERE: &str = "SELECT m.*, NULL::bigint AS key_seq, k.session_id AS key_session,
    k.sender_id AS key_sender, k.client_msg_id AS key_id
    FROM UNNEST($1::uuid[], $2::uuid[], $3::text[]) AS k(session_id, sender_id, client_msg_id)
    JOIN messages m ON m.session_id = k.session_id AND m.sender_id = k.sender_id
    AND m.client_msg_id = k.client_msg_id AND m.client_msg_id IS NOT NULL";

/// Earlier sends by their key: in the outbox, or moved on to the log (no outbox row).
const SENT_TO_OUTBOX: &str = "SELECT o.*, k.seq AS key_seq, k.session_id AS key_session,
    k.sender_id AS key_sender, k.client_msg_id AS key_id
    FROM UNNEST($1::uuid[], $2::uuid[], $3::text[]) AS w(session_id, sender_id, client_msg_id)
    JOIN message_keys k ON k.session_id = w.session_id AND k.sender_id = w.sender_id
    AND k.client_msg_id = w.client_msg_id
    LEFT JOIN message_outbox o ON o.session_id = k.session_id AND o.seq = k.seq";

/// The batch's messages, one array per column in `INSERT_MESSAGE`'s order.
macro_rules! insert_messages_into {
    ($table:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            " (id, organization_id, session_id, seq, sender_type, sender_id, sender_name,
             content, client_msg_id, created_at, internal, attachments)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::text[],
             $6::uuid[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::bool[],
             $12::text[])
             ON CONFLICT (session_id, seq) DO NOTHING"
        )
    };
}
const INSERT_MESSAGES: &str = insert_messages_into!("messages");
const INSERT_TO_OUTBOX: &str = insert_messages_into!("message_outbox");

const INSERT_KEYS: &str = "INSERT INTO message_keys (session_id, sender_id, client_msg_id, seq)
    SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::bigint[])";

/// Every column a message or a close moves, from each session as its last change left it.
const UPDATE_SESSIONS: &str = "UPDATE sessions s SET agent_id = u.agent_id,
    status = u.status, closed_at = u.closed_at, last_seq = u.last_seq,
    last_message_at = u.last_message_at, updated_at = u.updated_at, queued_at = u.queued_at,
    preview = u.preview, assigned_at = u.assigned_at, snoozed = u.snoozed,
    snoozed_until = u.snoozed_until, awaiting_since = u.awaiting_since,
    first_response_at = u.first_response_at, team_id = u.team_id
    FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::timestamptz[],
    $6::bigint[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[], $10::text[],
    $11::timestamptz[], $12::bool[], $13::timestamptz[], $14::timestamptz[],
    $15::timestamptz[], $16::uuid[])
    AS u(id, organization_id, agent_id, status, closed_at, last_seq, last_message_at,
    updated_at, queued_at, preview, assigned_at, snoozed, snoozed_until, awaiting_since,
    first_response_at, team_id)
    WHERE s.id = u.id AND s.organization_id = u.organization_id";
