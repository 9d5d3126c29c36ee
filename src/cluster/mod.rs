//! Cluster mode: many nodes on one PostgreSQL and one Redis. Redis carries what nodes share
//! besides the database: Socket.IO fan-out between nodes (the adapter's pub/sub), presence,
//! and rate limits. `app::build` is the one place that chooses it; the rest of the code sees
//! only the `Presence` trait, `Limits` and the Socket.IO adapter type.
//!
//! Queue draining needs no Redis lock: two nodes draining one organization at once take
//! PostgreSQL's advisory lock for it (`Store::lock_queue`), and each assignment is a conditional
//! update anyway, so a session is assigned once and an agent never goes over capacity.

mod driver;
mod limits;
mod presence;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use uuid::Uuid;

pub use driver::PubSub;
pub use limits::SharedRate;
pub use presence::RedisPresence;

/// This node's connections to the cluster.
#[derive(Clone)]
pub struct Cluster {
    /// This process, among the nodes.
    pub node: Uuid,
    pub redis: ConnectionManager,
    pub pubsub: PubSub,
}

impl Cluster {
    /// Connects to Redis (RESP3, which the adapter's pub/sub needs). Fails when Redis does not
    /// answer at start; afterwards, connections come back by themselves.
    pub async fn connect(url: &str) -> anyhow::Result<Cluster> {
        let url = with_resp3(url);
        let client = redis::Client::open(url.as_str()).context("reading the Redis URL")?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)));
        let redis = ConnectionManager::new_with_config(client.clone(), config)
            .await
            .context("connecting to Redis")?;
        let pubsub = PubSub::connect(&client)
            .await
            .context("subscribing to Redis")?;
        Ok(Cluster {
            node: Uuid::now_v7(),
            redis,
            pubsub,
        })
    }

    /// Whether Redis answers now.
    pub async fn ping(&self) -> bool {
        redis::cmd("PING")
            .query_async::<String>(&mut self.redis.clone())
            .await
            .is_ok()
    }
}

/// The URL with `protocol=resp3` (pub/sub messages arrive as RESP3 pushes).
fn with_resp3(url: &str) -> String {
    if url.contains("protocol=") {
        return url.to_string();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}protocol=resp3")
}

/// Renews this node's presence leases and announces agents whose node died, for as long as the
/// presence lives.
pub fn keep_presence(presence: &Arc<RedisPresence>, chat: &Arc<crate::chat::Chat>) {
    let (presence, chat) = (Arc::downgrade(presence), Arc::downgrade(chat));
    tokio::spawn(async move {
        loop {
            let Some(p) = presence.upgrade() else { return };
            let period = p.period();
            p.refresh().await;
            let gone = p.sweep().await;
            drop(p);
            if let Some(chat) = chat.upgrade() {
                for (org, agent) in gone {
                    chat.agent_lease_ended(org, agent).await;
                }
            }
            tokio::time::sleep(period).await;
        }
    });
}
