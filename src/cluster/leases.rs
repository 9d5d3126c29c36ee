//! Presence shared by every node through Redis, and safe when a node dies.
//!
//! Each node counts its own sockets per agent (as one node alone does) and keeps, in Redis,
//! a lease per (agent, node) that expires `ttl` after its last refresh; it refreshes the leases
//! of its online agents every `ttl / 3`. An agent is online while any lease is live, so when a
//! node dies its agents go offline within `ttl` at most, and the first node to sweep them
//! announces it. Expiry is measured on Redis's clock, so the nodes' clocks need not agree.
//!
//! Keys, under the cluster's name: `<name>:presence:agent:<agent>` (node → lease end),
//! `<name>:presence:org:<org>` (agent → latest lease end), `<name>:presence:orgs`
//! (organization → latest lease end).
//!
//! When Redis cannot be reached, answers come from this node's own sockets, and the next
//! refresh puts everything back once it returns.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use redis::Script;
use redis::aio::ConnectionManager;
use uuid::Uuid;

use super::Health;
use crate::domain::{AgentId, OrgId};
use crate::presence::{LocalPresence, Presence};

/// Redis's clock in milliseconds, for every script.
const NOW: &str = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)";

/// Takes or renews this node's lease on an agent; returns how many other nodes hold a live one.
/// KEYS: agent, org, orgs. ARGV: node, agent, org, ttl ms.
fn lease_script() -> Script {
    Script::new(&format!(
        "{NOW}
        local ttl = tonumber(ARGV[4])
        local exp = now + ttl
        local others = redis.call('ZCOUNT', KEYS[1], now, '+inf')
        local mine = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if mine and tonumber(mine) >= now then others = others - 1 end
        redis.call('ZADD', KEYS[1], exp, ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ttl * 2)
        redis.call('ZADD', KEYS[2], 'GT', exp, ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ttl * 2)
        redis.call('ZADD', KEYS[3], 'GT', exp, ARGV[3])
        return others"
    ))
}

/// Gives up this node's lease; returns how many live leases remain (0: the agent went offline).
/// KEYS: agent, org. ARGV: node, agent.
fn release_script() -> Script {
    Script::new(&format!(
        "{NOW}
        redis.call('ZREM', KEYS[1], ARGV[1])
        local live = redis.call('ZCOUNT', KEYS[1], now, '+inf')
        if live == 0 then redis.call('ZREM', KEYS[2], ARGV[2]) end
        return live"
    ))
}

/// For each agent key, whether a lease is live (1) or not (0).
fn live_script() -> Script {
    Script::new(&format!(
        "{NOW}
        local out = {{}}
        for i, key in ipairs(KEYS) do
            out[i] = redis.call('ZCOUNT', key, now, '+inf') > 0 and 1 or 0
        end
        return out"
    ))
}

/// Organizations with a live lease. KEYS: orgs.
fn orgs_script() -> Script {
    Script::new(&format!(
        "{NOW}
        return redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')"
    ))
}

/// Agents with a live lease, in all organizations. KEYS: orgs. ARGV: key prefix.
fn count_script() -> Script {
    Script::new(&format!(
        "{NOW}
        local n = 0
        for _, org in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
            n = n + redis.call('ZCOUNT', ARGV[1] .. 'org:' .. org, now, '+inf')
        end
        return n"
    ))
}

/// Removes the agents whose every lease ended and returns them as `org:agent` (each removed
/// by exactly one sweeping node, which announces it). KEYS: orgs. ARGV: key prefix.
fn sweep_script() -> Script {
    Script::new(&format!(
        "{NOW}
        local gone = {{}}
        for _, org in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            local org_key = ARGV[1] .. 'org:' .. org
            for _, agent in ipairs(redis.call('ZRANGEBYSCORE', org_key, '-inf', '(' .. now)) do
                local agent_key = ARGV[1] .. 'agent:' .. agent
                redis.call('ZREMRANGEBYSCORE', agent_key, '-inf', '(' .. now)
                if redis.call('ZCARD', agent_key) == 0 and redis.call('ZREM', org_key, agent) == 1 then
                    table.insert(gone, org .. ':' .. agent)
                end
            end
            if redis.call('ZCARD', org_key) == 0 then redis.call('ZREM', KEYS[1], org) end
        end
        return gone"
    ))
}

pub struct RedisPresence {
    node: Uuid,
    health: Health,
    /// `<cluster name>:presence:`
    prefix: String,
    redis: ConnectionManager,
    local: LocalPresence,
    ttl: Duration,
    lease: Script,
    release: Script,
    live: Script,
    orgs: Script,
    count: Script,
    sweep: Script,
}

impl RedisPresence {
    pub fn new(
        node: Uuid,
        cluster: &str,
        redis: ConnectionManager,
        health: Health,
        ttl: Duration,
    ) -> Arc<Self> {
        Arc::new(RedisPresence {
            node,
            health,
            prefix: format!("{cluster}:presence:"),
            redis,
            local: LocalPresence::default(),
            ttl,
            lease: lease_script(),
            release: release_script(),
            live: live_script(),
            orgs: orgs_script(),
            count: count_script(),
            sweep: sweep_script(),
        })
    }

    fn agent_key(&self, agent: AgentId) -> String {
        format!("{}agent:{agent}", self.prefix)
    }

    fn org_key(&self, org: OrgId) -> String {
        format!("{}org:{org}", self.prefix)
    }

    fn orgs_key(&self) -> String {
        format!("{}orgs", self.prefix)
    }

    fn ttl_ms(&self) -> u64 {
        self.ttl.as_millis() as u64
    }

    /// Takes or renews the lease on one agent; how many other nodes have them online.
    async fn renew(&self, agent: AgentId, org: OrgId) -> redis::RedisResult<i64> {
        let mut lease = self.lease.prepare_invoke();
        lease
            .key(self.agent_key(agent))
            .key(self.org_key(org))
            .key(self.orgs_key())
            .arg(self.node.to_string())
            .arg(agent.to_string())
            .arg(org.to_string())
            .arg(self.ttl_ms());
        self.health
            .call(lease.invoke_async(&mut self.redis.clone()))
            .await
    }

    /// Renews the leases of every agent online on this node (run every `ttl / 3`).
    pub async fn refresh(&self) {
        for (agent, org) in self.local.online_here() {
            if let Err(e) = self.renew(agent, org).await {
                tracing::warn!(error = %e, "presence: renewing leases (Redis)");
                return;
            }
        }
    }

    /// Agents whose every lease ended (their node died), each reported to one node only.
    pub async fn sweep(&self) -> Vec<(OrgId, AgentId)> {
        let mut swept = self.sweep.prepare_invoke();
        swept.key(self.orgs_key()).arg(&self.prefix);
        let gone: Vec<String> = match self
            .health
            .call(swept.invoke_async(&mut self.redis.clone()))
            .await
        {
            Ok(gone) => gone,
            Err(e) => {
                tracing::warn!(error = %e, "presence: sweeping ended leases (Redis)");
                return vec![];
            }
        };
        gone.iter()
            .filter_map(|pair| {
                let (org, agent) = pair.split_once(':')?;
                Some((org.parse().ok()?, agent.parse().ok()?))
            })
            .collect()
    }

    /// How often leases are renewed and ended ones swept.
    pub fn period(&self) -> Duration {
        self.ttl / 3
    }
}

/// Logs a Redis failure and answers from this node's own sockets instead.
fn fallback<T>(what: &str, e: redis::RedisError, local: T) -> anyhow::Result<T> {
    metrics::counter!("raasel_cluster_presence_fallbacks_total").increment(1);
    tracing::warn!(error = %e, "presence: {what} answered from this node alone (Redis)");
    Ok(local)
}

#[async_trait]
impl Presence for RedisPresence {
    async fn connect(&self, agent: AgentId, org: OrgId) -> anyhow::Result<bool> {
        let first_here = self.local.connect(agent, org).await?;
        if !first_here {
            return Ok(false);
        }
        match self.renew(agent, org).await {
            Ok(others) => Ok(others == 0),
            Err(e) => fallback("coming online", e, true),
        }
    }

    async fn disconnect(&self, agent: AgentId) -> anyhow::Result<bool> {
        let Some(org) = self.local.org_of(agent) else {
            return Ok(false);
        };
        if !self.local.disconnect(agent).await? {
            return Ok(false);
        }
        let mut release = self.release.prepare_invoke();
        release
            .key(self.agent_key(agent))
            .key(self.org_key(org))
            .arg(self.node.to_string())
            .arg(agent.to_string());
        let released: redis::RedisResult<i64> = self
            .health
            .call(release.invoke_async(&mut self.redis.clone()))
            .await;
        match released {
            Ok(live) => Ok(live == 0),
            Err(e) => fallback("going offline", e, true),
        }
    }

    async fn online(&self, agents: &[AgentId]) -> anyhow::Result<HashSet<AgentId>> {
        if agents.is_empty() {
            return Ok(HashSet::new());
        }
        let mut call = self.live.prepare_invoke();
        for a in agents {
            call.key(self.agent_key(*a));
        }
        let mut conn = self.redis.clone();
        match self
            .health
            .call(call.invoke_async::<Vec<i64>>(&mut conn))
            .await
        {
            Ok(live) => Ok(agents
                .iter()
                .zip(live)
                .filter(|(_, l)| *l == 1)
                .map(|(a, _)| *a)
                .collect()),
            Err(e) => fallback("who is online", e, self.local.online(agents).await?),
        }
    }

    async fn online_orgs(&self) -> anyhow::Result<HashSet<OrgId>> {
        let mut orgs = self.orgs.prepare_invoke();
        orgs.key(self.orgs_key());
        let mut conn = self.redis.clone();
        match self
            .health
            .call(orgs.invoke_async::<Vec<String>>(&mut conn))
            .await
        {
            Ok(orgs) => Ok(orgs.iter().filter_map(|o| o.parse().ok()).collect()),
            Err(e) => fallback("organizations online", e, self.local.online_orgs().await?),
        }
    }

    async fn online_count(&self) -> anyhow::Result<u64> {
        let mut count = self.count.prepare_invoke();
        count.key(self.orgs_key()).arg(&self.prefix);
        match self
            .health
            .call(count.invoke_async::<u64>(&mut self.redis.clone()))
            .await
        {
            Ok(n) => Ok(n),
            Err(e) => fallback("agents online", e, self.local.online_count().await?),
        }
    }
}
