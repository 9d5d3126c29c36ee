//! `MessageLog` written once for both SQL backends: the `messages` table, keyed
//! `(session_id, seq)` with the organization on every row and in every query.

/// Implements `MessageLog` for `$store` on sqlx database `$db`, and `bind_message`, the
/// parameters of `INSERT_MESSAGE`. With `search = $module`, a write indexes its messages for
/// search before it commits (`$module::newest_row` before the inserts, `index_after` after).
macro_rules! sql_log {
    ($store:ty, $db:ty $(, search = $search:path)?) => {
use async_trait::async_trait;

use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::{MessageLog, Page, StoreResult};

/// Binds a message to `INSERT_MESSAGE`.
pub fn bind_message<'q>(
    q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
    m: &'q Message,
) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
    q.bind(m.id.0)
        .bind(m.organization_id.0)
        .bind(m.session_id.0)
        .bind(m.seq)
        .bind(m.sender_type.as_str())
        .bind(m.sender_id)
        .bind(&m.sender_name)
        .bind(&m.content)
        .bind(m.client_msg_id.as_deref())
        .bind(m.created_at)
        .bind(m.internal)
        .bind(crate::domain::attachments::encode_refs(&m.attachments))
}

#[async_trait]
impl MessageLog for $store {
    async fn write(&self, messages: &[Message]) -> StoreResult<()> {
        crate::store::during("write", &"all organizations", async move {
            let mut tx = self.begin_write().await?;
            $(let newest = { use $search as search; search::newest_row(&mut *tx).await? };)?
            for m in messages {
                bind_message(sqlx::query(crate::store::sql::INSERT_MESSAGE), m)
                    .execute(&mut *tx)
                    .await?;
            }
            $({ use $search as search; search::index_after(&mut *tx, newest).await?; })?
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    async fn range(
        &self,
        org: OrgId,
        session: SessionId,
        page: Page,
        audience: Audience,
    ) -> StoreResult<(Vec<Message>, bool)> {
        crate::store::during("range", &org, async move {
            let limit = i64::from(page.limit);
            let window = crate::store::sql::log::Window {
                session,
                org,
                after: page.after.unwrap_or(0),
                before: page.before.unwrap_or(i64::MAX),
                notes: audience == Audience::Agents,
                limit: limit + 1,
                // Without `after`, the window ends at `before` (or the newest) and is read backwards.
                backwards: page.after.is_none(),
            };
            let mut messages = self.window(&window).await?;
            let has_more = messages.len() as i64 > limit;
            messages.truncate(page.limit as usize);
            if window.backwards {
                messages.reverse();
            }
            Ok((messages, has_more))
        })
        .await
    }

    async fn at(
        &self,
        org: OrgId,
        session: SessionId,
        seq: i64,
        audience: Audience,
    ) -> StoreResult<Option<Message>> {
        crate::store::during("at", &org, async move {
            let row = sqlx::query(
                "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2 AND seq = $3
                 AND ($4 OR NOT internal)",
            )
            .bind(session.0)
            .bind(org.0)
            .bind(seq)
            .bind(audience == Audience::Agents)
            .fetch_optional(self.reads())
            .await?;
            Ok(row.as_ref().map(rows::message).transpose()?)
        })
        .await
    }

    async fn last(
        &self,
        org: OrgId,
        session: SessionId,
        audience: Audience,
    ) -> StoreResult<Option<Message>> {
        crate::store::during("last", &org, async move {
            let row = sqlx::query(
                "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2
                 AND ($3 OR NOT internal) ORDER BY seq DESC LIMIT 1",
            )
            .bind(session.0)
            .bind(org.0)
            .bind(audience == Audience::Agents)
            .fetch_optional(self.reads())
            .await?;
            Ok(row.as_ref().map(rows::message).transpose()?)
        })
        .await
    }

    async fn count_unread(
        &self,
        org: OrgId,
        session: SessionId,
        side: Side,
        seq: i64,
        with_notes: bool,
    ) -> StoreResult<i64> {
        crate::store::during("count_unread", &org, async move {
            Ok(sqlx::query_scalar(
                "SELECT COUNT(*) FROM messages WHERE session_id = $1 AND organization_id = $2
                 AND seq > $3 AND sender_type <> $4 AND ($5 OR sender_type <> 'system')
                 AND ($6 OR NOT internal)",
            )
            .bind(session.0)
            .bind(org.0)
            .bind(seq)
            .bind(side.as_str())
            .bind(with_notes)
            .bind(Audience::of(side) == Audience::Agents)
            .fetch_one(self.reads())
            .await?)
        })
        .await
    }

    async fn delete_session(&self, org: OrgId, session: SessionId) -> StoreResult<()> {
        crate::store::during("delete_session", &org, async move {
            sqlx::query("DELETE FROM messages WHERE session_id = $1 AND organization_id = $2")
                .bind(session.0)
                .bind(org.0)
                .execute(&mut *self.writing().await?)
                .await?;
            Ok(())
        })
        .await
    }

    async fn delete_organization(&self, org: OrgId) -> StoreResult<()> {
        crate::store::during("delete_organization", &org, async move {
            sqlx::query("DELETE FROM messages WHERE organization_id = $1")
                .bind(org.0)
                .execute(&mut *self.writing().await?)
                .await?;
            Ok(())
        })
        .await
    }
}

    };
}

pub(crate) use sql_log;

use crate::domain::ids::{OrgId, SessionId};

/// A window of one session's messages: `after < seq < before`, at most `limit`, the agents'
/// notes when `notes`; newest first when `backwards`. Each backend reads it its own way
/// (`self.window`), with `sql()` and the parameters in this order.
pub struct Window {
    pub session: SessionId,
    pub org: OrgId,
    pub after: i64,
    pub before: i64,
    pub notes: bool,
    pub limit: i64,
    pub backwards: bool,
}

impl Window {
    pub fn sql(&self) -> &'static str {
        match self.backwards {
            true => {
                "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2
                 AND seq > $3 AND seq < $4 AND ($5 OR NOT internal) ORDER BY seq DESC LIMIT $6"
            }
            false => {
                "SELECT * FROM messages WHERE session_id = $1 AND organization_id = $2
                 AND seq > $3 AND seq < $4 AND ($5 OR NOT internal) ORDER BY seq ASC LIMIT $6"
            }
        }
    }
}
