//! `Conversations` on PostgreSQL. Each change locks its session's row first (`FOR UPDATE`), so
//! changes to one session from any number of connections and nodes apply one at a time: `seq`
//! has no gaps, a resend finds the first send, a close is final, notes follow the real order.
//!
//! Messages and closes go through writer tasks (lanes; a session always takes the same one)
//! that each commit whatever arrived while their previous batch was being written in one
//! transaction (group commit), each change in its own savepoint, the changes sorted by session
//! so that batches on different lanes and nodes take their row locks in the same order. Lanes
//! overlap their round trips to the database, which are most of a batch's time. Assignments lock an agent too, so they run in their own short
//! transactions. Deadlocks and serialization failures are retried.
//!
//! Messages go to the `messages` table, or, when the message log lives elsewhere (Cassandra),
//! to the outbox with their idempotency key: see `LogTarget`.

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool, Row};
use tokio::sync::{mpsc, oneshot};

use super::{PgStore, rows};
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::domain::notes;
use crate::store::{
    Appended, AssignMode, Assigned, Closed, Conversations, NewMessage, StoreError, StoreResult,
};

/// Most changes one transaction commits together.
const MAX_BATCH: usize = 256;
/// Attempts at a transaction that PostgreSQL chose as a deadlock or serialization victim.
const ATTEMPTS: usize = 5;

type Reply<T> = oneshot::Sender<StoreResult<T>>;

/// What the writer task is asked to do.
pub enum Change {
    Append(OrgId, NewMessage, Reply<Appended>),
    Close(OrgId, SessionId, String, Reply<Option<Closed>>),
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

/// One attempt at the batch, committed once. A change refused for a reason of the domain
/// (closed, not found, stored before) is refused before it writes anything, so the changes
/// need no savepoints; a database error fails the whole attempt.
async fn try_batch(
    pool: &PgPool,
    target: LogTarget,
    changes: &[Change],
) -> StoreResult<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(changes.len());
    let mut tx = pool.begin().await?;
    for change in changes {
        let outcome = match change {
            Change::Append(org, msg, _) => {
                Outcome::Append(append(&mut tx, target, *org, msg).await)
            }
            Change::Close(org, session, by, _) => {
                Outcome::Close(close(&mut tx, target, *org, *session, by).await)
            }
            Change::Flush(_) => unreachable!("flushes are taken out of batches"),
        };
        if let Outcome::Append(Err(e @ (StoreError::Other(_) | StoreError::Conflict(_))))
        | Outcome::Close(Err(e @ (StoreError::Other(_) | StoreError::Conflict(_)))) = outcome
        {
            return Err(e);
        }
        outcomes.push(outcome);
    }
    let committing = std::time::Instant::now();
    tx.commit().await?;
    metrics::histogram!("raasel_store_commit_duration_seconds")
        .record(committing.elapsed().as_secs_f64());
    Ok(outcomes)
}

async fn session_of(tx: &mut PgConnection, org: OrgId, id: SessionId) -> StoreResult<Session> {
    let row =
        sqlx::query("SELECT * FROM sessions WHERE id = $1 AND organization_id = $2 FOR UPDATE")
            .bind(id.0)
            .bind(org.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::SessionNotFound)?;
    Ok(rows::session(&row)?)
}

/// Takes the session's next seq and stamps its activity; `queued` puts it in the queue.
async fn advance(
    tx: &mut PgConnection,
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

/// The message a sender already sent with this key, if any. From the outbox, a message that
/// already left for the log is reported as `StoredElsewhere` with its seq.
async fn sent_before(
    tx: &mut PgConnection,
    target: LogTarget,
    m: &NewMessage,
    key: &str,
) -> StoreResult<Option<Message>> {
    let sql = match target {
        LogTarget::Here => {
            "SELECT * FROM messages WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3"
        }
        LogTarget::Outbox => {
            "SELECT o.* FROM message_keys k LEFT JOIN message_outbox o
             ON o.session_id = k.session_id AND o.seq = k.seq
             WHERE k.session_id = $1 AND k.sender_id = $2 AND k.client_msg_id = $3"
        }
    };
    let row = sqlx::query(sql)
        .bind(m.session_id.0)
        .bind(m.sender_id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else { return Ok(None) };
    if target == LogTarget::Outbox && row.try_get::<Option<uuid::Uuid>, _>("id")?.is_none() {
        let seq: i64 = sqlx::query_scalar(
            "SELECT seq FROM message_keys WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3",
        )
        .bind(m.session_id.0)
        .bind(m.sender_id)
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
        return Err(StoreError::StoredElsewhere { seq });
    }
    Ok(Some(rows::message(&row)?))
}

async fn append(
    tx: &mut PgConnection,
    target: LogTarget,
    org: OrgId,
    m: &NewMessage,
) -> StoreResult<Appended> {
    let session = session_of(tx, org, m.session_id).await?;
    if let Some(key) = &m.client_msg_id
        && let Some(message) = sent_before(tx, target, m, key).await?
    {
        return Ok(Appended {
            message,
            created: false,
            queued: false,
            session,
        });
    }
    if session.status == SessionStatus::Closed {
        return Err(StoreError::SessionClosed);
    }
    let now = crate::domain::model::now();
    let queued = session.enters_queue_with(m.sender_type);
    let session = session.advanced(now, queued);
    let message = m.at(&session, now);
    insert_message_after(tx, target, &message, Some(&session)).await?;
    Ok(Appended {
        message,
        created: true,
        queued,
        session,
    })
}

async fn assign(
    tx: &mut PgConnection,
    target: LogTarget,
    org: OrgId,
    session_id: SessionId,
    agent_id: AgentId,
    mode: AssignMode,
) -> StoreResult<Option<Assigned>> {
    let now = crate::domain::model::now();
    let session = session_of(tx, org, session_id).await?;
    // Locking the agent serializes assignments to them, so the count below is exact.
    let agent =
        sqlx::query("SELECT * FROM agents WHERE id = $1 AND organization_id = $2 FOR UPDATE")
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
    insert_message(tx, target, &note).await?;
    Ok(Some(Assigned {
        session,
        agent,
        previous: previous.map(|(id, _)| id),
        note,
    }))
}

async fn close(
    tx: &mut PgConnection,
    target: LogTarget,
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
    insert_message(tx, target, &note).await?;
    Ok(Some(Closed { session, note }))
}

/// Writes one message at its seq where the target keeps messages; the same key written again
/// is left as it is.
pub async fn insert_message(
    tx: &mut PgConnection,
    target: LogTarget,
    m: &Message,
) -> StoreResult<()> {
    insert_message_after(tx, target, m, None).await
}

/// Inserts the message; with `advanced` (a session locked and read in this transaction, then
/// `Session::advanced` for this message), the same statement first writes its new `last_seq`
/// and activity: the new row is known without reading it back.
async fn insert_message_after(
    tx: &mut PgConnection,
    target: LogTarget,
    m: &Message,
    advanced: Option<&Session>,
) -> StoreResult<()> {
    let table = match target {
        LogTarget::Here => "messages",
        LogTarget::Outbox => {
            if let (Some(key), Some(sender)) = (&m.client_msg_id, m.sender_id) {
                sqlx::query(
                    "INSERT INTO message_keys (session_id, sender_id, client_msg_id, seq)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(m.session_id.0)
                .bind(sender)
                .bind(key)
                .bind(m.seq)
                .execute(&mut *tx)
                .await?;
            }
            "message_outbox"
        }
    };
    let advance = match advanced {
        Some(_) => {
            "WITH advanced AS (UPDATE sessions SET last_seq = $4, last_message_at = $10,
             updated_at = $10, queued_at = $11 WHERE id = $3 AND organization_id = $2) "
        }
        None => "",
    };
    let query = format!(
        "{advance}INSERT INTO {table} (id, organization_id, session_id, seq, sender_type,
         sender_id, sender_name, content, client_msg_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (session_id, seq) DO NOTHING"
    );
    let mut query = sqlx::query(&query)
        .bind(m.id.0)
        .bind(m.organization_id.0)
        .bind(m.session_id.0)
        .bind(m.seq)
        .bind(m.sender_type.as_str())
        .bind(m.sender_id)
        .bind(&m.sender_name)
        .bind(&m.content)
        .bind(m.client_msg_id.as_deref())
        .bind(m.created_at);
    if let Some(session) = advanced {
        query = query.bind(session.queued_at);
    }
    query.execute(&mut *tx).await?;
    Ok(())
}

impl PgStore {
    async fn change<T>(&self, make: impl FnOnce(Reply<T>) -> Change) -> StoreResult<T> {
        let (reply, answer) = oneshot::channel();
        self.changes.send(make(reply)).await?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the conversation writer dropped the change"))?
    }
}

#[async_trait]
impl Conversations for PgStore {
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
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = self.pool.begin().await?;
            let result = assign(&mut tx, self.log, org, session, agent, mode).await;
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

    async fn close(&self, org: OrgId, session: SessionId, by: &str) -> StoreResult<Option<Closed>> {
        let by = by.to_string();
        self.change(|r| Change::Close(org, session, by, r)).await
    }

    async fn flush(&self) -> StoreResult<()> {
        self.changes.flush().await
    }
}
