//! Payloads of client→server events. Unknown fields are refused so a typo fails loudly.

use serde::Deserialize;

use crate::domain::{AgentId, OrgId, SessionId};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinOrganization {
    pub organization_id: Option<OrgId>,
    pub session_id: Option<SessionId>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    pub session_id: SessionId,
    pub content: Option<String>,
    pub client_msg_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRef {
    pub session_id: SessionId,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub session_id: SessionId,
    pub limit: Option<u32>,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkSeq {
    pub session_id: SessionId,
    pub seq: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignAgent {
    pub session_id: SessionId,
    pub agent_id: AgentId,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSessionStatus {
    pub session_id: SessionId,
    pub status: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgentStatus {
    pub status: String,
    pub agent_id: Option<AgentId>,
}
