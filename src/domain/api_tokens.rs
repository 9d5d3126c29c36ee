//! API tokens: named, scoped credentials an admin makes for scripts and integrations. Shown
//! once, kept only as a SHA-256 hash, revocable, with the last time they were used. A token
//! acts as an agent of its organization named after it, limited to the routes its scopes name
//! (one table here decides, for every route).

use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::ToSchema;

use super::ids::{AgentId, OrgId};
use super::input::{self, Parsed};
use super::model::{Agent, AgentStatus, Role, Timestamp};

/// The start of every API token (so that it is told from a sign-in token at a glance).
pub const PREFIX: &str = "rsl_";
/// Most tokens (not revoked) of one organization.
pub const MAX_PER_ORG: i64 = 20;
const MAX_NAME_CHARS: usize = 60;
/// How often a token's last use is written (at most once a minute).
pub const TOUCH_EVERY_SECS: i64 = 60;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read conversations, their messages, customers, labels, teams and search.
    ReadConversations,
    /// Write messages and private notes.
    WriteMessages,
    /// Add, change and remove agents.
    ManageAgents,
    /// The organization's settings, teams, labels and webhooks.
    ManageSettings,
    /// Reports.
    ReadReports,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::ReadConversations => "read_conversations",
            Scope::WriteMessages => "write_messages",
            Scope::ManageAgents => "manage_agents",
            Scope::ManageSettings => "manage_settings",
            Scope::ReadReports => "read_reports",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: uuid::Uuid,
    pub organization_id: OrgId,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_by: AgentId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime, required = true)]
    pub last_used_at: Option<Timestamp>,
}

impl ApiToken {
    /// The token as the agent it acts as: named after it, an admin held back by its scopes.
    pub fn as_agent(&self) -> Agent {
        Agent {
            id: AgentId(self.id),
            organization_id: self.organization_id,
            name: format!("{} (API token)", self.name),
            email: String::new(),
            role: Role::Admin,
            status: AgentStatus::Busy,
            online: false,
            max_concurrent_sessions: Some(0),
            last_assigned_at: None,
            created_at: self.created_at,
            updated_at: self.created_at,
            token_version: 0,
        }
    }
}

/// Whether an agent is an API token acting as one (tokens have no e-mail; agents always do).
pub fn is_token(agent: &Agent) -> bool {
    agent.email.is_empty()
}

/// A token's name: one line of 1 to 60 characters.
pub fn name(s: Option<&str>) -> Parsed<String> {
    input::text(s.ok_or("is required")?, MAX_NAME_CHARS)
}

/// The scopes asked for: at least one, each once.
pub fn scopes(mut sent: Vec<Scope>) -> Parsed<Vec<Scope>> {
    sent.sort();
    sent.dedup();
    if sent.is_empty() {
        return Err("name at least one scope".into());
    }
    Ok(sent)
}

/// A new token (256 random bits) and the hash it is kept as.
pub fn new_token() -> (String, String) {
    let token = format!("{PREFIX}{}", hex::encode(rand::random::<[u8; 32]>()));
    let hashed = hash(&token);
    (token, hashed)
}

/// What a token is kept and looked up as.
pub fn hash(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// The scope a route needs from a token (`path` as the router matched it); `None`: no token
/// may use it (signing in, sign-ups, a customer's routes, tokens themselves, the audit log…).
pub fn required(method: &str, path: &str) -> Option<Scope> {
    use Scope::*;
    let read = method == "GET";
    match (path, read) {
        ("/api/sessions/{id}/messages" | "/api/sessions/{id}/attachments", false)
        | ("/api/attachments/{id}", false) => Some(WriteMessages),
        (
            "/api/sessions/organization/{organization_id}"
            | "/api/sessions/organization/{organization_id}/active"
            | "/api/sessions/organization/{organization_id}/waiting"
            | "/api/sessions/{id}"
            | "/api/sessions/{id}/messages"
            | "/api/sessions/{id}/context"
            | "/api/sessions/{id}/attachments"
            | "/api/attachments/{id}/link"
            | "/api/contacts/{id}"
            | "/api/search"
            | "/api/labels"
            | "/api/teams"
            | "/api/agents/organization/{organization_id}",
            true,
        ) => Some(ReadConversations),
        ("/api/agents", false) | ("/api/agents/{id}", _) => Some(ManageAgents),
        ("/api/organizations/{id}", _) if method != "DELETE" => Some(ManageSettings),
        ("/api/teams" | "/api/labels", false)
        | ("/api/teams/{id}" | "/api/labels/{id}", _)
        | ("/api/webhooks" | "/api/webhooks/{id}" | "/api/webhooks/{id}/deliveries", _)
        | ("/api/webhooks/deliveries/{id}/redeliver", false) => Some(ManageSettings),
        ("/api/reports" | "/api/reports/csv", true) => Some(ReadReports),
        ("/api/attachments/usage", true) => Some(ManageSettings),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_kept_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_eq!(hash(&a), ha);
        assert_ne!(ha, a);
    }

    #[test]
    fn every_route_needs_its_scope_and_some_none() {
        assert_eq!(
            required("GET", "/api/sessions/{id}"),
            Some(Scope::ReadConversations)
        );
        assert_eq!(
            required("POST", "/api/sessions/{id}/messages"),
            Some(Scope::WriteMessages)
        );
        assert_eq!(
            required("PUT", "/api/agents/{id}"),
            Some(Scope::ManageAgents)
        );
        assert_eq!(
            required("PUT", "/api/organizations/{id}"),
            Some(Scope::ManageSettings)
        );
        assert_eq!(required("GET", "/api/reports"), Some(Scope::ReadReports));
        assert_eq!(required("PUT", "/api/sessions/{id}/close"), None);
        assert_eq!(required("POST", "/api/api-tokens"), None);
        assert_eq!(required("GET", "/api/audit"), None);
        assert_eq!(
            required("DELETE", "/api/organizations/{id}"),
            None,
            "never the whole organization"
        );
    }
}
