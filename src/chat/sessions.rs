//! Opening, listing, assigning and closing conversations.

use serde::Serialize;
use utoipa::ToSchema;

use super::Chat;
use crate::domain::contacts::VisitContext;
use crate::domain::model::{
    Agent, Audience, Client, Message, Organization, Priority, PublicOrganization, ReadState,
    Session, SessionStatus, Side,
};
use crate::domain::permissions::{self, Identity};
use crate::domain::{AgentId, OrgId, SessionId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::events;
use crate::fanout::participants_and_agents;
use crate::store::{AssignMode, Closing, SessionFilter, StoreError, Within};

/// Most sessions one list returns.
pub const MAX_LISTED: u32 = 500;

/// What a customer gives when opening a conversation.
#[derive(Debug, Default)]
pub struct Opening {
    pub subject: Option<String>,
    /// Stored at once; puts the conversation in the queue.
    pub first_message: Option<String>,
    /// What the widget saw of the visit.
    pub context: Option<VisitContext>,
    /// Custom attributes set by the site: values to set and keys to remove.
    pub attributes: Option<(crate::domain::contacts::Attributes, Vec<String>)>,
    /// The team chosen (none: the default team).
    pub team: Option<crate::domain::TeamId>,
    /// Answers to the organization's pre-chat form.
    pub prechat: Option<crate::domain::prechat::PrechatAnswers>,
}

/// A client's conversation with what its list shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientSessionView {
    #[serde(flatten)]
    pub session: Session,
    pub organization: PublicOrganization,
    #[schema(required = true)]
    pub last_message: Option<Message>,
    pub unread_count: i64,
    #[schema(required = true)]
    pub assigned_agent: Option<AgentRef>,
    pub read_state: ReadStates,
    /// The customer's rating, once the closed conversation is rated.
    #[schema(required = true)]
    pub rating: Option<crate::domain::ratings::Rating>,
}

/// How far each side of a conversation has received and read it (drives check marks).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadStates {
    pub client: ReadState,
    pub agent: ReadState,
}

/// Who answers a conversation, as its customer sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentRef {
    pub id: AgentId,
    pub name: String,
}

/// A conversation with the name of the agent who answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    #[schema(required = true)]
    pub assigned_agent: Option<AgentRef>,
    pub read_state: ReadStates,
    /// The customer's rating, once the closed conversation is rated.
    #[schema(required = true)]
    pub rating: Option<crate::domain::ratings::Rating>,
}

impl Chat {
    pub async fn organization(&self, id: OrgId) -> ApiResult<Organization> {
        self.store
            .organization(id)
            .await?
            .ok_or_else(|| ApiError::not_found("organization"))
    }

    /// Opens a conversation; an optional first message is stored and queues it.
    #[tracing::instrument(level = "debug", skip_all, fields(client = %client.id, org = %org_id))]
    pub async fn open_session(
        &self,
        client: &Client,
        org_id: OrgId,
        opening: Opening,
    ) -> ApiResult<Session> {
        let Opening {
            subject,
            first_message,
            context,
            attributes,
            team,
            prechat,
        } = opening;
        let org = self.organization(org_id).await?;
        permissions::can_open_session(client, org.id).or_deny("organization")?;
        let answered = match org.settings.prechat.as_ref().filter(|f| f.asks()) {
            Some(form) => Some(
                form.check(&prechat.unwrap_or_default())
                    .map_err(ApiError::invalid)?,
            ),
            None => None,
        };
        let team_id = match team {
            Some(id) => Some(self.team_of_org(org.id, id).await?.id),
            None => self.default_team(org.id).await?.map(|t| t.id),
        };
        if let Some(attributes) = attributes {
            self.merge_customer_attributes(client, org.id, attributes)
                .await?;
        }

        let now = crate::domain::model::now();
        let session = Session {
            id: SessionId::new(),
            organization_id: org.id,
            client_id: client.id,
            client_name: client.display_name(),
            client_email: client.email.clone(),
            agent_id: None,
            status: SessionStatus::Waiting,
            subject,
            last_seq: 0,
            last_message_at: None,
            queued_at: None,
            created_at: now,
            updated_at: now,
            closed_at: None,
            assigned_at: None,
            snoozed: false,
            snoozed_until: None,
            awaiting_since: None,
            first_response_at: None,
            team_id,
            priority: Priority::None,
            labels: Vec::new(),
            preview: None,
        };
        self.store.insert_session(&session).await?;
        // Kept once the conversation exists, so that it carries the name and e-mail given.
        let session = match answered {
            Some(answered) => {
                self.keep_prechat_answers(client, org.id, answered).await?;
                self.store
                    .session(org.id, session.id)
                    .await?
                    .unwrap_or(session)
            }
            None => session,
        };
        if let Some(context) = context {
            self.workspace
                .set_session_context(org.id, session.id, &context)
                .await?;
        }
        metrics::counter!("raasel_sessions_opened_total").increment(1);
        let Some(content) = first_message else {
            return Ok(session);
        };
        let who = Identity::Client(client.clone());
        self.send_message(&who, session.id, super::messages::Draft::text(content))
            .await?;
        self.readable_session(&who, session.id).await
    }

    /// The client's conversations across organizations, newest activity first.
    pub async fn client_sessions(&self, client: &Client) -> ApiResult<Vec<ClientSessionView>> {
        let sessions = self.store.client_sessions(client.id).await?;
        let mut ratings: std::collections::HashMap<_, _> = self
            .followup
            .client_ratings(client.id)
            .await?
            .into_iter()
            .collect();
        let mut profiles: std::collections::HashMap<OrgId, PublicOrganization> = Default::default();
        let mut views = Vec::with_capacity(sessions.len());
        for session in sessions {
            if !profiles.contains_key(&session.organization_id) {
                let org = self.organization(session.organization_id).await?;
                let state = self.org_state(&org).await?;
                profiles.insert(org.id, org.public(state, self.mail.is_some()));
            }
            let org = session.organization_id;
            let read_state = self.read_states(&session).await?;
            let read = read_state.client;
            views.push(ClientSessionView {
                read_state,
                assigned_agent: self.assigned_agent(&session).await?,
                organization: profiles[&org].clone(),
                last_message: self.log.last(org, session.id, Audience::Customer).await?,
                unread_count: self
                    .log
                    // A closed conversation's own notes (who closed it) are not news.
                    .count_unread(
                        org,
                        session.id,
                        Side::Client,
                        read.read_seq,
                        session.status != SessionStatus::Closed,
                    )
                    .await?,
                rating: ratings.remove(&session.id),
                session: session.for_customer(),
            });
        }
        Ok(views)
    }

    /// The agent a session is assigned to, by name.
    pub async fn assigned_agent(&self, session: &Session) -> ApiResult<Option<AgentRef>> {
        let Some(id) = session.agent_id else {
            return Ok(None);
        };
        Ok(self
            .store
            .agent(session.organization_id, id)
            .await?
            .map(|a| AgentRef {
                id: a.id,
                name: a.name,
            }))
    }

    /// A readable session with its assigned agent's name.
    pub async fn session_view(&self, who: &Identity, id: SessionId) -> ApiResult<SessionView> {
        let session = self.readable_session(who, id).await?;
        Ok(SessionView {
            assigned_agent: self.assigned_agent(&session).await?,
            read_state: self.read_states(&session).await?,
            rating: self
                .followup
                .rating(session.organization_id, session.id)
                .await?,
            session: session.as_seen_by(who.side()),
        })
    }

    /// Both sides' marks of a session.
    async fn read_states(&self, session: &Session) -> ApiResult<ReadStates> {
        let (org, id) = (session.organization_id, session.id);
        Ok(ReadStates {
            client: self.store.read_state(org, id, Side::Client).await?,
            agent: self.store.read_state(org, id, Side::Agent).await?,
        })
    }

    /// Sessions of the agent's organization that the agent may see in lists, as `filter` says
    /// (its `visible_to` is set here from the agent's role). A conversation whose client never
    /// wrote is nobody's work yet, and in no list.
    pub async fn org_sessions(
        &self,
        agent: &Agent,
        org: OrgId,
        mut filter: SessionFilter,
    ) -> ApiResult<Vec<Session>> {
        permissions::same_org(agent, org).or_deny("organization")?;
        let reach = self.reach(agent).await?;
        filter.visible_to = Within::of(&reach);
        filter.limit = MAX_LISTED;
        // A deleted label stays in the conversations that had it until their next change
        // (`labels::existing`), so it must not be matched against them.
        if let Some(label) = filter.label
            && !self
                .workspace
                .labels(org)
                .await?
                .iter()
                .any(|l| l.id == label)
        {
            return Ok(Vec::new());
        }
        let mut sessions = self.workspace.filtered_sessions(org, &filter).await?;
        sessions.retain(|s| permissions::lists_session(agent, &reach, s));
        Ok(sessions)
    }

    /// Sessions assigned to one agent.
    pub async fn agent_sessions(
        &self,
        actor: &Agent,
        agent_id: AgentId,
        status: Option<SessionStatus>,
    ) -> ApiResult<Vec<Session>> {
        let target = self.agent_of_org(actor, agent_id).await?;
        permissions::can_manage_agent_work(actor, &target).or_deny("agent")?;
        Ok(self
            .store
            .agent_sessions(target.organization_id, target.id, status)
            .await?)
    }

    /// Assigns or transfers a session to an agent of the organization.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, org = %actor.organization_id, session = %session_id, agent = %agent_id))]
    pub async fn assign(
        &self,
        actor: &Agent,
        session_id: SessionId,
        agent_id: AgentId,
    ) -> ApiResult<Session> {
        let who = Identity::Agent(actor.clone());
        let session = self.readable_session(&who, session_id).await?;
        let target = self.agent_of_org(actor, agent_id).await?;
        let reach = self.reach(actor).await?;
        permissions::can_assign(actor, &reach, &session, &target).or_deny("agent")?;
        if session.status == SessionStatus::Closed {
            return Err(ApiError::SessionClosed);
        }
        if session.agent_id == Some(target.id) {
            return Ok(session);
        }
        let mode = AssignMode::by(actor);
        let org = session.organization_id;
        let assigned = match self
            .conversations
            .assign(org, session.id, target.id, mode)
            .await
        {
            Ok(Some(assigned)) => assigned,
            Ok(None) => return self.assignment_refused(&who, session_id, target.id).await,
            Err(StoreError::AgentNotFound) => return Err(ApiError::not_found("agent")),
            Err(e) => return Err(e.into()),
        };
        self.announce_assignment(&assigned).await;
        if assigned.previous.is_some() {
            // The previous agent has room again.
            self.drain_queue(org).await?;
        } else {
            self.announce_queue_positions(org).await?;
        }
        Ok(assigned.session)
    }

    /// Why an assignment did not happen, as seen now: it already belongs to that agent (done),
    /// it closed, or someone else took it.
    async fn assignment_refused(
        &self,
        who: &Identity,
        session_id: SessionId,
        target: AgentId,
    ) -> ApiResult<Session> {
        let now = self.readable_session(who, session_id).await?;
        match now.status {
            _ if now.agent_id == Some(target) => Ok(now),
            SessionStatus::Closed => Err(ApiError::SessionClosed),
            _ => Err(ApiError::Conflict(
                "the session was just taken by someone else".into(),
            )),
        }
    }

    /// Closes a session with its note (idempotent: closing a closed session returns it
    /// unchanged; of concurrent closes one writes the note).
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
    pub async fn close(&self, who: &Identity, session_id: SessionId) -> ApiResult<Session> {
        let session = self.readable_session(who, session_id).await?;
        permissions::can_close_session(who, &session).or_deny("session")?;
        if session.status == SessionStatus::Closed {
            return Ok(session);
        }
        let by = match who {
            Identity::Agent(a) => a.name.clone(),
            Identity::Client(c) => c.display_name(),
        };
        let closed = self
            .conversations
            .close(session.organization_id, session.id, &Closing::by(&by))
            .await?;
        let Some(closed) = closed else {
            return self.readable_session(who, session_id).await;
        };
        metrics::counter!("raasel_sessions_closed_total").increment(1);
        tracing::info!(session = %session.id, org = %session.organization_id, "conversation closed");
        self.queue_rating_request(&closed.session).await;
        self.conversation_webhook(
            crate::domain::webhooks::WebhookEvent::ConversationClosed,
            &closed.session,
        )
        .await;
        self.announce_message(&closed.session, &closed.note).await;
        self.emit(
            participants_and_agents(&closed.session),
            events::session_status_updated(closed.session.id, SessionStatus::Closed),
        )
        .await;
        // A freed seat, or a waiting session leaving the queue: either way the queue moved.
        self.drain_queue(closed.session.organization_id).await?;
        Ok(closed.session)
    }

    /// Opens a closed conversation again, with a note naming the agent: back to the agent who
    /// had it if they can take one now, else into its team's queue. Reopening an open
    /// conversation returns it unchanged.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %actor.id, session = %session_id))]
    pub async fn reopen(&self, actor: &Agent, session_id: SessionId) -> ApiResult<Session> {
        let who = Identity::Agent(actor.clone());
        let session = self.readable_session(&who, session_id).await?;
        permissions::can_reopen(actor, &session).or_deny("session")?;
        if session.status != SessionStatus::Closed {
            return Ok(session);
        }
        let org = self.organization(session.organization_id).await?;
        let note = crate::domain::notes::reopened(&actor.name);
        if self.reopen_closed(&org, &session, note).await? {
            tracing::info!(session = %session.id, org = %org.id, by = %actor.id, "conversation reopened");
        }
        self.readable_session(&who, session_id).await
    }

    /// `PUT /api/sessions/:id/status`: only waiting→active (by assignment to the caller) and
    /// any→closed.
    #[tracing::instrument(level = "debug", skip_all, fields(session = %session_id))]
    pub async fn set_session_status(
        &self,
        who: &Identity,
        session_id: SessionId,
        status: SessionStatus,
    ) -> ApiResult<Session> {
        match (status, who) {
            (SessionStatus::Closed, _) => self.close(who, session_id).await,
            (SessionStatus::Active, Identity::Agent(a)) => self.assign(a, session_id, a.id).await,
            (SessionStatus::Active, Identity::Client(_)) => {
                self.readable_session(who, session_id).await?;
                Err(ApiError::forbidden())
            }
            (SessionStatus::Waiting, _) => {
                self.readable_session(who, session_id).await?;
                Err(ApiError::Conflict(
                    "a session becomes waiting only when it is created".into(),
                ))
            }
        }
    }
}
