//! Rate limits: per IP for authentication and signup, per account for logins, per sender for
//! messages. Token buckets from `governor`, kept in memory.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

pub struct Limits {
    auth_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    auth_per_account: DefaultKeyedRateLimiter<String>,
    messages_per_sender: DefaultKeyedRateLimiter<Uuid>,
}

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
    pub fn new(auth_per_minute: u32, messages_per_minute: u32) -> Self {
        Limits {
            auth_per_ip: RateLimiter::keyed(per_minute(auth_per_minute)),
            auth_per_account: RateLimiter::keyed(per_minute(auth_per_minute)),
            messages_per_sender: RateLimiter::keyed(per_minute(messages_per_minute)),
        }
    }

    /// Signups, logins, registrations and visitor creation from one address.
    pub fn auth_ip(&self, ip: IpAddr) -> ApiResult<()> {
        check(&self.auth_per_ip, &ip)
    }

    /// Login attempts against one account, from anywhere.
    pub fn auth_account(&self, email: &str) -> ApiResult<()> {
        check(&self.auth_per_account, &email.to_lowercase())
    }

    /// Messages by one sender, over REST and sockets alike.
    pub fn message(&self, sender: Uuid) -> ApiResult<()> {
        check(&self.messages_per_sender, &sender)
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
    }

    /// Keys held across all limiters.
    pub fn keys(&self) -> usize {
        self.auth_per_ip.len() + self.auth_per_account.len() + self.messages_per_sender.len()
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
