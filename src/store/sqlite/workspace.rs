//! `Workspace` on SQLite (the shared statements), and `Search` with the FTS5 index the
//! message insert keeps (a trigger in the same transaction).

use super::{SqliteStore, rows};
use crate::store::{MessageHit, Search};

crate::store::sql::workspace::sql_workspace!(SqliteStore, sqlx::Sqlite, lock = "");

/// An FTS5 query: every term as a quoted prefix (terms hold only letters and digits).
fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[async_trait]
impl Search for SqliteStore {
    async fn search_messages(
        &self,
        org: OrgId,
        terms: &[String],
        visible_to: Option<crate::store::Within>,
        limit: u32,
    ) -> StoreResult<Vec<MessageHit>> {
        crate::store::during("search_messages", &org, async move {
            // Newest first by the index's own order (rowid follows insertion), so the scan
            // stops at `limit` instead of sorting every match.
            let found = sqlx::query(concat!(
                "SELECT m.session_id, m.seq, m.created_at FROM messages_fts f
                 JOIN messages m ON m.rowid = f.rowid
                 JOIN sessions s ON s.id = m.session_id AND s.organization_id = $2
                 WHERE messages_fts MATCH $1 AND m.organization_id = $2
                 AND ($3 IS NULL OR NOT (s.status = 'waiting' AND s.queued_at IS NULL)) AND ",
                crate::within_sql!("s", "$3", "$4"),
                " ORDER BY f.rowid DESC LIMIT $5"
            ))
            .bind(match_expression(terms))
            .bind(org.0)
            .bind(visible_to.map(|w| w.agent.0))
            .bind(visible_to.is_some_and(|w| w.whole_teams))
            .bind(i64::from(limit))
            .fetch_all(self.reads())
            .await?;
            Ok(rows::all(found, rows::message_hit)?)
        })
        .await
    }
}
