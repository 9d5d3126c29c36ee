//! `Store` on PostgreSQL: the shared statements (`store::sql::meta`), locking the rows that
//! rules count (`FOR UPDATE`) so that they hold under READ COMMITTED across nodes.

use super::{PgStore, rows};

crate::store::sql::meta::sql_store!(PgStore, sqlx::Postgres, for_update = " FOR UPDATE");
