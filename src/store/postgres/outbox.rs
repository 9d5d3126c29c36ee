//! The outbox of a message log kept elsewhere (Cassandra): messages committed here, waiting to
//! be written there. Readers look here first, then in the log.

use super::{PgStore, rows};
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::store::StoreResult;

impl PgStore {
    /// The outbox's messages of one session with `after < seq < before`.
    pub(crate) async fn outbox_window(
        &self,
        org: OrgId,
        session: SessionId,
        after: i64,
        before: i64,
    ) -> StoreResult<Vec<Message>> {
        let found = sqlx::query(
            "SELECT * FROM message_outbox WHERE session_id = $1 AND organization_id = $2
             AND seq > $3 AND seq < $4 ORDER BY seq",
        )
        .bind(session.0)
        .bind(org.0)
        .bind(after)
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows::all(found, rows::message)?)
    }

    /// Messages that have waited in the outbox for at least `age` (their writer may have died).
    pub(crate) async fn outbox_stale(
        &self,
        age: std::time::Duration,
        limit: i64,
    ) -> StoreResult<Vec<Message>> {
        let found = sqlx::query(
            "SELECT * FROM message_outbox WHERE queued_at < now() - make_interval(secs => $1)
             ORDER BY queued_at LIMIT $2",
        )
        .bind(age.as_secs_f64())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows::all(found, rows::message)?)
    }

    /// Forgets messages the log now holds.
    pub(crate) async fn outbox_remove(&self, written: &[(SessionId, i64)]) -> StoreResult<()> {
        let sessions: Vec<uuid::Uuid> = written.iter().map(|(s, _)| s.0).collect();
        let seqs: Vec<i64> = written.iter().map(|(_, q)| *q).collect();
        sqlx::query(
            "DELETE FROM message_outbox o USING UNNEST($1::uuid[], $2::bigint[]) AS w(session_id, seq)
             WHERE o.session_id = w.session_id AND o.seq = w.seq",
        )
        .bind(&sessions)
        .bind(&seqs)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
