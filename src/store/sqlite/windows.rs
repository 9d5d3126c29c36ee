//! History windows on the embedded store, read on read-only connections of their own: a page is
//! read and decoded on one blocking thread and handed to the runtime once. Through the pooled
//! driver each row crossed from its thread to the runtime on its own (a wake-up per row, an
//! allocation per value), most of a page's cost.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, params};
use tokio::sync::Semaphore;

use super::writer;
use crate::domain::model::Message;
use crate::store::sql::log::Window;
use crate::store::{StoreError, StoreResult};

/// The window connections; a read waits for an idle one.
pub struct Windows {
    idle: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
}

impl Windows {
    /// Opens `count` read-only connections, each reading the file through a memory map of
    /// `map_bytes`.
    pub fn open(file: &Path, count: usize, map_bytes: u64) -> rusqlite::Result<Windows> {
        let conns = (0..count)
            .map(|_| open(file, map_bytes))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Windows {
            idle: Arc::new(Mutex::new(conns)),
            permits: Arc::new(Semaphore::new(count)),
        })
    }

    /// Reads one window. The connection goes back to the idle ones when the read ends, even if
    /// the caller has gone.
    pub async fn read(&self, w: &Window) -> StoreResult<Vec<Message>> {
        let permit = self.permits.clone().acquire_owned().await.map_err(closed)?;
        let idle = self.idle.clone();
        let (sql, args) = (
            w.sql(),
            (w.session.0, w.org.0, w.after, w.before, w.notes, w.limit),
        );
        tokio::task::spawn_blocking(move || {
            let conn = lock(&idle)
                .pop()
                .expect("an idle connection for each permit");
            let found = read(&conn, sql, args);
            lock(&idle).push(conn);
            drop(permit);
            found.map_err(|e| StoreError::Other(e.into()))
        })
        .await
        .map_err(|e| StoreError::Other(anyhow::anyhow!("a history read stopped: {e}")))?
    }
}

type Args = (uuid::Uuid, uuid::Uuid, i64, i64, bool, i64);

fn read(conn: &Connection, sql: &str, a: Args) -> rusqlite::Result<Vec<Message>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map(params![a.0, a.1, a.2, a.3, a.4, a.5], writer::message)?;
    rows.collect()
}

fn open(file: &Path, map_bytes: u64) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(file, flags)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "mmap_size", map_bytes)?;
    conn.set_prepared_statement_cache_capacity(4);
    Ok(conn)
}

fn lock(idle: &Mutex<Vec<Connection>>) -> std::sync::MutexGuard<'_, Vec<Connection>> {
    idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn closed(_: tokio::sync::AcquireError) -> StoreError {
    StoreError::Other(anyhow::anyhow!("the history connections are closed"))
}
