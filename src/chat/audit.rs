//! The audit log: recorded as security and administrative actions succeed (and sign-ins
//! fail), read by the organization's admins.

use super::Chat;
use crate::domain::OrgId;
use crate::domain::audit::{self, Actor, AuditEntry};
use crate::domain::model::Agent;
use crate::domain::permissions;
use crate::error::{AccessExt, ApiResult};

/// Days finished webhook deliveries and e-mails are kept (the console shows recent ones).
pub const FINISHED_KEPT_DAYS: i64 = 30;

impl Chat {
    /// Records an action; a failure to record is logged (the action itself happened).
    pub async fn audit(
        &self,
        org: OrgId,
        actor: Actor,
        action: &str,
        target: Option<String>,
        details: serde_json::Value,
        ip: Option<String>,
    ) {
        let now = crate::domain::model::now();
        let entry = AuditEntry::new(org, &actor, action, target, details, ip, now);
        tracing::info!(target: "security", org = %org, action, actor = %entry.actor_name, "audited");
        if let Err(e) = self.audit.record(&entry).await {
            tracing::error!(org = %org, action, error = %e, "the audit log did not record an action");
        }
    }

    /// What an agent did, as the log names them.
    pub fn actor(agent: &Agent) -> Actor {
        Actor::Agent {
            id: agent.id.0,
            name: agent.name.clone(),
        }
    }

    /// The organization's entries, newest first (admins).
    pub async fn audit_entries(
        &self,
        admin: &Agent,
        action: Option<&str>,
        actor: Option<uuid::Uuid>,
        before: Option<crate::domain::model::Timestamp>,
        limit: Option<u32>,
    ) -> ApiResult<Vec<AuditEntry>> {
        let org = admin.organization_id;
        permissions::can_administer(admin, org).or_deny("organization")?;
        let limit = limit.unwrap_or(50).clamp(1, audit::MAX_PAGE);
        Ok(self
            .audit
            .entries(org, action, actor, before, limit)
            .await?)
    }

    /// Forgets audit entries older than the retention period, and webhook deliveries and
    /// e-mails done with for a month (the due pass runs it).
    pub async fn prune_history(&self) -> ApiResult<()> {
        let now = crate::domain::model::now();
        self.audit
            .prune_audit(now - chrono::Duration::days(audit::RETENTION_DAYS))
            .await?;
        let month = now - chrono::Duration::days(FINISHED_KEPT_DAYS);
        self.hooks.prune_deliveries(month).await?;
        self.followup.prune_emails(month).await?;
        Ok(())
    }
}
