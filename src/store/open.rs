//! Opening the configured store: the embedded SQLite store in the data directory, or
//! PostgreSQL when a database URL is given. The one place that knows which backends exist.

use std::sync::Arc;

use anyhow::Context;

use super::cassandra::{CassandraLog, CassandraSettings, Split};
use super::postgres::{LogTarget, PgStore};
use super::sqlite::SqliteStore;
use super::{
    Attachments, Audit, Conversations, Devices, Followup, Hooks, MessageLog, Search, SecondFactors,
    SingleSignOn, Store, Workspace,
};

/// The configured store, as the three traits the rest of the code uses.
#[derive(Clone)]
pub struct Stores {
    pub store: Arc<dyn Store>,
    pub conversations: Arc<dyn Conversations>,
    pub log: Arc<dyn MessageLog>,
    pub workspace: Arc<dyn Workspace>,
    pub search: Arc<dyn Search>,
    pub followup: Arc<dyn Followup>,
    pub hooks: Arc<dyn Hooks>,
    pub audit: Arc<dyn Audit>,
    pub attachments: Arc<dyn Attachments>,
    pub second_factors: Arc<dyn SecondFactors>,
    pub devices: Arc<dyn Devices>,
    pub sso: Arc<dyn SingleSignOn>,
    /// Set on PostgreSQL, where nodes share what a single node keeps in its data directory.
    pub shared: Option<Arc<PgStore>>,
    /// What `/ready` and the start-up log call it.
    pub name: &'static str,
}

/// Which store to open, and how (the flags of `--data-dir`, `--database-url` and the
/// Cassandra ones, read by `config`).
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub data_dir: std::path::PathBuf,
    pub database_url: Option<String>,
    pub database_pool_size: u32,
    pub cassandra_contact_points: Vec<String>,
    pub cassandra_keyspace: String,
    pub cassandra_replication: super::cassandra::Replication,
    pub cassandra_consistency: scylla::statement::Consistency,
}

/// Opens the store the configuration names and applies its migrations.
pub async fn open(config: impl Into<StoreConfig>) -> anyhow::Result<Stores> {
    let args = &config.into();
    if !args.cassandra_contact_points.is_empty() {
        return open_split(args).await;
    }
    match &args.database_url {
        Some(url) => {
            let pg = Arc::new(
                PgStore::open(url, args.database_pool_size, LogTarget::Here)
                    .await
                    .context("opening the PostgreSQL store")?,
            );
            Ok(Stores {
                store: pg.clone(),
                conversations: pg.clone(),
                log: pg.clone(),
                workspace: pg.clone(),
                search: pg.clone(),
                followup: pg.clone(),
                hooks: pg.clone(),
                audit: pg.clone(),
                attachments: pg.clone(),
                second_factors: pg.clone(),
                devices: pg.clone(),
                sso: pg.clone(),
                shared: Some(pg),
                name: "postgres",
            })
        }
        None => {
            let sqlite = Arc::new(SqliteStore::open(&args.data_dir).await?);
            Ok(Stores {
                store: sqlite.clone(),
                conversations: sqlite.clone(),
                workspace: sqlite.clone(),
                search: sqlite.clone(),
                followup: sqlite.clone(),
                hooks: sqlite.clone(),
                audit: sqlite.clone(),
                attachments: sqlite.clone(),
                second_factors: sqlite.clone(),
                devices: sqlite.clone(),
                sso: sqlite.clone(),
                log: sqlite,
                shared: None,
                name: "sqlite",
            })
        }
    }
}

/// PostgreSQL for everything but the messages, which go to Cassandra.
async fn open_split(args: &StoreConfig) -> anyhow::Result<Stores> {
    let Some(url) = &args.database_url else {
        anyhow::bail!(
            "--cassandra-contact-points keeps only messages in Cassandra: it needs --database-url (PostgreSQL) for the rest"
        );
    };
    let settings = CassandraSettings {
        contact_points: args.cassandra_contact_points.clone(),
        keyspace: args.cassandra_keyspace.clone(),
        consistency: args.cassandra_consistency,
    };
    crate::store::cassandra::migrate(&settings, &args.cassandra_replication)
        .await
        .context("creating the Cassandra keyspace")?;
    let pg = Arc::new(
        PgStore::open(url, args.database_pool_size, LogTarget::Outbox)
            .await
            .context("opening the PostgreSQL store")?,
    );
    let log = Arc::new(CassandraLog::open(&settings).await?);
    let split = Split::new(pg.clone(), log);
    Ok(Stores {
        store: pg.clone(),
        conversations: split.clone(),
        log: split,
        workspace: pg.clone(),
        search: pg.clone(),
        followup: pg.clone(),
        hooks: pg.clone(),
        audit: pg.clone(),
        attachments: pg.clone(),
        second_factors: pg.clone(),
        devices: pg.clone(),
        sso: pg.clone(),
        shared: Some(pg),
        name: "postgres+cassandra",
    })
}
