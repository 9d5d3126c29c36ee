//! `MessageLog` on PostgreSQL: the shared statements (`store::sql::log`).

use super::{PgStore, rows};
use crate::store::sql::log::Window;

crate::store::sql::log::sql_log!(PgStore, sqlx::Postgres);

impl PgStore {
    /// A window of history, from the pool.
    async fn window(&self, w: &Window) -> StoreResult<Vec<Message>> {
        let found = sqlx::query(w.sql())
            .bind(w.session.0)
            .bind(w.org.0)
            .bind(w.after)
            .bind(w.before)
            .bind(w.notes)
            .bind(w.limit)
            .fetch_all(self.reads())
            .await?;
        Ok(rows::all(found, rows::message)?)
    }
}
