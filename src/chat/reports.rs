//! Reports for supervisors and admins (a plain agent sees their own figures).

use super::Chat;
use crate::domain::model::{Agent, Role};
use crate::domain::permissions;
use crate::domain::reports::{self, Range, Report};
use crate::domain::{AgentId, TeamId};
use crate::error::{AccessExt, ApiResult};

impl Chat {
    /// The report of the organization's conversations started in `range`, of one team or
    /// agent when given; a plain agent's is always their own.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id))]
    pub async fn report(
        &self,
        actor: &Agent,
        range: &Range,
        team: Option<TeamId>,
        agent: Option<AgentId>,
    ) -> ApiResult<Report> {
        let org = actor.organization_id;
        let agent = match actor.role {
            Role::Agent => Some(agent.unwrap_or(actor.id)),
            _ => agent,
        };
        permissions::can_read_reports(actor, org, agent).or_deny("organization")?;
        if let Some(t) = team {
            self.team_of_org(org, t).await?;
        }
        let (from, until) = range.bounds();
        let rows = self
            .followup
            .report_rows(org, from, until, team, agent)
            .await?;
        let agents = self.store.agents(org).await?;
        let name = |id: AgentId| {
            agents
                .iter()
                .find(|a| a.id == id)
                .map_or_else(|| "Former agent".to_string(), |a| a.name.clone())
        };
        Ok(reports::report(&rows, range, &name))
    }
}
