//! Payloads of server→client events (SPEC §5), built in one place.

use serde_json::{Value, json};

use crate::domain::model::{Agent, AgentStatus, Message, Session, SessionStatus, Side};
use crate::domain::{AgentId, SessionId};

pub const NEW_MESSAGE: &str = "new_message";
pub const NEW_SESSION: &str = "new_session";
pub const AGENT_ASSIGNED: &str = "agent_assigned";
pub const NEW_SESSION_ASSIGNED: &str = "new_session_assigned";
pub const QUEUE_POSITION: &str = "queue_position";
pub const SESSION_STATUS_UPDATED: &str = "session_status_updated";
pub const AGENT_STATUS_UPDATED: &str = "agent_status_updated";
pub const MESSAGES_DELIVERED: &str = "messages_delivered";
pub const MESSAGES_READ: &str = "messages_read";

pub fn new_message(m: &Message) -> Value {
    json!({ "message": m })
}

pub fn new_session(s: &Session) -> Value {
    json!({ "session": s })
}

pub fn agent_assigned(session: SessionId, agent: &Agent) -> Value {
    json!({ "session_id": session, "agent": { "id": agent.id, "name": agent.name } })
}

pub fn new_session_assigned(s: &Session, agent: AgentId) -> Value {
    json!({ "session_id": s.id, "agent_id": agent, "client_name": s.client_name })
}

pub fn queue_position(session: SessionId, position: usize) -> Value {
    json!({ "session_id": session, "position": position })
}

pub fn session_status_updated(session: SessionId, status: SessionStatus) -> Value {
    json!({ "session_id": session, "status": status })
}

pub fn agent_status_updated(agent: AgentId, status: AgentStatus, online: bool) -> Value {
    json!({ "agent_id": agent, "status": status, "online": online })
}

pub fn marks(session: SessionId, side: Side, seq: i64) -> Value {
    json!({ "session_id": session, "side": side, "seq": seq })
}
