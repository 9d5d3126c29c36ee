//! The embedded store: SQLite in WAL mode with `synchronous=FULL`.
//!
//! All writes go through one connection (SQLite has one writer anyway, and this avoids
//! `SQLITE_BUSY`); reads use a small pool of read-only connections. Messages are appended by a
//! dedicated thread that commits them in batches (group commit): one fsync covers every message
//! that arrived while the previous batch was being written, and each sender is answered only
//! after the commit that contains its message. That thread and the pooled writer connection
//! take turns, so the two never write at once. WAL checkpoints run on a thread of their own
//! (`checkpoint`).

mod attachments;
mod audit;
pub mod backup;
mod checkpoint;
mod conversations;
mod devices;
mod followup;
mod hooks;
mod lock;
mod log;
mod meta;
pub(crate) mod rows;
mod search_index;
mod second_factor;
mod sso;
mod turn;
mod windows;
mod workspace;
mod writer;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Acquire, SqlitePool};
use tokio::sync::mpsc;

pub use lock::DataDirLock;

use super::migrate;
use super::sql::WriteTx;
use super::{QueueLock, StoreResult};

pub(crate) const DB_FILE: &str = "raasel.db";
const READERS: u32 = 4;
/// How much of the database file each read connection reads through a memory map instead of
/// copying pages in with `pread` (a history page touches about one page per message): a
/// quarter more history reads per core. The mapped pages are the kernel's page cache, shared and
/// dropped under pressure; they count in RSS once per connection that touched them.
const READ_MAP_BYTES: u64 = 256 * 1024 * 1024;

pub struct SqliteStore {
    reader: SqlitePool,
    /// History windows' own read connections (`windows`).
    windows: windows::Windows,
    writer: turn::WriteTurns,
    changes: mpsc::Sender<conversations::Change>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `data_dir` and applies migrations.
    pub async fn open(data_dir: &Path) -> anyhow::Result<SqliteStore> {
        create_private_dir(data_dir)
            .with_context(|| format!("creating data directory {}", data_dir.display()))?;
        let file = data_dir.join(DB_FILE);
        // SQLite gives the -wal and -shm files the database file's permissions.
        create_private_file(&file).with_context(|| format!("creating {}", file.display()))?;
        let base = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&file)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // A local file needs no liveness check before each use.
        let writer = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(base.clone().create_if_missing(true))
            .await
            .with_context(|| format!("opening {}", file.display()))?;
        {
            let mut conn = writer.acquire().await?;
            migrate::run_sqlite(conn.acquire().await?).await?;
        }
        let reader = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(READERS)
            .connect_with(
                base.read_only(true)
                    .pragma("mmap_size", READ_MAP_BYTES.to_string()),
            )
            .await?;
        let writer = turn::WriteTurns::new(writer);
        let changes = writer::spawn(&file, writer.clone())?;
        let windows = windows::Windows::open(&file, READERS as usize, READ_MAP_BYTES)
            .with_context(|| format!("opening {} for history", file.display()))?;
        Ok(SqliteStore {
            reader,
            windows,
            writer,
            changes,
        })
    }

    /// The read-only pool (moving an installation reads it whole).
    pub(crate) fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Where reads go (`store::sql`).
    fn reads(&self) -> &SqlitePool {
        &self.reader
    }

    /// The writer connection for one statement, in its turn (`store::sql`).
    async fn writing(&self) -> Result<turn::Writing, sqlx::Error> {
        self.writer.conn().await
    }

    /// A transaction holding SQLite's write lock from its start, in its turn (`store::sql`).
    async fn begin_write(&self) -> Result<WriteTx<sqlx::Sqlite>, sqlx::Error> {
        self.writer.begin().await
    }

    /// One server per data directory (its lock), whose own per-organization lock serializes
    /// its drains: nothing to hold here.
    async fn queue_lock(&self, _org: crate::domain::OrgId) -> StoreResult<QueueLock> {
        Ok(QueueLock::not_needed())
    }

    /// Applies migrations and returns how many ran (for `raasel migrate`).
    pub async fn migrate(data_dir: &Path) -> anyhow::Result<()> {
        SqliteStore::open(data_dir).await.map(|_| ())
    }
}

/// Creates the directory (and parents) readable by this user only. An existing directory is
/// left as the operator set it up.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates an empty file readable and writable by this user only, unless it exists.
fn create_private_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// SQLite reports a violated unique index as `UNIQUE constraint failed: <table.col, …>` (or
/// `index '<name>'` for expression indexes); this turns that into the index name.
pub fn unique_index(message: &str) -> Option<&'static str> {
    const BY_COLUMNS: &[(&str, &str)] = &[
        ("organizations.domain", "organizations_domain_key"),
        (
            "agents.organization_id, agents.email",
            "agents_org_email_key",
        ),
        ("clients.email", "clients_email_key"),
        (
            "clients.organization_id, clients.external_id",
            "clients_org_external_id_key",
        ),
        ("index 'clients_username_key'", "clients_username_key"),
        ("index 'labels_org_name_key'", "labels_org_name_key"),
        ("index 'teams_org_name_key'", "teams_org_name_key"),
    ];
    let target = message.strip_prefix("UNIQUE constraint failed: ")?;
    BY_COLUMNS
        .iter()
        .find(|(cols, _)| *cols == target)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn unique_violations_map_to_index_names() {
        assert_eq!(
            super::unique_index("UNIQUE constraint failed: organizations.domain"),
            Some("organizations_domain_key")
        );
        assert_eq!(super::unique_index("something else"), None);
    }
}
