//! What the two SQL backends share: every statement of `Store` and `MessageLog` is written once
//! here, as a macro each backend expands for its own sqlx database type (`sql_store!`,
//! `sql_log!`), the way `rows.rs` decodes rows once for both. The SQL is portable (numbered
//! parameters, `ON CONFLICT`, `RETURNING`, `IS NOT DISTINCT FROM` work in SQLite and
//! PostgreSQL alike); what differs is given to the macro: the row-locking suffix (`FOR UPDATE`
//! on PostgreSQL, nothing on SQLite, whose writes are serialized by one immediate transaction at
//! a time) and how a backend reaches its connections:
//!
//! - `self.reads()`: the pool reads go to;
//! - `self.writing().await?`: a connection for one write statement;
//! - `self.begin_write().await?`: a `WriteTx` for several;
//! - `self.queue_lock(org).await`: the backend's way to serialize an organization's queue.
//!
//! Why macros rather than code generic over `sqlx::Database`: generic sqlx code needs a bound
//! for every type bound or decoded, at every function, for both databases; the macro keeps the
//! statements as plain text and each backend's code concrete.

pub mod attachments;
pub mod audit;
pub mod conversation;
pub mod devices;
pub mod followup;
pub mod hooks;
pub mod log;
pub mod meta;
pub mod second_factor;
pub mod sso;
pub mod workspace;

use std::ops::{Deref, DerefMut};

use sqlx::{Database, Transaction};
use tokio::sync::OwnedMutexGuard;

/// A write transaction, holding (on SQLite) the store's write turn until it ends.
pub struct WriteTx<DB: Database> {
    tx: Transaction<'static, DB>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl<DB: Database> WriteTx<DB> {
    pub fn new(tx: Transaction<'static, DB>, turn: Option<OwnedMutexGuard<()>>) -> Self {
        WriteTx { tx, _turn: turn }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl<DB: Database> Deref for WriteTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: Database> DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// A `LIKE` pattern finding `q` anywhere, in which `%` and `_` match themselves.
pub fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

/// Writes one message at its seq; the same key written again is left as it is. Its
/// parameters appear in order, so positional binding (rusqlite) reads them alike. On SQLite,
/// the transaction indexes its new messages for search before it commits (`search_index`).
pub const INSERT_MESSAGE: &str = "INSERT INTO messages (id, organization_id, session_id, seq,
    sender_type, sender_id, sender_name, content, client_msg_id, created_at, internal,
    attachments)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (session_id, seq) DO NOTHING";
