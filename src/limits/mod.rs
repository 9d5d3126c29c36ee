//! Rate limits: per IP for authentication and signup, per account for logins, per sender for
//! messages. Token buckets from `governor` in memory; in a cluster the buckets live in Redis so
//! they hold across nodes (with the in-memory ones as the fallback while Redis is away).

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

mod sockets;

pub use sockets::SocketQuota;

use crate::cluster::SharedRate;
use crate::error::{ApiError, ApiResult};

pub struct Limits {
    auth_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    auth_per_account: DefaultKeyedRateLimiter<String>,
    messages_per_sender: DefaultKeyedRateLimiter<Uuid>,
    searches_per_agent: DefaultKeyedRateLimiter<Uuid>,
    auth_per_minute: u32,
    messages_per_minute: u32,
    shared: Option<SharedRate>,
}

/// Searches one agent may run per minute (each reads the full-text index).
pub const SEARCHES_PER_MINUTE: u32 = 120;

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"))
}

fn check<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> ApiResult<()> {
    limiter
        .check_key(key)
        .map_err(|not_until| ApiError::RateLimited {
            retry_after_secs: not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1),
        })
}

impl Limits {
    /// In-memory limits (one node).
    pub fn new(auth_per_minute: u32, messages_per_minute: u32) -> Self {
        Limits {
            auth_per_ip: RateLimiter::keyed(per_minute(auth_per_minute)),
            auth_per_account: RateLimiter::keyed(per_minute(auth_per_minute)),
            messages_per_sender: RateLimiter::keyed(per_minute(messages_per_minute)),
            searches_per_agent: RateLimiter::keyed(per_minute(SEARCHES_PER_MINUTE)),
            auth_per_minute,
            messages_per_minute,
            shared: None,
        }
    }

    /// Limits shared by every node through Redis.
    pub fn shared(auth_per_minute: u32, messages_per_minute: u32, shared: SharedRate) -> Self {
        Limits {
            shared: Some(shared),
            ..Limits::new(auth_per_minute, messages_per_minute)
        }
    }

    /// Takes from the shared bucket when there is one; `None` when it cannot answer.
    async fn take_shared(&self, key: String, per_minute: u32) -> Option<ApiResult<()>> {
        let shared = self.shared.as_ref()?;
        match shared.take(&key, per_minute).await {
            Ok(None) => Some(Ok(())),
            Ok(Some(retry_after_secs)) => Some(Err(ApiError::RateLimited { retry_after_secs })),
            Err(e) => {
                metrics::counter!("raasel_cluster_limit_fallbacks_total").increment(1);
                tracing::warn!(error = %e, "rate limit answered by this node alone (Redis)");
                None
            }
        }
    }

    /// Signups, logins, registrations and visitor creation from one address.
    pub async fn auth_ip(&self, ip: IpAddr) -> ApiResult<()> {
        match self
            .take_shared(format!("ip:{ip}"), self.auth_per_minute)
            .await
        {
            Some(answer) => answer,
            None => check(&self.auth_per_ip, &ip),
        }
    }

    /// Login attempts against one account, from anywhere.
    pub async fn auth_account(&self, email: &str) -> ApiResult<()> {
        let email = email.to_lowercase();
        match self
            .take_shared(format!("account:{email}"), self.auth_per_minute)
            .await
        {
            Some(answer) => answer,
            None => check(&self.auth_per_account, &email),
        }
    }

    /// Messages by one sender, over REST and sockets alike.
    pub async fn message(&self, sender: Uuid) -> ApiResult<()> {
        match self
            .take_shared(format!("sender:{sender}"), self.messages_per_minute)
            .await
        {
            Some(answer) => answer,
            None => check(&self.messages_per_sender, &sender),
        }
    }

    /// Searches by one agent.
    pub async fn search(&self, agent: Uuid) -> ApiResult<()> {
        match self
            .take_shared(format!("search:{agent}"), SEARCHES_PER_MINUTE)
            .await
        {
            Some(answer) => answer,
            None => check(&self.searches_per_agent, &agent),
        }
    }

    /// Forgets every key whose budget is full again (it would behave as new anyway), so the
    /// maps hold only the keys active within the last minute. Run periodically.
    pub fn prune(&self) {
        self.auth_per_ip.retain_recent();
        self.auth_per_ip.shrink_to_fit();
        self.auth_per_account.retain_recent();
        self.auth_per_account.shrink_to_fit();
        self.messages_per_sender.retain_recent();
        self.messages_per_sender.shrink_to_fit();
        self.searches_per_agent.retain_recent();
        self.searches_per_agent.shrink_to_fit();
    }

    /// Keys held across all limiters.
    pub fn keys(&self) -> usize {
        self.auth_per_ip.len()
            + self.auth_per_account.len()
            + self.messages_per_sender.len()
            + self.searches_per_agent.len()
    }
}

/// Prunes the limiters every `period` for as long as they exist.
pub fn prune_periodically(limits: &std::sync::Arc<Limits>, period: std::time::Duration) {
    let limits = std::sync::Arc::downgrade(limits);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.tick().await;
        loop {
            tick.tick().await;
            let Some(limits) = limits.upgrade() else {
                return;
            };
            limits.prune();
        }
    });
}
