//! `MessageStore` on SQLite, with the group-commit writer for appends.

use async_trait::async_trait;
use chrono::Utc;
use sqlx::{Acquire, Sqlite, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::{SqliteStore, rows};
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::{Appended, Mark, MessageStore, NewMessage, Page, StoreError, StoreResult};

/// Most appends one transaction commits together.
const MAX_BATCH: usize = 256;

pub struct AppendJob {
    msg: NewMessage,
    reply: oneshot::Sender<StoreResult<Appended>>,
}

/// What the message writer is asked to do.
pub enum WriterJob {
    Append(AppendJob),
    /// Answered once everything queued before it is committed.
    Flush(oneshot::Sender<()>),
}

/// Starts the task that owns message appends for the life of the pool.
pub fn spawn_writer(writer: SqlitePool) -> mpsc::Sender<WriterJob> {
    let (tx, mut rx) = mpsc::channel::<WriterJob>(4096);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let mut appends = Vec::with_capacity(batch.len());
            let mut flushes = vec![];
            for job in batch.drain(..) {
                match job {
                    WriterJob::Append(a) => appends.push(a),
                    WriterJob::Flush(done) => flushes.push(done),
                }
            }
            if !appends.is_empty() {
                write_batch(&writer, appends).await;
            }
            for done in flushes {
                let _ = done.send(());
            }
        }
    });
    tx
}

/// Appends every job in one transaction, each inside its own savepoint so one failure does not
/// undo the others, then answers every job once the commit is durable.
async fn write_batch(writer: &SqlitePool, jobs: Vec<AppendJob>) {
    metrics::histogram!("raasel_message_batch_size").record(jobs.len() as f64);
    let mut results = Vec::with_capacity(jobs.len());
    let outcome: StoreResult<()> = async {
        let mut tx = writer.begin().await?;
        for job in &jobs {
            let mut savepoint = Acquire::begin(&mut *tx).await?;
            let result = append_one(&mut savepoint, &job.msg).await;
            if result.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
            results.push(result);
        }
        let committing = std::time::Instant::now();
        tx.commit().await?;
        metrics::histogram!("raasel_store_commit_duration_seconds")
            .record(committing.elapsed().as_secs_f64());
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            for (job, result) in jobs.into_iter().zip(results) {
                let _ = job.reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "message batch failed to commit");
            let msg = e.to_string();
            for job in jobs {
                let _ = job.reply.send(Err(StoreError::Other(anyhow::anyhow!(
                    "message batch failed: {msg}"
                ))));
            }
        }
    }
}

async fn append_one(tx: &mut Transaction<'_, Sqlite>, m: &NewMessage) -> StoreResult<Appended> {
    let session = sqlx::query("SELECT * FROM sessions WHERE id = $1")
        .bind(m.session_id.0)
        .fetch_optional(&mut **tx)
        .await?
        .as_ref()
        .map(rows::session)
        .transpose()?
        .ok_or(StoreError::SessionNotFound)?;
    if let Some(key) = &m.client_msg_id {
        let existing = sqlx::query(
            "SELECT * FROM messages WHERE session_id = $1 AND sender_id = $2 AND client_msg_id = $3",
        )
        .bind(m.session_id.0)
        .bind(m.sender_id)
        .bind(key)
        .fetch_optional(&mut **tx)
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
    let now = Utc::now();
    let queued = m.sender_type == SenderType::Client
        && session.status == SessionStatus::Waiting
        && session.queued_at.is_none();
    let session = sqlx::query(
        "UPDATE sessions SET last_seq = last_seq + 1, last_message_at = $1, updated_at = $1,
         queued_at = CASE WHEN $2 THEN $1 ELSE queued_at END
         WHERE id = $3 RETURNING *",
    )
    .bind(now)
    .bind(queued)
    .bind(m.session_id.0)
    .fetch_one(&mut **tx)
    .await?;
    let session = rows::session(&session)?;
    let message = Message {
        id: MessageId::new(),
        organization_id: session.organization_id,
        session_id: session.id,
        seq: session.last_seq,
        sender_type: m.sender_type,
        sender_id: m.sender_id,
        sender_name: m.sender_name.clone(),
        content: m.content.clone(),
        client_msg_id: m.client_msg_id.clone(),
        created_at: now,
    };
    sqlx::query(
        "INSERT INTO messages (id, organization_id, session_id, seq, sender_type, sender_id,
         sender_name, content, client_msg_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(message.id.0)
    .bind(message.organization_id.0)
    .bind(message.session_id.0)
    .bind(message.seq)
    .bind(message.sender_type.as_str())
    .bind(message.sender_id)
    .bind(&message.sender_name)
    .bind(&message.content)
    .bind(message.client_msg_id.as_deref())
    .bind(message.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(Appended {
        message,
        created: true,
        queued,
        session,
    })
}

#[async_trait]
impl MessageStore for SqliteStore {
    async fn append(&self, msg: NewMessage) -> StoreResult<Appended> {
        let (reply, answer) = oneshot::channel();
        self.appends
            .send(WriterJob::Append(AppendJob { msg, reply }))
            .await
            .map_err(|_| anyhow::anyhow!("message writer stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("message writer dropped the append"))?
    }

    async fn flush(&self) -> StoreResult<()> {
        let (done, flushed) = oneshot::channel();
        self.appends
            .send(WriterJob::Flush(done))
            .await
            .map_err(|_| anyhow::anyhow!("message writer stopped"))?;
        flushed
            .await
            .map_err(|_| anyhow::anyhow!("message writer stopped"))?;
        Ok(())
    }

    async fn messages(&self, session: SessionId, page: Page) -> StoreResult<(Vec<Message>, bool)> {
        let limit = i64::from(page.limit);
        // Without `after`, the window ends at `before` (or the newest) and is read backwards.
        let backwards = page.after.is_none();
        let sql = if backwards {
            "SELECT * FROM messages WHERE session_id = $1 AND seq > $2 AND seq < $3
             ORDER BY seq DESC LIMIT $4"
        } else {
            "SELECT * FROM messages WHERE session_id = $1 AND seq > $2 AND seq < $3
             ORDER BY seq ASC LIMIT $4"
        };
        let found = sqlx::query(sql)
            .bind(session.0)
            .bind(page.after.unwrap_or(0))
            .bind(page.before.unwrap_or(i64::MAX))
            .bind(limit + 1)
            .fetch_all(&self.reader)
            .await?;
        let mut messages = rows::all(found, rows::message)?;
        let has_more = messages.len() as i64 > limit;
        messages.truncate(page.limit as usize);
        if backwards {
            messages.reverse();
        }
        Ok((messages, has_more))
    }

    async fn last_message(&self, session: SessionId) -> StoreResult<Option<Message>> {
        let row =
            sqlx::query("SELECT * FROM messages WHERE session_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(session.0)
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.as_ref().map(rows::message).transpose()?)
    }

    async fn count_unread(&self, session: SessionId, side: Side, seq: i64) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE session_id = $1 AND seq > $2 AND sender_type <> $3",
        )
        .bind(session.0)
        .bind(seq)
        .bind(side.as_str())
        .fetch_one(&self.reader)
        .await?)
    }

    async fn mark(
        &self,
        session: SessionId,
        side: Side,
        mark: Mark,
        seq: i64,
    ) -> StoreResult<ReadState> {
        let read = if mark == Mark::Read { seq } else { 0 };
        let row = sqlx::query(
            "INSERT INTO read_states (session_id, side, delivered_seq, read_seq)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (session_id, side) DO UPDATE SET
                delivered_seq = MAX(delivered_seq, excluded.delivered_seq),
                read_seq = MAX(read_seq, excluded.read_seq)
             RETURNING delivered_seq, read_seq",
        )
        .bind(session.0)
        .bind(side.as_str())
        .bind(seq)
        .bind(read)
        .fetch_one(&self.writer)
        .await?;
        Ok(rows::read_state(&row)?)
    }

    async fn read_state(&self, session: SessionId, side: Side) -> StoreResult<ReadState> {
        let row = sqlx::query(
            "SELECT delivered_seq, read_seq FROM read_states WHERE session_id = $1 AND side = $2",
        )
        .bind(session.0)
        .bind(side.as_str())
        .fetch_optional(&self.reader)
        .await?;
        Ok(row
            .as_ref()
            .map(rows::read_state)
            .transpose()?
            .unwrap_or_default())
    }
}
