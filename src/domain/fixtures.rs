//! Entities with plausible defaults, for the test suites (unit, store contract).

use chrono::Utc;

use super::ids::*;
use super::model::*;

pub fn agent(org: OrgId, role: Role) -> Agent {
    Agent {
        id: AgentId::new(),
        organization_id: org,
        name: "A".into(),
        email: format!("{}@x.io", AgentId::new()),
        role,
        status: AgentStatus::Active,
        online: true,
        max_concurrent_sessions: None,
        last_assigned_at: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        token_version: 0,
    }
}

/// A registered client (`org` is `None`) or a visitor of `org`.
pub fn client(org: Option<OrgId>) -> Client {
    Client {
        id: ClientId::new(),
        username: Some("c".into()),
        email: None,
        name: None,
        organization_id: org,
        external_id: None,
        created_at: Utc::now(),
        token_version: 0,
    }
}

/// Active when `agent` is given, waiting otherwise.
pub fn session(org: OrgId, client: ClientId, agent: Option<AgentId>) -> Session {
    Session {
        id: SessionId::new(),
        organization_id: org,
        client_id: client,
        client_name: "c".into(),
        client_email: None,
        agent_id: agent,
        status: if agent.is_some() {
            SessionStatus::Active
        } else {
            SessionStatus::Waiting
        },
        subject: None,
        last_seq: 0,
        last_message_at: None,
        queued_at: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        closed_at: None,
        assigned_at: None,
        snoozed: false,
        snoozed_until: None,
        awaiting_since: None,
        first_response_at: None,
        team_id: None,
        priority: Priority::None,
        labels: Vec::new(),
        preview: None,
    }
}

pub fn organization() -> Organization {
    let now = Utc::now();
    Organization {
        id: OrgId::new(),
        name: "Org".into(),
        domain: format!("{}.example.com", OrgId::new()),
        settings: OrgSettings::default(),
        created_at: now,
        updated_at: now,
    }
}
