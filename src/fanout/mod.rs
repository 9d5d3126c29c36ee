//! Where server events go. The service layer names audiences; the socket layer turns them into
//! rooms. Events are emitted only after the change they announce is committed.

use async_trait::async_trait;

pub mod events;

use crate::domain::model::Session;
use crate::domain::{AgentId, ClientId, DeviceId, OrgId, SessionId};
use events::ServerEvent;

/// One audience of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every agent socket of the organization.
    OrgAgents(OrgId),
    /// Every socket of one agent.
    Agent(AgentId),
    /// Every socket of one client.
    Client(ClientId),
    /// Every socket of the organization's widget visitors.
    OrgVisitors(OrgId),
    /// Sockets that joined the session's room (watchers).
    SessionRoom(SessionId),
    /// Every socket opened with the token of one agent's device.
    Device(DeviceId),
}

#[async_trait]
pub trait Fanout: Send + Sync + 'static {
    /// Sends `event` once to every socket in any of `targets`.
    async fn emit(&self, targets: Vec<Target>, event: ServerEvent);
    /// Like `emit`, but skips every socket in `except`.
    async fn emit_except(&self, targets: Vec<Target>, except: Target, event: ServerEvent);
    /// Disconnects every socket of `target` (revoked credentials).
    async fn disconnect(&self, target: Target);
}

/// The session's client, its assigned agent, and its watchers.
pub fn participants(s: &Session) -> Vec<Target> {
    let mut t = vec![Target::Client(s.client_id), Target::SessionRoom(s.id)];
    t.extend(s.agent_id.map(Target::Agent));
    t
}

/// Who may see a private note: the organization's agents, never the customer or watchers.
pub fn agents_only(s: &Session) -> Vec<Target> {
    vec![Target::OrgAgents(s.organization_id)]
}

/// The participants plus every agent of the organization.
pub fn participants_and_agents(s: &Session) -> Vec<Target> {
    let mut t = participants(s);
    t.push(Target::OrgAgents(s.organization_id));
    t
}
