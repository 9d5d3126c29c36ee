//! `Workspace` on PostgreSQL (the shared statements), and `Search` over `message_search`, the
//! full-text index a trigger fills in the transaction that makes a message durable here (into
//! `messages`, or into the outbox when the messages live in Cassandra).

use super::{PgStore, rows};
use crate::store::{MessageHit, Search};

crate::store::sql::workspace::sql_workspace!(PgStore, sqlx::Postgres, lock = " FOR NO KEY UPDATE");

/// A `tsquery`: every term as a prefix (terms hold only letters and digits).
fn ts_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("{t}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

#[async_trait]
impl Search for PgStore {
    async fn search_messages(
        &self,
        org: OrgId,
        terms: &[String],
        visible_to: Option<crate::store::Within>,
        limit: u32,
    ) -> StoreResult<Vec<MessageHit>> {
        crate::store::during("search_messages", &org, async move {
            // Whoever sees everything needs no look at the conversations: without the join the
            // planner walks the index alone (rare words read a handful of rows, not every
            // conversation of the organization).
            if visible_to.is_none() {
                let found = sqlx::query(
                    "SELECT m.session_id, m.seq, m.created_at FROM message_search m
                     WHERE m.document @@ to_tsquery('simple', $1) AND m.organization_id = $2
                     ORDER BY m.created_at DESC, m.seq DESC LIMIT $3",
                )
                .bind(ts_query(terms))
                .bind(org.0)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                return Ok(rows::all(found, rows::message_hit)?);
            }
            let found = sqlx::query(concat!(
                "SELECT m.session_id, m.seq, m.created_at FROM message_search m
                 JOIN sessions s ON s.id = m.session_id AND s.organization_id = $2
                 WHERE m.document @@ to_tsquery('simple', $1) AND m.organization_id = $2
                 AND ($3::uuid IS NULL OR NOT (s.status = 'waiting' AND s.queued_at IS NULL)) AND ",
                crate::within_sql!("s", "$3::uuid", "$4"),
                " ORDER BY m.created_at DESC, m.seq DESC LIMIT $5"
            ))
            .bind(ts_query(terms))
            .bind(org.0)
            .bind(visible_to.map(|w| w.agent.0))
            .bind(visible_to.is_some_and(|w| w.whole_teams))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows::all(found, rows::message_hit)?)
        })
        .await
    }
}
