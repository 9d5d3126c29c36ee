//! `Conversations` on SQLite: one writer task owns every change to a conversation. It commits
//! whatever arrived while the previous batch was being written in one transaction (group
//! commit: one fsync for the batch), each change in its own savepoint so one refusal does not
//! undo the others, and answers each caller only after the commit.
//!
//! A session's changes are therefore applied one at a time in arrival order: its `seq` has no
//! gaps, a close is final for every later message, and notes follow the real order of
//! assignments.

use async_trait::async_trait;
use sqlx::{Acquire, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::{SqliteStore, rows};
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::domain::notes;
use crate::store::{
    Appended, AssignMode, Assigned, Closed, Conversations, NewMessage, StoreError, StoreResult,
};

/// Most changes one transaction commits together.
const MAX_BATCH: usize = 256;

type Reply<T> = oneshot::Sender<StoreResult<T>>;

/// A change to a conversation, with where to send its outcome.
pub enum Change {
    Append(OrgId, NewMessage, Reply<Appended>),
    Assign(
        OrgId,
        SessionId,
        AgentId,
        AssignMode,
        Reply<Option<Assigned>>,
    ),
    Close(OrgId, SessionId, String, Reply<Option<Closed>>),
    /// Answered once everything queued before it is committed.
    Flush(oneshot::Sender<()>),
}

/// The outcome of one change, held until the batch commits.
enum Outcome {
    Append(StoreResult<Appended>, Reply<Appended>),
    Assign(StoreResult<Option<Assigned>>, Reply<Option<Assigned>>),
    Close(StoreResult<Option<Closed>>, Reply<Option<Closed>>),
}

impl Outcome {
    fn send(self) {
        match self {
            Outcome::Append(r, tx) => drop(tx.send(r)),
            Outcome::Assign(r, tx) => drop(tx.send(r)),
            Outcome::Close(r, tx) => drop(tx.send(r)),
        }
    }

    /// Every caller of a batch that failed to commit learns why.
    fn fail(self, why: &str) {
        let err = || StoreError::Other(anyhow::anyhow!("the batch failed to commit: {why}"));
        match self {
            Outcome::Append(_, tx) => drop(tx.send(Err(err()))),
            Outcome::Assign(_, tx) => drop(tx.send(Err(err()))),
            Outcome::Close(_, tx) => drop(tx.send(Err(err()))),
        }
    }
}

/// Starts the task that owns conversation changes for the life of the pool.
pub fn spawn_writer(writer: SqlitePool) -> mpsc::Sender<Change> {
    let (tx, mut rx) = mpsc::channel::<Change>(4096);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let mut flushes = vec![];
            let changes: Vec<Change> = batch
                .drain(..)
                .filter_map(|c| match c {
                    Change::Flush(done) => {
                        flushes.push(done);
                        None
                    }
                    other => Some(other),
                })
                .collect();
            if !changes.is_empty() {
                write_batch(&writer, changes).await;
            }
            for done in flushes {
                let _ = done.send(());
            }
        }
    });
    tx
}

async fn write_batch(writer: &SqlitePool, changes: Vec<Change>) {
    metrics::histogram!("raasel_message_batch_size").record(changes.len() as f64);
    let mut outcomes = Vec::with_capacity(changes.len());
    let committed: StoreResult<()> = async {
        let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
        for change in changes {
            let mut savepoint = Acquire::begin(&mut *tx).await?;
            let outcome = apply(&mut savepoint, change).await;
            if outcome.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
            outcomes.push(outcome);
        }
        let committing = std::time::Instant::now();
        tx.commit().await?;
        metrics::histogram!("raasel_store_commit_duration_seconds")
            .record(committing.elapsed().as_secs_f64());
        Ok(())
    }
    .await;
    match committed {
        Ok(()) => outcomes.into_iter().for_each(Outcome::send),
        Err(e) => {
            tracing::error!(error = ?e, "conversation batch failed to commit");
            let why = e.to_string();
            outcomes.into_iter().for_each(|o| o.fail(&why));
        }
    }
}

impl Outcome {
    fn is_ok(&self) -> bool {
        match self {
            Outcome::Append(r, _) => r.is_ok(),
            Outcome::Assign(r, _) => r.is_ok(),
            Outcome::Close(r, _) => r.is_ok(),
        }
    }
}

async fn apply(tx: &mut SqliteConnection, change: Change) -> Outcome {
    match change {
        Change::Append(org, msg, reply) => Outcome::Append(append(tx, org, &msg).await, reply),
        Change::Assign(org, session, agent, mode, reply) => {
            Outcome::Assign(assign(tx, org, session, agent, mode).await, reply)
        }
        Change::Close(org, session, by, reply) => {
            Outcome::Close(close(tx, org, session, &by).await, reply)
        }
        Change::Flush(_) => unreachable!("flushes are taken out of batches"),
    }
}

async fn session_of(tx: &mut SqliteConnection, org: OrgId, id: SessionId) -> StoreResult<Session> {
    let row = sqlx::query("SELECT * FROM sessions WHERE id = $1 AND organization_id = $2")
        .bind(id.0)
        .bind(org.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::SessionNotFound)?;
    Ok(rows::session(&row)?)
}

/// Takes the session's next seq and stamps its activity; `queued` puts it in the queue.
async fn advance(
    tx: &mut SqliteConnection,
    id: SessionId,
    now: Timestamp,
    queued: bool,
) -> StoreResult<Session> {
    let row = sqlx::query(
        "UPDATE sessions SET last_seq = last_seq + 1, last_message_at = $1, updated_at = $1,
         queued_at = CASE WHEN $2 THEN $1 ELSE queued_at END
         WHERE id = $3 RETURNING *",
    )
    .bind(now)
    .bind(queued)
    .bind(id.0)
    .fetch_one(&mut *tx)
    .await?;
    Ok(rows::session(&row)?)
}

async fn append(tx: &mut SqliteConnection, org: OrgId, m: &NewMessage) -> StoreResult<Appended> {
    let session = session_of(tx, org, m.session_id).await?;
    if let Some(key) = &m.client_msg_id {
        let existing = sqlx::query(
            "SELECT * FROM messages WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3",
        )
        .bind(m.session_id.0)
        .bind(m.sender_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = existing {
            return Ok(Appended {
                message: rows::message(&row)?,
                created: false,
                queued: false,
                session,
            });
        }
    }
    if session.status == SessionStatus::Closed {
        return Err(StoreError::SessionClosed);
    }
    let now = crate::domain::model::now();
    let queued = m.sender_type == SenderType::Client
        && session.status == SessionStatus::Waiting
        && session.queued_at.is_none();
    let session = advance(tx, session.id, now, queued).await?;
    let message = m.at(&session, now);
    insert_message(tx, &message).await?;
    Ok(Appended {
        message,
        created: true,
        queued,
        session,
    })
}

async fn assign(
    tx: &mut SqliteConnection,
    org: OrgId,
    session_id: SessionId,
    agent_id: AgentId,
    mode: AssignMode,
) -> StoreResult<Option<Assigned>> {
    let now = crate::domain::model::now();
    let session = session_of(tx, org, session_id).await?;
    let agent = sqlx::query("SELECT * FROM agents WHERE id = $1 AND organization_id = $2")
        .bind(agent_id.0)
        .bind(org.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::AgentNotFound)?;
    let agent = rows::agent(&agent)?;
    let active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions WHERE agent_id = $1 AND status = 'active'",
    )
    .bind(agent_id.0)
    .fetch_one(&mut *tx)
    .await?;
    if !mode.allows(&session, agent_id, active) {
        return Ok(None);
    }
    let previous = match session.agent_id {
        Some(id) => sqlx::query_scalar::<_, String>("SELECT name FROM agents WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .map(|name| (id, name)),
        None => None,
    };
    sqlx::query("UPDATE sessions SET agent_id = $1, status = 'active' WHERE id = $2")
        .bind(agent_id.0)
        .bind(session_id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE agents SET last_assigned_at = $1 WHERE id = $2")
        .bind(now)
        .bind(agent_id.0)
        .execute(&mut *tx)
        .await?;
    let text = notes::assigned(previous.as_ref().map(|(_, n)| n.as_str()), &agent.name);
    let session = advance(tx, session_id, now, false).await?;
    let note = NewMessage::note(session_id, text).at(&session, now);
    insert_message(tx, &note).await?;
    Ok(Some(Assigned {
        session,
        agent,
        previous: previous.map(|(id, _)| id),
        note,
    }))
}

async fn close(
    tx: &mut SqliteConnection,
    org: OrgId,
    session_id: SessionId,
    by: &str,
) -> StoreResult<Option<Closed>> {
    let now = crate::domain::model::now();
    let session = session_of(tx, org, session_id).await?;
    if session.status == SessionStatus::Closed {
        return Ok(None);
    }
    sqlx::query("UPDATE sessions SET status = 'closed', closed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(session_id.0)
        .execute(&mut *tx)
        .await?;
    let session = advance(tx, session_id, now, false).await?;
    let note = NewMessage::note(session_id, notes::closed(by)).at(&session, now);
    insert_message(tx, &note).await?;
    Ok(Some(Closed { session, note }))
}

/// Writes one message at its seq; the same key written again is left as it is.
pub async fn insert_message(tx: &mut SqliteConnection, m: &Message) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO messages (id, organization_id, session_id, seq, sender_type, sender_id,
         sender_name, content, client_msg_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (session_id, seq) DO NOTHING",
    )
    .bind(m.id.0)
    .bind(m.organization_id.0)
    .bind(m.session_id.0)
    .bind(m.seq)
    .bind(m.sender_type.as_str())
    .bind(m.sender_id)
    .bind(&m.sender_name)
    .bind(&m.content)
    .bind(m.client_msg_id.as_deref())
    .bind(m.created_at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl SqliteStore {
    async fn change<T>(&self, make: impl FnOnce(Reply<T>) -> Change) -> StoreResult<T> {
        let (reply, answer) = oneshot::channel();
        self.changes
            .send(make(reply))
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer dropped the change"))?
    }
}

#[async_trait]
impl Conversations for SqliteStore {
    async fn append(&self, org: OrgId, msg: NewMessage) -> StoreResult<Appended> {
        self.change(|r| Change::Append(org, msg, r)).await
    }

    async fn assign(
        &self,
        org: OrgId,
        session: SessionId,
        agent: AgentId,
        mode: AssignMode,
    ) -> StoreResult<Option<Assigned>> {
        self.change(|r| Change::Assign(org, session, agent, mode, r))
            .await
    }

    async fn close(&self, org: OrgId, session: SessionId, by: &str) -> StoreResult<Option<Closed>> {
        let by = by.to_string();
        self.change(|r| Change::Close(org, session, by, r)).await
    }

    async fn flush(&self) -> StoreResult<()> {
        let (done, flushed) = oneshot::channel();
        self.changes
            .send(Change::Flush(done))
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
        flushed
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
        Ok(())
    }
}
