//! Persistence behind traits: `Store` for organizations, people and sessions, `MessageStore`
//! for the message log and read marks (kept apart so a log-structured message store can replace
//! it without touching the rest). `sqlite.rs` implements both for the embedded mode.

mod migrate;
pub mod sqlite;

use async_trait::async_trait;
use uuid::Uuid;

use crate::domain::model::{
    Agent, Client, Message, OrgSettings, Organization, ReadState, SenderType, Session,
    SessionStatus, Side, Timestamp,
};
use crate::domain::{AgentId, ClientId, OrgId, SessionId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was hit; the text names what already exists.
    #[error("{0}")]
    Conflict(&'static str),
    /// A message was sent to a session that does not exist.
    #[error("session not found")]
    SessionNotFound,
    #[error("session closed")]
    SessionClosed,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Uniqueness rules by index name, with the sentence a user sees when they hit one.
const CONFLICTS: &[(&str, &str)] = &[
    (
        "organizations_domain_key",
        "an organization with this domain already exists",
    ),
    (
        "agents_org_email_key",
        "an agent with this e-mail already exists in the organization",
    ),
    ("clients_username_key", "this username is taken"),
    (
        "clients_email_key",
        "an account with this e-mail already exists",
    ),
    (
        "clients_org_external_id_key",
        "a visitor with this external id already exists",
    ),
];

/// The user-facing sentence for a violated unique index.
pub fn conflict_for_index(index: &str) -> Option<StoreError> {
    CONFLICTS
        .iter()
        .find(|(name, _)| *name == index)
        .map(|(_, msg)| StoreError::Conflict(msg))
}

/// A message to append; the store gives it its `seq`, id and time.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub session_id: SessionId,
    pub sender_type: SenderType,
    pub sender_id: Option<Uuid>,
    pub sender_name: String,
    pub content: String,
    pub client_msg_id: Option<String>,
}

/// What appending did.
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: Message,
    /// False when `client_msg_id` matched a stored message, which is returned instead.
    pub created: bool,
    /// True when this was the client's first message, which puts the session in the queue.
    pub queued: bool,
    /// The session after the append.
    pub session: Session,
}

/// A window of history in ascending `seq`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Delivered,
    Read,
}

/// An agent and how many active sessions they hold.
#[derive(Debug, Clone)]
pub struct AgentLoad {
    pub agent: Agent,
    pub active_sessions: u32,
}

/// What an assignment may overwrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignMode {
    /// Only a waiting, unassigned session; with a capacity, only while the agent is below it.
    Unassigned { capacity: Option<u32> },
    /// Any open session (assignment or transfer by a supervisor), regardless of capacity.
    Any,
}

/// Changes to an agent's profile; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AgentChanges {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<crate::domain::model::Role>,
    pub status: Option<crate::domain::model::AgentStatus>,
    /// `Some(None)` clears the override.
    pub max_concurrent_sessions: Option<Option<u32>>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Proves the store answers and accepts writes.
    async fn ping(&self) -> StoreResult<()>;

    async fn create_organization(
        &self,
        org: &Organization,
        admin: &Agent,
        admin_password_hash: &str,
    ) -> StoreResult<()>;
    async fn organization(&self, id: OrgId) -> StoreResult<Option<Organization>>;
    async fn organization_by_domain(&self, domain: &str) -> StoreResult<Option<Organization>>;
    async fn organizations(&self) -> StoreResult<Vec<Organization>>;
    /// Organizations whose name or domain contains `q`, case-insensitively.
    async fn search_organizations(&self, q: &str, limit: u32) -> StoreResult<Vec<Organization>>;
    async fn update_organization(
        &self,
        id: OrgId,
        name: &str,
        domain: &str,
        settings: &OrgSettings,
        now: Timestamp,
    ) -> StoreResult<Option<Organization>>;
    /// Deletes the organization and everything it owns, messages included.
    async fn delete_organization(&self, id: OrgId) -> StoreResult<bool>;

    async fn insert_agent(&self, agent: &Agent, password_hash: &str) -> StoreResult<()>;
    async fn agent(&self, id: AgentId) -> StoreResult<Option<Agent>>;
    /// Every agent with this e-mail, in any organization, with their password hash.
    async fn agent_logins(&self, email: &str) -> StoreResult<Vec<(Agent, String)>>;
    async fn agent_password_hash(&self, id: AgentId) -> StoreResult<Option<String>>;
    async fn agents(&self, org: OrgId) -> StoreResult<Vec<Agent>>;
    async fn agent_loads(&self, org: OrgId) -> StoreResult<Vec<AgentLoad>>;
    /// Applies the changes; `Conflict` when it would demote the organization's last admin.
    async fn update_agent(
        &self,
        id: AgentId,
        changes: &AgentChanges,
        now: Timestamp,
    ) -> StoreResult<Option<Agent>>;
    /// Sets the hash and bumps the token version, revoking earlier tokens.
    async fn set_agent_password(&self, id: AgentId, hash: &str, now: Timestamp) -> StoreResult<()>;
    /// Deletes the agent unless they are the organization's last admin; their active sessions
    /// return to the queue. Returns those sessions, or `Conflict` for the last admin.
    async fn delete_agent(
        &self,
        org: OrgId,
        id: AgentId,
        now: Timestamp,
    ) -> StoreResult<Vec<SessionId>>;

    async fn insert_client(&self, client: &Client, password_hash: Option<&str>) -> StoreResult<()>;
    async fn client(&self, id: ClientId) -> StoreResult<Option<Client>>;
    /// A registered client by e-mail, with their password hash.
    async fn client_login(&self, email: &str) -> StoreResult<Option<(Client, String)>>;
    async fn visitor_by_external_id(
        &self,
        org: OrgId,
        external_id: &str,
    ) -> StoreResult<Option<Client>>;

    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    async fn session(&self, id: SessionId) -> StoreResult<Option<Session>>;
    async fn client_sessions(&self, client: ClientId) -> StoreResult<Vec<Session>>;
    /// Sessions of an organization, newest first (`status` filters).
    async fn org_sessions(
        &self,
        org: OrgId,
        status: Option<SessionStatus>,
    ) -> StoreResult<Vec<Session>>;
    async fn agent_sessions(
        &self,
        agent: AgentId,
        status: Option<SessionStatus>,
    ) -> StoreResult<Vec<Session>>;
    /// Waiting sessions whose client has written, oldest first.
    async fn queue(&self, org: OrgId) -> StoreResult<Vec<Session>>;
    /// How many sessions wait in the queues of all organizations (for metrics).
    async fn waiting_sessions(&self) -> StoreResult<u64>;
    /// One atomic conditional update: the session is assigned at most once.
    async fn assign_session(
        &self,
        id: SessionId,
        agent: AgentId,
        mode: AssignMode,
        now: Timestamp,
    ) -> StoreResult<Option<Session>>;
    /// Closes an open session; `None` when it was already closed.
    async fn close_session(&self, id: SessionId, now: Timestamp) -> StoreResult<Option<Session>>;
}

#[async_trait]
pub trait MessageStore: Send + Sync + 'static {
    /// Stores a message with the next gapless `seq`, durably, before returning. A repeated
    /// `client_msg_id` of the same sender returns the stored message.
    async fn append(&self, msg: NewMessage) -> StoreResult<Appended>;
    /// Waits until every append accepted so far is durable (for shutdown).
    async fn flush(&self) -> StoreResult<()>;
    /// Messages of the window and whether more exist beyond it.
    async fn messages(&self, session: SessionId, page: Page) -> StoreResult<(Vec<Message>, bool)>;
    async fn last_message(&self, session: SessionId) -> StoreResult<Option<Message>>;
    /// Messages after `seq` written by the other side (system messages count as the other side).
    async fn count_unread(&self, session: SessionId, side: Side, seq: i64) -> StoreResult<i64>;
    /// Moves a mark forward (never back); reading implies delivery.
    async fn mark(
        &self,
        session: SessionId,
        side: Side,
        mark: Mark,
        seq: i64,
    ) -> StoreResult<ReadState>;
    async fn read_state(&self, session: SessionId, side: Side) -> StoreResult<ReadState>;
}
