//! SQLite's one write slot, shared by the pooled writer connection and the conversation
//! writer thread: each takes its turn in one fair queue, so neither sleeps in SQLite's busy
//! handler waiting for the other.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use crate::store::sql::WriteTx;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct WriteTurns {
    pool: SqlitePool,
    turn: Arc<Mutex<()>>,
}

/// The pooled writer connection, held during its turn.
pub struct Writing {
    conn: PoolConnection<Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTurns {
    pub fn new(pool: SqlitePool) -> WriteTurns {
        WriteTurns {
            pool,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// Waits for the turn, then for the pooled writer connection.
    pub async fn conn(&self) -> Result<Writing, sqlx::Error> {
        let turn = self.turn.clone().lock_owned().await;
        Ok(Writing {
            conn: self.pool.acquire().await?,
            _turn: turn,
        })
    }

    /// Waits for the turn, then begins a transaction that holds SQLite's write lock from its
    /// start; the turn is held until the transaction ends.
    pub async fn begin(&self) -> Result<WriteTx<Sqlite>, sqlx::Error> {
        let turn = self.turn.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx::new(tx, Some(turn)))
    }

    /// The turn for a thread outside the runtime with its own connection.
    pub fn blocking_turn(&self) -> OwnedMutexGuard<()> {
        self.turn.clone().blocking_lock_owned()
    }
}

impl Deref for Writing {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl DerefMut for Writing {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}
