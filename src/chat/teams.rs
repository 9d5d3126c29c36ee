//! Teams: the organization's groups of agents, each with its own queue; what an agent's lists
//! reach; moving a conversation to another team.

use super::Chat;
use crate::domain::hours::BusinessHours;
use crate::domain::model::{Agent, Session, SessionStatus};
use crate::domain::permissions::{self, Identity};
use crate::domain::teams::{self, Reach, Team, TeamChange};
use crate::domain::{AgentId, OrgId, SessionId, TeamId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::{Target, events};
use crate::store::Requeue;

impl Chat {
    /// What the agent's lists reach, from their teams and the organization's setting for
    /// supervisors.
    pub async fn reach(&self, agent: &Agent) -> ApiResult<Reach> {
        let org = self.organization(agent.organization_id).await?;
        let teams = self.workspace.teams(org.id).await?;
        Ok(Reach::of(
            agent,
            teams::teams_of(agent.id, &teams),
            org.settings.supervisors_see_all,
        ))
    }

    /// The organization's teams (any of its agents).
    pub async fn teams(&self, agent: &Agent) -> ApiResult<Vec<Team>> {
        Ok(self.workspace.teams(agent.organization_id).await?)
    }

    /// The team of `org` with this id; 404 for another organization's.
    pub async fn team_of_org(&self, org: OrgId, id: TeamId) -> ApiResult<Team> {
        self.workspace
            .teams(org)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or_else(|| ApiError::not_found("team"))
    }

    /// The organization's default team.
    pub async fn default_team(&self, org: OrgId) -> ApiResult<Option<Team>> {
        Ok(self
            .workspace
            .teams(org)
            .await?
            .into_iter()
            .find(|t| t.is_default))
    }

    /// Checks that every member is an agent of the organization.
    async fn members_of_org(&self, org: OrgId, members: &[AgentId]) -> ApiResult<Vec<AgentId>> {
        let agents = self.store.agents(org).await?;
        let mut ids = members.to_vec();
        ids.sort();
        ids.dedup();
        if let Some(stranger) = ids.iter().find(|id| !agents.iter().any(|a| a.id == **id)) {
            return Err(ApiError::field(
                "members",
                format!("{stranger} is not an agent of this organization"),
            ));
        }
        Ok(ids)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id))]
    pub async fn create_team(
        &self,
        actor: &Agent,
        name: String,
        members: Vec<AgentId>,
        business_hours: Option<BusinessHours>,
    ) -> ApiResult<Team> {
        let org = actor.organization_id;
        permissions::can_administer(actor, org).or_deny("organization")?;
        let team = Team {
            id: TeamId::new(),
            organization_id: org,
            name,
            is_default: false,
            members: self.members_of_org(org, &members).await?,
            business_hours,
            created_at: crate::domain::model::now(),
        };
        if !self.workspace.insert_team(&team).await? {
            return Err(ApiError::Conflict(format!(
                "an organization has at most {} teams",
                teams::MAX_TEAMS_PER_ORG
            )));
        }
        self.teams_changed(org).await?;
        Ok(team)
    }

    /// Tells the organization's agents its teams changed, and assigns what can be now.
    async fn teams_changed(&self, org: OrgId) -> ApiResult<()> {
        let teams = self.workspace.teams(org).await?;
        self.emit(vec![Target::OrgAgents(org)], events::teams_updated(teams))
            .await;
        // Who may take what changed: the queues may move.
        self.drain_queue(org).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, team = %id))]
    pub async fn update_team(
        &self,
        actor: &Agent,
        id: TeamId,
        mut change: TeamChange,
    ) -> ApiResult<Team> {
        let org = actor.organization_id;
        permissions::can_administer(actor, org).or_deny("organization")?;
        if let Some(m) = change.members.take() {
            change.members = Some(self.members_of_org(org, &m).await?);
        }
        if matches!(change.business_hours, Some(Some(_)))
            && self.team_of_org(org, id).await?.is_default
        {
            return Err(ApiError::field(
                "business_hours",
                "the default team answers in the organization's business hours (its settings)",
            ));
        }
        let updated = self
            .workspace
            .update_team(org, id, &change)
            .await?
            .ok_or_else(|| ApiError::not_found("team"))?;
        self.teams_changed(org).await?;
        Ok(updated)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, team = %id))]
    pub async fn delete_team(&self, actor: &Agent, id: TeamId) -> ApiResult<()> {
        let org = actor.organization_id;
        permissions::can_administer(actor, org).or_deny("organization")?;
        let team = self.team_of_org(org, id).await?;
        if team.is_default {
            return Err(ApiError::Conflict(
                "the default team cannot be deleted".into(),
            ));
        }
        self.workspace.delete_team(org, id).await?;
        self.teams_changed(org).await
    }

    /// Moves a conversation to another team: it waits in that team's queue at its original
    /// place (its customer's first message), unassigned, with a note.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, session = %session_id))]
    pub async fn move_to_team(
        &self,
        actor: &Agent,
        session_id: SessionId,
        team_id: TeamId,
    ) -> ApiResult<Session> {
        let who = Identity::Agent(actor.clone());
        let session = self.readable_session(&who, session_id).await?;
        permissions::can_move_to_team(actor, &session).or_deny("session")?;
        let org = session.organization_id;
        let team = self.team_of_org(org, team_id).await?;
        if session.status == SessionStatus::Closed {
            return Err(ApiError::SessionClosed);
        }
        if session.team_id == Some(team.id) && session.agent_id.is_none() {
            return Ok(session);
        }
        let now = crate::domain::model::now();
        let requeue = Requeue {
            note: crate::domain::notes::moved_to_team(&team.name),
            queued_at: session.queued_at.unwrap_or(now),
            team: Some(team.id),
            expected: session.clone(),
        };
        let moved = self
            .conversations
            .requeue(org, session.id, &requeue)
            .await?
            .ok_or_else(|| ApiError::Conflict("the conversation changed just now".into()))?;
        self.announce_message(&moved.session, &moved.note).await;
        self.emit(
            crate::fanout::participants_and_agents(&moved.session),
            events::session_status_updated(moved.session.id, SessionStatus::Waiting),
        )
        .await;
        self.emit(
            vec![Target::OrgAgents(org)],
            events::session_updated(&moved.session),
        )
        .await;
        self.drain_queue(org).await?;
        self.readable_session(&who, session_id).await
    }
}
