//! The audit log: who did what to the organization's security and administration, when and
//! from which address. Written by the product as actions succeed (and as sign-ins fail), read
//! by admins, never changed through the product; kept for a year.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::OrgId;
use super::model::Timestamp;

/// How long entries are kept.
pub const RETENTION_DAYS: i64 = 365;
/// Most entries one read returns.
pub const MAX_PAGE: u32 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: uuid::Uuid,
    pub organization_id: OrgId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `agent`, `operator` or `anonymous` (a failed sign-in).
    pub actor_kind: String,
    #[schema(required = true)]
    pub actor_id: Option<uuid::Uuid>,
    /// The actor's name (or the e-mail tried, for a failed sign-in) at the time.
    pub actor_name: String,
    /// Such as `agent.login`, `agent.login_failed`, `agent.created`, `settings.updated`.
    pub action: String,
    /// What it was done to (an agent's id, an endpoint's id…).
    #[schema(required = true)]
    pub target: Option<String>,
    /// What changed (never a password or a secret).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// The address the request came from.
    #[schema(required = true)]
    pub ip: Option<String>,
}

/// Who acted.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    Agent { id: uuid::Uuid, name: String },
    Operator,
    Anonymous { tried: String },
}

impl AuditEntry {
    pub fn new(
        org: OrgId,
        actor: &Actor,
        action: &str,
        target: Option<String>,
        details: serde_json::Value,
        ip: Option<String>,
        at: Timestamp,
    ) -> AuditEntry {
        let (kind, id, name) = match actor {
            Actor::Agent { id, name } => ("agent", Some(*id), name.clone()),
            Actor::Operator => ("operator", None, "the platform operator".to_string()),
            Actor::Anonymous { tried } => ("anonymous", None, tried.clone()),
        };
        AuditEntry {
            id: uuid::Uuid::now_v7(),
            organization_id: org,
            at,
            actor_kind: kind.into(),
            actor_id: id,
            actor_name: name,
            action: action.into(),
            target,
            details,
            ip,
        }
    }
}
