//! `Store` on SQLite: the shared statements (`store::sql::meta`), with SQLite's one write
//! transaction at a time standing in for row locks.

use super::{SqliteStore, rows};

crate::store::sql::meta::sql_store!(SqliteStore, sqlx::Sqlite, for_update = "");
