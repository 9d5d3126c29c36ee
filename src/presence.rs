//! Which agents are online: at least one connected socket. The socket layer feeds it; the
//! assigner reads it. In-process here; a shared implementation serves a cluster.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;

use crate::domain::{AgentId, OrgId};

#[async_trait]
pub trait Presence: Send + Sync + 'static {
    /// Records one more socket; true when the agent just came online.
    async fn connect(&self, agent: AgentId, org: OrgId) -> anyhow::Result<bool>;
    /// Records one socket fewer; true when the agent just went offline.
    async fn disconnect(&self, agent: AgentId) -> anyhow::Result<bool>;
    /// The subset of `agents` that is online.
    async fn online(&self, agents: &[AgentId]) -> anyhow::Result<HashSet<AgentId>>;
    /// Organizations with at least one online agent.
    async fn online_orgs(&self) -> anyhow::Result<HashSet<OrgId>>;
    /// How many agents are online (for metrics).
    async fn online_count(&self) -> anyhow::Result<u64>;
}

/// Presence of this process's sockets.
#[derive(Default)]
pub struct LocalPresence {
    /// Connected sockets per agent, with the agent's organization.
    sockets: Mutex<HashMap<AgentId, (OrgId, usize)>>,
}

impl LocalPresence {
    /// Every agent with a socket on this node, with their organization.
    pub fn online_here(&self) -> Vec<(AgentId, OrgId)> {
        let sockets = self.sockets.lock().expect("presence lock");
        sockets.iter().map(|(a, (org, _))| (*a, *org)).collect()
    }

    /// The organization of an agent with a socket on this node.
    pub fn org_of(&self, agent: AgentId) -> Option<OrgId> {
        let sockets = self.sockets.lock().expect("presence lock");
        sockets.get(&agent).map(|(org, _)| *org)
    }
}

#[async_trait]
impl Presence for LocalPresence {
    async fn connect(&self, agent: AgentId, org: OrgId) -> anyhow::Result<bool> {
        let mut sockets = self.sockets.lock().expect("presence lock");
        let (_, n) = sockets.entry(agent).or_insert((org, 0));
        *n += 1;
        Ok(*n == 1)
    }

    async fn disconnect(&self, agent: AgentId) -> anyhow::Result<bool> {
        let mut sockets = self.sockets.lock().expect("presence lock");
        match sockets.get_mut(&agent) {
            Some((_, n)) if *n > 1 => {
                *n -= 1;
                Ok(false)
            }
            Some(_) => {
                sockets.remove(&agent);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    async fn online(&self, agents: &[AgentId]) -> anyhow::Result<HashSet<AgentId>> {
        let sockets = self.sockets.lock().expect("presence lock");
        Ok(agents
            .iter()
            .copied()
            .filter(|a| sockets.contains_key(a))
            .collect())
    }

    async fn online_orgs(&self) -> anyhow::Result<HashSet<OrgId>> {
        let sockets = self.sockets.lock().expect("presence lock");
        Ok(sockets.values().map(|(org, _)| *org).collect())
    }

    async fn online_count(&self) -> anyhow::Result<u64> {
        Ok(self.sockets.lock().expect("presence lock").len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_agent_is_online_while_any_socket_is_connected() {
        let p = LocalPresence::default();
        let (a, org) = (AgentId::new(), OrgId::new());
        assert!(p.connect(a, org).await.unwrap());
        assert!(!p.connect(a, org).await.unwrap());
        assert_eq!(p.online_orgs().await.unwrap(), HashSet::from([org]));
        assert!(!p.disconnect(a).await.unwrap());
        assert!(p.online(&[a]).await.unwrap().contains(&a));
        assert!(p.disconnect(a).await.unwrap());
        assert!(p.online(&[a]).await.unwrap().is_empty());
        assert!(p.online_orgs().await.unwrap().is_empty());
    }
}
