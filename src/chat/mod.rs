//! The actions of the product, shared by REST handlers and socket handlers: each checks
//! permissions, changes the store, then announces the change to the right audiences.

mod agents;
mod api_tokens;
mod attachments;
mod audit;
mod canned;
mod contacts;
mod customer_data;
mod devices;
mod email;
mod labels;
mod lifecycle;
mod messages;
mod notes;
pub mod organizations;
mod owners;
mod queue;
mod ratings;
mod reports;
mod search;
mod second_factor;
mod sessions;
mod sso;
mod subscriptions;
mod teams;
pub mod typing;
mod webhooks;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::domain::model::{Agent, Session};
use crate::domain::permissions::{self, Identity};
use crate::domain::{OrgId, SessionId};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::events::ServerEvent;
use crate::fanout::{Fanout, Target};
use crate::limits::Limits;
use crate::presence::Presence;
use crate::store::{
    Attachments, Audit, Conversations, Followup, Hooks, MessageLog, Search, SecondFactors, Store,
    Stores, Workspace,
};

pub use attachments::{AttachmentLink, Download, StorageUsage};
pub use contacts::{ContactChange, ContactView};
pub use customer_data::CustomerExport;
pub use devices::{SignIn, SignInPolicy};
pub use email::Redeemed;
pub use messages::{Draft, HistoryPage};
pub use search::{SearchHit, SearchResults};
pub use second_factor::{SecondFactorSetup, SecondFactorStatus};
pub use sessions::{AgentRef, ClientSessionView, Opening, SessionView};
pub use sso::{SsoChange, SsoFinished};
pub use webhooks::CreatedEndpoint;

pub struct Chat {
    pub store: Arc<dyn Store>,
    pub conversations: Arc<dyn Conversations>,
    pub log: Arc<dyn MessageLog>,
    pub workspace: Arc<dyn Workspace>,
    search: Arc<dyn Search>,
    pub followup: Arc<dyn Followup>,
    pub hooks: Arc<dyn Hooks>,
    pub audit: Arc<dyn Audit>,
    attachments: Arc<dyn Attachments>,
    second_factors: Arc<dyn SecondFactors>,
    devices: Arc<dyn crate::store::Devices>,
    sso: Arc<dyn crate::store::SingleSignOn>,
    /// Where files' bytes lie, and the bounds on uploads.
    pub files: Arc<crate::files::Files>,
    pub presence: Arc<dyn Presence>,
    fanout: Arc<dyn Fanout>,
    limits: Arc<Limits>,
    /// Serializes queue draining per organization within this node; across nodes the
    /// conditional update in the store keeps a session from being assigned twice.
    drain_locks: Mutex<HashMap<OrgId, Arc<tokio::sync::Mutex<()>>>>,
    /// The queue position last sent for each waiting session, so a client hears only changes.
    /// Entries leave with their session's place in the queue.
    queue_positions: Mutex<HashMap<(OrgId, crate::domain::SessionId), usize>>,
    /// Each client session's organization and client, for the message path.
    session_owners: owners::SessionOwners,
    /// E-mail to customers, when the server has an SMTP server to send it through.
    pub mail: Option<Arc<crate::mail::Mailer>>,
    /// Wakes the outbox sender when an e-mail is due at once.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Posts webhooks to the addresses the operator allows.
    deliverer: crate::webhook::Deliverer,
    /// Wakes the webhook sender when something was queued.
    pub webhook_wake: Arc<tokio::sync::Notify>,
    /// Which webhooks want which events, remembered by an installation's only server.
    webhook_subscriptions: subscriptions::Remembered,
}

impl Chat {
    /// Whether the store accepts a write now (readiness).
    pub async fn store_accepts_writes(&self) -> crate::store::StoreResult<()> {
        self.store.ping().await
    }

    /// Conversations waiting in every organization's queue (a metric).
    pub async fn waiting_sessions(&self) -> crate::store::StoreResult<u64> {
        self.store.waiting_sessions().await
    }

    pub fn new(
        stores: &Stores,
        presence: Arc<dyn Presence>,
        fanout: Arc<dyn Fanout>,
        limits: Arc<Limits>,
        mail: Option<Arc<crate::mail::Mailer>>,
        deliverer: crate::webhook::Deliverer,
        files: Arc<crate::files::Files>,
    ) -> Self {
        Chat {
            store: stores.store.clone(),
            conversations: stores.conversations.clone(),
            log: stores.log.clone(),
            workspace: stores.workspace.clone(),
            search: stores.search.clone(),
            followup: stores.followup.clone(),
            hooks: stores.hooks.clone(),
            audit: stores.audit.clone(),
            attachments: stores.attachments.clone(),
            second_factors: stores.second_factors.clone(),
            devices: stores.devices.clone(),
            sso: stores.sso.clone(),
            files,
            presence,
            fanout,
            limits,
            drain_locks: Mutex::default(),
            queue_positions: Mutex::default(),
            session_owners: owners::SessionOwners::default(),
            mail,
            outbox_wake: Arc::default(),
            deliverer,
            webhook_wake: Arc::default(),
            webhook_subscriptions: subscriptions::Remembered::new(false),
        }
    }

    /// On an installation's only server, which webhooks want which events is remembered: every
    /// change to them goes through it.
    pub fn only_server(mut self, only: bool) -> Self {
        self.webhook_subscriptions = subscriptions::Remembered::new(only);
        self
    }

    async fn emit(&self, targets: Vec<Target>, event: ServerEvent) {
        self.fanout.emit(targets, event).await;
    }

    /// A session the caller may read; 404 otherwise.
    pub async fn readable_session(&self, who: &Identity, id: SessionId) -> ApiResult<Session> {
        self.session_where(who, id, permissions::can_read_session)
            .await
    }

    /// What `join_organization` lets the caller watch: an agent their own organization and a
    /// session of it they may read; a client one of their own sessions (required).
    pub async fn room_to_join(
        &self,
        who: &Identity,
        org: Option<OrgId>,
        session: Option<SessionId>,
    ) -> ApiResult<(OrgId, Option<SessionId>)> {
        let agent = permissions::agent_of(who).ok();
        if let (Some(a), Some(org)) = (agent, org) {
            permissions::same_org(a, org).or_deny("organization")?;
        }
        let Some(session_id) = session else {
            return match agent {
                Some(a) => Ok((a.organization_id, None)),
                None => Err(ApiError::field("session_id", "is required")),
            };
        };
        let session = self.readable_session(who, session_id).await?;
        if org.is_some_and(|o| o != session.organization_id) {
            return Err(ApiError::not_found("session"));
        }
        Ok((session.organization_id, Some(session.id)))
    }

    /// Loads a session the way the caller reaches it (an agent within their organization, a
    /// client among their own) and applies one permission rule to it.
    async fn session_where(
        &self,
        who: &Identity,
        id: SessionId,
        rule: fn(&Identity, &Session) -> permissions::Access,
    ) -> ApiResult<Session> {
        let found = match who {
            Identity::Agent(a) => self.store.session(a.organization_id, id).await?,
            Identity::Client(c) => self.store.client_session(c.id, id).await?,
        };
        let session = found.ok_or_else(|| ApiError::not_found("session"))?;
        rule(who, &session).or_deny("session")?;
        Ok(session)
    }

    /// An agent of the caller's organization; 404 for unknown ids and other organizations.
    pub async fn agent_of_org(
        &self,
        actor: &Agent,
        id: crate::domain::AgentId,
    ) -> ApiResult<Agent> {
        let agent = self
            .store
            .agent(actor.organization_id, id)
            .await?
            .ok_or_else(|| ApiError::not_found("agent"))?;
        permissions::can_view_agent(actor, &agent).or_deny("agent")?;
        self.with_online(agent).await
    }

    /// Fills the derived `online` flag.
    pub async fn with_online(&self, mut agent: Agent) -> ApiResult<Agent> {
        agent.online = !self.presence.online(&[agent.id]).await?.is_empty();
        Ok(agent)
    }

    /// Fills `online` for many agents with one presence query.
    pub async fn all_with_online(&self, mut agents: Vec<Agent>) -> ApiResult<Vec<Agent>> {
        let ids: Vec<_> = agents.iter().map(|a| a.id).collect();
        let online = self.presence.online(&ids).await?;
        for a in &mut agents {
            a.online = online.contains(&a.id);
        }
        Ok(agents)
    }
}
