//! The pub/sub driver of the Socket.IO Redis adapter: one Redis connection that reconnects by
//! itself and subscribes again to every channel after a reconnect, so cross-node fan-out comes
//! back on its own after a Redis outage. While Redis is away a broadcast is still delivered to
//! this node's sockets; the other nodes' sockets miss it and fill the gap from history.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, PushInfo, PushKind, Value};
use socketioxide_redis::drivers::{ChanItem, Driver, MessageStream};
use tokio::sync::mpsc;

type Handlers = Arc<RwLock<HashMap<String, mpsc::Sender<ChanItem>>>>;

#[derive(Clone)]
pub struct PubSub {
    conn: ConnectionManager,
    handlers: Handlers,
}

impl PubSub {
    pub async fn connect(client: &redis::Client) -> redis::RedisResult<PubSub> {
        let handlers: Handlers = Arc::default();
        let sink = handlers.clone();
        let config = ConnectionManagerConfig::new()
            .set_automatic_resubscription()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_push_sender(move |msg: PushInfo| {
                deliver(msg, &sink);
                Ok::<(), std::convert::Infallible>(())
            });
        let conn = ConnectionManager::new_with_config(client.clone(), config).await?;
        Ok(PubSub { conn, handlers })
    }
}

/// Hands a pushed message to the subscriber of its channel.
fn deliver(msg: PushInfo, handlers: &Handlers) {
    if msg.kind != PushKind::Message || msg.data.len() < 2 {
        return;
    }
    let mut data = msg.data.into_iter();
    let (Some(chan), Some(payload)) = (data.next(), data.next()) else {
        return;
    };
    let (Ok(chan), Ok(payload)) = (
        redis::from_redis_value::<String>(chan),
        redis::from_redis_value::<Vec<u8>>(payload),
    ) else {
        return;
    };
    let sender = handlers
        .read()
        .expect("pub/sub handlers")
        .get(&chan)
        .cloned();
    if let Some(tx) = sender
        && tx.try_send((chan, payload)).is_err()
    {
        metrics::counter!("raasel_cluster_messages_dropped_total").increment(1);
        tracing::warn!("cross-node message dropped: the adapter is behind");
    }
}

/// Errors of the driver (Redis errors).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PubSubError(#[from] redis::RedisError);

impl Driver for PubSub {
    type Error = PubSubError;

    async fn publish(&self, chan: String, val: Vec<u8>) -> Result<(), Self::Error> {
        // A failed publish must not stop this node's own delivery: the adapter only delivers
        // locally after the publish succeeds.
        if let Err(e) = self.conn.clone().publish::<_, _, Value>(chan, val).await {
            metrics::counter!("raasel_cluster_publish_failures_total").increment(1);
            tracing::warn!(error = %e, "cross-node fan-out unavailable (Redis)");
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        chan: String,
        size: usize,
    ) -> Result<MessageStream<ChanItem>, Self::Error> {
        let (tx, rx) = mpsc::channel(size);
        self.handlers
            .write()
            .expect("pub/sub handlers")
            .insert(chan.clone(), tx);
        self.conn.clone().subscribe(chan.as_str()).await?;
        Ok(MessageStream::new(rx))
    }

    async fn unsubscribe(&self, chan: String) -> Result<(), Self::Error> {
        self.handlers
            .write()
            .expect("pub/sub handlers")
            .remove(&chan);
        self.conn.clone().unsubscribe(chan).await?;
        Ok(())
    }

    async fn num_serv(&self, chan: &str) -> Result<u16, Self::Error> {
        let (_, count): (String, u16) = redis::cmd("PUBSUB")
            .arg("NUMSUB")
            .arg(chan)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(count)
    }
}
