//! `Conversations` on PostgreSQL. Each change locks its session's row first (`FOR UPDATE`), so
//! changes to one session from any number of connections and nodes apply one at a time: `seq`
//! has no gaps, a resend finds the first send, a close is final, notes follow the real order.
//!
//! Messages and closes go through writer tasks (lanes; a session always takes the same one)
//! that each commit whatever arrived while their previous batch was being written in one
//! transaction (group commit) of a few statements whatever its size (`batch`): the batch's
//! sessions locked in `id` order, so that batches on different lanes and nodes take their row
//! locks in the same order, each change decided in memory in arrival order, everything written
//! together. Lanes overlap their round trips to the database. Assignments lock an agent too, so
//! they run in their own short transactions. Deadlocks and serialization failures are retried.
//!
//! Messages go to the `messages` table, or, when the message log lives elsewhere (Cassandra),
//! to the outbox with their idempotency key: see `LogTarget`.

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool, Row};
use tokio::sync::{mpsc, oneshot};

use super::batch::Batch;
use super::{PgStore, rows};
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::sql::conversation::{self, Moved, Reply, Steps, ask, statements};
use crate::store::{
    Appended, AssignMode, Assigned, Closed, Closing, Conversations, NewMessage, Requeue,
    StoreError, StoreResult,
};

/// Most changes one transaction commits together.
const MAX_BATCH: usize = 256;
/// Attempts at a transaction that PostgreSQL chose as a deadlock or serialization victim.
const ATTEMPTS: usize = 5;

/// What the writer task is asked to do.
pub enum Change {
    Append(OrgId, NewMessage, Reply<Appended>),
    Close(OrgId, SessionId, Closing, Reply<Option<Closed>>),
    /// Answered once everything queued before it is committed.
    Flush(oneshot::Sender<()>),
}

impl Change {
    fn session(&self) -> Option<SessionId> {
        match self {
            Change::Append(_, m, _) => Some(m.session_id),
            Change::Close(_, s, _, _) => Some(*s),
            Change::Flush(_) => None,
        }
    }
}

/// The outcome of one change, held until its batch commits.
enum Outcome {
    Append(StoreResult<Appended>),
    Close(StoreResult<Option<Closed>>),
}

/// Whether PostgreSQL asks for the transaction to be tried again.
fn is_retryable(e: &StoreError) -> bool {
    let StoreError::Other(e) = e else {
        return false;
    };
    e.downcast_ref::<sqlx::Error>()
        .and_then(|e| e.as_database_error())
        .and_then(|db| db.code())
        .is_some_and(|code| code == "40P01" || code == "40001")
}

/// Where the messages a change writes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    /// The `messages` table: PostgreSQL is the message log.
    Here,
    /// `message_outbox` and `message_keys`: another store is the log, and takes them from the
    /// outbox once they are committed here.
    Outbox,
}

/// Most writer lanes per node.
pub const MAX_LANES: u32 = 4;

/// The writer lanes of a node.
pub struct Writers(Vec<mpsc::Sender<Change>>);

impl Writers {
    /// Starts `lanes` writer tasks for the life of the pool.
    pub fn spawn(pool: &PgPool, target: LogTarget, lanes: usize) -> Writers {
        Writers(
            (0..lanes.max(1))
                .map(|_| spawn_writer(pool.clone(), target))
                .collect(),
        )
    }

    async fn send(&self, change: Change) -> StoreResult<()> {
        let lane = change
            .session()
            .map_or(0, |s| (s.0.as_u128() % self.0.len() as u128) as usize);
        self.0[lane]
            .send(change)
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer stopped").into())
    }

    /// Waits until everything sent before is committed, on every lane.
    async fn flush(&self) -> StoreResult<()> {
        for lane in &self.0 {
            let (done, flushed) = oneshot::channel();
            lane.send(Change::Flush(done))
                .await
                .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
            flushed
                .await
                .map_err(|_| anyhow::anyhow!("the conversation writer stopped"))?;
        }
        Ok(())
    }
}

/// Starts one lane: the task that commits messages and closes in batches.
fn spawn_writer(pool: PgPool, target: LogTarget) -> mpsc::Sender<Change> {
    let (tx, mut rx) = mpsc::channel::<Change>(4096);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let mut flushes = vec![];
            let mut changes: Vec<Change> = batch
                .drain(..)
                .filter_map(|c| match c {
                    Change::Flush(done) => {
                        flushes.push(done);
                        None
                    }
                    other => Some(other),
                })
                .collect();
            // Stable: a session's changes keep their arrival order.
            changes.sort_by_key(Change::session);
            if !changes.is_empty() {
                write_batch(&pool, target, changes).await;
            }
            for done in flushes {
                let _ = done.send(());
            }
        }
    });
    tx
}

/// Commits a batch. When it fails for a reason other than contention (one change the database
/// refuses), its changes are committed one by one, so only the offending change gets the error
/// and nobody else's message fails with it.
async fn write_batch(pool: &PgPool, target: LogTarget, changes: Vec<Change>) {
    metrics::histogram!("raasel_message_batch_size").record(changes.len() as f64);
    match commit(pool, target, &changes).await {
        Ok(outcomes) => answer(changes, outcomes),
        Err(e) if changes.len() > 1 => {
            tracing::warn!(error = ?e, size = changes.len(), "conversation batch failed; committing its changes one at a time");
            for change in changes {
                let one = vec![change];
                match commit(pool, target, &one).await {
                    Ok(outcomes) => answer(one, outcomes),
                    Err(e) => fail(one, &e),
                }
            }
        }
        Err(e) => fail(changes, &e),
    }
}

/// Tries a batch until it commits or fails for a reason other than contention.
async fn commit(pool: &PgPool, target: LogTarget, changes: &[Change]) -> StoreResult<Vec<Outcome>> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match try_batch(pool, target, changes).await {
            Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
            other => return other,
        }
    }
}

fn answer(changes: Vec<Change>, outcomes: Vec<Outcome>) {
    for (change, outcome) in changes.into_iter().zip(outcomes) {
        match (change, outcome) {
            (Change::Append(.., reply), Outcome::Append(r)) => drop(reply.send(r)),
            (Change::Close(.., reply), Outcome::Close(r)) => drop(reply.send(r)),
            _ => unreachable!("outcomes follow their changes"),
        }
    }
}

fn fail(changes: Vec<Change>, e: &StoreError) {
    tracing::error!(error = ?e, "conversation change failed to commit");
    let why = e.to_string();
    let err = || StoreError::Other(anyhow::anyhow!("the change failed to commit: {why}"));
    for change in changes {
        match change {
            Change::Append(.., reply) => drop(reply.send(Err(err()))),
            Change::Close(.., reply) => drop(reply.send(Err(err()))),
            Change::Flush(_) => {}
        }
    }
}

/// One attempt at the batch, committed once: its sessions locked and earlier sends read
/// together, each change decided in memory in order, everything written together (`Batch`). A
/// change refused for a reason of the domain (closed, not found, stored before) is refused
/// before it writes anything, so the changes need no savepoints; a database error fails the
/// whole attempt.
async fn try_batch(
    pool: &PgPool,
    target: LogTarget,
    changes: &[Change],
) -> StoreResult<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(changes.len());
    let mut tx = pool.begin().await?;
    let mut sessions: Vec<SessionId> = changes.iter().filter_map(Change::session).collect();
    sessions.dedup();
    let keys: Vec<(SessionId, uuid::Uuid, &str)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Append(_, m, _) => {
                Some((m.session_id, m.sender_id?, m.client_msg_id.as_deref()?))
            }
            _ => None,
        })
        .collect();
    let mut batch = Batch::read(&mut tx, target, &sessions, &keys).await?;
    for change in changes {
        let outcome = match change {
            Change::Append(org, msg, _) => {
                Outcome::Append(conversation::append(&mut batch, *org, msg, now()).await)
            }
            Change::Close(org, session, closing, _) => Outcome::Close(
                conversation::close(&mut batch, *org, *session, closing, now()).await,
            ),
            Change::Flush(_) => unreachable!("flushes are taken out of batches"),
        };
        if let Outcome::Append(Err(e @ (StoreError::Other(_) | StoreError::Conflict(_))))
        | Outcome::Close(Err(e @ (StoreError::Other(_) | StoreError::Conflict(_)))) = outcome
        {
            return Err(e);
        }
        outcomes.push(outcome);
    }
    batch.write_all(&mut tx).await?;
    let committing = std::time::Instant::now();
    tx.commit().await?;
    metrics::histogram!("raasel_store_commit_duration_seconds")
        .record(committing.elapsed().as_secs_f64());
    Ok(outcomes)
}

/// One change's statements inside a PostgreSQL transaction; the rows a change decides on are
/// locked (`FOR UPDATE`) until it commits.
struct PgSteps<'a> {
    tx: &'a mut PgConnection,
    target: LogTarget,
}

impl Steps for PgSteps<'_> {
    async fn session(&mut self, org: OrgId, id: SessionId) -> StoreResult<Session> {
        let row = sqlx::query(statements::SESSION_FOR_UPDATE)
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::SessionNotFound)?;
        Ok(rows::session(&row)?)
    }

    /// From the outbox, a message that already left for the log is reported as
    /// `StoredElsewhere` with its seq.
    async fn sent_before(
        &mut self,
        org: OrgId,
        m: &NewMessage,
        key: &str,
    ) -> StoreResult<Option<Message>> {
        let sql = match self.target {
            LogTarget::Here => statements::SENT_BEFORE,
            LogTarget::Outbox => {
                "SELECT o.*, k.seq AS key_seq FROM message_keys k
                 JOIN sessions s ON s.id = k.session_id AND s.organization_id = $2
                 LEFT JOIN message_outbox o ON o.session_id = k.session_id AND o.seq = k.seq
                 WHERE k.session_id = $1 AND k.sender_id = $3 AND k.client_msg_id = $4"
            }
        };
        let row = sqlx::query(sql)
            .bind(m.session_id.0)
            .bind(org.0)
            .bind(m.sender_id)
            .bind(key)
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some(row) = row else { return Ok(None) };
        if self.target == LogTarget::Outbox && row.try_get::<Option<uuid::Uuid>, _>("id")?.is_none()
        {
            let seq: i64 = row.try_get("key_seq")?;
            return Err(StoreError::StoredElsewhere { seq });
        }
        Ok(Some(rows::message(&row)?))
    }

    async fn agent(&mut self, org: OrgId, id: AgentId) -> StoreResult<Option<Agent>> {
        let row = sqlx::query(statements::AGENT_FOR_UPDATE)
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.as_ref().map(rows::agent).transpose()?)
    }

    async fn active_sessions(&mut self, org: OrgId, agent: AgentId) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(statements::ACTIVE_SESSIONS)
            .bind(agent.0)
            .bind(org.0)
            .fetch_one(&mut *self.tx)
            .await?)
    }

    async fn agent_name(&mut self, org: OrgId, id: AgentId) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(statements::AGENT_NAME)
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *self.tx)
            .await?)
    }

    async fn stamp_assigned(
        &mut self,
        org: OrgId,
        agent: AgentId,
        now: Timestamp,
    ) -> StoreResult<()> {
        sqlx::query(statements::STAMP_ASSIGNED)
            .bind(now)
            .bind(agent.0)
            .bind(org.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// One statement writes both (the new row is known without reading it back); into the
    /// outbox with its key when another store is the log. Only assignments and requeues write
    /// here (messages and closes go through `Batch`), so every column is written: the row is
    /// locked, so the values are the ones read or decided.
    async fn write(&mut self, session: &Session, m: &Message, _moved: Moved) -> StoreResult<()> {
        if self.target == LogTarget::Outbox
            && let (Some(key), Some(sender)) = (&m.client_msg_id, m.sender_id)
        {
            sqlx::query(
                "INSERT INTO message_keys (session_id, sender_id, client_msg_id, seq)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(m.session_id.0)
            .bind(sender)
            .bind(key)
            .bind(m.seq)
            .execute(&mut *self.tx)
            .await?;
        }
        let sql = match self.target {
            LogTarget::Here => write_session_and!("messages"),
            LogTarget::Outbox => write_session_and!("message_outbox"),
        };
        super::log::bind_message(sqlx::query(sql), m)
            .bind(session.queued_at)
            .bind(MessagePreview::encode(&session.preview))
            .bind(session.snoozed)
            .bind(session.snoozed_until)
            .bind(session.awaiting_since)
            .bind(session.first_response_at)
            .bind(session.agent_id.map(|a| a.0))
            .bind(session.status.as_str())
            .bind(session.closed_at)
            .bind(session.assigned_at)
            .bind(session.team_id.map(|t| t.0))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

/// The session as decided and its message in one statement: the message's parameters first
/// (`$1`–`$12`, as `INSERT_MESSAGE`), then the session's queue time (`$13`), preview (`$14`),
/// snooze (`$15`, `$16`), wait for an answer (`$17`), first response (`$18`), agent, status,
/// closing and assignment times and team (`$19`–`$23`).
macro_rules! write_session_and {
    ($table:literal) => {
        concat!(
            "WITH advanced AS (UPDATE sessions SET last_seq = $4, last_message_at = $10,
             updated_at = $10, queued_at = $13, preview = $14, snoozed = $15,
             snoozed_until = $16, awaiting_since = $17, first_response_at = $18,
             agent_id = $19, status = $20, closed_at = $21, assigned_at = $22, team_id = $23
             WHERE id = $3 AND organization_id = $2)
             INSERT INTO ",
            $table,
            " (id, organization_id, session_id, seq, sender_type, sender_id, sender_name,
             content, client_msg_id, created_at, internal, attachments)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (session_id, seq) DO NOTHING"
        )
    };
}
use write_session_and;

#[async_trait]
impl Conversations for PgStore {
    async fn append(&self, org: OrgId, msg: NewMessage) -> StoreResult<Appended> {
        ask(|r| Change::Append(org, msg, r), |c| self.changes.send(c)).await
    }

    async fn assign(
        &self,
        org: OrgId,
        session: SessionId,
        agent: AgentId,
        mode: AssignMode,
    ) -> StoreResult<Option<Assigned>> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = self.pool.begin().await?;
            let mut steps = PgSteps {
                tx: &mut tx,
                target: self.log,
            };
            let result = conversation::assign(&mut steps, org, session, agent, mode, now()).await;
            let result = match result {
                Ok(assigned) => tx.commit().await.map(|()| assigned).map_err(Into::into),
                Err(e) => Err(e),
            };
            match result {
                Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
                other => return other,
            }
        }
    }

    async fn close(
        &self,
        org: OrgId,
        session: SessionId,
        closing: &Closing,
    ) -> StoreResult<Option<Closed>> {
        let closing = closing.clone();
        ask(
            |r| Change::Close(org, session, closing, r),
            |c| self.changes.send(c),
        )
        .await
    }

    async fn requeue(
        &self,
        org: OrgId,
        session: SessionId,
        requeue: &Requeue,
    ) -> StoreResult<Option<Closed>> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = self.pool.begin().await?;
            let mut steps = PgSteps {
                tx: &mut tx,
                target: self.log,
            };
            let result = conversation::requeue(&mut steps, org, session, requeue, now()).await;
            let result = match result {
                Ok(done) => tx.commit().await.map(|()| done).map_err(Into::into),
                Err(e) => Err(e),
            };
            match result {
                Err(e) if is_retryable(&e) && attempt < ATTEMPTS => continue,
                other => return other,
            }
        }
    }

    async fn flush(&self) -> StoreResult<()> {
        self.changes.flush().await
    }
}
