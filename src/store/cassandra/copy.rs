//! Adding Cassandra to a PostgreSQL installation (`raasel move-messages`): every message of
//! PostgreSQL's `messages` table written to Cassandra at its seq, the idempotency keys the
//! PostgreSQL + Cassandra mode looks resends up in, then the counts checked conversation by
//! conversation. Writes are upserts, so an interrupted copy can simply be run again.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use futures_util::{StreamExt, TryStreamExt};
use sqlx::Row;

use super::{CassandraLog, CassandraSettings};
use crate::domain::ids::{OrgId, SessionId};
use crate::domain::model::Message;
use crate::store::StoreConfig;
use crate::store::postgres::{LogTarget, PgStore, rows};

/// Messages read from PostgreSQL at a time.
const PAGE: i64 = 2_000;
/// Conversations written to (or counted in) Cassandra at once.
const PARALLEL: usize = 16;

/// What was copied.
pub struct Copied {
    pub conversations: usize,
    pub messages: u64,
    pub keys: u64,
}

/// Copies the messages; `progress(done, total)` after each page.
pub async fn postgres_to_cassandra(
    args: &StoreConfig,
    progress: impl Fn(u64, u64),
) -> anyhow::Result<Copied> {
    let Some(url) = &args.database_url else {
        bail!("--database-url names the PostgreSQL database whose messages are copied");
    };
    if args.cassandra_contact_points.is_empty() {
        bail!("--cassandra-contact-points names the Cassandra nodes to copy to");
    }
    let settings = CassandraSettings {
        contact_points: args.cassandra_contact_points.clone(),
        keyspace: args.cassandra_keyspace.clone(),
        consistency: args.cassandra_consistency,
    };
    super::migrate(&settings, &args.cassandra_replication)
        .await
        .context("creating the Cassandra keyspace")?;
    let pg = PgStore::open(url, args.database_pool_size, LogTarget::Outbox)
        .await
        .context("opening the PostgreSQL store")?;
    let log = CassandraLog::open(&settings).await?;
    let pool = pg.pool();
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(pool)
        .await?;
    let mut done = 0u64;
    let mut from = (uuid::Uuid::nil(), 0i64);
    loop {
        let page = sqlx::query(
            "SELECT * FROM messages WHERE (session_id, seq) > ($1, $2)
             ORDER BY session_id, seq LIMIT $3",
        )
        .bind(from.0)
        .bind(from.1)
        .bind(PAGE)
        .fetch_all(pool)
        .await
        .context("reading messages from PostgreSQL")?;
        let Some(last) = page.last() else { break };
        from = (last.try_get("session_id")?, last.try_get("seq")?);
        let messages = page
            .iter()
            .map(rows::message)
            .collect::<Result<Vec<_>, _>>()?;
        done += messages.len() as u64;
        write_by_conversation(&log, messages).await?;
        progress(done, total as u64);
    }
    let keys = sqlx::query(
        "INSERT INTO message_keys (session_id, sender_id, client_msg_id, seq)
         SELECT session_id, sender_id, client_msg_id, seq FROM messages
         WHERE client_msg_id IS NOT NULL AND sender_id IS NOT NULL
         ON CONFLICT DO NOTHING",
    )
    .execute(pool)
    .await
    .context("copying the idempotency keys")?
    .rows_affected();
    let conversations = check_counts(pool, &log).await?;
    Ok(Copied {
        conversations,
        messages: done,
        keys,
    })
}

/// Writes a page's messages, each conversation's in seq order, several conversations at once.
async fn write_by_conversation(log: &CassandraLog, messages: Vec<Message>) -> anyhow::Result<()> {
    let mut by_session: BTreeMap<SessionId, Vec<Message>> = BTreeMap::new();
    for m in messages {
        by_session.entry(m.session_id).or_default().push(m);
    }
    futures_util::stream::iter(by_session.into_values())
        .map(|batch| async move { log.write(&batch).await })
        .buffer_unordered(PARALLEL)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(())
}

/// Every conversation holds as many messages in Cassandra as in PostgreSQL.
async fn check_counts(pool: &sqlx::PgPool, log: &CassandraLog) -> anyhow::Result<usize> {
    let counts: Vec<(uuid::Uuid, uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT organization_id, session_id, COUNT(*) FROM messages
         GROUP BY organization_id, session_id",
    )
    .fetch_all(pool)
    .await?;
    let conversations = counts.len();
    let wrong: Vec<String> = futures_util::stream::iter(counts)
        .map(|(org, session, expected)| async move {
            let found = log
                .kinds_after(OrgId(org), SessionId(session), 0)
                .await
                .map(|kinds| kinds.len() as i64);
            match found {
                Ok(n) if n == expected => None,
                Ok(n) => Some(format!("conversation {session}: {n} of {expected}")),
                Err(e) => Some(format!("conversation {session}: {e}")),
            }
        })
        .buffer_unordered(PARALLEL)
        .filter_map(|w| async move { w })
        .collect()
        .await;
    if let Some(first) = wrong.first() {
        bail!(
            "{} conversations differ after the copy, e.g. {first}",
            wrong.len()
        );
    }
    Ok(conversations)
}
