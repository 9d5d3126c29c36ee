//! The assignment queue: round robin among available agents, FIFO among waiting sessions.

use std::collections::HashSet;
use std::sync::Arc;

use super::Chat;
use crate::domain::assignment::{Candidate, pick_next};
use crate::domain::availability::{self, Availability};
use crate::domain::model::{
    Agent, Client, OrgState, Organization, PublicTeam, Session, SessionStatus,
};
use crate::domain::teams::{self, Team};
use crate::domain::webhooks::WebhookEvent;
use crate::domain::{ClientId, OrgId, SessionId, TeamId};
use crate::error::ApiResult;
use crate::fanout::events;
use crate::fanout::events::ServerEvent;
use crate::fanout::{Target, participants_and_agents};
use crate::store::{AssignMode, Assigned, StoreError};

/// How many recent waits the usual wait is made from.
const RECENT_WAITS: u32 = 20;

/// Lost races in a row after which draining stops (the next trigger resumes it).
const MAX_MISSES: u32 = 8;

impl Chat {
    fn drain_lock(&self, org: OrgId) -> Arc<tokio::sync::Mutex<()>> {
        self.drain_locks
            .lock()
            .expect("drain lock table")
            .entry(org)
            .or_default()
            .clone()
    }

    /// Every agent of the organization as the assigner sees them now.
    pub async fn candidates(&self, org: &Organization) -> ApiResult<Vec<(Agent, Candidate)>> {
        let loads = self.store.agent_loads(org.id).await?;
        let ids: Vec<_> = loads.iter().map(|l| l.agent.id).collect();
        let online = self.presence.online(&ids).await?;
        Ok(loads
            .into_iter()
            .map(|mut l| {
                l.agent.online = online.contains(&l.agent.id);
                let c = Candidate::from_agent(
                    &l.agent,
                    l.active_sessions,
                    org.settings.max_concurrent_sessions,
                );
                (l.agent, c)
            })
            .collect())
    }

    /// Whether the organization can answer now, as its customers are told: when they choose
    /// a team, the best of its teams (each listed with its own state); otherwise its default
    /// team's, where every conversation goes.
    pub async fn org_state(&self, org: &Organization) -> ApiResult<OrgState> {
        let now = crate::domain::model::now();
        let candidates = self.candidates(org).await?;
        let all_teams = self.workspace.teams(org.id).await?;
        let listed: Vec<&Team> = match org.settings.team_choice {
            true => all_teams.iter().collect(),
            false => all_teams.iter().filter(|t| t.is_default).collect(),
        };
        let mut states = Vec::with_capacity(listed.len());
        for team in listed {
            states.push(self.team_state(org, Some(team), &candidates, now).await?);
        }
        let overall = match availability::best(&states) {
            Some(best) => best.clone(),
            // No team at all (none was made yet): every agent answers.
            None => self.team_state(org, None, &candidates, now).await?,
        };
        Ok(OrgState {
            availability: overall.availability,
            reopens: overall.reopens,
            usual_wait_secs: overall.usual_wait_secs,
            teams: match org.settings.team_choice {
                true => states,
                false => Vec::new(),
            },
        })
    }

    /// What a team (no team: every agent of the organization) can do now: its members, in
    /// its hours; while busy, the usual wait from its recent waits.
    async fn team_state(
        &self,
        org: &Organization,
        team: Option<&Team>,
        candidates: &[(Agent, Candidate)],
        now: crate::domain::model::Timestamp,
    ) -> ApiResult<PublicTeam> {
        let hours = teams::hours_of(team, &org.settings);
        let open = hours.is_none_or(|h| h.is_open(now));
        let members: Vec<Candidate> = candidates
            .iter()
            .filter(|(a, _)| team.is_none_or(|t| t.members.contains(&a.id)))
            .map(|(_, c)| c.clone())
            .collect();
        let availability = availability::availability(open, &members);
        let usual_wait_secs = match availability {
            Availability::Busy => {
                let waits = self
                    .store
                    .recent_waits(org.id, team.map(|t| t.id), RECENT_WAITS)
                    .await?;
                availability::usual_wait(&waits).map(|w| w.num_seconds())
            }
            _ => None,
        };
        Ok(PublicTeam {
            id: team.map_or(TeamId(uuid::Uuid::nil()), |t| t.id),
            name: team.map_or_else(String::new, |t| t.name.clone()),
            availability,
            reopens: (!open)
                .then(|| hours.and_then(|h| h.next_opening(now)))
                .flatten(),
            usual_wait_secs,
        })
    }

    /// Forgets the organization's drain lock when nobody else holds or waits for it, so the
    /// table only has organizations being drained right now.
    fn release_drain_lock(&self, org: OrgId, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut locks = self.drain_locks.lock().expect("drain lock table");
        drop(lock);
        if locks.get(&org).is_some_and(|l| Arc::strong_count(l) == 1) {
            locks.remove(&org);
        }
    }

    /// Organizations with a drain in progress (their lock entries).
    pub fn drains_in_progress(&self) -> usize {
        self.drain_locks.lock().expect("drain lock table").len()
    }

    /// Assigns the oldest waiting sessions while someone can take them, then tells the clients
    /// still waiting where they stand.
    #[tracing::instrument(level = "debug", skip_all, fields(org = %org_id))]
    pub async fn drain_queue(&self, org_id: OrgId) -> ApiResult<()> {
        let lock = self.drain_lock(org_id);
        let result = {
            let _guard = lock.lock().await;
            let across_nodes = self.store.lock_queue(org_id).await?;
            let drained = self.drain_locked(org_id).await;
            across_nodes.release().await;
            drained
        };
        self.release_drain_lock(org_id, lock);
        result
    }

    async fn drain_locked(&self, org_id: OrgId) -> ApiResult<()> {
        let Some(org) = self.store.organization(org_id).await? else {
            return Ok(());
        };
        let now = crate::domain::model::now();
        let mut misses = 0;
        let teams = self.workspace.teams(org_id).await?;
        while misses < MAX_MISSES {
            let queue = self.store.queue(org_id).await?;
            let candidates = self.candidates(&org).await?;
            // The oldest waiting conversation that someone of its team can take now. Outside
            // its team's business hours nobody is given one: the customer was told the team
            // is offline. Agents may still take one from the queue themselves.
            let Some((head, chosen)) = queue.iter().find_map(|s| {
                let team = teams::team_of(s, &teams);
                if !teams::is_open(team, &org.settings, now) {
                    return None;
                }
                let cands: Vec<Candidate> = candidates
                    .iter()
                    .filter(|(a, _)| team.is_none_or(|t| t.members.contains(&a.id)))
                    .map(|(_, c)| c.clone())
                    .collect();
                pick_next(&cands).map(|agent| (s, agent))
            }) else {
                break;
            };
            let (agent, cand) = candidates
                .into_iter()
                .find(|(a, _)| a.id == chosen)
                .expect("picked among candidates");
            let mode = AssignMode::Unassigned {
                capacity: Some(cand.capacity),
            };
            match self
                .conversations
                .assign(org_id, head.id, agent.id, mode)
                .await
            {
                Ok(Some(assigned)) => self.announce_assignment(&assigned).await,
                // Another node took the session, or the agent filled up or left meanwhile:
                // look again.
                Ok(None) | Err(StoreError::AgentNotFound | StoreError::SessionNotFound) => {
                    misses += 1;
                    tokio::task::yield_now().await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.announce_queue_positions(org_id).await
    }

    /// Drains the queues of organizations with business hours (their own or a team's) of
    /// which some are open now: their conversations waited while they were closed, and
    /// opening time is no event of its own. Run periodically and whenever the clock is moved.
    pub async fn drain_opened_queues(&self) -> ApiResult<()> {
        let now = crate::domain::model::now();
        for org_id in self.store.organizations_with_waiting().await? {
            let Some(org) = self.store.organization(org_id).await? else {
                continue;
            };
            let teams = self.workspace.teams(org_id).await?;
            let hours = std::iter::once(org.settings.business_hours.as_ref())
                .chain(teams.iter().map(|t| t.business_hours.as_ref()))
                .flatten();
            if hours.into_iter().any(|h| h.is_open(now)) {
                self.drain_queue(org_id).await?;
            }
        }
        Ok(())
    }

    /// Sends each waiting client its place in the queue (1 = next) when it changed since the
    /// last time it was sent.
    pub async fn announce_queue_positions(&self, org: OrgId) -> ApiResult<()> {
        let queue = self.store.queue(org).await?;
        let waiting: HashSet<SessionId> = queue.iter().map(|s| s.id).collect();
        let places = places_in_line(&queue);
        let changed: Vec<(ClientId, SessionId, usize)> = {
            let mut sent = self.queue_positions.lock().expect("queue positions");
            sent.retain(|(o, s), _| *o != org || waiting.contains(s));
            places
                .into_iter()
                .filter(|(s, place)| sent.insert((org, s.id), *place) != Some(*place))
                .map(|(s, place)| (s.client_id, s.id, place))
                .collect()
        };
        for (client, session, position) in changed {
            self.emit(
                vec![Target::Client(client)],
                events::queue_position(session, position),
            )
            .await;
        }
        Ok(())
    }

    /// Where one client's waiting conversations stand (told to a socket when it connects).
    pub async fn queue_positions_of(&self, client: &Client) -> ApiResult<Vec<ServerEvent>> {
        let orgs: HashSet<OrgId> = self
            .store
            .client_sessions(client.id)
            .await?
            .iter()
            .filter(|s| s.status == SessionStatus::Waiting && s.queued_at.is_some())
            .map(|s| s.organization_id)
            .collect();
        let mut positions = vec![];
        for org in orgs {
            let queue = self.store.queue(org).await?;
            positions.extend(
                places_in_line(&queue)
                    .into_iter()
                    .filter(|(s, _)| s.client_id == client.id)
                    .map(|(s, place)| events::queue_position(s.id, place)),
            );
        }
        Ok(positions)
    }

    /// Announces an assignment (its note is already in the conversation).
    pub(super) async fn announce_assignment(&self, assigned: &Assigned) {
        let (session, agent) = (&assigned.session, &assigned.agent);
        metrics::counter!("raasel_assignments_total").increment(1);
        tracing::info!(
            session = %session.id,
            org = %session.organization_id,
            agent = %agent.id,
            previous = ?assigned.previous,
            "conversation assigned"
        );
        self.announce_message(session, &assigned.note).await;
        let event = match assigned.previous {
            None => WebhookEvent::ConversationAssigned,
            Some(_) => WebhookEvent::ConversationTransferred,
        };
        let data = || {
            serde_json::json!({
                "session": session,
                "agent": { "id": agent.id, "name": agent.name },
            })
        };
        self.webhook(session.organization_id, event, data).await;
        let everyone = participants_and_agents(session);
        self.emit(everyone.clone(), events::agent_assigned(session.id, agent))
            .await;
        self.emit(
            vec![Target::Agent(agent.id)],
            events::new_session_assigned(session, agent.id),
        )
        .await;
        if assigned.previous.is_none() {
            self.emit(
                everyone,
                events::session_status_updated(session.id, SessionStatus::Active),
            )
            .await;
        }
    }
}

/// Each waiting conversation with its place in its team's line (1 = next): teams have lines of
/// their own, so a place counts only the conversations ahead in the same team.
fn places_in_line(queue: &[Session]) -> Vec<(&Session, usize)> {
    let mut ahead: std::collections::HashMap<Option<crate::domain::TeamId>, usize> =
        Default::default();
    queue
        .iter()
        .map(|s| {
            let n = ahead.entry(s.team_id).or_default();
            *n += 1;
            (s, *n)
        })
        .collect()
}
