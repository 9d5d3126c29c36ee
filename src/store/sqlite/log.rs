//! `MessageLog` on SQLite: the shared statements (`store::sql::log`).

use super::{SqliteStore, rows};

crate::store::sql::log::sql_log!(SqliteStore, sqlx::Sqlite);
