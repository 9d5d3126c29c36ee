//! Whether Redis answers, so that a Redis outage costs nothing but cross-node fan-out: while it
//! is down, calls fail at once (and presence and rate limits answer from this node alone)
//! instead of each waiting out a reconnection; a monitor notices when it is back.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{ErrorKind, RedisError, RedisResult};

/// The longest one Redis call may take before Redis counts as down.
const CALL_TIMEOUT: Duration = Duration::from_millis(750);
/// How often a down Redis is tried again.
const RETRY_EVERY: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct Health(Arc<AtomicBool>);

impl Health {
    pub fn new() -> Self {
        Health(Arc::new(AtomicBool::new(true)))
    }

    pub fn up(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, up: bool) {
        if self.0.swap(up, Ordering::Relaxed) != up {
            metrics::gauge!("raasel_cluster_redis_up").set(if up { 1.0 } else { 0.0 });
            match up {
                true => tracing::info!("Redis is back: fan-out between nodes resumes"),
                false => tracing::warn!("Redis is unreachable: serving this node alone"),
            }
        }
    }

    /// Runs a Redis call unless Redis is known to be down, within a bounded time; a failure to
    /// reach Redis marks it down.
    pub async fn call<T>(&self, call: impl Future<Output = RedisResult<T>>) -> RedisResult<T> {
        if !self.up() {
            return Err(unavailable());
        }
        let result = match tokio::time::timeout(CALL_TIMEOUT, call).await {
            Ok(result) => result,
            Err(_) => Err(unavailable()),
        };
        if let Err(e) = &result
            && unreachable(e)
        {
            self.set(false);
        }
        result
    }

    /// Tries a down Redis again until it answers on every connection the node uses.
    pub fn monitor(&self, connections: Vec<ConnectionManager>) {
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RETRY_EVERY).await;
                if health.up() {
                    continue;
                }
                let mut all = true;
                for conn in &connections {
                    let (mut conn, ping) = (conn.clone(), redis::cmd("PING"));
                    let answer = ping.query_async::<String>(&mut conn);
                    all &= matches!(tokio::time::timeout(CALL_TIMEOUT, answer).await, Ok(Ok(_)));
                }
                health.set(all);
            }
        });
    }
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

fn unavailable() -> RedisError {
    RedisError::from((ErrorKind::Io, "Redis is unreachable"))
}

/// Errors that mean Redis itself could not be reached (not a refused command).
fn unreachable(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_connection_refusal() || e.is_timeout()
}
