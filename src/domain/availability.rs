//! Whether anyone can answer: one truth, shown the same way everywhere (discover, the
//! directory, the widget, the app). Never "offline" and "shortly" together.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::assignment::Candidate;
use super::model::PublicTeam;

/// Fewest recent waits an estimate is made from; with fewer, none is shown.
pub const MIN_WAITS_FOR_ESTIMATE: usize = 5;

/// What a customer is told before and while waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Someone can take a conversation now.
    Available,
    /// Agents are online, but none can take one now: the customer waits in line.
    Busy,
    /// Nobody is online, or it is outside business hours: leave a message.
    Offline,
}

/// The state of a group of agents (an organization or a team) at a moment.
pub fn availability(open: bool, agents: &[Candidate]) -> Availability {
    if !open || !agents.iter().any(|a| a.online) {
        Availability::Offline
    } else if agents.iter().any(Candidate::can_take) {
        Availability::Available
    } else {
        Availability::Busy
    }
}

/// The team that answers soonest: available before busy before offline; among busy ones the
/// shortest usual wait, among offline ones the earliest to open again.
pub fn best(teams: &[PublicTeam]) -> Option<&PublicTeam> {
    teams.iter().min_by_key(|t| {
        let rank = match t.availability {
            Availability::Available => 0,
            Availability::Busy => 1,
            Availability::Offline => 2,
        };
        (
            rank,
            t.usual_wait_secs.unwrap_or(i64::MAX),
            t.reopens.as_ref().map(|r| r.at),
        )
    })
}

/// The usual wait, from recent waits (the median), when there are enough of them to say.
pub fn usual_wait(recent: &[Duration]) -> Option<Duration> {
    if recent.len() < MIN_WAITS_FOR_ESTIMATE {
        return None;
    }
    let mut sorted = recent.to_vec();
    sorted.sort();
    Some(sorted[sorted.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::AgentId;
    use crate::domain::model::AgentStatus;

    fn agent(status: AgentStatus, online: bool, active: u32) -> Candidate {
        Candidate {
            id: AgentId::new(),
            status,
            online,
            active_sessions: active,
            capacity: 2,
            last_assigned_at: None,
        }
    }

    #[test]
    fn three_states_from_who_is_online_and_can_take() {
        use AgentStatus::*;
        assert_eq!(availability(true, &[]), Availability::Offline);
        assert_eq!(
            availability(true, &[agent(Active, false, 0)]),
            Availability::Offline
        );
        assert_eq!(
            availability(true, &[agent(Busy, true, 0)]),
            Availability::Busy,
            "an online agent set to busy is not offline"
        );
        assert_eq!(
            availability(true, &[agent(Active, true, 2)]),
            Availability::Busy,
            "at capacity"
        );
        assert_eq!(
            availability(true, &[agent(Active, true, 1), agent(Busy, true, 0)]),
            Availability::Available
        );
        assert_eq!(
            availability(false, &[agent(Active, true, 0)]),
            Availability::Offline,
            "outside business hours"
        );
    }

    #[test]
    fn the_usual_wait_needs_enough_data() {
        let waits: Vec<Duration> = [60, 240, 120, 600, 180].map(Duration::seconds).to_vec();
        assert_eq!(usual_wait(&waits[..4]), None);
        assert_eq!(usual_wait(&waits), Some(Duration::seconds(180)));
    }
}
