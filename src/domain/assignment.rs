//! Who gets the next conversation: real round robin among agents who can take one now.

use super::ids::AgentId;
use super::model::{Agent, AgentStatus, Role, Session, SessionStatus, Timestamp};

/// What an assignment may overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignMode {
    /// Only a waiting, unassigned session; with a capacity, only while the agent is below it.
    Unassigned { capacity: Option<u32> },
    /// Any open session (assignment or transfer by a supervisor), regardless of capacity.
    Any,
    /// Only a session still held by `from` whose customer still waits since `since` for an
    /// answer (the deadline passed), to an agent below `capacity`.
    Reassign {
        from: AgentId,
        since: Timestamp,
        capacity: u32,
    },
}

impl AssignMode {
    /// A person's assignment: supervisors and admins may transfer any open session (beyond
    /// capacity: a deliberate human choice); a plain agent only takes a waiting one.
    pub fn by(actor: &Agent) -> AssignMode {
        if actor.role >= Role::Supervisor {
            AssignMode::Any
        } else {
            AssignMode::Unassigned { capacity: None }
        }
    }

    /// Whether this assignment may happen to `session` for an agent holding `active` sessions.
    pub fn allows(self, session: &Session, agent: AgentId, active: i64) -> bool {
        if session.status == SessionStatus::Closed || session.agent_id == Some(agent) {
            return false;
        }
        match self {
            AssignMode::Unassigned { capacity } => {
                session.status == SessionStatus::Waiting
                    && session.agent_id.is_none()
                    && capacity.is_none_or(|c| active < i64::from(c))
            }
            AssignMode::Reassign {
                from,
                since,
                capacity,
            } => {
                session.status == SessionStatus::Active
                    && session.agent_id == Some(from)
                    && session.awaiting_since == Some(since)
                    && active < i64::from(capacity)
            }
            AssignMode::Any => true,
        }
    }
}

/// An agent as the assigner sees them at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: AgentId,
    pub status: AgentStatus,
    pub online: bool,
    pub active_sessions: u32,
    pub capacity: u32,
    pub last_assigned_at: Option<Timestamp>,
}

impl Candidate {
    pub fn from_agent(agent: &Agent, active_sessions: u32, org_capacity: u32) -> Self {
        Candidate {
            id: agent.id,
            status: agent.status,
            online: agent.online,
            active_sessions,
            capacity: capacity(agent.max_concurrent_sessions, org_capacity),
            last_assigned_at: agent.last_assigned_at,
        }
    }

    /// Active, online, and below capacity.
    pub fn can_take(&self) -> bool {
        self.status == AgentStatus::Active && self.online && self.active_sessions < self.capacity
    }
}

/// The agent's own capacity when set, else the organization's.
pub fn capacity(agent_override: Option<u32>, org_capacity: u32) -> u32 {
    agent_override.unwrap_or(org_capacity)
}

/// The agent assigned longest ago (never assigned first; ties by id) among those who can take a
/// conversation now.
pub fn pick_next(candidates: &[Candidate]) -> Option<AgentId> {
    candidates
        .iter()
        .filter(|c| c.can_take())
        .min_by_key(|c| (c.last_assigned_at, c.id))
        .map(|c| c.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn cand(n: u8, last: Option<i64>) -> Candidate {
        Candidate {
            id: AgentId(uuid::Uuid::from_u128(n as u128)),
            status: AgentStatus::Active,
            online: true,
            active_sessions: 0,
            capacity: 2,
            last_assigned_at: last.map(|s| Utc::now() - Duration::seconds(s)),
        }
    }

    /// Simulates assignments the way the server performs them: pick, then stamp.
    fn assign_n(cands: &mut [Candidate], n: usize) -> Vec<u8> {
        let mut order = vec![];
        for i in 0..n {
            let Some(id) = pick_next(cands) else { break };
            let c = cands.iter_mut().find(|c| c.id == id).unwrap();
            c.active_sessions += 1;
            c.last_assigned_at = Some(Utc::now() + Duration::seconds(i as i64));
            order.push(id.0.as_u128() as u8);
        }
        order
    }

    #[test]
    fn never_assigned_agents_go_first_then_oldest() {
        let cands = [cand(1, Some(10)), cand(2, None), cand(3, Some(100))];
        assert_eq!(pick_next(&cands), Some(cands[1].id));
        let cands = [cand(1, Some(10)), cand(3, Some(100))];
        assert_eq!(pick_next(&cands), Some(cands[1].id));
    }

    #[test]
    fn ties_are_broken_by_id() {
        let cands = [cand(2, None), cand(1, None)];
        assert_eq!(pick_next(&cands), Some(cands[1].id));
    }

    #[test]
    fn rotation_alternates_until_everyone_is_full() {
        let mut cands = vec![cand(1, None), cand(2, None), cand(3, None)];
        assert_eq!(assign_n(&mut cands, 10), vec![1, 2, 3, 1, 2, 3]);
    }

    #[test]
    fn busy_offline_and_full_agents_are_skipped() {
        let mut busy = cand(1, None);
        busy.status = AgentStatus::Busy;
        let mut offline = cand(2, None);
        offline.online = false;
        let mut full = cand(3, None);
        full.active_sessions = 2;
        let ok = cand(4, Some(5));
        assert_eq!(
            pick_next(&[busy.clone(), offline.clone(), full.clone(), ok.clone()]),
            Some(ok.id)
        );
        assert_eq!(pick_next(&[busy, offline, full]), None);
    }

    #[test]
    fn agent_capacity_overrides_the_organization() {
        assert_eq!(capacity(Some(1), 5), 1);
        assert_eq!(capacity(None, 5), 5);
    }
}
