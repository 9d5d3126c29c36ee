//! Backups of the embedded store (`raasel backup`, `raasel restore`).
//!
//! A backup is one SQLite file: a consistent copy of `raasel.db`, plus a small table of its own,
//! `raasel_backup` (`key`, `value`), holding the data directory's generated token secret, the
//! format, when and by which release it was made. It can be opened with any SQLite tool.
//!
//! The copy uses SQLite's online backup API, a few pages at a time, from a read-only connection
//! that holds one read transaction for the whole copy. The server keeps writing meanwhile (in
//! WAL mode a reader blocks no writer, and the server's lock on the data directory is not
//! taken), and the copy is the database exactly as it was when that transaction began. Without
//! it, each step would read the newest state, and SQLite would start the copy over whenever the
//! server committed between two steps: under steady traffic it might never end.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{DB_FILE, DataDirLock, create_private_dir, create_private_file};
use crate::store::migrate;

/// The generated token secret in the data directory (written by `app::token_secret`).
const SECRET_FILE: &str = "jwt-secret";
/// The lock file of the data directory, which alone does not make a directory in use.
const LOCK_FILE: &str = "raasel.lock";
/// The backup's own table.
const TABLE: &str = "raasel_backup";
const FORMAT: &str = "1";
/// Pages copied per step (1 MiB at SQLite's default page size).
const PAGES_PER_STEP: i32 = 256;

/// What a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub organizations: i64,
    pub agents: i64,
    pub clients: i64,
    pub sessions: i64,
    pub messages: i64,
    /// Whether the data directory's token secret is in it (absent when the server's secret is
    /// configured with `--jwt-secret` instead).
    pub token_secret: bool,
}

/// A backup made.
#[derive(Debug, Clone)]
pub struct Made {
    pub contents: Contents,
    pub bytes: u64,
}

/// A backup restored.
#[derive(Debug, Clone)]
pub struct Restored {
    pub contents: Contents,
    pub made_at: String,
    pub made_by: String,
}

/// Copies the embedded store in `data_dir` and its token secret into the file `to`, while a
/// server may be using the directory; `progress` hears (pages copied, pages in all). The file
/// appears whole or not at all (written beside it, then renamed); an existing one is replaced
/// only with `force`. `made_by` names this release in the backup.
pub fn backup(
    data_dir: &Path,
    to: &Path,
    force: bool,
    made_by: &str,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Made> {
    let db = data_dir.join(DB_FILE);
    ensure!(
        db.is_file(),
        "there is no embedded store in {} ({DB_FILE} is missing)",
        data_dir.display()
    );
    if to.is_dir() {
        bail!("{} is a directory; name the backup file", to.display());
    }
    if to.exists() {
        if !force {
            bail!(
                "{} already exists; choose another file, or pass --force to replace it",
                to.display()
            );
        }
        let same = std::fs::canonicalize(to)? == std::fs::canonicalize(&db)?;
        ensure!(!same, "{} is the live database itself", to.display());
    }
    let secret = read_secret(data_dir)?;
    let partial = beside(to, "partial");
    remove_if_present(&partial)?;
    let made =
        copy_live(&db, &partial, secret.as_deref(), made_by, &mut progress).and_then(|contents| {
            let bytes = std::fs::metadata(&partial)?.len();
            std::fs::rename(&partial, to)
                .with_context(|| format!("renaming the finished copy to {}", to.display()))?;
            sync_dir(parent(to))?;
            Ok(Made { contents, bytes })
        });
    if made.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    made
}

/// The copy itself, into `partial`.
fn copy_live(
    db: &Path,
    partial: &Path,
    secret: Option<&str>,
    made_by: &str,
    progress: &mut impl FnMut(u64, u64),
) -> anyhow::Result<Contents> {
    let src = open_read_only(db)?;
    // One read transaction for the whole copy: the backup is the database as of its first read.
    src.execute_batch("BEGIN DEFERRED")?;
    let mut contents = count(&src).with_context(|| format!("reading {}", db.display()))?;
    contents.token_secret = secret.is_some();
    create_private_file(partial).with_context(|| format!("creating {}", partial.display()))?;
    let mut dst =
        Connection::open(partial).with_context(|| format!("opening {}", partial.display()))?;
    copy(&src, &mut dst, progress).context("copying the database")?;
    src.execute_batch("COMMIT")?;
    drop(src);
    // The copy carries the live file's WAL mark; a backup is one file, with a rollback journal.
    let mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    ensure!(mode == "delete", "the copy kept journal mode {mode}");
    dst.execute_batch(&format!(
        "CREATE TABLE {TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    ))?;
    let made_at = chrono::Utc::now().to_rfc3339();
    let mut rows = vec![
        ("format", FORMAT),
        ("made_by", made_by),
        ("made_at", made_at.as_str()),
    ];
    rows.extend(secret.map(|s| ("token_secret", s)));
    for (key, value) in rows {
        dst.execute(
            &format!("INSERT INTO {TABLE} (key, value) VALUES (?1, ?2)"),
            (key, value),
        )?;
    }
    quick_check(&dst)?;
    dst.close().map_err(|(_, e)| e)?;
    std::fs::File::open(partial)?.sync_all()?;
    Ok(contents)
}

/// Restores the backup `from` into `data_dir`: its database and, when it holds one, its token
/// secret. The directory must be empty (or missing) unless `force`, which replaces the store
/// and token secret there; either way no server may be using it (its lock is taken).
/// `progress` hears (pages copied, pages in all).
pub fn restore(
    from: &Path,
    data_dir: &Path,
    force: bool,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Restored> {
    let src = open_backup(from)?;
    let about = read_about(&src).with_context(|| format!("reading {}", from.display()))?;
    check_schema(&src, &about)?;
    if !force && !empty_or_missing(data_dir)? {
        bail!(
            "the data directory {} is not empty; restore into an empty or new directory, or pass --force to replace the store and token secret in it",
            data_dir.display()
        );
    }
    create_private_dir(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let _lock = DataDirLock::acquire(data_dir)?;
    let db = data_dir.join(DB_FILE);
    let partial = data_dir.join(format!("{DB_FILE}.restoring"));
    remove_if_present(&partial)?;
    let restored = restore_into(&src, &partial, &mut progress);
    let contents = match restored {
        Ok(contents) => contents,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    // What belonged to the store being replaced goes first: an old log must never be replayed
    // into the restored file.
    for stale in ["-wal", "-shm", "-journal"] {
        remove_if_present(&data_dir.join(format!("{DB_FILE}{stale}")))?;
    }
    std::fs::rename(&partial, &db).with_context(|| format!("renaming to {}", db.display()))?;
    let secret_file = data_dir.join(SECRET_FILE);
    match about.get("token_secret") {
        Some(secret) => write_private(&secret_file, secret)?,
        None => remove_if_present(&secret_file)?,
    }
    sync_dir(data_dir)?;
    Ok(Restored {
        contents: Contents {
            token_secret: about.contains_key("token_secret"),
            ..contents
        },
        made_at: about.get("made_at").cloned().unwrap_or_default(),
        made_by: about.get("made_by").cloned().unwrap_or_default(),
    })
}

/// Copies the backup's database into `partial` and leaves it as the server keeps its store.
fn restore_into(
    src: &Connection,
    partial: &Path,
    progress: &mut impl FnMut(u64, u64),
) -> anyhow::Result<Contents> {
    create_private_file(partial).with_context(|| format!("creating {}", partial.display()))?;
    let mut dst =
        Connection::open(partial).with_context(|| format!("opening {}", partial.display()))?;
    copy(src, &mut dst, progress).context("copying the backup")?;
    dst.execute_batch(&format!("DROP TABLE {TABLE}"))?;
    quick_check(&dst)?;
    let contents = count(&dst)?;
    let mode: String = dst.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    ensure!(mode == "wal", "the restored store kept journal mode {mode}");
    // Closing the last connection checkpoints the log into the file and removes it.
    dst.close().map_err(|(_, e)| e)?;
    std::fs::File::open(partial)?.sync_all()?;
    Ok(contents)
}

/// Runs SQLite's online backup from `src` to `dst` in steps.
fn copy(
    src: &Connection,
    dst: &mut Connection,
    progress: &mut impl FnMut(u64, u64),
) -> rusqlite::Result<()> {
    let backup = Backup::new(src, dst)?;
    loop {
        let step = backup.step(PAGES_PER_STEP)?;
        let p = backup.progress();
        let total = p.pagecount.max(0) as u64;
        progress(total.saturating_sub(p.remaining.max(0) as u64), total);
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // The destination is ours alone and the source is read in our own transaction:
            // this is SQLite asking to be called again shortly, which it rarely does.
            StepResult::Busy | StepResult::Locked => std::thread::sleep(Duration::from_millis(10)),
            _ => {}
        }
    }
}

fn open_read_only(file: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {} to read", file.display()))?;
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(conn)
}

/// Opens a file made by `raasel backup`, or says what it is not.
fn open_backup(from: &Path) -> anyhow::Result<Connection> {
    ensure!(from.is_file(), "there is no backup file {}", from.display());
    let conn = open_read_only(from)?;
    let ours: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [TABLE],
            |r| r.get(0),
        )
        .optional()
        .with_context(|| format!("{} is not a raasel backup", from.display()))?;
    ensure!(
        ours.is_some(),
        "{} is not a raasel backup (made by `raasel backup`): it has no {TABLE} table",
        from.display()
    );
    Ok(conn)
}

/// The backup's own table, checked for a format this release reads.
fn read_about(conn: &Connection) -> anyhow::Result<HashMap<String, String>> {
    let about: HashMap<String, String> = conn
        .prepare(&format!("SELECT key, value FROM {TABLE}"))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let format = about.get("format").map_or("none", String::as_str);
    ensure!(
        format == FORMAT,
        "the backup's format is {format}; this release reads format {FORMAT}"
    );
    Ok(about)
}

/// A backup from a newer release (a migration this one does not know), or one whose migrations
/// differ from this release's, would not run here: refused before anything is written.
fn check_schema(conn: &Connection, about: &HashMap<String, String>) -> anyhow::Result<()> {
    let made_by = about.get("made_by").map_or("unknown", String::as_str);
    let statuses = migrate::status(migrate::SQLITE, migrate::recorded_sqlite(conn)?);
    for s in statuses {
        match s.state {
            migrate::State::Unknown(_) => bail!(
                "the backup has migration {} ({}), which this release does not know: it was made by a newer release (raasel {made_by}); restore it with that release",
                s.version,
                s.name
            ),
            migrate::State::Changed(_) => bail!(
                "the backup's migration {} ({}) differs from this release's (made by raasel {made_by})",
                s.version,
                s.name
            ),
            migrate::State::Applied(_) | migrate::State::Pending => {}
        }
    }
    Ok(())
}

/// How much the store holds.
fn count(conn: &Connection) -> rusqlite::Result<Contents> {
    conn.query_row(
        "SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM agents),
            (SELECT COUNT(*) FROM clients), (SELECT COUNT(*) FROM sessions),
            (SELECT COUNT(*) FROM messages)",
        [],
        |r| {
            Ok(Contents {
                organizations: r.get(0)?,
                agents: r.get(1)?,
                clients: r.get(2)?,
                sessions: r.get(3)?,
                messages: r.get(4)?,
                token_secret: false,
            })
        },
    )
}

fn quick_check(conn: &Connection) -> anyhow::Result<()> {
    let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    ensure!(verdict == "ok", "the copy failed SQLite's check: {verdict}");
    Ok(())
}

/// The data directory's generated token secret, if it has one.
fn read_secret(data_dir: &Path) -> anyhow::Result<Option<String>> {
    let file = data_dir.join(SECRET_FILE);
    match std::fs::read_to_string(&file) {
        Ok(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", file.display())),
    }
}

/// Whether a directory has nothing in it but perhaps its lock file.
fn empty_or_missing(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries {
                if entry?.file_name() != LOCK_FILE {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e).with_context(|| format!("reading {}", dir.display())),
    }
}

/// Writes a private file whole: beside it first, then renamed over it.
fn write_private(file: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let partial = beside(file, "restoring");
    remove_if_present(&partial)?;
    create_private_file(&partial)?;
    let mut f = std::fs::OpenOptions::new().write(true).open(&partial)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&partial, file).with_context(|| format!("writing {}", file.display()))
}

/// A hidden sibling of `file` for writing it whole.
fn beside(file: &Path, what: &str) -> PathBuf {
    let name = file
        .file_name()
        .map_or_else(|| "raasel".into(), |n| n.to_string_lossy().into_owned());
    parent(file).join(format!(".{name}.{what}-{}", std::process::id()))
}

fn parent(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn remove_if_present(file: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", file.display()))
        }
        _ => Ok(()),
    }
}

/// Makes renames in `dir` durable.
fn sync_dir(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing {}", dir.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in WAL mode with the schema and `rows` filler rows of 3,000 bytes.
    fn live_store(dir: &Path, rows: usize) -> Connection {
        let conn = Connection::open(dir.join(DB_FILE)).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        for m in migrate::SQLITE {
            conn.execute_batch(m.sql).unwrap();
        }
        conn.execute_batch("CREATE TABLE filler (n INTEGER PRIMARY KEY, body BLOB)")
            .unwrap();
        for n in 0..rows {
            conn.execute("INSERT INTO filler VALUES (?1, zeroblob(3000))", [n])
                .unwrap();
        }
        conn
    }

    #[test]
    fn the_copy_is_the_store_as_it_began_while_commits_land_between_its_steps() {
        let dir = tempfile::tempdir().unwrap();
        let writer = live_store(dir.path(), 600);
        let partial = dir.path().join("copy");
        let (mut steps, mut last_done, mut written) = (0, 0, 0);
        let contents = copy_live(
            &dir.path().join(DB_FILE),
            &partial,
            Some("s3cret"),
            "test",
            &mut |done, total| {
                // Pages copied only grow: the copy never starts over.
                assert!(done > last_done && done <= total, "{done} of {total}");
                last_done = done;
                steps += 1;
                // Another connection commits between every two steps.
                if done < total {
                    writer
                        .execute("INSERT INTO filler VALUES (NULL, zeroblob(3000))", [])
                        .unwrap();
                    written += 1;
                }
            },
        )
        .unwrap();
        assert!(steps >= 3 && written >= 2, "{steps} steps");
        assert!(contents.token_secret);
        let copy = Connection::open(&partial).unwrap();
        let rows: i64 = copy
            .query_row("SELECT COUNT(*) FROM filler", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 600, "rows committed during the copy are not in it");
        let secret: String = copy
            .query_row(
                &format!("SELECT value FROM {TABLE} WHERE key = 'token_secret'"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(secret, "s3cret");
        let mode: String = copy
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete", "a backup is one file");
    }

    #[test]
    fn a_directory_holding_only_its_lock_counts_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(empty_or_missing(&dir.path().join("missing")).unwrap());
        assert!(empty_or_missing(dir.path()).unwrap());
        std::fs::write(dir.path().join(LOCK_FILE), "1").unwrap();
        assert!(empty_or_missing(dir.path()).unwrap());
        std::fs::write(dir.path().join("notes"), "x").unwrap();
        assert!(!empty_or_missing(dir.path()).unwrap());
    }

    #[test]
    fn partial_files_are_hidden_siblings() {
        let p = beside(Path::new("/backups/raasel.bak"), "partial");
        assert_eq!(p.parent(), Some(Path::new("/backups")));
        assert!(
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".raasel.bak.partial-")
        );
        assert_eq!(
            beside(Path::new("raasel.bak"), "partial").parent(),
            Some(Path::new("."))
        );
    }
}
