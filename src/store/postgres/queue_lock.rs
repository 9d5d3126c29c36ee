//! The queue lock on PostgreSQL: a session-level advisory lock per organization, held on one
//! pooled connection, so that one node at a time drains an organization's queue.

use async_trait::async_trait;

use super::PgStore;
use crate::domain::OrgId;
use crate::store::{HeldLock, QueueLock, StoreResult};

/// The advisory lock key of an organization's queue (a namespace tag in the high bits).
fn queue_lock_key(org: OrgId) -> i64 {
    let bytes = org.0.as_u128().to_le_bytes();
    i64::from_le_bytes(bytes[..8].try_into().expect("eight bytes")) ^ 0x5155_4555
}

/// A session-level advisory lock on one pooled connection.
struct AdvisoryLock {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Postgres>>,
    key: i64,
    /// This node's share of the pool for queue locks, given back with the lock.
    _permit: tokio::sync::OwnedSemaphorePermit,
}

#[async_trait]
impl HeldLock for AdvisoryLock {
    async fn release(mut self: Box<Self>) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(self.key)
            .execute(&mut *conn)
            .await;
        if let Err(e) = unlocked {
            tracing::warn!(error = %e, "releasing a queue lock; closing its connection instead");
            drop(conn.detach());
        }
    }
}

impl Drop for AdvisoryLock {
    /// Not released (a cancelled drain): the connection must not go back to the pool holding
    /// the lock, so it is closed, which releases it.
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(conn.detach());
        }
    }
}

impl PgStore {
    /// Waits for this node's share of queue locks, then for the organization's advisory lock.
    pub(super) async fn queue_lock(&self, org: OrgId) -> StoreResult<QueueLock> {
        let permit = self
            .queue_locks
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| anyhow::anyhow!("the store is closing"))?;
        let mut conn = self.pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(queue_lock_key(org))
            .execute(&mut *conn)
            .await?;
        Ok(QueueLock::held(Box::new(AdvisoryLock {
            conn: Some(conn),
            key: queue_lock_key(org),
            _permit: permit,
        })))
    }
}
