//! `MessageLog` on SQLite: the `messages` table, keyed `(session_id, seq)` with the
//! organization on every row and in every query.

use async_trait::async_trait;

use super::{SqliteStore, rows};
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::{MessageLog, Page, StoreResult};
use sqlx::SqliteConnection;

#[async_trait]
impl MessageLog for SqliteStore {
    async fn write(&self, messages: &[Message]) -> StoreResult<()> {
        let mut conn = self.writer.conn().await?;
        let mut tx = conn.begin_immediate().await?;
        for m in messages {
            insert_message(&mut tx, m).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn range(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
    ) -> StoreResult<(Vec<Message>, bool)> {
        let limit = i64::from(page.limit);
        // Without `after`, the window ends at `before` (or the newest) and is read backwards.
        let backwards = page.after.is_none();
        let sql = if backwards {
            "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2
             AND seq > $3 AND seq < $4 ORDER BY seq DESC LIMIT $5"
        } else {
            "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2
             AND seq > $3 AND seq < $4 ORDER BY seq ASC LIMIT $5"
        };
        let found = sqlx::query(sql)
            .bind(session.0)
            .bind(org.0)
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

    async fn at(&self, org: OrgId, session: SessionId, seq: i64) -> StoreResult<Option<Message>> {
        let row = sqlx::query(
            "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2 AND seq = $3",
        )
        .bind(session.0)
        .bind(org.0)
        .bind(seq)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.as_ref().map(rows::message).transpose()?)
    }

    async fn last(&self, org: OrgId, session: SessionId) -> StoreResult<Option<Message>> {
        let row = sqlx::query(
            "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(session.0)
        .bind(org.0)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.as_ref().map(rows::message).transpose()?)
    }

    async fn count_unread(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
        seq: i64,
        with_notes: bool,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE session_id = $1 AND organization_id = $2
             AND seq > $3 AND sender_type <> $4 AND ($5 OR sender_type <> 'system')",
        )
        .bind(session.0)
        .bind(org.0)
        .bind(seq)
        .bind(side.as_str())
        .bind(with_notes)
        .fetch_one(&self.reader)
        .await?)
    }

    async fn delete_session(&self, org: OrgId, session: SessionId) -> StoreResult<()> {
        sqlx::query("DELETE FROM messages WHERE session_id = $1 AND organization_id = $2")
            .bind(session.0)
            .bind(org.0)
            .execute(&mut *self.writer.conn().await?)
            .await?;
        Ok(())
    }

    async fn delete_organization(&self, org: OrgId) -> StoreResult<()> {
        sqlx::query("DELETE FROM messages WHERE organization_id = $1")
            .bind(org.0)
            .execute(&mut *self.writer.conn().await?)
            .await?;
        Ok(())
    }
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
