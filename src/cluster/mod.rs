//! Cluster mode: many nodes on one PostgreSQL and one Redis. Redis carries what nodes share
//! besides the database: Socket.IO fan-out between nodes (the adapter's pub/sub), presence,
//! and rate limits. `app::build` is the one place that chooses it; the rest of the code sees
//! only the `Presence` trait, `Limits` and the Socket.IO adapter type.
//!
//! Queue draining needs no Redis lock: two nodes draining one organization at once take
//! PostgreSQL's advisory lock for it (`Store::lock_queue`), and each assignment is a conditional
//! update anyway, so a session is assigned once and an agent never goes over capacity.

mod driver;
mod health;
mod leases;
mod shared_rate;

use std::time::Duration;

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use uuid::Uuid;

pub use driver::PubSub;
pub use health::Health;
pub use leases::RedisPresence;
pub use shared_rate::SharedRate;

/// This node's connections to the cluster.
#[derive(Clone)]
pub struct Cluster {
    /// This process, among the nodes.
    pub node: Uuid,
    pub redis: ConnectionManager,
    pub pubsub: PubSub,
    pub health: Health,
}

impl Cluster {
    /// Connects to Redis (RESP3, which the adapter's pub/sub needs). Fails when Redis does not
    /// answer at start; afterwards, connections come back by themselves.
    pub async fn connect(url: &str) -> anyhow::Result<Cluster> {
        let url = with_resp3(url);
        let client = redis::Client::open(url.as_str()).context("reading the Redis URL")?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let redis = ConnectionManager::new_with_config(client.clone(), config)
            .await
            .context("connecting to Redis")?;
        let health = Health::new();
        let pubsub = PubSub::connect(&client, health.clone())
            .await
            .context("subscribing to Redis")?;
        health.monitor(vec![redis.clone(), pubsub.connection()]);
        Ok(Cluster {
            node: Uuid::now_v7(),
            redis,
            pubsub,
            health,
        })
    }

    /// Whether Redis answers now.
    pub async fn ping(&self) -> bool {
        let (mut conn, ping) = (self.redis.clone(), redis::cmd("PING"));
        self.health
            .call(ping.query_async::<String>(&mut conn))
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
