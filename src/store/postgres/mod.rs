//! The PostgreSQL store, for installations that outgrow one machine: every node of a cluster
//! shares it. Rules that count rows lock the rows they count (`SELECT … FOR UPDATE`), so they
//! hold under READ COMMITTED from any number of connections and nodes.
//!
//! Durability: PostgreSQL's defaults (`fsync = on`, `synchronous_commit = on`): a commit is on
//! disk before it returns, and a change is acknowledged only after its commit. Messages and
//! closes are committed in batches by one writer task per node (group commit: one WAL flush per
//! batch); assignments run in their own transactions because they lock an agent as well.

mod attachments;
mod audit;
mod batch;
pub(crate) mod conversations;
mod devices;
mod followup;
mod hooks;
mod log;
mod meta;
mod outbox;
mod queue_lock;
pub(crate) mod rows;
mod second_factor;
mod sso;
mod workspace;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use super::migrate;
use super::sql::WriteTx;

pub use conversations::LogTarget;

pub struct PgStore {
    pool: PgPool,
    changes: conversations::Writers,
    /// Where messages are written.
    log: LogTarget,
    /// Queue locks held at once by this node. Each holds a pooled connection while its drain
    /// needs others: unbounded, as many drains as connections would wait for each other.
    queue_locks: Arc<tokio::sync::Semaphore>,
}

impl PgStore {
    /// Connects with a pool of `connections` and applies migrations (once across nodes).
    pub async fn open(url: &str, connections: u32, log: LogTarget) -> anyhow::Result<PgStore> {
        let options = PgConnectOptions::from_str(url)
            .context("reading the PostgreSQL URL")?
            .application_name("raasel");
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("connecting to PostgreSQL")?;
        {
            let mut conn = pool.acquire().await?;
            migrate::run_postgres(&mut conn).await?;
        }
        // Half the pool at most, so that reads and assignments always find a connection.
        let lanes = (connections / 2).clamp(1, conversations::MAX_LANES);
        let changes = conversations::Writers::spawn(&pool, log, lanes as usize);
        // A quarter of the pool at most; the lanes take at most half.
        let queue_locks = Arc::new(tokio::sync::Semaphore::new(
            (connections / 4).max(1) as usize
        ));
        Ok(PgStore {
            pool,
            changes,
            log,
            queue_locks,
        })
    }

    /// The pool (moving an installation writes to it in bulk).
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Where reads go (`store::sql`).
    fn reads(&self) -> &PgPool {
        &self.pool
    }

    /// A connection for one statement (`store::sql`).
    async fn writing(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// A transaction (`store::sql`).
    async fn begin_write(&self) -> Result<WriteTx<sqlx::Postgres>, sqlx::Error> {
        Ok(WriteTx::new(self.pool.begin().await?, None))
    }

    /// The value every node of the installation shares under `key`: the first node to ask
    /// stores `fresh`, and every node gets what was stored.
    pub async fn shared_value(&self, key: &str, fresh: &str) -> anyhow::Result<String> {
        sqlx::query("INSERT INTO installation (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(key)
            .bind(fresh)
            .execute(&self.pool)
            .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM installation WHERE key = $1")
                .bind(key)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
