//! `MessageLog` on PostgreSQL: the shared statements (`store::sql::log`).

use super::{PgStore, rows};

crate::store::sql::log::sql_log!(PgStore, sqlx::Postgres);
