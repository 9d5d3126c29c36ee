//! Teams: groups of an organization's agents with their own queue (Sales, Support, Billing).
//! Every organization has a default team; a conversation belongs to one team, whose agents it
//! is given to, and whose queue it waits in.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::hours::BusinessHours;
use super::ids::{AgentId, OrgId, TeamId};
use super::input::{self, Parsed};
use super::model::{Agent, OrgSettings, Role, Session, SessionStatus, Timestamp};

/// Most teams of one organization.
pub const MAX_TEAMS_PER_ORG: i64 = 50;
const MAX_TEAM_NAME_CHARS: usize = 60;
/// The default team's name in a new organization.
pub const DEFAULT_TEAM_NAME: &str = "Everyone";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Team {
    pub id: TeamId,
    pub organization_id: OrgId,
    pub name: String,
    /// Where conversations go when nobody chose a team, and every new agent joins.
    pub is_default: bool,
    pub members: Vec<AgentId>,
    /// When this team answers; `null`: when the organization does. The default team always
    /// follows the organization's hours.
    pub business_hours: Option<BusinessHours>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What changes in a team; `None` leaves a part as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamChange {
    pub name: Option<String>,
    pub members: Option<Vec<AgentId>>,
    /// `Some(None)` removes the team's own hours (it follows the organization's again).
    pub business_hours: Option<Option<BusinessHours>>,
}

/// The hours a team answers in: its own, else the organization's (no team: the
/// organization's).
pub fn hours_of<'a>(team: Option<&'a Team>, org: &'a OrgSettings) -> Option<&'a BusinessHours> {
    team.and_then(|t| t.business_hours.as_ref())
        .or(org.business_hours.as_ref())
}

/// Whether a team (no team: the organization) answers at `now`.
pub fn is_open(team: Option<&Team>, org: &OrgSettings, now: Timestamp) -> bool {
    hours_of(team, org).is_none_or(|h| h.is_open(now))
}

/// The team of `session` among the organization's.
pub fn team_of<'a>(session: &Session, teams: &'a [Team]) -> Option<&'a Team> {
    session
        .team_id
        .and_then(|id| teams.iter().find(|t| t.id == id))
}

/// A team's name: one line of 1 to 60 characters.
pub fn name(s: Option<&str>) -> Parsed<String> {
    input::text(s.ok_or("is required")?, MAX_TEAM_NAME_CHARS)
}

/// What an agent's lists reach: everything (admins, and supervisors unless the organization
/// limits them), or their own conversations and their teams' (the waiting ones for plain
/// agents, all of them for limited supervisors).
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    pub agent: AgentId,
    pub everything: bool,
    pub teams: Vec<TeamId>,
    /// A team's conversations whatever their status (limited supervisors), not only waiting.
    pub whole_teams: bool,
}

impl Reach {
    /// What `agent`, member of `teams`, reaches when the organization does (or does not) let
    /// supervisors see everything.
    pub fn of(agent: &Agent, teams: Vec<TeamId>, supervisors_see_all: bool) -> Reach {
        Reach {
            agent: agent.id,
            everything: agent.role == Role::Admin
                || (agent.role == Role::Supervisor && supervisors_see_all),
            whole_teams: agent.role >= Role::Supervisor,
            teams,
        }
    }

    /// Whether the session is one of this agent's teams' (a session of no team is everyone's).
    pub fn in_teams(&self, s: &Session) -> bool {
        s.team_id.is_none_or(|t| self.teams.contains(&t))
    }

    /// Whether the session shows in this agent's lists.
    pub fn lists(&self, s: &Session) -> bool {
        self.everything
            || s.agent_id == Some(self.agent)
            || ((self.whole_teams || s.status == SessionStatus::Waiting) && self.in_teams(s))
    }
}

/// The teams `agent` is a member of.
pub fn teams_of(agent: AgentId, teams: &[Team]) -> Vec<TeamId> {
    teams
        .iter()
        .filter(|t| t.members.contains(&agent))
        .map(|t| t.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{agent, session};
    use crate::domain::ids::ClientId;

    #[test]
    fn plain_agents_reach_their_own_and_their_teams_queue() {
        let org = OrgId::new();
        let (sales, support) = (TeamId::new(), TeamId::new());
        let me = agent(org, Role::Agent);
        let reach = Reach::of(&me, vec![sales], true);
        let mut waiting = session(org, ClientId::new(), None);
        waiting.team_id = Some(sales);
        assert!(reach.lists(&waiting));
        waiting.team_id = Some(support);
        assert!(!reach.lists(&waiting), "another team's queue");
        let mut mine = session(org, ClientId::new(), Some(me.id));
        mine.team_id = Some(support);
        assert!(reach.lists(&mine), "their own, whatever the team");
        let mut teammates = session(org, ClientId::new(), Some(AgentId::new()));
        teammates.team_id = Some(sales);
        assert!(!reach.lists(&teammates), "a teammate's active conversation");
    }

    #[test]
    fn supervisors_see_all_unless_limited_to_their_teams_admins_always() {
        let org = OrgId::new();
        let sales = TeamId::new();
        let sup = agent(org, Role::Supervisor);
        let mut other = session(org, ClientId::new(), Some(AgentId::new()));
        other.team_id = Some(TeamId::new());
        assert!(Reach::of(&sup, vec![sales], true).lists(&other));
        assert!(!Reach::of(&sup, vec![sales], false).lists(&other));
        other.team_id = Some(sales);
        assert!(
            Reach::of(&sup, vec![sales], false).lists(&other),
            "their team's, any status"
        );
        let admin = agent(org, Role::Admin);
        assert!(Reach::of(&admin, vec![], false).lists(&other));
    }
}
