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
];

pub const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    name: "initial schema",
    sql: include_str!("migrations/postgres/0001_init.sql"),
}];

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
    fn versions_are_numbered_in_order_without_gaps() {
        for list in [SQLITE, POSTGRES] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            }
        }
    }
}
