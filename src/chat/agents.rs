//! Agent availability and membership changes, which move the queue.

use super::Chat;
use crate::domain::AgentId;
use crate::domain::model::{Agent, AgentStatus, SessionStatus};
use crate::domain::notes;
use crate::domain::permissions;
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::Target;
use crate::fanout::events;
use crate::store::AgentChanges;

impl Chat {
    /// Applies profile changes the caller is allowed to make; a raised capacity or a return to
    /// `active` assigns waiting sessions.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, agent = %agent_id))]
    pub async fn update_agent(
        &self,
        actor: &Agent,
        agent_id: AgentId,
        changes: AgentChanges,
    ) -> ApiResult<Agent> {
        let target = self.agent_of_org(actor, agent_id).await?;
        let privileged = changes.role.is_some() || changes.max_concurrent_sessions.is_some();
        permissions::can_edit_agent(actor, &target, privileged).or_deny("agent")?;
        let updated = self
            .store
            .update_agent(
                target.organization_id,
                target.id,
                &changes,
                crate::domain::model::now(),
            )
            .await?
            .ok_or_else(|| ApiError::not_found("agent"))?;
        if changes.max_concurrent_sessions.is_some() {
            self.drain_queue(updated.organization_id).await?;
        }
        self.with_online(updated).await
    }

    /// The organization's agents with `online`, for one of its agents.
    pub async fn agents_of(
        &self,
        actor: &Agent,
        org: crate::domain::OrgId,
    ) -> ApiResult<Vec<Agent>> {
        permissions::same_org(actor, org).or_deny("organization")?;
        self.all_with_online(self.store.agents(org).await?).await
    }

    /// The agents of the caller's organization who can take a conversation now.
    pub async fn available_agents(
        &self,
        actor: &Agent,
        org: crate::domain::OrgId,
    ) -> ApiResult<Vec<Agent>> {
        permissions::same_org(actor, org).or_deny("organization")?;
        let org = self.organization(org).await?;
        Ok(self
            .candidates(&org)
            .await?
            .into_iter()
            .filter(|(_, c)| c.can_take())
            .map(|(a, _)| a)
            .collect())
    }

    /// An agent whose password the caller may change (themselves, or as an admin).
    pub async fn password_owner(&self, actor: &Agent, id: AgentId) -> ApiResult<Agent> {
        let target = self.agent_of_org(actor, id).await?;
        permissions::can_change_password(actor, &target).or_deny("agent")?;
        Ok(target)
    }

    /// Sets a new password, which revokes the agent's tokens and closes their sockets.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, agent = %agent.id))]
    pub async fn set_agent_password(
        &self,
        actor: &Agent,
        agent: &Agent,
        hash: &str,
    ) -> ApiResult<()> {
        permissions::can_change_password(actor, agent).or_deny("agent")?;
        if !self
            .store
            .set_agent_password(
                agent.organization_id,
                agent.id,
                hash,
                crate::domain::model::now(),
            )
            .await?
        {
            return Err(ApiError::not_found("agent"));
        }
        tracing::info!(agent = %agent.id, org = %agent.organization_id, "password changed; earlier tokens revoked");
        self.fanout.disconnect(Target::Agent(agent.id)).await;
        Ok(())
    }

    /// Sets an agent's status and tells the organization.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, agent = %agent_id))]
    pub async fn set_agent_status(
        &self,
        actor: &Agent,
        agent_id: AgentId,
        status: AgentStatus,
    ) -> ApiResult<Agent> {
        let target = self.agent_of_org(actor, agent_id).await?;
        permissions::can_manage_agent_work(actor, &target).or_deny("agent")?;
        let changes = AgentChanges {
            status: Some(status),
            ..Default::default()
        };
        let updated = self
            .store
            .update_agent(
                target.organization_id,
                target.id,
                &changes,
                crate::domain::model::now(),
            )
            .await?
            .ok_or_else(|| ApiError::not_found("agent"))?;
        let updated = self.with_online(updated).await?;
        tracing::info!(agent = %updated.id, %status, by = %actor.id, "agent status changed");
        self.announce_agent_status(&updated).await;
        if status == AgentStatus::Active {
            self.drain_queue(updated.organization_id).await?;
        }
        Ok(updated)
    }

    async fn announce_agent_status(&self, agent: &Agent) {
        self.emit(
            vec![Target::OrgAgents(agent.organization_id)],
            events::agent_status_updated(agent.id, agent.status, agent.online),
        )
        .await;
    }

    /// A socket of the agent connected; coming online may assign waiting sessions.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %agent.organization_id, agent = %agent.id))]
    pub async fn agent_connected(&self, agent: &Agent) -> ApiResult<()> {
        if self
            .presence
            .connect(agent.id, agent.organization_id)
            .await?
        {
            let agent = self.with_online(agent.clone()).await?;
            self.announce_agent_status(&agent).await;
            self.drain_queue(agent.organization_id).await?;
        }
        Ok(())
    }

    /// A socket of the agent disconnected; going offline stops new assignments.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %agent.organization_id, agent = %agent.id))]
    pub async fn agent_disconnected(&self, agent: &Agent) -> ApiResult<()> {
        if self.presence.disconnect(agent.id).await? {
            // The stored status may have changed since the socket connected.
            let current = self
                .store
                .agent(agent.organization_id, agent.id)
                .await?
                .unwrap_or_else(|| agent.clone());
            let current = self.with_online(current).await?;
            self.announce_agent_status(&current).await;
        }
        Ok(())
    }

    /// An agent's node died and their presence lease ended: tell the organization.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %org, agent = %agent))]
    pub async fn agent_lease_ended(&self, org: crate::domain::OrgId, agent: AgentId) {
        tracing::info!(%agent, %org, "agent offline: their node stopped renewing presence");
        match self.store.agent(org, agent).await {
            Ok(Some(a)) => match self.with_online(a).await {
                Ok(a) => self.announce_agent_status(&a).await,
                Err(e) => tracing::warn!(error = %e, "announcing an ended presence"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "announcing an ended presence"),
        }
    }

    /// Deletes an agent; their active sessions return to the queue.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, agent = %agent_id))]
    pub async fn delete_agent(&self, actor: &Agent, agent_id: AgentId) -> ApiResult<()> {
        let target = self.agent_of_org(actor, agent_id).await?;
        permissions::can_administer(actor, target.organization_id).or_deny("agent")?;
        let requeued = self
            .store
            .delete_agent(
                target.organization_id,
                target.id,
                crate::domain::model::now(),
            )
            .await?;
        self.fanout.disconnect(Target::Agent(target.id)).await;
        tracing::info!(agent = %target.id, org = %target.organization_id, by = %actor.id, requeued = requeued.len(), "agent deleted");
        for id in requeued {
            let Some(s) = self.store.session(target.organization_id, id).await? else {
                continue;
            };
            self.emit(
                crate::fanout::participants_and_agents(&s),
                events::session_status_updated(id, SessionStatus::Waiting),
            )
            .await;
            self.append_note(&s, notes::requeued(&target.name)).await?;
        }
        self.drain_queue(target.organization_id).await
    }
}
