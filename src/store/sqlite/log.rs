//! `MessageLog` on SQLite: the shared statements (`store::sql::log`); history windows are read
//! on connections of their own (`windows`).

use super::{SqliteStore, rows};
use crate::store::sql::log::Window;

crate::store::sql::log::sql_log!(SqliteStore, sqlx::Sqlite, search = super::search_index);

impl SqliteStore {
    async fn window(&self, w: &Window) -> StoreResult<Vec<Message>> {
        self.windows.read(w).await
    }
}
