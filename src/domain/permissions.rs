//! Who may do what: the one place where access is decided. Deny by default.
//!
//! Objects of another organization, and another client's sessions, answer `NotFound` so that
//! their existence is never confirmed; a caller of the right organization with too low a role
//! gets `Forbidden`.

use super::canned::CannedReply;
use super::ids::{AgentId, OrgId};
use super::model::{Agent, Client, OrgSettings, Organization, Role, Session, SessionStatus, Side};
use super::sso::SsoProvider;
use super::teams::Reach;

/// The verified caller of an action.
#[derive(Debug, Clone)]
pub enum Identity {
    Agent(Agent),
    Client(Client),
}

impl Identity {
    /// Which side of a conversation this caller speaks for.
    pub fn side(&self) -> Side {
        match self {
            Identity::Agent(_) => Side::Agent,
            Identity::Client(_) => Side::Client,
        }
    }
}

/// Who acts on an organization as a whole: one of its agents, or the platform operator.
#[derive(Debug, Clone, Copy)]
pub enum Steward<'a> {
    Agent(&'a Agent),
    Operator,
}

/// The agent behind an identity, for actions only agents take.
pub fn agent_of(who: &Identity) -> Result<&Agent, Denied> {
    match who {
        Identity::Agent(a) => Ok(a),
        Identity::Client(_) => Err(Denied::Forbidden),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    NotFound,
    Forbidden,
}

pub type Access = Result<(), Denied>;

fn allow_if(ok: bool, otherwise: Denied) -> Access {
    if ok { Ok(()) } else { Err(otherwise) }
}

/// The base of every agent rule: other organizations do not exist for this agent.
pub fn same_org(agent: &Agent, org: OrgId) -> Access {
    allow_if(agent.organization_id == org, Denied::NotFound)
}

fn at_least(agent: &Agent, role: Role) -> bool {
    agent.role >= role
}

/// Read a session, its messages, and join its room.
pub fn can_read_session(who: &Identity, s: &Session) -> Access {
    match who {
        Identity::Agent(a) => same_org(a, s.organization_id),
        Identity::Client(c) => allow_if(s.client_id == c.id, Denied::NotFound),
    }
}

/// Write a message to a session (whether it is still open is the lifecycle's concern): its
/// client; its assigned agent; supervisors and admins in any session of the organization; a
/// plain agent in an unassigned session, which they take by writing (`takes_by_writing`).
/// Who may open a file of a conversation: its organization's agents; its customer their own
/// uploads and the files of messages they see (never one only in a private note).
pub fn can_read_file(who: &Identity, s: &Session, f: &super::attachments::Attachment) -> Access {
    can_read_session(who, s)?;
    match who {
        Identity::Agent(_) => Ok(()),
        Identity::Client(c) => allow_if(
            f.uploader_id == c.id.0 || (f.sent && !f.internal),
            Denied::NotFound,
        ),
    }
}

pub fn can_post_in_session(who: &Identity, s: &Session) -> Access {
    can_read_session(who, s)?;
    match who {
        Identity::Client(_) => Ok(()),
        Identity::Agent(a) => allow_if(
            at_least(a, Role::Supervisor) || s.agent_id == Some(a.id) || s.agent_id.is_none(),
            Denied::Forbidden,
        ),
    }
}

/// Whether writing in this session makes a plain agent take it first (as from the queue).
pub fn takes_by_writing(who: &Identity, s: &Session) -> bool {
    matches!(who, Identity::Agent(a)
        if !at_least(a, Role::Supervisor)
            && s.agent_id.is_none()
            && s.status == SessionStatus::Waiting)
}

/// Whether an agent sees this session in organization lists, as far as their `reach` goes:
/// everything for admins and (unless the organization limits them) supervisors; otherwise
/// their own and their teams' (see `Reach`).
pub fn lists_session(agent: &Agent, reach: &Reach, s: &Session) -> bool {
    same_org(agent, s.organization_id).is_ok() && reach.lists(s)
}

/// Assign or transfer: supervisors and admins any session to any agent of the organization;
/// an agent may only take a waiting, unassigned session of their teams for themselves.
pub fn can_assign(actor: &Agent, reach: &Reach, s: &Session, target: &Agent) -> Access {
    same_org(actor, s.organization_id)?;
    same_org(actor, target.organization_id)?;
    let takes_waiting_for_self = target.id == actor.id
        && s.status == SessionStatus::Waiting
        && s.agent_id.is_none()
        && reach.in_teams(s);
    allow_if(
        at_least(actor, Role::Supervisor) || takes_waiting_for_self,
        Denied::Forbidden,
    )
}

/// Close: the assigned agent, supervisors and admins, and the session's own client.
pub fn can_close_session(who: &Identity, s: &Session) -> Access {
    match who {
        Identity::Agent(a) => {
            same_org(a, s.organization_id)?;
            allow_if(
                at_least(a, Role::Supervisor) || s.agent_id == Some(a.id),
                Denied::Forbidden,
            )
        }
        Identity::Client(c) => allow_if(s.client_id == c.id, Denied::NotFound),
    }
}

/// Write a private note: any agent of the organization, in any of its conversations; never a
/// customer.
pub fn can_write_note(who: &Identity, s: &Session) -> Access {
    match who {
        Identity::Agent(a) => same_org(a, s.organization_id),
        Identity::Client(c) => {
            allow_if(s.client_id == c.id, Denied::NotFound).and(Err(Denied::Forbidden))
        }
    }
}

/// Reopen a closed conversation (it goes back to its agent, or to the queue): supervisors and
/// admins any; a plain agent one that was theirs or nobody's.
pub fn can_reopen(agent: &Agent, s: &Session) -> Access {
    same_org(agent, s.organization_id)?;
    allow_if(
        at_least(agent, Role::Supervisor) || s.agent_id.is_none_or(|id| id == agent.id),
        Denied::Forbidden,
    )
}

/// Put labels and a priority on a conversation, or snooze it: on any the agent sees in lists.
pub fn can_tag_session(agent: &Agent, reach: &Reach, s: &Session) -> Access {
    same_org(agent, s.organization_id)?;
    allow_if(lists_session(agent, reach, s), Denied::Forbidden)
}

/// Move a conversation to another team: supervisors and admins, and its assigned agent.
pub fn can_move_to_team(agent: &Agent, s: &Session) -> Access {
    same_org(agent, s.organization_id)?;
    allow_if(
        at_least(agent, Role::Supervisor) || s.agent_id == Some(agent.id),
        Denied::Forbidden,
    )
}

/// Define, rename and delete the organization's labels.
pub fn can_manage_labels(agent: &Agent, org: OrgId) -> Access {
    can_administer(agent, org)
}

/// Keep a canned reply: the organization's shared ones are for supervisors and admins; anyone
/// keeps their own.
pub fn can_keep_canned_reply(agent: &Agent, r: &CannedReply) -> Access {
    same_org(agent, r.organization_id)?;
    match r.owner_id {
        Some(owner) => allow_if(owner == agent.id, Denied::NotFound),
        None => allow_if(at_least(agent, Role::Supervisor), Denied::Forbidden),
    }
}

/// Read and edit what the organization keeps of its customers: its agents.
pub fn can_edit_contact(agent: &Agent, org: OrgId) -> Access {
    same_org(agent, org)
}

/// A visitor token is scoped to one organization; a registered client may open anywhere.
pub fn can_open_session(client: &Client, org: OrgId) -> Access {
    match client.organization_id {
        Some(own) => allow_if(own == org, Denied::Forbidden),
        None => Ok(()),
    }
}

/// Who may sign up new organizations on this installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signups {
    /// Anyone (rate limited per address).
    Open,
    /// Only the platform operator, with the operator token.
    Operator,
    /// Nobody through the API; `raasel create-organization` still works.
    Closed,
}

impl std::str::FromStr for Signups {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "open" => Ok(Signups::Open),
            "operator" => Ok(Signups::Operator),
            "closed" => Ok(Signups::Closed),
            _ => Err("must be one of: open, operator, closed".into()),
        }
    }
}

/// Create an organization through the API.
pub fn can_sign_up(policy: Signups, is_operator: bool) -> Access {
    allow_if(
        match policy {
            Signups::Open => true,
            Signups::Operator => is_operator,
            Signups::Closed => false,
        },
        Denied::Forbidden,
    )
}

/// Who may manage an agent's sign-in (see, turn off or reset the second factor; see and end
/// devices): the agent, or an admin of theirs.
pub fn can_manage_sign_in(actor: &Agent, agent: &Agent) -> Access {
    same_org(actor, agent.organization_id)?;
    allow_if(
        actor.id == agent.id || at_least(actor, Role::Admin),
        Denied::Forbidden,
    )
}

/// Change the organization's settings, create and delete agents, change roles.
pub fn can_administer(agent: &Agent, org: OrgId) -> Access {
    same_org(agent, org)?;
    allow_if(at_least(agent, Role::Admin), Denied::Forbidden)
}

/// Be the break-glass agent of the organization's single sign-on (the way in with a password
/// when its provider is down): one of its admins.
pub fn can_be_break_glass(agent: &Agent, org: OrgId) -> Access {
    can_administer(agent, org)
}

/// Sign in with a password: unless the organization's provider `sso` is required and the agent
/// is not its break-glass admin.
pub fn can_sign_in_with_password(agent: &Agent, sso: Option<&SsoProvider>) -> Access {
    match sso {
        Some(p) if p.required && p.break_glass_agent_id != Some(agent.id) => Err(Denied::Forbidden),
        _ => Ok(()),
    }
}

/// Read reports of the organization: supervisors and admins any agent's or team's; a plain
/// agent only their own figures.
pub fn can_read_reports(agent: &Agent, org: OrgId, of_agent: Option<AgentId>) -> Access {
    same_org(agent, org)?;
    allow_if(
        at_least(agent, Role::Supervisor) || of_agent == Some(agent.id),
        Denied::Forbidden,
    )
}

/// Delete the organization with everything it holds: its admins, or the platform operator.
pub fn can_delete_organization(who: Steward, org: OrgId) -> Access {
    match who {
        Steward::Agent(agent) => can_administer(agent, org),
        Steward::Operator => Ok(()),
    }
}

/// The settings of `org` that `viewer` may read: none for strangers, all but the identity
/// secret for its agents, everything for its admins.
pub fn visible_settings(viewer: Option<&Agent>, org: &Organization) -> Option<OrgSettings> {
    let viewer = viewer.filter(|a| can_see_org_settings(a, org.id))?;
    Some(if can_administer(viewer, org.id).is_ok() {
        org.settings.clone()
    } else {
        org.clone().without_secret().settings
    })
}

/// See the organization's settings (without the identity secret unless admin).
pub fn can_see_org_settings(agent: &Agent, org: OrgId) -> bool {
    same_org(agent, org).is_ok()
}

/// See an agent, or the organization's agents.
pub fn can_view_agent(actor: &Agent, target: &Agent) -> Access {
    same_org(actor, target.organization_id)
}

/// Edit an agent: themselves for name and e-mail; admins for everything.
pub fn can_edit_agent(actor: &Agent, target: &Agent, changes_role_or_capacity: bool) -> Access {
    same_org(actor, target.organization_id)?;
    let is_self = actor.id == target.id;
    allow_if(
        at_least(actor, Role::Admin) || (is_self && !changes_role_or_capacity),
        Denied::Forbidden,
    )
}

/// Change a password: themselves (with the current one) or an admin.
pub fn can_change_password(actor: &Agent, target: &Agent) -> Access {
    same_org(actor, target.organization_id)?;
    allow_if(
        actor.id == target.id || at_least(actor, Role::Admin),
        Denied::Forbidden,
    )
}

/// Set an agent's status or list their sessions: themselves, supervisors and admins.
pub fn can_manage_agent_work(actor: &Agent, target: &Agent) -> Access {
    same_org(actor, target.organization_id)?;
    allow_if(
        actor.id == target.id || at_least(actor, Role::Supervisor),
        Denied::Forbidden,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{agent, client, session};
    use crate::domain::ids::*;
    use crate::domain::model::*;

    #[test]
    fn agents_read_sessions_of_their_own_organization_only() {
        let org = OrgId::new();
        let s = session(org, ClientId::new(), None);
        let mine = Identity::Agent(agent(org, Role::Agent));
        let other = Identity::Agent(agent(OrgId::new(), Role::Admin));
        assert_eq!(can_read_session(&mine, &s), Ok(()));
        assert_eq!(can_read_session(&other, &s), Err(Denied::NotFound));
    }

    #[test]
    fn notes_are_for_the_organizations_agents_only() {
        let org = OrgId::new();
        let c = client(Some(org));
        let s = session(org, c.id, None);
        assert_eq!(
            can_write_note(&Identity::Agent(agent(org, Role::Agent)), &s),
            Ok(())
        );
        let stranger = Identity::Agent(agent(OrgId::new(), Role::Admin));
        assert_eq!(can_write_note(&stranger, &s), Err(Denied::NotFound));
        assert_eq!(
            can_write_note(&Identity::Client(c), &s),
            Err(Denied::Forbidden)
        );
        let other = Identity::Client(client(Some(org)));
        assert_eq!(can_write_note(&other, &s), Err(Denied::NotFound));
    }

    #[test]
    fn plain_agents_reopen_and_tag_only_what_was_theirs() {
        let org = OrgId::new();
        let me = agent(org, Role::Agent);
        let theirs = agent(org, Role::Agent);
        let mut s = session(org, ClientId::new(), Some(theirs.id));
        assert_eq!(can_reopen(&me, &s), Err(Denied::Forbidden));
        let reach = Reach::of(&me, vec![], true);
        assert_eq!(can_tag_session(&me, &reach, &s), Err(Denied::Forbidden));
        assert_eq!(can_reopen(&agent(org, Role::Supervisor), &s), Ok(()));
        s.agent_id = Some(me.id);
        assert_eq!(can_reopen(&me, &s), Ok(()));
        assert_eq!(can_tag_session(&me, &reach, &s), Ok(()));
        assert_eq!(
            can_reopen(&agent(OrgId::new(), Role::Admin), &s),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn shared_canned_replies_are_kept_by_supervisors_personal_ones_by_their_owner() {
        let org = OrgId::new();
        let me = agent(org, Role::Agent);
        let mut reply = CannedReply {
            id: CannedReplyId::new(),
            organization_id: org,
            owner_id: None,
            shortcut: "hi".into(),
            content: "Hello".into(),
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        };
        assert_eq!(can_keep_canned_reply(&me, &reply), Err(Denied::Forbidden));
        assert_eq!(
            can_keep_canned_reply(&agent(org, Role::Supervisor), &reply),
            Ok(())
        );
        reply.owner_id = Some(me.id);
        assert_eq!(can_keep_canned_reply(&me, &reply), Ok(()));
        assert_eq!(
            can_keep_canned_reply(&agent(org, Role::Admin), &reply),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn clients_read_only_their_own_sessions() {
        let c = client(None);
        let s = session(OrgId::new(), c.id, None);
        assert_eq!(can_read_session(&Identity::Client(c), &s), Ok(()));
        assert_eq!(
            can_read_session(&Identity::Client(client(None)), &s),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn organizations_are_deleted_by_their_admins_or_the_operator() {
        let org = OrgId::new();
        let admin = agent(org, Role::Admin);
        let sup = agent(org, Role::Supervisor);
        let foreign = agent(OrgId::new(), Role::Admin);
        assert_eq!(can_delete_organization(Steward::Agent(&admin), org), Ok(()));
        assert_eq!(can_delete_organization(Steward::Operator, org), Ok(()));
        assert_eq!(
            can_delete_organization(Steward::Agent(&sup), org),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            can_delete_organization(Steward::Agent(&foreign), org),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn only_agents_act_as_agents() {
        let a = agent(OrgId::new(), Role::Agent);
        assert!(agent_of(&Identity::Agent(a.clone())).is_ok());
        assert_eq!(
            agent_of(&Identity::Client(client(None))).err(),
            Some(Denied::Forbidden)
        );
    }

    #[test]
    fn passwords_are_changed_by_their_owner_or_an_admin() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let other = agent(org, Role::Supervisor);
        let admin = agent(org, Role::Admin);
        assert_eq!(can_change_password(&a, &a), Ok(()));
        assert_eq!(can_change_password(&admin, &a), Ok(()));
        assert_eq!(can_change_password(&other, &a), Err(Denied::Forbidden));
        let stranger = agent(OrgId::new(), Role::Admin);
        assert_eq!(can_change_password(&stranger, &a), Err(Denied::NotFound));
    }

    #[test]
    fn signups_follow_the_installation_policy() {
        assert_eq!(can_sign_up(Signups::Open, false), Ok(()));
        assert_eq!(can_sign_up(Signups::Operator, true), Ok(()));
        assert_eq!(
            can_sign_up(Signups::Operator, false),
            Err(Denied::Forbidden)
        );
        assert_eq!(can_sign_up(Signups::Closed, true), Err(Denied::Forbidden));
    }

    #[test]
    fn plain_agents_write_in_their_own_and_unassigned_sessions_only() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let me = Identity::Agent(a.clone());
        let sup = Identity::Agent(agent(org, Role::Supervisor));
        let waiting = session(org, ClientId::new(), None);
        let mine = session(org, ClientId::new(), Some(a.id));
        let someone_elses = session(org, ClientId::new(), Some(AgentId::new()));
        assert_eq!(can_post_in_session(&me, &waiting), Ok(()));
        assert!(takes_by_writing(&me, &waiting));
        assert_eq!(can_post_in_session(&me, &mine), Ok(()));
        assert!(!takes_by_writing(&me, &mine));
        assert_eq!(
            can_post_in_session(&me, &someone_elses),
            Err(Denied::Forbidden)
        );
        assert_eq!(can_post_in_session(&sup, &someone_elses), Ok(()));
        assert!(!takes_by_writing(&sup, &waiting));
        let stranger = Identity::Agent(agent(OrgId::new(), Role::Admin));
        assert_eq!(
            can_post_in_session(&stranger, &waiting),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn plain_agents_list_their_own_and_waiting_sessions() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let sup = agent(org, Role::Supervisor);
        let waiting = session(org, ClientId::new(), None);
        let theirs = session(org, ClientId::new(), Some(a.id));
        let someone_elses = session(org, ClientId::new(), Some(AgentId::new()));
        let (ra, rs) = (Reach::of(&a, vec![], true), Reach::of(&sup, vec![], true));
        assert!(lists_session(&a, &ra, &waiting) && lists_session(&a, &ra, &theirs));
        assert!(!lists_session(&a, &ra, &someone_elses));
        assert!(lists_session(&sup, &rs, &someone_elses));
        let stranger = agent(OrgId::new(), Role::Admin);
        let far = Reach::of(&stranger, vec![], true);
        assert!(!lists_session(&stranger, &far, &waiting));
    }

    #[test]
    fn agents_take_waiting_sessions_for_themselves_and_supervisors_assign_any() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let b = agent(org, Role::Agent);
        let sup = agent(org, Role::Supervisor);
        let mut waiting = session(org, ClientId::new(), None);
        let active = session(org, ClientId::new(), Some(b.id));
        let sales = TeamId::new();
        let (ra, rs) = (
            Reach::of(&a, vec![sales], true),
            Reach::of(&sup, vec![], true),
        );
        assert_eq!(can_assign(&a, &ra, &waiting, &a), Ok(()));
        assert_eq!(can_assign(&a, &ra, &waiting, &b), Err(Denied::Forbidden));
        assert_eq!(can_assign(&a, &ra, &active, &a), Err(Denied::Forbidden));
        assert_eq!(can_assign(&sup, &rs, &active, &a), Ok(()));
        waiting.team_id = Some(TeamId::new());
        assert_eq!(
            can_assign(&a, &ra, &waiting, &a),
            Err(Denied::Forbidden),
            "another team's queue"
        );
        waiting.team_id = Some(sales);
        assert_eq!(can_assign(&a, &ra, &waiting, &a), Ok(()));
        let stranger = agent(OrgId::new(), Role::Agent);
        assert_eq!(
            can_assign(&sup, &rs, &waiting, &stranger),
            Err(Denied::NotFound)
        );
        let foreign_admin = agent(OrgId::new(), Role::Admin);
        let far = Reach::of(&foreign_admin, vec![], true);
        assert_eq!(
            can_assign(&foreign_admin, &far, &waiting, &a),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn closing_belongs_to_the_assigned_agent_supervisors_and_the_client() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let b = agent(org, Role::Agent);
        let c = client(None);
        let s = session(org, c.id, Some(a.id));
        assert_eq!(can_close_session(&Identity::Agent(a), &s), Ok(()));
        assert_eq!(
            can_close_session(&Identity::Agent(b), &s),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            can_close_session(&Identity::Agent(agent(org, Role::Supervisor)), &s),
            Ok(())
        );
        assert_eq!(can_close_session(&Identity::Client(c), &s), Ok(()));
        assert_eq!(
            can_close_session(&Identity::Client(client(None)), &s),
            Err(Denied::NotFound)
        );
        assert_eq!(
            can_close_session(&Identity::Agent(agent(OrgId::new(), Role::Admin)), &s),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn visitors_open_sessions_only_with_their_organization() {
        let org = OrgId::new();
        assert_eq!(can_open_session(&client(Some(org)), org), Ok(()));
        assert_eq!(
            can_open_session(&client(Some(org)), OrgId::new()),
            Err(Denied::Forbidden)
        );
        assert_eq!(can_open_session(&client(None), org), Ok(()));
    }

    #[test]
    fn administration_needs_the_admin_role_of_that_organization() {
        let org = OrgId::new();
        assert_eq!(can_administer(&agent(org, Role::Admin), org), Ok(()));
        assert_eq!(
            can_administer(&agent(org, Role::Supervisor), org),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            can_administer(&agent(OrgId::new(), Role::Admin), org),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn agents_edit_themselves_but_not_their_role() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let b = agent(org, Role::Agent);
        let admin = agent(org, Role::Admin);
        assert_eq!(can_edit_agent(&a, &a, false), Ok(()));
        assert_eq!(can_edit_agent(&a, &a, true), Err(Denied::Forbidden));
        assert_eq!(can_edit_agent(&a, &b, false), Err(Denied::Forbidden));
        assert_eq!(can_edit_agent(&admin, &b, true), Ok(()));
        assert_eq!(
            can_edit_agent(&agent(OrgId::new(), Role::Admin), &b, false),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn passwords_are_changed_by_self_or_admin() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let sup = agent(org, Role::Supervisor);
        assert_eq!(can_change_password(&a, &a), Ok(()));
        assert_eq!(can_change_password(&sup, &a), Err(Denied::Forbidden));
        assert_eq!(can_change_password(&agent(org, Role::Admin), &a), Ok(()));
    }

    #[test]
    fn status_and_sessions_of_an_agent_are_managed_by_self_and_supervisors() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        let b = agent(org, Role::Agent);
        assert_eq!(can_manage_agent_work(&a, &a), Ok(()));
        assert_eq!(can_manage_agent_work(&b, &a), Err(Denied::Forbidden));
        assert_eq!(
            can_manage_agent_work(&agent(org, Role::Supervisor), &a),
            Ok(())
        );
        assert_eq!(
            can_manage_agent_work(&agent(OrgId::new(), Role::Supervisor), &a),
            Err(Denied::NotFound)
        );
    }

    #[test]
    fn agents_see_agents_of_their_organization_only() {
        let org = OrgId::new();
        let a = agent(org, Role::Agent);
        assert_eq!(can_view_agent(&agent(org, Role::Agent), &a), Ok(()));
        assert_eq!(
            can_view_agent(&agent(OrgId::new(), Role::Admin), &a),
            Err(Denied::NotFound)
        );
        assert!(can_see_org_settings(&a, org));
        assert!(!can_see_org_settings(&a, OrgId::new()));
    }
    #[test]
    fn a_required_provider_leaves_passwords_to_its_break_glass_admin_only() {
        let org = OrgId::new();
        let admin = agent(org, Role::Admin);
        let plain = agent(org, Role::Agent);
        assert_eq!(can_be_break_glass(&admin, org), Ok(()));
        assert_eq!(can_be_break_glass(&plain, org), Err(Denied::Forbidden));
        assert_eq!(
            can_be_break_glass(&admin, OrgId::new()),
            Err(Denied::NotFound)
        );
        let mut p = crate::domain::sso::tests::provider();
        p.break_glass_agent_id = Some(admin.id);
        assert_eq!(can_sign_in_with_password(&plain, None), Ok(()));
        assert_eq!(can_sign_in_with_password(&plain, Some(&p)), Ok(()));
        p.required = true;
        assert_eq!(
            can_sign_in_with_password(&plain, Some(&p)),
            Err(Denied::Forbidden)
        );
        assert_eq!(can_sign_in_with_password(&admin, Some(&p)), Ok(()));
    }
}
