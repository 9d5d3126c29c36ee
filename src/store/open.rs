//! Opening the configured store: the embedded SQLite store in the data directory, or
//! PostgreSQL when a database URL is given. The one place that knows which backends exist.

use std::sync::Arc;

use anyhow::Context;

use super::postgres::PgStore;
use super::sqlite::SqliteStore;
use super::{Conversations, MessageLog, Store};
use crate::config::StoreArgs;

/// The configured store, as the three traits the rest of the code uses.
#[derive(Clone)]
pub struct Stores {
    pub store: Arc<dyn Store>,
    pub conversations: Arc<dyn Conversations>,
    pub log: Arc<dyn MessageLog>,
    /// Set on PostgreSQL, where nodes share what a single node keeps in its data directory.
    pub shared: Option<Arc<PgStore>>,
    /// What `/ready` and the start-up log call it.
    pub name: &'static str,
}

/// Opens the store the arguments name and applies its migrations.
pub async fn open(args: &StoreArgs) -> anyhow::Result<Stores> {
    match &args.database_url {
        Some(url) => {
            let pg = Arc::new(
                PgStore::open(url, args.database_pool_size)
                    .await
                    .context("opening the PostgreSQL store")?,
            );
            Ok(Stores {
                store: pg.clone(),
                conversations: pg.clone(),
                log: pg.clone(),
                shared: Some(pg),
                name: "postgres",
            })
        }
        None => {
            let sqlite = Arc::new(SqliteStore::open(&args.data_dir).await?);
            Ok(Stores {
                store: sqlite.clone(),
                conversations: sqlite.clone(),
                log: sqlite,
                shared: None,
                name: "sqlite",
            })
        }
    }
}
