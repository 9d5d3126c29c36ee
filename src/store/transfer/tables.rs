//! Tables copied as they are, column by column: each value read from SQLite as the type its
//! PostgreSQL column has (uuids kept as 16-byte blobs, times as text, booleans as integers
//! there), and the row counts compared afterwards.

use anyhow::{Context, bail, ensure};
use sqlx::sqlite::SqliteRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row, SqlitePool};

use crate::domain::model::Timestamp;

const BATCH: usize = 500;

/// One value on its way, typed as its PostgreSQL column.
enum Cell {
    Uuid(Option<uuid::Uuid>),
    Time(Option<Timestamp>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Text(Option<String>),
}

/// The PostgreSQL types these tables use.
#[derive(Clone, Copy)]
enum Kind {
    Uuid,
    Time,
    Int,
    Bool,
    Text,
}

impl Kind {
    fn of(pg_type: &str) -> anyhow::Result<Kind> {
        Ok(match pg_type {
            "uuid" => Kind::Uuid,
            "timestamp with time zone" => Kind::Time,
            "bigint" | "integer" | "smallint" => Kind::Int,
            "boolean" => Kind::Bool,
            "text" | "character varying" => Kind::Text,
            other => bail!("no copy for a PostgreSQL column of type {other}"),
        })
    }

    fn read(self, row: &SqliteRow, column: &str) -> sqlx::Result<Cell> {
        Ok(match self {
            Kind::Uuid => Cell::Uuid(row.try_get(column)?),
            Kind::Time => Cell::Time(row.try_get(column)?),
            Kind::Int => Cell::Int(row.try_get(column)?),
            Kind::Bool => Cell::Bool(row.try_get(column)?),
            Kind::Text => Cell::Text(row.try_get(column)?),
        })
    }
}

/// Copies each table whole, in the order given (a table after those it refers to).
pub(super) async fn copy_as_is(
    src: &SqlitePool,
    dst: &PgPool,
    tables: &[&str],
) -> anyhow::Result<()> {
    for table in tables {
        copy_table(src, dst, table)
            .await
            .with_context(|| format!("copying {table}"))?;
    }
    Ok(())
}

async fn copy_table(src: &SqlitePool, dst: &PgPool, table: &str) -> anyhow::Result<()> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(dst)
    .await?;
    ensure!(!columns.is_empty(), "PostgreSQL has no table {table}");
    let kinds: Vec<Kind> = columns
        .iter()
        .map(|(_, ty)| Kind::of(ty))
        .collect::<anyhow::Result<_>>()?;
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let list = names.join(", ");
    let rows = sqlx::query(&format!("SELECT {list} FROM {table}"))
        .fetch_all(src)
        .await?;
    for chunk in rows.chunks(BATCH) {
        let mut cells = Vec::with_capacity(chunk.len());
        for row in chunk {
            let read: sqlx::Result<Vec<Cell>> = names
                .iter()
                .zip(&kinds)
                .map(|(name, kind)| kind.read(row, name))
                .collect();
            cells.push(read?);
        }
        let mut q = QueryBuilder::<Postgres>::new(format!("INSERT INTO {table} ({list}) "));
        q.push_values(cells, |mut b, row| {
            for cell in row {
                match cell {
                    Cell::Uuid(v) => b.push_bind(v),
                    Cell::Time(v) => b.push_bind(v),
                    Cell::Int(v) => b.push_bind(v),
                    Cell::Bool(v) => b.push_bind(v),
                    Cell::Text(v) => b.push_bind(v),
                };
            }
        });
        q.build().execute(dst).await?;
    }
    let count = format!("SELECT COUNT(*) FROM {table}");
    let moved: i64 = sqlx::query_scalar(&count).fetch_one(src).await?;
    let arrived: i64 = sqlx::query_scalar(&count).fetch_one(dst).await?;
    ensure!(
        moved == arrived,
        "{table}: {moved} rows in the embedded store, {arrived} in PostgreSQL"
    );
    Ok(())
}
