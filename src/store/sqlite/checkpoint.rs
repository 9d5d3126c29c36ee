//! WAL checkpoints on a thread of their own. The writer's commits append pages to the WAL and
//! nudge this thread, which copies the committed pages into the database file with a passive
//! checkpoint (it neither waits for nor blocks the writer or a reader), so a commit on the
//! message path no longer pays for a checkpoint. If this thread falls behind, the writer's own
//! automatic checkpoint at `FALLBACK_PAGES` still bounds the WAL.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

use rusqlite::Connection;

/// WAL pages after which the writer checkpoints itself (about 4 MiB).
pub const FALLBACK_PAGES: i64 = 1000;
/// How long a nudge waits for more commits before their pages are copied.
const GATHER: Duration = Duration::from_millis(2);

/// Tells the checkpointer that a commit added pages; it stops when this is dropped.
pub struct Nudge(SyncSender<()>);

impl Nudge {
    pub fn after_commit(&self) {
        // Full means a checkpoint is already asked for: this commit's pages go with it.
        let _ = self.0.try_send(());
    }
}

/// Opens the checkpointer's connection and starts its thread.
pub fn spawn(file: &Path) -> anyhow::Result<Nudge> {
    let conn = Connection::open(file)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    let (nudge, nudged) = sync_channel(1);
    std::thread::Builder::new()
        .name("raasel-checkpoint".into())
        .spawn(move || run(&conn, &nudged))?;
    Ok(Nudge(nudge))
}

fn run(conn: &Connection, nudged: &Receiver<()>) {
    while nudged.recv().is_ok() {
        std::thread::sleep(GATHER);
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "a WAL checkpoint failed; the writer's own checkpoint bounds the WAL");
        }
    }
}
