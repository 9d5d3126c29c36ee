//! What happens to conversations over time: snoozes that end, conversations closed after the
//! organization's inactivity period, customers who waited past the answer deadline offered to
//! another agent, and customers writing soon after a close reopening the conversation. The
//! timers are the sessions' own columns (when a snooze ends, since when a customer waits, the
//! last message), read by a periodic pass; each change is conditional on the session being as
//! the pass found it, so of several servers acting on one due timer exactly one acts.

use chrono::Duration;

use super::Chat;
use crate::domain::assignment::{Candidate, pick_next};
use crate::domain::model::{Agent, AgentStatus, Organization, Session, SessionStatus, Timestamp};
use crate::domain::notes;
use crate::domain::permissions::{self, Identity};
use crate::domain::teams;
use crate::domain::webhooks::WebhookEvent;
use crate::domain::{OrgId, SessionId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::{Target, events, participants_and_agents};
use crate::store::{AssignMode, Closed, Closing, Requeue};

/// Most conversations one pass changes per organization and kind (the next pass continues).
const PER_PASS: u32 = 100;
/// Most snoozes one pass wakes (the next pass continues).
const WAKES_PER_PASS: usize = 1000;

impl Chat {
    /// Snoozes a conversation until `until`, or (without it) until the customer writes; it
    /// leaves the active lists and comes back when due.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, session = %session_id))]
    pub async fn snooze(
        &self,
        actor: &Agent,
        session_id: SessionId,
        until: Option<Timestamp>,
    ) -> ApiResult<Session> {
        let now = crate::domain::model::now();
        if until.is_some_and(|t| t <= now) {
            return Err(ApiError::field("until", "must be in the future"));
        }
        self.set_snooze(actor, session_id, true, until).await
    }

    /// Ends a snooze now.
    pub async fn wake(&self, actor: &Agent, session_id: SessionId) -> ApiResult<Session> {
        self.set_snooze(actor, session_id, false, None).await
    }

    async fn set_snooze(
        &self,
        actor: &Agent,
        session_id: SessionId,
        snoozed: bool,
        until: Option<Timestamp>,
    ) -> ApiResult<Session> {
        let who = Identity::Agent(actor.clone());
        let session = self.readable_session(&who, session_id).await?;
        let reach = self.reach(actor).await?;
        permissions::can_tag_session(actor, &reach, &session).or_deny("session")?;
        if session.status == SessionStatus::Closed {
            return Err(ApiError::SessionClosed);
        }
        let now = crate::domain::model::now();
        let org = session.organization_id;
        let updated = self
            .workspace
            .set_snooze(org, session.id, snoozed, until, now)
            .await?
            .ok_or(ApiError::SessionClosed)?;
        self.emit(
            vec![Target::OrgAgents(org)],
            events::session_updated(&updated),
        )
        .await;
        Ok(updated)
    }

    /// One pass over everything due now. Run periodically and whenever the clock is moved.
    pub async fn run_due(&self) -> ApiResult<()> {
        let now = crate::domain::model::now();
        // One at a time, each announced before the next is woken: a server that dies here
        // takes at most one announcement with it (the others find the rest still due).
        for _ in 0..WAKES_PER_PASS {
            let Some(woken) = self.workspace.wake_due_snoozes(now, 1).await?.pop() else {
                break;
            };
            let to = vec![Target::OrgAgents(woken.organization_id)];
            self.emit(to, events::session_updated(&woken)).await;
        }
        for org in self.store.organizations().await? {
            let s = &org.settings;
            if s.auto_resolve_after_secs > 0 {
                self.resolve_inactive(&org, now).await?;
            }
            if s.retention_days > 0 {
                self.apply_retention(org.id, s.retention_days, now).await?;
            }
            if s.answer_deadline_secs > 0 {
                self.reassign_unanswered(&org, now).await?;
            }
        }
        self.prune_history().await?;
        self.prune_devices().await?;
        self.prune_sso_logins().await?;
        self.prune_unsent(now).await?;
        self.drain_opened_queues().await
    }

    /// Closes the organization's conversations that had no message for its inactivity period,
    /// each only if nothing arrived since it was found idle.
    async fn resolve_inactive(&self, org: &Organization, now: Timestamp) -> ApiResult<()> {
        let period = Duration::seconds(i64::from(org.settings.auto_resolve_after_secs));
        let idle = self
            .workspace
            .idle_sessions(org.id, now - period, PER_PASS)
            .await?;
        let mut closed_any = false;
        for s in idle {
            let closing = Closing {
                note: notes::resolved_when_inactive(period.num_minutes()),
                if_idle_since: Some(s.last_message_at),
            };
            if let Some(closed) = self.conversations.close(org.id, s.id, &closing).await? {
                tracing::info!(session = %s.id, org = %org.id, "conversation closed when inactive");
                self.queue_rating_request(&closed.session).await;
                self.conversation_webhook(WebhookEvent::ConversationClosed, &closed.session)
                    .await;
                self.announce_turn(&closed, SessionStatus::Closed).await;
                closed_any = true;
            }
        }
        if closed_any {
            self.drain_queue(org.id).await?;
        }
        Ok(())
    }

    /// Offers conversations whose customer waited past the answer deadline to the next agent of
    /// their team who can take them, or puts them back in the queue when their agent is away too.
    async fn reassign_unanswered(&self, org: &Organization, now: Timestamp) -> ApiResult<()> {
        let deadline = Duration::seconds(i64::from(org.settings.answer_deadline_secs));
        let late = self
            .workspace
            .unanswered_sessions(org.id, now - deadline, PER_PASS)
            .await?;
        let teams = match late.is_empty() {
            true => vec![],
            false => self.workspace.teams(org.id).await?,
        };
        for s in late {
            let (Some(from), Some(since)) = (s.agent_id, s.awaiting_since) else {
                continue;
            };
            // Outside its team's business hours nobody is given a conversation, nor moved to
            // another agent: the customer was told the team is offline.
            let team = teams::team_of(&s, &teams);
            if !teams::is_open(team, &org.settings, now) {
                continue;
            }
            let candidates = self.candidates(org).await?;
            // Its agent still takes conversations: the queue would hand it straight back to
            // them (two notes each deadline), so it stays until someone else can take it.
            let agent_stays = candidates
                .iter()
                .any(|(_, c)| c.id == from && c.online && c.status == AgentStatus::Active);
            // Only to an agent of its team, as the queue would give it.
            let others: Vec<Candidate> = candidates
                .into_iter()
                .filter(|(a, _)| team.is_none_or(|t| t.members.contains(&a.id)))
                .map(|(_, c)| c)
                .filter(|c| c.id != from)
                .collect();
            if let Some(next) = pick_next(&others) {
                let capacity = others
                    .iter()
                    .find(|c| c.id == next)
                    .map_or(0, |c| c.capacity);
                let mode = AssignMode::Reassign {
                    from,
                    since,
                    capacity,
                };
                if let Some(moved) = self.conversations.assign(org.id, s.id, next, mode).await? {
                    tracing::info!(session = %s.id, org = %org.id, from = %from, to = %next, "unanswered conversation reassigned");
                    self.announce_assignment(&moved).await;
                    continue;
                }
            }
            if !agent_stays {
                self.requeue_unanswered(org.id, &s, from, now).await?;
            }
        }
        Ok(())
    }

    /// Nobody else can take it now: back to the queue at the customer's original place.
    async fn requeue_unanswered(
        &self,
        org: OrgId,
        s: &Session,
        from: crate::domain::AgentId,
        now: Timestamp,
    ) -> ApiResult<()> {
        let name = self
            .store
            .agent(org, from)
            .await?
            .map_or_else(|| "the agent".to_string(), |a| a.name);
        let waited = s.awaiting_since.map_or(0, |t| (now - t).num_minutes());
        let requeue = Requeue {
            note: notes::unanswered(&name, None, waited),
            expected: s.clone(),
            queued_at: s.queued_at.unwrap_or(now),
            team: None,
        };
        if let Some(back) = self.conversations.requeue(org, s.id, &requeue).await? {
            tracing::info!(session = %s.id, org = %org, from = %from, "unanswered conversation back in the queue");
            self.announce_turn(&back, SessionStatus::Waiting).await;
            self.emit(
                vec![Target::OrgAgents(org)],
                events::new_session(&back.session),
            )
            .await;
            self.drain_queue(org).await?;
        }
        Ok(())
    }

    /// A customer wrote in their closed conversation: within the organization's reopen window
    /// it opens again (in the queue, then to the agent who had it if they can take it, else to
    /// whoever can). Returns whether it did.
    pub(super) async fn reopen_for_customer(
        &self,
        org_id: OrgId,
        session_id: SessionId,
    ) -> ApiResult<bool> {
        let org = self.organization(org_id).await?;
        let window = Duration::seconds(i64::from(org.settings.reopen_window_secs));
        let Some(s) = self.store.session(org_id, session_id).await? else {
            return Ok(false);
        };
        let now = crate::domain::model::now();
        let within = s.closed_at.is_some_and(|at| now - at <= window);
        if window.is_zero() || s.status != SessionStatus::Closed || !within {
            return Ok(false);
        }
        if !self
            .reopen_closed(&org, &s, notes::REOPENED_BY_CUSTOMER.into())
            .await?
        {
            // Reopened by someone else meanwhile: write into it all the same.
            return Ok(true);
        }
        tracing::info!(session = %s.id, org = %org_id, "conversation reopened by its customer");
        Ok(true)
    }

    /// Opens a closed conversation again with `note`: back to the agent who had it if they
    /// can take one now, else into its team's queue (at the back). False when it is no longer
    /// as `s` (someone reopened it meanwhile).
    pub(super) async fn reopen_closed(
        &self,
        org: &Organization,
        s: &Session,
        note: String,
    ) -> ApiResult<bool> {
        let requeue = Requeue {
            note,
            expected: s.clone(),
            queued_at: crate::domain::model::now(),
            team: None,
        };
        let Some(back) = self.conversations.requeue(org.id, s.id, &requeue).await? else {
            return Ok(false);
        };
        self.announce_turn(&back, SessionStatus::Waiting).await;
        self.conversation_webhook(WebhookEvent::ConversationReopened, &back.session)
            .await;
        self.emit(
            vec![Target::OrgAgents(org.id)],
            events::new_session(&back.session),
        )
        .await;
        if let Some(last) = s.agent_id {
            self.give_back(org, s.id, last).await?;
        }
        self.drain_queue(org.id).await?;
        Ok(true)
    }

    /// Gives the reopened conversation to the agent who had it, if they can take one now.
    async fn give_back(
        &self,
        org: &Organization,
        session: SessionId,
        agent: crate::domain::AgentId,
    ) -> ApiResult<()> {
        let candidates = self.candidates(org).await?;
        let Some((_, c)) = candidates
            .iter()
            .find(|(a, c)| a.id == agent && c.can_take())
        else {
            return Ok(());
        };
        let mode = AssignMode::Unassigned {
            capacity: Some(c.capacity),
        };
        if let Some(assigned) = self
            .conversations
            .assign(org.id, session, agent, mode)
            .await?
        {
            self.announce_assignment(&assigned).await;
        }
        Ok(())
    }

    /// Announces a conversation's new course: its note and its status.
    async fn announce_turn(&self, turned: &Closed, status: SessionStatus) {
        self.announce_message(&turned.session, &turned.note).await;
        self.emit(
            participants_and_agents(&turned.session),
            events::session_status_updated(turned.session.id, status),
        )
        .await;
    }
}
