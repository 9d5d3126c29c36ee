//! Schema migrations: numbered SQL scripts per backend, compiled into the binary, each applied
//! once in its own transaction and recorded with a checksum in `schema_migrations`. A recorded
//! migration whose script changed since is an error, not a silent skip. On PostgreSQL the run
//! holds an advisory lock, so nodes starting at once apply each migration exactly once.

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection, SqliteConnection};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial schema",
        sql: include_str!("migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "write probe",
        sql: include_str!("migrations/sqlite/0002_probe.sql"),
    },
    Migration {
        version: 3,
        name: "workspace: notes, labels, canned replies, contacts, mentions, search",
        sql: include_str!("migrations/sqlite/0003_workspace.sql"),
    },
    Migration {
        version: 4,
        name: "lifecycle: assignment times",
        sql: include_str!("migrations/sqlite/0004_lifecycle.sql"),
    },
    Migration {
        version: 5,
        name: "teams, with a default team holding every agent and conversation",
        sql: include_str!("migrations/sqlite/0005_teams.sql"),
    },
    Migration {
        version: 6,
        name: "teams' own business hours and waits",
        sql: include_str!("migrations/sqlite/0006_team_hours.sql"),
    },
    Migration {
        version: 7,
        name: "after the conversation: ratings, e-mail opt-outs, the e-mail outbox",
        sql: include_str!("migrations/sqlite/0007_followup.sql"),
    },
    Migration {
        version: 8,
        name: "webhooks: endpoints and deliveries",
        sql: include_str!("migrations/sqlite/0008_webhooks.sql"),
    },
    Migration {
        version: 9,
        name: "reports: conversations by start",
        sql: include_str!("migrations/sqlite/0009_reports.sql"),
    },
    Migration {
        version: 10,
        name: "the audit log",
        sql: include_str!("migrations/sqlite/0010_audit.sql"),
    },
    Migration {
        version: 11,
        name: "API tokens",
        sql: include_str!("migrations/sqlite/0011_api_tokens.sql"),
    },
    Migration {
        version: 12,
        name: "attachments",
        sql: include_str!("migrations/sqlite/0012_attachments.sql"),
    },
    Migration {
        version: 13,
        name: "second factor",
        sql: include_str!("migrations/sqlite/0013_second_factor.sql"),
    },
    Migration {
        version: 14,
        name: "devices",
        sql: include_str!("migrations/sqlite/0014_devices.sql"),
    },
    Migration {
        version: 15,
        name: "refresh secrets",
        sql: include_str!("migrations/sqlite/0015_refresh.sql"),
    },
    Migration {
        version: 16,
        name: "single sign-on",
        sql: include_str!("migrations/sqlite/0016_sso.sql"),
    },
    Migration {
        version: 17,
        name: "search index written once per transaction",
        sql: include_str!("migrations/sqlite/0017_search_per_transaction.sql"),
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial schema",
        sql: include_str!("migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "outbox for a message log elsewhere",
        sql: include_str!("migrations/postgres/0002_outbox.sql"),
    },
    Migration {
        version: 3,
        name: "workspace: notes, labels, canned replies, contacts, mentions, search",
        sql: include_str!("migrations/postgres/0003_workspace.sql"),
    },
    Migration {
        version: 4,
        name: "lifecycle: assignment times",
        sql: include_str!("migrations/postgres/0004_lifecycle.sql"),
    },
    Migration {
        version: 5,
        name: "teams, with a default team holding every agent and conversation",
        sql: include_str!("migrations/postgres/0005_teams.sql"),
    },
    Migration {
        version: 6,
        name: "teams' own business hours and waits",
        sql: include_str!("migrations/postgres/0006_team_hours.sql"),
    },
    Migration {
        version: 7,
        name: "after the conversation: ratings, e-mail opt-outs, the e-mail outbox",
        sql: include_str!("migrations/postgres/0007_followup.sql"),
    },
    Migration {
        version: 8,
        name: "webhooks: endpoints and deliveries",
        sql: include_str!("migrations/postgres/0008_webhooks.sql"),
    },
    Migration {
        version: 9,
        name: "reports: conversations by start",
        sql: include_str!("migrations/postgres/0009_reports.sql"),
    },
    Migration {
        version: 10,
        name: "the audit log",
        sql: include_str!("migrations/postgres/0010_audit.sql"),
    },
    Migration {
        version: 11,
        name: "API tokens",
        sql: include_str!("migrations/postgres/0011_api_tokens.sql"),
    },
    Migration {
        version: 12,
        name: "attachments",
        sql: include_str!("migrations/postgres/0012_attachments.sql"),
    },
    Migration {
        version: 13,
        name: "second factor",
        sql: include_str!("migrations/postgres/0013_second_factor.sql"),
    },
    Migration {
        version: 14,
        name: "devices",
        sql: include_str!("migrations/postgres/0014_devices.sql"),
    },
    Migration {
        version: 15,
        name: "refresh secrets",
        sql: include_str!("migrations/postgres/0015_refresh.sql"),
    },
    Migration {
        version: 16,
        name: "single sign-on",
        sql: include_str!("migrations/postgres/0016_sso.sql"),
    },
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL)";

/// Any key shared by every node of one installation.
const ADVISORY_LOCK: i64 = 0x7261_6173_656c;

/// What the database already has: a recorded migration must match its script.
fn check(m: &Migration, recorded: Option<String>) -> anyhow::Result<bool> {
    match recorded {
        None => Ok(false),
        Some(sum) if sum == m.checksum() => Ok(true),
        Some(_) => bail!(
            "migration {} ({}) was changed after it was applied; the database and this binary disagree",
            m.version,
            m.name
        ),
    }
}

/// Applies every SQLite migration not yet recorded; returns how many ran.
pub async fn run_sqlite(conn: &mut SqliteConnection) -> anyhow::Result<usize> {
    sqlx::raw_sql(CREATE_TABLE).execute(&mut *conn).await?;
    record_checksums_of_older_databases(conn).await?;
    let mut ran = 0;
    for m in SQLITE {
        // Checked and applied under the write lock: another process opening the same file
        // at the same moment waits, then finds it applied.
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        let recorded: Option<String> =
            sqlx::query_scalar("SELECT checksum FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *tx)
                .await?;
        if check(m, recorded)? {
            continue;
        }
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("migration {} ({})", m.version, m.name))?;
        record(m)
            .execute(&mut *tx)
            .await
            .context("recording a migration")?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        ran += 1;
    }
    Ok(ran)
}

/// Databases made before migrations carried checksums record them now, trusting what was
/// applied then.
async fn record_checksums_of_older_databases(conn: &mut SqliteConnection) -> anyhow::Result<()> {
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('schema_migrations')")
            .fetch_all(&mut *conn)
            .await?;
    if columns.iter().any(|c| c == "checksum") {
        return Ok(());
    }
    let mut tx = conn.begin().await?;
    sqlx::raw_sql("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''")
        .execute(&mut *tx)
        .await?;
    for m in SQLITE {
        sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = $2")
            .bind(m.checksum())
            .bind(m.version)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Applies every PostgreSQL migration not yet recorded, under the installation's advisory
/// lock; returns how many ran.
pub async fn run_postgres(conn: &mut PgConnection) -> anyhow::Result<usize> {
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(ADVISORY_LOCK)
        .execute(&mut *conn)
        .await
        .context("taking the migration lock")?;
    let ran = apply_postgres(conn).await;
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(ADVISORY_LOCK)
        .execute(&mut *conn)
        .await
        .context("releasing the migration lock")?;
    ran
}

async fn apply_postgres(conn: &mut PgConnection) -> anyhow::Result<usize> {
    sqlx::raw_sql(CREATE_TABLE).execute(&mut *conn).await?;
    let mut ran = 0;
    for m in POSTGRES {
        let recorded: Option<String> =
            sqlx::query_scalar("SELECT checksum FROM schema_migrations WHERE version = $1")
                .bind(m.version)
                .fetch_optional(&mut *conn)
                .await?;
        if check(m, recorded)? {
            continue;
        }
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(m.sql)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("migration {} ({})", m.version, m.name))?;
        record(m)
            .execute(&mut *tx)
            .await
            .context("recording a migration")?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        ran += 1;
    }
    Ok(ran)
}

/// A migration as a database records it in `schema_migrations`.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub version: i64,
    pub name: String,
    /// Empty or absent in databases made before migrations carried checksums.
    pub checksum: Option<String>,
    pub applied_at: String,
}

/// Where one migration stands in a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Recorded with this binary's script, at this time.
    Applied(String),
    /// Not applied yet: the next `raasel migrate` or server start applies it.
    Pending,
    /// Recorded with another script than this binary's: the database and the binary disagree.
    Changed(String),
    /// Recorded but unknown to this binary: applied by a newer release.
    Unknown(String),
}

impl State {
    /// The one word `raasel migrate --status` prints.
    pub fn word(&self) -> &'static str {
        match self {
            State::Applied(_) => "applied",
            State::Pending => "pending",
            State::Changed(_) => "changed",
            State::Unknown(_) => "newer",
        }
    }

    /// When it was applied, if it was.
    pub fn applied_at(&self) -> Option<&str> {
        match self {
            State::Applied(at) | State::Changed(at) | State::Unknown(at) => Some(at),
            State::Pending => None,
        }
    }
}

/// One migration of `raasel migrate --status`.
#[derive(Debug, Clone)]
pub struct Status {
    pub version: i64,
    pub name: String,
    pub state: State,
}

/// Compares what a database recorded with this binary's migrations, without changing anything:
/// every migration of `list` in order, then those recorded that `list` does not know.
pub fn status(list: &[Migration], recorded: Vec<Recorded>) -> Vec<Status> {
    let mut out: Vec<Status> = list
        .iter()
        .map(|m| {
            let state = match recorded.iter().find(|r| r.version == m.version) {
                None => State::Pending,
                Some(r) => match r.checksum.as_deref() {
                    Some(sum) if !sum.is_empty() && sum != m.checksum() => {
                        State::Changed(r.applied_at.clone())
                    }
                    _ => State::Applied(r.applied_at.clone()),
                },
            };
            Status {
                version: m.version,
                name: m.name.to_string(),
                state,
            }
        })
        .collect();
    out.extend(
        recorded
            .into_iter()
            .filter(|r| list.iter().all(|m| m.version != r.version))
            .map(|r| Status {
                version: r.version,
                name: r.name,
                state: State::Unknown(r.applied_at),
            }),
    );
    out
}

/// What an embedded store (any SQLite connection, read-only is enough) recorded; nothing when
/// it has no `schema_migrations` yet.
pub fn recorded_sqlite(conn: &rusqlite::Connection) -> anyhow::Result<Vec<Recorded>> {
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('schema_migrations')")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if columns.is_empty() {
        return Ok(vec![]);
    }
    // Older databases lack some columns; they read as NULL.
    let column = |name: &'static str| match columns.iter().any(|c| c == name) {
        true => name,
        false => "NULL",
    };
    let sql = format!(
        "SELECT version, {}, {}, {} FROM schema_migrations ORDER BY version",
        column("name"),
        column("checksum"),
        column("applied_at")
    );
    let mut statement = conn.prepare(&sql)?;
    let rows = statement.query_map([], |r| {
        Ok(Recorded {
            version: r.get(0)?,
            name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            checksum: r.get(2)?,
            applied_at: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Where the embedded store in `data_dir` stands, read without changing anything (a data
/// directory without a database has every migration pending). Works beside a running server.
pub fn sqlite_status(data_dir: &std::path::Path) -> anyhow::Result<Vec<Status>> {
    let file = data_dir.join(super::sqlite::DB_FILE);
    if !file.exists() {
        return Ok(status(SQLITE, vec![]));
    }
    let conn = rusqlite::Connection::open_with_flags(
        &file,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("opening {} to read", file.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let recorded = recorded_sqlite(&conn)
        .with_context(|| format!("reading the migrations of {}", file.display()))?;
    Ok(status(SQLITE, recorded))
}

/// Where the PostgreSQL database at `url` stands, read without changing anything and without
/// the migration lock (a migration in progress shows once it has committed).
pub async fn postgres_status(url: &str) -> anyhow::Result<Vec<Status>> {
    let options = <sqlx::postgres::PgConnectOptions as std::str::FromStr>::from_str(url)
        .context("reading the PostgreSQL URL")?
        .application_name("raasel");
    let mut conn = PgConnection::connect_with(&options)
        .await
        .context("connecting to PostgreSQL")?;
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('schema_migrations') IS NOT NULL")
        .fetch_one(&mut conn)
        .await?;
    let recorded = match exists {
        false => vec![],
        true => sqlx::query_as::<_, (i64, String, String, String)>(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
        )
        .fetch_all(&mut conn)
        .await
        .context("reading schema_migrations")?
        .into_iter()
        .map(|(version, name, checksum, applied_at)| Recorded {
            version,
            name,
            checksum: Some(checksum),
            applied_at,
        })
        .collect(),
    };
    conn.close().await?;
    Ok(status(POSTGRES, recorded))
}

/// The row recording a migration, for either backend.
fn record<DB: sqlx::Database>(
    m: &Migration,
) -> sqlx::query::Query<'static, DB, <DB as sqlx::Database>::Arguments<'static>>
where
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    &'static str: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(m.version)
    .bind(m.name)
    .bind(m.checksum())
    .bind(chrono::Utc::now().to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_migration_is_refused() {
        let m = &SQLITE[0];
        assert!(!check(m, None).unwrap());
        assert!(check(m, Some(m.checksum())).unwrap());
        assert!(check(m, Some("something else".into())).is_err());
    }

    #[test]
    fn status_lists_applied_pending_changed_and_newer_migrations() {
        let at = "2025-01-01T00:00:00+00:00".to_string();
        let recorded = |version: i64, checksum: Option<String>| Recorded {
            version,
            name: format!("m{version}"),
            checksum,
            applied_at: at.clone(),
        };
        let list = &SQLITE[..2];
        let states = |recorded: Vec<Recorded>| -> Vec<(i64, State)> {
            status(list, recorded)
                .into_iter()
                .map(|s| (s.version, s.state))
                .collect()
        };
        assert_eq!(states(vec![]), [(1, State::Pending), (2, State::Pending)]);
        assert_eq!(
            states(vec![
                recorded(1, Some(list[0].checksum())),
                recorded(2, Some("other".into()))
            ]),
            [
                (1, State::Applied(at.clone())),
                (2, State::Changed(at.clone()))
            ]
        );
        // Recorded before checksums; then a newer release's migration.
        assert_eq!(
            states(vec![recorded(1, Some(String::new())), recorded(9, None)]),
            [
                (1, State::Applied(at.clone())),
                (2, State::Pending),
                (9, State::Unknown(at.clone()))
            ]
        );
    }

    #[test]
    fn versions_are_numbered_in_order_without_gaps() {
        for list in [SQLITE, POSTGRES] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            }
        }
    }
}
